"""Marker figures of the test half without the lines that use wording its writer was shown as examples.

The test half (test_calls/) was written by a helper given example wordings (docs/test_half_prompt_phrases.txt)
that the lexicon author also knew. This reads a finished `callreview eval` output folder, drops every labelled
rep line of test_calls that contains one of those phrases (and any marker on it), and prints precision and
recall per family for what is left, beside the figures with every line.

    .venv/bin/python scripts/marker_clean_subset.py out/eval
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import MATCH_TOLERANCE_S, EvalRow, marker_counts, marker_summary, markers_markdown  # noqa: E402


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9', ]", " ", text.lower()).split())


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "out" / "eval"
    phrases = [_norm(p) for p in (ROOT / "docs" / "test_half_prompt_phrases.txt").read_text().splitlines()
               if p.strip() and not p.startswith("#")]
    rows_all, rows_clean, dropped = [], [], 0
    for f in sorted((out / "calls").glob("test_calls__*/analysis.json")):
        doc = json.loads(f.read_text())
        stem = doc["call"]["source"].split("/", 1)[1].rsplit(".", 1)[0]
        ref = json.loads((ROOT / "test_calls" / f"{stem}.ref.json").read_text())
        lines = tuple(ref["lines"])
        tainted = [ln for ln in lines if ln["speaker"] == ref["rep_speaker"]
                   and any(p in _norm(ln["text"]) for p in phrases)]
        dropped += len(tainted)
        near = lambda m: any(m["start"] - MATCH_TOLERANCE_S < ln["end"] and ln["start"] < m["end"] + MATCH_TOLERANCE_S
                             for ln in tainted)
        clean_doc = {**doc, "markers": [m for m in doc["markers"] if not near(m)]}
        for rows, d, ls in ((rows_all, doc, lines), (rows_clean, clean_doc, tuple(x for x in lines if x not in tainted))):
            r = EvalRow(doc["call"]["source"], doc["call"]["duration_s"], doc["call"]["channel_mode"])
            r.marker_counts = marker_counts(d, ls, ref["rep_speaker"])
            rows.append(r)
    print(f"test half, every line ({len(rows_all)} renders):\n")
    print(markers_markdown(marker_summary(rows_all)))
    print(f"\ntest half without the {dropped // 2} rep lines (per render) that use an example wording:\n")
    print(markers_markdown(marker_summary(rows_clean)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
