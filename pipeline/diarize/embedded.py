"""Fully offline speaker diarization: silero-vad speech detection + resemblyzer speaker embeddings.

Steps (``EmbeddedDiarizer.diarize``), all on the mono mix-down:

1. silero-vad frame probabilities -> speech regions (hysteresis thresholds).
2. resemblyzer's 40-band mel features (10 ms frames) of the speech only, gain-normalised so that the speech
   sits at ``speech_dbfs``. The speech frames are joined into one stream; pauses longer than ``bridge_s`` cut
   it into chunks (turns usually change at pauses), and each chunk is embedded in windows of every length in
   ``window_s`` every ``hop_s`` (VAD-gated, multi-scale windows; a very short chunk borrows speech around it).
3. embeddings are mean-centred (resemblyzer's are all positive and share a large common component) and the
   longest windows are clustered: average-linkage cosine AHC into ``num_speakers`` clusters, refined by
   spherical k-means. An unknown count is estimated from the silhouette (2..max_speakers, at most one speaker
   per ``min_speaker_speech_s`` of speech) and clusters with near-identical raw centroids are merged. Long
   recordings cluster at most ``max_cluster_windows`` evenly spaced windows; the rest go to the nearest centroid.
4. resegmentation: each 10 ms speech frame scores every speaker by the window-weighted cosine similarity of
   the windows covering it (averaged over the window lengths); a Viterbi pass with a speaker-switch penalty
   labels the frames, so change points fall inside speech regions too. The centroids are re-estimated from the
   labelled windows and the pass repeated (``refine_iters``).
5. turns are cut at label changes and region ends; a speaker's turn is continued over short pauses
   (``fill_gap_s``) and under the other party's short interjections (``interjection_s``, which become overlap);
   labels are ``SPEAKER_00``, ``SPEAKER_01``... in order of first appearance.
"""

from __future__ import annotations

import functools
import threading
import time
import warnings
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from pipeline.types import SAMPLE_RATE, Audio, Diarization, SpeakerTurn

from . import _cluster as C
from ..compute import inference_threads
from ._vad import VadOptions, hysteresis, torch_threads

METHOD = "embedded:silero-vad+resemblyzer"


@functools.lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name, dist in (("vad", "silero-vad"), ("embedding", "resemblyzer")):
        try:
            out[name] = f"{dist} {version(dist)}"
        except PackageNotFoundError:
            out[name] = dist
    return out

MEL_HOP = 160  # 10 ms, resemblyzer's mel_window_step
MEL_FFT = 400  # 25 ms, resemblyzer's mel_window_length
MEL_S = MEL_HOP / SAMPLE_RATE


@dataclass(frozen=True)
class EmbeddedOptions:
    """Settings of ``EmbeddedDiarizer``.

    The defaults were chosen on real 2-party audio (a telephone call, two AMI meeting excerpts) and synthetic
    sales calls, all with the same values; ``scripts/tune_diarization.py`` reports the DER they give.
    """

    # --- speech detection (silero-vad) ---
    vad_onset: float = 0.35  # speech starts where silero's probability rises above this (below silero's 0.5:
    #                          far-field and telephone speech often peaks at 0.4-0.6)
    vad_offset: float = 0.2  # ... and stops where it falls below this
    vad_min_speech_s: float = 0.2  # shorter speech regions are dropped
    vad_min_silence_s: float = 0.1  # shorter pauses are bridged
    vad_pad_s: float = 0.03  # speech regions are widened by this on each side
    min_speech_total_s: float = 0.4  # less speech than this in the whole recording -> empty diarization
    # --- embeddings (resemblyzer) ---
    window_s: tuple[float, ...] = (1.5, 1.0)  # embedding window lengths (s of speech); clustering uses the
    #                                           longest, frame scores average all of them (multi-scale)
    hop_s: float = 0.25  # step between windows
    bridge_s: float = 0.3  # windows may span pauses up to this long; a longer pause (where turns usually
    #                        change) cuts the speech into chunks that are embedded separately
    min_window_s: float = 0.5  # a chunk shorter than this is embedded with this much speech around it
    speech_dbfs: float = -20.0  # speech is gain-normalised to this RMS level before the (linear) mel features;
    #                             resemblyzer separates speakers far worse at -30 dBFS and below
    window_gain: bool = False  # True: normalise every window to ``speech_dbfs`` on its own
    # --- clustering ---
    clustering: str = "ahc"  # "ahc" (average-linkage cosine) or "spectral"; both refined by spherical k-means
    max_cluster_windows: int = 2000  # above this many windows, cluster an evenly spaced sample of this size
    #                                  and assign the rest to the nearest centroid (bounded time and memory)
    kmeans_iters: int = 10  # spherical k-means refinement steps after the initial clustering
    single_speaker_similarity: float = 0.9  # num_speakers=None: clusters whose raw resemblyzer centroids are
    #                                         at least this similar are one speaker
    min_cluster_share: float = 0.05  # num_speakers=None: a speaker needs this share of the windows
    min_speaker_speech_s: float = 5.0  # num_speakers=None: at most one speaker per this much speech (a short
    #                                   recording cannot support many clusters)
    # --- resegmentation ---
    switch_penalty: float = 3.0  # Viterbi cost of a speaker change, in (cosine similarity x 10 ms frames)
    refine_iters: int = 2  # re-estimate the centroids from the resegmented frames and resegment again
    free_switch_pause_s: float = 1.0  # a speaker change across a pause longer than this costs nothing
    fill_gap_s: float = 1.0  # a speaker's pauses up to this long count as their turn (as human references do)
    interjection_s: float = 1.0  # a speaker's turn continues under the other party's interjections up to this
    #                              long (back-channels: "mm-hm", "right"), which thus become overlapped speech
    min_turn_s: float = 0.0  # turns shorter than this are dropped (after resegmentation)
    # --- overlapped speech ---
    overlap_margin: float = 0.0  # >0: a frame also gets the 2nd speaker when its score is within this of the
    #                              1st (off: on the evaluation audio it added more false alarms than it found)
    overlap_min_s: float = 0.2  # overlap stretches shorter than this are ignored
    # a change of speaker with no pause, where the mix is this much louder than the louder voice's usual level
    # (two voices at once add up), is recorded as overlap (``Diarization.overlaps``); 0 turns it off
    switch_overlap_db: float = 2.0
    switch_overlap_s: float = 0.6  # ... measured over this long on each side of the change
    switch_pause_s: float = 0.15  # a change of speaker with a pause of at least this long is a plain turn change
    # ... also where the signal itself dips this far below its loud frames for ``switch_pause_s`` within
    # ``switch_dip_window_s`` of the change (the VAD joins pauses of up to ~0.3 s into one region, and the
    # diarizer places a change to within a few frames): on the tuning calls this removed 2 of 3 false overlaps
    # for 1 of 7 true ones (docs/EVALUATION.md)
    switch_dip_db: float = 20.0
    switch_dip_window_s: float = 0.4

    def vad(self) -> VadOptions:
        return VadOptions(onset=self.vad_onset, offset=self.vad_offset, min_speech_s=self.vad_min_speech_s,
                          min_silence_s=self.vad_min_silence_s, pad_s=self.vad_pad_s)


def _mel_filterbank(n_mels: int = 40) -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney scale and norm), without importing librosa."""
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0

    def h2m(f):
        f = np.asarray(f, float)
        return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)

    def m2h(m):
        m = np.asarray(m, float)
        return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)

    fft = np.linspace(0, SAMPLE_RATE / 2, 1 + MEL_FFT // 2)
    mel_f = m2h(np.linspace(h2m(0.0), h2m(SAMPLE_RATE / 2), n_mels + 2))
    fd = np.diff(mel_f)
    ramps = mel_f[:, None] - fft[None, :]
    w = np.zeros((n_mels, len(fft)))
    for i in range(n_mels):
        w[i] = np.maximum(0, np.minimum(-ramps[i] / fd[i], ramps[i + 2] / fd[i + 1]))
    w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return w.astype(np.float32)


class EmbeddedDiarizer:
    """Offline diarizer. The models are loaded once, here; ``diarize`` may be called from several threads
    (model calls are serialised by a lock)."""

    method = METHOD

    def __init__(self, options: EmbeddedOptions | None = None, *, vad: Any = None, encoder: Any = None,
                 device: str = "cpu", torch_threads: int | str | None = "auto", **overrides: Any):
        """``options`` (or keyword ``overrides`` of its fields) set the algorithm.

        ``vad``: an object with ``probs(x) -> speech probability per 512-sample frame`` (default: silero-vad);
        ``encoder``: a callable mapping a float tensor of mel frames (batch, frames, 40) to embeddings
        (batch, dim) (default: resemblyzer's ``VoiceEncoder``). Tests pass light stand-ins for both.
        ``torch_threads``: torch's thread count while this diarizer runs (restored afterwards; None: leave it;
        "auto": this process's share of the cores, ``pipeline.compute.inference_threads``).
        """
        import torch

        self.options = replace(options or EmbeddedOptions(), **overrides)
        self.torch_threads = inference_threads() if torch_threads == "auto" else torch_threads
        if vad is None:
            from ._vad import SileroVAD

            vad = SileroVAD()
        self._vad = vad
        if encoder is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # webrtcvad (imported by resemblyzer) warns about pkg_resources
                from resemblyzer.voice_encoder import VoiceEncoder

                encoder = VoiceEncoder(device=device, verbose=False)
            encoder.eval()
        self._encoder = encoder
        self._device = device
        self._fbank = torch.from_numpy(_mel_filterbank())
        self._window = torch.hann_window(MEL_FFT)
        self._lock = threading.Lock()
        self.last_timing: dict[str, float] = {}

    @property
    def vad(self) -> Any:
        """The loaded speech detector, for other stages to share rather than load again."""
        return self._vad

    # ------------------------------------------------------------------ public
    def diarize(self, audio: Audio, num_speakers: int | None = 2, max_speakers: int = 4) -> Diarization:
        """Speaker turns of ``audio`` (its mono mix-down).

        ``num_speakers``: the number of parties (2 for a sales call); None estimates it in 1..``max_speakers``.
        Silence, too little speech or an empty recording give a ``Diarization`` without turns.
        """
        o = self.options
        opts = {**asdict(o), "num_speakers": num_speakers, "max_speakers": max_speakers,
                "models": _versions()}
        opts["window_s"] = list(o.window_s)
        x = np.nan_to_num(np.asarray(audio.mono(), dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        if num_speakers is not None and num_speakers < 1:
            raise ValueError("num_speakers must be >= 1 or None")
        max_speakers = max(1, int(max_speakers))
        feats = self.features(x)
        turns, info = self.cluster_and_segment(feats, num_speakers, max_speakers)
        opts["estimated_speakers"] = info.get("k")
        return Diarization(turns=turns, method=METHOD, options=opts,
                           speech=speech_in_turns(turns, feats["regions"]),
                           overlaps=switch_overlaps(x, turns, feats["regions"], o))

    def voice_embedding(self, x: np.ndarray) -> tuple[np.ndarray | None, float]:
        """One speaker's voiceprint - the mean of the window embeddings of their speech - and the seconds of
        speech it was made from (None when there was too little).

        The same encoder, windows and gain as diarization, so a voiceprint compares with a call's speakers.
        """
        feats = self.features(np.nan_to_num(np.asarray(x, dtype=np.float32)))
        speech_s = float(sum(e - s for s, e in feats["regions"]))
        if not feats["scales"] or not len(feats["scales"][0]["emb"]):
            return None, speech_s
        m = feats["scales"][0]["emb"].astype(np.float64).mean(0)  # the longest windows
        return (m / (np.linalg.norm(m) + 1e-12)).astype(np.float32), speech_s

    # ------------------------------------------------------------------ stages (public for tuning scripts)
    def features(self, x: np.ndarray) -> dict[str, Any]:
        """VAD regions, the speech-frame stream and the window embeddings (one set per scale) of a mono signal."""
        import torch

        o = self.options
        t0 = time.perf_counter()
        dur = len(x) / SAMPLE_RATE
        empty: dict[str, Any] = {"duration": dur, "regions": [], "frames": np.zeros(0, int), "scales": []}
        if len(x) < MEL_FFT or not np.isfinite(x).all() or float(np.max(np.abs(x))) < 1e-6:  # nothing to hear
            return empty
        probs = self._vad.probs(x)
        regions = hysteresis(probs, o.vad(), dur)
        t1 = time.perf_counter()
        n_mel = 1 + len(x) // MEL_HOP
        centres = np.arange(n_mel) * MEL_S
        speech = np.zeros(n_mel, bool)
        for s, e in regions:
            speech[(centres >= s) & (centres < e)] = True
        frames = np.flatnonzero(speech)
        if len(frames) * MEL_S < o.min_speech_total_s:
            return {**empty, "regions": regions}
        # gain: speech RMS -> speech_dbfs (the power mel scales with gain^2)
        sum_sq, count = 0.0, 0
        for s, e in regions:
            seg = x[int(s * SAMPLE_RATE):int(e * SAMPLE_RATE)].astype(np.float64)
            sum_sq += float(seg @ seg)
            count += seg.size
        gain = 10 ** (o.speech_dbfs / 20) / (np.sqrt(sum_sq / max(count, 1)) + 1e-9)
        with torch.inference_mode(), torch_threads(self.torch_threads):
            stream, power = self._speech_mel(x, frames, n_mel)
            stream *= gain * gain  # (n_speech_frames, 40)
        if not o.window_gain:
            power = None
        # chunks of the stream: pauses longer than bridge_s cut it
        cuts = np.flatnonzero(np.diff(frames) * MEL_S > o.bridge_s + 1e-9) + 1
        bounds = np.concatenate([[0], cuts, [len(frames)]])
        chunks = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
        scales = []
        for ws in sorted(set(o.window_s), reverse=True):
            win, own = self._windows(chunks, len(frames), ws)
            wgain = None
            if power is not None:
                cs = np.concatenate([[0.0], np.cumsum(power)])
                wp = (cs[win[:, 1]] - cs[win[:, 0]]) / (win[:, 1] - win[:, 0])
                wgain = np.sqrt(power.mean() / np.maximum(wp, 1e-12))
            scales.append({"window_s": ws, "win": win, "own": own, "emb": self._embed(stream, win, wgain)})
        t2 = time.perf_counter()
        self.last_timing = {"vad_s": t1 - t0, "embed_s": t2 - t1}
        return {"duration": dur, "regions": regions, "frames": frames, "chunks": chunks, "scales": scales}

    def _speech_mel(self, x: np.ndarray, frames: np.ndarray, n_mel: int, block: int = 6000):
        """Mel power spectrogram (resemblyzer's features: librosa-style centred STFT, 25 ms Hann, 10 ms hop,
        constant padding) of the speech frames only, computed in blocks of ``block`` frames so that memory
        stays bounded on long calls. Returns (mel (n_frames, 40) tensor, frame power (n_frames,) array)."""
        import torch

        half = MEL_FFT // 2
        mels, powers = [], []
        for a0 in range(0, n_mel, block):
            a1 = min(n_mel, a0 + block)
            lo, hi = np.searchsorted(frames, [a0, a1])
            if lo == hi:
                continue
            start, end = a0 * MEL_HOP - half, (a1 - 1) * MEL_HOP + half
            seg = x[max(0, start):min(len(x), end)]
            seg = np.pad(seg, (max(0, -start), max(0, end - len(x))))
            spec = torch.stft(torch.from_numpy(np.ascontiguousarray(seg, dtype=np.float32)), n_fft=MEL_FFT,
                              hop_length=MEL_HOP, window=self._window, center=False,
                              return_complex=True).abs() ** 2  # (201, a1 - a0)
            sp = spec[:, torch.from_numpy(frames[lo:hi] - a0)]
            mels.append((self._fbank @ sp).T)
            powers.append(sp.sum(0))
        return torch.cat(mels).contiguous(), torch.cat(powers).double().numpy()

    def _windows(self, chunks: list[tuple[int, int]], n: int, window_s: float) -> tuple[np.ndarray, np.ndarray]:
        """Embedding windows ``win`` and the stream frames each one scores ``own`` (both (m, 2) index ranges)."""
        o = self.options
        w = max(1, int(round(window_s / MEL_S)))
        h = max(1, int(round(o.hop_s / MEL_S)))
        wmin = max(1, int(round(o.min_window_s / MEL_S)))
        win, own = [], []
        for a, b in chunks:
            L = b - a
            if L >= w:
                starts = list(range(a, b - w + 1, h))
                if starts[-1] + w < b:
                    starts.append(b - w)
                for s in starts:
                    win.append((s, s + w))
                    own.append((s, s + w))
            elif L >= wmin:
                win.append((a, b))
                own.append((a, b))
            else:  # too short to embed alone: take speech around it
                m = min(wmin, n)
                s = int(np.clip((a + b) // 2 - m // 2, 0, n - m))
                win.append((s, s + m))
                own.append((a, b))
        return np.array(win, dtype=int).reshape(-1, 2), np.array(own, dtype=int).reshape(-1, 2)

    def _embed(self, stream, win: np.ndarray, wgain: np.ndarray | None = None, batch: int = 128) -> np.ndarray:
        import torch

        lengths = win[:, 1] - win[:, 0]
        out: np.ndarray | None = None
        with self._lock, torch.inference_mode(), torch_threads(self.torch_threads):
            for L in np.unique(lengths):
                idx = np.flatnonzero(lengths == L)
                for b in range(0, len(idx), batch):
                    ii = idx[b:b + batch]
                    mels = torch.stack([stream[win[i, 0]:win[i, 1]] for i in ii])
                    if wgain is not None:
                        mels = mels * torch.from_numpy(wgain[ii].astype(np.float32))[:, None, None]
                    e = self._encoder(mels.to(self._device)).cpu().numpy()
                    if out is None:
                        out = np.zeros((len(win), e.shape[1]), dtype=np.float32)
                    out[ii] = e
        return out if out is not None else np.zeros((0, 256), dtype=np.float32)

    def cluster_and_segment(self, feats: dict[str, Any], num_speakers: int | None, max_speakers: int = 4
                            ) -> tuple[tuple[SpeakerTurn, ...], dict[str, Any]]:
        o = self.options
        frames = feats["frames"]
        t0 = time.perf_counter()
        if not feats["scales"] or len(frames) == 0:
            return (), {"k": 0}
        n = len(frames)
        scales = []
        for sc in feats["scales"]:
            raw = C.l2n(sc["emb"].astype(np.float64))
            scales.append({**sc, "raw": raw, "xc": C.l2n(raw - raw.mean(0))})
        main = scales[0]  # the longest windows: the most reliable embeddings
        # bounded clustering set
        m = len(main["xc"])
        if m > o.max_cluster_windows:
            sample = np.unique(np.linspace(0, m - 1, o.max_cluster_windows).round().astype(int))
        else:
            sample = np.arange(m)
        if num_speakers is None:
            max_speakers = max(1, min(max_speakers, int(n * MEL_S // o.min_speaker_speech_s)))
        k, labels_s = self._cluster(main["xc"][sample], main["raw"][sample], num_speakers, max_speakers)
        cent = C.centroids(main["xc"][sample], labels_s, k)
        gaps = np.diff(frames) * MEL_S
        free = np.concatenate([[False], gaps > o.free_switch_pause_s])  # changes across long pauses cost nothing
        cents = [cent for _ in scales]
        lab = np.zeros(n, int)
        score = np.zeros((n, k))
        for it in range(o.refine_iters + 1):
            score = self._frame_scores(scales, cents, n, k)
            lab = _viterbi(score, o.switch_penalty, free) if k > 1 else np.zeros(n, int)
            if it == o.refine_iters:
                break
            # new centroids per scale from the windows whose scored frames are (almost) all one speaker
            new = []
            for sc, c_old in zip(scales, cents):
                c = c_old.copy()
                wl = np.array([np.bincount(lab[a:b], minlength=k) for a, b in sc["own"]])
                purity = wl.max(1) / np.maximum(wl.sum(1), 1)
                wlab = wl.argmax(1)
                for j in range(k):
                    sel = (wlab == j) & (purity >= 0.8)
                    if sel.sum() >= 2:
                        c[j] = C.l2n(sc["xc"][sel].mean(0))
                new.append(c)
            cents = new
        over = None
        if o.overlap_margin > 0 and k > 1:
            idx = np.arange(n)
            masked = score.copy()
            masked[idx, lab] = -np.inf
            sec = masked.argmax(1)
            close = (score[idx, lab] - score[idx, sec]) < o.overlap_margin
            over = np.where(close, sec, -1)
        turns = self._turns(feats, lab, over)
        self.last_timing["cluster_s"] = time.perf_counter() - t0
        return turns, {"k": k, "labels": lab, "score": score}

    @staticmethod
    def _frame_scores(scales: list[dict[str, Any]], cents: list[np.ndarray], n: int, k: int) -> np.ndarray:
        """Per stream frame: mean over scales of the triangular-weighted mean window similarity to each centroid."""
        total = np.zeros((n, k))
        for sc, cent in zip(scales, cents):
            sim = sc["xc"] @ cent.T
            acc = np.zeros((n, k))
            wsum = np.zeros(n)
            for (a, b), s in zip(sc["own"], sim):
                L = b - a
                tri = 1.0 - np.abs((np.arange(L) + 0.5) / L * 2 - 1) + 1e-2
                acc[a:b] += tri[:, None] * s[None, :]
                wsum[a:b] += tri
            total += acc / np.maximum(wsum, 1e-9)[:, None]
        return total / len(scales)

    def _cluster(self, xc: np.ndarray, raw: np.ndarray, num_speakers: int | None, max_speakers: int
                 ) -> tuple[int, np.ndarray]:
        o = self.options
        n = len(xc)
        if num_speakers is not None:
            k = min(num_speakers, n)
            if k <= 1:
                return 1, np.zeros(n, int)
            lab = C.spherical_kmeans(xc, self._init_labels(xc, k), k, o.kmeans_iters)
            return k, _relabel(lab)
        best = (1, np.zeros(n, int), -1.0)
        min_size = max(2, int(np.ceil(o.min_cluster_share * n)))
        for k in range(2, min(max_speakers, n - 1) + 1):
            lab = _relabel(C.spherical_kmeans(xc, self._init_labels(xc, k), k, o.kmeans_iters))
            sizes = np.bincount(lab, minlength=k)
            s = C.silhouette(xc, lab)
            if len(sizes) == k and sizes.min() >= min_size and s > best[2]:
                best = (k, lab, s)
        k, lab, _ = best
        # merge clusters that are one voice after all (raw, uncentred resemblyzer centroids nearly equal)
        while k >= 2:
            cr = C.centroids(raw, lab, k)
            sim = cr @ cr.T
            np.fill_diagonal(sim, -1.0)
            i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
            if sim[i, j] < o.single_speaker_similarity:
                break
            lab = np.where(lab == max(i, j), min(i, j), lab)
            lab = _relabel(lab)
            k -= 1
        if k >= 2:
            lab = _relabel(C.spherical_kmeans(xc, lab, k, o.kmeans_iters))
            k = len(np.unique(lab))
        return k, lab

    def _init_labels(self, xc: np.ndarray, k: int) -> np.ndarray:
        if self.options.clustering == "spectral":
            return C.spectral(xc, k)
        if self.options.clustering == "ahc":
            return C.ahc(xc, k)
        raise ValueError(f"unknown clustering {self.options.clustering!r}")

    def _turns(self, feats: dict[str, Any], lab: np.ndarray, over: np.ndarray | None) -> tuple[SpeakerTurn, ...]:
        o = self.options
        frames = feats["frames"]
        regions = feats["regions"]
        centres = frames * MEL_S
        raw_turns: list[tuple[float, float, int]] = []
        # walk through the speech regions; split each where the frame label changes
        fi = 0
        for s, e in regions:
            j0 = fi
            while fi < len(frames) and centres[fi] < e:
                fi += 1
            idx = np.arange(j0, fi)
            if len(idx) == 0:
                continue
            start = s
            for m in range(1, len(idx) + 1):
                if m == len(idx) or lab[idx[m]] != lab[idx[m - 1]]:
                    end = e if m == len(idx) else 0.5 * (centres[idx[m - 1]] + centres[idx[m]])
                    raw_turns.append((start, end, int(lab[idx[m - 1]])))
                    start = end
            if over is not None:
                ov = over[idx]
                m = 0
                while m < len(idx):
                    if ov[m] < 0:
                        m += 1
                        continue
                    m2 = m
                    while m2 < len(idx) and ov[m2] == ov[m]:
                        m2 += 1
                    t0 = centres[idx[m]] - MEL_S / 2
                    t1 = centres[idx[m2 - 1]] + MEL_S / 2
                    if t1 - t0 >= o.overlap_min_s:
                        raw_turns.append((max(s, t0), min(e, t1), int(ov[m])))
                    m = m2
        return _finalise(raw_turns, o.fill_gap_s, o.interjection_s, o.min_turn_s)


def switch_overlaps(x: np.ndarray, turns: tuple[SpeakerTurn, ...], regions: list[tuple[float, float]],
                    o: EmbeddedOptions) -> tuple[SpeakerTurn, ...]:
    """Changes of speaker where both voices sound at once: inside one speech region (no pause of
    ``switch_pause_s``) and ``switch_overlap_db`` louder around the change than the louder speaker's median
    level. Each is a span around the change, labelled with the speaker who came in."""
    if o.switch_overlap_db <= 0 or len(turns) < 2:
        return ()
    from .channels import frame_energy_db
    from ._vad import FRAME_S

    e = frame_energy_db(x[None, :])[0]
    t = (np.arange(len(e)) + 0.5) * FRAME_S
    level = {}
    for spk in {tr.speaker for tr in turns}:
        own = np.zeros(len(e), bool)
        for tr in turns:
            if tr.speaker == spk:
                own |= (t >= tr.start) & (t < tr.end)
        level[spk] = float(np.median(e[own])) if own.any() else -120.0
    out = []
    ordered = sorted(turns, key=lambda tr: (tr.start, tr.end))
    for prev, cur in zip(ordered, ordered[1:]):
        at = cur.start
        if prev.speaker == cur.speaker or at - prev.end > 1e-3 or prev.end - at > o.switch_overlap_s:
            continue
        if not any(s <= at - o.switch_pause_s and at + o.switch_pause_s <= e_ for s, e_ in regions):
            continue  # the change falls in (or next to) a pause: a plain turn change
        near = (t >= at - o.switch_overlap_s) & (t < at + o.switch_overlap_s)
        if not near.any() or _dips(e[(t >= at - o.switch_dip_window_s) & (t < at + o.switch_dip_window_s)],
                                   o.switch_dip_db, max(1, round(o.switch_pause_s / FRAME_S))):
            continue
        loud = 10 * np.log10(np.mean(10 ** (e[near] / 10)) + 1e-12)
        if loud - max(level[prev.speaker], level[cur.speaker]) >= o.switch_overlap_db:
            out.append(SpeakerTurn(round(at - o.switch_overlap_s, 3), round(at + o.switch_overlap_s, 3), cur.speaker))
    return tuple(out)


def _dips(e: np.ndarray, drop_db: float, frames: int) -> bool:
    """Does the frame energy ``e`` stay ``drop_db`` below its 90th percentile for ``frames`` frames in a row?"""
    if drop_db <= 0 or len(e) < frames:
        return False
    low = np.concatenate([[0], (e < np.percentile(e, 90) - drop_db).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(low))
    return bool(len(edges) and (edges[1::2] - edges[::2]).max() >= frames)


def speech_in_turns(turns: tuple[SpeakerTurn, ...], regions: list[tuple[float, float]]) -> tuple[SpeakerTurn, ...]:
    """Each turn cut down to the VAD's speech inside it: the turns without the pauses they were filled across."""
    out = []
    for t in turns:
        for s, e in regions:
            a, b = max(s, t.start), min(e, t.end)
            if b > a:
                out.append(SpeakerTurn(round(float(a), 3), round(float(b), 3), t.speaker))
    return tuple(sorted(out, key=lambda x: (x.start, x.end, x.speaker)))


def _viterbi(score: np.ndarray, penalty: float, free: np.ndarray | None = None) -> np.ndarray:
    n, k = score.shape
    if k == 1:
        return np.zeros(n, int)
    back = np.zeros((n, k), dtype=np.int32)
    acc = score[0].copy()
    for t in range(1, n):
        pen = 0.0 if (free is not None and free[t]) else penalty
        best_prev = int(np.argmax(acc))
        stay = acc
        switch = acc[best_prev] - pen
        use_switch = switch > stay
        back[t] = np.where(use_switch, best_prev, np.arange(k))
        acc = np.where(use_switch, switch, stay) + score[t]
    lab = np.zeros(n, int)
    lab[-1] = int(np.argmax(acc))
    for t in range(n - 1, 0, -1):
        lab[t - 1] = back[t, lab[t]]
    return lab


def _relabel(lab: np.ndarray) -> np.ndarray:
    """Renumber cluster labels 0..k-1 by first appearance."""
    mapping: dict[int, int] = {}
    for v in lab:
        mapping.setdefault(int(v), len(mapping))
    return np.array([mapping[int(v)] for v in lab], dtype=int)


def _finalise(raw: list[tuple[float, float, int]], fill_gap_s: float, interjection_s: float, min_turn_s: float
              ) -> tuple[SpeakerTurn, ...]:
    """Join each speaker's pieces across short pauses (``fill_gap_s``) and across the other party's short
    interjections (``interjection_s``: the speaker is taken to talk on under a back-channel, which becomes
    overlap), drop short turns, name the speakers by first appearance."""
    by_spk: dict[int, list[list[float]]] = {}
    for s, e, k in sorted(raw):
        if e <= s:
            continue
        lst = by_spk.setdefault(k, [])
        if lst and s - lst[-1][1] <= 1e-6:
            lst[-1][1] = max(lst[-1][1], e)
        else:
            lst.append([s, e])
    filled: dict[int, list[list[float]]] = {}
    for k, lst in by_spk.items():
        others = [(s, e) for j, o in by_spk.items() if j != k for s, e in o]
        out: list[list[float]] = []
        for s, e in lst:
            if out:
                g0, g1 = out[-1][1], s
                talk = any(min(g1, oe) > max(g0, os_) for os_, oe in others)
                if g1 - g0 <= (interjection_s if talk else fill_gap_s):
                    out[-1][1] = e
                    continue
            out.append([s, e])
        filled[k] = out
    items = [(s, e, k) for k, lst in filled.items() for s, e in lst if e - s >= min_turn_s]
    items.sort()
    names: dict[int, str] = {}
    for _, _, k in items:
        names.setdefault(k, f"SPEAKER_{len(names):02d}")
    return tuple(SpeakerTurn(round(float(s), 3), round(float(e), 3), names[k]) for s, e, k in items)
