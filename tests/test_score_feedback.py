"""Coaching feedback: strengths, the top three things to work on, coaching questions chosen by finding."""

from __future__ import annotations

from pipeline.score import ScoreOptions, build_feedback, score
from pipeline.score.sample import transcript_from_lines as T


FILL = "we help teams plan work and track every project in one place".split()


def w(n: int) -> str:
    """``n`` ordinary words (no word repeats within 12, so no restarts)."""
    return " ".join(FILL[i % len(FILL)] for i in range(n))


PUSHY = [
    ("rep", 0.0, "Hi, this is Sam from Acme. " + w(230)),  # about 70 s of pitch
    ("buyer", 72.0, "Honestly, we already have a supplier for that."),
    ("rep", 75.0, "Our tool is better, you need to decide today, trust me."),
    ("buyer", 80.0, "No thanks."),
    ("rep", 81.5, "Let's sign you up today, the offer is only until Friday."),
]

HESITANT = [
    ("rep", 0.0, "Hi, um, sorry to bother you, is now a bad time? I just, uh, wanted to maybe, kind of, "
                 "tell you about, um, our tool, if that's okay."),
    ("buyer", 10.0, "Sure. What does it cost?"),  # ends 11.5
    ("rep", 16.0, "Um, I, I think it's, uh, maybe around ten dollars, I guess, I'm not sure."),
    ("buyer", 24.0, "Okay. I'll think about it."),
    ("rep", 27.0, "Sure, uh, I could maybe send something, I guess, if you don't mind."),
    ("buyer", 60.0, "Fine, bye."),
]

GOOD = [
    ("rep", 0.0, "Hi, this is Sam from Acme. Thanks for taking the call. I saw your team grew a lot this year, "
                 "so I wanted to understand how you plan work today. What made you look at planning tools "
                 "this quarter?"),  # ends 12.0
    ("buyer", 13.2, "Well, " + w(100)),  # a 30 s story, ends 43.5
    ("rep", 44.7, "That helps a lot, thank you. We see the same with other teams your size, where planning "
                  "lives in spreadsheets and nobody trusts the numbers. How do you handle reporting today?"),
    ("buyer", 55.2, "Honestly we already have a supplier for reporting."),  # ends 57.6
    ("rep", 58.8, "That makes sense, and it is good that reporting is covered. What do you like about them?"),
    ("buyer", 65.1, "They are cheap and simple."),
    ("rep", 67.8, "Got it. Tell me what a better month would look like for your team."),
    ("buyer", 73.2, "Fewer late projects and less chasing."),
    ("rep", 76.2, "Great, let's talk again on Thursday at 10 and I will send the summary tomorrow."),
    ("buyer", 81.9, "Sounds good, talk then."),
]


def feedback(lines, opts: ScoreOptions | None = None):
    r = score(T(lines), opts or ScoreOptions())
    return r, r.feedback


def findings(items) -> list[str]:
    return [x["finding"] for x in items]


def test_pushy_call_ranks_the_override_first():
    r, fb = feedback(PUSHY)
    work = fb["work_on"]
    assert len(work) == 3
    assert work[0]["finding"] == "objection_override"
    assert set(findings(work)) <= {"objection_override", "repeated_close", "pressure", "monologue", "talk_ratio"}
    sev = [x["severity"] for x in work]
    assert sev == sorted(sev, reverse=True)
    for item in work:
        assert {"title", "why", "moments", "suggestion"} <= set(item)
        assert item["title"] and item["why"] and item["suggestion"]
        assert 1 <= len(item["moments"]) <= 3
    # moments point at the markers that triggered the item
    marker_moments = {(m["start"], m["end"], m["text"]) for m in r.markers}
    for item in work:
        for mo in item["moments"]:
            assert set(mo) == {"start", "end", "text"}
            assert (mo["start"], mo["end"], mo["text"]) in marker_moments
    qs = " ".join(fb["coaching_questions"])
    assert "as if you were the buyer" in qs
    assert "confident" not in qs


def test_hesitant_call_gets_confidence_questions():
    r, fb = feedback(HESITANT)
    assert "apology_permission" in findings(fb["work_on"])
    assert "pushiness" not in {x["family"] for x in fb["work_on"]}
    qs = fb["coaching_questions"]
    assert any("confident" in q for q in qs)
    assert any("worst that could happen if you make this call" in q and "if you don't" in q for q in qs)
    assert not any("as if you were the buyer" in q for q in qs)
    kinds = {m["kind"] for m in r.markers}
    assert {"filler", "hedge", "apology", "permission_seeking", "long_pause", "restart"} <= kinds


def test_good_call_strengths_with_moments():
    r, fb = feedback(GOOD)
    found = findings(fb["strengths"])
    for f in ("open_questions", "acknowledged_objection", "next_step", "patience", "talk_ratio", "buyer_story"):
        assert f in found, f
    by = {s["finding"]: s for s in fb["strengths"]}
    assert by["next_step"]["moments"][0]["text"].startswith("Great, let's talk again on Thursday")
    assert by["acknowledged_objection"]["moments"][0]["text"] == "That makes sense"
    assert "already have a supplier" in by["acknowledged_objection"]["why"]
    assert [m["text"] for m in by["open_questions"]["moments"]][:2] == [
        "What made you look at planning tools this quarter?", "How do you handle reporting today?"]
    for s in fb["strengths"]:
        assert s["title"] and s["why"]
    assert not [x for x in fb["work_on"] if x["family"] == "pushiness"]
    assert fb["coaching_questions"]


def test_few_questions_and_no_next_step():
    lines = [("rep", 0.0, "Hi, this is Sam from Acme. We help teams plan. " + w(30)),
             ("buyer", 15.0, "Okay."), ("rep", 17.0, "It saves time for everyone. " + w(30)),
             ("buyer", 40.0, "Right, " + w(40)), ("rep", 58.0, "Thanks, bye."), ("buyer", 70.0, "Bye.")]
    _, fb = feedback(lines)
    found = findings(fb["work_on"])
    assert "few_questions" in found and "no_next_step" in found
    qs = fb["coaching_questions"]
    assert any("want to learn from this buyer" in q for q in qs)
    assert any("next step" in q for q in qs)


def test_short_calls_get_no_call_level_items():
    _, fb = feedback([("rep", 0.0, "Hi, is Alex there?"), ("buyer", 2.0, "Wrong number."), ("rep", 4.0, "Sorry, bye.")])
    assert not {"few_questions", "no_next_step", "talk_ratio"} & set(findings(fb["work_on"]))


def test_build_feedback_from_metrics_and_markers_alone():
    metrics = {"duration_s": 300.0, "rep_talk_s": 120.0, "talk_ratio_rep": 0.45, "questions_rep": 8,
               "open_questions_rep": 3, "next_step_set": True, "patience_s": 1.2}

    def mk(kind, family, start, text):
        return {"kind": kind, "family": family, "start": start, "end": start + 1, "speaker": "r", "text": text,
                "detail": ""}

    markers = [mk("pressure", "pushiness", 10.0, "trust me"), mk("pressure", "pushiness", 20.0, "act now"),
               mk("pressure", "pushiness", 30.0, "last chance"), mk("apology", "hesitancy", 1.0, "sorry to bother you"),
               mk("permission_seeking", "hesitancy", 2.0, "is now a bad time"),
               mk("objection_override", "pushiness", 50.0, "Anyway, our tool"),
               mk("interruption", "pushiness", 60.0, "But"), mk("restart", "hesitancy", 70.0, "I, I")]
    fb = build_feedback(metrics, markers)
    # severities: override 3.0, pressure 2.8 (three), apology + permission 2.0, interruption 1.5;
    # a single restart is not an item
    assert findings(fb["work_on"]) == ["objection_override", "pressure", "apology_permission"]
    assert [m["text"] for m in fb["work_on"][1]["moments"]] == ["trust me", "act now", "last chance"]
    assert {s["finding"] for s in fb["strengths"]} == {"open_questions", "next_step", "patience", "talk_ratio"}
    assert all(s["moments"] == [] for s in fb["strengths"])  # no evidence passed
    one = build_feedback(metrics, markers, ScoreOptions(feedback_max_items=1, feedback_max_moments=1))
    assert findings(one["work_on"]) == ["objection_override"]
    two = build_feedback(metrics, markers[:3], ScoreOptions(feedback_max_moments=2))
    assert len(two["work_on"][0]["moments"]) == 2


def test_thresholds_drive_feedback():
    metrics = {"duration_s": 600.0, "rep_talk_s": 400.0, "talk_ratio_rep": 0.7, "questions_rep": 12,
               "open_questions_rep": 1, "next_step_set": True, "patience_s": 0.2, "speech_rate_rep_wpm": 215.0}
    found = findings(build_feedback(metrics, [])["work_on"])
    assert found == ["talk_ratio", "speech_rate", "low_patience"]
    relaxed = ScoreOptions(talk_ratio_high=0.75, patience_low_s=0.1, speech_rate_high_wpm=220.0)
    assert build_feedback(metrics, [], relaxed)["work_on"] == []


def test_no_rep_no_feedback():
    r = score(T([("a", 0.0, "Hello?"), ("b", 1.0, "Hi, who is this?")]))
    assert r.feedback == {"strengths": [], "work_on": [], "coaching_questions": []}


def test_nothing_to_work_on_still_asks_a_reflective_question():
    fb = build_feedback({"duration_s": 30.0, "rep_talk_s": 10.0}, [])
    assert fb["work_on"] == [] and len(fb["coaching_questions"]) >= 1
