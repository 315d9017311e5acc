"""openai-whisper adapter: loads a converted checkpoint by path (never a download) and returns our types."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import prepare_whisper
from ..types import Segment, Transcript, Word
from . import DECODE_FIELDS, TranscribeOptions, decode_in_pieces, num_or_none, prepare_input


class WhisperTranscriber:
    engine = "openai-whisper"

    def __init__(self, options: TranscribeOptions, model: Any = None):
        """``model``: an already loaded whisper model (tests and reuse); otherwise loaded from the store."""
        self.options = options
        self.model_name = options.model
        if model is None:
            import whisper

            path = prepare_whisper(options.model)
            model = whisper.load_model(str(path), device=options.device)
            # Loading by path leaves the cross-attention heads used for word timing unset.
            model.set_alignment_heads(whisper._ALIGNMENT_HEADS[options.model])
        self.model = model

    def transcribe(self, samples: np.ndarray, clips: list[tuple[float, float]] | None = None,
                   options: TranscribeOptions | None = None) -> Transcript:
        o, samples, opts, empty = prepare_input(self, samples, options)
        if empty is not None:
            return empty
        kwargs: dict[str, Any] = dict(
            language=o.language,
            task="transcribe",
            word_timestamps=True,
            initial_prompt=o.initial_prompt,
            carry_initial_prompt=o.carry_initial_prompt,
            condition_on_previous_text=o.condition_on_previous_text,
            compression_ratio_threshold=o.compression_ratio_threshold,
            logprob_threshold=o.logprob_threshold,
            no_speech_threshold=o.no_speech_threshold,
            hallucination_silence_threshold=o.hallucination_silence_threshold,
            fp16=o.device != "cpu",
            verbose=None,
        )
        if o.beam_size:
            kwargs["beam_size"] = o.beam_size
        if not o.temperature_fallback:
            kwargs["temperature"] = 0.0
        def decode(x: np.ndarray) -> list[Segment]:
            return [_segment(s) for s in self.model.transcribe(x, **kwargs)["segments"] if s.get("words")]

        if clips:
            kwargs["clip_timestamps"] = [t for c in clips for t in c]
            segments = decode(samples)
        else:  # long audio in pieces cut at quiet moments: Whisper's spectrogram of a whole hour is ~1 GB
            segments = decode_in_pieces(samples, decode)
        return Transcript(tuple(segments), o.language, self.engine, self.model_name, opts)


def _segment(s: dict) -> Segment:
    words = tuple(
        Word(float(w["start"]), float(w["end"]), str(w["word"]), float(w.get("probability", 1.0)))
        for w in s["words"]
    )
    return Segment(float(words[0].start), float(words[-1].end), str(s["text"]).strip(), words,
                   **{k: num_or_none(s.get(k)) for k in DECODE_FIELDS})
