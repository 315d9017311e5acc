"""Drop-folder operation: watch an inbox and analyse each recording once, as it lands.

File-system events (watchdog; inotify on Linux) wake the loop at once; a periodic rescan catches what events
miss (network shares, a sleeping laptop). A file is taken only once it has settled (``pipeline.batch.intake``:
unchanged for the settle time, no process writing it), so a recording still being copied in is never read
half-way. All state is in the catalog, so ``watch`` can be
killed at any point and restarted: the interrupted call is redone, nothing else is.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from .batch import SETTLE_S, Batch, CallResult
from .callmeta import InboxRules
from .engines import Engines, RunOptions


def watch(inbox: Path, out: Path, options: RunOptions, engines: Engines | None = None,
          rules: InboxRules = InboxRules(), reports: bool = True, settle_s: float | None = None,
          rescan_s: float = 30.0, stop: threading.Event | None = None,
          on_result: Callable[[CallResult], None] | None = None, polling: bool = False) -> list[CallResult]:
    """Process recordings as they arrive until ``stop`` is set (or the process is interrupted)."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    stop = stop or threading.Event()
    settle_s = SETTLE_S if settle_s is None else settle_s
    batch = Batch(inbox, out, options, engines, rules, reports, settle_s)
    changed = threading.Event()

    class Wake(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            changed.set()

    observer = PollingObserver(timeout=max(1.0, settle_s)) if polling else Observer()
    try:
        observer.schedule(Wake(), str(inbox), recursive=True)
        observer.start()
    except OSError:  # e.g. the inotify watch limit: fall back to polling
        observer = PollingObserver(timeout=max(1.0, settle_s))
        observer.schedule(Wake(), str(inbox), recursive=True)
        observer.start()
    everything: list[CallResult] = []
    run_id = batch.catalog.start_run(batch.worker, "watch", time.time())
    try:
        while not stop.is_set():
            changed.clear()
            batch.scan()
            done = []
            while not stop.is_set():
                step = batch.work(limit=1)  # one call at a time, so a stop request is honoured between calls
                if not step:
                    break
                done += step
                if on_result:
                    on_result(step[0])
            if done:
                everything += done
                batch.write_batch_outputs(done + batch.results_for_rest(done))
                batch.catalog.end_run(run_id, sum(r.status == "done" for r in everything),
                                      sum(r.status == "failed" for r in everything), time.time())
            waiting = batch.catalog.counts()["waiting"]
            # a file still being copied is looked at again soon; otherwise sleep until something happens
            deadline = time.monotonic() + (min(rescan_s, max(0.2, settle_s / 2)) if waiting else rescan_s)
            while not (stop.is_set() or changed.is_set()) and time.monotonic() < deadline:
                changed.wait(0.25)  # short waits: a stop request is honoured within a quarter second
            if stop.is_set():
                break
            time.sleep(0.05)  # let a burst of events (a copy in progress) settle into one wake-up
    finally:
        observer.stop()
        observer.join(timeout=5)
        batch.close()
    return everything
