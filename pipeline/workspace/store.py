"""The workspace's own data (issue 15): accounts, coach assignments and comments, in ``OUT/workspace.sqlite``.

One module holds every query, so moving to a server database is a change here only. SQLite in WAL mode (the
server's threads and a ``callreview users`` command share it), schema versioned by ``PRAGMA user_version`` with
migrations as the catalog's are. A connection per operation: the server's worker threads never share one.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import ConfigError

STORE_NAME = "workspace.sqlite"
ROLES = ("manager", "coach", "rep")

MIGRATIONS = [
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('manager', 'coach', 'rep')),
        rep TEXT,                       -- a rep account: the rep name their calls carry (analysis.json call.rep)
        pw_hash TEXT NOT NULL,          -- argon2id, never the password
        failed INTEGER NOT NULL DEFAULT 0,
        locked_until REAL,              -- unix time; sign-in refused until then
        created_at TEXT NOT NULL
    );
    CREATE TABLE coach_reps (
        coach_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        rep TEXT NOT NULL,
        PRIMARY KEY (coach_id, rep)
    );
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        parent_id INTEGER REFERENCES comments(id),
        start REAL NOT NULL,            -- seconds into the call the comment is anchored to
        end REAL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        edited_at TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX comments_by_call ON comments(call_id, start);
    """,
    """
    -- full-text search over every transcript: one row per utterance, by party (SQLite FTS5)
    CREATE VIRTUAL TABLE utterances USING fts5(
        text, call_id UNINDEXED, party UNINDEXED, rep UNINDEXED, recorded_at UNINDEXED, start UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE indexed (call_id TEXT PRIMARY KEY, stamp INTEGER NOT NULL);  -- which analysis version is in
    """,
    """
    -- scorecards: one per call, person and kind ('coach': a coach's or manager's; 'self': the rep's own)
    CREATE TABLE scorecards (
        call_id TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL CHECK (kind IN ('coach', 'self')),
        answers TEXT NOT NULL,          -- JSON {question id: 1-5 or "yes"/"no"}
        note TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (call_id, user_id, kind)
    );
    """,
    """
    -- focus for next calls: up to three items a coach sets on a call for its rep, which the rep acknowledges
    CREATE TABLE focus_items (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        rep TEXT NOT NULL,
        set_by INTEGER NOT NULL REFERENCES users(id),
        finding TEXT,                   -- a work-on finding of the call's feedback, or NULL for free text
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        acknowledged_at TEXT
    );
    CREATE INDEX focus_by_rep ON focus_items(rep, created_at);
    """,
    """
    -- clips (a span of a call with a note) in named playlists ("good urgency", "objection handled")
    CREATE TABLE playlists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_by INTEGER NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL
    );
    CREATE TABLE clips (
        id INTEGER PRIMARY KEY,
        playlist_id INTEGER NOT NULL REFERENCES playlists(id),
        call_id TEXT NOT NULL,
        rep TEXT,
        start REAL NOT NULL,
        end REAL NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        added_by INTEGER NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL
    );
    CREATE INDEX clips_by_playlist ON clips(playlist_id, id);
    """,
]


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    rep: str | None
    coached: frozenset[str]  # a coach's reps
    pw_hash: str
    failed: int
    locked_until: float | None


@dataclass(frozen=True)
class Comment:
    id: int
    call_id: str
    user_id: int
    author: str
    parent_id: int | None
    start: float
    end: float | None
    body: str
    created_at: str
    edited_at: str | None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, out: Path):
        self.path = Path(out) / STORE_NAME
        with self._db() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise ConfigError(f"{self.path} was written by a newer callreview (schema {version})")
            for i in range(version, len(MIGRATIONS)):
                db.executescript("BEGIN IMMEDIATE;" + MIGRATIONS[i] + f"; PRAGMA user_version = {i + 1}; COMMIT;")

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            # a call re-indexed after it was redacted leaves no old transcript text in the file's free pages
            db.execute("PRAGMA secure_delete = ON")
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    # --- accounts ------------------------------------------------------------------------------------------
    def add_user(self, name: str, role: str, pw_hash: str, rep: str | None = None,
                 coached: tuple[str, ...] = ()) -> User:
        if role not in ROLES:
            raise ConfigError(f"role {role!r}: use one of {', '.join(ROLES)}")
        if role == "rep" and not rep:
            raise ConfigError("a rep account needs --rep: the rep name their calls carry")
        if not name.strip() or len(name) > 100:
            raise ConfigError("a user name is 1 to 100 characters")
        with self._db() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
                cur = db.execute("INSERT INTO users (name, role, rep, pw_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                                 (name.strip(), role, rep if role == "rep" else None, pw_hash, _now()))
                db.executemany("INSERT INTO coach_reps (coach_id, rep) VALUES (?, ?)",
                               [(cur.lastrowid, r) for r in sorted(set(coached))])
                db.execute("COMMIT")
            except sqlite3.IntegrityError:
                db.execute("ROLLBACK")
                raise ConfigError(f"there is already a user called {name.strip()!r}") from None
        user = self.user_by_name(name.strip())
        assert user is not None
        return user

    def _user(self, db: sqlite3.Connection, row: sqlite3.Row | None) -> User | None:
        if row is None:
            return None
        coached = frozenset(r[0] for r in db.execute("SELECT rep FROM coach_reps WHERE coach_id = ?", (row["id"],)))
        return User(row["id"], row["name"], row["role"], row["rep"], coached, row["pw_hash"], row["failed"],
                    row["locked_until"])

    def user_by_name(self, name: str) -> User | None:
        with self._db() as db:
            return self._user(db, db.execute("SELECT * FROM users WHERE name = ?", (name.strip(),)).fetchone())

    def user(self, user_id: int) -> User | None:
        with self._db() as db:
            return self._user(db, db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())

    def users(self) -> list[User]:
        with self._db() as db:
            return [u for u in (self._user(db, r) for r in db.execute("SELECT * FROM users ORDER BY name")) if u]

    def record_failure(self, user_id: int, failed: int, locked_until: float | None) -> None:
        with self._db() as db:
            db.execute("UPDATE users SET failed = ?, locked_until = ? WHERE id = ?", (failed, locked_until, user_id))

    def record_success(self, user_id: int, pw_hash: str | None = None) -> None:
        """A good sign-in clears the failures (and stores a rehashed password when the parameters moved on)."""
        with self._db() as db:
            db.execute("UPDATE users SET failed = 0, locked_until = NULL, pw_hash = COALESCE(?, pw_hash) WHERE id = ?",
                       (pw_hash, user_id))

    # --- comments ----------------------------------------------------------------------------------------
    def add_comment(self, call_id: str, user_id: int, start: float, body: str, end: float | None = None,
                    parent_id: int | None = None) -> int:
        with self._db() as db:
            if parent_id is not None:
                parent = db.execute("SELECT call_id FROM comments WHERE id = ? AND deleted = 0", (parent_id,)).fetchone()
                if parent is None or parent[0] != call_id:
                    raise KeyError(parent_id)
            cur = db.execute("INSERT INTO comments (call_id, user_id, parent_id, start, end, body, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", (call_id, user_id, parent_id, start, end, body, _now()))
            return int(cur.lastrowid)

    def comments(self, call_id: str) -> list[Comment]:
        with self._db() as db:
            rows = db.execute("SELECT c.*, u.name AS author FROM comments c JOIN users u ON u.id = c.user_id "
                              "WHERE c.call_id = ? AND c.deleted = 0 ORDER BY c.start, c.id", (call_id,))
            return [Comment(r["id"], r["call_id"], r["user_id"], r["author"], r["parent_id"], r["start"], r["end"],
                            r["body"], r["created_at"], r["edited_at"]) for r in rows]

    def mentions(self, name: str, limit: int = 20) -> list[dict]:
        """The latest comments that mention ``@name`` (the caller filters them by who may see the call)."""
        like = "%@" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._db() as db:
            rows = db.execute("SELECT c.id, c.call_id, c.start, c.body, u.name AS author FROM comments c "
                              "JOIN users u ON u.id = c.user_id WHERE c.deleted = 0 AND c.body LIKE ? ESCAPE '\\' "
                              "ORDER BY c.id DESC LIMIT ?", (like, limit))
            return [dict(r) for r in rows if re.search(r"@" + re.escape(name) + r"\b", r["body"], re.I)]

    def comment(self, comment_id: int) -> Comment | None:
        with self._db() as db:
            r = db.execute("SELECT c.*, u.name AS author FROM comments c JOIN users u ON u.id = c.user_id "
                           "WHERE c.id = ? AND c.deleted = 0", (comment_id,)).fetchone()
            return None if r is None else Comment(r["id"], r["call_id"], r["user_id"], r["author"], r["parent_id"],
                                                  r["start"], r["end"], r["body"], r["created_at"], r["edited_at"])

    def edit_comment(self, comment_id: int, body: str) -> None:
        with self._db() as db:
            db.execute("UPDATE comments SET body = ?, edited_at = ? WHERE id = ?", (body, _now(), comment_id))

    def delete_comment(self, comment_id: int) -> None:
        with self._db() as db:
            db.execute("UPDATE comments SET deleted = 1 WHERE id = ?", (comment_id,))

    # --- search ------------------------------------------------------------------------------------------
    def sync_transcripts(self, calls: dict[str, tuple[int, dict]]) -> int:
        """Bring the search index up to ``calls`` ({call id: (analysis file stamp, analysis)}): changed and new
        calls are (re)indexed, vanished ones dropped. Returns how many calls changed."""
        with self._db() as db:
            have = dict(db.execute("SELECT call_id, stamp FROM indexed").fetchall())
            changed = [cid for cid, (stamp, _) in calls.items() if have.get(cid) != stamp]
            gone = [cid for cid in have if cid not in calls]
            if not changed and not gone:
                return 0
            db.execute("BEGIN IMMEDIATE")
            for cid in changed + gone:
                db.execute("DELETE FROM utterances WHERE call_id = ?", (cid,))
                db.execute("DELETE FROM indexed WHERE call_id = ?", (cid,))
            for cid in changed:
                stamp, doc = calls[cid]
                call = doc.get("call", {})
                roles = {sp.get("id"): sp.get("role") for sp in doc.get("speakers", [])}
                db.executemany(
                    "INSERT INTO utterances (text, call_id, party, rep, recorded_at, start) VALUES (?, ?, ?, ?, ?, ?)",
                    [(u.get("text", ""), cid, roles.get(u.get("speaker"), "unknown"), call.get("rep"),
                      call.get("recorded_at"), float(u.get("start", 0.0))) for u in doc.get("segments", [])
                     if u.get("text", "").strip()])
                db.execute("INSERT INTO indexed (call_id, stamp) VALUES (?, ?)", (cid, stamp))
            db.execute("COMMIT")
            return len(changed) + len(gone)

    def search(self, query: str, reps: set[str] | None, party: str | None = None, rep: str | None = None,
               since: str | None = None, until: str | None = None, limit: int = 100) -> list[dict]:
        """Utterances matching ``query`` (words; each must appear, quotes for a phrase), best first; only calls of
        ``reps`` (None: every call), optionally one party, one rep, a date range (YYYY-MM-DD)."""
        terms = [t for t in re.findall(r'"[^"]+"|[\w\']+', query) if t.strip('"').strip()]
        if not terms:
            return []
        match = " ".join('"' + t.strip('"').replace('"', "") + '"' for t in terms)
        sql = ("SELECT call_id, party, rep, recorded_at, start, text, "
               "snippet(utterances, 0, '\x02', '\x03', ' … ', 12) AS snip FROM utterances WHERE utterances MATCH ?")
        args: list = [match]
        if reps is not None:
            if not reps:
                return []
            sql += f" AND rep IN ({', '.join('?' * len(reps))})"
            args += sorted(reps)
        for clause, value in (("party = ?", party), ("rep = ?", rep), ("substr(recorded_at, 1, 10) >= ?", since),
                              ("substr(recorded_at, 1, 10) <= ?", until)):
            if value:
                sql += f" AND {clause}"
                args.append(value)
        sql += " ORDER BY rank LIMIT ?"
        args.append(limit)
        with self._db() as db:
            return [dict(r) for r in db.execute(sql, args)]

    # --- scorecards --------------------------------------------------------------------------------------
    def save_scorecard(self, call_id: str, user_id: int, kind: str, answers: dict, note: str = "") -> None:
        import json

        with self._db() as db:
            db.execute("INSERT INTO scorecards (call_id, user_id, kind, answers, note, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (call_id, user_id, kind) DO UPDATE SET answers = excluded.answers, "
                       "note = excluded.note, updated_at = excluded.updated_at",
                       (call_id, user_id, kind, json.dumps(answers, sort_keys=True), note, _now()))

    def scorecards(self, call_id: str) -> list[dict]:
        import json

        with self._db() as db:
            rows = db.execute("SELECT s.*, u.name AS author FROM scorecards s JOIN users u ON u.id = s.user_id "
                              "WHERE s.call_id = ? ORDER BY s.kind, u.name", (call_id,))
            return [{"kind": r["kind"], "author": r["author"], "user_id": r["user_id"],
                     "answers": json.loads(r["answers"]), "note": r["note"], "updated_at": r["updated_at"]}
                    for r in rows]

    # --- focus for next calls ----------------------------------------------------------------------------
    def add_focus(self, call_id: str, rep: str, set_by: int, text: str, finding: str | None, limit: int) -> int:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            n = db.execute("SELECT COUNT(*) FROM focus_items WHERE call_id = ?", (call_id,)).fetchone()[0]
            if n >= limit:
                db.execute("ROLLBACK")
                raise ValueError(f"a call takes at most {limit} focus items")
            cur = db.execute("INSERT INTO focus_items (call_id, rep, set_by, finding, text, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (call_id, rep, set_by, finding, text, _now()))
            db.execute("COMMIT")
            return int(cur.lastrowid)

    def focus_for_rep(self, rep: str) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT f.*, u.name AS coach FROM focus_items f JOIN users u ON u.id = f.set_by "
                              "WHERE f.rep = ? ORDER BY f.created_at, f.id", (rep,))
            return [dict(r) for r in rows]

    def focus_item(self, item_id: int) -> dict | None:
        with self._db() as db:
            r = db.execute("SELECT * FROM focus_items WHERE id = ?", (item_id,)).fetchone()
            return None if r is None else dict(r)

    def acknowledge_focus(self, item_id: int) -> None:
        with self._db() as db:
            db.execute("UPDATE focus_items SET acknowledged_at = COALESCE(acknowledged_at, ?) WHERE id = ?",
                       (_now(), item_id))

    # --- clips and playlists -----------------------------------------------------------------------------
    def add_clip(self, playlist: str, call_id: str, rep: str | None, start: float, end: float, note: str,
                 user_id: int) -> int:
        """Save a clip into the playlist called ``playlist`` (made on first use)."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT id FROM playlists WHERE name = ?", (playlist,)).fetchone()
            pid = row[0] if row else db.execute("INSERT INTO playlists (name, created_by, created_at) VALUES (?, ?, ?)",
                                                (playlist, user_id, _now())).lastrowid
            cur = db.execute("INSERT INTO clips (playlist_id, call_id, rep, start, end, note, added_by, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (pid, call_id, rep, start, end, note, user_id, _now()))
            db.execute("COMMIT")
            return int(cur.lastrowid)

    def playlists(self, reps: set[str] | None) -> list[dict]:
        """Every playlist with how many of its clips come from calls of ``reps`` (None: all)."""
        with self._db() as db:
            out = {p["id"]: {"id": p["id"], "name": p["name"], "clips": 0}
                   for p in db.execute("SELECT id, name FROM playlists ORDER BY name")}
            for pid, rep in db.execute("SELECT playlist_id, rep FROM clips"):  # one pass, not a query a playlist
                if reps is None or rep in reps:
                    out[pid]["clips"] += 1
            return list(out.values())

    def playlist(self, playlist_id: int) -> tuple[dict | None, list[dict]]:
        with self._db() as db:
            p = db.execute("SELECT * FROM playlists WHERE id = ?", (playlist_id,)).fetchone()
            if p is None:
                return None, []
            rows = db.execute("SELECT c.*, u.name AS author FROM clips c JOIN users u ON u.id = c.added_by "
                              "WHERE c.playlist_id = ? ORDER BY c.id", (playlist_id,))
            return dict(p), [dict(r) for r in rows]
