"""``OUT/reps/<rep>/``: one folder per rep holding only that rep's calls and an index of them, so a rep can be
handed their own folder for self-review without seeing colleagues' calls.

Files are hard links to the call folders' files where the file system allows (no extra space), else copies.
Each folder is rebuilt from the analyses every batch: a call that moved to another rep leaves the old folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ..analysis import write_text_atomic
from ..callmeta import slug
from . import CallEntry

SHARED_FILES = ("report.html", "audio.mp3", "transcript.vtt", "transcript.md", "analysis.json", "diarization.rttm")


def rep_slug(rep: str) -> str:
    return slug(rep, 60, "rep").lower()


def rep_folders(reps: set[str]) -> dict[str, str]:
    """Rep -> folder name; names that clash after sanitising ("Ann Lee", "ann-lee") get a hash suffix."""
    slugs: dict[str, list[str]] = {}
    for r in sorted(reps):
        slugs.setdefault(rep_slug(r), []).append(r)
    out = {}
    for slug, names in slugs.items():
        for r in names:
            out[r] = slug if len(names) == 1 else f"{slug}-{hashlib.sha256(r.encode()).hexdigest()[:6]}"
    return out


def _link(src: Path, dst: Path) -> None:
    if dst.exists() and os.path.samefile(src, dst):
        return
    tmp = dst.with_name(dst.name + f".{os.getpid()}.tmp")
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def publish_rep_folders(out: Path, calls: list[CallEntry]) -> list[Path]:
    from .writers.index import render as render_index

    root = out / "reps"
    by_rep: dict[str, list[CallEntry]] = {}
    for c in calls:
        rep = c.doc.get("call", {}).get("rep")
        if rep:
            by_rep.setdefault(rep, []).append(c)
    names = rep_folders(set(by_rep))
    written = []
    keep = set(names.values())
    if root.is_dir():
        for old in root.iterdir():
            if old.is_dir() and old.name not in keep:
                shutil.rmtree(old)
    for rep, entries in sorted(by_rep.items()):
        folder = root / names[rep]
        folder.mkdir(parents=True, exist_ok=True)
        wanted = {c.folder for c in entries}
        for old in folder.iterdir():
            if old.is_dir() and old.name not in wanted:
                shutil.rmtree(old)
        for c in entries:
            dst = folder / c.folder
            dst.mkdir(exist_ok=True)
            for name in SHARED_FILES:
                src = out / c.folder / name
                if src.is_file():
                    _link(src, dst / name)
        write_text_atomic(folder / "index.html", render_index(entries, [], team=False))
        written.append(folder / "index.html")
    return written
