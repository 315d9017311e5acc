"""Phone-band transcription experiments: WER of decoding variants on real and synthetic 8 kHz calls.

Each recording is decoded and diarized once; each variant then transcribes it the way the pipeline does
(per channel on stereo recorders, the mix elsewhere) and is scored after Whisper's English normaliser, per
channel on stereo. The figures go to stdout as a markdown table and to ``--json``; docs/EVALUATION.md keeps
them.

    .venv/bin/python scripts/phone_band_experiments.py --out out/phone-exp            # every variant
    .venv/bin/python scripts/phone_band_experiments.py --out out/phone-exp baseline beam5

The sets: ``real`` = the Harper Valley calls (stereo and mono renders; tuning half and test half reported
apart), ``synth8k`` = the 8 kHz synthetic calls in this repository, ``wide`` = 16 kHz synthetic calls (the
"without losing on 16 kHz" check).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import corpus_folder, find_references, wer, wer_by_channel  # noqa: E402
from pipeline.evaluate.harper import TUNING as REAL_TUNING  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "real"
SETS = {
    "real": [SHARED / "harper-valley-dev"],
    "real16k": [ROOT / "sample_calls" / "pyannote_sample.wav"],
    "synth8k": [ROOT / "sample_calls" / "cold_call_phone.wav", ROOT / "eval_calls" / "hesitant_mono.wav",
                ROOT / "eval_calls" / "mixed_mono.wav"],
    "wide": [ROOT / "sample_calls" / "pushy_close_mono.mp3", ROOT / "sample_calls" / "discovery_stereo.flac",
             ROOT / "eval_calls" / "pushy_stereo.flac", ROOT / "eval_calls" / "balanced_mono.mp3"],
}


def variants():
    from pipeline.transcribe import TranscribeOptions

    base = TranscribeOptions()
    r = dataclasses.replace
    return {
        "baseline": {"options": base, "recover": False},
        "beam5": {"options": r(base, beam_size=5), "recover": False},
        "no_nospeech_skip": {"options": r(base, no_speech_threshold=None), "recover": False},
        "no_logprob_fallback": {"options": r(base, logprob_threshold=None), "recover": False},
        "condition_prev": {"options": r(base, condition_on_previous_text=True), "recover": False},
        "beam5_no_nospeech": {"options": r(base, beam_size=5, no_speech_threshold=None), "recover": False},
        "recover": {"options": base, "recover": True},
        "recover_beam5": {"options": r(base, beam_size=5), "recover": True},
    }


def references():
    out = []
    for name, items in SETS.items():
        for item in items:
            if item.is_dir():
                refs = find_references(corpus_folder(item, ROOT / "out" / "phone-exp"))
            else:
                refs = [r for r in find_references(item.parent) if r.audio == item]
            for ref in refs:
                half = ""
                if name == "real":
                    half = "tune" if any(ref.uri.startswith(s) for s in REAL_TUNING) else "test"
                out.append((name, half, ref))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="variants to run (default: all)")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "phone-exp")
    ap.add_argument("--sets", default="real,real16k,synth8k,wide")
    args = ap.parse_args(argv)
    from pipeline.analyze import _transcribe
    from pipeline.audio import decode
    from pipeline.diarize import channels_are_distinct
    from pipeline.engines import Engines, RunOptions

    engines = Engines(RunOptions())
    chosen = variants()
    if args.names:
        chosen = {k: v for k, v in chosen.items() if k in args.names}
    sets = set(args.sets.split(","))
    refs = [r for r in references() if r[0] in sets]
    cached = []
    for name, half, ref in refs:
        audio = decode(ref.audio)
        per_channel = audio.channels == 2 and channels_are_distinct(audio)
        d = engines.channel_diarizer.diarize(audio) if per_channel else engines.diarizer.diarize(audio, num_speakers=2)
        cached.append((name, half, ref, audio, d, per_channel))
    args.out.mkdir(parents=True, exist_ok=True)
    results = {}
    for vname, v in chosen.items():
        engines.transcriber.options = v["options"]
        rows = []
        t0 = time.perf_counter()
        for name, half, ref, audio, d, per_channel in cached:
            tr = _transcribe(audio, d, engines.transcriber, per_channel, v["recover"])
            hyp = " ".join(s.text for s in tr.segments)
            if per_channel and ref.by_channel:
                segs = [{"speaker": f"CH{s.channel}", "text": s.text} for s in tr.segments]
                doc = {"call": {"channel_mode": "per_channel"}, "segments": segs,
                       "speakers": [{"id": f"CH{c}", "channel": c} for c in (0, 1)]}
                w = wer_by_channel(ref.by_channel, doc)
            else:
                w = wer(ref.transcript, hyp)
            rows.append({"set": name, "half": half, "file": ref.audio.name, "wer": w})
        results[vname] = {"rows": rows, "seconds": time.perf_counter() - t0}
        print(summary_line(vname, results[vname]), flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    print()
    print(table(results))
    return 0


def _groups(rows):
    g = {}
    for r in rows:
        key = r["set"] + (f" {r['half']}" if r["half"] else "") + (
            " stereo" if "stereo" in r["file"] else " mono" if r["set"] == "real" else "")
        g.setdefault(key, []).append(r["wer"])
    return g


def summary_line(name, res):
    parts = [f"{k}: med {100 * statistics.median(v):.1f} max {100 * max(v):.1f} mean {100 * statistics.mean(v):.1f}"
             for k, v in sorted(_groups(res["rows"]).items())]
    return f"{name} ({res['seconds']:.0f} s): " + "; ".join(parts)


def table(results):
    groups = sorted({k for res in results.values() for k in _groups(res["rows"])})
    head = "| variant | " + " | ".join(f"{g} median / worst / mean" for g in groups) + " | s |"
    lines = [head, "|" + "---|" * (len(groups) + 2)]
    for name, res in results.items():
        g = _groups(res["rows"])
        cells = [f"{100 * statistics.median(g[k]):.1f} / {100 * max(g[k]):.1f} / {100 * statistics.mean(g[k]):.1f}"
                 if k in g else "" for k in groups]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {res['seconds']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
