"""The outcome of a recording through the real pipeline (integration tier): the labelled outcome set and the
calls of every evaluation corpus, which are all conversations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.integration

OUTCOMES = ROOT / "outcome_calls"


@pytest.mark.parametrize("rel", ["test/voicemail_1_mono.wav", "test/no_answer_1_stereo.flac", "test/ivr_1_mono.wav",
                                 "test/conversation_1_stereo.flac"])
def test_each_outcome_of_the_frozen_half(base_engines, rel):
    from pipeline.analyze import analyze_file

    label = json.loads((OUTCOMES / "labels.json").read_text())[rel]
    doc, _ = analyze_file(OUTCOMES / rel, rel, base_engines)
    assert doc["outcome"]["kind"] == label["outcome"], doc["outcome"]
    rings = [e for e in label["events"] if e["kind"] == "ring"]
    if rings:  # the first ring-back is found where it rang
        found = [t for t in doc["outcome"]["tones"] if t["kind"] == "ring"]
        assert found and abs(found[0]["start"] - rings[0]["start"]) < 0.2, (found, rings)


def test_no_conversation_of_any_corpus_is_called_no_answer(eval_run):
    _, out = eval_run
    kinds = {p.parent.name: json.loads(p.read_text())["outcome"]["kind"] for p in Path(out).glob("calls/*/analysis.json")}
    assert kinds and not [c for c, k in kinds.items() if k == "no_answer"], kinds
    assert sum(k == "conversation" for k in kinds.values()) >= 0.9 * len(kinds), kinds


def test_a_reps_day_of_dials_through_the_batch_and_the_pages(base_engines, tmp_path):
    """A voicemail, a no-answer and a conversation in a rep's folder with dated names (as `make demo` lays out the
    sample calls): each page fits its outcome, and the team table counts the dials."""
    import os

    import pandas as pd

    from pipeline.batch import run_batch

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    (inbox / "ann").mkdir(parents=True)
    for stamp, rel in (("0905", "test/no_answer_1_stereo.flac"), ("0909", "test/voicemail_1_mono.wav"),
                       ("0914", "test/conversation_1_stereo.flac")):
        os.link(OUTCOMES / rel, inbox / "ann" / f"2026-11-16_{stamp}_{Path(rel).name}")
    results = run_batch(inbox, out, base_engines.options, engines=base_engines, settle_s=0.0)
    assert [r.status for r in results] == ["done"] * 3, [r.error for r in results]
    docs = {r.call_id: json.loads((out / r.call_id / "analysis.json").read_text()) for r in results}
    pages = {d["outcome"]["kind"]: (out / cid / "report.html").read_text() for cid, d in docs.items()}
    assert set(pages) == {"no_answer", "voicemail", "conversation"}
    (conv,) = [d for d in docs.values() if d["outcome"]["kind"] == "conversation"]
    assert conv["outcome"]["ending"]["kind"] in ("refusal", "objection", "hang_up", "next_step", "ended")
    assert 'id="message"' in pages["voicemail"] and 'id="metrics"' not in pages["voicemail"]
    assert 'id="metrics"' not in pages["no_answer"] and 'id="metrics"' in pages["conversation"]
    (row,) = pd.read_csv(out / "team.csv", dtype={"first_call": str}).itertuples()
    assert (row.rep, row.date, row.calls, row.conversations, row.voicemails, row.no_answers) == (
        "ann", "2026-11-16", 3, 1, 1, 1)
    assert row.first_call == "09:05" and row.connect_rate == pytest.approx(0.333)
