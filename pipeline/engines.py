"""The models one process loads once (``Engines``) and the options that change an analysis (``RunOptions``).

``Engines`` is built once per process (a ``run``, each ``--jobs`` worker, each Ray actor) and handed to every
call's analysis (``pipeline.analyze``); ``RunOptions.settings_hash`` decides whether a finished call is redone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .analysis import SCHEMA_VERSION
from .compute import resolve_device
from .transcribe import TranscribeOptions, Transcriber

@dataclass(frozen=True)
class RunOptions:
    """Everything that changes an analysis. Its hash decides whether a finished call is redone."""

    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    # "faster" (faster-whisper, CTranslate2) or "openai" (openai-whisper): the same models. faster is the
    # default: about 3x faster transcription on this 2-core CPU at equal accuracy (README "Speed")
    engine: str = "faster"
    diarizer: str = "embedded"  # "embedded" (offline default) or "pyannote" (optional extra)
    pyannote_pipeline: str | None = None  # pyannote: a local config.yaml (or folder), or a hub name + $HF_TOKEN
    num_speakers: int | None = 2  # sales calls have two parties; None: estimate (1..max_speakers)
    max_speakers: int = 4
    rep_channel: str = "auto"  # stereo: "left" | "right" | "auto" (guess from the transcript)
    stereo: str = "auto"  # "auto": per-channel diarization when the channels hold different voices; "mix"
    verbatim_rep: bool = True  # a second, verbatim pass over the rep's speech to recover fillers and restarts
    # ... over all of it (True), or only around what the first pass shows was cleaned away (the default)
    verbatim_everywhere: bool = False
    # decode again, clip by clip, speech the VAD heard but the first pass skipped (transcribe/recover.py)
    recover_skipped: bool = True
    # what is replaced by a placeholder in OUT's texts and silenced in its audio copy (pipeline/redact): "none",
    # "pii" (numbers, contacts, addresses, dates of birth; the default of a new OUT folder) or "strict" (also the
    # buyer's names and any number read out in groups)
    redact: str = "pii"

    def settings_hash(self) -> str:
        blob = json.dumps(dataclasses.asdict(self), sort_keys=True) + SCHEMA_VERSION
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Engines:
    """The loaded models: built once per process and reused for every call."""

    def __init__(self, options: RunOptions, transcriber: Transcriber | None = None, diarizer: Any = None,
                 channel_diarizer: Any = None, voice_encoder: Any = None, redactor: Any = None):
        from .diarize import ChannelDiarizer, load_diarizer
        from .transcribe import load_transcriber

        self.options = options
        # "auto" becomes the device this machine has; a GPU asked for and missing fails here, before any load
        self.device = resolve_device(options.transcribe.device, options.engine)
        asr_options = dataclasses.replace(options.transcribe, device=self.device)
        # the optional backend first: a missing extra fails before the big ASR model loads
        self.diarizer = diarizer or load_diarizer(options.diarizer, **_diarizer_args(options, self.device))
        self.transcriber = transcriber or load_transcriber(asr_options, options.engine)
        # share the loaded speech detector when the main diarizer has one
        self.channel_diarizer = channel_diarizer or ChannelDiarizer(vad=getattr(self.diarizer, "vad", None))
        self._voice_encoder = voice_encoder
        _load_scoring()
        self._redactor = redactor
        if options.redact != "none" and redactor is None:
            from .redact import kinds_for, load_redactor

            kinds_for(options.redact)  # an unknown level fails here, before a call
            self._redactor = load_redactor()

    @property
    def redactor(self) -> Any:
        """What finds the spans to redact (``pipeline.redact.Redactor``): loaded on first need."""
        if self._redactor is None:
            from .redact import load_redactor

            self._redactor = load_redactor()
        return self._redactor

    @property
    def voice_encoder(self) -> Any:
        """What turns a speaker's speech into a voiceprint: the embedded diarizer (loaded on first need)."""
        if self._voice_encoder is None:
            if hasattr(self.diarizer, "voice_embedding"):
                self._voice_encoder = self.diarizer
            else:
                from .diarize import EmbeddedDiarizer

                self._voice_encoder = EmbeddedDiarizer(vad=getattr(self.diarizer, "vad", None), device=self.device)
        return self._voice_encoder


def _load_scoring() -> None:
    """Load the scorer's spaCy model and lexicons with the other models (once per process), not during the
    first call. A problem with them is left for ``score`` to report on each call."""
    from .score import ScoreOptions
    from .score.lexicon import load_lexicons

    o = ScoreOptions()
    try:
        load_lexicons(o.spacy_model, o.lexicon_dir)
    except Exception:  # noqa: BLE001 - reported by score() on the first call, with the call's record
        pass


def _diarizer_args(options: RunOptions, device: str) -> dict[str, Any]:
    if options.diarizer != "pyannote":
        return {"device": device}
    import os

    args: dict[str, Any] = {"token": os.environ.get("HF_TOKEN"), "device": device}
    if options.pyannote_pipeline:
        args["pipeline"] = options.pyannote_pipeline
    return args
