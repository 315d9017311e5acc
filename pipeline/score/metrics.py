"""Conversation metrics: talk time, monologues, interactivity, patience, questions, pace, next step.

Definitions (rep-side unless named; ``None`` where undefined, e.g. no rep or no buyer in the roles):

- ``duration_s``: the transcript's duration (else the end of the last word).
- ``rep_talk_s`` / ``buyer_talk_s``: the diarization's speech time per side when the transcript carries it
  (``AttributedTranscript.talk_s``), else word spans merged per side, gaps under ``talk_gap_bridge_s`` bridged.
- ``talk_ratio_rep``: rep talk / (rep + buyer talk).
- ``longest_monologue_rep_s`` / ``longest_story_buyer_s``: the longest run of one side's words (first word
  start to last word end) during which the other side said nothing but backchannels.
- ``switches_per_min``: speaker changes between consecutive non-backchannel utterances per minute of call.
- ``patience_s``: mean pause from the end of a buyer turn to the rep's next turn (0 when the rep talks over).
- ``response_latency_max_s``: the longest pause before the rep's first non-filler word after a buyer turn
  that ends with a question or contains an objection ("um ... " does not end the silence).
- ``questions_rep`` / ``open_questions_rep`` / ``questions_buyer``: question sentences ("?" or interrogative
  syntax, see ``lexicons/question.toml``); open = what / how / why / tell me / walk me through / describe.
- ``speech_rate_rep_wpm``: rep words per minute of rep talk.
- ``fillers_per_min_rep`` / ``hedges_per_min_rep``: filler / hedge markers per minute of rep talk.
- ``interruptions_rep`` / ``interruptions_buyer``: non-backchannel utterances started while the other side
  had at least ``interruption_min_overlap_s`` of their utterance left.
- ``next_step_set``: a sentence with an action and a day or time (``lexicons/next_step.toml``) in the last
  ``next_step_tail_fraction`` of the call or the last ``next_step_tail_min_s``, whichever is longer.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from ..types import AttributedWord, ms
from .lexicon import Lexicons
from .options import ScoreOptions
from .units import Sentence, Turn, Unit, is_punct_word

METRIC_NAMES = (
    "duration_s", "rep_talk_s", "buyer_talk_s", "talk_ratio_rep", "longest_monologue_rep_s",
    "longest_story_buyer_s", "switches_per_min", "patience_s", "response_latency_max_s", "questions_rep",
    "open_questions_rep", "questions_buyer", "speech_rate_rep_wpm", "fillers_per_min_rep", "hedges_per_min_rep",
    "interruptions_rep", "interruptions_buyer", "next_step_set",
)


@dataclass
class Stretch:
    """A run of one side's words with no (non-backchannel) speech of the other side."""

    side: str
    words: list[AttributedWord]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return max(w.end for w in self.words)

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Response:
    """The rep answering a buyer turn."""

    buyer: Turn
    rep: Turn
    pause_s: float  # rep's first word start - buyer turn end, at least 0
    latency_s: float  # to the rep's first word that is not a filler, at least 0
    answer_start: float
    trigger: str  # "question", "objection" or ""


@dataclass
class Interruption:
    unit: Unit  # the one who cut in
    other_text: str  # what the other side was saying
    end_word: int  # index into unit.words of the last word spoken over the other side


@dataclass
class Analysis:
    metrics: dict[str, Any]
    units: list[Unit]
    turns: list[Turn]
    stretches: dict[str, list[Stretch]] = field(default_factory=dict)
    responses: list[Response] = field(default_factory=list)
    interruptions: list[Interruption] = field(default_factory=list)
    next_step: Sentence | None = None
    open_questions: list[Sentence] = field(default_factory=list)


def merge(spans: list[tuple[float, float]], bridge: float) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for s, e in sorted(spans):
        if out and s - out[-1][1] < bridge:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def talk_intervals(words: list[AttributedWord], bridge: float) -> list[tuple[float, float]]:
    return merge([(w.start, max(w.end, w.start)) for w in words if not is_punct_word(w.text)], bridge)


def stretches(own: list[AttributedWord], other_starts: list[float], side: str) -> list[Stretch]:
    """Split ``own`` words wherever the other side started to speak between two of them."""
    own = sorted(own, key=lambda w: w.start)
    other = sorted(other_starts)
    out: list[Stretch] = []
    cur: list[AttributedWord] = []
    for w in own:
        if cur:
            i = bisect.bisect_right(other, cur[-1].start)
            if i < len(other) and other[i] <= w.start:
                out.append(Stretch(side, cur))
                cur = []
        cur.append(w)
    if cur:
        out.append(Stretch(side, cur))
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else ms(x)


def analyze(units: list[Unit], turns: list[Turn], duration_s: float, lex: Lexicons,
            o: ScoreOptions, roles: dict[str, str] | None = None,
            talk_s: dict[str, float] | None = None, overlaps: tuple = ()) -> Analysis:
    all_words = [w for u in units for w in u.words]
    duration = duration_s if duration_s and duration_s > 0 else max((w.end for w in all_words), default=0.0)
    sides = {u.side for u in units} | set((roles or {}).values())
    has_rep = "rep" in sides
    has_buyer = "buyer" in sides
    words_of = {s: [w for u in units if u.side == s for w in u.words] for s in ("rep", "buyer")}
    a = Analysis({}, units, turns)
    m: dict[str, Any] = {k: None for k in METRIC_NAMES}
    m["duration_s"] = ms(duration)
    rep_talk = sum(e - s for s, e in talk_intervals(words_of["rep"], o.talk_gap_bridge_s))
    buyer_talk = sum(e - s for s, e in talk_intervals(words_of["buyer"], o.talk_gap_bridge_s))
    if talk_s and roles:
        by_role = {r: sum(v for spk, v in talk_s.items() if roles.get(spk) == r) for r in ("rep", "buyer")}
        if by_role["rep"] + by_role["buyer"] > 0:
            rep_talk, buyer_talk = by_role["rep"], by_role["buyer"]
    if has_rep:
        m["rep_talk_s"] = ms(rep_talk)
    if has_buyer:
        m["buyer_talk_s"] = ms(buyer_talk)
    if has_rep and has_buyer and rep_talk + buyer_talk > 0:
        m["talk_ratio_rep"] = round(rep_talk / (rep_talk + buyer_talk), 3)

    # monologues and stories: stretches not broken by the other side's backchannels
    starts = {s: sorted(w.start for u in units if u.side == s and not u.backchannel for w in u.words)
              for s in ("rep", "buyer")}
    for side, other in (("rep", "buyer"), ("buyer", "rep")):
        a.stretches[side] = stretches(words_of[side], starts[other], side)
    if has_rep:
        m["longest_monologue_rep_s"] = ms(max((s.duration for s in a.stretches["rep"]), default=0.0))
    if has_buyer:
        m["longest_story_buyer_s"] = ms(max((s.duration for s in a.stretches["buyer"]), default=0.0))

    # interactivity: speaker changes between non-backchannel utterances
    real = [u for u in units if not u.backchannel]
    if units and duration > 0:
        switches = sum(1 for p, q in zip(real, real[1:]) if p.speaker != q.speaker)
        m["switches_per_min"] = round(switches / (duration / 60), 3)

    # patience and response latency
    fillers = lex.markers["filler"]
    objection = lex.objection
    for b, r in zip(turns, turns[1:]):
        if b.side != "buyer" or r.side != "rep":
            continue
        pause = max(0.0, r.start - b.end)
        answer = _first_substantive(r, fillers)
        trigger = ""
        if b.ends_with_question:
            trigger = "question"
        elif any(objection.any(u.doc) for u in b.units):
            trigger = "objection"
        a.responses.append(Response(b, r, pause, max(0.0, answer - b.end), answer, trigger))
    if has_rep and has_buyer:
        pauses = [x.pause_s for x in a.responses]
        m["patience_s"] = _round(sum(pauses) / len(pauses)) if pauses else None
        lat = [x.latency_s for x in a.responses if x.trigger]
        m["response_latency_max_s"] = _round(max(lat)) if lat else None

    # questions
    if has_rep:
        rep_sents = [s for u in units if u.side == "rep" for s in u.sentences]
        m["questions_rep"] = sum(1 for s in rep_sents if s.question)
        a.open_questions = [s for s in rep_sents if s.question and s.open]
        m["open_questions_rep"] = len(a.open_questions)
    if has_buyer:
        m["questions_buyer"] = sum(1 for u in units if u.side == "buyer" for s in u.sentences if s.question)

    # pace
    if has_rep and rep_talk > 0:
        n = sum(1 for w in words_of["rep"] if not is_punct_word(w.text))
        m["speech_rate_rep_wpm"] = round(n / (rep_talk / 60), 1)

    # interruptions
    a.interruptions = find_interruptions(units, o, overlaps, roles or {})
    if has_rep and has_buyer:
        m["interruptions_rep"] = sum(1 for x in a.interruptions if x.unit.side == "rep")
        m["interruptions_buyer"] = sum(1 for x in a.interruptions if x.unit.side == "buyer")

    # next step near the end
    if all_words and duration > 0:
        tail = max(duration * o.next_step_tail_fraction, o.next_step_tail_min_s)
        since = max(0.0, duration - tail)
        for u in units:
            if u.side == "other":
                continue
            for s in u.sentences:
                if s.start >= since and is_next_step(s, lex):
                    a.next_step = s  # keep the last one
        m["next_step_set"] = a.next_step is not None
    a.metrics = m
    return a


def is_next_step(s: Sentence, lex: Lexicons) -> bool:
    doc = s.unit.doc
    return (lex.next_step_action.any(doc, s.start_tok, s.end_tok) and lex.next_step_time.any(doc, s.start_tok, s.end_tok)
            and not lex.next_step_exclude.any(doc, s.start_tok, s.end_tok))


def _first_substantive(turn: Turn, fillers) -> float:
    """Start of the rep's first word in ``turn`` that is not a filler (a hesitant "um ..." still waits)."""
    for u in turn.units:
        spans = fillers.find(u.doc)
        covered = {i for sp in spans for i in range(sp.start, sp.end)}
        for t in u.doc:
            if t.i in covered or t.is_punct or t.is_space:
                continue
            a, _ = u.word_range(t.idx, t.idx + len(t))
            return u.words[a].start
    return turn.start


def find_interruptions(units: list[Unit], o: ScoreOptions, overlaps: tuple = (),
                       roles: dict[str, str] | None = None) -> list[Interruption]:
    """Utterances that start while the other side is mid-utterance with at least the minimum left to say.

    On a mixed recording Whisper writes one voice where two talk at once, so the words never overlap there:
    the diarizer's ``overlaps`` (a speaker coming in while the other still talks) stand in for them. The
    incoming side's first utterance near such an overlap, right after the other side's, is the interruption.
    """
    out: list[Interruption] = []
    real = [u for u in units if not u.backchannel and u.side in ("rep", "buyer")]
    out += _by_words(real, o)
    flagged = {id(x.unit) for x in out}
    for ov in overlaps:
        side = (roles or {}).get(ov.speaker)
        if side not in ("rep", "buyer"):
            continue
        for i, u in enumerate(real):
            if u.side != side or not (ov.start - o.overlap_slack_s <= u.start <= ov.end + o.overlap_late_s):
                continue
            before = [x for x in real[:i] if x.side != side]
            if id(u) not in flagged and before and before[-1].end >= ov.start - o.overlap_slack_s:
                said = [w.text for w in before[-1].words if w.end > u.start - 3.0]
                out.append(Interruption(u, " ".join(said[-8:]), 0))
                flagged.add(id(u))
            break
    return sorted(out, key=lambda x: x.unit.start)


def _by_words(real: list[Unit], o: ScoreOptions) -> list[Interruption]:
    out: list[Interruption] = []
    spans = {side: talk_intervals([w for u in real if u.side == side for w in u.words], o.talk_gap_bridge_s)
             for side in ("rep", "buyer")}
    for u in real:
        other = "buyer" if u.side == "rep" else "rep"
        t = u.start
        for s, e in spans[other]:
            if s < t and e - t >= o.interruption_min_overlap_s:
                last = max(i for i, w in enumerate(u.words) if i == 0 or w.start < e)
                said = [w.text for x in real if x.side == other for w in x.words if w.start < t and w.end > t - 3.0]
                out.append(Interruption(u, " ".join(said[-8:]), last))
                break
    return out
