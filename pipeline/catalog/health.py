"""What can go wrong around the catalog, said in one line: SQLite failures (disk full, read-only, a damaged
file) explained with their fix, and whether the worker holding a claim is still alive."""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path

from ..errors import StorageError, disk_full_message


class CatalogError(StorageError):
    """The catalog cannot be opened, written or read (damaged, disk full, read-only), or is from a newer
    version of callreview."""


def explain(e: sqlite3.Error, path: Path) -> str:
    """One line for an SQLite error on the catalog at ``path``: the problem and the fix."""
    msg, out = " ".join(str(e).split()), path.parent
    low = msg.lower()
    disk = _disk_state(out) if "i/o" in low or "unable to open" in low else None  # SQLite's vaguer errors
    if "full" in low or disk == "full":
        return disk_full_message(out, msg)
    if "readonly" in low or "read-only" in low or disk == "read-only":
        return f"the catalog {path} cannot be written ({msg}); choose an --out on a writable disk"
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return (f"the catalog {path} is damaged ({msg}); move it aside and rerun: the analyses in {out} are kept "
                "and reused")
    if "locked" in low or "busy" in low:
        return f"the catalog {path} stayed locked by another process ({msg}); try again when it is done"
    return f"the catalog {path} cannot be used ({msg})"


def _disk_state(folder: Path) -> str | None:
    """"full" or "read-only" when the file system holding ``folder`` is, else None."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    if st.f_flag & os.ST_RDONLY:
        return "read-only"
    return "full" if st.f_bavail * st.f_frsize < 1 << 20 else None


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
