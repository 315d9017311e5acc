"""Optional pyannote.audio backend, for machines that can run it (``pip install 'callreview[pyannote]'``).

pyannote.audio is imported only when a pipeline has to be loaded; pass a ready pipeline object to skip that
(tests pass a stand-in). Its ``Annotation`` (pyannote.audio 3) or output object with ``.speaker_diarization``
(pyannote.audio 4) is converted to our ``Diarization`` here: pyannote types stop at this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ModelError
from pipeline.types import SAMPLE_RATE, Audio, Diarization, SpeakerTurn

DEFAULT_PIPELINE = "pyannote/speaker-diarization-3.1"
INSTALL_HINT = "pip install 'callreview[pyannote]'"


class PyannoteUnavailable(ModelError, RuntimeError):
    """pyannote.audio is missing, or its pipeline could not be loaded. The message says what to do."""


def _import_pipeline_class():
    try:
        from pyannote.audio import Pipeline
    except ImportError as e:  # ModuleNotFoundError, or a broken install (missing torch extras...)
        raise PyannoteUnavailable(f"pyannote.audio is not installed: {INSTALL_HINT} ({e})") from None
    return Pipeline


class PyannoteDiarizer:
    """Diarize with a pyannote.audio pipeline.

    ``pipeline``: a loaded pipeline object (anything callable as ``pipeline(file, **kw)``), a local path to a
    pipeline's ``config.yaml`` (or its folder), or a Hugging Face hub name (then ``token`` is the access token;
    the pipeline is downloaded by pyannote on first use). ``device``: e.g. "cuda" to move the pipeline there.
    """

    def __init__(self, pipeline: Any = DEFAULT_PIPELINE, token: str | None = None, device: str | None = None):
        if isinstance(pipeline, (str, Path)):
            self.name = str(pipeline)
            self._pipeline = self._load(pipeline, token)
        elif pipeline is None or not callable(pipeline):
            raise ValueError("pipeline must be a pyannote pipeline object, a path to its config.yaml or a hub name")
        else:
            self.name = type(pipeline).__name__
            self._pipeline = pipeline
        if device is not None:
            import torch

            to = getattr(self._pipeline, "to", None)
            if to is None:
                raise ValueError(f"this pipeline cannot be moved to {device!r} (it has no .to())")
            to(torch.device(device))
        self.method = f"pyannote:{self.name}"

    @staticmethod
    def _load(source: str | Path, token: str | None):
        Pipeline = _import_pipeline_class()
        path = Path(source).expanduser()
        if path.is_dir():
            path = path / "config.yaml"
        is_local = path.suffix in {".yaml", ".yml"} or path.exists()
        if is_local and not path.is_file():
            raise PyannoteUnavailable(f"no pyannote pipeline config at {path}")
        target = str(path) if is_local else str(source)
        try:
            try:
                pipe = Pipeline.from_pretrained(target, token=token)  # pyannote.audio >= 4
            except TypeError:
                pipe = Pipeline.from_pretrained(target, use_auth_token=token)  # pyannote.audio 3.x
        except PyannoteUnavailable:
            raise
        except Exception as e:  # network, gated model, bad config: one clear line
            raise PyannoteUnavailable(f"could not load pyannote pipeline {target!r}: {e}") from None
        if pipe is None:  # 3.x returns None for a gated model without a valid token
            raise PyannoteUnavailable(f"could not load pyannote pipeline {target!r}: "
                                      "accept its user conditions on the hub and pass a valid token")
        return pipe

    def diarize(self, audio: Audio, num_speakers: int | None = 2, max_speakers: int = 4) -> Diarization:
        import torch

        x = np.ascontiguousarray(audio.mono(), dtype=np.float32)
        options: dict[str, Any] = {"pipeline": self.name, "num_speakers": num_speakers,
                                   "max_speakers": max_speakers}
        if x.size == 0:
            return Diarization((), self.method, options)
        kwargs: dict[str, Any] = ({"num_speakers": int(num_speakers)} if num_speakers is not None
                                  else {"max_speakers": int(max_speakers)})
        file = {"waveform": torch.from_numpy(x).unsqueeze(0), "sample_rate": SAMPLE_RATE}
        result = self._pipeline(file, **kwargs)
        return Diarization(annotation_to_turns(result), self.method, options)


def annotation_to_turns(result: Any) -> tuple[SpeakerTurn, ...]:
    """pyannote output -> turns sorted by start, speakers renamed ``SPEAKER_00``... by first appearance.

    Accepts a pyannote.core ``Annotation``, an object with ``.speaker_diarization`` (pyannote.audio 4) or a
    ``(annotation, embeddings)`` tuple (pyannote.audio 3 with ``return_embeddings``).
    """
    ann = getattr(result, "speaker_diarization", None)
    if ann is None:
        ann = result[0] if isinstance(result, tuple) else result
    if not hasattr(ann, "itertracks"):
        raise TypeError(f"expected a pyannote Annotation, got {type(ann).__name__}")
    tracks = sorted(((float(seg.start), float(seg.end), str(label))
                     for seg, _, label in ann.itertracks(yield_label=True)), key=lambda t: (t[0], t[1]))
    names: dict[str, str] = {}
    turns = []
    for s, e, label in tracks:
        if e <= s:
            continue
        name = names.setdefault(label, f"SPEAKER_{len(names):02d}")
        turns.append(SpeakerTurn(round(s, 3), round(e, 3), name))
    return tuple(turns)
