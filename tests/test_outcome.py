"""The outcome of a recording (issue 14): tones found in the signal, and the decision from tones and words.

Unit tier: synthetic tones and voices, stand-in words. The real pipeline on the labelled outcome set is in
``test_outcome_integration.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.analysis import SCHEMA_VERSION
from pipeline.outcome import classify, find_tones
from pipeline.types import SAMPLE_RATE, AttributedWord

RNG = np.random.default_rng(7)


def _tone(freqs, seconds, level=0.1):
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return sum(level * np.sin(2 * np.pi * f * t) for f in freqs).astype(np.float32)


def _gap(seconds):
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def _noisy(x):
    return (x + RNG.normal(0, 0.002, len(x))).astype(np.float32)


def _voice(seconds, f0=140.0):
    """A vowel-like voice: many harmonics under a pitch that moves, as speech does (no tone at all)."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    pitch = f0 * (1 + 0.08 * np.sin(2 * np.pi * 3 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE
    return sum((0.2 / k) * np.sin(k * phase) for k in range(1, 25)).astype(np.float32)


@pytest.mark.parametrize("freqs,pattern", [((440, 480), [(2.0, 4.0)]), ((400, 450), [(0.4, 0.2), (0.4, 2.0)]),
                                           ((425,), [(1.0, 4.0)])])
def test_ring_back_tones_of_each_region_are_found_where_they_ring(freqs, pattern):
    parts, starts, t = [], [], 0.5
    parts.append(_gap(0.5))
    for _ in range(2):
        for on, off in pattern:
            starts.append(t)
            parts += [_tone(freqs, on), _gap(off)]
            t += on + off
    tones = find_tones(_noisy(np.concatenate(parts)))
    assert [x.kind for x in tones] == ["ring"] * len(starts)
    assert all(abs(x.start - s) <= 0.05 for x, s in zip(tones, starts))
    assert all(min(freqs) - 10 <= x.hz <= max(freqs) + 10 for x in tones)


def test_a_beep_is_found_and_a_voice_or_noise_is_no_tone():
    x = _noisy(np.concatenate([_voice(3.0), _gap(0.5), _tone((1000,), 0.5, 0.2), _gap(0.5), _voice(2.0, 210.0)]))
    [beep] = find_tones(x)
    assert beep.kind == "beep" and abs(beep.start - 3.5) <= 0.05 and abs(beep.hz - 1000) < 5
    assert find_tones(_noisy(np.concatenate([_voice(4.0), _voice(3.0, 110.0)]))) == ()
    assert find_tones(RNG.normal(0, 0.05, SAMPLE_RATE * 20).astype(np.float32)) == ()
    too_long = _noisy(np.concatenate([_gap(0.5), _tone((1000,), 4.0), _gap(0.5)]))  # a held tone is no beep
    assert find_tones(too_long) == ()


def _words(spec):
    """[(speaker, start, text)] -> words 0.3 s apart."""
    out = []
    for speaker, start, text in spec:
        for i, w in enumerate(text.split()):
            out.append(AttributedWord(start + 0.3 * i, start + 0.3 * i + 0.25, " " + w, speaker))
    return tuple(sorted(out, key=lambda w: w.start))


def _silence(seconds):
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


ROLES = {"A": "rep", "B": "buyer"}
MESSAGE = "hi Dana this is Sam from Northwind calling about your renewal please call me back on five five five one two"


def test_ringing_or_silence_with_no_words_is_no_answer():
    rings = np.concatenate([_gap(0.5), _tone((440, 480), 2.0), _gap(4.0), _tone((440, 480), 2.0), _gap(2.0)])
    o = classify(_noisy(rings), (), ROLES)
    assert o.kind == "no_answer" and [t.kind for t in o.tones] == ["ring", "ring"] and "ring" in o.evidence[0]
    assert classify(_silence(10), (), ROLES).kind == "no_answer"


def test_a_greeting_and_a_beep_then_one_voice_is_a_voicemail_whichever_speaker_the_roles_named():
    audio = np.concatenate([_silence(6.0), _tone((1000,), 0.5, 0.2), _silence(12.0)])
    words = _words([("A", 1.0, "you have reached Dana please leave a message after the tone"),
                    ("B", 7.0, MESSAGE)])  # the greeting's voice taken for the rep, the message for the buyer
    o = classify(audio, words, ROLES)
    assert o.kind == "voicemail" and o.confidence >= 0.9 and o.details["rep_speaker"] == "B"
    assert abs(o.message_start - 7.0) < 1e-6 and any("greeting" in e for e in o.evidence)


def test_a_person_who_picks_up_after_a_greeting_like_phrase_is_a_conversation():
    words = _words([("B", 0.5, "hello this is Dana she is not available right now"), ("A", 4.0, "oh okay no problem"),
                    ("B", 6.0, "can I help you with something else"), ("A", 9.0, "yes I wanted to ask about the renewal"),
                    ("B", 13.0, "sure what would you like to know about it")])
    o = classify(_silence(18), words, ROLES)
    assert o.kind == "conversation"


def _spoken(spec):
    """[(speaker, start, text)] -> words 0.3 s apart, the text's punctuation kept (as Whisper writes it)."""
    return tuple(AttributedWord(start + 0.3 * i, start + 0.3 * i + 0.25, " " + w, speaker)
                 for speaker, start, text in spec for i, w in enumerate(text.split()))


def test_a_message_split_between_two_labels_mid_sentence_is_still_a_voicemail():
    greeting = ("A", 0.5, "The person you are calling is not available. At the tone, please record your message.")
    split = _spoken([greeting, ("B", 6.0, "Hello Priya, it's Sam with Northwind. I wanted to share a quick"),
                     ("A", 9.9, "idea on cutting"), ("B", 10.8, "your freight costs. My number is five five"),
                     ("A", 13.8, "five, four four three two. Have a good day.")])
    o = classify(_silence(17), split, ROLES)
    assert o.kind == "voicemail", o.evidence
    # the message starts after the greeting's last phrase ("record your message"), not after an earlier one
    assert abs(o.message_start - 6.0) < 1e-6, o.message_start
    answered = _spoken([greeting, ("B", 6.0, "Hello Priya, it's Sam with Northwind. Is now a good time?"),
                        ("A", 9.6, "Oh, hi Sam, I'm here. Sorry, the machine picked up."),
                        ("B", 13.2, "No problem at all. I wanted to ask about your freight costs."),
                        ("A", 17.3, "Sure, go ahead, I have a few minutes.")])
    assert classify(_silence(21), answered, ROLES).kind == "conversation"


def test_a_menu_first_is_ivr_and_a_plain_dialogue_is_a_conversation():
    menu = _words([("B", 0.5, "thank you for calling for sales press one for support press two"),
                   ("B", 8.0, "this is Jo how can I help"), ("A", 10.0, "hi Jo it is Sam from Northwind")])
    assert classify(_silence(14), menu, ROLES).kind == "ivr"
    talk = _words([("B", 0.5, "hello"), ("A", 1.0, "hi this is Sam from Northwind do you have a minute"),
                   ("B", 4.0, "sure what is it about then"), ("A", 6.0, "your fleet cards and what they cost you"),
                   ("B", 9.0, "send me an email and I will read it")])
    o = classify(_silence(13), talk, ROLES)
    assert o.kind == "conversation" and o.answered_at == pytest.approx(0.5)


def test_one_voice_with_no_greeting_is_a_low_confidence_voicemail_and_never_no_answer():
    o = classify(_silence(10), _words([("A", 0.5, MESSAGE)]), ROLES)
    assert o.kind == "voicemail" and o.confidence < 0.7
    few = classify(_silence(10), _words([("A", 0.5, "hello"), ("B", 1.0, "hi there")]), ROLES)
    assert few.kind != "no_answer"  # three words or more: somebody spoke


def test_the_outcome_reaches_the_schema_the_csv_and_the_page(tmp_path, fake_engines):
    from pipeline.analysis import validate
    from pipeline.audio import write_wav
    from pipeline.batch import run_batch

    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    write_wav(inbox / "call.wav", np.concatenate([_voice(2.0), _gap(0.6), _voice(2.0, 220.0), _gap(0.6)] * 3))
    [r] = run_batch(inbox, out, fake_engines.options, engines=fake_engines, settle_s=0.0)
    assert r.status == "done", r.error
    import json

    doc = json.loads((out / r.call_id / "analysis.json").read_text())
    validate(doc)
    assert doc["schema_version"] == SCHEMA_VERSION and doc["outcome"]["kind"] in ("conversation", "voicemail", "unclear")
    header, row = (out / "calls.csv").read_text().splitlines()[:2]
    assert "outcome" in header.split(",") and doc["outcome"]["kind"] in row.split(",")
    page = (out / r.call_id / "report.html").read_text()
    assert "class=\"outcome\"" in page


def test_a_voicemail_gets_its_own_short_feedback():
    from pipeline.outcome.voicemail import message_figures, voicemail_feedback

    good = _words([("B", 0.5, "you have reached Dana please leave a message"),
                   ("A", 5.0, "hi Dana this is Sam from Northwind I'm calling about your renewal in March "
                              "please call me back on five five five two one two one thanks")])
    fig = message_figures(good, "A", 5.0, [])
    assert fig["reason"] and fig["call_back"] and fig["number"] and fig["opener_hesitancy"] == 0
    assert 8.0 <= fig["length_s"] <= 30.0 and fig["words"] == 27
    fb = voicemail_feedback(fig)
    assert {s["finding"] for s in fb["strengths"]} == {"voicemail_length", "voicemail_reason", "voicemail_call_back"}
    assert fb["work_on"] == []
    vague = _words([("A", 1.0, "um hi it's Sam uh just checking in " + "and so on " * 40)])
    markers = [{"kind": "filler", "start": 1.0, "end": 1.25, "text": "um", "speaker": "A"},
               {"kind": "filler", "start": 2.5, "end": 2.75, "text": "uh", "speaker": "A"},
               {"kind": "filler", "start": 40.0, "end": 40.25, "text": "uh", "speaker": "A"}]
    fig = message_figures(vague, "A", 1.0, markers)
    assert fig["opener_hesitancy"] == 2 and not fig["reason"] and not fig["number"] and fig["length_s"] > 30
    work = [w["finding"] for w in voicemail_feedback(fig)["work_on"]]
    assert work[:2] == ["voicemail_no_reason", "voicemail_no_ask"] and set(work) >= {"voicemail_long", "voicemail_opener"}
