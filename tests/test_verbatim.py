"""The verbatim pass keeps only what it inserts between agreed words: fillers and repeats, never rewrites."""

from __future__ import annotations

from pipeline.transcribe.verbatim import insertions
from pipeline.types import AttributedWord, Word


def _main(*items):
    return [AttributedWord(s, s + 0.3, t, "R") for s, t in items]


def _ver(*items):
    return [Word(s, s + 0.3, t) for s, t in items]


def test_fillers_and_restarts_are_inserted():
    main = _main((1.0, "I"), (1.7, "could"), (2.1, "send"), (2.5, "it."))
    ver = _ver((0.5, " Um,"), (0.9, " I,"), (1.3, " I"), (1.7, " could"), (2.1, " send"), (2.5, " it."))
    got = insertions(main, ver, "R", (1.0, 2.8))
    assert [w.text for w in got] == ["Um,", "I,"] and all(w.speaker == "R" for w in got)


def test_a_repeat_squeezed_into_one_words_time_or_unsure_is_not_kept():
    main = _main((1.0, "I"), (1.4, "could"))
    on_top = [Word(1.0, 1.2, " I,"), Word(1.1, 1.3, " I"), Word(1.4, 1.7, " could")]  # copies overlap
    assert insertions(main, on_top, "R", (1.0, 1.7)) == []
    unsure = [Word(0.6, 0.9, " I,", 0.3), Word(1.0, 1.3, " I"), Word(1.4, 1.7, " could")]
    assert insertions(main, unsure, "R", (1.0, 1.7)) == []
    blip = [Word(0.9, 0.93, " I,"), Word(1.0, 1.3, " I"), Word(1.4, 1.7, " could")]
    assert insertions(main, blip, "R", (1.0, 1.7)) == []


def test_rewrites_and_inventions_are_refused():
    main = _main((1.0, "price"), (1.4, "list"))
    ver = _ver((1.0, " prize"), (1.4, " list"), (1.8, " absolutely"), (2.0, " uh"))
    # "prize" replaces a word (not an insert); "absolutely" is neither filler nor repeat; "uh" is too late
    assert insertions(main, ver, "R", (1.0, 1.6)) == []


def test_evidence_is_where_the_first_pass_cleaned_something_away():
    from pipeline.transcribe.verbatim import evidence, evidence_spans
    from pipeline.types import Utterance

    speech = [(0.0, 10.0)]
    tidy = [AttributedWord(0.0, 0.3, "We", "R"), AttributedWord(0.35, 0.7, "can", "R"),
            AttributedWord(0.75, 1.1, "start", "R")]
    assert evidence(tidy, []) == []  # words close up, nothing unsure
    gap = [AttributedWord(0.0, 0.3, "We", "R"), AttributedWord(1.0, 1.3, "can", "R")]  # 0.7 s of speech between
    assert evidence(gap, speech) == [0.65]
    assert evidence(gap, [(0.0, 0.3), (1.0, 1.3)]) == []  # a real pause
    unsure = [AttributedWord(0.0, 0.3, "We", "R", 0.2)]
    stretched = [AttributedWord(0.0, 0.7, "I", "R")]  # "I, I" written once
    cut = [AttributedWord(0.0, 0.2, "I-", "R")]
    for words in (unsure, stretched, cut):
        assert evidence(words, []), words
    # windows are whole words inside the utterance, overlapping ones joined; the other party's words ignored
    utts = [Utterance(0.0, 9.0, "R", "")]
    words = tuple(AttributedWord(i * 0.5, i * 0.5 + 0.4, "word", "R", 0.2 if i in (2, 3) else 0.9)
                  for i in range(18))
    assert evidence_spans(utts, words + (AttributedWord(3.0, 3.3, "uh", "B", 0.1),), "R", []) == [(0.0, 3.4)]
