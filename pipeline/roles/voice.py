"""Which voice is the rep, by voiceprint: enrolled reps' speaker embeddings matched against a call's speakers.

A voiceprint is the mean (L2-normalised) resemblyzer embedding of a rep's speech, from the same encoder and the
same windows the diarizer uses (``EmbeddedDiarizer.voice_embedding``), stored in the catalog by
``callreview enroll``. On a call every speaker with enough speech gets an embedding the same way.

- Rep known from the inbox (folder, pattern, mapping) and enrolled: the speaker closest to that voiceprint is
  the rep, if the match is good enough and clearly better than the other speakers'.
- Rep unknown: the best enrolled match above the threshold names both the rep and their speaker.

Otherwise the transcript guess stands. Similarities, the threshold and the decision go into
``analysis.json["roles"]["voice"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..types import RoleAssignment

# Cosine similarity of resemblyzer speaker embeddings (docs/EVALUATION.md): real voices (AMI snippets) scored
# 0.92-0.94 against themselves in another recording and 0.70-0.71 against another male speaker; synthetic reps
# 0.98 against their enrollment and 0.60-0.69 against buyers. Naming a rep needs a clear match; picking among a
# call's speakers, when the rep is known, a clear lead over the other speaker.
NAME_THRESHOLD = 0.80
KNOWN_REP_THRESHOLD = 0.70
MARGIN = 0.05
MIN_SPEECH_S = 3.0


@dataclass(frozen=True)
class VoiceBook:
    prints: dict[str, np.ndarray] = field(default_factory=dict)
    name_threshold: float = NAME_THRESHOLD
    known_threshold: float = KNOWN_REP_THRESHOLD
    margin: float = MARGIN

    def __bool__(self) -> bool:
        return bool(self.prints)

    @classmethod
    def from_catalog(cls, catalog) -> "VoiceBook":
        return cls({k: _unit(v) for k, v in catalog.voiceprints().items()})


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / (np.linalg.norm(v) + 1e-12)


def speaker_samples(audio, diarization, per_channel: bool, speaker: str) -> np.ndarray:
    """The speaker's own speech: their turns, minus any overlap with another speaker, joined."""
    from ..types import SAMPLE_RATE

    x = audio.samples[diarization.channel_of[speaker]] if per_channel else audio.mono()
    own = [(t.start, t.end) for t in diarization.turns if t.speaker == speaker]
    others = [(t.start, t.end) for t in diarization.turns if t.speaker != speaker]
    pieces = []
    for s, e in own:
        cuts = sorted((max(s, a), min(e, b)) for a, b in others if a < e and b > s)
        cur = s
        for a, b in cuts:
            if a > cur:
                pieces.append((cur, a))
            cur = max(cur, b)
        if e > cur:
            pieces.append((cur, e))
    chunks = [x[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)] for a, b in pieces if b - a >= 0.3]
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def speaker_embeddings(encoder, audio, diarization, per_channel: bool,
                       min_speech_s: float = MIN_SPEECH_S) -> dict[str, np.ndarray]:
    from ..types import SAMPLE_RATE

    out = {}
    for spk in diarization.speakers:
        x = speaker_samples(audio, diarization, per_channel, spk)
        if len(x) < min_speech_s * SAMPLE_RATE:
            continue
        e, _ = encoder.voice_embedding(x)
        if e is not None:
            out[spk] = _unit(e)
    return out


def similarities(book: VoiceBook, embeddings: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """speaker -> enrolled rep -> cosine similarity."""
    return {spk: {name: round(float(e @ vp), 3) for name, vp in book.prints.items()} for spk, e in embeddings.items()}


def match(book: VoiceBook, scores: dict[str, dict[str, float]], speakers: tuple[str, ...],
          known_rep: str | None) -> tuple[RoleAssignment | None, dict[str, Any]]:
    """The rep by voice (from ``similarities``), or None with the reason; and the evidence for ``analysis.json``."""
    ev: dict[str, Any] = {"scores": scores, "known_rep": known_rep, "rep": None, "speaker": None, "similarity": None}

    def assign(spk: str, name: str, sim: float, why: str) -> RoleAssignment:
        ev.update(rep=name, speaker=spk, similarity=round(sim, 3), decision=why)
        roles = {s: ("rep" if s == spk else "buyer") for s in speakers}
        return RoleAssignment(roles, "voice", min(1.0, max(0.0, sim)), (why,))

    if known_rep is not None and known_rep in book.prints:
        ev["threshold"] = book.known_threshold
        ranked = sorted(((sc[known_rep], spk) for spk, sc in scores.items()), reverse=True)
        if not ranked:
            ev["decision"] = "no speaker had enough speech to compare"
            return None, ev
        best, spk = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else -1.0
        if best >= book.known_threshold and best - runner >= book.margin:
            return assign(spk, known_rep, best, f"{spk} matches {known_rep}'s voiceprint ({best:.2f}; "
                                                f"other speaker {runner:.2f})"), ev
        ev["decision"] = (f"no speaker matches {known_rep}'s voiceprint clearly (best {best:.2f}, next "
                          f"{runner:.2f}; needs {book.known_threshold:.2f} and a {book.margin:.2f} margin)")
        return None, ev
    ev["threshold"] = book.name_threshold
    ranked = sorted(((sim, spk, name) for spk, sc in scores.items() for name, sim in sc.items()), reverse=True)
    if not ranked:
        ev["decision"] = "no enrolled voice to compare" if not book else "no speaker had enough speech to compare"
        return None, ev
    best, spk, name = ranked[0]
    # the same speaker's match with anyone else, and anyone else's match with this rep, must trail clearly
    rivals = [sim for sim, s, n in ranked[1:] if s == spk or n == name]
    runner = max(rivals, default=-1.0)
    if best >= book.name_threshold and best - runner >= book.margin:
        return assign(spk, name, best, f"{spk} matches {name}'s voiceprint ({best:.2f})"), ev
    ev["decision"] = f"no enrolled voice matches clearly (best {name} {best:.2f}, needs {book.name_threshold:.2f})"
    return None, ev


ENROLL_MIN_SPEECH_S = 10.0


def enroll(catalog, name: str, samples: list, encoder) -> dict[str, Any]:
    """Store ``name``'s voiceprint from recordings of them alone (at least 10 s of speech in all)."""
    import datetime as dt
    from pathlib import Path

    from ..audio import decode
    from ..errors import ConfigError

    name = " ".join(str(name).split())
    if not name:
        raise ConfigError("enroll: the rep's name is empty")
    if not samples:
        raise ConfigError("enroll: give at least one recording of the rep speaking")
    audio = [decode(Path(p)).mono() for p in samples]
    emb, speech_s = encoder.voice_embedding(np.concatenate(audio))
    if emb is None or speech_s < ENROLL_MIN_SPEECH_S:
        raise ConfigError(f"enroll {name}: only {speech_s:.1f} s of speech in the samples; "
                          f"a voiceprint needs at least {ENROLL_MIN_SPEECH_S:.0f} s of the rep alone")
    catalog.save_voiceprint(name, emb, "resemblyzer-0.1.4", [Path(p).name for p in samples], speech_s,
                            dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    return {"name": name, "speech_s": round(speech_s, 1), "samples": [Path(p).name for p in samples]}
