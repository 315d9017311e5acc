"""Scoring: attributed transcript in; metrics, hesitancy/pushiness markers and coaching feedback out.

Pure: no audio and no I/O beyond reading the lexicon data files shipped in ``pipeline/score/lexicons``
(or ``ScoreOptions.lexicon_dir``). Every marker points at a moment - start/end seconds from the word
timings - with the words that triggered it.

Public API::

    score(transcript, options=ScoreOptions()) -> ScoreResult
    ScoreOptions, ScoreResult, METRIC_NAMES, MARKER_KINDS, build_feedback

``metrics`` names are a public contract (see ``METRIC_NAMES``; ``None`` where undefined, e.g. no rep).
``markers``: dicts ``{kind, family, start, end, speaker, text, detail}`` sorted by start.
``feedback``: ``{strengths, work_on, coaching_questions}`` (see ``feedback.py``).
``notes``: anything the run should record (e.g. the spaCy model was missing).
``ending``: how the conversation ended: refusal, objection, hang_up, next_step or ended (``ending.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..types import AttributedTranscript
from .feedback import build_feedback
from .lexicon import LexiconError, load_lexicons
from .markers import HESITANCY_KINDS, MARKER_KINDS, PUSHINESS_KINDS, Findings, find_markers
from .metrics import METRIC_NAMES, Analysis, analyze
from .options import ScoreOptions
from .units import build_units, side_turns

__all__ = ["score", "ScoreOptions", "ScoreResult", "METRIC_NAMES", "MARKER_KINDS", "HESITANCY_KINDS",
           "PUSHINESS_KINDS", "build_feedback", "LexiconError"]


@dataclass(frozen=True)
class ScoreResult:
    metrics: dict[str, Any] = field(default_factory=dict)
    markers: tuple[dict[str, Any], ...] = ()
    feedback: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    ending: dict[str, Any] = field(default_factory=dict)  # how the conversation ended (``ending.py``)


def score(transcript: AttributedTranscript, options: ScoreOptions = ScoreOptions()) -> ScoreResult:
    o = options
    lex = load_lexicons(o.spacy_model, o.lexicon_dir)
    notes: list[str] = []
    if lex.nlp.note:
        notes.append(lex.nlp.note)
        if lex.skipped:
            notes.append("lexicon rules skipped without the model: " + "; ".join(lex.skipped))
    units = build_units(transcript, lex, o)
    turns = side_turns(units)
    a = analyze(units, turns, transcript.duration_s, lex, o, transcript.roles, transcript.talk_s,
                transcript.overlaps)
    roles = set(transcript.roles.values())
    if units and "rep" not in roles:
        notes.append("no speaker is marked as the rep: rep metrics are null and no markers were scored")
    elif units and "buyer" not in roles:
        notes.append("no speaker is marked as the buyer: conversation metrics that need both sides are null")
    found = find_markers(a, lex, o)
    rep_talk = a.metrics.get("rep_talk_s")
    if rep_talk:
        for kind, name in (("filler", "fillers_per_min_rep"), ("hedge", "hedges_per_min_rep")):
            n = sum(1 for m in found.markers if m["kind"] == kind)
            a.metrics[name] = round(n / (rep_talk / 60), 3)
    feedback = build_feedback(a.metrics, found.markers, o, _evidence(a, found, o))
    from .ending import ending

    return ScoreResult(a.metrics, tuple(found.markers), feedback, tuple(notes), ending(a, lex, o, transcript.duration_s))


def _evidence(a: Analysis, f: Findings, o: ScoreOptions) -> dict[str, Any]:
    from ..types import ms
    from .markers import clip_words

    def moment(start: float, end: float, text: str) -> dict[str, Any]:
        return {"start": ms(start), "end": ms(end), "text": clip_words(text, o.marker_text_max_words)}

    ev: dict[str, Any] = {"open_questions": [s.moment() for s in a.open_questions], "acknowledged": f.acknowledged}
    if a.next_step is not None:
        ev["next_step"] = [a.next_step.moment()]
    for side, key in (("buyer", "longest_story"), ("rep", "longest_monologue")):
        st = max(a.stretches.get(side, []), key=lambda s: s.duration, default=None)
        if st is not None:
            ev[key] = [moment(st.start, st.end, " ".join(w.text for w in st.words))]
    resp = sorted(a.responses, key=lambda r: -r.pause_s)
    ev["patient_responses"] = [moment(r.buyer.end, r.rep.start, r.rep.units[0].text) for r in resp
                               if r.pause_s >= o.patience_good_s]
    ev["quick_responses"] = [moment(r.rep.start, r.rep.units[0].end, r.rep.units[0].text) for r in resp[::-1]
                             if r.pause_s < o.patience_low_s]
    rep_sents = [s for u in a.units if u.side == "rep" for s in u.sentences]
    if rep_sents:
        ev["closing"] = [rep_sents[-1].moment()]
    return ev
