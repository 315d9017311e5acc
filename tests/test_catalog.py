"""Drop-folder operation: the catalog, watch mode, crash recovery, concurrent workers, reps and team views.

Stand-in models throughout (the behaviour under test is the bookkeeping); workers that must be killed or run
side by side are real processes (``tests/worker.py``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.audio import write_wav
from pipeline.batch import run_batch
from pipeline.callmeta import InboxRules
from pipeline.catalog import SCHEMA_VERSION, Catalog, worker_id
from pipeline.cli import app
from pipeline.engines import Engines, RunOptions
from pipeline.errors import ConfigError, StorageError
from pipeline.report.reps import rep_folders
from pipeline.transcribe import TranscribeOptions

from .conftest import ROOT, FakeChannelDiarizer, FakeDiarizer, FakeTranscriber, tone

OPTS = RunOptions(transcribe=TranscribeOptions(model="fake"))


def _call(seed: int, n: int = 4) -> np.ndarray:
    """A short two-voice recording; ``seed`` makes each one's audio (and so its content hash) different."""
    parts = []
    for i in range(n):
        parts += [tone(1.5 + 0.01 * seed, 200 + 150 * (i % 2) + seed), np.zeros(int(0.6 * 16000), np.float32)]
    return np.concatenate(parts)


def _engines() -> Engines:
    return Engines(OPTS, FakeTranscriber(), FakeDiarizer(), FakeChannelDiarizer())


def _rows(out: Path) -> dict[str, dict]:
    with Catalog.for_out(out) as cat:
        return {r.source: r.to_dict() for r in cat.rows()}


# --- the catalog itself -----------------------------------------------------------------------------------------

def test_catalog_schema_is_versioned_and_refuses_a_newer_one(tmp_path):
    with Catalog(tmp_path / "c.sqlite") as cat:
        assert cat.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert cat.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        cat.db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(Exception, match="newer callreview"):
        Catalog(tmp_path / "c.sqlite")


def _open_at(path: str, start) -> str | None:
    start.wait()
    try:
        Catalog(path).close()
    except Exception as e:  # reported back to the test, which names it
        return str(e)
    return None


def test_processes_opening_one_new_catalog_at_once_all_succeed(tmp_path):
    """Several workers started together on an empty OUT: each creates/migrates the same new file at once.

    SQLite answers "database is locked" without waiting while a new file switches to WAL; this failed about one
    round in five before the open retried.
    """
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    errors = []
    with ctx.Manager() as manager, ctx.Pool(4) as pool:
        for i in range(15):
            start = manager.Barrier(4)
            path = str(tmp_path / f"c{i}.sqlite")
            errors += [e for e in pool.starmap(_open_at, [(path, start)] * 4) if e]
            with Catalog(path) as cat:
                assert cat.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert errors == []


def test_a_claim_goes_to_exactly_one_worker(tmp_path):
    with Catalog(tmp_path / "c.sqlite") as cat:
        for i in range(40):
            cat.observe(f"f{i}.wav", 10, 1.0, 0.0)
            cat.enqueue(f"f{i}.wav", f"{i:064x}", {"call_id": f"f{i}"}, "s", float(i))
    got: dict[str, list[str]] = {"a": [], "b": []}

    start = threading.Barrier(2)

    def take(name):  # one connection per worker, as each process has its own
        with Catalog(tmp_path / "c.sqlite") as cat:
            start.wait()
            while (row := cat.claim(name, time.time())) is not None:
                got[name].append(row.source)
                time.sleep(0.005)  # "work" on it, so the two workers interleave

    threads = [threading.Thread(target=take, args=(n,)) for n in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got["a"] + got["b"]) == sorted(f"f{i}.wav" for i in range(40))
    assert not set(got["a"]) & set(got["b"]) and got["a"] and got["b"]


def test_a_dead_workers_claim_is_queued_again(tmp_path):
    with Catalog(tmp_path / "c.sqlite") as cat:
        cat.observe("x.wav", 1, 1.0, 0.0)
        cat.enqueue("x.wav", "0" * 64, {"call_id": "x"}, "s", 0.0)
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        assert cat.claim(worker_id(dead.pid), time.time()).status == "running"
        assert cat.recover(stale_s=120, now=time.time()) == ["x.wav"]
        assert cat.get("x.wav").status == "queued"
        # a live worker's claim is left alone
        cat.claim(worker_id(), time.time())
        assert cat.recover(stale_s=120, now=time.time()) == [] and cat.get("x.wav").status == "running"


# --- run: the catalog decides ----------------------------------------------------------------------------------

def test_run_records_every_recording_and_duplicates_once(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    (inbox / "ann").mkdir(parents=True)
    write_wav(inbox / "ann" / "a.wav", _call(1))
    write_wav(inbox / "ann" / "a copy.wav", _call(1))  # same audio, another name
    (inbox / "broken.wav").write_bytes(b"RIFF....WAVEfmt garbage")
    results = {r.source: r for r in run_batch(inbox, out, OPTS, engines=_engines())}
    assert results["ann/a copy.wav"].status == "done" and results["ann/a.wav"].status == "duplicate"
    assert "same audio as ann/a copy.wav" in results["ann/a.wav"].error
    assert results["broken.wav"].status == "failed"
    rows = _rows(out)
    assert {s: r["status"] for s, r in rows.items()} == {"ann/a copy.wav": "done", "ann/a.wav": "duplicate",
                                                          "broken.wav": "failed"}
    assert rows["ann/a copy.wav"]["rep"] == "ann" and rows["ann/a copy.wav"]["timings"]["total"] > 0
    # status shows the failure, retry queues it, a rerun without retry leaves it alone
    res = CliRunner().invoke(app, ["status", str(out)])
    assert res.exit_code == 0 and "failed: broken.wav" in res.output and "duplicate: ann/a.wav" in res.output
    again = {r.source: r.status for r in run_batch(inbox, out, OPTS, engines=_engines())}
    assert again == {"ann/a copy.wav": "skipped", "ann/a.wav": "duplicate", "broken.wav": "failed"}
    assert _rows(out)["broken.wav"]["attempts"] == 1
    res = CliRunner().invoke(app, ["retry", str(out)])
    assert res.exit_code == 0 and "queued 1" in res.output
    run_batch(inbox, out, OPTS, engines=_engines())
    assert _rows(out)["broken.wav"]["attempts"] == 2


def test_a_file_still_being_copied_waits(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    write_wav(inbox / "landing.wav", _call(2))
    results = run_batch(inbox, out, OPTS, engines=_engines(), settle_s=2.0, wait_for_copies_s=0.0)
    assert [(r.source, r.status) for r in results] == [("landing.wav", "waiting")]
    old = time.time() - 60
    os.utime(inbox / "landing.wav", (old, old))  # a copy tool that restores the original's time (cp -p, rsync -t)
    results = run_batch(inbox, out, OPTS, engines=_engines(), settle_s=2.0, wait_for_copies_s=0.0)
    assert [r.status for r in results] == ["waiting"]  # its ctime says it changed just now
    time.sleep(2.1)
    assert [r.status for r in run_batch(inbox, out, OPTS, engines=_engines(), settle_s=2.0)] == ["done"]


def test_full_disk_is_a_clear_failure_and_nothing_is_lost(tmp_path, monkeypatch):
    import pipeline.batch

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    write_wav(inbox / "a.wav", _call(3))

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.batch, "write_json_atomic", full)
    with pytest.raises(StorageError, match="is full.*free space, then `callreview retry"):  # the batch stops
        run_batch(inbox, out, OPTS, engines=_engines())
    row = _rows(out)["a.wav"]
    assert (inbox / "a.wav").is_file() and row["status"] == "failed" and "is full" in row["error"]
    monkeypatch.undo()
    CliRunner().invoke(app, ["retry", str(out)])
    [r] = run_batch(inbox, out, OPTS, engines=_engines())
    assert r.status == "done"


def _worker(inbox: Path, out: Path, delay: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.worker", str(inbox), str(out), str(delay)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_run_processes_on_one_inbox_process_each_file_once(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    names = [f"call{i}.wav" for i in range(6)]
    for i, n in enumerate(names):
        write_wav(inbox / n, _call(10 + i))
    procs = [_worker(inbox, out, 0.4) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outputs]
    done = [json.loads(o[0].strip().splitlines()[-1]) for o in outputs]
    assert sorted(done[0] + done[1]) == names and not set(done[0]) & set(done[1])
    rows = _rows(out)
    assert len(rows) == 6 and all(r["status"] == "done" and r["attempts"] == 1 for r in rows.values())


def test_kill_9_mid_call_then_restart_redoes_only_that_call(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    names = [f"call{i}.wav" for i in range(3)]
    for i, n in enumerate(names):
        write_wav(inbox / n, _call(20 + i))
    proc = _worker(inbox, out, 2.0)
    deadline = time.time() + 120
    victim = None
    while time.time() < deadline:  # wait until one call is done and the next is in progress
        if (out / "catalog.sqlite").is_file():
            rows = _rows(out)
            running = [s for s, r in rows.items() if r["status"] == "running"]
            if running and any(r["status"] == "done" for r in rows.values()):
                victim = running[0]
                break
        time.sleep(0.1)
    assert victim, "the worker never got going"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _rows(out)
    assert before[victim]["status"] == "running"  # what a crash leaves behind
    finished_before = {s: r["finished_at"] for s, r in before.items() if r["status"] == "done"}
    restart = _worker(inbox, out, 0.0)
    stdout, stderr = restart.communicate(timeout=300)
    assert restart.returncode == 0, stderr[-2000:]
    redone = json.loads(stdout.strip().splitlines()[-1])
    assert victim in redone and not set(redone) & set(finished_before)  # only what was not finished
    after = _rows(out)
    assert sorted(after) == names and all(r["status"] == "done" for r in after.values())
    assert after[victim]["attempts"] == 2
    assert {s: after[s]["finished_at"] for s in finished_before} == finished_before
    assert not list(out.rglob("*.tmp"))


def test_watch_picks_up_a_file_dropped_while_it_runs(tmp_path):
    from pipeline.watch import watch

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    (inbox / "bo").mkdir(parents=True)
    write_wav(inbox / "bo" / "first.wav", _call(30))
    stop = threading.Event()
    seen: list[str] = []
    t = threading.Thread(target=watch, args=(inbox, out, OPTS, _engines()),
                         kwargs={"stop": stop, "settle_s": 0.5, "rescan_s": 5.0, "on_result": lambda r: seen.append(r.source)})
    t.start()
    try:
        deadline = time.time() + 60
        while "bo/first.wav" not in seen and time.time() < deadline:
            time.sleep(0.1)
        # a recording copied in while watch runs, in pieces, with a hidden partial name first (as rsync does)
        data = (lambda p: (write_wav(p, _call(31)), p.read_bytes())[1])(tmp_path / "src.wav")
        part = inbox / "bo" / ".second.wav.partial"
        part.write_bytes(data[: len(data) // 2])
        time.sleep(0.3)
        part.write_bytes(data)
        part.rename(inbox / "bo" / "second.wav")
        while "bo/second.wav" not in seen and time.time() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        t.join(timeout=30)
    assert seen == ["bo/first.wav", "bo/second.wav"]
    rows = _rows(out)
    assert set(rows) == {"bo/first.wav", "bo/second.wav"} and all(r["attempts"] == 1 for r in rows.values())
    assert (out / "index.html").is_file() and "second" in (out / "index.html").read_text()


# --- which rep, which day ----------------------------------------------------------------------------------------

def test_reps_from_mapping_pattern_and_folder(tmp_path):
    csv = tmp_path / "reps.csv"
    csv.write_text("path,rep\nnorth/*.wav,Ann Lee\nspecial call.wav,Bo\n")
    rules = InboxRules.load(csv, r"^calls/(?P<rep>[a-z]+)_", "%Y%m%d-%H%M")
    assert rules.rep("north/x.wav") == ("Ann Lee", "mapping")
    assert rules.rep("any/special call.wav") == ("Bo", "mapping")
    assert rules.rep("calls/cy_20261120-0915.wav") == ("cy", "pattern")
    assert rules.rep("dee/x.wav") == ("dee", "folder")
    assert rules.rep("x.wav") == (None, None)
    info = rules.info(tmp_path / "reps.csv", "calls/cy_20261120-0915.wav")
    assert (info.recorded_at, info.recorded_at_from) == ("2026-11-20T09:15:00", "filename")
    csv.write_text("file,who\na,b\n")
    with pytest.raises(ConfigError, match="path,rep"):
        InboxRules.load(csv)
    with pytest.raises(ConfigError, match=r"\(\?P<rep>"):
        InboxRules.load(rep_pattern="^([a-z]+)_")
    with pytest.raises(ConfigError, match="only %Y"):
        InboxRules.load(date_format="%Y-%b-%d")


def test_rep_names_that_clash_after_sanitising_get_separate_folders():
    names = rep_folders({"Ann Lee", "ann-lee", "Bo"})
    assert names["Bo"] == "bo" and len(set(names.values())) == 3
    assert names["Ann Lee"].startswith("ann-lee-") and names["ann-lee"].startswith("ann-lee-")


# --- team views --------------------------------------------------------------------------------------------------

# (rep, day, time) of each call: three reps over three days; cy's first call on day 2 is late
TEAM_CALLS = [
    ("ann", "2026-11-16", "08:50"), ("ann", "2026-11-16", "11:00"), ("ann", "2026-11-17", "09:05"),
    ("ann", "2026-11-24", "09:10"),
    ("bo", "2026-11-16", "09:20"), ("bo", "2026-11-18", "08:40"), ("bo", "2026-11-18", "10:15"),
    ("bo", "2026-11-18", "14:30"),
    ("cy", "2026-11-17", "09:25"), ("cy", "2026-11-18", "10:05"), ("cy", "2026-11-25", "09:00"),
]


def team_batch(tmp_path: Path) -> Path:
    """Three reps over several days; the call time is in each file name."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    for i, (rep, day, at) in enumerate(TEAM_CALLS):
        (inbox / rep).mkdir(parents=True, exist_ok=True)
        write_wav(inbox / rep / f"{day}_{at.replace(':', '')}.wav", _call(40 + i, n=2))
    results = run_batch(inbox, out, OPTS, engines=_engines())
    assert all(r.status == "done" for r in results)
    return out


@pytest.fixture
def team_out(tmp_path):
    return team_batch(tmp_path)


def expected_days() -> dict[tuple[str, str], tuple[int, str]]:
    days: dict[tuple[str, str], list[str]] = {}
    for rep, day, at in TEAM_CALLS:
        days.setdefault((rep, day), []).append(at)
    return {k: (len(v), min(v)) for k, v in days.items()}


def test_team_tables_count_calls_and_first_call_per_rep_per_day(team_out):
    import pandas as pd

    for frame in (pd.read_csv(team_out / "team.csv", dtype={"first_call": str}),
                  pd.read_parquet(team_out / "team.parquet")):
        got = {(r.rep, r.date): (int(r.calls), r.first_call) for r in frame.itertuples()}
        assert got == expected_days()
        late = {(r.rep, r.date) for r in frame.itertuples() if r.first_call_late}
        assert late == {(rep, day) for (rep, day), (_, first) in expected_days().items() if first > "09:30"}


def test_rep_folders_hold_only_their_own_calls(team_out):
    for rep in ("ann", "bo", "cy"):
        folder = team_out / "reps" / rep
        calls = [p for p in folder.iterdir() if p.is_dir()]
        assert len(calls) == sum(1 for r, _, _ in TEAM_CALLS if r == rep)
        for c in calls:
            assert json.loads((c / "analysis.json").read_text())["call"]["rep"] == rep
            assert (c / "report.html").is_file() and (c / "audio.mp3").is_file()
        index = (folder / "index.html").read_text()
        others = [r for r in ("ann", "bo", "cy") if r != rep]
        assert all(f"{o}__" not in index for o in others) and f"{rep}__" in index


def test_progress_board_ranks_improvement():
    from pipeline.report import CallEntry
    from pipeline.report.team import progress

    def doc(rep, when, markers, ratio):
        return CallEntry(f"{rep}{when}", {"call": {"rep": rep, "recorded_at": when},
                                          "metrics": {"talk_ratio_rep": ratio, "rep_talk_s": 60.0},
                                          "markers": [{"family": "hesitancy"}] * markers})

    calls = [doc("ann", "2026-11-16T09:00:00", 6, 0.70), doc("ann", "2026-11-24T09:00:00", 1, 0.45),
             doc("bo", "2026-11-16T09:00:00", 2, 0.45), doc("bo", "2026-11-24T09:00:00", 2, 0.45),
             doc("cy", "2026-11-16T09:00:00", 3, 0.5)]
    board = progress(calls)
    assert [b["rep"] for b in board] == ["ann", "bo", "cy"]
    assert board[0]["score"] > board[1]["score"] == 0 and board[2]["score"] is None


class _WaitsForThePeer:
    """A slow stand-in transcriber whose first call waits (up to 60 s) until another job, which loads its models
    in a new process, has claimed a recording: on a loaded machine this one could otherwise finish them all."""

    def __init__(self, out: Path, delay: float):
        from .worker import SlowTranscriber

        self._inner, self.out = SlowTranscriber(delay), out
        self.engine, self.model_name, self.options = "fake", "fake", self._inner.options

    @property
    def calls(self) -> int:
        return self._inner.calls

    def transcribe(self, samples, clips=None, options=None):
        if self._inner.calls == 0:
            deadline = time.monotonic() + 60
            with Catalog.for_out(self.out) as cat:
                while time.monotonic() < deadline and not any(
                        r.worker not in (None, worker_id()) or r.attempts > 1 for r in cat.rows()):
                    time.sleep(0.05)
        return self._inner.transcribe(samples, clips, options)


def _jobs_run(tmp_path: Path, n: int, seed: int, delay: float, factory) -> tuple[list, Path, list[str], Engines]:
    """``run --jobs 2`` over ``n`` stand-in calls: this process with a transcriber that waits for the other
    job, which builds its models with ``factory``."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    names = [f"call{i}.wav" for i in range(n)]
    for i, name in enumerate(names):
        write_wav(inbox / name, _call(seed + i))
    opts = RunOptions(transcribe=TranscribeOptions(model="fake"), verbatim_rep=False)
    main = Engines(opts, _WaitsForThePeer(out, delay), FakeDiarizer(), FakeChannelDiarizer())
    return run_batch(inbox, out, opts, engines=main, jobs=2, engine_factory=factory), out, names, main


def test_jobs_share_one_catalog_and_every_call_is_done_once(tmp_path):
    from .worker import fake_engines

    results, out, names, main = _jobs_run(tmp_path, 6, 60, 0.3, fake_engines)
    assert sorted(r.source for r in results if r.status == "done") == names
    rows = _rows(out)
    workers = {r["worker"] for r in rows.values()}  # cleared when finished; the runs table keeps the command
    assert all(r["status"] == "done" and r["attempts"] == 1 for r in rows.values()) and workers == {None}
    assert main.transcriber.calls < 6  # the other process took its share
    with Catalog.for_out(out) as cat:
        assert cat.last_runs(1)[0]["command"] == "run --jobs 2"


def test_a_jobs_worker_that_dies_mid_call_does_not_hang_the_batch(tmp_path):
    from .worker import dying_engines

    t0 = time.monotonic()
    results, out, names, _ = _jobs_run(tmp_path, 4, 80, 0.5, dying_engines)
    assert time.monotonic() - t0 < 120
    assert sorted(r.source for r in results if r.status == "done") == names
    rows = _rows(out)
    assert all(r["status"] == "done" for r in rows.values())
    # the call the dead job had claimed was queued again and done here: a second attempt
    assert sorted(r["attempts"] for r in rows.values()) == [1, 1, 1, 2]
