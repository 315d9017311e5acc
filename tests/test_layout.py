"""The package's shape: every module imports on its own, dependencies point one way, modules stay small.

The direction (docs/ARCHITECTURE.md): cli, bench -> cluster -> batch -> analyze -> engines -> the stages.
The import rules are read from the source (an import inside a function counts too) and, for the batch, also
checked on a real import.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "pipeline"
MAX_LINES = 450
# modules still over the limit, each with what would split it; a module leaves the list when it is split
OVER_THE_LIMIT = {
    "pipeline/cli.py": "the typer commands; could become a package of command groups",
    "pipeline/diarize/embedded.py": "one diarizer: VAD windows, embeddings, clustering, resegmentation",
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(module: str, path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, as absolute names (``from . import x`` gives ``pkg.x``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            out |= {name} | {f"{name}.{a.name}" for a in node.names}
    return out


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_every_module_imports_on_its_own():
    def try_import(module: str) -> str | None:
        run = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
        return None if run.returncode == 0 else f"{module}: {run.stderr.strip().splitlines()[-1:]}"

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        failures = [f for f in pool.map(try_import, _modules()) if f]
    assert not failures


def test_dependencies_point_from_the_cluster_to_the_batch_to_one_call_to_the_stages():
    top = ("pipeline.cli", "pipeline.bench", "pipeline.watch", "pipeline.evaluate")
    rules = {  # a module in the first packages imports nothing from the second
        ("pipeline.batch",): ("pipeline.cluster",) + top,
        ("pipeline.analyze", "pipeline.engines"): ("pipeline.batch", "pipeline.cluster") + top,
    }
    layered = ("pipeline.cluster", "pipeline.batch", "pipeline.analyze", "pipeline.engines") + top
    stages = tuple(m for m in _modules() if m != "pipeline" and not _within(m, layered))
    rules[stages] = ("pipeline.analyze", "pipeline.engines", "pipeline.batch", "pipeline.cluster") + top
    wrong = [f"{module} imports {name}"
             for module, path in _modules().items() for owners, banned in rules.items() if _within(module, owners)
             for name in sorted(_imports(module, path)) if _within(name, banned)]
    assert not wrong
    assert "pipeline.batch.jobs" in _modules() and "pipeline.diarize" in stages  # the rules cover what they mean to


def test_the_batch_loads_without_the_cluster():
    code = ("import sys, pipeline.batch, pipeline.batch.jobs, pipeline.batch.executors, pipeline.batch.heartbeat; "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.cluster')))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert run.stdout.strip() == "[]"


def test_no_module_is_longer_than_the_limit():
    lengths = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
               for path in _modules().values()}
    assert {p: n for p, n in lengths.items() if n > MAX_LINES and p not in OVER_THE_LIMIT} == {}
    assert {p: lengths.get(p) for p in OVER_THE_LIMIT if lengths.get(p, 0) <= MAX_LINES} == {}  # split: unlist it
