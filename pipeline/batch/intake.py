"""What the batch may read from an inbox, and when: the link rule, the folder rule and the settle rule.

- Links: symbolic links, to files and to folders alike, are skipped unless asked for (``follow_links``).
- Folders: an output folder inside the inbox (or the reverse) is refused, so a run never reads its own copies.
- Settling: a recording is taken once it has stopped changing for ``settle_s`` seconds -- its size and
  modification time the same and its *status-change* time (``ctime``, which every write moves and no copy tool
  can set back, unlike the mtime that ``cp -p`` and ``rsync -t`` restore) at least that old -- and, on Linux, no
  process holds it open for writing. A copy that pauses for longer than ``settle_s`` while keeping the file open
  is still waited for; one that reopens the file for every chunk is waited for as long as its pauses are
  shorter than ``settle_s``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..audio import is_audio_path
from ..callmeta import SETTLE_S
from ..errors import ConfigError

__all__ = ["SETTLE_S", "Listing", "changed_at", "check_folders", "find_recordings", "list_inbox", "open_for_writing",
           "same_file_state"]


@dataclass(frozen=True)
class Listing:
    """One walk of the inbox: the recordings found and the folders that could not be listed (with why)."""

    recordings: tuple[Path, ...]
    unlistable: tuple[tuple[Path, str], ...] = ()


def list_inbox(inbox: Path, follow_links: bool = False) -> Listing:
    """Every audio file under ``inbox``, recursively, in a stable order; hidden files and folders skipped.

    Symbolic links, to files and to folders alike, are skipped unless ``follow_links``: a link can point
    anywhere (``/etc/passwd``, another team's share), and the inbox is what the manager put there. Followed
    folders are entered once each (a link loop ends). A folder that cannot be listed (permission denied) is
    returned with the reason, never silently left out."""
    out: list[Path] = []
    errors: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def unlistable(e: OSError) -> None:
        errors.append((Path(e.filename), e.strerror or type(e).__name__))

    for root, dirs, files in os.walk(inbox, followlinks=follow_links, onerror=unlistable):
        here = Path(root)
        if follow_links:
            real = os.path.realpath(root)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (follow_links or not (here / d).is_symlink()))
        for name in files:
            p = here / name
            if name.startswith(".") or (p.is_symlink() and not follow_links):
                continue
            if p.is_file() and is_audio_path(p):
                out.append(p)
    return Listing(tuple(sorted(out)), tuple(sorted(errors)))


def find_recordings(inbox: Path, follow_links: bool = False) -> list[Path]:
    """The recordings of ``list_inbox`` (for callers that only want the files)."""
    return list(list_inbox(inbox, follow_links).recordings)


def check_folders(inbox: Path, out: Path) -> None:
    """Refuse an output folder inside the inbox (its own audio copies would come back as new calls, run after
    run) and an inbox inside the output folder, in one line."""
    i, o = Path(inbox).resolve(), Path(out).resolve()
    if o == i or i in o.parents:
        raise ConfigError(f"the output folder {out} is inside the inbox {inbox}: its audio copies would be read as "
                          "new calls; choose an --out outside the inbox")
    if o in i.parents:
        raise ConfigError(f"the inbox {inbox} is inside the output folder {out}; keep the two folders apart")


def changed_at(st: os.stat_result) -> float:
    """When the file last changed: its mtime or, when later, its ctime (a restored mtime does not hide a copy)."""
    return max(st.st_mtime, st.st_ctime)


def same_file_state(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_size, a.st_mtime, a.st_ctime, a.st_ino) == (b.st_size, b.st_mtime, b.st_ctime, b.st_ino)


def open_for_writing(paths: list[Path]) -> set[Path]:
    """Those of ``paths`` that some process holds open for writing (Linux ``/proc``; elsewhere: none known).

    Only processes this user may inspect are seen; the settle time covers the rest."""
    proc = Path("/proc")
    if not paths or not (proc / "self" / "fd").is_dir():
        return set()
    wanted = {os.path.realpath(p): p for p in paths}
    found: set[Path] = set()
    try:
        pids = [e.name for e in os.scandir(proc) if e.name.isdigit()]
    except OSError:
        return found
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue  # gone, or not ours to look at
        for fd in fds:
            try:
                target = os.readlink(f"{fd_dir}/{fd}")
            except OSError:
                continue
            if target not in wanted:
                continue
            try:
                flags = next(int(line.split()[1], 8) for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines()
                             if line.startswith("flags:"))
            except (OSError, StopIteration, ValueError, IndexError):
                continue
            if flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                found.add(wanted[target])
    return found
