"""The verbatim pass over all of the rep's speech against only the evidence windows: filler and restart counts
and verbatim seconds per call. Usage: .venv/bin/python scripts/verbatim_evidence_experiment.py FILE...
"""
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pipeline.analyze as A
from pipeline.engines import Engines, RunOptions
from pipeline.evaluate import find_references, marker_counts
from pipeline.callmeta import InboxRules
import pipeline.transcribe.verbatim as V

eng = Engines(RunOptions())
files = sys.argv[1:]
orig = V.verbatim_additions
tot = {}
for f in files:
    f = Path(f)
    ref = [r for r in find_references(f.parent) if r.audio == f][0]
    res = {}
    for mode in ("all", "evidence"):
        t = {"s": 0.0}
        def timed(*a, **k):
            t0 = time.perf_counter(); out = orig(*a, **k); t["s"] += time.perf_counter() - t0; return out
        A.verbatim_additions = timed
        o = dataclasses.replace(eng.options, verbatim_everywhere=(mode == "all"))
        eng.options = o
        info = InboxRules(rep_from_folder=False).info(f, f.name)
        doc, _ = A.analyze_file(f, f"{f.parent.name}/{f.name}", eng, info=info)
        mc = marker_counts(doc, ref.lines, ref.rep_speaker, ref.labelled_kinds)
        res[mode] = {k: mc.get(k) for k in ("filler", "restart")} | {"verbatim_s": round(t["s"], 1),
                     "transcribe_s": doc["run"]["timings_s"].get("transcribe")}
        for k in ("filler", "restart"):
            c = tot.setdefault((mode, k), [0, 0, 0, 0])
            for i in range(4): c[i] += (mc.get(k) or [0]*4)[i]
        tot.setdefault((mode, "verbatim_s"), [0.0])[0] += t["s"]
    print(f.name, json.dumps(res), flush=True)
for k, v in sorted(tot.items()): print(k, v)
