"""The evaluation's own parts: the real-call corpus adapter, word-role accuracy, WER normalisation (no models)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from pipeline.evaluate import find_references, normalize, real_call_summary, wer, word_role_accuracy, EvalRow
from pipeline.evaluate import harper

from .conftest import SHARED, need


def test_harper_valley_calls_become_stereo_and_mono_recordings_with_references(tmp_path):
    src = need(SHARED / "harper-valley-dev")
    assert harper.is_corpus(src)
    dest = harper.materialize(src, tmp_path / "hv")
    refs = {r.uri: r for r in find_references(dest)}
    assert len(refs) == 8  # four calls, two layouts each
    stereo, mono = refs["0002f70f7386445b_stereo"], refs["0002f70f7386445b_mono"]
    s, rate = sf.read(stereo.audio, dtype="int16")
    m, _ = sf.read(mono.audio, dtype="int16")
    assert rate == 8000 and s.shape[1] == 2 and m.ndim == 1 and len(m) == len(s)
    agent, _ = sf.read(next((src / "hvb_0002f70f_replace-card").glob("*_agent.wav")), dtype="int16")
    assert np.array_equal(s[: len(agent), 0], agent)  # agent left, untouched
    assert stereo.rep_speaker == "agent" and set(stereo.by_channel) == {0, 1}
    assert "harper valley national bank" in stereo.by_channel[0] and "patricia brown" in stereo.by_channel[1]
    assert mono.by_channel is None and "[" not in mono.transcript and "<" not in mono.transcript
    assert stereo.rttm_path.read_text().split()[7] == "agent"
    lines = json.loads((dest / "0002f70f7386445b_mono.ref.json").read_text())["lines"]
    assert [ln["start"] for ln in lines] == sorted(ln["start"] for ln in lines)
    before = {p.name: p.stat().st_mtime_ns for p in dest.iterdir()}
    harper.materialize(src, dest)  # a second run rewrites nothing
    assert {p.name: p.stat().st_mtime_ns for p in dest.iterdir()} == before


def test_noise_tags_are_not_reference_words():
    assert harper.clean_text("[laughter] um tuesday <unk>") == "um tuesday"
    assert harper.reference_lines([{"human_transcript": "[noise]", "start_ms": 0, "duration_ms": 500,
                                    "speaker_role": "caller"}]) == []


def _ann(turns):
    from pyannote.core import Annotation, Segment

    a = Annotation()
    for i, (s, e, who) in enumerate(turns):
        a[Segment(s, e), i] = who
    return a


def test_word_role_accuracy_counts_the_time_utterances_give_to_the_wrong_party():
    ref = _ann([(0, 4, "agent"), (4, 6, "caller")])
    hyp = _ann([(0, 4, "A"), (4, 6, "B")])
    right = {"segments": [{"start": 0, "end": 4, "speaker": "A"}, {"start": 4, "end": 6, "speaker": "B"}]}
    assert word_role_accuracy(ref, hyp, right) == pytest.approx(1.0)
    # the agent's utterance runs on over the caller's reply: 2 s of 6 given to the wrong party
    straddle = {"segments": [{"start": 0, "end": 6, "speaker": "A"}]}
    assert word_role_accuracy(ref, hyp, straddle) == pytest.approx(4 / 6)
    assert word_role_accuracy(ref, hyp, {"segments": []}) is None


def test_spelling_variants_are_one_word_in_wer():
    assert normalize("All right, OK, eight a m") == normalize("alright okay 8 am")
    assert wer("alright your balance is fine", "All right, your balance is fine.") == 0.0
    assert wer("the cat", "the dog") == 0.5


def test_real_call_summary_splits_layouts_and_halves():
    rows = [EvalRow(f"harper-valley-dev/{sid}_{lay}.wav", 50.0, mode, wer=w, word_role_accuracy=a,
                    confusion_c0_25=0.0, talk_ratio_error=0.01, role_correct=True)
            for sid, w, a in (("0002f70f7386445b", 0.1, 0.99), ("03a17cc36d474151", 0.3, 0.9))
            for lay, mode in (("stereo", "per_channel"), ("mono", "mono"))]
    s = real_call_summary(rows)
    assert s["stereo all"]["wer_worst"] == 0.3 and s["stereo tune"]["wer_worst"] == 0.1
    assert s["mono test"]["word_roles_min"] == 0.9 and s["mono all"]["rep_right"] == 2


def test_a_real_calls_reference_tells_where_the_agent_cut_in():
    lines = [{"speaker": "caller", "start": 0.0, "end": 3.0, "text": "no that was going to be it"},
             {"speaker": "agent", "start": 2.5, "end": 4.0, "text": "thank you for calling"},
             {"speaker": "agent", "start": 5.0, "end": 6.0, "text": "have a great day"},
             {"speaker": "caller", "start": 5.5, "end": 5.9, "text": "you"},
             {"speaker": "agent", "start": 5.6, "end": 5.8, "text": "bye"}]
    assert [ln["markers"] for ln in harper.label_interruptions(lines)] == [[], ["interruption"], [], [], []]


def test_invented_repeats_are_runs_the_reference_does_not_have():
    from pipeline.evaluate import invented_repeats

    assert invented_repeats("I think that that is fine", "I think that that that that is fine") == ["that x4"]
    assert invented_repeats("no no no, not today", "No, no, no. Not today.") == []  # said three times: heard
    assert invented_repeats("we can do that", "we can can do that") == []  # a doubled word is not a run of 3
    assert invented_repeats("okay", "OK, okay, ok.") == ["okay x3"]  # spelling variants are one word
