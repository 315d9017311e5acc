"""The catalog's schema: the statuses a recording moves through, the migrations (in order; the database's
``PRAGMA user_version`` says how many have run) and ``Row``, one recording's record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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
    # 2: the folder of the version a changed recording replaces
    """
    ALTER TABLE recordings ADD COLUMN replaces TEXT
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


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
    replaces: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["timings"] = json.loads(self.timings) if self.timings else None
        return d
