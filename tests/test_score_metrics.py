"""Scoring metrics on small hand-built transcripts (words evenly spaced: 0.3 s each unless a line says otherwise)."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.score import METRIC_NAMES, ScoreOptions, ScoreResult, score
from pipeline.score.sample import transcript_from_lines as T


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def metrics(lines, **kw):
    return score(T(lines, **kw)).metrics


def test_result_shape_and_every_metric_named():
    r = score(T([("rep", 0.0, "Hello there."), ("buyer", 1.0, "Hi.")]))
    assert isinstance(r, ScoreResult)
    assert set(METRIC_NAMES) <= set(r.metrics)
    assert isinstance(r.markers, tuple) and isinstance(r.notes, tuple)
    assert set(r.feedback) == {"strengths", "work_on", "coaching_questions"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.metrics = {}  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ScoreOptions().long_pause_s = 1.0  # type: ignore[misc]


def test_talk_time_and_ratio():
    # rep: 10 words = 3.0 s; buyer: 5 words = 1.5 s
    m = metrics([("rep", 0.0, words(10)), ("buyer", 4.0, words(5))], duration_s=10.0)
    assert m["rep_talk_s"] == pytest.approx(3.0)
    assert m["buyer_talk_s"] == pytest.approx(1.5)
    assert m["talk_ratio_rep"] == pytest.approx(3.0 / 4.5, abs=1e-3)
    assert m["duration_s"] == 10.0


def test_talk_time_bridges_short_gaps_only():
    # two rep lines of 2 words (0.6 s each); a 0.3 s gap is talk time, a 0.8 s gap is not
    short = metrics([("rep", 0.0, "a b"), ("rep", 0.9, "c d"), ("buyer", 5.0, "ok then")])
    long = metrics([("rep", 0.0, "a b"), ("rep", 1.4, "c d"), ("buyer", 5.0, "ok then")])
    assert short["rep_talk_s"] == pytest.approx(1.5)
    assert long["rep_talk_s"] == pytest.approx(1.2)


def test_no_rep_gives_null_rep_metrics_and_a_note():
    r = score(T([("spk1", 0.0, "Hello, who is this?"), ("spk2", 2.0, "It's me.")]))
    m = r.metrics
    for name in ("talk_ratio_rep", "rep_talk_s", "longest_monologue_rep_s", "patience_s", "questions_rep",
                 "speech_rate_rep_wpm", "fillers_per_min_rep", "interruptions_rep"):
        assert m[name] is None, name
    assert m["duration_s"] == pytest.approx(2.6)
    assert r.markers == ()
    assert any("rep" in n for n in r.notes)


def test_empty_transcript():
    r = score(T([], duration_s=5.0))
    assert r.metrics["duration_s"] == 5.0
    assert r.metrics["switches_per_min"] is None and r.metrics["next_step_set"] is None
    assert r.markers == ()


def test_longest_monologue_backchannel_does_not_break_it():
    pitch = ("rep", 0.0, words(100))  # 0 - 30 s
    m = metrics([pitch, ("buyer", 10.0, "Mm-hm."), ("buyer", 20.0, "yeah, right")])
    assert m["longest_monologue_rep_s"] == pytest.approx(30.0)
    m = metrics([pitch, ("buyer", 10.0, "We tried something like that already.")])
    # broken while the buyer talks (10.0 - 11.8): the longest run is the rep's words from 11.7 to 30.0
    assert m["longest_monologue_rep_s"] == pytest.approx(18.3)


def test_long_backchannel_like_reply_breaks_monologue():
    # four words is over the 3-word backchannel limit
    m = metrics([("rep", 0.0, words(100)), ("buyer", 10.0, "yeah yeah right okay")])
    assert m["longest_monologue_rep_s"] < 25


def test_longest_story_buyer():
    m = metrics([("rep", 0.0, "Tell me how you do it today?"), ("buyer", 3.0, words(60)),  # 3 - 21 s
                 ("rep", 8.0, "Right."), ("rep", 22.0, "Thanks, that helps.")])
    assert m["longest_story_buyer_s"] == pytest.approx(18.0)
    m = metrics([("rep", 0.0, "Tell me how you do it today?"), ("buyer", 3.0, words(60)),
                 ("rep", 8.0, "Sorry, which tool was that again?"), ("rep", 22.0, "Thanks.")])
    assert m["longest_story_buyer_s"] < 15


def test_switches_per_min_ignores_backchannels_but_not_answers():
    lines = [("rep", 0.0, "We help teams plan."), ("buyer", 5.0, "Okay, tell me more about it."),
             ("rep", 20.0, "It saves time."), ("buyer", 40.0, "Sounds useful to us.")]
    assert metrics(lines, duration_s=60.0)["switches_per_min"] == pytest.approx(3.0)
    with_bc = lines + [("rep", 45.0, "mm-hm")]
    assert metrics(with_bc, duration_s=60.0)["switches_per_min"] == pytest.approx(3.0)
    # "Yeah." right after a question is an answer: a real switch, and it breaks the monologue
    qa = [("rep", 0.0, "Do you use spreadsheets today?"), ("buyer", 2.0, "Yeah."), ("rep", 3.0, "Great, so ...")]
    m = metrics(qa, duration_s=60.0)
    assert m["switches_per_min"] == pytest.approx(2.0)
    assert m["longest_monologue_rep_s"] < 2.0


def test_patience_is_mean_pause_after_buyer_turns():
    m = metrics([("buyer", 0.0, "We have ten people."),  # ends 1.2
                 ("rep", 2.2, "That is a good size."),  # 1.0 s pause; ends 3.7
                 ("buyer", 4.0, "And we are growing."),  # ends 5.2
                 ("rep", 7.2, "Nice to hear.")])  # 2.0 s pause
    assert m["patience_s"] == pytest.approx(1.5)


def test_patience_talking_over_counts_as_zero():
    m = metrics([("buyer", 0.0, "We have ten people in the team."),  # ends 2.1
                 ("rep", 1.5, "Right, and how many of them sell?")])  # starts before the buyer finished
    assert m["patience_s"] == 0.0


def test_response_latency_only_after_questions_and_objections():
    m = metrics([("buyer", 0.0, "We have ten people."),  # statement, ends 1.2
                 ("rep", 5.2, "Good to know."),  # 4.0 s: not a question, not counted
                 ("buyer", 10.0, "What does it cost?"),  # ends 11.2
                 ("rep", 13.7, "It is ten dollars a seat.")])  # 2.5 s
    assert m["response_latency_max_s"] == pytest.approx(2.5)
    m = metrics([("buyer", 0.0, "We are not interested."), ("rep", 4.2, "Okay, understood.")])
    assert m["response_latency_max_s"] == pytest.approx(3.0)
    m = metrics([("buyer", 0.0, "We have ten people."), ("rep", 5.2, "Good to know.")])
    assert m["response_latency_max_s"] is None


def test_response_latency_waits_past_leading_fillers():
    m = metrics([("buyer", 0.0, "What does it cost?"),  # ends 1.2
                 ("rep", 1.7, "Um, uh, it costs ten dollars.")])  # "it" starts at 1.7 + 0.6
    assert m["patience_s"] == pytest.approx(0.5)
    assert m["response_latency_max_s"] == pytest.approx(1.1)


def test_questions_rep_open_and_buyer():
    m = metrics([("rep", 0.0, "What is your process today?"),  # open
                 ("buyer", 3.0, "We use email."),
                 ("rep", 5.0, "Do you use Salesforce?"),  # closed
                 ("buyer", 8.0, "No."),
                 ("rep", 9.0, "Tell me about your team."),  # open prompt, no "?"
                 ("buyer", 12.0, "Ten people. Can we talk price?"),  # buyer question
                 ("rep", 16.0, "How are you today?"),  # small talk: a question, not open
                 ("rep", 19.0, "Which is why we built it. We help teams."),  # statements
                 ("rep", 24.0, "Could you walk me through your setup"),  # open, no "?"
                 ("rep", 27.0, "And is that working for you")])  # aux + subject, no "?"
    assert m["questions_rep"] == 6
    assert m["open_questions_rep"] == 3
    assert m["questions_buyer"] == 1


def test_speech_rate():
    assert metrics([("rep", 0.0, words(20)), ("buyer", 8.0, "fine")])["speech_rate_rep_wpm"] == pytest.approx(200.0)
    assert metrics([("rep", 0.0, words(20)), ("buyer", 10.0, "fine")], word_s=0.4)["speech_rate_rep_wpm"] == \
        pytest.approx(150.0)


def test_fillers_and_hedges_per_minute():
    # 20 rep words = 6 s = 0.1 min; two fillers, one hedge
    text = "Um so we can help your team with planning and uh reporting and maybe even forecasting next quarter"
    assert len(text.split()) == 18
    m = metrics([("rep", 0.0, text + " too ok"), ("buyer", 8.0, "fine")])
    assert m["fillers_per_min_rep"] == pytest.approx(20.0)
    assert m["hedges_per_min_rep"] == pytest.approx(10.0)


def test_interruptions_both_sides():
    buyer_long = ("buyer", 0.0, words(20))  # 0 - 6 s
    m = metrics([buyer_long, ("rep", 3.0, "Sure, but our tool does that better.")])
    assert (m["interruptions_rep"], m["interruptions_buyer"]) == (1, 0)
    # starting as the buyer finishes their last word is no interruption
    m = metrics([buyer_long, ("rep", 5.9, "Sure, our tool does that.")])
    assert m["interruptions_rep"] == 0
    # a backchannel is no interruption
    m = metrics([buyer_long, ("rep", 3.0, "mm-hm")])
    assert m["interruptions_rep"] == 0
    m = metrics([("rep", 0.0, words(20)), ("buyer", 2.0, "Sorry, can I ask a question here?")])
    assert (m["interruptions_rep"], m["interruptions_buyer"]) == (0, 1)


def test_interruption_threshold_is_configurable():
    lines = [("buyer", 0.0, words(20)), ("rep", 5.5, "Sure, our tool does that.")]  # 0.5 s before the end
    assert score(T(lines)).metrics["interruptions_rep"] == 1
    assert score(T(lines), ScoreOptions(interruption_min_overlap_s=1.0)).metrics["interruptions_rep"] == 0


def _call_ending(last_rep_line: str, at: float = 280.0):
    return [("rep", 0.0, "Hi, this is Sam from Acme."), ("buyer", 3.0, "Hi Sam, go ahead."),
            ("rep", at, last_rep_line), ("buyer", at + 5, "Sounds good, bye.")]


@pytest.mark.parametrize("line,expected", [
    ("Great, let's talk again on Thursday at 10.", True),
    ("I will send the proposal over by Friday.", True),
    ("Can we meet next Tuesday to go through it?", True),
    ("Maybe I could call you back next week.", False),  # a week is no day or time
    ("Thanks, talk soon.", False),
    ("I sent you the deck yesterday.", False),
    ("I can't meet on Thursday.", False),
])
def test_next_step_set(line, expected):
    assert metrics(_call_ending(line), duration_s=290.0)["next_step_set"] is expected


def test_next_step_must_be_near_the_end():
    lines = [("rep", 0.0, "Hi."), ("buyer", 2.0, "Hi."), ("rep", 10.0, "Let's talk again on Thursday at 10."),
             ("buyer", 250.0, "Okay, bye then.")]
    assert metrics(lines, duration_s=300.0)["next_step_set"] is False
    # the window is the last 25 % or the last 60 s, whichever is longer
    opts = ScoreOptions(next_step_tail_fraction=0.99)
    assert score(T(lines, duration_s=300.0), opts).metrics["next_step_set"] is True


def test_missing_spacy_model_falls_back_with_a_note():
    opts = ScoreOptions(spacy_model="no_such_spacy_model_xyz")
    r = score(T([("rep", 0.0, "Um, what is your process today?"), ("buyer", 3.0, "We use email.")]), opts)
    assert any("no_such_spacy_model_xyz" in n and "blank" in n for n in r.notes)
    assert r.metrics["questions_rep"] == 1 and r.metrics["open_questions_rep"] == 1
    assert [m["text"] for m in r.markers if m["kind"] == "filler"] == ["Um"]


def test_silent_rep_has_zero_talk_not_null():
    r = score(T([("buyer", 0.0, "Hello? Anyone there?")], roles={"rep": "rep", "buyer": "buyer"}))
    assert r.metrics["rep_talk_s"] == 0.0 and r.metrics["talk_ratio_rep"] == 0.0
    assert r.metrics["speech_rate_rep_wpm"] is None


def test_utterances_missing_words_are_regrouped_from_the_words():
    tr = T([("rep", 0.0, "What do you use today?"), ("buyer", 2.0, "Spreadsheets mostly.")])
    bare = dataclasses.replace(tr, utterances=())
    assert score(bare).metrics == score(tr).metrics
