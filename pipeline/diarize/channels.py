"""Diarization of recordings where every party has a channel of their own (what call-centre recorders write).

One speaker per channel (``CH0``, ``CH1``, ...): a channel's turns are where silero-vad hears speech on it *and*
that speech is the channel's own, not the other party leaking in (cross-talk bleed): after equalising each
channel's speech level, a frame counts for a channel only when its energy is within ``bleed_db`` of the
loudest channel there (dips shorter than ``dip_s`` between such frames are bridged). Both parties talking at
once keeps both (overlaps are kept exactly).

``channels_are_distinct`` tells whether a multi-channel recording really holds separate parties, or is a
duplicated mono / a near-identical stereo mix that should be diarized from the mix-down instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np

from pipeline.types import SAMPLE_RATE, Audio, Diarization, SpeakerTurn

from ._vad import FRAME, FRAME_S, VadOptions, hysteresis

METHOD = "channels:silero-vad"


class FrameVAD(Protocol):
    """What the channel diarizer needs from a VAD: speech probabilities per 512-sample frame."""

    def probs(self, x: np.ndarray) -> np.ndarray:  # (channels, n) -> (channels, n_frames)
        ...


@dataclass(frozen=True)
class ChannelOptions:
    """Settings of ``ChannelDiarizer``."""

    vad_onset: float = 0.5  # silero-vad hysteresis (close-talk call channels need no lowered threshold)
    vad_offset: float = 0.35
    vad_min_speech_s: float = 0.2  # shorter speech on a channel is dropped
    vad_min_silence_s: float = 0.1  # shorter pauses are bridged by the VAD
    vad_pad_s: float = 0.03
    bleed_db: float = 10.0  # a channel's frame counts only within this many dB of the loudest channel
    #                         (energies relative to each channel's own speech level)
    level_percentile: float = 90.0  # a channel's speech level: this percentile of its speech-frame energies
    quiet_db: float = 30.0  # frames this far below a channel's speech level are pauses, not its own speech
    dip_s: float = 0.25  # a channel stays active through quieter dips up to this long between loud frames
    fill_gap_s: float = 1.0  # a party's pauses up to this long count as their turn (same as the embedded diarizer)


def frame_energy_db(x: np.ndarray) -> np.ndarray:
    """Energy in dB of each 512-sample frame (32 ms), last frame zero-padded. (c, n) -> (c, n_frames)."""
    x = np.atleast_2d(x)
    n_frames = -(-x.shape[1] // FRAME)
    pad = np.zeros((x.shape[0], n_frames * FRAME), dtype=np.float64)
    pad[:, : x.shape[1]] = x
    power = (pad.reshape(x.shape[0], n_frames, FRAME) ** 2).mean(-1)
    return 10.0 * np.log10(power + 1e-10)


def _close_gaps(mask: np.ndarray, max_gap: int) -> np.ndarray:
    """Fill runs of False no longer than ``max_gap`` that have True on both sides (per row)."""
    out = mask.copy()
    if max_gap <= 0:
        return out
    for row in out:
        on = np.flatnonzero(row)
        if on.size < 2:
            continue
        gaps = np.diff(on) - 1
        for i in np.flatnonzero((gaps > 0) & (gaps <= max_gap)):
            row[on[i] + 1:on[i + 1]] = True
    return out


def _mask_to_regions(mask: np.ndarray, min_speech_s: float, min_silence_s: float) -> list[tuple[float, float]]:
    regions: list[list[float]] = []
    m = np.concatenate([[False], mask, [False]])
    d = np.diff(m.astype(np.int8))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    for s, e in zip(starts, ends):
        s_t, e_t = s * FRAME_S, e * FRAME_S
        if regions and s_t - regions[-1][1] < min_silence_s:
            regions[-1][1] = e_t
        else:
            regions.append([s_t, e_t])
    return [(s, e) for s, e in regions if e - s >= min_speech_s]


class ChannelDiarizer:
    """One speaker per channel. ``vad``: any object with ``probs`` (default: silero-vad, loaded once here)."""

    method = METHOD

    def __init__(self, options: ChannelOptions | None = None, vad: FrameVAD | None = None):
        self.options = options or ChannelOptions()
        if vad is None:
            from ._vad import SileroVAD

            vad = SileroVAD()
        self._vad = vad

    def diarize(self, audio: Audio, num_speakers: int | None = None, max_speakers: int | None = None) -> Diarization:
        """``num_speakers``/``max_speakers`` are accepted for the ``Diarizer`` protocol and ignored: one per channel."""
        o = self.options
        x = np.nan_to_num(np.asarray(audio.samples, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        n_ch = x.shape[0]
        names = [f"CH{c}" for c in range(n_ch)]
        channel_of = {name: c for c, name in enumerate(names)}
        opts = {**asdict(o), "channels": n_ch}
        dur = audio.duration_s
        if x.shape[1] < FRAME:
            return Diarization((), METHOD, opts, channel_of)
        probs = np.atleast_2d(self._vad.probs(x))
        vopts = VadOptions(o.vad_onset, o.vad_offset, o.vad_min_speech_s, o.vad_min_silence_s, o.vad_pad_s)
        n_frames = probs.shape[1]
        vad_mask = np.zeros((n_ch, n_frames), bool)
        t = (np.arange(n_frames) + 0.5) * FRAME_S
        for c in range(n_ch):
            for s, e in hysteresis(probs[c], vopts, dur):
                vad_mask[c, (t >= s) & (t < e)] = True
        mask = vad_mask
        if n_ch > 1:
            e = frame_energy_db(x)[:, :n_frames]
            rel = e.copy()
            for c in range(n_ch):
                own = e[c, vad_mask[c]]
                level = np.percentile(own, o.level_percentile) if own.size else np.max(e[c])
                rel[c] -= level
            # a frame is a channel's own when the channel is audible there (not far below its speech level) and
            # not far below the loudest channel: bleed is much quieter than the party it comes from
            dominant = (rel >= -o.quiet_db) & (rel >= rel.max(0, keepdims=True) - o.bleed_db)
            # a syllable dip inside a channel's talk is not the end of it: bridge short non-dominant runs
            dominant = _close_gaps(dominant, int(round(o.dip_s / FRAME_S)))
            mask = vad_mask & dominant
        turns: list[SpeakerTurn] = []
        speech: list[SpeakerTurn] = []
        for c in range(n_ch):
            for s, e_ in _mask_to_regions(mask[c], o.vad_min_speech_s, max(o.vad_min_silence_s, o.fill_gap_s)):
                turns.append(SpeakerTurn(round(float(s), 3), round(float(min(e_, dur)), 3), names[c]))
            for s, e_ in _mask_to_regions(mask[c], o.vad_min_speech_s, o.vad_min_silence_s):
                speech.append(SpeakerTurn(round(float(s), 3), round(float(min(e_, dur)), 3), names[c]))
        turns.sort(key=lambda tr: (tr.start, tr.end, tr.speaker))
        speech.sort(key=lambda tr: (tr.start, tr.end, tr.speaker))
        return Diarization(tuple(turns), METHOD, opts, channel_of, tuple(speech))


def channel_stats(audio: Audio, floor_db: float = 25.0) -> dict[str, Any]:
    """Evidence for ``channels_are_distinct`` (first two channels).

    ``correlation``: Pearson correlation of the two waveforms (1.0 for a duplicated mono).
    ``dominance``: of the frames where some channel is active (within ``floor_db`` of its own loud level),
    the share where the two channels' level-normalised energies differ by more than 10 dB, i.e. where one party
    clearly holds the floor on one channel (near 0 for a mix, high for separate parties).
    ``active``: per channel, the share of frames that are active.
    """
    x = np.asarray(audio.samples, dtype=np.float64)[:2]
    if x.shape[0] < 2 or x.shape[1] < FRAME:
        return {"correlation": 1.0, "dominance": 0.0, "active": [0.0] * x.shape[0]}
    a, b = x[0] - x[0].mean(), x[1] - x[1].mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    corr = float((a * b).sum() / den) if den > 0 else 1.0
    e = frame_energy_db(x)
    loud = np.percentile(e, 95, axis=1, keepdims=True)
    rel = e - loud
    act = rel > -floor_db
    any_act = act.any(0)
    dom = float((np.abs(rel[0] - rel[1])[any_act] > 10.0).mean()) if any_act.any() else 0.0
    return {"correlation": corr, "dominance": dom, "active": [float(r.mean()) for r in act],
            "level_db": [float(v) for v in loud[:, 0]]}


def channels_are_distinct(audio: Audio, max_correlation: float = 0.7, min_dominance: float = 0.5,
                          min_active: float = 0.02, silent_db: float = -60.0) -> bool:
    """True when a 2+ channel recording holds separate parties (one per channel).

    False for mono, a duplicated mono, a near-identical stereo mix (waveforms correlated above
    ``max_correlation``, or energies that rise and fall together: ``dominance`` below ``min_dominance``) and for
    a recording with a silent or nearly idle channel (nothing to separate: the mix-down holds everything).
    """
    if audio.channels < 2:
        return False
    st = channel_stats(audio)
    if min(st["level_db"]) < silent_db or min(st["active"]) < min_active:
        return False
    return st["correlation"] < max_correlation and st["dominance"] >= min_dominance


def channel_levels(audio: Audio, diarization: Diarization, level_percentile: float = 90.0):
    """``level_db(speaker, start, end)``: a party's channel energy over a span in dB, relative to that
    channel's own speech level (the ``level_percentile`` of its frames inside its turns). Bleed from the other
    party sits far below 0 dB; the party's own speech near it."""
    x = np.nan_to_num(np.asarray(audio.samples, dtype=np.float32))
    e = frame_energy_db(x)
    n = e.shape[1]
    t = (np.arange(n) + 0.5) * FRAME_S
    level = {}
    for spk, ch in diarization.channel_of.items():
        own = np.zeros(n, bool)
        for tr in diarization.turns:
            if tr.speaker == spk:
                own |= (t >= tr.start) & (t < tr.end)
        level[spk] = float(np.percentile(e[ch, own], level_percentile)) if own.any() else float(e[ch].max())

    def level_db(speaker: str, start: float, end: float) -> float:
        ch = diarization.channel_of[speaker]
        a, b = int(start / FRAME_S), max(int(np.ceil(end / FRAME_S)), int(start / FRAME_S) + 1)
        frames = e[ch, a:b]
        if not frames.size:
            return -120.0
        return float(10 * np.log10(np.mean(10 ** (frames / 10)) + 1e-12)) - level[speaker]

    return level_db
