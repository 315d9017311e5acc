"""How a conversation ended (issue 14): with a refusal, an objection left standing, a hang-up, a next step, or
plainly. The team view reads ``rejected`` to time a rep's recovery after a rejection.

Pure: the scored conversation (turns, next step, acknowledged objections) in, one small dict out::

    {"kind": "refusal" | "objection" | "hang_up" | "next_step" | "ended", "rejected": bool,
     "start": s, "end": s, "text": "..."}   # start/end/text: the moment that decided it (None for "ended")

Rules, in order (thresholds in ``ScoreOptions``):

- refusal: one of the buyer's last ``ending_buyer_turns`` turns turns the rep down (``refusal.toml``; a one-word
  "no"/"nope"/"pass" only right after the rep asked for commitment, so "no, that's all" after "anything else?"
  is no refusal), and no next step was set after it;
- objection: one of those turns raises an objection (``objection.toml``) that the rep's next turn neither acknowledged
  nor asked about with an open question (as ``objection_override`` reads it), and no next step followed: it was left standing when the call ended;
- next_step: a next step was set near the end (``next_step_set``);
- hang_up: neither side said goodbye in the last two turns and the last word ends within
  ``ending_cut_off_s`` of the recording's end: somebody put the phone down mid-conversation;
- ended: anything else.
"""

from __future__ import annotations

import re
from typing import Any

from ..types import ms
from .lexicon import Lexicons
from .metrics import Analysis
from .options import ScoreOptions
from .units import Turn

KINDS = ("refusal", "objection", "hang_up", "next_step", "ended")
REJECTED = ("refusal", "objection", "hang_up")
_ONE_WORD = {"no", "nope", "pass", "nah"}
FAREWELL = re.compile(r"\b(good ?bye|bye|take care|talk (to you )?(soon|later|then|next)|speak (soon|later|then)|"
                      r"thanks?|thank you|cheers|have a (good|great|nice|lovely)|see you|all the best)\b")


def ending(a: Analysis, lex: Lexicons, o: ScoreOptions, duration_s: float) -> dict[str, Any]:
    turns = [t for t in a.turns if t.side in ("rep", "buyer")]
    buyer = [i for i, t in enumerate(turns) if t.side == "buyer"][-o.ending_buyer_turns:]
    step_at = a.next_step.start if a.next_step is not None else None
    for i in reversed(buyer):
        t = turns[i]
        after_step = step_at is not None and step_at > t.start
        hit = _refusal(t, turns[i - 1] if i > 0 else None, lex)
        if hit is not None and not after_step:
            return _moment("refusal", *hit)
        obj = _first(t, lex.objection)
        if obj is not None and not after_step:
            rep_after = [r for r in turns[i + 1:] if r.side == "rep"]
            reply = rep_after[0] if rep_after else None
            if reply is None or not (_first(reply, lex.acknowledgement) or any(x.question and x.open
                                                                               for x in reply.sentences)):
                return _moment("objection", *obj)
    if a.next_step is not None:
        s = a.next_step
        return _moment("next_step", s.start, s.end, s.span.text)
    last = turns[-2:]
    words = " ".join(u.text for t in last for u in t.units).lower()
    if last and not FAREWELL.search(words) and duration_s - last[-1].end <= o.ending_cut_off_s:
        u = last[-1].units[-1]
        return _moment("hang_up", u.start, u.end, u.text)
    return {"kind": "ended", "rejected": False, "start": None, "end": None, "text": None}


def _moment(kind: str, start: float, end: float, text: str) -> dict[str, Any]:
    return {"kind": kind, "rejected": kind in REJECTED, "start": ms(start), "end": ms(end),
            "text": " ".join(text.split())[:200]}


def _first(turn: Turn, spec) -> tuple[float, float, str] | None:
    for u in turn.units:
        hits = spec.find(u.doc)
        if hits:
            return u.span_moment(hits[0])
    return None


def _refusal(turn: Turn, before: Turn | None, lex: Lexicons) -> tuple[float, float, str] | None:
    if any(lex.refusal_unless.any(u.doc) for u in turn.units):
        return None
    asked = before is not None and before.side == "rep" and _first(before, lex.close) is not None
    for u in turn.units:
        for span in lex.refusal.find(u.doc):
            if len(span) > 1 or span.text.lower() not in _ONE_WORD or asked:
                return u.span_moment(span)
    return None
