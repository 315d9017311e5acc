"""The batch: every recording under an inbox in, one folder per call out, driven by the catalog.

``run_batch`` walks the inbox, skips calls already analysed with the same settings, writes each result as soon
as it is done and records every failure without stopping. ``Batch`` is one process's share of that work
(``run`` and ``watch`` both use it); where the claimed calls are analysed is an ``Executor``'s business: here
(``LocalExecutor``), in ``--jobs`` processes (``pipeline.batch.jobs``) or on a Ray cluster
(``pipeline.cluster``, which depends on this package, never the other way round). One call's analysis is
``pipeline.analyze``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .. import report
from ..analysis import write_bytes_atomic, write_json_atomic, write_text_atomic
from ..analyze import analyze_file, call_id, file_sha256
from ..audio import PLAYABLE_NAME
from ..callmeta import CallInfo, CallOverrides, InboxRules, sidecar
from ..engines import Engines, RunOptions
from ..errors import CallReviewError, ConfigError, ModelError, StorageError, storage_message
from .executors import Executor, LocalExecutor
from .heartbeat import Heartbeat
from .intake import (SETTLE_S, changed_at, check_folders, find_recordings, list_inbox, open_for_writing,
                     same_file_state)
from .outputs import STORAGE_ERRNOS, doc_rep, finished, identify, plain, refresh, write_failure

__all__ = ["Batch", "CallResult", "SETTLE_S", "check_folders", "find_recordings", "run_batch"]


@dataclass(frozen=True)
class CallResult:
    source: str
    status: str  # "done", "skipped" (already analysed), "failed", "duplicate", "waiting" (still being copied)
    call_id: str | None = None
    error: str | None = None
    seconds: float = 0.0
    worker: str | None = None  # host:pid of the cluster worker that analysed it (``run --ray``)


Progress = Callable[[str, int, int, str], None]  # (event, completed, total, current source)


log = logging.getLogger("callreview")

@dataclass
class Batch:
    """One process working through the catalog of an output folder (``run`` and ``watch`` both use it).

    ``scan`` records what is in the inbox and queues what is new, changed or analysed with other settings;
    ``work`` claims queued recordings one at a time until none is left. Any number of processes can work on
    one inbox at once: the catalog hands each recording to exactly one of them.
    """

    inbox: Path
    out: Path
    options: RunOptions
    engines: Engines | None = None
    rules: InboxRules = InboxRules()
    reports: bool = True
    settle_s: float = SETTLE_S
    stale_s: float = 120.0  # a claim whose worker (on another host) sent no heartbeat for this long is lost
    heartbeat_s: float = 10.0

    def __post_init__(self) -> None:
        from ..catalog import Catalog, worker_id

        if self.engines is not None:
            self.options = self.engines.options
        self.inbox, self.out = Path(self.inbox), Path(self.out)
        check_folders(self.inbox, self.out)
        self.out.mkdir(parents=True, exist_ok=True)
        from ..redact import record_level

        record_level(self.out, self.options.redact)  # the next run without --redact keeps it
        self.catalog = Catalog.for_out(self.out)
        self.worker = worker_id()
        self.settings = self.options.settings_hash()

    # --- scanning ---------------------------------------------------------------------------------------------

    def scan(self, force: bool = False) -> None:
        """Record every recording in the inbox; queue the settled new, changed and out-of-date ones.

        The settle rule is ``pipeline.batch.intake``'s. A recording whose audio is already known at a path that
        left the inbox is that call, moved (or renamed): it takes the call over. A file or folder that cannot
        be read becomes a failed row with the reason and an ``error.json``."""
        from ..audio import probe_creation_time

        cat, now = self.catalog, time.time()
        listing = list_inbox(self.inbox, self.rules.follow_links)
        unreadable = {self._rel(folder) + "/": f"cannot list the folder: {why}" for folder, why in listing.unlistable}
        present = {self._rel(p) for p in listing.recordings} | set(unreadable)
        for row in cat.mark_missing(present):
            self._drop_folder(row.call_id)  # a folder that can be listed again: its failure is over
        for dup, original in cat.orphaned_duplicates():  # the original left: the duplicate takes its place
            self._take_over(dup.source, dup.sha256, self._row_info(dup), original, now)
        settled = []
        for path in listing.recordings:
            rel = self._rel(path)
            try:
                st = path.stat()
            except FileNotFoundError:
                continue  # gone between listing and stat: the next scan sees it or not
            except OSError as e:
                unreadable[rel] = f"cannot read the file: {e.strerror}"
                continue
            row = cat.observe(rel, st.st_size, st.st_mtime, now)
            if row.status == "waiting":
                if now - changed_at(st) >= self.settle_s:
                    settled.append((path, rel, st))
            elif row.status in ("done", "failed") and (force or row.settings_hash != self.settings):
                cat.requeue(rel, self.settings, now)  # other settings (or --force): analyse again
            elif row.status == "done" and self._outdated(path, row):
                cat.requeue(rel, self.settings, now)  # a sidecar changed or an output went missing
        writing = open_for_writing([p for p, _, _ in settled])
        for path, rel, st in settled:
            if path in writing:
                continue  # a process still holds it open for writing: a copy that paused
            try:
                sha = file_sha256(path)
                again = path.stat()
            except FileNotFoundError:
                continue
            except OSError as e:
                unreadable[rel] = f"cannot read the file: {e.strerror}"
                continue
            if not same_file_state(st, again):
                continue  # changed while we read it
            info = {"call_id": call_id(rel, sha),
                    **dataclasses.asdict(self.rules.info(path, rel, probe_creation_time(path)))}
            gone = cat.gone_with(sha, rel)
            if gone is not None:
                self._take_over(rel, sha, info, gone, now)
            else:
                cat.enqueue(rel, sha, info, self.settings, now)
        for rel, why in unreadable.items():
            row = cat.fail_unreadable(rel, call_id(rel, hashlib.sha256(rel.encode()).hexdigest()), why,
                                       self.settings, now)
            if row is not None:
                write_failure(self.out, rel, row.call_id, None, OSError(why))

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.inbox).as_posix()

    @staticmethod
    def _row_info(row) -> dict[str, Any]:
        return {"call_id": row.call_id, "rep": row.rep, "rep_from": row.rep_from, "recorded_at": row.recorded_at,
                "recorded_at_from": row.recorded_at_from}

    def _take_over(self, rel: str, sha: str, info: dict[str, Any], gone, now: float) -> None:
        """``rel`` is the call that was at ``gone`` (moved, renamed, or a duplicate whose original left): its
        folder is renamed to the new call id and the row queued, so the saved analysis is reused (no models)
        and brought up to date: new source, rep, per-rep folder."""
        old, new = (gone.call_id if gone is not None else None), info["call_id"]
        if old and old != new and plain(old) and (self.out / old).is_dir():
            if (self.out / new).exists():
                self._drop_folder(old)
            else:
                os.rename(self.out / old, self.out / new)
        self.catalog.take_over(rel, gone.source if gone is not None else None, sha, info, self.settings, now)

    def _drop_folder(self, cid: str | None) -> None:
        """Remove a call folder of ours (an earlier version's, a failure that is over)."""
        if cid and plain(cid):
            shutil.rmtree(self.out / cid, ignore_errors=True)

    def _outdated(self, path: Path, row) -> bool:
        """A finished call whose sidecars changed since, or whose outputs are gone (cheap to redo: the saved
        analysis is reused when the settings and overrides still match)."""
        for suffix in (".call.toml", ".self.toml"):
            try:
                side = sidecar(path, suffix)
                if side is not None and side.stat().st_mtime > (row.finished_at or 0):
                    return True
            except OSError:
                pass
        folder = self.out / (row.call_id or "")
        needed = ["analysis.json"] + (["report.html", PLAYABLE_NAME] if self.reports else [])
        return not all((folder / n).is_file() for n in needed)

    # --- working ----------------------------------------------------------------------------------------------

    def work(self, progress: Progress | None = None, force: bool = False, limit: int | None = None) -> list[CallResult]:
        """Process queued recordings until the queue is empty (or ``limit`` are done)."""
        from ..catalog import now

        cat = self.catalog
        results: list[CallResult] = []
        cat.recover(self.stale_s, now())
        total = cat.counts()["queued"]
        while limit is None or len(results) < limit:
            row = cat.claim(self.worker, now())
            if row is None:
                break
            if progress:
                progress("start", len(results), max(total, len(results) + 1), row.source)
            results.append(self._process(row, force))
            if progress:
                progress("end", len(results), max(total, len(results)), row.source)
        return results

    def _process(self, row, force: bool) -> CallResult:
        """Analyse one claimed recording here (or reuse its saved analysis) and record the outcome."""
        def work() -> tuple[str, dict[str, Any]]:
            reused = self.reuse(row, force)
            if reused is not None:
                return "skipped", reused
            if self.engines is None:
                self.engines = Engines(self.options)
            path, folder = self.inbox / row.source, self.out / row.call_id
            folder.mkdir(parents=True, exist_ok=True)
            doc, diarization = analyze_file(path, row.source, self.engines, row.sha256,
                                            folder / PLAYABLE_NAME if self.reports else None, self.info(row),
                                            self._voices())
            self.save(row, doc, diarization.to_rttm(row.call_id))
            return "done", doc

        with Heartbeat(self.catalog.path, self.worker, self.heartbeat_s, {row.source}):
            return self.settle(row, work)

    def info(self, row) -> CallInfo:
        """The rep and date the scan decided for this recording."""
        return CallInfo(row.rep, row.rep_from, row.recorded_at, row.recorded_at_from)

    def reuse(self, row, force: bool) -> dict[str, Any] | None:
        """The saved analysis when it is still valid (same audio, settings and overrides), brought up to date
        (its path, rep and date after a move, self-review, audio copy, report) without models; None when the
        call must be analysed."""
        path, folder = self.inbox / row.source, self.out / row.call_id
        doc = None if force else finished(folder, row.sha256, self.settings, CallOverrides.for_recording(path))
        if doc is None:
            return None
        changed = identify(doc, row, folder)
        if self.reports:
            changed = refresh(doc, path, folder) or changed
        if changed:
            write_json_atomic(folder / "analysis.json", doc)
        if self.reports:
            report.write_call(folder, doc)
        return doc

    def settle_reused(self, row, force: bool) -> CallResult | None:
        """For a driver whose calls are analysed elsewhere (``pipeline.cluster``): the outcome of a call whose
        saved analysis is still valid, reused and recorded as ``work`` here records it (an error while bringing it
        up to date fails this call, not the run); None, with nothing recorded, when the call must be analysed."""
        try:
            doc = self.reuse(row, force)
        except Exception as e:  # noqa: BLE001 - settle records it as it would a local run's
            return self.settle(row, _raising(e))
        return None if doc is None else self.settle(row, lambda: ("skipped", doc))

    def save(self, row, doc: dict[str, Any], rttm: str, playable: bytes | None = None) -> None:
        """Write a finished call's outputs into its folder: the RTTM, ``analysis.json``, the report files and,
        when the audio copy was made elsewhere (a cluster worker), its bytes."""
        folder = self.out / row.call_id
        folder.mkdir(parents=True, exist_ok=True)
        if playable is not None and self.reports:
            write_bytes_atomic(folder / PLAYABLE_NAME, playable)
        write_text_atomic(folder / "diarization.rttm", rttm)
        write_json_atomic(folder / "analysis.json", doc)
        if self.reports:
            report.write_call(folder, doc)

    def settle(self, row, work: Callable[[], tuple[str, dict[str, Any]]]) -> CallResult:
        """Run ``work`` (which returns the result status and the call's document) and record the outcome in the
        catalog: done, or failed with a one-line error in ``error.json``; the folder of the version it replaces
        (a changed file's earlier analysis) is then removed. A model that cannot load puts the call back in the
        queue and raises (every later call would fail the same way); so does an output folder that cannot be
        written (disk full, read-only), after recording the call as failed so that ``retry`` redoes it."""
        from ..catalog import now

        rel, cid = row.source, row.call_id
        folder = self.out / cid
        t0 = time.perf_counter()
        status, error, result_status, timings, stop = "done", None, "done", None, None
        try:
            result_status, doc = work()
            timings = doc["run"].get("timings_s")
            (folder / "error.json").unlink(missing_ok=True)
        except ModelError:
            self.catalog.finish(rel, self.worker, "queued", now(), "not started: the models could not load")
            raise
        except (CallReviewError, OSError) as e:
            status, error = "failed", write_failure(self.out, rel, cid, row.sha256, e)
            if isinstance(e, OSError) and e.errno in STORAGE_ERRNOS:
                stop = StorageError(storage_message(e, self.out))
        except Exception as e:  # a bug or a model failure on one file must not stop the batch
            status, error = "failed", write_failure(self.out, rel, cid, row.sha256, e, unexpected=True)
        if named := (status == "done" and doc_rep(folder)):
            self.catalog.set_rep(rel, *named)
        self.catalog.finish(rel, self.worker, status, now(), error, cid, timings, self.settings)
        if stop is not None:
            raise stop
        if row.replaces and row.replaces != cid:
            self._drop_folder(row.replaces)
            self.catalog.clear_replaces(rel)
        return CallResult(rel, result_status if status == "done" else "failed", cid, error, time.perf_counter() - t0)

    def _voices(self):
        if not hasattr(self, "_voicebook"):
            from ..roles.voice import VoiceBook

            self._voicebook = VoiceBook.from_catalog(self.catalog)
        return self._voicebook

    # --- reporting --------------------------------------------------------------------------------------------

    def results_for_rest(self, processed: list[CallResult]) -> list[CallResult]:
        """What this run did not process: already done, still failing, duplicates, files still being copied."""
        seen = {r.source for r in processed}
        kind = {"done": "skipped", "failed": "failed", "duplicate": "duplicate", "waiting": "waiting"}
        return [CallResult(r.source, kind[r.status], r.call_id, r.error)
                for r in self.catalog.rows() if r.source not in seen and r.status in kind]

    def write_batch_outputs(self, results: list[CallResult]) -> None:
        """The index, team views and ``batch.json``. A failure here (a full disk) is logged, not raised: every
        call's own outcome is already in the catalog, and the next batch writes these again."""
        try:
            if self.reports:
                report.write_batch(self.out)
            write_json_atomic(self.out / "batch.json", {
                "inbox": str(self.inbox), "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "calls": [dataclasses.asdict(r) for r in sorted(results, key=lambda r: r.source)],
            })
        except (OSError, ConfigError) as e:
            log.warning("could not write the batch outputs in %s (%s); the catalog has every result", self.out, e)

    def close(self) -> None:
        self.catalog.close()


def _raising(e: Exception) -> Callable[[], tuple[str, dict[str, Any]]]:
    """Work for ``settle`` that fails with ``e``: an error met before the call's work could begin."""
    def work() -> tuple[str, dict[str, Any]]:
        raise e
    return work


def run_batch(inbox: Path, out: Path, options: RunOptions, engines: Engines | None = None,
              progress: Progress | None = None, force: bool = False, reports: bool = True,
              rules: InboxRules = InboxRules(), settle_s: float | None = None, wait_for_copies_s: float | None = None,
              jobs: int = 1, engine_factory: Callable[[RunOptions], Engines] | None = None,
              executor: Executor | None = None) -> list[CallResult]:
    """Analyse every recording under ``inbox`` into ``out/<call id>/``. Never raises for a bad recording.

    The catalog (``out/catalog.sqlite``) decides what is left to do, so a rerun does only new and changed
    recordings, and several ``run`` processes on one inbox share the work. Files still being copied in are
    waited for (``settle_s``: the settle rule of ``pipeline.batch.intake``) for up to ``wait_for_copies_s``
    (default: the settle time and a minute more); then they are reported as still being copied. ``engines`` are loaded on first need when not given, so a
    rerun with nothing left to do loads no model; when given, their options are the ones that count. With
    ``reports``, each call also gets a playable audio copy and its report files, and ``out`` gets the index
    and ``calls.csv`` (``pipeline.report``).

    ``jobs``: calls processed at once. Each extra job is a process with its own models, claiming from the
    same catalog; the CPU threads are shared out between them. ``engine_factory`` (a picklable function of
    the options) builds the extra jobs' models; by default they load the real ones.

    ``executor``: where the calls run instead, e.g. a ``pipeline.cluster.RayExecutor``: on a Ray cluster's
    actors (this process still scans, claims and writes every output; the executor's own ``engine_factory``
    builds the actors' models). Without one: this process, and with ``jobs`` > 1 a ``JobsExecutor``.
    """
    if executor is not None and jobs > 1:
        raise ConfigError("--jobs and --ray do not mix: on Ray, the workers are the jobs (--ray-workers)")
    if executor is None and jobs > 1:
        from .jobs import JobsExecutor

        executor = JobsExecutor(jobs, engine_factory)
    elif executor is None:
        executor = LocalExecutor()
    executor.open()  # a missing extra fails before anything is written
    settle_s = SETTLE_S if settle_s is None else settle_s
    wait_for_copies_s = settle_s + 60.0 if wait_for_copies_s is None else wait_for_copies_s
    batch = Batch(inbox, out, options, engines, rules, reports, settle_s)
    run_id = batch.catalog.start_run(batch.worker, executor.label, time.time())
    try:
        results: list[CallResult] = []
        deadline = time.monotonic() + wait_for_copies_s
        while True:
            batch.scan(force=force and not results)
            results += executor.work(batch, progress, force)
            waiting = batch.catalog.counts()["waiting"]
            if not waiting or time.monotonic() > deadline:
                break
            if progress:
                progress("wait", len(results), len(results) + waiting, f"{waiting} recording(s) still being copied")
            time.sleep(min(1.0, max(0.05, settle_s / 2)))
        processed = list(results)
        results += batch.results_for_rest(results)
        batch.write_batch_outputs(results)
        batch.catalog.end_run(run_id, sum(r.status == "done" for r in processed),
                              sum(r.status == "failed" for r in processed), time.time())
        return sorted(results, key=lambda r: r.source)
    finally:
        executor.close()  # this process failed (a model would not load): leave no helpers behind
        batch.close()
