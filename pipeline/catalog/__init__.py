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
- ``missing``: the file was removed from the inbox (its outputs stay); when the same audio turns up at another
  path (a move or a rename), that path takes over the row's call instead of becoming a duplicate
- ``failed`` without a content hash: the file (or folder) could not be read; ``retry`` looks at it again

``replaces``: the call folder of an earlier version of the same path (the file changed after it was analysed),
removed once the new version is finished, so a call is never listed twice.

The schema is versioned with ``PRAGMA user_version`` and upgraded by the migrations below, in order.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .health import CatalogError, explain, worker_alive, worker_id
from .schema import MIGRATIONS, SCHEMA_VERSION, STATUSES, Row

__all__ = ["CATALOG_NAME", "Catalog", "CatalogError", "MIGRATIONS", "Row", "SCHEMA_VERSION", "STATUSES", "explain",
           "now", "worker_alive", "worker_id"]

CATALOG_NAME = "catalog.sqlite"


class Catalog:
    """A connection to ``OUT/catalog.sqlite``. Open one per process (or thread)."""

    def __init__(self, path: str | Path, timeout_s: float = 60.0, read_only: bool = False):
        self.path = Path(path)
        try:
            if read_only:
                self.db = self._open_read_only(timeout_s)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(str(self.path), timeout=timeout_s, isolation_level=None)
                self.db.row_factory = sqlite3.Row
                self._setup(timeout_s)
        except sqlite3.Error as e:
            raise CatalogError(explain(e, self.path)) from None

    def _open_read_only(self, timeout_s: float) -> sqlite3.Connection:
        """For looking only (``status``): nothing written, so a catalog on a read-only or full disk can still be
        read (where SQLite cannot make its WAL index, the file is read as immutable: what was checkpointed)."""
        uri = self.path.resolve().as_uri()
        for mode in ("mode=ro", "immutable=1"):
            db = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=timeout_s, isolation_level=None)
            db.row_factory = sqlite3.Row
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                db.execute("SELECT COUNT(*) FROM recordings").fetchone()
            except sqlite3.OperationalError:
                db.close()
                if mode == "mode=ro":  # no WAL index can be made here (read-only or full disk)
                    continue
                raise
            if version > SCHEMA_VERSION:
                db.close()
                raise CatalogError(f"{self.path} was written by a newer callreview (catalog schema {version}, "
                                   f"this one knows {SCHEMA_VERSION})")
            return db
        raise AssertionError("unreachable")

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
    def for_out(cls, out: str | Path, read_only: bool = False) -> "Catalog":
        return cls(Path(out) / CATALOG_NAME, read_only=read_only)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so that read-then-write is atomic. An SQLite
        failure (disk full, read-only, damaged file) rolls it back and becomes a one-line ``CatalogError``."""
        try:
            with self._tx() as db:
                yield db
        except sqlite3.Error as e:
            if self.db.in_transaction:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise CatalogError(explain(e, self.path)) from None

    def _read(self, q: str, args: tuple = ()) -> list[sqlite3.Row]:
        try:
            return self.db.execute(q, args).fetchall()
        except sqlite3.Error as e:
            raise CatalogError(explain(e, self.path)) from None

    def _migrate(self) -> None:
        with self._tx() as db:
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
        return [Row(**dict(r)) for r in self._read(q, (status,) if status else ())]

    def get(self, source: str) -> Row | None:
        r = self._read("SELECT * FROM recordings WHERE source = ?", (source,))
        return Row(**dict(r[0])) if r else None

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for status, n in self._read("SELECT status, COUNT(*) FROM recordings GROUP BY status"):
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
            if r["call_id"] and r["call_id"] != fields.get("call_id"):
                fields["replaces"] = r["replaces"] or r["call_id"]  # the changed file's earlier version
            sets = ", ".join(f"{k} = ?" for k in fields)
            db.execute(f"UPDATE recordings SET {sets} WHERE source = ?", (*fields.values(), source))
            r = db.execute("SELECT * FROM recordings WHERE source = ?", (source,)).fetchone()
        return Row(**dict(r))

    def requeue(self, source: str, settings_hash: str, now: float) -> None:
        with self.write() as db:
            db.execute("UPDATE recordings SET status = 'queued', error = NULL, queued_at = ?, settings_hash = ? "
                       "WHERE source = ? AND status != 'running'", (now, settings_hash, source))

    def mark_missing(self, present: set[str]) -> list[Row]:
        """Mark every row not in ``present`` as missing; a folder's row (a source ending in ``/``: it could not
        be listed) is dropped instead. Returns the dropped folder rows."""
        with self.write() as db:
            gone = [Row(**dict(r)) for r in db.execute(
                "SELECT * FROM recordings WHERE status NOT IN ('missing', 'running')") if r["source"] not in present]
            db.executemany("UPDATE recordings SET status = 'missing' WHERE source = ?",
                           [(r.source,) for r in gone if not r.source.endswith("/")])
            dropped = [r for r in gone if r.source.endswith("/")]
            db.executemany("DELETE FROM recordings WHERE source = ?", [(r.source,) for r in dropped])
        return dropped

    def gone_with(self, sha256: str, source: str) -> Row | None:
        """A recording of this content whose file is no longer in the inbox (the one ``source`` was moved from)."""
        r = self._read("SELECT * FROM recordings WHERE sha256 = ? AND source != ? AND status = 'missing' "
                       "ORDER BY finished_at IS NULL, id LIMIT 1", (sha256, source))
        return Row(**dict(r[0])) if r else None

    def orphaned_duplicates(self) -> list[tuple[Row, Row | None]]:
        """Duplicates whose original is gone from the inbox, each with the original's row (None: forgotten)."""
        out = []
        for r in self._read("SELECT * FROM recordings WHERE status = 'duplicate' ORDER BY id"):
            dup = Row(**dict(r))
            original = self.get(dup.duplicate_of or "")
            if original is None or original.status == "missing":
                out.append((dup, original))
        return out

    def take_over(self, source: str, gone: str | None, sha256: str, info: dict[str, Any], settings_hash: str,
                  now: float) -> None:
        """``source`` holds the audio of ``gone``, which left the inbox: one call, now at ``source`` (queued, so
        its saved analysis is brought up to date under the new path); ``gone``'s row is dropped."""
        fields = {"sha256": sha256, **info, "status": "queued", "duplicate_of": None, "error": None,
                  "queued_at": now, "settings_hash": settings_hash, "replaces": None}
        with self.write() as db:
            sets = ", ".join(f"{k} = ?" for k in fields)
            db.execute(f"UPDATE recordings SET {sets} WHERE source = ? AND status IN ('waiting', 'duplicate')",
                       (*fields.values(), source))
            if gone is not None:
                db.execute("DELETE FROM recordings WHERE source = ? AND status = 'missing'", (gone,))
                db.execute("UPDATE recordings SET duplicate_of = ?, error = ? WHERE duplicate_of = ?",
                           (source, f"same audio as {source}: analysed once, under that name", gone))

    def fail_unreadable(self, source: str, call_id: str, error: str, settings_hash: str, now: float) -> Row | None:
        """Record a file or folder the scan could not read as failed (no content hash: ``retry`` makes the scan
        look at it again), under its earlier call id if it had one, else ``call_id``. None when it was already
        recorded with this reason (or a worker is on it)."""
        with self.write() as db:
            r = db.execute("SELECT status, error FROM recordings WHERE source = ?", (source,)).fetchone()
            if r is not None and ((r["status"], r["error"]) == ("failed", error) or r["status"] == "running"):
                return None
            if r is None:
                db.execute("INSERT INTO recordings (source, status, seen_at) VALUES (?, 'waiting', ?)", (source, now))
            db.execute("UPDATE recordings SET status = 'failed', error = ?, sha256 = NULL, settings_hash = ?, "
                       "call_id = COALESCE(call_id, ?), finished_at = ?, attempts = attempts + 1 WHERE source = ?",
                       (error, settings_hash, call_id, now, source))
            r = db.execute("SELECT * FROM recordings WHERE source = ?", (source,)).fetchone()
        return Row(**dict(r))

    def clear_replaces(self, source: str) -> None:
        with self.write() as db:
            db.execute("UPDATE recordings SET replaces = NULL WHERE source = ?", (source,))

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
            # a file the scan could not read (no hash) is looked at again by the next scan; the rest are queued
            cur = db.execute("UPDATE recordings SET status = CASE WHEN sha256 IS NULL THEN 'waiting' ELSE 'queued' END, "
                             "error = NULL, queued_at = ? WHERE status = 'failed'", (now,))
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
        return [dict(r) for r in self._read("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (n,))]

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
                for r in self._read("SELECT name, embedding FROM voiceprints ORDER BY name")}

    def voiceprint_rows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._read(
            "SELECT name, dim, encoder, samples, speech_s, created_at FROM voiceprints ORDER BY name")]


def now() -> float:
    return time.time()
