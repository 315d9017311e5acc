"""The immutable, JSON-serialisable types that flow between the stages.

decode -> ``Audio`` -> transcribe -> ``Transcript`` -> diarize -> ``Diarization``
-> attribute -> ``AttributedTranscript`` (words and segments with a speaker each) -> score.

Times are seconds, rounded to milliseconds when serialised. Every stage result records what made it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

SAMPLE_RATE = 16_000  # every model here works on 16 kHz mono float32
TALK_PAUSE_S = 0.5  # a speaker's pauses shorter than this count as talk time


def ms(t: float) -> float:
    """Round a time in seconds to the millisecond, the precision of every serialised time."""
    return round(float(t), 3)


@dataclass(frozen=True)
class Audio:
    """Decoded recording.

    ``samples``: float32 array of shape (channels, n_samples) at ``SAMPLE_RATE``, values in [-1, 1].
    Channels are kept until diarization decides whether they are separate parties.
    """

    samples: np.ndarray
    source_sample_rate: int
    source_channels: int
    codec: str = ""
    creation_time: str | None = None  # the container's ``creation_time`` tag, as written there (often UTC)
    declared_s: float | None = None  # the length the container's header declares (None: it declares none)

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / SAMPLE_RATE

    def mono(self) -> np.ndarray:
        """Mix-down, shape (n_samples,)."""
        if self.channels == 1:
            return self.samples[0]
        return self.samples.mean(axis=0).astype(np.float32)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"start": ms(self.start), "end": ms(self.end), "text": self.text,
                "probability": round(float(self.probability), 3)}


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    channel: int | None = None  # set when a channel was transcribed on its own
    # how Whisper decoded it: the temperature that passed its checks (0.0: the first, greedy try) and the
    # decode's mean token log-probability and no-speech probability (None from engines that don't say)
    temperature: float | None = None
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None


@dataclass(frozen=True)
class Transcript:
    segments: tuple[Segment, ...]
    language: str
    engine: str
    model: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)


@dataclass(frozen=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": ms(self.start), "end": ms(self.end), "speaker": self.speaker}


@dataclass(frozen=True)
class Diarization:
    """Who spoke when. ``turns`` sorted by start; overlapping turns of different speakers are allowed."""

    turns: tuple[SpeakerTurn, ...]
    method: str
    options: dict[str, Any] = field(default_factory=dict)
    # speaker -> channel index, when each party had a channel of their own (stereo call recorders)
    channel_of: dict[str, int] = field(default_factory=dict)
    # where each speaker actually spoke: their turns without the pauses that turns run across (``fill_gap_s``);
    # empty when the diarizer does not say (talk time then comes from the turns)
    speech: tuple[SpeakerTurn, ...] = ()
    # where two voices were heard at once at a change of speaker on a mixed recording (the diarizer's evidence:
    # no pause, and more energy than either voice alone); ``speaker`` is the one who came in
    overlaps: tuple[SpeakerTurn, ...] = ()

    @property
    def speakers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for t in self.turns:
            seen.setdefault(t.speaker, None)
        return tuple(sorted(seen))

    def speech_of(self, speaker: str) -> list[tuple[float, float]]:
        """(start, end) of where ``speaker`` spoke, in time order: ``speech``, or the turns without it."""
        return sorted((t.start, t.end) for t in (self.speech or self.turns) if t.speaker == speaker)

    def talk_s(self, speaker: str, pause_s: float = TALK_PAUSE_S) -> float:
        """Seconds ``speaker`` talked: their speech with pauses under ``pause_s`` counted as talk (a breath, a
        comma), longer ones not; from the turns when the diarizer gave no ``speech``."""
        pieces = self.speech_of(speaker)
        total, cur = 0.0, None
        for s, e in pieces:
            if cur is not None and s - cur[1] < (pause_s if self.speech else 1e-9):
                cur[1] = max(cur[1], e)
                continue
            if cur is not None:
                total += cur[1] - cur[0]
            cur = [s, e]
        return total + (cur[1] - cur[0] if cur is not None else 0.0)

    def to_annotation(self, uri: str = "call"):
        """pyannote.core ``Annotation``: the exchange type for metrics and RTTM."""
        from pyannote.core import Annotation, Segment as PSegment

        ann = Annotation(uri=uri)
        for i, t in enumerate(self.turns):
            ann[PSegment(t.start, t.end), i] = t.speaker
        return ann

    def to_rttm(self, uri: str = "call") -> str:
        lines = [
            f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>"
            for t in self.turns
        ]
        return "\n".join(lines) + ("\n" if lines else "")


@dataclass(frozen=True)
class RoleAssignment:
    """Which diarized speaker is the rep. ``roles``: speaker -> "rep" | "buyer" | "unknown"."""

    roles: dict[str, str]
    method: str  # "channel", "transcript", "override", "single_speaker", "none"
    confidence: float
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        d["confidence"] = round(float(self.confidence), 3)
        return d


@dataclass(frozen=True)
class AttributedWord:
    start: float
    end: float
    text: str
    speaker: str
    probability: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"start": ms(self.start), "end": ms(self.end), "text": self.text, "speaker": self.speaker,
                "probability": round(float(self.probability), 3)}


@dataclass(frozen=True)
class Utterance:
    """A speaker-attributed stretch of words: one speaker, no long pause inside."""

    start: float
    end: float
    speaker: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": ms(self.start), "end": ms(self.end), "speaker": self.speaker, "text": self.text}


@dataclass(frozen=True)
class AttributedTranscript:
    """The input of scoring: every word belongs to a speaker; ``roles`` says which speaker is the rep."""

    words: tuple[AttributedWord, ...]
    utterances: tuple[Utterance, ...]
    roles: dict[str, str]
    duration_s: float
    # speaker -> speech seconds from the diarization (exact per channel on stereo recorders); when given, talk
    # time and talk ratio come from it rather than from word spans, whose edges Whisper only knows to ~0.2 s
    talk_s: dict[str, float] = field(default_factory=dict)
    # ``Diarization.overlaps``: on a mixed recording, where a speaker came in while the other was still talking
    # (Whisper writes one voice there, so the words alone never overlap)
    overlaps: tuple[SpeakerTurn, ...] = ()
