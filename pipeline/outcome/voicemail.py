"""Feedback on a voicemail the rep left (issue 14): a short, clear message with a reason and a call-back ask.

Pure: the rep's words of the message and the markers scored on the whole recording in, the message's figures and
feedback (the same item shape as ``pipeline.score.feedback``) out. The coaching norms are the common voicemail
advice: say who you are and why you call, ask for the call back with a number, and keep it under about 30 s.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from ..types import AttributedWord

MESSAGE_LONG_S = 30.0  # a voicemail longer than this loses the listener
MESSAGE_SHORT_S = 8.0  # shorter than this rarely says who, why and how to call back
OPENER_S = 30.0  # hesitancy markers in the first seconds of the message count as opener hesitancy
HESITANCY = ("filler", "hedge", "apology", "long_pause", "restart")

REASON = tuple(re.compile(p) for p in (
    r"\b(calling|call|reaching out|ringing) (about|regarding|because|to|re)\b", r"\breason (for|i'm|i am)\b",
    r"\bwanted to (share|talk|follow|ask|discuss|show|see|let you)\b", r"\bfollow(ing)? up\b", r"\babout your\b",
    r"\b(i'm|i am|we're|we are) (calling|ringing|reaching out)\b",  # "I'm calling ..." names the errand
))
CALL_BACK = tuple(re.compile(p) for p in (
    r"\bcall me( back)?\b", r"\bgive me a (call|ring|shout)\b", r"\b(reach|ring|text|email) me\b",
    r"\bmy (number|direct line|cell|mobile) is\b", r"\bcall (back|us)\b", r"\bget back to me\b",
    r"\b(you can|feel free to) (reach|call|ring)\b", r"\bon (five|six|seven|eight|nine|zero|\d)",
))
_DIGIT = re.compile(r"^(\d+|zero|oh|one|two|three|four|five|six|seven|eight|nine)$")


def _norm(words: Iterable[AttributedWord]) -> list[str]:
    return [t for w in words for t in re.sub(r"[^a-z0-9']", " ", w.text.lower()).split()]


def message_figures(words: tuple[AttributedWord, ...], rep_speaker: str | None, start: float | None,
                    markers: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The message: its length, words, opener hesitancy, whether it gives a reason, a call-back ask, a number."""
    mine = [w for w in words if (rep_speaker is None or w.speaker == rep_speaker) and (start is None or w.start >= start - 0.2)]
    if not mine:
        return {"length_s": 0.0, "words": 0, "opener_hesitancy": 0, "reason": False, "call_back": False,
                "number": False}
    a, b = mine[0].start, mine[-1].end
    tokens = _norm(mine)
    text = " " + " ".join(tokens) + " "
    run = longest = 0
    for t in tokens:  # a spoken number: four or more digits in a row ("five five five two one", "555 2121")
        run = run + (len(t) if t.isdigit() else 1) if _DIGIT.match(t) else 0
        longest = max(longest, run)
    opener = [m for m in markers if m.get("kind") in HESITANCY and a - 0.2 <= m.get("start", -1) <= a + OPENER_S
              and (rep_speaker is None or m.get("speaker") in (None, rep_speaker))]
    return {"length_s": round(b - a, 2), "words": len(tokens), "opener_hesitancy": len(opener),
            "opener_markers": [{k: m[k] for k in ("kind", "start", "end", "text") if k in m} for m in opener],
            "reason": any(p.search(text) for p in REASON), "call_back": any(p.search(text) for p in CALL_BACK),
            "number": longest >= 4}


def voicemail_feedback(figures: dict[str, Any]) -> dict[str, Any]:
    """Strengths and work-on items for a voicemail, from ``message_figures``."""
    strengths, work_on = [], []
    length = figures["length_s"]

    def good(finding: str, title: str, why: str) -> None:
        strengths.append({"finding": finding, "title": title, "why": why, "moments": []})

    def fix(finding: str, severity: float, title: str, why: str, suggestion: str, moments=()) -> None:
        work_on.append({"finding": finding, "family": "voicemail", "severity": severity, "title": title, "why": why,
                        "moments": list(moments), "suggestion": suggestion})

    if MESSAGE_SHORT_S <= length <= MESSAGE_LONG_S:
        good("voicemail_length", "Kept the message short", f"The message took {length:.0f} s: short enough to be heard out.")
    elif length > MESSAGE_LONG_S:
        fix("voicemail_long", 1.5, "Shorten the message", f"The message ran {length:.0f} s; past about 30 s most "
            "listeners stop.", "Say who you are, why you call and how to reach you; save the rest for the call.")
    if figures["reason"]:
        good("voicemail_reason", "Gave a reason to call back", "The message said why you were calling.")
    else:
        fix("voicemail_no_reason", 2.0, "Say why you are calling", "The message did not say what the call was about.",
            "Give one concrete reason that matters to them (\"about your renewal in March\").")
    if figures["call_back"] and figures["number"]:
        good("voicemail_call_back", "Asked for a call back, with a number", "The listener knows what to do next.")
    else:
        fix("voicemail_no_ask", 2.0, "Ask for the call back and leave your number",
            "The message " + ("left no number" if figures["call_back"] else "did not ask them to call back") + ".",
            "End with the ask and your number, said slowly, twice.")
    if figures["opener_hesitancy"]:
        n = figures["opener_hesitancy"]
        fix("voicemail_opener", 1.0 + 0.3 * min(n, 5), "Open the message without hesitating",
            f"The first {OPENER_S:.0f} s of the message had {n} hesitation marker(s).",
            "Write the first sentence down and say it as written.", figures.get("opener_markers", [])[:3])
    work_on.sort(key=lambda x: -x["severity"])
    return {"strengths": strengths, "work_on": work_on, "coaching_questions": []}
