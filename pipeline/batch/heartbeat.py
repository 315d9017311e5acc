"""The heartbeat of a worker's claims: what tells workers on other hosts that its calls are still alive."""

from __future__ import annotations

from pathlib import Path


class Heartbeat:
    """While calls are processed, a thread marks their claims alive (for workers on other hosts to see).

    ``sources``: the claims to keep alive; a cluster driver adds and removes them as calls come and go."""

    def __init__(self, db: Path, worker: str, every_s: float, sources: set[str] | None = None):
        import threading

        self.db, self.worker, self.every_s = db, worker, every_s
        self.sources: set[str] = set(sources or ())
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from ..catalog import Catalog, now

        with Catalog(self.db) as cat:
            while not self.stop.wait(self.every_s):
                for source in list(self.sources):
                    try:
                        cat.beat(source, self.worker, now())
                    except Exception:  # a busy database now and then must not kill the work
                        pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
