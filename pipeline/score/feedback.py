"""Coaching feedback from the metrics and markers: strengths, the top things to work on, coaching questions.

``build_feedback`` works from the public ``metrics`` and ``markers`` alone (e.g. re-read from an
``analysis.json``); ``evidence`` adds moments for the strengths (open questions asked, objections handled, the
next step) when scoring has them.

The wording is ours: kind, concrete, one idea per line. Severity decides the order of ``work_on``: pushing
past the buyer weighs most, then call-level gaps (no next step, talking most of the time), then delivery.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

from .options import ScoreOptions

HESITANCY = "hesitancy"
PUSHINESS = "pushiness"
CONVERSATION = "conversation"  # call-level balance: neither hesitant nor pushy in itself

QUESTIONS: dict[str, tuple[str, ...]] = {
    HESITANCY: (
        "What makes you feel confident when you call a buyer like this one?",
        "What's the worst that could happen if you make this call - and what's the worst that could happen "
        "if you don't?",
        "What do you believe this buyer gains from talking with you?",
    ),
    PUSHINESS: (
        "Listening back as if you were the buyer, how does this part of the call sound to you?",
        "What would the buyer have needed to hear to feel that you were on their side?",
    ),
    CONVERSATION: (
        "Where in this call could you have handed the conversation back to the buyer?",
    ),
    "few_questions": (
        "What did you want to learn from this buyer, and which question would have got you there?",
    ),
    "no_next_step": (
        "What would a good next step have looked like for this buyer, and what held you back from asking "
        "for it?",
    ),
    "low_patience": (
        "What might the buyer have added if you had let a full second of silence sit before answering?",
    ),
    "general": (
        "Which moment of this call would you play to a teammate, and why?",
        "If you could redo one minute of this call, which minute would it be and what would you say?",
    ),
}


def _moments(markers: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return [{"start": m["start"], "end": m["end"], "text": m["text"]} for m in markers[:n]]


def _example(markers: list[dict[str, Any]]) -> str:
    return f' (for example "{markers[0]["text"]}")' if markers else ""


def _times(n: int) -> str:
    return "once" if n == 1 else ("twice" if n == 2 else f"{n} times")


def build_feedback(metrics: dict[str, Any], markers: list[dict[str, Any]] | tuple[dict[str, Any], ...],
                   options: ScoreOptions | None = None, evidence: dict[str, Any] | None = None) -> dict[str, Any]:
    o = options or ScoreOptions()
    ev = evidence or {}
    k = o.feedback_max_moments
    if metrics.get("rep_talk_s") is None:  # no rep: nothing to coach
        return {"strengths": [], "work_on": [], "coaching_questions": []}
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for m in sorted(markers, key=lambda m: m["start"]):
        by_kind.setdefault(m["kind"], []).append(m)
    count = Counter({kind: len(v) for kind, v in by_kind.items()})
    long_call = (metrics.get("duration_s") or 0) >= o.feedback_min_call_s
    rep_min = (metrics.get("rep_talk_s") or 0) / 60
    items: list[dict[str, Any]] = []

    def add(finding: str, family: str, severity: float, title: str, why: str, moments: list[dict[str, Any]],
            suggestion: str) -> None:
        items.append({"finding": finding, "family": family, "severity": round(severity, 2), "title": title,
                      "why": why, "moments": moments[:k], "suggestion": suggestion})

    n = count["objection_override"]
    if n:
        add("objection_override", PUSHINESS, min(4.0, 3.0 + 0.5 * (n - 1)), "Acknowledge an objection before moving on",
            f"The buyer pushed back {_times(n)}, and the next thing they heard was more of the pitch rather than "
            f"a sign they had been heard.", _moments(by_kind["objection_override"], k),
            'Name what you heard and ask about it first: "That makes sense - what would need to change for this '
            'to be worth a look?" Then decide together whether to go on.')
    n = count["repeated_close"]
    if n:
        add("repeated_close", PUSHINESS, min(3.0, 2.5 + 0.5 * (n - 1)), "Give a \"no\" some room",
            f"You asked for the commitment again straight after the buyer declined{_example(by_kind['repeated_close'])}.",
            _moments(by_kind["repeated_close"], k),
            "After a no, ask what is behind it - timing, budget or fit - and offer a smaller step instead of "
            "repeating the ask.")
    n = count["pressure"]
    if n:
        add("pressure", PUSHINESS, min(3.0, 2.0 + 0.4 * (n - 1)), "Let the buyer's reasons create the urgency",
            f"You used pressure language {_times(n)}{_example(by_kind['pressure'])}; buyers tend to pull back "
            f"when they feel rushed.", _moments(by_kind["pressure"], k),
            'Tie timing to something the buyer told you: "You mentioned the audit in March - would it help to '
            'have this running before then?"')
    n = count["monologue"]
    if n:
        longest = metrics.get("longest_monologue_rep_s") or o.monologue_marker_s
        add("monologue", PUSHINESS, min(3.0, 2.0 + max(0.0, longest - o.monologue_marker_s) / 60),
            "Break up long stretches of talk",
            f"You spoke for up to {longest:.0f} s without the buyer saying anything; attention fades well before "
            f"the two-minute mark.", _moments(by_kind["monologue"], k),
            'Every 30 to 45 seconds, hand the conversation back: "How does that compare with how you do it '
            'today?"')
    n = count["interruption"]
    if n:
        add("interruption", PUSHINESS, min(3.0, 1.5 + 0.5 * (n - 1)), "Let the buyer finish",
            f"You started talking while the buyer was still speaking {_times(n)}.", _moments(by_kind["interruption"], k),
            "When you want to jump in, note the point and wait one beat after the buyer stops - what they say at "
            "the end of a thought is often the most useful part.")
    ratio = metrics.get("talk_ratio_rep")
    if long_call and ratio is not None and ratio > o.talk_ratio_high:
        add("talk_ratio", CONVERSATION, min(2.8, 2.0 + 5 * (ratio - o.talk_ratio_high)), "Give the buyer more of the airtime",
            f"You did {ratio:.0%} of the talking; the strongest calls sit nearer {o.talk_ratio_target:.0%}.",
            _moments(by_kind.get("monologue", []), k) or list(ev.get("longest_monologue", []))[:k],
            "Swap one minute of explaining for one open question, and let the answer run without filling the "
            "silence.")
    if long_call and metrics.get("next_step_set") is False:
        add("no_next_step", HESITANCY, 2.0, "Close with a concrete next step",
            "The call ended without an agreed action and time, so it is easy for it to drift.",
            list(ev.get("closing", []))[:k],
            'Before you hang up, propose one specific step with a day and time: "Shall I send the proposal '
            'Tuesday, and we talk it through Thursday at 10?"')
    q = metrics.get("questions_rep")
    if long_call and q is not None and q < o.questions_low:
        add("few_questions", CONVERSATION, 1.8, "Ask more about the buyer's world",
            f"You asked {q} question{'s' if q != 1 else ''}; discovery calls that go well often have around a dozen.",
            [],
            "Prepare three open questions before the call (what, how, why) and ask at least two before "
            "presenting anything.")
    ap = by_kind.get("apology", []) + by_kind.get("permission_seeking", [])
    ap.sort(key=lambda m: m["start"])
    if ap:
        add("apology_permission", HESITANCY, min(3.0, 1.5 + 0.5 * (len(ap) - 1)), "Own the reason for your call",
            f"You apologised for the call or asked permission to talk {_times(len(ap))}{_example(ap)}, which "
            f"frames your call as an imposition rather than something useful.", _moments(ap, k),
            'Open with why you are calling and what is in it for them: "I\'m calling because teams like yours '
            'are losing hours to X - I have an idea worth two minutes."')
    n = count["long_pause"]
    if n:
        add("long_pause", HESITANCY, min(2.5, 1.2 + 0.4 * (n - 1)), "Have answers ready for the usual questions",
            f"You went quiet for a while before answering the buyer {_times(n)}; a long silence after a question "
            f"can read as doubt.", _moments(by_kind["long_pause"], k),
            "List the questions and objections you hear most and rehearse a short answer to each. \"Good "
            "question - let me check and get back to you by Friday\" is a fine answer too.")
    hr = metrics.get("hedges_per_min_rep")
    if hr is not None and hr > o.hedges_per_min_high and count["hedge"]:
        add("hedge", HESITANCY, min(3.0, 1.0 + (hr - o.hedges_per_min_high) / o.hedges_per_min_high),
            "Say what you believe without softening it",
            f"About {hr:.1f} hedges a minute{_example(by_kind['hedge'])} make your points sound optional.",
            _moments(by_kind["hedge"], k),
            'Drop "just", "maybe" and "I think" from the things you are sure of: "I think this could maybe help" '
            'becomes "This helps teams like yours because ...".')
    fr = metrics.get("fillers_per_min_rep")
    if fr is not None and fr > o.fillers_per_min_high and count["filler"]:
        add("filler", HESITANCY, min(3.0, 1.0 + (fr - o.fillers_per_min_high) / o.fillers_per_min_high),
            "Use short pauses instead of fillers",
            f"About {fr:.1f} filler words a minute{_example(by_kind['filler'])}, more than the average rep.",
            _moments(by_kind["filler"], k),
            "A silent pause sounds more sure than \"um\". Say your opening and key points out loud a few times "
            "before the call until they flow.")
    n = count["restart"]
    if n >= 3:
        add("restart", HESITANCY, min(2.0, 0.8 + 0.2 * (n - 3)), "Start sentences once",
            f"You restarted a sentence {_times(n)}{_example(by_kind['restart'])}.", _moments(by_kind["restart"], k),
            "Take a breath before you start speaking and know the first few words of your answer; the rest "
            "follows.")
    p = metrics.get("patience_s")
    if p is not None and p < o.patience_low_s:
        add("low_patience", PUSHINESS, 1.2, "Pause before you answer",
            f"On average you came in {p:.1f} s after the buyer stopped; strong reps leave about a second.",
            list(ev.get("quick_responses", []))[:k],
            "Let a full beat of silence pass when the buyer finishes - they often add the thing that matters most.")
    wpm = metrics.get("speech_rate_rep_wpm")
    if wpm is not None and rep_min >= 0.5 and wpm > o.speech_rate_high_wpm:
        add("speech_rate", PUSHINESS, min(2.0, 1.0 + (wpm - o.speech_rate_high_wpm) / 50), "Slow your pace",
            f"You spoke at about {wpm:.0f} words a minute; around 170 is easier to follow.", [],
            "Slow down on the sentences that matter most - the value, the price, the next step - and pause after "
            "them.")

    items.sort(key=lambda x: -x["severity"])
    work_on = items[:o.feedback_max_items]
    return {"strengths": _strengths(metrics, o, ev), "work_on": work_on,
            "coaching_questions": _questions(items, o)}


def _strengths(m: dict[str, Any], o: ScoreOptions, ev: dict[str, Any]) -> list[dict[str, Any]]:
    k = o.feedback_max_moments
    out: list[dict[str, Any]] = []

    def add(finding: str, title: str, why: str, moments: list[dict[str, Any]]) -> None:
        out.append({"finding": finding, "title": title, "why": why, "moments": list(moments)[:k]})

    n = m.get("open_questions_rep") or 0
    if n >= o.open_questions_good:
        add("open_questions", "Asked open questions",
            f"You asked {n} open questions that let the buyer explain things in their own words.",
            ev.get("open_questions", []))
    ack = list(ev.get("acknowledged", []))
    if ack:
        add("acknowledged_objection", "Handled an objection with care",
            f'When the buyer said "{ack[0].get("objection", "no")}", you acknowledged it before going on.',
            [{x: a[x] for x in ("start", "end", "text")} for a in ack])
    if m.get("next_step_set"):
        add("next_step", "Set a concrete next step",
            "The call ended with a clear action and a day or time, so both sides know what happens next.",
            ev.get("next_step", []))
    p = m.get("patience_s")
    if p is not None and p >= o.patience_good_s:
        add("patience", "Gave the buyer room to finish",
            f"You waited {p:.1f} s on average before answering, which invites the buyer to say more.",
            ev.get("patient_responses", []))
    r = m.get("talk_ratio_rep")
    if r is not None and o.talk_ratio_balanced_low <= r <= o.talk_ratio_balanced_high:
        add("talk_ratio", "Kept the conversation balanced",
            f"You did {r:.0%} of the talking, close to the {o.talk_ratio_target:.0%} seen in the strongest calls.",
            ev.get("longest_story", []))
    s = m.get("longest_story_buyer_s")
    if s is not None and s >= o.story_good_s:
        add("buyer_story", "Let the buyer tell their story",
            f"The buyer talked for {s:.0f} s without being cut short; longer buyer stories go with won deals.",
            ev.get("longest_story", []))
    return out


def _questions(items: list[dict[str, Any]], o: ScoreOptions) -> list[str]:
    out: list[str] = []

    def take(xs: tuple[str, ...], n: int) -> None:
        for x in xs[:n]:
            if x not in out:
                out.append(x)

    pick: dict[str, Callable[[], None]] = {
        "few_questions": lambda: take(QUESTIONS["few_questions"], 1),
        "no_next_step": lambda: take(QUESTIONS["no_next_step"], 1),
        "low_patience": lambda: take(QUESTIONS["low_patience"], 1),
    }
    for it in items:
        if it["finding"] in pick:
            pick[it["finding"]]()
        else:
            take(QUESTIONS[it["family"]], 2)
    if not out:
        take(QUESTIONS["general"], 2)
    return out[:o.feedback_max_questions]
