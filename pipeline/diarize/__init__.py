"""Who spoke when.

- ``EmbeddedDiarizer``: the default, fully offline (silero-vad + resemblyzer embeddings, clustering and
  Viterbi resegmentation) on the mono mix-down.
- ``ChannelDiarizer``: one speaker per channel, for recorders that give each party a channel of their own;
  ``channels_are_distinct`` says whether a stereo recording really is one.
- ``PyannoteDiarizer``: optional pyannote.audio backend (``pip install 'callreview[pyannote]'``).

Importing this package is cheap: torch and the models are loaded by the diarizers' constructors.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pipeline.errors import ConfigError
from pipeline.types import Audio, Diarization

from .channels import ChannelDiarizer, ChannelOptions, channel_levels, channel_stats, channels_are_distinct
from .embedded import EmbeddedDiarizer, EmbeddedOptions
from .pyannote_backend import PyannoteDiarizer, PyannoteUnavailable

__all__ = [
    "ChannelDiarizer",
    "ChannelOptions",
    "Diarizer",
    "EmbeddedDiarizer",
    "EmbeddedOptions",
    "PyannoteDiarizer",
    "PyannoteUnavailable",
    "DIARIZERS",
    "channel_levels",
    "channel_stats",
    "channels_are_distinct",
    "load_diarizer",
]


@runtime_checkable
class Diarizer(Protocol):
    """Anything that turns a recording into speaker turns."""

    def diarize(self, audio: Audio, num_speakers: int | None = 2, max_speakers: int = 4) -> Diarization:
        ...


DIARIZERS = ("embedded", "pyannote", "channels")


def load_diarizer(name: str = "embedded", **kw: Any) -> Diarizer:
    """Build a diarizer by name; ``kw`` go to its constructor.

    "embedded" (default, offline): ``EmbeddedDiarizer(options=None, **option_overrides)``;
    "pyannote": ``PyannoteDiarizer(pipeline=..., token=..., device=...)``;
    "channels": ``ChannelDiarizer(options=None, vad=None)``.
    """
    key = name.strip().lower()
    if key == "embedded":
        return EmbeddedDiarizer(**kw)
    if key == "pyannote":
        return PyannoteDiarizer(**kw)
    if key == "channels":
        return ChannelDiarizer(**kw)
    raise ConfigError(f"unknown diarizer {name!r}; accepted: {', '.join(DIARIZERS)}")
