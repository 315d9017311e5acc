"""Reports and exports from saved analyses: formats, escaping, determinism, sidecars (stand-in models)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline import report
from pipeline.analysis import validate
from pipeline.audio import PLAYABLE_NAME, decode, write_wav
from pipeline.batch import run_batch
from pipeline.callmeta import read_self_review, recorded_at, rep_from_path
from pipeline.cli import app
from pipeline.engines import Engines, RunOptions
from pipeline.report.view import cues, metric_views, turns
from pipeline.score import METRIC_NAMES
from pipeline.transcribe import TranscribeOptions

from .conftest import FakeChannelDiarizer, FakeDiarizer, FakeTranscriber, tone

HOSTILE_NAME = "<img src=x onerror=alert(1)>.wav"
HOSTILE_WORDS = ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "</v>", "-->", "*bold*", "&amp;", "\"quoted\""]
CALL_FILES = ("report.html", "transcript.vtt", "transcript.md")
BATCH_FILES = ("index.html", "calls.csv", "team.html", "team.csv", "team.parquet", "leaderboard.html")


def _dialogue(n: int = 6, each: float = 2.0, gap: float = 0.7) -> np.ndarray:
    parts = []
    for i in range(n):
        parts += [tone(each, 200 + 150 * (i % 2)), np.zeros(int(gap * 16000), np.float32)]
    return np.concatenate(parts)


def _engines(script=None) -> Engines:
    return Engines(RunOptions(transcribe=TranscribeOptions(model="fake")), transcriber=FakeTranscriber(script),
                   diarizer=FakeDiarizer(), channel_diarizer=FakeChannelDiarizer())


@pytest.fixture
def batch(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "dana").mkdir(parents=True)
    write_wav(inbox / "dana" / "call 2026-11-20_0915.wav", _dialogue())
    write_wav(inbox / "stereo.wav", np.stack([_dialogue(4), np.zeros_like(_dialogue(4))]))
    (inbox / "broken.wav").write_bytes(b"RIFF not really")
    out = tmp_path / "out"
    results = run_batch(inbox, out, RunOptions(), engines=_engines())
    return inbox, out, results


def _outputs(out: Path) -> dict[str, bytes]:
    names = set(CALL_FILES) | set(BATCH_FILES)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.name in names and "reps" not in p.relative_to(out).parts}


def test_registry_lists_every_format():
    f = report.formats()
    assert {n: (x.scope, x.filename) for n, x in f.items()} == {
        "csv": ("batch", "calls.csv"), "html": ("call", "report.html"), "index": ("batch", "index.html"),
        "md": ("call", "transcript.md"), "vtt": ("call", "transcript.vtt"),
        "leaderboard": ("batch", "leaderboard.html"), "team": ("batch", "team.html"),
        "team_csv": ("batch", "team.csv"), "team_parquet": ("batch", "team.parquet")}


def test_run_writes_reports_audio_and_index(batch):
    _, out, results = batch
    done = [r for r in results if r.status == "done"]
    assert len(done) == 2 and [r.source for r in results if r.status == "failed"] == ["broken.wav"]
    for r in done:
        folder = out / r.call_id
        for name in CALL_FILES + (PLAYABLE_NAME,):
            assert (folder / name).stat().st_size > 0, name
        doc = json.loads((folder / "analysis.json").read_text())
        validate(doc)
        assert doc["call"]["media"] == PLAYABLE_NAME
        played = decode(folder / PLAYABLE_NAME)  # the copy is real audio of the call's length
        assert abs(played.duration_s - doc["call"]["duration_s"]) < 0.1
    for name in BATCH_FILES:
        assert (out / name).is_file()
    index = (out / "index.html").read_text()
    for r in done:
        assert f'href="{r.call_id}/report.html"' in index
    assert "broken.wav" in index and "not a readable recording" in index


def test_call_date_and_rep_come_from_the_file(batch):
    _, out, results = batch
    doc = json.loads(next(out.glob("dana__call*/analysis.json")).read_text())
    assert doc["call"]["rep"] == "dana"
    assert (doc["call"]["recorded_at"], doc["call"]["recorded_at_from"]) == ("2026-11-20T09:15:00", "filename")
    other = json.loads(next(out.glob("stereo-*/analysis.json")).read_text())
    assert other["call"]["rep"] is None and other["call"]["recorded_at_from"] == "file_time"


def test_rebuilding_from_analysis_json_gives_identical_files(batch):
    _, out, _ = batch
    before = _outputs(out)
    assert len(before) == 2 * len(CALL_FILES) + len(BATCH_FILES)
    for p in out.rglob("*"):
        if p.name in before or p.name in CALL_FILES + BATCH_FILES:
            p.unlink()
    res = CliRunner().invoke(app, ["report", str(out)])
    assert res.exit_code == 0, res.output
    assert _outputs(out) == before


def test_report_command_formats_and_errors(batch, tmp_path):
    _, out, _ = batch
    res = CliRunner().invoke(app, ["report", str(out), "--format", "vtt"])
    assert res.exit_code == 0 and "wrote 2 file(s)" in res.output
    res = CliRunner().invoke(app, ["report", str(out), "--format", "pdf"])
    assert res.exit_code == 1 and "unknown format(s) pdf" in res.output
    res = CliRunner().invoke(app, ["report", str(tmp_path / "nothing")])
    assert res.exit_code == 1


def _secs(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_vtt_reads_back_with_the_same_turns(batch):
    import webvtt

    _, out, _ = batch
    for folder in (p.parent for p in out.glob("*/analysis.json")):
        doc = json.loads((folder / "analysis.json").read_text())
        captions = webvtt.read(str(folder / "transcript.vtt"))
        by_turn: dict[str, list] = {}
        for c in captions:
            by_turn.setdefault(c.identifier.rsplit("-", 1)[0], []).append(c)
        ts = turns(doc)
        assert len(by_turn) == len(ts) == len(doc["segments"])
        for t in ts:
            parts = by_turn[f"turn-{t.i + 1}"]
            assert {c.voice for c in parts} == {t.label}
            assert " ".join(c.text for c in parts) == " ".join(w.text for w in t.words)
            assert _secs(parts[0].start) == pytest.approx(t.start, abs=0.002)
            assert _secs(parts[-1].end) == pytest.approx(t.end, abs=0.002)


def test_calls_csv_has_one_row_per_call_and_every_metric(batch):
    import pandas as pd

    _, out, results = batch
    frame = pd.read_csv(out / "calls.csv")
    assert len(frame) == sum(r.status == "done" for r in results)
    assert set(METRIC_NAMES) <= set(frame.columns)
    for _, row in frame.iterrows():
        doc = json.loads((out / row["call_id"] / "analysis.json").read_text())
        for name in METRIC_NAMES:
            v = doc["metrics"][name]
            if v is None:
                assert pd.isna(row[name]), name
            else:
                assert row[name] == pytest.approx(v), name


# --- untrusted text -------------------------------------------------------------------------------------------

def hostile_batch(tmp_path: Path) -> tuple[Path, Path]:
    """A recording named like an HTML tag whose transcript holds script, formulas and cue syntax."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_wav(inbox / HOSTILE_NAME, _dialogue())
    out = tmp_path / "out"
    results = run_batch(inbox, out, RunOptions(), engines=_engines(HOSTILE_WORDS))
    assert [r.status for r in results] == ["done"], results
    return out, out / results[0].call_id


@pytest.fixture
def hostile(tmp_path):
    return hostile_batch(tmp_path)


def test_hostile_names_and_transcripts_are_escaped_everywhere(hostile):
    out, folder = hostile
    page = (folder / "report.html").read_text()
    doc = json.loads((folder / "analysis.json").read_text())
    assert doc["call"]["source"] == HOSTILE_NAME and "<script>alert(1)</script>" in doc["segments"][0]["text"]
    for text in (page, (out / "index.html").read_text()):
        assert "<img src=x" not in text and "<script>alert" not in text
        assert len(re.findall(r"<script\b", text)) == 1  # the page's own script only
        assert "&lt;img src=x onerror=alert(1)&gt;.wav" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    vtt = (folder / "transcript.vtt").read_text()
    assert "&lt;script&gt;" in vtt and "</v>" not in vtt.replace("</v>\n", "") and "-->" not in vtt.replace(" --> ", "")
    md = (folder / "transcript.md").read_text()
    assert "<script>" not in md and "<img" not in md and "\\*bold\\*" in md
    csv = (out / "calls.csv").read_text()
    assert "'<img" not in csv and "'=HYPERLINK" not in csv  # names are data here, not formulas ...
    assert ",=" not in csv  # ... and no cell starts a formula


def test_csp_pins_the_pages_own_script(hostile):
    out, folder = hostile
    for page in ((folder / "report.html").read_text(), (out / "index.html").read_text()):
        csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
        script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
        assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", page, re.I)  # nothing remote


def test_csv_cells_never_start_a_formula(tmp_path):
    from pipeline.report import CallEntry
    from pipeline.report.writers.csv import render

    doc = {"call": {"source": "=cmd|' /C calc'!A0.wav", "rep": "+rep", "duration_s": 1.0}, "metrics": {},
           "speakers": [], "markers": []}
    text = render([CallEntry("x", doc)], [])
    assert "'=cmd" in text and "'+rep" in text


def test_team_csv_cells_never_start_a_formula():
    from pipeline.report import CallEntry
    from pipeline.report.writers.team import render_csv

    docs = [{"call": {"source": f"{rep}/a.wav", "rep": rep, "duration_s": 60.0, "recorded_at": "2026-11-30T09:05:00"},
             "metrics": {"rep_talk_s": 30.0, "talk_ratio_rep": 0.5}, "speakers": [], "markers": []}
            for rep in ("=2+5", "@SUM(A1)", "-x", "ann")]
    rows = render_csv([CallEntry(f"c{i}", d) for i, d in enumerate(docs)], []).splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == ["'-x", "'=2+5", "'@SUM(A1)", "ann"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.split(","))


# --- sidecars -------------------------------------------------------------------------------------------------

def _sidecar(tmp_path: Path, text: str) -> Path:
    rec = tmp_path / "call.wav"
    rec.write_bytes(b"")
    (tmp_path / "call.wav.self.toml").write_text(text)
    return rec


def test_self_review_reads_estimates_in_metric_units(tmp_path):
    rec = _sidecar(tmp_path, 'talk_share = "40%"\nquestions = 9\nrating = 2\nhow_it_went = "rushed <b>it</b>"\n')
    review, warning = read_self_review(rec)
    assert warning is None
    assert review == {"source": "call.wav.self.toml", "estimates": {"talk_ratio_rep": 0.4, "questions_rep": 9},
                      "rating": 2, "how_it_went": "rushed <b>it</b>"}


@pytest.mark.parametrize("text, says", [
    ("talk_share = 140\n", "talk_share must be a number from 0 to 100"),
    ("rating = 9\n", "rating must be a whole number from 1 to 5"),
    ("talk_ratio = 0.4\n", "unknown keys ['talk_ratio']"),
    ("talk_share = \n", "not valid TOML"),
    ('reviewer = "me"\n', "holds nothing to compare"),
])
def test_a_bad_self_review_is_a_warning(tmp_path, text, says):
    review, warning = read_self_review(_sidecar(tmp_path, text))
    assert review is None and says in warning


def test_self_review_written_after_the_run_is_picked_up_without_models(batch):
    inbox, out, _ = batch
    rec = inbox / "dana" / "call 2026-11-20_0915.wav"
    rec.with_name(rec.name + ".self.toml").write_text("talk_share = 35\nquestions = 12\n")
    folder = next(out.glob("dana__call*"))
    (folder / PLAYABLE_NAME).unlink()  # a lost audio copy is rewritten too
    (inbox / "broken.wav").unlink()  # a failed file would be retried, and that needs the models
    results = run_batch(inbox, out, RunOptions(transcribe=TranscribeOptions(model="fake")))  # no engines: no models
    assert {r.source: (r.status, r.error) for r in results}["dana/call 2026-11-20_0915.wav"] == ("skipped", None)
    doc = json.loads((folder / "analysis.json").read_text())
    validate(doc)
    assert doc["self_review"]["estimates"] == {"talk_ratio_rep": 0.35, "questions_rep": 12}
    assert (folder / PLAYABLE_NAME).is_file()
    page = (folder / "report.html").read_text()
    assert 'id="self-review"' in page and "35%" in page


# --- pure view logic ------------------------------------------------------------------------------------------

def _doc(words, segments, speakers=(("A", "rep"), ("B", "buyer")), markers=()):
    return {"call": {"duration_s": 60.0}, "speakers": [{"id": i, "role": r, "talk_s": 1.0} for i, r in speakers],
            "words": [{"start": s, "end": e, "text": t, "speaker": sp} for s, e, t, sp in words],
            "segments": [{"start": s, "end": e, "speaker": sp, "text": t} for s, e, sp, t in segments],
            "markers": list(markers), "metrics": {}}


def test_turns_give_each_word_to_exactly_one_overlapping_turn():
    words = [(0.0, 0.4, "so", "A"), (0.5, 0.9, "we", "A"), (0.8, 1.2, "wait", "B"), (1.0, 1.4, "ship", "A"),
             (1.3, 1.7, "what", "B")]
    doc = _doc(words, [(0.0, 1.4, "A", "so we ship"), (0.8, 1.7, "B", "wait what")])
    ts = turns(doc)
    assert [(t.label, [w.text for w in t.words]) for t in ts] == [("Rep", ["so", "we", "ship"]), ("Buyer", ["wait", "what"])]
    assert sorted(w.i for t in ts for w in t.words) == list(range(len(words)))


def test_long_turns_become_balanced_caption_cues():
    text = ("we could maybe look at the numbers together next week if that works for you and your team " * 3).split()
    words = [(i * 0.3, i * 0.3 + 0.25, w, "A") for i, w in enumerate(text)]
    doc = _doc(words, [(0.0, words[-1][1], "A", " ".join(text))])
    cs = cues(doc)
    assert len(cs) > 1 and all(len(c.text) <= 84 and c.end - c.start <= 7.0 for c in cs)
    assert " ".join(c.text for c in cs) == " ".join(text)
    lengths = [len(c.text.split()) for c in cs]
    assert min(lengths) >= max(lengths) / 2  # no one-word tail


def test_metric_views_place_values_against_their_bands():
    doc = _doc([], [])
    doc["metrics"] = {"talk_ratio_rep": 0.72, "patience_s": 1.2, "interruptions_rep": 0, "next_step_set": False,
                      "longest_monologue_rep_s": 400.0}
    views = {v.spec.name: v for v in metric_views(doc)}
    assert views["talk_ratio_rep"].status == "high" and views["talk_ratio_rep"].text == "72%"
    assert views["talk_ratio_rep"].value_pct == 72.0 and views["talk_ratio_rep"].ref_pct == 43.0
    assert views["patience_s"].status == "good" and views["interruptions_rep"].status == "good"
    assert views["next_step_set"].status == "low" and views["next_step_set"].text == "no"
    assert views["longest_monologue_rep_s"].value_pct < 100  # the scale grows to fit
    assert views["questions_rep"].status is None and views["questions_rep"].text == "n/a"


def test_rep_and_recording_time_rules(tmp_path):
    assert rep_from_path("alice/2026/call.wav") == "alice" and rep_from_path("call.wav") is None
    f = tmp_path / "x.wav"
    f.write_bytes(b"x")
    os.utime(f, (1_700_000_000, 1_700_000_000))
    assert recorded_at(f, "a/20261121-081500 call.wav", None) == ("2026-11-21T08:15:00", "filename")
    assert recorded_at(f, "a/call 2026_11_21.wav", None) == ("2026-11-21T00:00:00", "filename")
    when, source = recorded_at(f, "call.wav", "2026-11-21T08:15:00.000000Z")
    assert source == "metadata" and when.startswith("2026-11-2")
    assert recorded_at(f, "call.wav", "1970-01-01T00:00:00Z")[1] == "file_time"  # an unset recorder clock
    assert recorded_at(f, "order 12345678901.wav", None)[1] == "file_time"  # long numbers are not dates
