"""silero-vad wrapper shared by the embedded and the per-channel diarizers.

The model is loaded once per wrapper. ``probs`` runs all channels side by side as one batch. By default each
channel is one stream, as silero is meant to run: cutting a recording into parallel streams (``stream_s``, each
primed with ``warmup_s`` of the audio before it) is ~3x faster but the restarted recurrent state missed speech
after the cuts (0.1 % -> 1-3 % DER on a 12-minute call), so it is opt-in.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from pipeline.types import SAMPLE_RATE

FRAME = 512  # samples per silero-vad frame at 16 kHz (32 ms)
FRAME_S = FRAME / SAMPLE_RATE


@dataclass(frozen=True)
class VadOptions:
    """Hysteresis thresholding of silero-vad frame probabilities (silero's own defaults, slightly tightened)."""

    onset: float = 0.5  # a speech region starts where the probability rises above this
    offset: float = 0.35  # ... and ends where it falls below this
    min_speech_s: float = 0.2  # regions shorter than this are dropped
    min_silence_s: float = 0.1  # gaps shorter than this are bridged
    pad_s: float = 0.03  # each region is widened by this much on both sides (clipped to the audio)


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run a block with ``n`` torch intra-op threads and restore the process setting afterwards.

    On a busy 2-core machine an oversubscribed thread pool made the small recurrent models ~100x slower
    (spin-waiting), so callers pass their share of the cores (``pipeline.compute``). ``None`` leaves the
    setting alone.
    """
    import torch

    old = torch.get_num_threads()
    if not n or n == old:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


class SileroVAD:
    """Frame-level speech probabilities from silero-vad (the ONNX export shipped in the ``silero-vad`` wheel).

    The ONNX export gives the same probabilities as the wheel's JIT model (within 1e-5 on the sample calls)
    at about a third of the time: the model is stepped once per 32 ms frame, and onnxruntime's per-call cost
    is far below torch's module dispatch (0.53 s -> 0.19 s for a 1.5-minute call).
    """

    CONTEXT = 64  # samples of the previous frame the model sees before each frame (silero v5+ at 16 kHz)

    def __init__(self, stream_s: float | None = None, warmup_s: float = 2.0, max_batch: int = 64):
        from ..models import import_onnxruntime, verify

        onnxruntime = import_onnxruntime()

        opts = onnxruntime.SessionOptions()
        opts.intra_op_num_threads = 1  # a tiny recurrent model: more threads only spin (see torch_threads)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # the file is found and hash-checked without importing the package: its import sets torch's threads to
        # 1 for the whole process (which made openai-whisper 30% slower after the first call)
        path = verify("silero-vad")[0]
        self._session = onnxruntime.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()
        self.stream_frames = max(1, int(round(stream_s / FRAME_S))) if stream_s else None
        self.warmup_frames = max(0, int(round(warmup_s / FRAME_S)))
        self.max_batch = max_batch

    def _run(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities for ``batch`` (streams, frames, FRAME), each stream from a fresh state."""
        n, length, _ = batch.shape
        state = np.zeros((2, n, 128), dtype=np.float32)
        context = np.zeros((n, self.CONTEXT), dtype=np.float32)
        sr = np.array(SAMPLE_RATE, dtype=np.int64)
        res = np.empty((n, length), dtype=np.float32)
        for j in range(length):
            frame = np.concatenate([context, batch[:, j]], axis=1)
            out, state = self._session.run(None, {"input": frame, "state": state, "sr": sr})
            res[:, j] = out[:, 0]
            context = frame[:, -self.CONTEXT:]
        return res

    def probs(self, x: np.ndarray) -> np.ndarray:
        """Speech probability of each 32 ms frame. ``x``: (n,) or (channels, n) -> (n_frames,) or (channels, n_frames)."""
        single = x.ndim == 1
        xs = np.atleast_2d(np.asarray(x, dtype=np.float32))
        n_ch, n = xs.shape
        n_frames = -(-n // FRAME)
        if n_frames == 0:
            out = np.zeros((n_ch, 0), dtype=np.float32)
            return out[0] if single else out
        padded = np.zeros((n_ch, n_frames * FRAME), dtype=np.float32)
        padded[:, :n] = xs
        frames = padded.reshape(n_ch, n_frames, FRAME)

        # streams: (channel, first own frame, first frame fed incl. warm-up, end frame)
        streams = []
        step = self.stream_frames or n_frames
        for c in range(n_ch):
            for s0 in range(0, n_frames, step):
                w0 = max(0, s0 - self.warmup_frames)
                streams.append((c, s0, w0, min(n_frames, s0 + step)))
        out = np.zeros((n_ch, n_frames), dtype=np.float32)
        with self._lock:
            for b0 in range(0, len(streams), self.max_batch):
                group = streams[b0:b0 + self.max_batch]
                length = max(e - w0 for _, _, w0, e in group)
                if self.stream_frames is None and len(group) == n_ch:
                    batch = frames  # whole channels: no copy
                else:
                    batch = np.zeros((len(group), length, FRAME), dtype=np.float32)
                    for i, (c, _, w0, e) in enumerate(group):
                        batch[i, :e - w0] = frames[c, w0:e]
                res = self._run(batch)
                for i, (c, s0, w0, e) in enumerate(group):
                    out[c, s0:e] = res[i, s0 - w0:e - w0]
        return out[0] if single else out


def hysteresis(probs: np.ndarray, opts: VadOptions, duration_s: float) -> list[tuple[float, float]]:
    """Speech regions (start_s, end_s) from frame probabilities, silero-style onset/offset thresholding."""
    regions: list[list[float]] = []
    active = False
    start = 0
    for i, p in enumerate(probs):
        if not active and p >= opts.onset:
            active, start = True, i
        elif active and p < opts.offset:
            active = False
            regions.append([start * FRAME_S, i * FRAME_S])
    if active:
        regions.append([start * FRAME_S, len(probs) * FRAME_S])
    # bridge short gaps, then drop short regions, then pad
    merged: list[list[float]] = []
    for r in regions:
        if merged and r[0] - merged[-1][1] < opts.min_silence_s:
            merged[-1][1] = r[1]
        else:
            merged.append(r)
    kept = [r for r in merged if r[1] - r[0] >= opts.min_speech_s]
    out: list[tuple[float, float]] = []
    for s, e in kept:
        s, e = max(0.0, s - opts.pad_s), min(duration_s, e + opts.pad_s)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
