"""Words to speakers, words to utterances, and the rep guess: pure logic on hand-built inputs."""

from __future__ import annotations

from pipeline.attribute import attribute_words, utterances
from pipeline.roles import guess_roles, roles_from_channel, roles_from_override
from pipeline.transcribe import drop_outside, drop_repeats
from pipeline.types import AttributedWord, Diarization, Segment, SpeakerTurn, Transcript, Utterance, Word


def _t(*segs: Segment) -> Transcript:
    return Transcript(tuple(segs), "en", "test", "test")


def _seg(words: list[tuple[float, float, str]], channel=None) -> Segment:
    ws = tuple(Word(s, e, " " + t) for s, e, t in words)
    return Segment(ws[0].start, ws[-1].end, " ".join(t for _, _, t in words), ws, channel)


def test_each_word_goes_to_the_turn_it_overlaps_most():
    d = Diarization((SpeakerTurn(0, 2.0, "A"), SpeakerTurn(1.8, 4.0, "B")), "t")
    words = attribute_words(_t(_seg([(0.1, 0.5, "hi"), (1.7, 2.3, "there"), (2.5, 3.0, "hello")])), d)
    assert [(w.text, w.speaker) for w in words] == [("hi", "A"), ("there", "B"), ("hello", "B")]


def test_word_in_a_pause_goes_to_the_nearest_turn():
    d = Diarization((SpeakerTurn(0, 1.0, "A"), SpeakerTurn(5.0, 6.0, "B")), "t")
    words = attribute_words(_t(_seg([(4.2, 4.6, "so")])), d)
    assert words[0].speaker == "B"


def test_channel_segments_belong_to_their_channel_even_in_overlap():
    d = Diarization((SpeakerTurn(0, 3.0, "CH0"), SpeakerTurn(1.0, 3.0, "CH1")), "t", channel_of={"CH0": 0, "CH1": 1})
    t = _t(_seg([(1.2, 1.6, "wait")], channel=0), _seg([(1.1, 1.5, "but")], channel=1))
    words = attribute_words(t, d)
    assert {(w.text, w.speaker) for w in words} == {("wait", "CH0"), ("but", "CH1")}


def test_utterances_split_on_speaker_change_and_long_pause():
    w = [AttributedWord(0.0, 0.3, "Hi", "A"), AttributedWord(0.4, 0.7, "there.", "A"),
         AttributedWord(1.0, 1.3, "Hello.", "B"), AttributedWord(1.5, 1.8, "So", "A"),
         AttributedWord(4.0, 4.3, "anyway", "A")]
    u = utterances(tuple(w))
    assert [(x.speaker, x.text) for x in u] == [("A", "Hi there."), ("B", "Hello."), ("A", "So"), ("A", "anyway")]


def test_drop_outside_removes_words_over_silence():
    t = _t(_seg([(0.0, 0.4, "real"), (10.0, 10.4, "thanks")]), _seg([(20.0, 20.5, "ghost")]))
    kept = drop_outside(t, [(0.0, 1.0)])
    assert [w.text.strip() for w in kept.words] == ["real"]
    assert len(kept.segments) == 1


def test_drop_repeats_collapses_a_loop():
    segs = [_seg([(i, i + 0.5, "thank you.")]) for i in range(6)] + [_seg([(7, 7.5, "bye")])]
    out = drop_repeats(_t(*segs), max_repeats=2)
    assert [s.text for s in out.segments] == ["thank you.", "thank you.", "bye"]


def _u(spk: str, start: float, text: str) -> Utterance:
    return Utterance(start, start + 1, spk, text)


def test_self_introduction_and_questions_make_the_rep():
    utts = (_u("S0", 0, "Hello?"),
            _u("S1", 2, "Hi, this is Dana from Brightline Software. Do you have a minute?"),
            _u("S0", 5, "Sure, what is it about?"),
            _u("S1", 7, "How do you handle scheduling today? What does that cost you?"),
            _u("S0", 9, "We already have a tool for that."),
            _u("S1", 11, "Could we set up a short demo? Does Tuesday at ten work?"))
    r = guess_roles(utts, ("S0", "S1"))
    assert r.roles == {"S1": "rep", "S0": "buyer"} and r.method == "transcript"
    assert r.confidence > 0.9
    assert any("introduced themselves" in e and "Dana from" in e for e in r.evidence)


def test_rep_found_when_buyer_speaks_first_and_asks_about_price():
    utts = (_u("A", 0, "How much does it cost?"), _u("B", 2, "Our platform starts at ten dollars a seat."),
            _u("A", 4, "That is too expensive for us."), _u("B", 6, "I'll send you a comparison. How about Friday?"))
    assert guess_roles(utts, ("A", "B")).roles["B"] == "rep"


def test_no_cues_means_unknown_not_a_guess():
    utts = (_u("A", 0, "The weather is nice."), _u("B", 2, "It is."))
    r = guess_roles(utts, ("A", "B"))
    assert set(r.roles.values()) == {"unknown"} and r.confidence == 0.5


def test_single_speaker_and_silence():
    assert guess_roles((_u("A", 0, "Hello."),), ("A",)).method == "single_speaker"
    assert guess_roles((), ()).method == "none"


def test_channel_and_override_roles():
    r = roles_from_channel(("CH0", "CH1"), {"CH0": 0, "CH1": 1}, 1)
    assert r.roles == {"CH0": "buyer", "CH1": "rep"} and r.confidence == 1.0
    assert roles_from_override(("S0", "S1"), "S0").roles == {"S0": "rep", "S1": "buyer"}


def test_three_party_call_has_one_rep_and_two_buyers():
    utts = (_u("A", 0, "Hi, this is Sam from Northwind. Who else is joining?"), _u("B", 2, "Our CFO is here."),
            _u("C", 4, "Hello. We are not interested in a long contract."))
    r = guess_roles(utts, ("A", "B", "C"))
    assert r.roles == {"A": "rep", "B": "buyer", "C": "buyer"}


def test_saying_where_you_are_from_is_no_sales_introduction():
    utts = (_u("A", 0, "I'm originally from New Jersey."), _u("B", 2, "Oh, I grew up in Texas."))
    r = guess_roles(utts, ("A", "B"))
    assert set(r.roles.values()) == {"unknown"}
    utts = (_u("A", 0, "Hello?"), _u("B", 2, "Hi, I'm Dana from Brightline."))
    assert guess_roles(utts, ("A", "B")).roles["B"] == "rep"


def test_inbound_call_the_answerer_is_the_rep_although_the_caller_introduces_a_company():
    utts = (_u("A", 0.5, "Thanks for calling Blue Sky Routing. This is Mike."),
            _u("B", 3.0, "Hi Mike, this is Sarah Collins from Riverside Logistics. I have a few questions."),
            _u("A", 8.0, "Of course, go ahead."),
            _u("B", 10.0, "Can your system plan routes for drivers with different shifts?"),
            _u("A", 14.0, "Yes, each driver gets a shift window."),
            _u("B", 18.0, "And can you change routes while the trucks are out? Could we book a demo on Friday?"))
    r = guess_roles(utts, ("A", "B"))
    assert r.roles == {"A": "rep", "B": "buyer"} and r.confidence > 0.9
    assert any("answered the call for the company" in e for e in r.evidence)


def test_service_call_agent_found_by_the_help_offer_and_verification():
    utts = (_u("A", 1.0, "hello this is harper valley national bank my name is jennifer how can i help you today"),
            _u("B", 6.0, "hi my name is elizabeth davis i need to check my account balance"),
            _u("A", 11.0, "could i have your account number please"),
            _u("B", 14.0, "it's four one one two"),
            _u("A", 20.0, "is there anything else i can help you with today"))
    assert guess_roles(utts, ("A", "B")).roles == {"A": "rep", "B": "buyer"}
    # the same words said late in an outbound call by the buyer do not make them the company side
    late = (_u("A", 1.0, "Hi, this is Dana from Acme. Do you have a minute?"), _u("B", 5.0, "Sure."),
            _u("A", 8.0, "What do you use for payroll today?"), _u("B", 45.0, "How can I help you, then?"))
    assert guess_roles(late, ("A", "B")).roles["A"] == "rep"


def test_word_edges_are_pulled_inside_the_turn_they_fall_in():
    d = Diarization((SpeakerTurn(1.0, 3.0, "A"), SpeakerTurn(3.5, 5.0, "B")), "t")
    words = attribute_words(_t(_seg([(0.6, 1.4, "thank"), (2.8, 3.3, "you"), (3.4, 3.9, "yes")])), d)
    assert [(w.text, w.speaker, round(w.start, 2), round(w.end, 2)) for w in words] == [
        ("thank", "A", 1.0, 1.4), ("you", "A", 2.8, 3.0), ("yes", "B", 3.5, 3.9)]


def test_an_utterance_never_runs_across_the_other_partys_turn():
    # the buyer's "yes" was not transcribed, but the diarization heard it in the rep's pause
    turns = (SpeakerTurn(0.0, 2.0, "A"), SpeakerTurn(2.2, 2.6, "B"), SpeakerTurn(2.8, 4.0, "A"))
    w = (AttributedWord(0.2, 1.9, "so", "A"), AttributedWord(2.9, 3.5, "anyway", "A"))
    assert [u.text for u in utterances(w, turns=turns)] == ["so", "anyway"]
    assert [u.text for u in utterances(w)] == ["so anyway"]  # without the turns: one utterance
    short = (SpeakerTurn(0.0, 2.0, "A"), SpeakerTurn(2.2, 2.3, "B"), SpeakerTurn(2.8, 4.0, "A"))
    assert len(utterances(w, turns=short)) == 1  # a 0.1 s blip is no turn


def _channels(*turns):
    return Diarization(tuple(SpeakerTurn(*t) for t in turns), "t", channel_of={"CH0": 0, "CH1": 1})


def test_a_word_heard_on_both_channels_is_kept_for_the_party_who_said_it():
    from pipeline.attribute import drop_bleed

    d = _channels((0.0, 2.0, "CH0"), (2.5, 4.0, "CH1"))
    words = (AttributedWord(1.0, 1.4, "Hello.", "CH0"), AttributedWord(1.1, 1.5, "hello", "CH1"),
             AttributedWord(3.0, 3.3, "yes", "CH1"), AttributedWord(3.0, 3.4, "Yes,", "CH0"),
             AttributedWord(3.5, 3.8, "right", "CH0"))  # bleed with no copy: CH1 speaks, CH0 is 25 dB down
    levels = {"CH0": lambda s, e: 0.0 if s < 2.0 else -25.0, "CH1": lambda s, e: 0.0 if s > 2.4 else -25.0}
    kept = drop_bleed(words, d, lambda spk, s, e: levels[spk](s, e))
    assert [(w.text, w.speaker) for w in kept] == [("Hello.", "CH0"), ("yes", "CH1")]
    # a genuine overlap (both parties loud, different words) keeps everything
    both = _channels((0.0, 2.0, "CH0"), (0.5, 2.0, "CH1"))
    ws = (AttributedWord(1.0, 1.4, "wait", "CH0"), AttributedWord(1.1, 1.5, "but", "CH1"))
    assert drop_bleed(ws, both, lambda spk, s, e: 0.0) == ws


def test_talk_time_leaves_out_pauses_the_turns_run_across():
    d = Diarization((SpeakerTurn(0.0, 4.0, "A"),), "t",
                    speech=(SpeakerTurn(0.0, 1.0, "A"), SpeakerTurn(1.3, 2.0, "A"), SpeakerTurn(2.9, 4.0, "A")))
    assert abs(d.talk_s("A") - (2.0 + 1.1)) < 1e-9  # the 0.3 s pause is talk, the 0.9 s pause is not
    assert Diarization(d.turns, "t").talk_s("A") == 4.0
