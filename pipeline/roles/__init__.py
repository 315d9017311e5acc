"""Which voice is the rep: from the channel layout when known, else a scored guess from the transcript.

The guess weighs what reps do on a sales call: introduce themselves and their company, ask most of the
questions, pitch "our" product and propose the next step. Buyers answer, object and ask about price.

Inbound and service calls turn that around: the customer calls in, introduces themselves (often with their
own company) and asks the questions. What gives the company side away there is how the call is answered
("thank you for calling ...", "you've reached ...", "how can I help you?") and what only an agent does
(verifying the caller's identity, "is there anything else I can help you with?"). When one speaker answers
the call for the company in its opening, the call is inbound: the other speakers' self-introductions,
questions and next steps no longer count as rep evidence.

The result keeps its confidence and the evidence (quotes with times) so a coach can check it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..types import RoleAssignment, Utterance

_NOT_A_NAME = (r"(?:originally|actually|also|just|not|really|still|here|back|away|coming|calling|born|free|done|"
               r"happy|sorry|glad|fine|good|busy|different|far|safe|home|working|living)")
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|next week)"


@dataclass(frozen=True)
class Cue:
    name: str
    pattern: re.Pattern
    weight: float  # positive: rep-like, negative: buyer-like
    cap: int = 3  # count at most this many hits per speaker
    opening_s: float | None = None  # only in utterances starting this early in the call
    outbound: bool = False  # evidence only on an outbound call: ignored for the others once one answered inbound


def _c(name: str, regex: str, weight: float, cap: int = 3, opening_s: float | None = None,
       outbound: bool = False) -> Cue:
    return Cue(name, re.compile(regex, re.I), weight, cap, opening_s, outbound)


OPENING_S = 30.0  # how the call is answered: said in its first half minute
# answering the call for the company: the speaker who says this in the opening is the company side (inbound)
INBOUND_GREETING = _c("answered the call for the company",
                      r"\b(?:thanks?|thank you)(?: so much| very much)? for calling\b|\byou(?:'ve| have) reached\b"
                      r"|\bwelcome to\b|\bhow (?:can|may|could|might) (?:i|we) (?:help|assist|direct)\b", 6.0, 1, OPENING_S)


CUES: tuple[Cue, ...] = (
    _c("introduced themselves with a company",
       r"\b(?:this is|my name is|my name's|it's)\s+[a-z]+(?:\s+[a-z]+)?\s*,?\s+"
       r"(?:from|with|at|calling from|over at|here at)\b", 4.0, 1, outbound=True),
    # "I'm Dana from Acme" - weaker, and not "I'm originally from Ohio"
    _c("introduced themselves with a company",
       rf"\b(?:i'm|i am)\s+(?!{_NOT_A_NAME}\b)[a-z]+\s*,?\s+(?:from|with|calling from|over at|here at)\b", 2.5, 1,
       outbound=True),
    # "calling from Acme" is a rep's; "calling about my bill" as likely a customer's: no evidence either way
    _c("said they are calling", r"\bcalling (?:you )?(?:from|on behalf of)\b", 2.0, 1, outbound=True),
    _c("apologised for calling", r"\bsorry (?:to (?:bother|disturb|interrupt|bug|call)|for (?:the |this )?(?:cold )?"
                                r"call(?:ing)?\b|for bothering)|\bapologi(?:es|[sz]e) for (?:the |this )?(?:cold )?call",
       1.5, 1, outbound=True),
    _c("followed up", r"\b(?:following up|checking in|reaching out|touching base)\b", 1.5, 1, outbound=True),
    _c("said what we can do", r"\bwe (?:can|could) (?:help|save|cut|reduce|lower|offer|get you|set you up|set up|handle)\b",
       1.0, 2),
    INBOUND_GREETING,
    _c("asked if there is anything else", r"\banything else (?:that )?(?:i|we) can (?:help|do|assist)\b", 2.0, 1),
    _c("verified the caller",
       r"\b(?:can|could|may) i (?:have|get|confirm|verify|take)\b.{0,25}\byour\b.{0,20}\b(?:name|account|card|number"
       r"|date of birth|birthday|address|zip|post ?code|e-?mail|phone|social|pin|password|security)\b"
       r"|\b(?:verify|confirm) (?:your|the) (?:identity|account|details)\b|\bfor (?:security|verification) (?:purposes|reasons)\b",
       1.5, 2),
    _c("offered to help", r"\b(?:i(?:'d| would) be )?(?:happy|glad) to help\b|\bi can (?:help you with|do) that\b", 1.0, 1),
    _c("pitched 'our' offering",
       r"\bour (?:product|platform|solution|service|software|team|tool|offer|customers|clients|pricing)\b", 1.0),
    _c("proposed a next step",
       r"\b(?:let's|let us|shall we|can we|could we|how about|would you be open to)\b.{0,40}"
       r"\b(?:meet|schedule|book|set up|call|demo|talk|chat|trial)\b", 1.5, outbound=True),
    _c("offered a day or time", rf"\b(?:does|would|is|how about)\b.{{0,20}}\b{_DAY}\b.{{0,20}}\b(?:work|suit|good|okay)", 1.5),
    _c("asked for something as a customer",
       r"\bi(?:'d| would) like to (?:check|pay|schedule|replace|cancel|open|close|change|report|book|order|return"
       r"|transfer|update|make)\b|\bi (?:need|want) to (?:check|pay|schedule|replace|cancel|open|close|change|report"
       r"|return|transfer|update)\b|\bi (?:lost|can't find|forgot) my\b", -1.5, 2),
    _c("will send something", r"\bi(?:'ll| will) (?:send|email|follow up|forward)\b", 1.0),
    _c("objected", r"\b(?:not interested|no budget|already (?:have|use|work with)|we're (?:happy|fine|good) with"
                   r"|send me (?:an|some) (?:email|info)|not (?:right )?now|bad time|too expensive)\b", -1.5),
    _c("asked about price", r"\b(?:how much|what does it cost|what's the price|pricing)\b.*\?", -1.0),
    _c("answered the phone", r"^\s*(?:hello|hi|yes|yeah)?[,.]?\s*(?:this is [a-z]+|[a-z]+ speaking)[.!]?\s*$", -1.0, 1),
)

QUESTION_WEIGHT = 0.4  # per question asked beyond the other party's count (questions are the rep's job)
QUESTION_CAP = 6


def _speaker_texts(utts: tuple[Utterance, ...]) -> dict[str, list[Utterance]]:
    out: dict[str, list[Utterance]] = {}
    for u in utts:
        out.setdefault(u.speaker, []).append(u)
    return out


def inbound_answerer(utts: tuple[Utterance, ...]) -> str | None:
    """The one speaker who answered the call for the company in its opening, if exactly one did."""
    t0 = min((u.start for u in utts), default=0.0)
    who = {u.speaker for u in utts
           if u.start - t0 <= OPENING_S and INBOUND_GREETING.pattern.search(u.text)}
    return next(iter(who)) if len(who) == 1 else None


def score_speakers(utts: tuple[Utterance, ...]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Rep-likeness score and evidence lines per speaker."""
    by_speaker = _speaker_texts(utts)
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    questions = {s: sum(u.text.count("?") for u in us) for s, us in by_speaker.items()}
    t0 = min((u.start for u in utts), default=0.0)
    inbound = inbound_answerer(utts)
    for spk, us in by_speaker.items():
        score = 0.0
        ev: list[str] = []
        outbound_evidence = inbound is None or spk == inbound
        for cue in CUES:
            if cue.outbound and not outbound_evidence:
                continue
            hits = 0
            for u in us:
                if cue.opening_s is not None and u.start - t0 > cue.opening_s:
                    continue
                m = cue.pattern.search(u.text)
                if m and hits < cue.cap:
                    hits += 1
                    score += cue.weight
                    if hits == 1:
                        ev.append(f"{spk} {cue.name} at {u.start:.1f} s: \"{_clip(m.group(0))}\"")
        others = [q for s, q in questions.items() if s != spk]
        extra = questions[spk] - (max(others) if others else 0)
        # on an inbound call the customer asks the questions: who asks more says nothing there
        if extra and inbound is None:
            score += QUESTION_WEIGHT * max(-QUESTION_CAP, min(QUESTION_CAP, extra))
            ev.append(f"{spk} asked {questions[spk]} question(s)")
        scores[spk] = score
        evidence[spk] = ev
    return scores, evidence


def _clip(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def guess_roles(utts: tuple[Utterance, ...], speakers: tuple[str, ...]) -> RoleAssignment:
    """The most rep-like speaker is the rep, every other speaker a buyer.

    Confidence is a logistic of the score margin between the best and the runner-up (0.5 = a coin toss).
    """
    speakers = tuple(speakers) or tuple(sorted({u.speaker for u in utts}))
    if not speakers:
        return RoleAssignment({}, "none", 0.0, ("no speech",))
    if len(speakers) == 1:
        return RoleAssignment({speakers[0]: "unknown"}, "single_speaker", 0.0, ("only one voice in the call",))
    scores, evidence = score_speakers(utts)
    ranked = sorted(speakers, key=lambda s: (-scores.get(s, 0.0), s))
    margin = scores.get(ranked[0], 0.0) - scores.get(ranked[1], 0.0)
    confidence = 1 / (1 + math.exp(-margin))
    if margin <= 0:  # no signal at all: say so rather than pretend
        roles = {s: "unknown" for s in speakers}
        return RoleAssignment(roles, "transcript", 0.5, ("no rep cue told the speakers apart",))
    roles = {s: ("rep" if s == ranked[0] else "buyer") for s in speakers}
    ev = tuple(evidence.get(ranked[0], []) + evidence.get(ranked[1], []))
    return RoleAssignment(roles, "transcript", confidence, ev)


def roles_from_channel(speakers: tuple[str, ...], channel_of: dict[str, int], rep_channel: int) -> RoleAssignment:
    roles = {s: ("rep" if channel_of.get(s) == rep_channel else "buyer") for s in speakers}
    side = {0: "left", 1: "right"}.get(rep_channel, str(rep_channel))
    return RoleAssignment(roles, "channel", 1.0, (f"rep channel set to {side}",))


def roles_from_override(speakers: tuple[str, ...], rep_speaker: str) -> RoleAssignment:
    roles = {s: ("rep" if s == rep_speaker else "buyer") for s in speakers}
    return RoleAssignment(roles, "override", 1.0, (f"rep speaker set to {rep_speaker} by override",))


__all__ = ["guess_roles", "inbound_answerer", "roles_from_channel", "roles_from_override", "score_speakers", "CUES"]
