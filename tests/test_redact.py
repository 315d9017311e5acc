"""Redaction (pipeline/redact): spoken numbers, the recognisers on Presidio with the shipped spaCy model, the
placeholders in every text, the silence in the audio copy, the level an OUT folder keeps."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.redact import load_redactor, out_level, record_level, redact_body
from pipeline.redact.apply import redact_words, scrub
from pipeline.redact.detect import Span
from pipeline.redact.spoken import _words_value, digit_runs, luhn, tokens

from .conftest import FakeChannelDiarizer, FakeDiarizer, FakeTranscriber, tone


@pytest.mark.parametrize("said, digits, amount", [
    ("four one one one", "4111", False), ("forty one eleven", "4111", False), ("double five two", "552", False),
    ("nineteen eighty five", "1985", False), ("four hundred and fifty", "450", True),
    ("twelve thousand five hundred", "12500", True), ("two thousand three", "2003", True),
    ("oh three fifteen eighty five", "031585", False)])
def test_number_words_read_as_people_say_them(said, digits, amount):
    assert _words_value(said.split()) == (digits, amount)


def test_a_number_read_in_groups_across_fillers_and_the_other_partys_okay_is_one_run():
    text = "It's four one one one, uh, one one one one\nOkay.\none one one one, one one one one. Thanks."
    runs = digit_runs(tokens(text))
    assert [r.digits for r in runs] == ["4111111111111111"]
    assert text[runs[0].start:runs[0].end].endswith("one one one one, one one one one")
    assert luhn(runs[0].digits) and not luhn("4111111111111112")
    prices = digit_runs(tokens("That's $450 a month, or twelve thousand five hundred dollars, at three thirty pm"))
    assert [(r.amount, r.time) for r in prices] == [(True, False), (True, False), (False, True)]


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _words(*turns):
    """Word dicts for (speaker, text) turns, 0.3 s a word, 1 s between turns."""
    out, t = [], 0.0
    for speaker, text in turns:
        for w in text.split():
            out.append({"start": round(t, 3), "end": round(t + 0.25, 3), "text": w, "speaker": speaker,
                        "probability": 0.9})
            t += 0.3
        t += 1.0
    return out


CALL = _words(
    ("A", "Hi, this is Sam from Northwind. Could I take the card number for the deposit?"),
    ("B", "Sure, my name is Maria Lopez. It's four one one one, one one one one,"),
    ("A", "Okay."),
    ("B", "uh, one one one one, one one one one. My email is j dot smith at gmail dot com and I live at 422 Oak "
          "Street, apartment 5, Springfield, Illinois 62704. I was born March third, 1985. Call me at "
          "415-555-0132. My social is 123-45-6789."),
    ("A", "Great, thanks Maria. That's $450 a month, or twelve thousand five hundred for the year, and the "
          "install is at three thirty on Tuesday, January 14th. Routing 021000021 and account 12345678."))


def _found(spans, words):
    return {(s.kind, " ".join(words[i]["text"] for i in s.words)) for s in spans}


def test_presidio_and_the_spoken_form_recognisers_find_each_kind_and_leave_prices_and_times(redactor):
    got = _found(redactor.detect(CALL, {"A": "rep", "B": "buyer"}, "pii"), CALL)
    assert got == {
        ("CARD_NUMBER", "four one one one, one one one one, one one one one, one one one one."),
        ("EMAIL_ADDRESS", "j dot smith at gmail dot com"),
        ("STREET_ADDRESS", "422 Oak Street, apartment 5, Springfield, Illinois 62704."),
        ("DATE_OF_BIRTH", "March third, 1985."),
        ("PHONE_NUMBER", "415-555-0132."),
        ("SSN", "123-45-6789."),
        ("ROUTING_NUMBER", "021000021"),
        ("ACCOUNT_NUMBER", "12345678."),
    }  # no price, time, weekday or meeting date; the filler and the rep's "Okay." between the groups stay
    strict = _found(redactor.detect(CALL, {"A": "rep", "B": "buyer"}, "strict"), CALL)
    assert {("PERSON", "Maria Lopez."), ("PERSON", "Maria.")} <= strict
    assert not any(k == "PERSON" and "Sam" in t for k, t in strict)  # the rep's own name stays for coaching
    assert redactor.detect(CALL, {"A": "rep", "B": "buyer"}, "none") == ()


def _kinds(redactor, level, *turns, roles=None):
    words = _words(*turns)
    spans = redactor.detect(words, roles or {"A": "rep", "B": "buyer"}, level)
    return {(s.kind, " ".join(words[i]["text"] for i in s.words)) for s in spans}


def test_presidios_own_recognisers_are_on_and_find_what_is_written_without_a_request(redactor):
    from pipeline.redact.detect import PRESIDIO_RECOGNIZERS

    on = {type(r).__name__ for r in redactor.analyzer.registry.recognizers}
    assert set(PRESIDIO_RECOGNIZERS) <= on
    # no question before them and no cue word: Presidio's e-mail pattern and Luhn-checked card find them
    assert _kinds(redactor, "pii", ("B", "Oh and it's maryjones@outlook.com if you need it.")) == {
        ("EMAIL_ADDRESS", "maryjones@outlook.com")}
    assert ("CARD_NUMBER", "4111-1111-1111-1111.") in _kinds(redactor, "pii", ("B", "Use 4111-1111-1111-1111."))
    # a nine-digit number with a valid ABA checksum, asked for in words no cue names
    assert _kinds(redactor, "pii", ("A", "And the other one on the check?"), ("B", "Okay. It's 021000021.")) == {
        ("ROUTING_NUMBER", "021000021.")}


def test_requests_in_other_words_than_the_cues_were_written_from(redactor):
    asked = [(("A", "And the three digit code on the back?"), ("B", "It's 4 1 7."), "4 1 7."),
             (("A", "Where are we delivering?"), ("B", "It's 42 Birch Lane, Salem, Oregon."),
              "42 Birch Lane, Salem, Oregon."),
             (("A", "And the bank's ABA number?"), ("B", "Sure, it's 0 2 1 0 0 0 0 2 1."), "0 2 1 0 0 0 0 2 1."),
             (("A", "Is there a cell number I can text?"), ("B", "Yeah, 312-555-0199."), "312-555-0199."),
             (("A", "Can I get an email for the confirmation?"), ("B", "It's dana.reyes at gmail dot com."),
              "dana.reyes at gmail dot com.")]
    for q, a, value in asked:
        assert {said for _, said in _kinds(redactor, "pii", q, a)} == {value}, q


def test_a_request_is_answered_by_the_other_partys_next_turn_however_whisper_heard_the_value(redactor):
    # an e-mail spelled over a phone line, misheard: the question is the evidence
    assert _kinds(redactor, "pii", ("A", "Thanks. What's your e-mail?"),
                  ("B", "Emily Nash Kata, Fairwell. I cannot do not know your K.")) == {
        ("EMAIL_ADDRESS", "Emily Nash Kata, Fairwell. I cannot do not know your K.")}
    # the cue itself misheard ("your date of birth?"): taken only with something date-like in the answer
    assert _kinds(redactor, "pii", ("A", "And your data is worth"), ("B", "For it, 23, I will be.")) == {
        ("DATE_OF_BIRTH", "For it, 23, I will be.")}
    assert _kinds(redactor, "pii", ("A", "Is it worth a look at your next renewal?"),
                  ("B", "If it saved us real money. Our premium went up almost thirty percent.")) == set()
    # e-mail and address said as verbs or meant otherwise ask for nothing; a bare "yes" answers nothing
    assert _kinds(redactor, "pii", ("A", "No problem. Can you email me?"), ("B", "Sure."),
                  ("A", "Same address as before?"), ("B", "Yes."), ("A", "Please send the email."),
                  ("B", "Right, sorry. I suppose that's fair."), ("A", "What's the address?"),
                  ("B", "It's on our website.")) == set()
    # a number's answer is the rest of the turn, but not the talk after it
    assert _kinds(redactor, "pii", ("A", "Hi, it's Dana. You can reach me at five five five, two one eight, four "
                                         "four nine zero. Again, that's Dana from Acme Scheduling.")) == {
        ("PHONE_NUMBER", "five five five, two one eight, four four nine zero.")}


def test_a_number_whisper_partly_heard_as_other_words_is_one_number_and_amounts_stay(redactor):
    assert _kinds(redactor, "pii", ("A", "I need your bank details for the direct debit."),
                  ("B", "Rahul, wheel 4406, wheel 4309.")) == {("ACCOUNT_NUMBER", "4406, wheel 4309.")}
    assert _kinds(redactor, "pii", ("A", "We all are refunded on 200, 100, 100, and that's it.")) == set()
    assert _kinds(redactor, "pii", ("A", "And what is the bill amount?"), ("B", "The amount of the bill is $132."),
                  ("A", "All right, $132 has been paid to Smart Electric.")) == set()


def test_a_purchases_number_stays_a_persons_goes_and_spelled_emails_keep_their_whole_name(redactor):
    # an order or quote number names a purchase; a seven-digit number with nothing naming it is a phone number
    assert _kinds(redactor, "pii", ("A", "Do you have the quote number handy?"), ("B", "Yes, it's 6 7 9 6 4 2 1."),
                  ("A", "Great, so that's order 747 3558 for twelve chairs.")) == set()
    assert _kinds(redactor, "pii", ("B", "It's 4155501 if anything comes up.")) == {("PHONE_NUMBER", "4155501")}
    # a long number followed by a misheard word is no amount ("6175550130 Grand" is not six billion dollars)
    assert _kinds(redactor, "pii", ("A", "And the number the driver can call on the day."),
                  ("B", "6175550130 Grand,")) == {("PHONE_NUMBER", "6175550130 Grand,")}
    # "dot com" heard as "not come", and a name joined by "underscore" with misheard words in it
    assert _kinds(redactor, "pii", ("A", "And an email for the receipt?"), ("B", "Layla not F at Yahoo not come.")) \
        == {("EMAIL_ADDRESS", "Layla not F at Yahoo not come.")}
    assert _kinds(redactor, "pii", ("B", "Mail it to me. Call him underscore phrase or 80 to at outlook .com.")) == {
        ("EMAIL_ADDRESS", "him underscore phrase or 80 to at outlook .com.")}
    # a zip code misheard by a digit still ends the address after its state
    assert _kinds(redactor, "pii", ("B", "It's 1792 Juniper Street, Madison, Wisconsin 5373. Thanks.")) == {
        ("STREET_ADDRESS", "1792 Juniper Street, Madison, Wisconsin 5373.")}


def test_a_request_whisper_broke_with_dots_is_still_one_sentence(redactor):
    assert _kinds(redactor, "pii", ("A", "And this time I need the full socials out for... just the last"),
                  ("B", "Right, it's time 5.7.24."), ("A", "Yeah."), ("B", "Time 6.28.")) == {
        ("SSN", "time 5.7.24. Time 6.28.")}  # one number over two turns, the other party's "Yeah." kept


def test_sales_calls_keep_their_prices_times_and_talk(redactor):
    """The marker sets' 32 sales calls (reference transcripts) were not written to hold personal data: at pii only
    the few real items they hold go (an account number read back, e-mail addresses), not a price or a time."""
    from pipeline.evaluate.redaction import sales_calls

    from .conftest import ROOT

    got = sales_calls(ROOT / "eval_calls", ROOT / "test_calls", redactor=redactor)
    assert got["calls"] >= 30 and got["words"] > 5000
    assert got["pii"]["words"] / got["words"] < 0.01, got["pii"]["spans"]
    assert {s["kind"] for s in got["pii"]["spans"]} <= {"ACCOUNT_NUMBER", "EMAIL_ADDRESS", "PHONE_NUMBER"}
    amounts = ("dollar", "percent", "a.m.", "p.m.", "seats", "minutes", "monday", "tuesday", "thursday", "friday")
    assert not [s for s in got["pii"]["spans"] if any(a in s["said"].lower() for a in amounts)]


def test_what_a_misheard_cue_word_sounds_like():
    from pipeline.redact.requests import sounds_like as like

    assert like("count", "account") and like("worth", "birth") and like("cards", "card")
    assert not like("bill", "mobile") and not like("fun", "phone") and not like("hard", "card")


def test_the_buyers_names_however_they_are_said_and_never_the_reps(redactor):
    # lower-case and misheard as Whisper wrote it: the answer to "who am I speaking with?", and each later mention
    got = _kinds(redactor, "strict",
                 ("A", "Hi there, Ravi calling from Brightwave. Who am I speaking with?"),
                 ("B", "Sure, it's quame man."),
                 ("A", "Thanks. The quame account is ready, and the man at the desk has it."),
                 ("B", "Great, thanks Ravi."))
    assert got == {("PERSON", "quame man."), ("PERSON", "quame")}  # "man" alone is too short to follow about
    assert not any("Ravi" in t or "Brightwave" in t for _, t in got)  # the rep's own name and company stay
    got = _kinds(redactor, "strict", ("A", "Hello, this is Sam from Northwind. Is this Priya?"),
                 ("B", "Yes. My name in Priya Nair."), ("A", "Lovely. Thanks, Priya."), ("B", "Thanks, Sam."))
    assert got == {("PERSON", "Priya?"), ("PERSON", "Priya Nair."), ("PERSON", "Priya.")}


def test_placeholders_replace_the_words_and_any_quote_of_them():
    words = _words(("B", "my card is 4111 1111 uh 1111 1111 thanks"))
    spans = (Span("CARD_NUMBER", (3, 4, 6, 7), 0.9, 2.2, "B", 0.95, "t"),)
    out = redact_words(words, spans)
    assert [w["text"] for w in out] == ["my", "card", "is", "[CARD_NUMBER]", "uh", "[CARD_NUMBER]", "thanks"]
    assert out[3]["redacted"] == "CARD_NUMBER" and (out[3]["start"], out[3]["end"]) == (0.9, 1.45)
    pieces = [("CARD_NUMBER", ["4111", "1111"]), ("CARD_NUMBER", ["1111", "1111"])]
    assert scrub('"Card is 4111 1111, uh 1111' , pieces) == '"Card is [CARD_NUMBER], uh [CARD_NUMBER]'
    # one common word alone is not taken for a piece of a longer one
    assert scrub("one more thing", [("CARD_NUMBER", ["four", "one", "one"])]) == "one more thing"


def test_the_level_an_out_folder_keeps(tmp_path):
    from pipeline.errors import ConfigError

    new = tmp_path / "new"
    assert out_level(new, None) == ("pii", None) and not new.exists()  # nothing written before the batch
    record_level(new.parent, "strict")
    assert out_level(new.parent, None) == ("strict", None)
    assert out_level(new.parent, "none") == ("none", None)
    old = tmp_path / "old"
    (old / "call-1").mkdir(parents=True)
    (old / "call-1" / "analysis.json").write_text("{}")
    level, note = out_level(old, None)
    assert level == "none" and "--redact pii" in note
    (old / "redaction.json").write_text("{not json")
    with pytest.raises(ConfigError, match="redaction.json"):
        out_level(old, None)
    with pytest.raises(ValueError, match="expected one of"):
        out_level(old, "everything")


SCRIPT = ("hi this is Dana from Acme what is the card number please . sure it is four one one one , one one one "
          "one , one one one one , one one one one and my email is j dot smith at gmail dot com thanks "
          "that is four hundred dollars a month").split()


def _engines(level):
    from pipeline.engines import Engines, RunOptions
    from pipeline.transcribe import TranscribeOptions

    return Engines(RunOptions(transcribe=TranscribeOptions(model="fake"), redact=level),
                   transcriber=FakeTranscriber(SCRIPT), diarizer=FakeDiarizer(),
                   channel_diarizer=FakeChannelDiarizer())


def test_nothing_of_a_redacted_value_reaches_out_and_its_audio_is_silent_there(tmp_path):
    """The batch with stand-in ASR and diarizer, the real redactor: every file in OUT (analysis, pages,
    transcripts, CSV, catalog) is searched for the values; the audio copy is decoded and measured."""
    from pipeline.analysis import validate
    from pipeline.audio import decode, write_wav
    from pipeline.batch import run_batch

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    gap = np.zeros(int(0.6 * 16000), np.float32)
    # the first stretch says the script's first 9 words, the second the rest, once
    write_wav(inbox / "call.wav", np.concatenate([tone(4.5), gap, tone((len(SCRIPT) - 9) * 0.5 + 0.3, 330.0)]))
    docs = {}
    for level in ("none", "pii"):
        out = tmp_path / level
        [r] = run_batch(inbox, out, _engines(level).options, engines=_engines(level))
        assert r.status == "done", r.error
        docs[level] = json.loads((out / r.call_id / "analysis.json").read_text())
    doc, plain = docs["pii"], docs["none"]
    validate(doc)
    assert doc["schema_version"] == "1.5" and "redaction" not in plain
    assert doc["redaction"]["kinds"] == {"CARD_NUMBER": 1, "EMAIL_ADDRESS": 1}
    assert doc["markers"] == plain["markers"] and doc["metrics"] == plain["metrics"]  # scored before redaction
    assert "four hundred dollars" in " ".join(s["text"] for s in doc["segments"])  # a price is no PII
    out = tmp_path / "pii"
    for f in out.rglob("*"):
        if f.is_file() and f.suffix != ".mp3":
            text = f.read_bytes().decode("utf-8", "replace").lower()
            for value in ("four one one one", "one one one one", "smith", "gmail", "j dot"):
                assert value not in text, (f, value)
    assert json.loads((out / "redaction.json").read_text())["level"] == "pii"
    audio = decode(out / doc["call"]["id"] / "audio.mp3").mono()
    for a, b in doc["redaction"]["muted"]:
        inner = audio[int((a + 0.05) * 16000):int((b - 0.05) * 16000)]
        assert float(np.sqrt(np.mean(inner ** 2))) < 1e-3, (a, b)
    kept = audio[int(5.5 * 16000):int(6.5 * 16000)]  # "what is the card number": not redacted, still heard
    assert float(np.sqrt(np.mean(kept ** 2))) > 0.1
    assert decode(inbox / "call.wav").duration_s > 25  # the recording itself is untouched


@pytest.mark.integration
def test_the_real_pipeline_keeps_labelled_values_out_of_out_and_silences_them(base_engines, tmp_path):
    """Two recordings of the tune half (a mono mu-law and a stereo call; a regression check on calls the rules
    were set on, not a claim: the frozen test half's figures are in the README), the real models and the real
    batch: the numbers' digits are replaced (measured on one transcription, as ``callreview eval`` does), none of
    the labelled values is in any file the batch wrote at ``pii``, and the audio copy is silent in every
    redacted span."""
    import dataclasses
    import shutil

    from pipeline.batch import run_batch
    from pipeline.engines import Engines
    from pipeline.evaluate.redaction import _values, leaks, muted_level, score_entities

    from .conftest import ROOT

    labels = json.loads((ROOT / "redact_calls" / "labels.json").read_text())["calls"]
    picked = ["tune/card_1_mono.wav", "tune/bank_2_stereo.flac"]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for rel in picked:
        shutil.copy(ROOT / "redact_calls" / rel, inbox / rel.split("/")[1])
    docs = {}
    for level in ("none", "pii"):
        options = dataclasses.replace(base_engines.options, redact=level)
        engines = Engines(options, transcriber=base_engines.transcriber, diarizer=base_engines.diarizer,
                          channel_diarizer=base_engines.channel_diarizer)
        results = run_batch(inbox, tmp_path / level, options, engines=engines, settle_s=0)
        assert all(r.status == "done" for r in results), [r.error for r in results]
        docs[level] = {r.source: json.loads((tmp_path / level / r.call_id / "analysis.json").read_text())
                       for r in results}
    digits = redacted = 0
    redactor = load_redactor()
    for rel in picked:
        name = rel.split("/")[1]
        plain = docs["none"][name]  # redacted here as the batch does: one transcription on both sides
        roles = {s["id"]: s["role"] for s in plain["speakers"]}
        red = redact_body({"words": plain["words"]}, redactor.detect(plain["words"], roles, "pii"), "pii",
                          redactor.name, plain["call"]["duration_s"])
        rows = score_entities(labels[rel], plain, red,
                              ("CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER"))
        digits += sum(r["digits"] for r in rows)
        redacted += sum(r["digits_redacted"] for r in rows)
        written = docs["pii"][name]
        folder = tmp_path / "pii" / written["call"]["id"]
        spans = [[w["start"], w["end"]] for w in written["words"] if "redacted" in w]
        level = muted_level(inbox / name, folder / "audio.mp3", spans)
        assert spans and level["muted_max_db"] <= level["noise_floor_db"], level
    assert digits > 20 and redacted / digits >= 0.9, (redacted, digits)
    values = [v for rel in picked for v in _values(labels[rel], ("CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER",
                                                                  "SSN", "PHONE_NUMBER", "EMAIL_ADDRESS",
                                                                  "STREET_ADDRESS", "DATE_OF_BIRTH"))]
    assert leaks(tmp_path / "pii", values) == []


def test_what_a_clear_call_says_around_a_value_is_not_the_value(redactor):
    # an amount after a number, the cue words of a read-back, talk before the digits: not redacted
    assert _kinds(redactor, "pii", ("A", "Okay, let me read that back. Routing 071000013, account 4482910337, and "
                                         "the amount is two thousand two hundred dollars even?")) == {
        ("ROUTING_NUMBER", "071000013,"), ("ACCOUNT_NUMBER", "4482910337,")}
    assert _kinds(redactor, "pii", ("A", "And the account number?"),
                  ("B", "Um, I wrote it down. It's 6 1 0 2, 2 8 4 9, 1 5.")) == {
        ("ACCOUNT_NUMBER", "6 1 0 2, 2 8 4 9, 1 5.")}
    # "credit" is no misheard "card"; quantities ("500 meg") are no identifier
    assert _kinds(redactor, "pii", ("B", "Do I get a credit?"),
                  ("A", "Yes, for outages over 4 hours, usually around $3 a day on the 500 meg plan.")) == set()
    # a question back is no answer: the value comes in the caller's next turn
    assert _kinds(redactor, "pii", ("A", "Before I go on, can you verify your date of birth?"),
                  ("B", "Um, what is this about?")) == set()
    assert {kind for kind, _ in _kinds(redactor, "pii", ("A", "Can you verify your date of birth?"),
                                       ("B", "Why do you need that?"), ("A", "To make sure I have the right person."),
                                       ("B", "Fine. It's nine thirty, seventy-nine."))} == {"DATE_OF_BIRTH"}
    # "for this call" names no phone; "I" in talk is no letter of a card number
    assert _kinds(redactor, "pii", ("A", "Your reference number for this call is 0092281.")) == set()
    (kind, said), = _kinds(redactor, "pii", ("A", "Do you have the card number, or at least the last four digits?"),
                           ("B", "Um, I don't have the card, obviously, but I think the last four are two six five "
                                 "zero."))
    assert kind == "CARD_NUMBER" and said.endswith("two six five zero.") and "have" not in said
    # a date after "my birthday's": the name before it is not the date (it is a name, at strict)
    assert ("DATE_OF_BIRTH", "the fifth of June, seventy-two.") in _kinds(
        redactor, "pii", ("A", "Can you verify the name and date of birth?"),
        ("B", "Sure, it's Walter Pruitt, and my birthday's the fifth of June, seventy-two."))


def test_addresses_as_people_give_them(redactor):
    # a unit with a letter, then the city, state and zip; a street word beyond the common ones, capitalised
    assert _kinds(redactor, "pii", ("A", "Is it still going to 1420 Alder Creek Drive, Apartment 6B, Boise, Idaho "
                                         "83704?")) == {
        ("STREET_ADDRESS", "1420 Alder Creek Drive, Apartment 6B, Boise, Idaho 83704?")}
    (kind, said), = _kinds(redactor, "pii", ("A", "Where do you live now?"), ("B", "I live at 1903 Sycamore Bend."))
    assert kind == "STREET_ADDRESS" and said == "1903 Sycamore Bend."
    # the city and zip asked for on their own, the zip read as words
    assert _kinds(redactor, "pii", ("A", "And city and zip?"), ("B", "Fort Collins, eight oh five two five.")) == {
        ("STREET_ADDRESS", "Fort Collins, eight oh five two five.")}
    # from the house number: not the talk before it; a second address said after the first is found too
    assert _kinds(redactor, "pii", ("B", "Do you have my address?"),
                  ("A", "I have 2811 Kessler Avenue, Dayton, Ohio 45410.")) == {
        ("STREET_ADDRESS", "2811 Kessler Avenue, Dayton, Ohio 45410.")}
    assert _kinds(redactor, "pii", ("A", "Where did we send it?"),
                  ("B", "That's my old address, I moved in the spring. I live at 56 Elm Road now, in Salem, "
                        "97301.")) >= {("STREET_ADDRESS", "56 Elm Road now, in Salem, 97301.")}


def test_the_buyers_name_spelled_or_with_a_title_and_not_the_reps_products(redactor):
    names = {said for kind, said in _kinds(
        redactor, "strict", ("A", "Hi, is this Mr. Alvarez?"), ("B", "Yes. It's Hannah Lindqvist. That's "
                                                                   "L-I-N-D-Q-V-I-S-T."),
        ("A", "Okay, Natalie. The 2025 Civic Sport at Summit Ridge Honda is $34,870. Your code is K7QX2M."),
        ("B", "Okay.")) if kind == "PERSON"}
    assert {"Alvarez?", "Hannah Lindqvist.", "L-I-N-D-Q-V-I-S-T.", "Natalie."} <= names
    assert not names & {"Civic Sport", "Ridge Honda", "K7QX2M."}
    # "who am I speaking with?" + the answer: the buyer's name, not the rep's own; "it'd be under X"
    names = {said for kind, said in _kinds(
        redactor, "strict", ("A", "Brightwave Wireless, my name's Kevin. And who am I speaking with?"),
        ("B", "Deshawn Marshall, I'm the account holder. It'd be under Okonkwo, my wife's name.")) if kind == "PERSON"}
    assert {"Deshawn Marshall,", "Okonkwo,"} <= names and "Kevin." not in names


def test_written_transcripts_are_scored_by_their_labelled_text(redactor, tmp_path):
    from pipeline.evaluate.written import score_sets, score_written, written_markdown

    call = {"id": "c", "turns": [{"speaker": "rep", "text": "What's the best number to reach you?"},
                                 {"speaker": "buyer", "text": "It's 415-555-0132, and uh, my order is 88213."}],
            "entities": [{"kind": "PHONE_NUMBER", "turn": 1, "text": "415-555-0132"}],
            "negatives": [{"turn": 1, "text": "88213"}]}
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"version": 1, "calls": [call]}), encoding="utf-8")
    got = score_written(path, redactor)
    assert got["kinds"]["PHONE_NUMBER"]["recall_digits"] == 1.0 and got["negatives_taken"] == 0
    (tmp_path / "other.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert set(score_sets(tmp_path, None, redactor)) == {"w", "other"} and set(score_sets(tmp_path, "w", redactor)) == {"w"}
    assert "| PHONE_NUMBER | 1 | 1.00 |" in written_markdown("w", got)
    call["turns"][1]["text"] = "It's four one five."
    path.write_text(json.dumps({"version": 1, "calls": [call]}), encoding="utf-8")
    with pytest.raises(ValueError):
        score_written(path, redactor)


def test_recorded_calls_as_their_scripts_said_them(redactor):
    """A recorded call's script words in the written format: a value split over turns is one entity per turn, and
    the other half's calls are left out."""
    from pipeline.evaluate.written import as_spoken, score_calls

    turn = lambda who, a, b, text: {"speaker": who, "start": a, "end": b, "text": text}  # noqa: E731
    call = {"half": "tune", "turns": [
        turn("rep", 0.5, 2.0, "And the account number?"),
        turn("buyer", 2.5, 6.0, "Okay, the account is six zero six seven, seven eight two three"),
        turn("rep", 6.5, 7.0, "Okay, go on."), turn("buyer", 7.5, 9.0, "six seven five eight."),
        turn("rep", 9.5, 11.0, "That's three hundred dollars.")],
        "entities": [{"kind": "ACCOUNT_NUMBER", "speaker": "buyer", "start": 3.5, "end": 9.0,
                      "spoken": "six zero six seven, seven eight two three, six seven five eight",
                      "pieces": [[3.5, 6.0], [7.5, 9.0]]}],
        "negatives": [{"kind": "price", "speaker": "rep", "start": 9.9, "end": 10.8, "spoken": "three hundred dollars"}]}
    labels = {"tune/a.wav": call, "test/b.wav": {**call, "half": "test"}}
    (got,) = as_spoken(labels, "tune")
    assert got["id"] == "tune/a.wav" and [(e["turn"], e["text"]) for e in got["entities"]] == [
        (1, "six zero six seven, seven eight two three"), (3, "six seven five eight")]
    assert got["negatives"] == [{"text": "three hundred dollars", "turn": 4}]
    scored = score_calls([got], redactor)
    assert scored["kinds"]["ACCOUNT_NUMBER"]["recall_digits"] == 1.0 and scored["negatives_taken"] == 0
    call["turns"][3]["text"] = "six seven."  # the script's words must be in the turn
    with pytest.raises(ValueError):
        as_spoken(labels, "tune")


def test_firms_named_for_a_trade_and_a_lead_in_before_a_birth_date(redactor):
    names = {said for kind, said in _kinds(
        redactor, "strict", ("A", "And who's the business?"),
        ("B", "Fraser and Moir Joinery. I'm Callum."), ("A", "And the invoice contact?"),
        ("B", "Send it to Delia at Okafor Architects.")) if kind == "PERSON"}
    assert not any(w in " ".join(names) for w in ("Fraser", "Moir", "Okafor"))
    spans = _kinds(redactor, "pii", ("A", "And your date of birth?"), ("B", "That'd be April eighth, nineteen sixty six."))
    assert spans == {("DATE_OF_BIRTH", "April eighth, nineteen sixty six.")}


def test_the_answer_to_a_question_for_a_reference_is_no_personal_number(redactor):
    assert _kinds(redactor, "pii", ("A", "What's the citation number?"), ("B", "It's, um, 4 4 0 0 1 8 7 3 2.")) == set()
    assert _kinds(redactor, "pii", ("A", "Do you have the order number handy?"),
                  ("B", "Uh, yeah, one sec. It's H F 2 0 4 4 7 1 9.")) == set()
    # a question that names a reference only in passing ("in case")
    assert {k for k, _ in _kinds(redactor, "pii", ("A", "And a direct number in case the link gives you trouble?"),
                                 ("B", "Sure, 757-555-0114."))} == {"PHONE_NUMBER"}


def test_a_year_and_a_mailbox_are_no_answer_to_a_cue(redactor):
    # "account" said by the rep; the caller's year is no account number
    assert _kinds(redactor, "pii", ("A", "The payment bounced, the bank says that account is closed."),
                  ("B", "Ah, I switched banks in twenty twenty four. Let me tell you about it.")) == set()
    # "send the paperwork to" an e-mail: the rep's next turn is no address
    got = _kinds(redactor, "pii", ("B", "And send the paperwork to gareth at hughesprint dot com."),
                 ("A", "Will do. Your setup reference is one nine, five five, nine nine."))
    assert {k for k, _ in got} == {"EMAIL_ADDRESS"}
    # an e-mail the asker gives in the same turn: the other party's next words are no answer ...
    got = _kinds(redactor, "pii", ("B", "And the email, can you update that too? It's elena.m93@gmail.com now."),
                 ("A", "Updated. I've opened a change request, reference number N C 6 6 2 0 1."))
    assert got == {("EMAIL_ADDRESS", "elena.m93@gmail.com")}
    # ... unless it was given to be confirmed, and the other party corrects it
    got = _kinds(redactor, "pii", ("A", "I'll send it to the email on file, t nguyen 0 4 at yahoo dot com?"),
                 ("B", "Uh, it's t dot nguyen zero four. There's a dot after the t."))
    assert any(k == "EMAIL_ADDRESS" and "t dot nguyen zero four" in said for k, said in got)


def test_the_last_four_counts_digits_and_is_none_of_them(redactor):
    got = _kinds(redactor, "pii", ("A", "Can I get your date of birth and the last four of your social?"),
                 ("B", "Sure, May 27th, 1993, and the last four is 5 0 6 1."))
    assert ("SSN", "5 0 6 1.") in got and any(k == "DATE_OF_BIRTH" and "1993," in said for k, said in got)
    assert _kinds(redactor, "pii", ("A", "And the last four of the card?"), ("B", "Last four are 2 6 5 0.")) == {
        ("CARD_NUMBER", "2 6 5 0.")}


def test_a_reference_said_again_stays_and_the_answer_to_a_name_takes_its_spelling(redactor):
    # an order's number read back bare is the same reference, not a phone number; a ticket with letters before it
    assert _kinds(redactor, "pii", ("B", "the order's 1 1 2 dash 4 4 0 7 7 1 9, in case we get cut off"),
                  ("A", "Let me pull it up, 112-4407719... I see it. Your ticket is T K 9 9 0 1 4 5.")) == set()
    # "why do you need that? it's just electricity": a question back and talk, no social security number
    assert _kinds(redactor, "pii", ("A", "I'll need your social security number"),
                  ("B", "why do you need that? it's just electricity")) == set()
    names = {said for kind, said in _kinds(
        redactor, "strict", ("A", "Hi, this is Priya from Keystone, am I speaking with Helen Shy Billsky"),
        ("B", "yes"), ("A", "Okay, I'll set you up. First and last name"),
        ("B", "Yusuf, Y-U-S-U-F, last name Demir, D-E-M-I-R"), ("A", "And you're Caitlin Brooks"),
        ("B", "yes, Kaitlyn with a K")) if kind == "PERSON"}
    assert {"Helen Shy Billsky", "Kaitlyn"} <= names and "Priya" not in " ".join(names)
    assert any("Y-U-S-U-F" in n for n in names) and any("D-E-M-I-R" in n for n in names)
    assert not any("last name" in n for n in names)  # the words between two spelled names are no name


def test_sums_ranges_and_model_numbers_are_no_personal_data(redactor):
    assert _kinds(redactor, "pii", ("A", "Your checking balance shows $2,418.06 if you want to confirm. We can settle "
                                         "for 60%, which is $1,124.70.")) == set()
    assert _kinds(redactor, "pii", ("A", "Okay, can you read me the model number, it's on the door"),
                  ("B", "yeah it says Q L 3 0 0 dash S S")) == set()
    assert _kinds(redactor, "pii", ("A", "I have Tuesday the 11th between 8 and 10 or 1 to 3"),
                  ("B", "eight to ten works")) == set()
    # a request answered by nothing but "okay" has no answer (not the asker's next words)
    assert _kinds(redactor, "pii", ("A", "Send it to us and put your member ID in the subject"), ("B", "okay"),
                  ("A", "Your cancellation reference is C X 6 6 2 1.")) == set()
    # a misheard phone number with "or" between its digits stays one number
    (_, said), = _kinds(redactor, "pii", ("B", "and my fairly 2 or 6 or 555 or 0117"))
    assert said == "2 or 6 or 555 or 0117"


def test_a_value_given_after_the_askers_go_ahead_and_no_title_before_a_company(redactor):
    assert _kinds(redactor, "pii", ("A", "What's your social security number?"), ("B", "Sure, one moment."),
                  ("A", "Take your time."), ("B", "Okay, 5 2 1 6 6 0 4 7 3.")) == {("SSN", "5 2 1 6 6 0 4 7 3.")}
    names = {said for kind, said in _kinds(
        redactor, "strict", ("A", "Hello, Mr. Harper Valley National Day. My name is Elizabeth."),
        ("B", "Hi, my name is Patricia Brown."), ("A", "Thanks, Mr. Brown. Harper Valley can help.")) if kind == "PERSON"}
    assert names == {"Patricia Brown.", "Brown."}


def test_weak_name_evidence_is_not_spread_and_a_bare_dollar_sign_may_be_digits(redactor):
    # "Okay, Checking." is the rep echoing an answer: whatever it is, the word is not redacted wherever it recurs
    taken = {said for kind, said in _kinds(redactor, "strict", ("A", "Which account?"), ("B", "Checking."),
                                           ("A", "Okay, Checking."), ("B", "Is checking the one with the fee?"),
                                           ("A", "Checking has no fee.")) if kind == "PERSON"}
    assert not {"checking", "Checking"} & {s.strip(".,?") for s in taken if s != "Checking."}
    assert "Checking has" not in " ".join(taken) and "Is checking" not in " ".join(taken)
    # a number's answer ends at a sum in dollars
    assert _kinds(redactor, "pii", ("A", "And a phone number?"), ("B", "It's 720-555-0131, and the bill was $418.")
                  ) == {("PHONE_NUMBER", "720-555-0131,")}


def test_a_payees_or_advisors_name_is_no_buyers_and_a_card_code_before_an_amount_is_taken(redactor):
    # "what is the name of the company you'd like to pay?": the answer is a payee, said again and again
    names = {said for kind, said in _kinds(
        redactor, "strict", ("A", "Harper Valley National Bank, my name is John. How can I help you?"),
        ("B", "Hi, my name is Linda Garcia. I'd like to pay a bill."),
        ("A", "Sure. What is the name of the company you would like to pay?"), ("B", "Pacific Electric."),
        ("A", "And how much would you like to pay Pacific Electric?"), ("B", "Two hundred dollars."),
        ("A", "Okay, I have paid Pacific Electric two hundred dollars.")) if kind == "PERSON"}
    assert names == {"Linda Garcia."}
    # "your company name": the answer is not spread to the rep's later mentions (as "your name"'s would be)
    asked = {s for k, s in _kinds(redactor, "strict", ("A", "And what's your name?"), ("B", "Harbor Tiles."),
                                  ("A", "Great, Harbor Tiles is set up.")) if k == "PERSON"}
    assert asked == {"Harbor Tiles.", "Harbor Tiles"}  # (the rep's later mention: one span, not word by word)
    assert not {"Harbor", "Tiles", "Harbor Tiles"} & {s for k, s in _kinds(
        redactor, "strict", ("A", "And what's your company name?"), ("B", "Harbor Tiles."),
        ("A", "Great, Harbor Tiles is set up.")) if k == "PERSON"}
    # the answer to "first and last name" still is the buyer's
    assert ("PERSON", "Yusuf Demir.") in _kinds(redactor, "strict", ("A", "And the first and last name?"),
                                                ("B", "Yusuf Demir."), ("A", "Thanks."))
    # a security code answered, then the rep's "$42 is paid": the amount is no group of the code
    assert _kinds(redactor, "pii", ("A", "And the three digit code on the back"), ("B", "three one eight"),
                  ("A", "Okay, $42 is paid.")) == {("CARD_NUMBER", "three one eight")}
    # "Expiration" alone, asked after the card number
    assert ("CARD_NUMBER", "11 28") in _kinds(redactor, "pii", ("A", "That's an Amex. Expiration"), ("B", "11 28"),
                                              ("A", "Great, thanks."))


def test_holding_turns_doctors_businesses_and_references_named_earlier(redactor):
    # a holding turn that says more than "one moment", then the asker's "no rush": the value is the next turn's
    assert _kinds(redactor, "pii", ("A", "and then your social"),
                  ("B", "hang on i gotta find my card it's in the other room"), ("A", "no rush"),
                  ("B", "okay it's 6 1 2 40 7 7 7 1"), ("A", "got it")) == {("SSN", "6 1 2 40 7 7 7 1")}
    # "the name on the card", answered and spelled letter by letter; a doctor and a business are no buyer
    names = {s for k, s in _kinds(redactor, "strict", ("A", "and what name's on the card"), ("B", "kwame asante"),
                                  ("A", "can you spell the last name"), ("B", "a s a n t e")) if k == "PERSON"}
    assert names == {"kwame asante", "a s a n t e"}
    assert not {s for k, s in _kinds(redactor, "strict", ("A", "How can I help?"),
                                     ("B", "I'm seeing Dr. Patel on Monday, and Johnson Plumbing sent me a bill."),
                                     ("A", "Okay, Dr. Patel's office it is.")) if k == "PERSON"}
    # a reference named earlier in its sentence is no phone number; "which account" and "account ending" ask for one
    assert not _kinds(redactor, "pii", ("A", "The reference for today's call is 4 4 1 9 0 2 3. Have a good one."))
    assert ("ACCOUNT_NUMBER", "3 3 0 6.") in _kinds(redactor, "pii", ("A", "Which account are you transferring from?"),
                                                     ("B", "The savings, it ends in 3 3 0 6."), ("A", "Thanks."))


def test_a_name_spelled_with_words_for_letters_and_no_code_taken_for_a_name(redactor):
    names = {s for k, s in _kinds(redactor, "strict", ("A", "Of course, what's the last name on the reservation"),
                                  ("B", "it's Gauthier. G as in golf, A, U, T as in tango, H, I, E, R"),
                                  ("A", "Thank you.")) if k == "PERSON"}
    assert " ".join(sorted(names)).count("tango") == 1 and any("Gauthier" in n for n in names)
    assert {s for k, s in _kinds(redactor, "strict", ("A", "Can you spell the last name?"),
                                 ("B", "N as in Nancy, W, O, S, U."), ("A", "Thanks.")) if k == "PERSON"} \
        == {"N as in Nancy, W, O, S, U."}
    assert not {s for k, s in _kinds(redactor, "strict", ("A", "Can I get your policy number?"),
                                     ("B", "It's K M A 4 4 0 2 9 1 7."), ("A", "Thanks.")) if k == "PERSON"}


def test_a_value_in_a_question_a_request_without_a_question_mark_and_talk_after_a_number(redactor):
    # the rep confirms a value in a question: it is the value (not the buyer's "Yep, that's the one.")
    assert _kinds(redactor, "pii", ("A", "It was charged to the card ending in 8 8 1 4?"),
                  ("B", "Yep, that's the one.")) == {("CARD_NUMBER", "8 8 1 4?")}
    # "And the address for the visit" is a request: the next turn's first word is not the rep's own value
    assert _kinds(redactor, "pii", ("A", "And the address for the visit"),
                  ("B", "1202 Southwest 14th Terrace, Fort Lauderdale, 33312"), ("A", "Perfect.")) \
        == {("STREET_ADDRESS", "1202 Southwest 14th Terrace, Fort Lauderdale, 33312")}
    # talk after the number ("that's my cell, the house phone is...") is no part of it
    assert _kinds(redactor, "pii", ("A", "and best phone number Gary"),
                  ("B", "203-555-01 92 that's my cell, the house phone is... actually just use the cell"),
                  ("A", "Got it.")) == {("PHONE_NUMBER", "203-555-01 92")}


def test_household_names_restatements_and_names_beside_a_mention(redactor):
    def names(*turns):
        return {s.rstrip(".,?!") for k, s in _kinds(redactor, "strict", *turns) if k == "PERSON"}

    # the caller's household ("my wife, Leah Park", "our daughter Adaeze") and a name said again in full
    got = names(("A", "Oakline Furniture, this is Priya. What name is the order under?"),
                ("B", "It should be under my wife's name, Leah Park."), ("A", "Thanks. And who am I speaking with?"),
                ("B", "Daniel. Daniel Cho. Our daughter Adaeze might sign for it."))
    assert {"Leah Park", "Daniel. Daniel Cho", "Adaeze"} <= got and "Priya" not in " ".join(got)
    assert not any("wife" in n or "daughter" in n for n in got)
    # a surname beside a mention of the first name, and "X and Y <surname>"
    got = names(("A", "Hi, this is Derek from Crestline. Am I talking to Sandra?"), ("B", "Yes, this is she."),
                ("A", "And it's Sandra Kapoor on the lease?"), ("B", "Yes."),
                ("A", "I see Pawel and Monika Kapoor on the old one."))
    assert {"Sandra", "Sandra Kapoor", "Pawel", "Monika Kapoor"} <= got and "Derek" not in got
    # a name Whisper capitalised is not redacted where the same word is no name ("mark it as lost")
    got = {s for k, s in _kinds(redactor, "strict", ("A", "Can I have your name?"), ("B", "Mark Young."),
                                ("A", "Thanks, Mark. I'll mark it as lost.")) if k == "PERSON"}
    assert "mark" not in got and "Mark Young." in got
    # a spelling after a full stop ("That's K as in kilo, A, ..."), a second name after "First name"
    got = names(("A", "And the passenger's last name?"),
                ("B", "Kaczmarek. That's K as in kilo, A, C as in Charlie, Z. First name Pawel."))
    assert {"Kaczmarek", "K as in kilo, A, C as in Charlie, Z", "Pawel"} <= got
    # "the member's name": the caller's; "Put it under Henderson" (a business is not: "under Ortiz Landscaping")
    assert "Gallagher" in names(("A", "Can I have the member's name?"), ("B", "Gallagher."))
    assert names(("A", "What name is the booking under?"), ("B", "Put it under Henderson.")) == {"Henderson"}
    assert not names(("A", "Who are you paying?"), ("B", "It's set up under Ortiz Landscaping."))
    # several children named after "the" ("the two kids are Tobi and Zara"), a dependant; not "the partner"
    assert {"Tobi", "Zara"} <= names(("A", "And the two kids are Tobi and Zara?"), ("B", "Yes."))
    assert "Mateo" in names(("A", "And you also have the dependent, Mateo? I need his social."))
    assert not names(("A", "The partner, Acme Corp, signs it."))


def test_names_read_off_the_record_asked_for_a_relative_or_spelled_after_talk(redactor):
    def names(*turns):
        return {s for k, s in _kinds(redactor, "strict", *turns) if k == "PERSON"}

    # the rep reads the name off the record: after "as", or ending a question, or "listed" / "on the account"
    assert names(("A", "I have your last name as Chang, C-H-A-N-G?"), ("B", "Yes.")) == {"Chang,", "C-H-A-N-G?"}
    assert names(("A", "Let me check. Yes, I have a William Otieno listed.")) == {"William Otieno"}
    assert names(("A", "Any authorized users? I see a Piotr on the account.")) == {"Piotr"}
    assert names(("A", "I have Visa ending 4242 on file. I have Tuesday at 3?")) == set()
    assert names(("A", "Your doctor is listed as Dr. Helen Marsh. Is that right?")) == set()
    # a relative's name asked ("your partner's name?"), and "Is this for Mateo?"
    assert names(("A", "And your partner's name?"), ("B", "Morgan Tate.")) == {"Morgan Tate."}
    assert names(("A", "There are two kids listed. Is this for Mateo?")) == {"Mateo?"}
    # a given name that is a word too, answering "your name?" with a surname after it
    assert names(("A", "And your name?"), ("B", "Will Otieno. I'm her caregiver.")) == {"Will Otieno."}
    # a spelling after talk ("Actually it's spelled ..."), or asked for ("spell the first name for me?"); where
    # a name comes from is no name ("it's Irish")
    assert names(("A", "Can I get your name?"),
                 ("B", "It's Shivon Gallagher. Actually it's spelled S-I-O-B-H-A-N, it's Irish.")) \
        == {"Shivon Gallagher.", "S-I-O-B-H-A-N,"}
    assert names(("A", "Could you spell the first name for me?"), ("B", "S-A-O-I-R-S-E.")) == {"S-A-O-I-R-S-E."}
    # a full name ending the rep's question, and the name asked with "What's the name?" or someone's "'s"
    assert names(("A", "Thank you. So that's, uh, Bogdan Kovalenko?"), ("B", "Yes.")) == {"Bogdan Kovalenko?"}
    assert names(("A", "And is the parent on file still Adaeze Okafor?"), ("B", "Yes, that's me. A-D-A-E-Z-E.")) \
        == {"Adaeze Okafor?", "A-D-A-E-Z-E."}
    assert names(("A", "Still Delta Dental? Or Blue Cross? With Dr. Patel? On Cedar Street?")) == set()
    assert names(("A", "What's the student's name?"), ("B", "Linh Pham. L-I-N-H.")) == {"Linh Pham. L-I-N-H."}
    assert names(("A", "No problem. What's the name?"), ("B", "Zsófia Horváth. That's Z-S-O-F-I-A.")) \
        == {"Zsófia Horváth.", "Z-S-O-F-I-A."}
    assert names(("A", "And your dog's name?"), ("B", "Biscuit.")) == set()
    assert names(("A", "Can I get your name?"), ("B", "Siobhán Kavanagh. It's spelled, um, S-I-O-B-H-A-N, with an "
                                                      "accent on the A.")) == {"Siobhán Kavanagh.", "S-I-O-B-H-A-N,"}
    assert names(("A", "Let me verify your emergency contacts. I have Wei Zhang at 206-555-0122?")) == {"Wei Zhang"}
    # every spelling in the answer to "your name?", however the name before it was misheard
    assert names(("A", "okay and the name on the card"), ("B", "christoff no vac it's k r z y s z t o f")) \
        >= {"k r z y s z t o f"}
    assert names(("A", "sorry could you spell the last name"),
                 ("B", "n g u y e n the first name is t h a n h then huong")) >= {"n g u y e n", "t h a n h"}
    # a part of a hyphenated name, spelled or said alone
    got = names(("A", "Can I have the patient's name?"),
                ("B", "It's Faith Okonkwo-Reyes. That's hyphenated, O-K-O-N-K-W-O, dash, Reyes."))
    assert {"Faith Okonkwo-Reyes.", "O-K-O-N-K-W-O, dash,"} <= got
    # a found name Whisper wrote lower case in a turn with capitals, where the word is rare ("keoni", not "dawn")
    got = names(("A", "Can I get your name?"), ("B", "Keoni Kahale."),
                ("A", "Alright, keoni, see you this afternoon."), ("B", "Thanks. I've been up since dawn."))
    assert "keoni," in got and not any("dawn" in s for s in got)


def test_a_part_of_an_email_spelled_after_it_is_the_email(redactor):
    # at pii, where names stay: the surname spelled after the e-mail would say it again
    assert _kinds(redactor, "pii", ("A", "What's the best email?"),
                  ("B", "It's ingrid.halvorsen@northwindlogistics.com. H-A-L-V-O-R-S-E-N.")) \
        == {("EMAIL_ADDRESS", "ingrid.halvorsen@northwindlogistics.com."), ("EMAIL_ADDRESS", "H-A-L-V-O-R-S-E-N.")}
    assert ("EMAIL_ADDRESS", "O-S-U-L-L-I-V-A-N.") in _kinds(
        redactor, "pii", ("A", "What's your email?"), ("B", "liam.osullivan at gmail dot com. O-S-U-L-L-I-V-A-N."))
    # a spelled name of many letters, a provider said without its ending, a country's ending said as a word
    assert _kinds(redactor, "pii", ("A", "That's L U P E dot I B A R R A 7 4 at gmail dot com?")) \
        == {("EMAIL_ADDRESS", "L U P E dot I B A R R A 7 4 at gmail dot com?")}
    assert _kinds(redactor, "pii", ("A", "I'll email the rebate form to farah.almasri at gmail?")) \
        == {("EMAIL_ADDRESS", "farah.almasri at gmail?")}
    assert _kinds(redactor, "pii", ("B", "Yes, g marchetti at libero dot it. It's Italian.")) \
        == {("EMAIL_ADDRESS", "g marchetti at libero dot it.")}
    assert not _kinds(redactor, "pii", ("B", "I'm at home in the evenings, at gmail I mean."))
    # a phone number's last four ("the number on file, which ends in 0 1 4 2"); not an order's
    assert _kinds(redactor, "pii", ("A", "We should have sent a text to the number on file which ends in 0 1 4 2")) \
        == {("PHONE_NUMBER", "0 1 4 2")}
    assert not _kinds(redactor, "pii", ("A", "Your order number ends in 4410."))
    # a website said with "at" is no one's e-mail ("you can book online at saffrontable dot com")
    assert not _kinds(redactor, "pii", ("A", "No problem, you can book online at saffrontable dot com."))
    # an ITIN is a taxpayer's number, as a social is
    assert ("SSN", "7 1 5 5?") in _kinds(redactor, "pii", ("A", "And her old ITIN ended in 7 1 5 5?"),
                                          ("B", "Uh, yes, I think so. 7155."))
    # a spelling of anything else stays ("the code is B-K-R")
    assert not any("B-K-R" in s for _, s in _kinds(redactor, "pii", ("A", "What's your email?"),
                                                   ("B", "liam at gmail dot com."), ("A", "Your code is B-K-R.")))


def test_a_colleague_a_firms_mailbox_and_its_main_line_are_no_callers(redactor):
    got = _kinds(redactor, "strict", ("A", "Who should the invoice go to?"),
                 ("B", "Put it to the attention of our controller, Gwen Castillo. My name is Tom Hale, by the way."))
    assert ("PERSON", "Tom Hale,") in got and not any("Gwen" in s or "Castillo" in s for _, s in got)
    assert _kinds(redactor, "pii", ("A", "Where do invoices go?"),
                  ("B", "ap@halvorsenfoods.com, and cc me at tom.hale@halvorsenfoods.com.")) \
        == {("EMAIL_ADDRESS", "tom.hale@halvorsenfoods.com.")}
    assert _kinds(redactor, "pii", ("B", "Oh, and the main switchboard is 414-555-0100 if I'm away.")) == set()


def test_a_phone_answer_ends_at_the_stop_after_a_whole_number(redactor):
    # a whole phone number, then a stop: what follows is talk ("Or my son Danny,"), or another value of its own
    got = _kinds(redactor, "pii", ("A", "What's the best number to reach you?"),
                 ("B", "713-555-0126. Or my son Danny, he's usually home."))
    assert got == {("PHONE_NUMBER", "713-555-0126.")}
    got = _kinds(redactor, "pii", ("A", "What's the phone number on the lease?"),
                 ("B", "Probably hers, 512-555-0116. Mine is 512-555-0117."))
    assert ("PHONE_NUMBER", "512-555-0117.") in got and not any("Mine" in s for _, s in got)
    # ... but a number cut by a stop goes on ("734-555. 0161.")
    assert ("PHONE_NUMBER", "734-555. 0161.") in _kinds(redactor, "pii", ("A", "And the best number to reach you?"),
                                                       ("B", "Um, it's 734-555. 0161."))
    # a toll-free line said with its option, and said back, is the company's
    assert not _kinds(redactor, "pii", ("A", "If we get disconnected, their direct line is 1-877-555-0150, option 3."),
                      ("B", "1-877-555-0150, option 3. Got it."))
    # an outbound rep "trying to reach" someone names them
    assert ("PERSON", "Teresa Nowak.") in _kinds(redactor, "strict", (
        "A", "Hi, this is Colleen calling from Brightwater Financial. I'm trying to reach Teresa Nowak."))


def test_names_in_turns_written_without_capitals(redactor):
    def names(*turns):
        return {s.rstrip(".,?!") for k, s in _kinds(redactor, "strict", *turns) if k == "PERSON"}

    # a turn Whisper wrote in lower case: the name after "its uh" and the rep's "thanks"/"mr", not the rep's own
    got = names(("A", "thanks for calling harbor gas this is tom how can i help"),
                ("B", "hi its uh keisha okonjo calling about my meter reading"),
                ("A", "sure thing keisha, and is that o k o n j o"), ("B", "yep"),
                ("A", "ok mr okonjo, sorry, ms okonjo, you're all set"))
    assert {"keisha okonjo", "keisha", "o k o n j o"} <= got and "tom" not in " ".join(got)
    assert any("okonjo" in n for n in got) and not any(w in n for n in got for w in ("calling", "meter", "set"))
    # a given name that is a word too, before a surname; particles inside a surname; an answer of one word
    got = names(("A", "and who's on the lease with you"), ("B", "my partner summer delacroix and me, ana de la vega"))
    assert {"summer delacroix", "ana de la vega"} <= got
    assert names(("A", "and first name"), ("B", "will")) == {"will"}
    # common words stay: "its overdue", "it's unplugged", "will you ..."
    assert not names(("A", "whats the issue"), ("B", "its overdue and it's unplugged, will you send someone"))


def test_lower_case_cities_and_dates_with_one_digit_months_or_a_plain_day(redactor):
    # a city written lower case ends an address where its clause does (not the talk after it)
    assert _kinds(redactor, "pii", ("A", "and the delivery address"), ("B", "its 509 hollis road marietta")) \
        == {("STREET_ADDRESS", "509 hollis road marietta")}
    assert ("STREET_ADDRESS", "62 fenwick pl brooklyn 11215") in _kinds(
        redactor, "pii", ("A", "ship to 62 fenwick pl brooklyn 11215 and then we call you"))
    # "born 2 9 2012" (a month and a day of one digit), "june nineteen 1983" (a plain day before a written year)
    assert {s for k, s in _kinds(redactor, "pii", ("A", "and your son"), ("B", "he was born 2 9 2012 in ohio"))
            if k == "DATE_OF_BIRTH"} == {"2 9 2012"}
    assert ("DATE_OF_BIRTH", "june nineteen 1983") in _kinds(redactor, "pii", ("B", "mine is june nineteen 1983"))
    assert ("DATE_OF_BIRTH", "2 9 2012,") in _kinds(
        redactor, "pii", ("B", "first is my daughter, grace ellison, born 2 9 2012, social 9 4 2 1 1 6 0 3 8"))
    assert ("DATE_OF_BIRTH", "August 2nd, '85.") in _kinds(redactor, "pii", ("B", "He's August 2nd, '85."))
    # a date's naming word right before it is no part of it ("DOB 11-20-1975", "born in '91, June 2nd")
    assert _kinds(redactor, "pii", ("A", "Can I get your date of birth?"),
                  ("B", "Yeah, I was born in '91, June 2nd.")) == {("DATE_OF_BIRTH", "'91, June 2nd.")}
    assert _kinds(redactor, "pii", ("A", "And the name and date of birth of the patient?"),
                  ("B", "Chinedu Okafor, date of birth, ten, twenty-nine, nineteen seventy.")) \
        == {("DATE_OF_BIRTH", "ten, twenty-nine, nineteen seventy.")}
    # a child's birth date said again in another form, far from "born": the same date, so a birth date too
    got = _kinds(redactor, "pii", ("A", "I'll need everyone's date of birth for the booking."),
                 ("B", "Sure. The kids are Aiden, 2/11/2013, and Nora, 7/30/2016."),
                 ("A", "Okay, let me repeat the whole party back to you in a moment, I just need to check the room "
                       "types first, one moment please, we have a family suite with two queens and a sofa bed."),
                 ("A", "Here we go. Aiden, February 11th, 2013; and Nora, July 30th, 2016. The trip is March 3rd, 2027."))
    assert {s for k, s in got if k == "DATE_OF_BIRTH"} >= {"February 11th, 2013;", "July 30th, 2016."}
    assert not any("2027" in s for _, s in got)
    # ... in whatever form either was said ("born 2 9 2012" ... "February 9th, 2012"; "twenty first" is the 21st)
    got = _kinds(redactor, "pii", ("A", "And the children?"),
                 ("B", "grace was born 2 9 2012 and leo was born on the twenty first of march 2015"),
                 ("A", "Okay, let me repeat the whole party back to you in a moment, I just need to check the room "
                       "types first, one moment please, we have a family suite with two queens and a sofa bed."),
                 ("A", "Here we go. Grace, February 9th, 2012; and Leo, 3/21/2015. The trip is March 3rd, 2027."))
    assert {s for k, s in got if k == "DATE_OF_BIRTH"} >= {"February 9th, 2012;", "3/21/2015."}
    assert not any("2027" in s for _, s in got)
    # ... but not a time of year said like one ("june twenty twenty six")
    assert not _kinds(redactor, "pii", ("A", "ok we open the new store june twenty twenty six"))


def test_a_unit_said_after_its_address_and_a_phone_asked_for_in_case(redactor):
    # the unit said after the address, in its turn or when asked for; not "an apartment? Two bedrooms"
    assert ("STREET_ADDRESS", "apartment 2R.") in _kinds(
        redactor, "pii", ("A", "And the address?"), ("B", "77 Mulberry Street, Hoboken, New Jersey 07030."),
        ("A", "Is there an apartment number?"), ("B", "Oh, yes, apartment 2R. Second floor, there's an elevator."))
    assert not any(k == "STREET_ADDRESS" and "Two" in s for k, s in _kinds(
        redactor, "pii", ("B", "We're at 12 Elm Street."), ("A", "Is it a house or an apartment? Two bedrooms?")))
    # "in case" names no case: the number after it is a phone's, not a case's reference
    assert _kinds(redactor, "pii", ("A", "Okay, and a phone, in case?"), ("B", "704-555-0124.")) \
        == {("PHONE_NUMBER", "704-555-0124.")}
    assert not _kinds(redactor, "pii", ("A", "Your case number is 4 4 1 9 0 2 3."), ("B", "Okay, 4419023."))


def test_an_address_or_a_number_ends_before_the_talk_after_it(redactor):
    # a sentence of talk after a whole address ends it; talk before its house number is no part of it
    got = _kinds(redactor, "pii", ("A", "What's the address?"),
                 ("B", "1102 Bayou Oaks Drive, Lafayette. Oh, and sorry, I never said, this is my second home."))
    assert got == {("STREET_ADDRESS", "1102 Bayou Oaks Drive, Lafayette.")}
    got = _kinds(redactor, "pii", ("A", "Where are we delivering?"),
                 ("B", "We're moving in with my mom, so it goes to her place, 2204 Shoreline Boulevard, unit 8."))
    assert got == {("STREET_ADDRESS", "2204 Shoreline Boulevard, unit 8.")}
    got = _kinds(redactor, "pii", ("B", "I need a delivery."), ("A", "Sure, what's the address?"),
                 ("B", "58 Elm Court, unit 2, Fairview. Yes, and can you deliver tomorrow between 2 and 5 PM?"))
    assert got == {("STREET_ADDRESS", "58 Elm Court, unit 2, Fairview.")}
    # ... but a unit or a building said before it is ("The Willows, building 3, 18 Park Road")
    got = _kinds(redactor, "pii", ("A", "What's the address?"),
                 ("B", "It's Rosewood House, flat 3, 18 Park Road, Leeds."))
    assert any(s.startswith("Rosewood House, flat 3, 18 Park Road") for k, s in got if k == "STREET_ADDRESS")
    # an address goes on after the other party's "Mm-hmm." with its unit ("Oh, and it's unit 5")
    got = _kinds(redactor, "pii", ("A", "And where are we shipping it?"), ("B", "221 Baker Street, Springfield."),
                 ("A", "Mm-hmm."), ("B", "Oh, and it's unit 5, sorry."))
    assert any("unit 5" in s for k, s in got if k == "STREET_ADDRESS")
    # "Oh, and actually ..." after the other party's "Mm-hmm." is no zero going on with the number
    got = _kinds(redactor, "pii", ("A", "Best phone number for you?"), ("B", "It's (512) 555-0164."),
                 ("A", "Mm-hmm."), ("B", "Oh, and actually, I'd like to book my daughter in too."))
    assert got == {("PHONE_NUMBER", "(512) 555-0164.")}


def test_spellings_titles_with_particles_and_names_that_are_words(redactor):
    def names(*turns):
        return {s.rstrip(".,?!") for k, s in _kinds(redactor, "strict", *turns) if k == "PERSON"}

    # the spelling alphabet, and a spelling of a found name whoever says it, with or without its accent
    assert "Romeo, Alpha, Golf, Hotel, Uniform" in names(("A", "Could you spell the last name, please?"),
                                                         ("B", "Romeo, Alpha, Golf, Hotel, Uniform."))
    got = names(("A", "Name and date of birth?"), ("B", "Tomás Ramírez, zero three, zero three, eighty-four."),
                ("A", "Is that T-O-M-A-S?"), ("B", "Yes. And Ramírez is R, A, M as in Mike, I, R, E, Z."))
    assert {"Tomás Ramírez", "T-O-M-A-S", "R, A, M as in Mike, I, R, E, Z"} <= got
    # a title before a surname's particles; a given name that is a word, alone after "it's"; not the greeting
    assert "van Dijk" in names(("A", "Good afternoon, may I speak with Mr. van Dijk?"))
    got = names(("A", "Hi, may I speak with William Asante?"), ("B", "That's me, it's Will. Who's this?"),
                ("A", "Hey Will, this is Jordan with Northstar Fiber."))
    assert {"William Asante", "Will"} <= got and not any("Hey" in n or "Jordan" in n for n in got)
    assert not names(("A", "When is the renewal?"), ("B", "It's June."))


def test_a_reference_with_lower_case_letters_said_again_stays(redactor):
    # "f r 3 3 9 0 1 2": an identifier's letters written lower case (not "a", "is", "to" ...), said again by the caller
    got = _kinds(redactor, "pii",
                 ("A", "yes a provisional credit in 1 to 2 business days, your dispute case is f r 3 3 9 0 1 2"),
                 ("B", "ok wait let me write that, f r 3 3 9 0 1 2"))
    assert got == set()


def test_truecasing_capitalises_only_name_like_words_of_lines_without_capitals():
    from pipeline.redact.casing import name_like, truecased

    assert truecased("its uh marcus okafor calling\nThe Cased line stays, marcus okafor") \
        == "its uh Marcus Okafor calling\nThe Cased line stays, marcus okafor"
    assert truecased("hi june abernathy here") == "hi June Abernathy here"  # a given name before a surname
    assert len(truecased("yes siobhan, thanks")) == len("yes siobhan, thanks")
    assert name_like("siobhan") and name_like("marcus") and name_like("castillo")
    assert not any(name_like(w) for w in ("overdue", "unplugged", "the", "will", "perfect", "checking", "4417"))


def test_the_companys_own_details_and_the_talk_around_a_whole_value_stay(redactor):
    # a toll-free line, the rep's "our ... line is", a switchboard's extension, a role mailbox, the business's address
    assert _kinds(redactor, "pii", ("A", "If there's ever an outage, call 1-800-555-0117."),
                  ("B", "1-800-555-0117, got it.")) == set()
    assert _kinds(redactor, "pii", ("A", "Our catering line is 555-0100, extension 3, if you want it.")) == set()
    assert _kinds(redactor, "pii", ("A", "Send the lease to waivers at ironworksfit dot com, please.")) == set()
    assert _kinds(redactor, "pii", ("A", "We're at 1900 Harmon Avenue, next to the Home Depot.")) == set()
    # ... but the caller's own, even when the rep says "our" ("our technician will call you at ...")
    assert {k for k, _ in _kinds(redactor, "pii", ("A", "Our technician will call you at 312-555-0109, okay?"))} \
        == {"PHONE_NUMBER"}
    # a whole number's answer is its digits, not the talk on either side; a misheard group beside it goes with it
    assert ("PHONE_NUMBER", "312 555 01 77") in _kinds(
        redactor, "pii", ("A", "And the best number for you?"),
        ("B", "My cell, 312 555 01 77 if there are any schedule changes."))
    assert any("I made." in s for k, s in _kinds(redactor, "pii", ("A", "And the account number?"),
                                                 ("B", "Six zero six seven, seven eight two three, 67 I made.")))
    # a clause of talk after the number is no part of it
    assert not any("desk" in said for _, said in _kinds(
        redactor, "pii", ("A", "Thanks, that went through, your member id is 7 7 4 0 2 1 9 8, just bring your id to "
                               "the front desk and they'll take your photo")))
    # an e-mail's name starts after the talk before it
    assert ("EMAIL_ADDRESS", "megorourke at icloud dot com") in _kinds(
        redactor, "pii", ("A", "What email should the receipt go to?"),
        ("B", "oh yeah send it to megorourke at icloud dot com"))
    # a doctor is no street: "prescription 6120447 from Dr. Feldman"
    assert not {k for k, _ in _kinds(redactor, "pii", ("A", "I see prescription 6120447 from Dr. Feldman."))} \
        & {"STREET_ADDRESS"}


def test_an_address_starts_at_its_sentence_and_answers_that_give_no_value_take_nothing(redactor):
    # whole sentences before the address's own that name no place are talk, whoever said them
    got = _kinds(redactor, "pii", ("A", "Where should the installer go?"),
                 ("B", "Ask for Dominic, he runs the floor. The site address is 2250 West Fulton Street, Chicago."))
    assert got == {("STREET_ADDRESS", "2250 West Fulton Street, Chicago.")}
    got = _kinds(redactor, "pii", ("B", "Which shipping address do you have on file for us?"),
                 ("A", "I don't have one saved yet. Go ahead."), ("B", "818 Larimer Street, Suite 40, Denver 80202."))
    assert got == {("STREET_ADDRESS", "818 Larimer Street, Suite 40, Denver 80202.")}
    # "I don't have it" gives no number; a yes to a question that read the value out gives no e-mail
    assert not _kinds(redactor, "pii", ("A", "can i get your loyalty account number"),
                      ("B", "uh i don't have it with me"))
    assert not _kinds(redactor, "pii", ("A", "Should the receipts still go to mia.k@brightwave.io?"),
                      ("B", "Yes, and my manager looks over them."), roles={"A": "buyer", "B": "rep"}) - {
        ("EMAIL_ADDRESS", "mia.k@brightwave.io?")}
    # ... but a correction with a number is an answer
    got = _kinds(redactor, "pii", ("A", "And the address, still 14 Alder Lane, Salem, Oregon 97301?"),
                 ("B", "Yes. Oh, wait, it's 16 Alder, not 14."))
    assert any("16" in s for k, s in got if k == "STREET_ADDRESS")
    # a date is no misheard "birth", "doing" no misheard "routing", a firm's disputes mailbox is the firm's
    assert not _kinds(redactor, "pii", ("A", "I have the 20th or the 24th."), ("B", "the the twenty fourth"),
                      ("A", "great bring your receipts and the 1099"))
    assert not _kinds(redactor, "pii", ("A", "Hi! What are we doing?"),
                      ("B", "So, ten bags of the house blend, and, um, four of the decaf."))
    assert not _kinds(redactor, "pii", ("A", "Send the proof to disputes at northgate recovery dot com."),
                      ("B", "Okay, disputes at northgate recovery dot com."))


def test_dates_of_birth_in_a_list_and_after_birthdays(redactor):
    # after one date of birth, the next full date in the past the same speaker lists (names and ages between)
    got = _kinds(redactor, "pii", ("A", "Names and birth dates for everyone travelling?"),
                 ("B", "Okay, my husband's Ravi, 3/14/1982. Then Anika, she's nine, August 5th, 2016."),
                 ("A", "Mm-hmm."), ("B", "And little Dev, October 22nd, 2021."))
    said = " ".join(s for k, s in got if k == "DATE_OF_BIRTH")
    assert all(d in said for d in ("3/14/1982", "August 5th, 2016", "October 22nd, 2021"))
    # a date the rep books is none ("after the 20th of May, 2025") and neither is a future one
    got = _kinds(redactor, "pii", ("A", "And the date of birth?"), ("B", "June 1st, 1990."),
                 ("A", "Great, you're booked for June 30th, 2031."))
    assert got == {("DATE_OF_BIRTH", "June 1st, 1990.")}
    assert ("DATE_OF_BIRTH", "July 9th, 2014.") in _kinds(
        redactor, "pii", ("A", "How old is she?"), ("B", "She's ten. Her birthday's July 9th, 2014."))
    # an amount ends with its sentence: the card read next is no part of it
    assert ("CARD_NUMBER", "4929 1137 2280 6614.") in _kinds(
        redactor, "pii", ("A", "I'll just need a card for the $45."), ("B", "4929 1137 2280 6614."))


def test_a_name_said_with_its_own_date_of_birth_or_phone_is_the_callers_household(redactor):
    def names(*turns):
        return {s.rstrip(".,?!") for k, s in _kinds(redactor, "strict", *turns) if k == "PERSON"}

    got = names(("A", "And the boys?"), ("B", "Tariq, 3/9/2011, and Omar, July 4th, 2013."),
                ("A", "Since Tariq is over twelve he can use the weights."))
    assert {"Tariq", "Omar"} <= {w.rstrip(",") for s in got for w in s.split()}
    assert "Ingrid" in names(("A", "And Mom?"), ("B", "Ingrid, 312-555-0144. Same last name."))
    # a word that is no name before a date stays ("Noted, August 11th, 1975?")
    assert not names(("A", "Your date of birth?"), ("B", "August 11th, 1975."), ("A", "Noted, August 11th, 1975?"))
    # ... and the date said right after such a name is a birth date, with no "born" near it
    said = " ".join(s for k, s in _kinds(redactor, "pii", ("A", "And the boys?"),
                                         ("B", "Tariq, 3/9/2011, and Omar, July 4th, 2013.")) if k == "DATE_OF_BIRTH")
    assert "3/9/2011" in said and "July 4th, 2013" in said


def test_a_number_taken_and_said_again_bare_is_the_same_value(redactor):
    got = _kinds(redactor, "pii", ("A", "Can you verify the last four of your social?"), ("B", "Sure, it's 6038."),
                 ("A", "Great. 6038, okay. And the zip code on file?"))
    assert ("SSN", "6038,") in got
    # a zip code said again is no number of the caller's, nor is a price
    got = _kinds(redactor, "pii", ("A", "Mail it to 12 Birch Lane, Troy, New York 12180."),
                 ("B", "Okay. So the zip is 12180?"),
                 ("A", "And it's $12.18 a month."))
    assert not any(k in ("ACCOUNT_NUMBER", "PHONE_NUMBER", "SSN", "CARD_NUMBER") for k, _ in got)


def test_words_before_a_whole_phone_number_are_talk(redactor):
    # ten digits are the whole number: the words before them are no misheard part of it
    assert _kinds(redactor, "pii", ("A", "What's a good callback number?"), ("B", "Use mine, 503-555-0186.")) \
        == {("PHONE_NUMBER", "503-555-0186.")}
    assert _kinds(redactor, "pii", ("A", "Which phone number should we use?"), ("B", "Probably his, 503-555-0147.")) \
        == {("PHONE_NUMBER", "503-555-0147.")}


def test_a_reference_read_back_stays_and_an_address_ends_before_a_confirming_word(redactor):
    assert not _kinds(redactor, "pii", ("A", "The claim number is 07351946."), ("B", "0 7 3 5 1 9 4 6."))
    assert _kinds(redactor, "pii", ("A", "And the address is 22 Fenwick Place, correct?"), ("B", "Yes.")) \
        == {("STREET_ADDRESS", "22 Fenwick Place,")}


def test_a_name_asked_for_in_a_turn_written_without_punctuation(redactor):
    names = {s for k, s in _kinds(redactor, "strict", ("A", "ok and the name"), ("B", "priya raman")) if k == "PERSON"}
    assert names and all("priya" in s.lower() or "raman" in s.lower() for s in names)
    names = {s for k, s in _kinds(redactor, "strict", ("A", "and whose name is on the account"), ("B", "tomas leclerc"))
             if k == "PERSON"}
    assert names


def test_an_address_with_a_street_word_we_do_not_know_and_talk_around_it(redactor):
    got = _kinds(redactor, "pii", ("A", "And the service address?"),
                 ("B", "Wait, no. We moved. Ugh. It's 31 Larkin Hollow, Dover, Delaware 19901."))
    assert got == {("STREET_ADDRESS", "31 Larkin Hollow, Dover, Delaware 19901.")}
    got = _kinds(redactor, "pii", ("A", "So that's 1904 Birchwood Drive, Apartment 21. I'll fix it on your profile."))
    assert got == {("STREET_ADDRESS", "1904 Birchwood Drive, Apartment 21.")}
