"""How much audio the first pass should read around the diarizer's speech (docs/EVALUATION.md, issue 12).

For each recording, the diarizer's speech is packed into windows (``pipeline.transcribe.spans``) with each
(pause joined, margin) setting, decoded batched, and scored for WER against the reference (the stereo files per
channel, words outside the channel's speech dropped as the pipeline does); whole-file batched windows are the
baseline for mono. Run on the Harper Valley tuning calls (``callreview eval`` writes them to
``out/eval/corpora/harper-valley-dev/``)::

    .venv/bin/python scripts/packing_experiment.py out/eval/corpora/harper-valley-dev/{0002f70f7386445b,0091a706bc604188}_{mono,stereo}.wav
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

SETTINGS = ((1.0, 0.2), (1.0, 0.5), (2.0, 0.8), (3.0, 1.0))  # (pauses shorter than this joined, margin), s


def main(paths: list[str]) -> None:
    from pipeline.audio import decode
    from pipeline.engines import Engines, RunOptions
    from pipeline.evaluate.metrics import wer
    from pipeline.transcribe import drop_outside, pieces
    from pipeline.transcribe.spans import merge, pack, unpack

    engines = Engines(RunOptions())
    tr = engines.transcriber
    for p in map(Path, paths):
        audio = decode(p)
        ref = json.loads(p.with_suffix(".ref.json").read_text())
        stereo = audio.channels == 2
        d = engines.channel_diarizer.diarize(audio) if stereo else engines.diarizer.diarize(audio, num_speakers=2)
        if stereo:
            parties = sorted(d.channel_of.items(), key=lambda kv: kv[1])
            sources = [audio.samples[ch] for _, ch in parties]
            regions = [[(t.start, t.end) for t in d.turns if t.speaker == spk] for spk, _ in parties]
            refs = [" ".join(ln["text"] for ln in ref["lines"] if ref["channels"][str(ch)] == ln["speaker"])
                    for _, ch in parties]
        else:
            sources, regions = [audio.mono()], [[(t.start, t.end) for t in d.turns]]
            refs = [p.with_suffix(".txt").read_text()]

        def score(outs) -> str:
            texts = [" ".join(w.text.strip() for w in drop_outside(o, r).words) for o, r in zip(outs, regions)]
            return " / ".join(f"{wer(rf, t):.1%}" for rf, t in zip(refs, texts))

        for join_s, margin_s in SETTINGS:
            packed = pack(sources, [merge(r, join_s) for r in regions], lead_s=margin_s, pad_s=margin_s)
            t0 = time.perf_counter()
            outs = unpack(tr.transcribe(packed.samples, clips=list(packed.windows)), packed, len(sources))
            print(f"{p.name:32} join {join_s:.1f} margin {margin_s:.1f}  windows {len(packed.windows)}  "
                  f"{time.perf_counter() - t0:5.1f} s  WER {score(outs)}", flush=True)
        if not stereo:
            whole = [(a / 16000, b / 16000) for a, b in pieces(sources[0], 29.0, 5.0)]
            print(f"{p.name:32} whole file in windows      windows {len(whole)}  WER {score([tr.transcribe(sources[0], clips=whole)])}")


if __name__ == "__main__":
    main(sys.argv[1:])
