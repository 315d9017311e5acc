"""Diarization error rate and speed of the default diarizers on real and synthetic reference calls.

    python scripts/tune_diarization.py                       # defaults, all reference files found
    python scripts/tune_diarization.py --set bridge_s=0.5 --set window_s=1.0,1.5   # try other options
    python scripts/tune_diarization.py --json out/diarization_eval.json

Files:

- real (``../shared/data/real``): the pyannote telephone sample (``sample.wav`` + ``sample.rttm``) and the two
  AMI excerpts ``dev00``/``dev01`` (``debug.development.rttm``, scored on the uem 0-30 s);
- every ``sample_calls/<name>.rttm`` that has its audio beside it. Synthetic calls (those with a
  ``<name>.ref.json``) are scored on the mono mix-down with the embedded diarizer, and stereo ones also with the
  per-channel diarizer when ``channels_are_distinct`` says so. Copies of real recordings (a NOTICE beside them)
  are scored but carry no synthetic check.

DER is pyannote.metrics' ``DiarizationErrorRate`` with a 0.25 s forgiveness collar and without (collar 0), on
the uem (whole file unless given). RTF is diarization wall time / audio duration (models loaded beforehand);
CPU is the process CPU time / duration. Checks: DER(collar 0.25) <= 12 % on the pyannote sample, <= 25 % on both
AMI excerpts, <= 5 % on every synthetic mono call. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_REAL = Path(os.environ.get("CALLREVIEW_SHARED", ROOT.parent / "shared")) / "data" / "real"
AUDIO_EXTS = (".wav", ".flac", ".mp3", ".ogg", ".m4a", ".opus")
LIMITS = {"pyannote-sample": 12.0, "ami-dev00": 25.0, "ami-dev01": 25.0}
SYNTHETIC_MONO_LIMIT = 5.0


@dataclasses.dataclass
class Case:
    name: str
    audio_path: Path
    reference: Any  # pyannote.core.Annotation
    uem: tuple[float, float] | None = None  # None: the whole recording
    limit: float | None = None  # DER(collar 0.25) limit in %, if any
    kind: str = "real"  # "real" | "synthetic"
    mode: str = "embedded"  # "embedded" (mono mix-down) | "channels"


def load_rttm(path: Path) -> dict[str, Any]:
    from pyannote.database.util import load_rttm as _load

    return _load(str(path))


def real_cases(real: Path) -> list[Case]:
    cases = []
    sample = real / "pyannote-sample"
    if (sample / "sample.wav").is_file():
        ref = load_rttm(sample / "sample.rttm")["sample"]
        cases.append(Case("pyannote-sample", sample / "sample.wav", ref, None, LIMITS["pyannote-sample"]))
    ami = real / "pyannote-ami-tests"
    if (ami / "debug.development.rttm").is_file():
        refs = load_rttm(ami / "debug.development.rttm")
        for uri in ("dev00", "dev01"):
            if (ami / f"{uri}.wav").is_file() and uri in refs:
                cases.append(Case(f"ami-{uri}", ami / f"{uri}.wav", refs[uri], (0.0, 30.0), LIMITS[f"ami-{uri}"]))
    return cases


def sample_call_cases(folder: Path) -> list[Case]:
    cases = []
    for rttm in sorted(folder.glob("*.rttm")):
        audio = next((rttm.with_suffix(ext) for ext in AUDIO_EXTS if rttm.with_suffix(ext).is_file()), None)
        if audio is None:
            continue
        refs = load_rttm(rttm)
        if not refs:
            continue
        ref = next(iter(refs.values()))
        synthetic = rttm.with_suffix(".ref.json").is_file()
        kind = "synthetic" if synthetic else "real"
        cases.append(Case(f"sample_calls/{rttm.stem}", audio, ref, None, None, kind))
    return cases


def der(reference, hypothesis, uem: tuple[float, float], collar: float) -> dict[str, float]:
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    metric = DiarizationErrorRate(collar=collar)
    d = metric(reference, hypothesis, uem=Timeline([Segment(*uem)]), detailed=True)
    total = d["total"] or 1.0
    return {"der": 100 * d["diarization error rate"], "missed": 100 * d["missed detection"] / total,
            "false_alarm": 100 * d["false alarm"] / total, "confusion": 100 * d["confusion"] / total}


def parse_sets(items: list[str]) -> dict[str, Any]:
    from pipeline.diarize import EmbeddedOptions

    fields = {f.name: f for f in dataclasses.fields(EmbeddedOptions)}
    out: dict[str, Any] = {}
    for item in items:
        key, _, value = item.partition("=")
        if key not in fields:
            raise SystemExit(f"--set: unknown option {key!r}; known: {', '.join(fields)}")
        default = getattr(EmbeddedOptions(), key)
        if isinstance(default, tuple):
            out[key] = tuple(float(v) for v in value.split(",") if v)
        elif isinstance(default, bool):
            out[key] = value.lower() in {"1", "true", "yes"}
        else:
            out[key] = type(default)(value)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", type=Path, default=DEFAULT_REAL, help="folder with the real reference recordings")
    ap.add_argument("--samples", type=Path, default=ROOT / "sample_calls", help="folder of sample calls")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override an EmbeddedOptions field (tuples comma-separated)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    from pipeline.audio import decode
    from pipeline.diarize import ChannelDiarizer, EmbeddedDiarizer, EmbeddedOptions, channels_are_distinct
    from pipeline.types import Audio

    overrides = parse_sets(args.set)
    options = dataclasses.replace(EmbeddedOptions(), **overrides)
    cases = real_cases(args.real)
    extra = sample_call_cases(args.samples) if args.samples.is_dir() else []
    if not cases and not extra:
        print(f"no reference recordings found under {args.real} or {args.samples}", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    embedded = EmbeddedDiarizer(options)
    channel = ChannelDiarizer()
    print(f"models loaded in {time.perf_counter() - t0:.1f} s; options: "
          + (", ".join(f"{k}={v}" for k, v in overrides.items()) or "defaults"))

    rows = []
    for case in cases + extra:
        audio = decode(case.audio_path)
        runs: list[tuple[str, Audio, Any]] = [("embedded", audio, embedded)]
        if audio.channels > 1 and channels_are_distinct(audio):
            runs.append(("channels", audio, channel))
        for mode, a, diarizer in runs:
            t_wall, t_cpu = time.perf_counter(), time.process_time()
            result = diarizer.diarize(a) if mode == "channels" else diarizer.diarize(a, num_speakers=2)
            wall, cpu = time.perf_counter() - t_wall, time.process_time() - t_cpu
            hyp = result.to_annotation(uri=case.name)
            uem = case.uem or (0.0, a.duration_s)
            d25, d0 = der(case.reference, hyp, uem, 0.25), der(case.reference, hyp, uem, 0.0)
            limit = case.limit
            if limit is None and case.kind == "synthetic" and mode == "embedded" and audio.channels == 1:
                limit = SYNTHETIC_MONO_LIMIT
            rows.append({"file": case.name, "kind": case.kind, "mode": mode, "channels": audio.channels,
                         "duration_s": round(a.duration_s, 2), "der_c025": round(d25["der"], 2),
                         "der_c0": round(d0["der"], 2), "missed": round(d25["missed"], 2),
                         "false_alarm": round(d25["false_alarm"], 2), "confusion": round(d25["confusion"], 2),
                         "rtf": round(wall / a.duration_s, 4), "cpu_rtf": round(cpu / a.duration_s, 4),
                         "speakers": len(result.speakers), "limit": limit,
                         "ok": None if limit is None else d25["der"] <= limit})

    head = f"{'file':34s} {'mode':9s} {'dur s':>6s} {'DER.25':>7s} {'DER0':>6s} {'miss':>5s} {'FA':>5s} " \
           f"{'conf':>5s} {'RTF':>7s} {'cpuRTF':>7s}  check"
    print(head)
    print("-" * len(head))
    for r in rows:
        check = "" if r["ok"] is None else (f"<= {r['limit']:.0f}% " + ("ok" if r["ok"] else "FAIL"))
        print(f"{r['file']:34s} {r['mode']:9s} {r['duration_s']:6.1f} {r['der_c025']:7.2f} {r['der_c0']:6.2f} "
              f"{r['missed']:5.1f} {r['false_alarm']:5.1f} {r['confusion']:5.1f} {r['rtf']:7.4f} "
              f"{r['cpu_rtf']:7.4f}  {check}")
    emb = [r for r in rows if r["mode"] == "embedded"]
    total_dur = sum(r["duration_s"] for r in emb)
    mean_rtf = sum(r["rtf"] * r["duration_s"] for r in emb) / total_dur if total_dur else 0.0
    print(f"embedded diarizer: {total_dur:.0f} s of audio, overall RTF {mean_rtf:.4f}")
    failed = [r for r in rows if r["ok"] is False]
    synthetic = [r for r in rows if r["kind"] == "synthetic" and r["limit"] is not None]
    if synthetic:
        print(f"synthetic mono calls: {sum(1 for r in synthetic if r['ok'])}/{len(synthetic)} within "
              f"{SYNTHETIC_MONO_LIMIT:.0f}% DER")
    else:
        print("synthetic mono calls: none found in", args.samples)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"options": dataclasses.asdict(options), "results": rows}, indent=2,
                                        default=str))
    if failed:
        print("FAILED: " + ", ".join(f"{r['file']} ({r['mode']}) {r['der_c025']:.1f}% > {r['limit']:.0f}%"
                                     for r in failed))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
