"""``callreview bench``: wall time per stage, real-time factor and peak memory, printed and written as Markdown.

Each measurement runs in a fresh child process, so its peak RSS (``ru_maxrss``) belongs to that one call: model
loading is timed apart, then one recording goes through the whole pipeline (decode, diarize, transcribe, the
verbatim pass, score, audio copy, report) and, separately, through bare transcription with the same model. The
pipeline's own overhead shows twice: everything but the Whisper passes against the time in them, and the whole
pipeline against bare transcription. The recordings are the sample calls and long calls made by joining them
(``--long-min``, default 5 and 60 minutes); a batch of distinct copies (``--batch``) is run with each
``--jobs`` count for throughput. The table ends with the speed issue's targets, met or not.
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

STAGES = ("decode", "diarize", "transcribe", "verbatim", "voice", "score", "redact", "media", "report")


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


def make_variants(sources: list[Path], n: int, folder: Path) -> list[Path]:
    """``n`` distinct recordings for a batch: the sources in turn, each copy a little quieter than the last
    (so every file has its own content hash and none is skipped as a duplicate)."""
    from .audio import decode, write_wav

    folder.mkdir(parents=True, exist_ok=True)
    decoded = [decode(p) for p in sources]
    out = []
    for i in range(n):
        a = decoded[i % len(decoded)]
        path = folder / f"{i:02d}_{sources[i % len(sources)].stem}.wav"
        write_wav(path, a.samples * (1.0 - 0.01 * (i // len(decoded))))
        out.append(path)
    return out


def _child(kind: str, path: str, engine: str, model: str, device: str, queue) -> None:
    """One measurement in a fresh process: ``kind`` is "pipeline", "bare" or "jobs:N" (a batch run)."""
    extra: dict[str, Any] = {}
    try:
        from .analyze import analyze_file
        from .audio import decode
        from .engines import Engines, RunOptions
        from .transcribe import TranscribeOptions

        t0 = time.perf_counter()
        options = RunOptions(transcribe=TranscribeOptions(model=model, device=device), engine=engine)
        if kind.startswith(("jobs:", "ray:")):
            from .batch import run_batch
            from .compute import cores

            n = int(kind.split(":")[1])
            executor = None
            if kind.startswith("ray:"):  # n workers on a Ray instance started here, the cores shared out
                from .cluster import RayExecutor, RayOptions

                executor = RayExecutor(RayOptions(workers=n, cpus_per_worker=max(1, cores() // n)))
            with tempfile.TemporaryDirectory() as tmp:
                results = run_batch(Path(path), Path(tmp) / "out", options, jobs=1 if executor is not None else n,
                                    settle_s=0.0, executor=executor)
            failed = [r.error for r in results if r.status != "done"]
            if failed:
                raise RuntimeError(f"{len(failed)} calls did not finish: {failed[0]}")
            load_s = 0.0
            timings = {"total": time.perf_counter() - t0}  # model loading included: it is part of a batch
            from .batch import find_recordings

            duration = sum(decode(p).duration_s for p in find_recordings(Path(path)))
        elif kind == "bare":
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
            extra["channel_mode"] = doc["call"]["channel_mode"]
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put({"ok": True, "load_s": load_s, "timings": timings, "duration_s": duration, "peak_rss_mb": rss_mb,
                   **extra})
    except Exception as e:  # reported, not raised: one failing measurement must not hide the others
        queue.put({"ok": False, "error": f"{type(e).__name__}: {e}"})


def measure(kind: str, path: Path, engine: str, model: str, device: str = "cpu", repeat: int = 1) -> dict[str, Any]:
    """Run one measurement ``repeat`` times, each in a fresh process; keep the fastest (the least disturbed
    by whatever else the machine was doing, as ``timeit`` does) and the largest peak RSS."""
    best: dict[str, Any] | None = None
    peak = 0.0
    for _ in range(max(1, repeat)):
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(kind, str(path), engine, model, device, queue))
        proc.start()
        result = queue.get()
        proc.join()
        if not result.get("ok"):
            best = result
            break
        peak = max(peak, result["peak_rss_mb"])
        if best is None or result["timings"]["total"] < best["timings"]["total"]:
            best = result
    assert best is not None
    if best.get("ok"):
        best = {**best, "peak_rss_mb": peak, "runs": max(1, repeat)}
    return {"kind": kind, "file": path.name, "engine": engine, "model": model, "device": device, **best}


def run_bench(files: list[Path], engines: list[str], model: str, out: Path, progress=None, *,
              long_files: list[Path] = (), long_engine: str = "faster", batch: Path | None = None,
              jobs: list[int] = (), ray_workers: list[int] = (), device: str = "cpu",
              repeat: int = 1) -> list[dict[str, Any]]:
    """Every measurement, then ``bench.json`` and ``bench.md`` in ``out``.

    ``files`` are timed with every engine (pipeline and bare ASR, ``repeat`` times each); ``long_files`` with
    ``long_engine`` only, once (a long call averages out the noise); ``batch`` (a folder of recordings) is run
    whole with each ``jobs`` count, and on a local Ray instance with each ``ray_workers`` count.
    """
    plan = [(f, e, k, repeat) for f in files for e in engines for k in ("pipeline", "bare")]
    plan += [(f, long_engine, k, 1) for f in long_files for k in ("pipeline", "bare")
             if k == "pipeline" or _minutes(f) <= LONG_BARE_MAX_MIN]
    plan += [(batch, long_engine, f"jobs:{n}", 1) for n in jobs if batch is not None]
    plan += [(batch, long_engine, f"ray:{n}", 1) for n in ray_workers if batch is not None]
    rows = []
    for i, (f, e, k, r) in enumerate(plan):
        if progress:
            progress(i, len(plan), f"{k} {e} {f.name}")
        rows.append(measure(k, f, e, model, device, r))
    out.mkdir(parents=True, exist_ok=True)
    meta = {**machine(), "model": model, "device": device, "repeat": repeat}
    (out / "bench.json").write_text(json.dumps({"machine": meta, "rows": rows}, indent=2))
    (out / "bench.md").write_text(markdown(rows, meta))
    return rows


LONG_BARE_MAX_MIN = 30.0  # longer calls are timed through the pipeline only: their figure is its time per minute


def _minutes(path: Path) -> float:
    import soundfile as sf

    try:
        return sf.info(str(path)).duration / 60
    except RuntimeError:
        return 0.0


def traffic_calls(out: Path, shared: Path | None = None) -> list[Path]:
    """Calls shaped like phone traffic: ``bench_calls/`` (8 kHz stereo and mono with many short turns, a
    voicemail) and, where ``../shared`` has them, a real 8 kHz call of the Harper Valley set as a stereo recorder
    and as a mono mix would keep it (``REAL_CALLS``)."""
    from .audio import is_audio_path
    from .evaluate.harper import materialize

    root = Path(__file__).resolve().parent.parent
    files = sorted(p for p in (root / "bench_calls").glob("*") if is_audio_path(p))
    corpus = shared or root.parent / "shared" / "data" / "real" / "harper-valley-dev"
    if corpus.is_dir():
        real = materialize(corpus, out / "real")
        files += [real / name for name in REAL_CALLS if (real / name).exists()]
    return files


REAL_CALLS = ("0091a706bc604188_stereo.wav", "03a17cc36d474151_mono.wav")


def machine() -> dict[str, Any]:
    from .compute import cores

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"date": dt.date.today().isoformat(), "cpu": cpu, "cores": cores(), "python": platform.python_version()}


ASR_STAGES = ("transcribe", "verbatim")  # the Whisper passes; everything else is the pipeline's overhead

# The speed issues' targets (2 CPU cores, base model, the default engine)
TARGET_RTF = 0.15
TARGET_OVERHEAD = 0.30
TARGET_VS_BARE = {"mono": 1.3, "stereo": 1.0}  # pipeline / bare ASR of the whole file, every call
TARGET_LONG_RSS_MB = 2.0 * 1024
TARGET_LONG_DRIFT = 0.10
TARGET_REDACT = 0.05  # redaction (finding the spans, the placeholders, the muted audio copy) / the rest of a call


def layout(row: dict[str, Any]) -> str:
    """"stereo" for a call read per channel, else "mono" (a mono file or a stereo mix)."""
    return "stereo" if row.get("channel_mode") == "per_channel" else "mono"


def split(timings: dict[str, float]) -> tuple[float, float]:
    """(seconds in Whisper passes, seconds in everything else) of one pipeline run."""
    asr = sum(timings.get(s, 0.0) for s in ASR_STAGES)
    return asr, timings["total"] - asr


def targets(rows: list[dict[str, Any]], engine: str = "faster") -> list[dict[str, Any]]:
    """Each target of the speed issue that these rows measure: the figure, the bar and whether it is met."""
    ok = [r for r in rows if r.get("ok")]
    pipe = [r for r in ok if r["kind"] == "pipeline" and r["engine"] == engine]
    out: list[dict[str, Any]] = []
    if pipe:
        worst = max(pipe, key=lambda r: r["timings"]["total"] / r["duration_s"])
        rtf = worst["timings"]["total"] / worst["duration_s"]
        out.append({"target": f"full pipeline RTF at most {TARGET_RTF} ({engine})", "value": f"{rtf:.3f} (worst: {worst['file']})",
                    "met": rtf <= TARGET_RTF})
        shares = [(split(r["timings"])[1] / split(r["timings"])[0], r["file"]) for r in pipe if split(r["timings"])[0] > 0]
        if shares:
            share, f = max(shares)
            out.append({"target": f"overhead (all but the Whisper passes) at most {TARGET_OVERHEAD:.0%} of transcription time",
                        "value": f"{share:.0%} (worst: {f})", "met": share <= TARGET_OVERHEAD})
        added = [(r["timings"].get("redact", 0.0) / (r["timings"]["total"] - r["timings"].get("redact", 0.0)), r["file"])
                 for r in pipe if r["timings"]["total"] > r["timings"].get("redact", 0.0)]
        if added:
            share, f = max(added)
            out.append({"target": f"redaction adds at most {TARGET_REDACT:.0%} to a call's processing time",
                        "value": f"{share:.1%} (worst: {f})", "met": share <= TARGET_REDACT})
    bare = {(r["file"], r["engine"]): r["timings"]["total"] for r in ok if r["kind"] == "bare"}
    for kind, bar in TARGET_VS_BARE.items():
        ratios = [(r["timings"]["total"] / bare[(r["file"], r["engine"])], r["file"]) for r in pipe
                  if layout(r) == kind and (r["file"], r["engine"]) in bare]
        if ratios:
            worst, f = max(ratios)
            out.append({"target": f"pipeline / bare ASR at most {bar}x on every {kind} call ({len(ratios)} calls)",
                        "value": f"{worst:.2f}x (worst: {f})", "met": worst <= bar})
    longs = sorted((r for r in pipe if r["duration_s"] >= 4 * 60 and r["file"].startswith("long_")),
                   key=lambda r: r["duration_s"])
    if len(longs) >= 2:
        short, long = longs[0], longs[-1]
        a, b = (r["timings"]["total"] / r["duration_s"] for r in (short, long))
        drift = b / a - 1
        out.append({"target": f"{long['duration_s'] / 60:.0f}-minute call: time per audio minute within "
                              f"{TARGET_LONG_DRIFT:.0%} of a {short['duration_s'] / 60:.0f}-minute call's",
                    "value": f"{drift:+.0%} (RTF {b:.3f} against {a:.3f})", "met": abs(drift) <= TARGET_LONG_DRIFT})
        out.append({"target": f"{long['duration_s'] / 60:.0f}-minute call: peak RSS at most {TARGET_LONG_RSS_MB / 1024:.1f} GB",
                    "value": f"{long['peak_rss_mb'] / 1024:.2f} GB", "met": long["peak_rss_mb"] <= TARGET_LONG_RSS_MB})
    return out


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    runs = f", fastest of {meta['repeat']} runs each" if meta.get("repeat", 1) > 1 else ""
    head = (f"Measured {meta['date']} on {meta['cpu']} ({meta['cores']} cores available), {meta.get('device', 'cpu')}, "
            f"model {meta.get('model', 'base')}, `callreview bench`{runs}. RTF = processing time / audio time (lower is "
            "faster). ASR = the Whisper passes inside the pipeline (transcription and the verbatim pass); overhead = "
            "everything else / ASR; vs bare = pipeline time / bare transcription of the whole recording with the "
            "same model, in the same run (calls over 30 minutes: pipeline only). Layout: stereo = read per "
            "channel, mono = one mix. Peak RSS of the process that did the work (models included).\n\n")
    lines = ["| recording | layout | audio min | engine | vs bare | " + " | ".join(f"{s} s" for s in STAGES)
             + " | pipeline RTF | bare ASR RTF | ASR s | other s | overhead | peak RSS MB | model load s |",
             "|---|---|---|---|---|" + "---|" * len(STAGES) + "---|---|---|---|---|---|---|"]
    by = {(r["file"], r["engine"], r["kind"]): r for r in rows}
    for (f, e, k), r in by.items():
        if k != "pipeline":
            continue
        if not r.get("ok"):
            lines.append(f"| {f} | | | {e} | failed: {r.get('error', '')[:80]} |" + " |" * (7 + len(STAGES)))
            continue
        bare = by.get((f, e, "bare"), {})
        dur = r["duration_s"]
        t = r["timings"]
        asr, other = split(t)
        bare_t = bare.get("timings", {}).get("total") if bare.get("ok") else None
        stages = " | ".join(f"{t.get(s, 0.0):.1f}" for s in STAGES)
        vs = f"{t['total'] / bare_t:.2f}x" if bare_t else "-"
        bare_rtf = f"{bare_t / dur:.3f}" if bare_t else "-"
        lines.append(f"| {f} | {layout(r)} | {dur / 60:.1f} | {e} | {vs} | {stages} | {t['total'] / dur:.3f} | "
                     f"{bare_rtf} | {asr:.1f} | {other:.1f} | {other / asr if asr else float('nan'):.0%} | "
                     f"{r['peak_rss_mb']:.0f} | {r['load_s']:.1f} |")
    batches = sorted((r for r in rows if r["kind"].startswith(("jobs:", "ray:"))),
                     key=lambda r: (r["kind"].split(":")[0], int(r["kind"].split(":")[1])))
    if batches:
        lines += ["", "| batch | calls' audio min | run as | wall s (models loaded once per worker) | audio min per wall min "
                      "| driver peak RSS MB |", "|---|---|---|---|---|---|"]
        for r in batches:
            how, n = r["kind"].split(":")
            label = f"--jobs {n}" if how == "jobs" else f"--ray, {n} worker{'s' if n != '1' else ''}"
            if not r.get("ok"):
                lines.append(f"| {r['file']} | | {label} | failed: {r.get('error', '')[:80]} | | |")
                continue
            wall = r["timings"]["total"]
            lines.append(f"| {r['file']} | {r['duration_s'] / 60:.1f} | {label} | {wall:.1f} | "
                         f"{r['duration_s'] / wall:.1f} | {r['peak_rss_mb']:.0f} |")
    checks = targets(rows)
    if checks:
        lines += ["", "| target | measured | met |", "|---|---|---|"]
        lines += [f"| {c['target']} | {c['value']} | {'yes' if c['met'] else '**no**'} |" for c in checks]
    return head + "\n".join(lines) + "\n"
