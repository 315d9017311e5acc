"""``run --ray``: the batch on a Ray cluster - here a real local Ray instance started in-process.

The stand-in tests check the bookkeeping (every call once, a call that keeps killing its worker is failed and
the batch finishes); the real-model test runs the sample calls on two workers, kills one in the middle of a call
and compares every analysis with a local run's.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.audio import write_wav
from pipeline.batch import run_batch
from pipeline.catalog import Catalog
from pipeline.cli import app
from pipeline.engines import Engines, RunOptions
from pipeline.errors import ConfigError
from pipeline.transcribe import TranscribeOptions

from .conftest import ROOT, SAMPLES, tone
from .worker import POISON_PEAK, poison_engines

ray = pytest.importorskip("ray", reason="the Ray extra is part of requirements.lock; CI installs it")

from pipeline.cluster import RayExecutor, RayOptions  # noqa: E402  (after the extra is known to be there)

FAKE = RunOptions(transcribe=TranscribeOptions(model="fake"), verbatim_rep=False)


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance (2 CPUs) whose workers can import the tests' stand-in models (its processes
    inherit this environment, PYTHONPATH included)."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), old) if p)
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=300 * 2**20)
        yield ray
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _call(seconds: float, seed: int) -> np.ndarray:
    """Two alternating voices filling ``seconds`` (distinct content per seed)."""
    parts, n = [], 0.0
    i = 0
    while n < seconds - 2.2:
        parts += [tone(1.5, 200 + 150 * (i % 2) + seed), np.zeros(int(0.6 * 16000), np.float32)]
        n += 2.1
        i += 1
    x = np.concatenate(parts)
    return np.pad(x, (0, int(seconds * 16000) - len(x)))


def _worker_pids() -> set[int]:
    """Processes of Ray actors running ``CallWorker`` (Ray names them by their class)."""
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            except OSError:
                continue
            if cmd.startswith("ray::CallWorker"):
                out.add(int(d.name))
    return out


def _busy_worker() -> int | None:
    for pid in _worker_pids():
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"ray::CallWorker.analyze"):
                return pid
        except OSError:
            pass
    return None


def _content(doc: dict) -> dict:
    """What an analysis says about the call (not when, where or how fast it was made). Word confidences are
    compared apart: one in 250 was seen to differ in its third decimal between processes."""
    keep = ("speakers", "roles", "segments", "metrics", "markers", "feedback", "warnings")
    words = [{k: v for k, v in w.items() if k != "probability"} for w in doc["words"]]
    return {k: doc[k] for k in keep} | {"words": words} | {
        "call": {k: doc["call"][k] for k in ("sha256", "duration_s", "channel_mode")}}


def test_without_the_extra_run_ray_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(ConfigError, match=r"pip install 'callreview\[ray\]'"):
        run_batch(tmp_path, tmp_path / "out", FAKE, executor=RayExecutor(RayOptions()))
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(app, ["run", str(SAMPLES), "--out", str(tmp_path / "o"), "--ray", "--device", "cpu"])
    assert result.exit_code != 0 and "pip install 'callreview[ray]'" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_ray_and_jobs_do_not_mix(tmp_path):
    with pytest.raises(ConfigError, match="--jobs and --ray"):
        run_batch(tmp_path, tmp_path / "out", FAKE, executor=RayExecutor(RayOptions()), jobs=2)


def test_a_call_that_keeps_killing_its_worker_fails_and_the_rest_finish(local_ray, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for i in range(4):
        write_wav(inbox / f"call{i}.wav", _call(5.0 + i * 0.5, i))
    write_wav(inbox / "poison.wav", _call(7.0, 9) * (1.05 * POISON_PEAK / 0.3))
    results = run_batch(inbox, out, FAKE, settle_s=0.0,
                        executor=RayExecutor(RayOptions(workers=2, cpus_per_worker=1, max_retries=1), poison_engines))
    by = {r.source: r for r in results}
    assert [by[f"call{i}.wav"].status for i in range(4)] == ["done"] * 4, [by[f"call{i}.wav"].error for i in range(4)]
    assert by["poison.wav"].status == "failed" and "worker died 2 times" in by["poison.wav"].error
    with Catalog.for_out(out) as cat:
        rows = {r.source: r for r in cat.rows()}
    assert len(rows) == 5 and all(r.attempts == 1 for r in rows.values())  # claimed once each, by the driver
    assert rows["poison.wav"].status == "failed" and "worker died" in rows["poison.wav"].error
    err = json.loads((out / rows["poison.wav"].call_id / "error.json").read_text())
    assert "worker died" in err["error"] and "\n" not in err["error"]
    for i in range(4):  # the driver wrote each finished call's outputs
        folder = out / rows[f"call{i}.wav"].call_id
        assert {"analysis.json", "diarization.rttm", "report.html", "audio.mp3"} <= {p.name for p in folder.iterdir()}
    assert (out / "index.html").is_file()
    # a second run finds nothing to do and starts no workers
    again = run_batch(inbox, out, FAKE, settle_s=0.0, executor=RayExecutor(RayOptions(workers=2), poison_engines))
    assert {r.status for r in again} == {"skipped", "failed"}


def test_sample_calls_on_two_workers_one_killed_mid_call_equal_a_local_run(local_ray, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in sorted(SAMPLES.iterdir()):
        if p.suffix in (".wav", ".flac", ".mp3") and not p.name.startswith("."):
            shutil.copy(p, inbox / p.name)
    options = RunOptions()
    killed: dict[str, object] = {}

    def kill_one_mid_call():
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and "pid" not in killed:
            pid = _busy_worker()
            if pid is not None:
                time.sleep(1.5)  # well inside the call (each takes several seconds)
                if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"ray::CallWorker.analyze"):
                    killed["before"] = _worker_pids()
                    os.kill(pid, signal.SIGKILL)
                    killed["pid"] = pid
                    return
            time.sleep(0.1)

    killer = threading.Thread(target=kill_one_mid_call, daemon=True)
    killer.start()
    ray_out = tmp_path / "ray_out"
    results = run_batch(inbox, ray_out, options, settle_s=0.0,
                        executor=RayExecutor(RayOptions(workers=2, cpus_per_worker=1)))
    killer.join(timeout=5)
    assert "pid" in killed, "no worker was seen in the middle of a call"
    assert sorted(r.status for r in results) == ["done"] * len(results) and len(results) == 4
    workers = {r.worker for r in results}
    restarted = {w for w in workers if int(w.rsplit(":", 1)[1]) not in killed["before"]}
    assert restarted, (workers, killed)  # the killed worker came back and finished a call
    with Catalog.for_out(ray_out) as cat:
        assert all(r.attempts == 1 and r.status == "done" for r in cat.rows())

    # the local run with the same threads per process as a worker (1 CPU each), so the arithmetic is the same
    monkeypatch.setenv("CALLREVIEW_THREADS", "1")
    local_out = tmp_path / "local_out"
    run_batch(inbox, local_out, options, engines=Engines(options), settle_s=0.0, reports=False)
    for r in results:
        remote = json.loads((ray_out / r.call_id / "analysis.json").read_text())
        local = json.loads((local_out / r.call_id / "analysis.json").read_text())
        assert _content(remote) == _content(local), r.source
        confidence = np.array([[w["probability"] for w in d["words"]] for d in (remote, local)])
        assert np.abs(confidence[0] - confidence[1]).max() <= 0.01, r.source
        assert (ray_out / r.call_id / "diarization.rttm").read_text() == (local_out / r.call_id / "diarization.rttm").read_text()


def test_the_pool_serves_calls_that_arrive_after_the_first_round(local_ray, tmp_path):
    """run_batch calls the pool again once files that were still being copied have settled."""
    from pipeline.batch import Batch

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    write_wav(inbox / "first.wav", _call(5.0, 1))
    batch = Batch(inbox, out, FAKE, settle_s=0.0)
    with RayExecutor(RayOptions(workers=1, cpus_per_worker=1), poison_engines) as runner:
        batch.scan()
        assert [r.status for r in runner.work(batch)] == ["done"]
        pool = list(runner.actors)
        write_wav(inbox / "later.wav", _call(6.0, 2))
        batch.scan()
        again = runner.work(batch)
        assert [(r.source, r.status) for r in again] == [("later.wav", "done")]
        assert runner.actors == pool  # the same workers, models not loaded again
    batch.close()


def test_a_finished_call_that_cannot_be_brought_up_to_date_fails_alone_as_in_a_local_run(local_ray, tmp_path,
                                                                                      monkeypatch):
    """The driver reuses a finished call's analysis (a lost audio copy made again, no model) through the same
    bookkeeping as a local run: an OSError while doing so fails that call, and the rest of the batch goes on."""
    import pipeline.batch
    from pipeline.audio import PLAYABLE_NAME

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, seed in (("a.wav", 1), ("b.wav", 2)):
        write_wav(inbox / name, _call(5.0, seed))
    refresh = pipeline.batch.refresh

    def unreadable_a(doc, path, folder):
        if path.name == "a.wav":
            raise OSError(5, "Input/output error")
        return refresh(doc, path, folder)

    outcomes = {}
    for kind, executor in (("local", lambda: None),
                           ("ray", lambda: RayExecutor(RayOptions(workers=1, cpus_per_worker=1), poison_engines))):
        out = tmp_path / kind
        first = run_batch(inbox, out, FAKE, engines=poison_engines(FAKE), settle_s=0.0)
        assert [r.status for r in first] == ["done", "done"]
        for r in first:  # both audio copies lost: both calls are queued again, to be brought up to date
            (out / r.call_id / PLAYABLE_NAME).unlink()
        with monkeypatch.context() as m:
            m.setattr(pipeline.batch, "refresh", unreadable_a)
            results = {r.source: r for r in run_batch(inbox, out, FAKE, settle_s=0.0, executor=executor())}
        with Catalog.for_out(out) as cat:
            rows = {r.source: r.status for r in cat.rows()}
        error = json.loads((out / results["a.wav"].call_id / "error.json").read_text())["error"]
        assert (out / results["b.wav"].call_id / PLAYABLE_NAME).is_file()
        outcomes[kind] = ({s: (r.status, r.error) for s, r in results.items()}, rows, error)
    assert outcomes["ray"] == outcomes["local"]
    results, rows, error = outcomes["ray"]
    assert results["a.wav"][0] == "failed" and "Input/output error" in results["a.wav"][1] and results["b.wav"][0] == "skipped"
    assert rows == {"a.wav": "failed", "b.wav": "done"} and "Input/output error" in error
