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
