"""Speech the VAD heard but Whisper skipped: found and decoded again on its own.

Whisper decodes 30 s windows and, when a window's text ends early, jumps to the next window: what was said
after that point is lost. On phone audio (quiet or muffled stretches, short replies between long pauses) that
drops whole sentences: on a real 8 kHz call "yes we do, okay, and what time would you like to come in" was
missing although the VAD marked it as speech. So after the first pass, every stretch of speech that no word
covers (a whole short reply, or a gap inside a longer turn) is decoded again as a clip of its own, where
nothing comes before it in the window to end early.

A second decode of unclear audio can invent words, so the clips are decoded greedily only (no hot fallback),
a recovered segment is kept only when it passes Whisper's own checks (compression ratio, mean
log-probability, no-speech probability), and only its words that fall inside the stretch no word covered.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..types import SAMPLE_RATE, Segment, Transcript, Word
from .spans import merge


@dataclass(frozen=True)
class RecoverOptions:
    """When a stretch of speech counts as skipped, and what a second decode of it must show to be kept."""

    cover_s: float = 0.3  # a word covers the speech this far around itself (word edges are only ~0.2 s exact)
    min_gap_s: float = 0.6  # an uncovered stretch inside a turn shorter than this is a pause, not lost speech
    min_region_s: float = 0.2  # a whole speech region with no word at all counts from this length (a "yes")
    join_s: float = 0.3  # speech regions closer than this are one region
    pad_s: float = 0.3  # audio kept around each stretch decoded again
    max_no_speech: float = 0.6  # Whisper's own no-speech threshold: above, the clip is silence to it
    max_clips: int = 40  # a call with more skipped stretches than this keeps the first pass as it is


def uncovered(regions: list[tuple[float, float]], words: list[Word],
              o: RecoverOptions = RecoverOptions()) -> list[tuple[float, float]]:
    """Stretches of ``regions`` (speech, s) that no word covers: whole regions with no word (from
    ``min_region_s``) and gaps inside a region of at least ``min_gap_s``. Sorted, not overlapping."""
    cover = merge([(w.start - o.cover_s, w.end + o.cover_s) for w in words], 0.0)
    starts = np.array([c[0] for c in cover])
    out: list[tuple[float, float]] = []
    for s, e in merge(regions, o.join_s):
        i = max(int(np.searchsorted(starts, s, side="right")) - 1, 0)
        cur, touched = s, False
        for a, b in cover[i:]:
            if a >= e:
                break
            if b <= cur:
                continue
            touched = True
            if a - cur >= o.min_gap_s:
                out.append((cur, a))
            cur = max(cur, b)
            if cur >= e:
                break
        if not touched:
            if e - s >= o.min_region_s:
                out.append((s, e))
        elif e - cur >= o.min_gap_s:
            out.append((cur, e))
    return out


def passed(seg: Segment, t, o: RecoverOptions) -> bool:
    """Whether a greedy decode passed Whisper's own checks (``t``: the ``TranscribeOptions`` it ran with): not
    looping (compression ratio), confident enough (mean log-probability), and not silence to the model."""
    if (seg.no_speech_prob or 0.0) > o.max_no_speech:
        return False
    if seg.compression_ratio is not None and seg.compression_ratio > t.compression_ratio_threshold:
        return False
    return seg.avg_logprob is None or t.logprob_threshold is None or seg.avg_logprob >= t.logprob_threshold


def recover(transcriber, samples: np.ndarray, regions: list[tuple[float, float]], transcript: Transcript,
            o: RecoverOptions = RecoverOptions()) -> tuple[Transcript, list[tuple[float, float]]]:
    """``transcript`` with the words of speech it skipped, decoded again clip by clip; and the stretches tried.

    ``samples``: the audio ``transcript`` was made from (mono, 16 kHz, the recording's clock); ``regions``: its
    speech (s). Segments keep their channel.
    """
    words = [w for s in transcript.segments for w in s.words]
    gaps = uncovered(regions, words, o)
    if not gaps or len(gaps) > o.max_clips:
        return transcript, gaps
    end = samples.shape[-1] / SAMPLE_RATE
    clips = [(max(0.0, a - o.pad_s), min(end, b + o.pad_s)) for a, b in gaps]
    channel = next((s.channel for s in transcript.segments), None)
    # greedy only: a clip that needs the hot fallback is unclear audio, and its words would not be kept anyway
    first_try = dataclasses.replace(transcriber.options, temperature_fallback=False)
    result = transcriber.transcribe(samples, clips=clips, options=first_try)
    starts = np.array([g[0] for g in gaps])
    taken = sorted((w.start, w.end) for w in words)

    def in_gap(w: Word) -> bool:
        mid = (w.start + w.end) / 2
        i = int(np.searchsorted(starts, mid + o.cover_s, side="right")) - 1
        return i >= 0 and gaps[i][0] - o.cover_s <= mid <= gaps[i][1] + o.cover_s

    def clear_of_words(w: Word) -> bool:
        return not any(a < w.end and w.start < b for a, b in taken)

    added: list[Segment] = []
    for seg in result.segments:
        if not passed(seg, first_try, o):
            continue
        kept = tuple(w for w in seg.words if in_gap(w) and clear_of_words(w))
        if kept:
            added.append(dataclasses.replace(seg, start=kept[0].start, end=kept[-1].end, words=kept,
                                             text="".join(w.text for w in kept).strip(), channel=channel))
    if not added:
        return transcript, gaps
    segments = tuple(sorted(transcript.segments + tuple(added), key=lambda s: (s.start, s.end)))
    return dataclasses.replace(transcript, segments=segments), gaps
