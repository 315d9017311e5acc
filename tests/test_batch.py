"""The batch with stand-in models: outputs, the contract, skipping, and bad input that never stops a batch."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from pipeline.analysis import validate
from pipeline.analyze import call_id
from pipeline.audio import write_wav
from pipeline.batch import find_recordings, run_batch
from pipeline.callmeta import CallOverrides
from pipeline.engines import Engines, RunOptions

from .conftest import tone

OPTS = RunOptions()


def _dialogue(seconds_each=(3.0, 3.0, 3.0), gap=0.6) -> np.ndarray:
    parts = []
    for i, s in enumerate(seconds_each):
        parts += [tone(s, 200 + 150 * (i % 2)), np.zeros(int(gap * 16000), np.float32)]
    return np.concatenate(parts)


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def inbox(tmp_path):
    box = tmp_path / "inbox"
    (box / "dana").mkdir(parents=True)
    write_wav(box / "dana" / "good call.wav", _dialogue())
    write_wav(box / "stereo.wav", np.stack([_dialogue(), np.zeros_like(_dialogue())]))
    (box / "empty.wav").write_bytes(b"")
    (box / "notes.mp3").write_text("not audio at all\n" * 50)
    write_wav(box / "cut.wav", _dialogue((2.0, 2.0)))
    data = (box / "cut.wav").read_bytes()
    (box / "cut.wav").write_bytes(data[: len(data) * 2 // 3])
    write_wav(box / "short.wav", tone(0.3))
    write_wav(box / "silence.wav", np.zeros(16000 * 120, np.float32))
    write_wav(box / "Zoë's \"big\" call — 1.wav", _dialogue((3.0, 3.0, 3.5)))
    (box / "readme.txt").write_text("not a recording")
    (box / ".hidden.wav").write_bytes(b"")
    return box


def test_bad_input_never_stops_the_batch(inbox, tmp_path, fake_engines):
    before = {p: _sha(p) for p in inbox.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    results = run_batch(inbox, out, OPTS, engines=fake_engines)
    by = {r.source: r for r in results}
    assert set(by) == {"dana/good call.wav", "stereo.wav", "empty.wav", "notes.mp3", "cut.wav", "short.wav",
                       "silence.wav", "Zoë's \"big\" call — 1.wav"}
    assert by["empty.wav"].status == "failed" and "empty file" in by["empty.wav"].error
    assert by["notes.mp3"].status == "failed"
    for ok in ("dana/good call.wav", "stereo.wav", "cut.wav", "short.wav", "silence.wav", "Zoë's \"big\" call — 1.wav"):
        assert by[ok].status == "done", (ok, by[ok].error)
        doc = json.loads((out / by[ok].call_id / "analysis.json").read_text())
        validate(doc)
        assert (out / by[ok].call_id / "diarization.rttm").is_file()
        assert doc["call"]["source"] == ok
    for bad in ("empty.wav", "notes.mp3"):
        err = json.loads((out / by[bad].call_id / "error.json").read_text())
        assert err["source"] == bad and "\n" not in err["error"]
    silent = json.loads((out / by["silence.wav"].call_id / "analysis.json").read_text())
    assert silent["words"] == [] and silent["segments"] == [] and "no speech found" in silent["warnings"]
    # originals are never modified or removed
    assert {p: _sha(p) for p in inbox.rglob("*") if p.is_file()} == before
    summary = json.loads((out / "batch.json").read_text())
    assert len(summary["calls"]) == 8


def test_outputs_are_attributed_and_rerun_skips(inbox, tmp_path, fake_engines):
    out = tmp_path / "out"
    first = {r.source: r for r in run_batch(inbox, out, OPTS, engines=fake_engines)}
    doc = json.loads((out / first["dana/good call.wav"].call_id / "analysis.json").read_text())
    assert doc["words"] and all(w["speaker"] in {"SPEAKER_00", "SPEAKER_01"} for w in doc["words"])
    assert {s["role"] for s in doc["speakers"]} == {"rep", "buyer"}  # "this is Dana from Acme"
    assert doc["roles"]["method"] == "transcript" and doc["roles"]["evidence"]
    calls = fake_engines.transcriber.calls
    second = run_batch(inbox, out, OPTS, engines=fake_engines)
    assert {r.status for r in second if r.source in first and first[r.source].status == "done"} == {"skipped"}
    assert fake_engines.transcriber.calls == calls  # nothing was transcribed again
    changed = RunOptions(num_speakers=3)
    third = run_batch(inbox, out, changed, engines=Engines(changed, fake_engines.transcriber, fake_engines.diarizer,
                                                         fake_engines.channel_diarizer))
    assert any(r.status == "done" for r in third)  # other settings: redone


def test_call_ids_are_stable_safe_and_distinct():
    a = call_id("dana/Zoë's \"big\" call.wav", "ab" * 32)
    assert a == call_id("dana/Zoë's \"big\" call.wav", "ab" * 32)
    assert all(c.isalnum() or c in "._-" for c in a)
    assert a != call_id("dana/Zoë's \"big\" call.wav", "cd" * 32)
    assert call_id("<img src=x onerror=alert(1)>.wav", "ef" * 32).startswith("img-src-x-onerror-alert-1")
    traversal = call_id("../../etc/passwd", "01" * 32)
    assert "/" not in traversal and not traversal.startswith(".")


def test_hidden_and_non_audio_files_are_ignored(inbox):
    names = {p.name for p in find_recordings(inbox)}
    assert ".hidden.wav" not in names and "readme.txt" not in names


def test_call_sidecar_overrides(tmp_path):
    rec = tmp_path / "x.wav"
    (tmp_path / "x.wav.call.toml").write_text('rep_channel = "right"\nspeakers = 3\n')
    o = CallOverrides.for_recording(rec)
    assert o.rep_channel == "right" and o.speakers == 3
    (tmp_path / "x.wav.call.toml").write_text('rep_chanel = "right"\n')
    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown keys"):
        CallOverrides.for_recording(rec)


def test_stereo_with_separate_parties_is_diarized_per_channel(tmp_path, fake_engines):
    from pipeline.analyze import analyze_audio
    from pipeline.types import Audio

    left = np.concatenate([tone(1.0, 200), np.zeros(16000, np.float32)])
    right = np.concatenate([np.zeros(12000, np.float32), tone(1.25, 330)])
    body, d = analyze_audio(Audio(np.stack([left, right]), 16000, 2), fake_engines,
                            CallOverrides(rep_channel="left"))
    assert body["channel_mode"] == "per_channel"
    assert d.channel_of == {"CH0": 0, "CH1": 1}
    assert body["roles"]["method"] == "channel"
    assert {s["id"]: s["role"] for s in body["speakers"]} == {"CH0": "rep", "CH1": "buyer"}
    # overlap 0.75-1.0 s is kept: both parties have a turn there
    assert any(t.speaker == "CH0" and t.end > 0.8 for t in d.turns) and any(t.speaker == "CH1" and t.start < 0.8 for t in d.turns)


def test_rescore_rebuilds_scores_from_the_saved_analysis(inbox, tmp_path, fake_engines):
    from typer.testing import CliRunner

    from pipeline.cli import app

    out = tmp_path / "out"
    results = run_batch(inbox, out, OPTS, engines=fake_engines)
    cid = next(r.call_id for r in results if r.source == "dana/good call.wav")
    path = out / cid / "analysis.json"
    original = json.loads(path.read_text())
    page = (out / cid / "report.html").read_text()
    tampered = dict(original, metrics={}, markers=[])
    path.write_text(json.dumps(tampered))
    (out / cid / "report.html").write_text("stale")
    r = CliRunner().invoke(app, ["rescore", str(out)])
    assert r.exit_code == 0, r.output
    again = json.loads(path.read_text())
    validate(again)
    assert again["metrics"] == original["metrics"] and again["markers"] == original["markers"]
    assert again["words"] == original["words"] and "rescored_at" in again["run"]
    assert (out / cid / "report.html").read_text() == page  # the report follows the new scores
