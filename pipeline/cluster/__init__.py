"""Running a batch on a Ray cluster (``callreview run INBOX --out OUT --ray [ADDRESS]``).

The driver (the ``run`` process) stays what a local run is: it scans the inbox into the catalog, claims each
recording, and writes every output and catalog row itself. Only the analysis moves: each claimed call becomes a
task on a pool of Ray actors (``CallWorker``), each holding the models loaded once, with the CPUs, GPUs and
memory it declares. A task gets a path and returns the ``analysis.json`` document, the RTTM and the audio copy's
bytes, so nothing on the cluster writes to ``OUT`` and nothing is written twice. ``RayExecutor`` is the batch's
executor for this (``pipeline.batch.Executor``): the CLI builds it for ``--ray`` and hands it to ``run_batch``, so
this package depends on the batch and the batch knows nothing of Ray.

Faults are Ray's: an actor that dies (killed, out of memory, its node lost) is restarted, models reloaded, and
the call it was running is retried, at most ``max_retries`` times; after that the call is marked failed with the
error and the rest of the batch goes on. A bad recording is not a fault: it comes back as an error and is
recorded as failed at once, as in a local run.

Assumptions (README "Running on a cluster"): every worker reaches the inbox at the same absolute path (a shared
filesystem: NFS, EFS, a mounted bucket) and has callreview with its models installed (``make setup``, or an
image built from it). Outputs need no shared path: they come back through Ray's object store to the driver.
To read recordings from object storage instead, ``CallWorker.analyze`` is the one place to change: fetch the
object to a temporary file before decoding.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import CallReviewError, ConfigError, ModelError

RAY_MISSING = "--ray needs Ray, an optional extra: pip install 'callreview[ray]' (or pip install 'ray[default]')"


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide: the cluster address and what each worker (actor) declares."""

    address: str | None = None  # None or "local": start Ray on this machine; "auto": the running cluster here;
    #                             "ray://host:10001" or "host:6379": a remote one
    workers: int | None = None  # actors in the pool; None: as many as the cluster's CPUs (or GPUs) allow
    cpus_per_worker: float = 2.0  # also the inference threads each worker uses
    gpus_per_worker: float = 0.0  # > 0: the worker runs its models on the GPU it is given
    memory_gb_per_worker: float = 2.0  # base model, diarizer and an hour-long call fit in about 1.6 GB
    max_retries: int = 2  # a call whose worker died is retried this many times, then marked failed


def _ray():
    try:
        import ray
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


class CallWorker:
    """One Ray actor: the models, loaded once, and ``analyze`` for one recording at a time."""

    def __init__(self, options, engine_factory: Callable | None, threads: int):
        from ..compute import limit_threads

        limit_threads(threads)
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.load_error: str | None = None
        try:
            if engine_factory is not None:
                self.engines = engine_factory(options)
            else:
                from ..engines import Engines

                self.engines = Engines(options)
        except CallReviewError as e:  # reported with each call, so the driver can stop the batch cleanly
            self.load_error = str(e)

    def analyze(self, job: dict[str, Any], voices: Any = None) -> dict[str, Any]:
        """Analyse ``job["path"]``; return the document, the RTTM and the audio copy, or the error."""
        from ..analyze import analyze_file

        where = {"host": self.host, "pid": self.pid}
        if self.load_error is not None:
            return {"ok": False, "kind": "model", "error": self.load_error, **where}
        path = Path(job["path"])
        if not path.is_file():
            return {"ok": False, "kind": "input", **where,
                    "error": f"{path} is not reachable from worker {self.host} (the inbox must be on a filesystem "
                             "every worker mounts at the same path)"}
        try:
            with tempfile.TemporaryDirectory(prefix="callreview-") as tmp:
                playable = Path(tmp) / "audio.mp3" if job["reports"] else None
                doc, diarization = analyze_file(path, job["rel"], self.engines, job["sha256"], playable, job["info"],
                                                voices)
                data = playable.read_bytes() if playable is not None else None
        except CallReviewError as e:
            return {"ok": False, "kind": "input", "error": str(e), **where}
        except Exception as e:  # a bug on one file: recorded as an internal error, not retried
            return {"ok": False, "kind": "internal", "error": f"internal error ({type(e).__name__}): {e}", **where}
        return {"ok": True, "doc": doc, "rttm": diarization.to_rttm(job["call_id"]), "playable": data, **where}


class WorkerLost(CallReviewError):
    """The worker running a call died more often than the retries allow."""


class RayExecutor:
    """The batch's executor on Ray (``pipeline.batch.Executor``): the actor pool for one ``run``, started on
    first use with the batch's options, shut down (with Ray, if it started it) on close.

    ``engine_factory`` (a picklable function of the options) builds the actors' models; by default they load
    the real ones."""

    label = "run"  # the catalog's run row: the driver is one ``run`` process

    def __init__(self, options: RayOptions, engine_factory: Callable | None = None):
        self.options, self.engine_factory = options, engine_factory
        self.actors: list[Any] = []
        self._started_ray = False

    def open(self) -> None:
        _ray()  # a missing extra fails before the batch writes anything

    # --- the pool -----------------------------------------------------------------------------------------------

    def start(self, run_options) -> None:
        if self.actors:
            return
        ray = _ray()
        o = self.options
        if not ray.is_initialized():
            address = None if o.address in (None, "", "local") else o.address
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
            except (ConnectionError, ValueError, RuntimeError) as e:
                raise ConfigError(f"--ray {o.address or ''}: cannot reach a Ray cluster ({e})".replace("  ", " ")) from None
            self._started_ray = True
        total = ray.cluster_resources()
        fits = [int(total.get("CPU", 0) // o.cpus_per_worker)] if o.cpus_per_worker else []
        if o.gpus_per_worker:
            fits.append(int(total.get("GPU", 0) // o.gpus_per_worker))
        n = o.workers or max(1, min(fits) if fits else 1)
        if fits and min(fits) < 1:
            raise ConfigError(f"the Ray cluster has {total.get('CPU', 0):g} CPUs and {total.get('GPU', 0):g} GPUs: "
                              f"not enough for one worker ({o.cpus_per_worker:g} CPUs, {o.gpus_per_worker:g} GPUs)")
        if o.gpus_per_worker:  # the GPU Ray hands the actor (CUDA_VISIBLE_DEVICES) is the one it uses
            run_options = dataclasses.replace(run_options, transcribe=dataclasses.replace(run_options.transcribe,
                                                                                          device="cuda"))
        actor = ray.remote(CallWorker).options(
            num_cpus=o.cpus_per_worker, num_gpus=o.gpus_per_worker, memory=int(o.memory_gb_per_worker * 2**30),
            max_restarts=-1,  # a dead worker comes back (models reloaded) ...
            max_task_retries=o.max_retries,  # ... and re-runs the call it had, this many times at most
        )
        threads = max(1, int(o.cpus_per_worker))
        self.actors = [actor.remote(run_options, self.engine_factory, threads) for _ in range(n)]

    def close(self) -> None:
        if not self.actors and not self._started_ray:
            return
        ray = _ray()
        for a in self.actors:
            ray.kill(a)
        self.actors = []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False

    def __enter__(self) -> "RayExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the work -----------------------------------------------------------------------------------------------

    def work(self, batch, progress=None, force: bool = False) -> list:
        """Claim queued recordings from ``batch``'s catalog and run them on the pool until none is left.

        The catalog rows and the output files are written here, by the driver, as results come back."""
        from ..batch.heartbeat import Heartbeat
        from ..catalog import now

        cat = batch.catalog
        cat.recover(batch.stale_s, now())
        total = cat.counts()["queued"]
        results: list = []
        in_flight: dict[Any, tuple[Any, Any]] = {}  # object ref -> (catalog row, actor)
        idle: list[Any] = list(self.actors)  # a later call (files that finished copying) reuses the pool
        voices_ref = None
        with Heartbeat(cat.path, batch.worker, batch.heartbeat_s) as beat:
            try:
                while True:
                    if not self.actors:
                        if cat.counts()["queued"] == 0:
                            break
                        self.start(batch.options)
                        idle = list(self.actors)
                    if voices_ref is None and self.actors:
                        voices_ref = _ray().put(batch._voices())
                    while idle:  # keep every worker busy
                        row = cat.claim(batch.worker, now())
                        if row is None:
                            break
                        if progress:
                            progress("start", len(results), max(total, len(results) + 1), row.source)
                        # still valid: no model needed (recorded as a local run records it, a failure too)
                        settled = batch.settle_reused(row, force)
                        if settled is not None:
                            results.append(settled)
                            continue
                        actor = idle.pop()
                        job = {"path": str((batch.inbox / row.source).resolve()), "rel": row.source,
                               "sha256": row.sha256, "call_id": row.call_id, "info": batch.info(row),
                               "reports": batch.reports}
                        in_flight[actor.analyze.remote(job, voices_ref)] = (row, actor)
                        beat.sources.add(row.source)
                    if not in_flight:
                        break
                    ray = _ray()
                    done, _ = ray.wait(list(in_flight), num_returns=1)
                    ref = done[0]
                    row, actor = in_flight.pop(ref)
                    idle.append(actor)
                    outcome = self._outcome(ray, ref)
                    result = batch.settle(row, lambda: self._save(batch, row, outcome))
                    if "pid" in outcome:
                        result = dataclasses.replace(result, worker=f"{outcome['host']}:{outcome['pid']}")
                    results.append(result)
                    beat.sources.discard(row.source)
                    if progress:
                        progress("end", len(results), max(total, len(results)), row.source)
            except BaseException:
                for ref, (row, _) in in_flight.items():  # give back what was claimed and not finished
                    cat.finish(row.source, batch.worker, "queued", now(), "not finished: the run stopped")
                raise
        return results

    def _outcome(self, ray, ref) -> dict[str, Any]:
        try:
            return ray.get(ref)
        except ray.exceptions.RayActorError as e:
            reason = " ".join(str(e).split())[:300]
            return {"ok": False, "kind": "lost", "error": f"its worker died {self.options.max_retries + 1} times "
                                                          f"(killed or out of memory?): {reason}"}

    @staticmethod
    def _save(batch, row, outcome: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if not outcome["ok"]:
            if outcome["kind"] == "model":
                raise ModelError(outcome["error"])
            if outcome["kind"] == "lost":
                raise WorkerLost(outcome["error"])
            raise CallReviewError(outcome["error"])
        batch.save(row, outcome["doc"], outcome["rttm"], outcome["playable"])
        return "done", outcome["doc"]
