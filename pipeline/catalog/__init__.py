"""The catalog: one SQLite database per output folder (``OUT/catalog.sqlite``) that decides what is done.

One row per recording (by its path in the inbox): content hash, rep, recorded-at time, status, error, settings
hash, timings, and who is working on it. Every change of status is one short transaction, so several
processes (``run``, ``watch``, on one machine or sharing a folder) can work on one inbox: a worker *claims* a
queued row in a write transaction, so no recording is ever processed twice, and a worker that dies (even
``kill -9``) leaves a ``running`` row that the next worker finds stale and queues again.

Statuses:

- ``waiting``: the file is still growing (being copied in); queued once its size and time stop changing
- ``queued`` -> ``running`` -> ``done`` | ``failed``
- ``duplicate``: the same audio as another recording (``duplicate_of``); analysed once, under the other name
- ``missing``: the file was removed from the inbox (its outputs stay)

The schema is versioned with ``PRAGMA user_version`` and upgraded by the migrations below, in order.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import CallReviewError

CATALOG_NAME = "catalog.sqlite"
STATUSES = ("waiting", "queued", "running", "done", "failed", "duplicate", "missing")

MIGRATIONS: tuple[str, ...] = (
    # 1: recordings, voiceprints, runs
    """
    CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL UNIQUE,
        sha256 TEXT,
        size INTEGER,
        mtime REAL,
        call_id TEXT,
        rep TEXT,
        rep_from TEXT,
        recorded_at TEXT,
        recorded_at_from TEXT,
        status TEXT NOT NULL,
        error TEXT,
        duplicate_of TEXT,
        settings_hash TEXT,
        timings TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        worker TEXT,
        heartbeat REAL,
        seen_at REAL,
        queued_at REAL,
        started_at REAL,
        finished_at REAL
    );
    CREATE INDEX recordings_status ON recordings(status, queued_at);
    CREATE INDEX recordings_content ON recordings(sha256);
    CREATE TABLE voiceprints (
        name TEXT PRIMARY KEY,
        embedding BLOB NOT NULL,
        dim INTEGER NOT NULL,
        encoder TEXT NOT NULL,
        samples TEXT NOT NULL,
        speech_s REAL NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        worker TEXT NOT NULL,
        command TEXT NOT NULL,
        started_at REAL NOT NULL,
        finished_at REAL,
        done INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class CatalogError(CallReviewError):
    """The catalog cannot be opened or is from a newer version of callreview."""


def _proc_start(pid: int) -> str | None:
    """The kernel's start time of process ``pid`` (Linux), so a reused pid is not taken for the old process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def worker_id(pid: int | None = None) -> str:
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{pid}:{_proc_start(pid) or '?'}"


def worker_alive(worker: str | None, heartbeat: float | None, stale_s: float, now: float) -> bool:
    """Whether the worker that claimed a row may still be working on it.

    On this host: its process exists with the same start time. Elsewhere: its heartbeat is recent.
    """
    if not worker:
        return False
    host, _, rest = worker.partition(":")
    pid_s, _, start = rest.partition(":")
    if host == socket.gethostname() and pid_s.isdigit():
        pid = int(pid_s)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        now_start = _proc_start(pid)
        return start == "?" or now_start is None or now_start == start
    return heartbeat is not None and now - heartbeat < stale_s


@dataclass(frozen=True)
class Row:
    id: int
    source: str
    sha256: str | None
    size: int | None
    mtime: float | None
    call_id: str | None
    rep: str | None
    rep_from: str | None
    recorded_at: str | None
    recorded_at_from: str | None
    status: str
    error: str | None
    duplicate_of: str | None
    settings_hash: str | None
    timings: str | None
    attempts: int
    worker: str | None
    heartbeat: float | None
    seen_at: float | None
    queued_at: float | None
    started_at: float | None
    finished_at: float | None

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["timings"] = json.loads(self.timings) if self.timings else None
        return d


class Catalog:
    """A connection to ``OUT/catalog.sqlite``. Open one per process (or thread)."""

    def __init__(self, path: str | Path, timeout_s: float = 60.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(self.path), timeout=timeout_s, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self._setup(timeout_s)
        except sqlite3.DatabaseError as e:
            raise CatalogError(f"{self.path}: cannot open the catalog ({e})") from None

    def _setup(self, timeout_s: float) -> None:
        """Switch to WAL and migrate, retrying while another process does the same.

        SQLite does not call the busy handler for every lock it meets while a brand-new file changes journal
        mode (two processes opening one new catalog can get "database is locked" at once), so this retries with
        a short backoff until ``timeout_s`` has passed.
        """
        deadline = time.monotonic() + timeout_s
        delay = 0.01
        while True:
            try:
                self.db.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self._migrate()
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                    raise
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    @classmethod
    def for_out(cls, out: str | Path) -> "Catalog":
        return cls(Path(out) / CATALOG_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so that read-then-write is atomic."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise CatalogError(f"{self.path} was written by a newer callreview (catalog schema {version}, "
                                   f"this one knows {SCHEMA_VERSION})")
            for i in range(version, SCHEMA_VERSION):
                for stmt in (s.strip() for s in MIGRATIONS[i].split(";")):
                    if stmt:
                        db.execute(stmt)
                db.execute(f"PRAGMA user_version={i + 1}")

    # --- reading ---------------------------------------------------------------------------------------------

    def rows(self, status: str | None = None) -> list[Row]:
        q = "SELECT * FROM recordings" + (" WHERE status = ?" if status else "") + " ORDER BY source"
        return [Row(**dict(r)) for r in self.db.execute(q, (status,) if status else ())]

    def get(self, source: str) -> Row | None:
        r = self.db.execute("SELECT * FROM recordings WHERE source = ?", (source,)).fetchone()
        return Row(**dict(r)) if r else None

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for status, n in self.db.execute("SELECT status, COUNT(*) FROM recordings GROUP BY status"):
            out[status] = n
        return out

    # --- the queue -------------------------------------------------------------------------------------------

    def observe(self, source: str, size: int, mtime: float, now: float) -> Row:
        """Record that ``source`` exists with this size and time; a new or changed file starts ``waiting``."""
        with self.write() as db:
            r = db.execute("SELECT * FROM recordings WHERE source = ?", (source,)).fetchone()
            if r is None:
                db.execute("INSERT INTO recordings (source, size, mtime, status, seen_at) VALUES (?, ?, ?, 'waiting', ?)",
                           (source, size, mtime, now))
            elif (r["size"], r["mtime"]) != (size, mtime) and r["status"] != "running":
                db.execute("UPDATE recordings SET size = ?, mtime = ?, status = 'waiting', error = NULL, seen_at = ? "
                           "WHERE id = ?", (size, mtime, now, r["id"]))
            elif r["status"] == "missing":
                db.execute("UPDATE recordings SET status = 'waiting', seen_at = ? WHERE id = ?", (now, r["id"]))
            r = db.execute("SELECT * FROM recordings WHERE source = ?", (source,)).fetchone()
        return Row(**dict(r))

    def enqueue(self, source: str, sha256: str, info: dict[str, Any], settings_hash: str, now: float) -> Row | None:
        """A settled file: queue it, unless its content is already analysed or queued under another name.

        Only a ``waiting`` row is queued: when two workers scan at once, the second finds it taken."""
        with self.write() as db:
            r = db.execute("SELECT * FROM recordings WHERE source = ?", (source,)).fetchone()
            if r is None or r["status"] != "waiting":  # another worker queued (or took) it meanwhile
                return Row(**dict(r)) if r else None
            twin = db.execute(
                "SELECT source FROM recordings WHERE sha256 = ? AND source != ? AND status IN "
                "('queued', 'running', 'done') ORDER BY id LIMIT 1", (sha256, source)).fetchone()
            fields = {"sha256": sha256, **info}
            if twin is not None:
                fields.update(status="duplicate", duplicate_of=twin["source"],
                              error=f"same audio as {twin['source']}: analysed once, under that name")
            else:
                fields.update(status="queued", duplicate_of=None, error=None, queued_at=now, settings_hash=settings_hash)
            sets = ", ".join(f"{k} = ?" for k in fields)
            db.execute(f"UPDATE recordings SET {sets} WHERE source = ?", (*fields.values(), source))
            r = db.execute("SELECT * FROM recordings WHERE source = ?", (source,)).fetchone()
        return Row(**dict(r))

    def requeue(self, source: str, settings_hash: str, now: float) -> None:
        with self.write() as db:
            db.execute("UPDATE recordings SET status = 'queued', error = NULL, queued_at = ?, settings_hash = ? "
                       "WHERE source = ? AND status != 'running'", (now, settings_hash, source))

    def mark_missing(self, present: set[str]) -> int:
        with self.write() as db:
            gone = [r["source"] for r in db.execute(
                "SELECT source FROM recordings WHERE status NOT IN ('missing', 'running')") if r["source"] not in present]
            db.executemany("UPDATE recordings SET status = 'missing' WHERE source = ?", [(s,) for s in gone])
        return len(gone)

    def recover(self, stale_s: float, now: float) -> list[str]:
        """Queue again every ``running`` row whose worker is gone (killed, crashed, machine rebooted)."""
        with self.write() as db:
            lost = [r["source"] for r in db.execute("SELECT source, worker, heartbeat FROM recordings WHERE status = 'running'")
                    if not worker_alive(r["worker"], r["heartbeat"], stale_s, now)]
            db.executemany("UPDATE recordings SET status = 'queued', worker = NULL, error = 'interrupted: queued again' "
                           "WHERE source = ? AND status = 'running'", [(s,) for s in lost])
        return lost

    def claim(self, worker: str, now: float) -> Row | None:
        """Take the oldest queued recording for ``worker``; None when the queue is empty. Atomic across processes."""
        with self.write() as db:
            r = db.execute("SELECT id FROM recordings WHERE status = 'queued' ORDER BY queued_at, id LIMIT 1").fetchone()
            if r is None:
                return None
            db.execute("UPDATE recordings SET status = 'running', worker = ?, heartbeat = ?, started_at = ?, "
                       "attempts = attempts + 1 WHERE id = ?", (worker, now, now, r["id"]))
            row = db.execute("SELECT * FROM recordings WHERE id = ?", (r["id"],)).fetchone()
        return Row(**dict(row))

    def beat(self, source: str, worker: str, now: float) -> None:
        with self.write() as db:
            db.execute("UPDATE recordings SET heartbeat = ? WHERE source = ? AND worker = ? AND status = 'running'",
                       (now, source, worker))

    def finish(self, source: str, worker: str, status: str, now: float, error: str | None = None,
               call_id: str | None = None, timings: dict[str, float] | None = None,
               settings_hash: str | None = None) -> bool:
        """Record the outcome of a claimed recording. False if the claim was lost (another worker took over)."""
        assert status in ("done", "failed", "queued")
        with self.write() as db:
            cur = db.execute(
                "UPDATE recordings SET status = ?, error = ?, call_id = COALESCE(?, call_id), timings = ?, "
                "settings_hash = COALESCE(?, settings_hash), finished_at = ?, worker = NULL, heartbeat = NULL "
                "WHERE source = ? AND worker = ? AND status = 'running'",
                (status, error, call_id, json.dumps(timings) if timings else None, settings_hash, now, source, worker))
        return cur.rowcount == 1

    def set_rep(self, source: str, rep: str, rep_from: str) -> None:
        with self.write() as db:
            db.execute("UPDATE recordings SET rep = ?, rep_from = ? WHERE source = ?", (rep, rep_from, source))

    def retry_failed(self, now: float) -> int:
        with self.write() as db:
            cur = db.execute("UPDATE recordings SET status = 'queued', error = NULL, queued_at = ? WHERE status = 'failed'",
                             (now,))
        return cur.rowcount

    # --- runs ------------------------------------------------------------------------------------------------

    def start_run(self, worker: str, command: str, now: float) -> int:
        with self.write() as db:
            return db.execute("INSERT INTO runs (worker, command, started_at) VALUES (?, ?, ?)",
                              (worker, command, now)).lastrowid

    def end_run(self, run_id: int, done: int, failed: int, now: float) -> None:
        with self.write() as db:
            db.execute("UPDATE runs SET finished_at = ?, done = ?, failed = ? WHERE id = ?", (now, done, failed, run_id))

    def last_runs(self, n: int = 5) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (n,))]

    # --- voiceprints -----------------------------------------------------------------------------------------

    def save_voiceprint(self, name: str, embedding, encoder: str, samples: list[str], speech_s: float,
                        created_at: str) -> None:
        import numpy as np

        e = np.asarray(embedding, dtype=np.float32)
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO voiceprints (name, embedding, dim, encoder, samples, speech_s, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (name, e.tobytes(), int(e.size), encoder, json.dumps(samples), float(speech_s), created_at))

    def voiceprints(self) -> dict[str, Any]:
        import numpy as np

        return {r["name"]: np.frombuffer(r["embedding"], dtype=np.float32).copy()
                for r in self.db.execute("SELECT name, embedding FROM voiceprints ORDER BY name")}

    def voiceprint_rows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(
            "SELECT name, dim, encoder, samples, speech_s, created_at FROM voiceprints ORDER BY name")]


def now() -> float:
    return time.time()
