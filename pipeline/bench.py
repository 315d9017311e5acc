"""``callreview bench``: wall time per stage, real-time factor and peak memory, printed and written as Markdown.

Each measurement runs in a fresh child process, so its peak RSS (``ru_maxrss``) belongs to that one call: model
loading is timed apart, then one recording goes through the whole pipeline (decode, diarize, transcribe, the
verbatim pass, score, audio copy, report) and, separately, through bare transcription with the same model - the
pipeline's own overhead shows as the ratio of the two. The recordings are the sample calls and a long call made
by joining them (``--long-min``, default 60 minutes).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import platform
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

STAGES = ("decode", "diarize", "transcribe", "verbatim", "voice", "score", "media", "report")


def make_long_call(sources: list[Path], minutes: float, path: Path) -> Path:
    """A long mono recording: the sources, mixed down, joined end to end (with 1 s gaps) until ``minutes``."""
    from .audio import decode, write_wav
    from .types import SAMPLE_RATE

    parts = [decode(p).mono() for p in sources]
    gap = np.zeros(SAMPLE_RATE, np.float32)
    need, out, n, i = int(minutes * 60 * SAMPLE_RATE), [], 0, 0
    while n < need:
        x = parts[i % len(parts)]
        out += [x, gap]
        n += len(x) + len(gap)
        i += 1
    write_wav(path, np.concatenate(out)[:need])
    return path


def _child(kind: str, path: str, engine: str, model: str, queue) -> None:
    """One measurement in a fresh process: ``kind`` is "pipeline" or "bare"."""
    try:
        from .audio import decode
        from .run import Engines, RunOptions, analyze_file
        from .transcribe import TranscribeOptions

        t0 = time.perf_counter()
        options = RunOptions(transcribe=TranscribeOptions(model=model), engine=engine)
        if kind == "bare":
            from .transcribe import load_transcriber

            transcriber = load_transcriber(options.transcribe, engine)
            load_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            audio = decode(path)
            transcriber.transcribe(audio.mono())
            timings = {"total": time.perf_counter() - t1}
            duration = audio.duration_s
        else:
            from . import report

            engines = Engines(options)
            load_s = time.perf_counter() - t0
            with tempfile.TemporaryDirectory() as tmp:
                t1 = time.perf_counter()
                doc, _ = analyze_file(Path(path), Path(path).name, engines, playable=Path(tmp) / "audio.mp3")
                t2 = time.perf_counter()
                report.write_call(Path(tmp), doc)
                t3 = time.perf_counter()
            timings = {k: float(v) for k, v in doc["run"]["timings_s"].items()}
            timings["report"] = t3 - t2
            timings["total"] = t3 - t1
            duration = doc["call"]["duration_s"]
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put({"ok": True, "load_s": load_s, "timings": timings, "duration_s": duration, "peak_rss_mb": rss_mb})
    except Exception as e:  # reported, not raised: one failing measurement must not hide the others
        queue.put({"ok": False, "error": f"{type(e).__name__}: {e}"})


def measure(kind: str, path: Path, engine: str, model: str) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(kind, str(path), engine, model, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return {"kind": kind, "file": path.name, "engine": engine, "model": model, **result}


def run_bench(files: list[Path], engines: list[str], model: str, out: Path, progress=None) -> list[dict[str, Any]]:
    rows = []
    jobs = [(f, e, k) for f in files for e in engines for k in ("pipeline", "bare")]
    for i, (f, e, k) in enumerate(jobs):
        if progress:
            progress(i, len(jobs), f"{k} {e} {f.name}")
        rows.append(measure(k, f, e, model))
    out.mkdir(parents=True, exist_ok=True)
    meta = machine()
    (out / "bench.json").write_text(json.dumps({"machine": meta, "rows": rows}, indent=2))
    (out / "bench.md").write_text(markdown(rows, meta))
    return rows


def machine() -> dict[str, Any]:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"date": dt.date.today().isoformat(), "cpu": cpu, "cores": cores, "python": platform.python_version()}


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    head = (f"Measured {meta['date']} on {meta['cpu']} ({meta['cores']} cores available), `callreview bench`. "
            "RTF = processing time / audio time (lower is faster); overhead = (pipeline - bare transcription) / "
            "bare transcription; peak RSS of the process that did the work (models included).\n\n")
    lines = ["| recording | audio min | engine | pipeline RTF | bare ASR RTF | overhead | peak RSS MB | "
             + " | ".join(f"{s} s" for s in STAGES) + " | model load s |",
             "|---|---|---|---|---|---|---|" + "---|" * len(STAGES) + "---|"]
    by = {(r["file"], r["engine"], r["kind"]): r for r in rows}
    for (f, e, k), r in by.items():
        if k != "pipeline":
            continue
        if not r.get("ok"):
            lines.append(f"| {f} | | {e} | failed: {r.get('error', '')[:80]} |" + " |" * (6 + len(STAGES)))
            continue
        bare = by.get((f, e, "bare"), {})
        dur = r["duration_s"]
        t = r["timings"]
        bare_t = bare.get("timings", {}).get("total") if bare.get("ok") else None
        overhead = f"{(t['total'] - bare_t) / bare_t:.0%}" if bare_t else ""
        stages = " | ".join(f"{t.get(s, 0.0):.1f}" for s in STAGES)
        lines.append(f"| {f} | {dur / 60:.1f} | {e} | {t['total'] / dur:.3f} | "
                     f"{(bare_t / dur) if bare_t else float('nan'):.3f} | {overhead} | "
                     f"{r['peak_rss_mb']:.0f} | {stages} | {r['load_s']:.1f} |")
    return head + "\n".join(lines) + "\n"
