"""``run --jobs N``: this process and N - 1 more, each with its own models, claiming from one catalog.

The extra jobs are spawned processes (``_job``) that run their own ``Batch`` on the same output folder and send
their results back through a queue; the CPU threads are shared out between all of them.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any, Callable

from ..callmeta import InboxRules
from ..compute import cores, limit_threads
from ..engines import Engines, RunOptions
from . import Batch, CallResult, Progress

log = logging.getLogger("callreview")


class JobsExecutor:
    """``jobs`` calls at once: the extra jobs start once the inbox holds more than one queued call, and this
    process works alongside them. ``engine_factory`` (a picklable function of the options) builds the extra
    jobs' models; by default they load the real ones."""

    def __init__(self, jobs: int, engine_factory: Callable[[RunOptions], Engines] | None = None):
        self.jobs, self.engine_factory = jobs, engine_factory
        self.label = f"run --jobs {jobs}"
        self.helpers: list[Any] = []
        self.queue: Any = None
        self.started = False

    def open(self) -> None:
        pass

    def work(self, batch: Batch, progress: Progress | None = None, force: bool = False) -> list[CallResult]:
        if not self.started and batch.catalog.counts()["queued"] > 1:
            self._start(batch, force)
        results = batch.work(progress, force)
        if self.helpers:
            results += _collect(self.helpers, self.queue)
            if any(h.exitcode != 0 for h in self.helpers):  # a job died (killed, out of memory) mid-call
                log.warning("a --jobs worker died; this process finishes what it had claimed")
                results += batch.work(progress, force)  # its claims are requeued (its pid is gone)
        self.helpers = []
        return results

    def _start(self, batch: Batch, force: bool) -> None:
        import multiprocessing as mp

        self.started = True
        threads = max(1, cores() // self.jobs)
        ctx = mp.get_context("spawn")
        self.queue = ctx.Queue()
        self.helpers = [ctx.Process(target=_job, args=(batch.inbox, batch.out, batch.options, batch.rules,
                                                       batch.reports, threads, self.engine_factory, force, self.queue))
                        for _ in range(self.jobs - 1)]
        for h in self.helpers:
            h.start()
        limit_threads(threads)

    def close(self) -> None:
        for h in self.helpers:  # this process failed (a model would not load): don't leave its helpers behind
            h.terminate()
            h.join()
        self.helpers = []


def _job(inbox: Path, out: Path, options: RunOptions, rules: InboxRules, reports: bool, threads: int,
         engine_factory: Callable[[RunOptions], Engines] | None, force: bool, queue: Any) -> None:
    """One extra worker process of ``run --jobs N``: its own models (loaded once), claims from the catalog."""
    limit_threads(threads)
    batch = Batch(inbox, out, options, engine_factory(options) if engine_factory else None, rules, reports)
    results: list[CallResult] = []
    try:
        results = batch.work(force=force)
    finally:
        batch.close()
        queue.put([dataclasses.asdict(r) for r in results])


def _collect(helpers: list[Any], queue: Any) -> list[CallResult]:
    """The results the extra jobs send back; returns when every job has exited (one that died sends none),
    never waiting on a dead one."""
    import queue as queue_mod

    out: list[CallResult] = []
    while True:
        alive = any(h.is_alive() for h in helpers)  # looked at before reading: what a job sent before exiting is read
        try:
            out += [CallResult(**r) for r in queue.get(timeout=0.5)]
        except queue_mod.Empty:
            if not alive:
                break
    for h in helpers:
        h.join()
    return out
