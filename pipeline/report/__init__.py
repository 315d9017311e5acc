"""Reports and exports, rendered from saved ``analysis.json`` files alone: no audio, no models.

Writers are registered by format (as Whisper's ``get_writer`` does for txt/vtt/srt): each module in
``pipeline/report/writers/`` registers one with ``@register``, so a new format is one small module. A writer
is either per call (``report.html``, ``transcript.vtt``, ``transcript.md`` in ``OUT/<call id>/``) or per
batch (``index.html``, ``calls.csv`` in ``OUT/``). Rendering is deterministic: the same analyses give
byte-identical files, so ``callreview report OUT`` can rebuild everything at any time.

Public API::

    write_call(folder, doc) -> [paths]     every per-call format for one analysis
    write_batch(out) -> [paths]            every batch format over all calls under OUT
    rebuild(out) -> [paths]                both, from the analysis.json files under OUT
    formats(scope=None) -> {name: Format}
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..analysis import write_bytes_atomic, write_text_atomic


@dataclass(frozen=True)
class Format:
    name: str
    filename: str
    scope: str  # "call": render(doc) -> str; "batch": render(calls: [CallEntry], failures: [dict]) -> str | bytes
    render: Callable[..., str]
    description: str = ""
    team: bool = False  # a batch writer of team figures: also takes ``team=TeamOptions`` (from OUT/team.toml)


@dataclass(frozen=True)
class CallEntry:
    """One analysed call of a batch: its folder's name (what links point at) and its analysis."""

    folder: str
    doc: dict[str, Any]


_FORMATS: dict[str, Format] = {}
_discovered = False


def register(name: str, filename: str, scope: str = "call", description: str = "", team: bool = False) -> Callable:
    """Decorator: make ``render`` the writer of ``filename`` for format ``name``."""
    if scope not in ("call", "batch"):
        raise ValueError(f"scope must be 'call' or 'batch', not {scope!r}")

    def deco(render: Callable[..., str]) -> Callable[..., str]:
        _FORMATS[name] = Format(name, filename, scope, render, description, team)
        return render

    return deco


def formats(scope: str | None = None) -> dict[str, Format]:
    """The registered writers (every module under ``writers/`` is imported on first call)."""
    global _discovered
    if not _discovered:
        from . import writers as pkg

        for mod in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"{pkg.__name__}.{mod.name}")
        _discovered = True
    return {k: f for k, f in sorted(_FORMATS.items()) if scope is None or f.scope == scope}


def _select(scope: str, names: Iterable[str] | None) -> list[Format]:
    available = formats(scope)
    if names is None:
        return list(available.values())
    return [available[n] for n in names if n in available]


def write_call(folder: Path, doc: dict[str, Any], names: Iterable[str] | None = None) -> list[Path]:
    """Render every per-call format of ``doc`` into ``folder``."""
    written = []
    for f in _select("call", names):
        path = Path(folder) / f.filename
        write_text_atomic(path, f.render(doc))
        written.append(path)
    return written


def load_calls(out: Path) -> tuple[list[CallEntry], list[dict[str, Any]]]:
    """Every analysis under ``out`` (sorted by recording time, then id) and every recorded failure.

    A call folder holding both an old ``error.json`` and a newer ``analysis.json`` counts as analysed.
    Unreadable analyses are reported as failures rather than dropped.
    """
    calls, failures = [], []
    for folder in sorted(p for p in Path(out).iterdir() if p.is_dir()):
        a, e = folder / "analysis.json", folder / "error.json"
        if a.is_file():
            try:
                calls.append(CallEntry(folder.name, json.loads(a.read_text(encoding="utf-8"))))
                continue
            except (OSError, ValueError) as err:
                failures.append({"id": folder.name, "source": folder.name,
                                 "error": f"analysis.json unreadable: {' '.join(str(err).split())[:200]}"})
                continue
        if e.is_file():
            try:
                failures.append({"id": folder.name, **json.loads(e.read_text(encoding="utf-8"))})
            except (OSError, ValueError):
                failures.append({"id": folder.name, "source": folder.name, "error": "error.json unreadable"})
    calls.sort(key=lambda c: (c.doc.get("call", {}).get("recorded_at") or "", c.folder))
    failures.sort(key=lambda f: (str(f.get("source")), f["id"]))
    return calls, failures


def write_batch(out: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Render every batch format (index, CSV, team views) over all calls under ``out``; the team views use the
    thresholds in ``OUT/team.toml`` (``team.TeamOptions``; a bad file raises ``ConfigError``)."""
    from .team import TeamOptions

    calls, failures = load_calls(out)
    team = TeamOptions.load(Path(out))
    written = []
    for f in _select("batch", names):
        path = Path(out) / f.filename
        data = f.render(calls, failures, team=team) if f.team else f.render(calls, failures)
        write_bytes_atomic(path, data if isinstance(data, bytes) else data.encode("utf-8"))
        written.append(path)
    if names is None or "reps" in names:
        from .reps import publish_rep_folders

        written += publish_rep_folders(Path(out), calls)
    return written


def rebuild(out: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Re-render every report and export under ``out`` from its ``analysis.json`` files."""
    calls, _ = load_calls(out)
    written = []
    for c in calls:
        written += write_call(Path(out) / c.folder, c.doc, names)
    return written + write_batch(out, names)
