"""Outcome accuracy on the labelled outcome set (``outcome_calls/``, made by ``scripts/make_outcome_calls.py``).

``labels.json`` names each recording's outcome and its half: ``tune`` (the classifier's rules and thresholds
were set on it) and ``test`` (frozen: reported, never tuned on). Scored per half: the confusion matrix, accuracy,
each class's recall, and the one error that must never happen, a conversation called ``no_answer``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..outcome import KINDS


def evaluate_outcomes(folder: Path, engines, progress=None) -> dict[str, Any]:
    """Run the pipeline on every labelled recording of ``folder``; per half, what was called what."""
    from ..analyze import analyze_file

    labels = json.loads((Path(folder) / "labels.json").read_text(encoding="utf-8"))
    calls = []
    for i, (rel, label) in enumerate(sorted(labels.items())):
        if progress:
            progress(i, len(labels), rel)
        doc, _ = analyze_file(Path(folder) / rel, rel, engines)
        outcome = doc.get("outcome") or {}
        calls.append({"file": rel, "split": label["split"], "layout": label.get("layout"), "label": label["outcome"],
                      "got": outcome.get("kind"), "confidence": outcome.get("confidence"),
                      "evidence": outcome.get("evidence", []),
                      "seconds": doc["run"]["timings_s"].get("outcome", 0.0), "total_s": doc["run"]["timings_s"]["total"]})
    return {"calls": calls, "halves": {h: outcome_scores([c for c in calls if c["split"] == h])
                                       for h in sorted({c["split"] for c in calls})}}


def outcome_scores(calls: list[dict[str, Any]]) -> dict[str, Any]:
    """Confusion matrix (label -> predicted -> count), accuracy, recall per labelled class, time share."""
    matrix = {k: {g: 0 for g in KINDS} for k in KINDS}
    for c in calls:
        matrix[c["label"]][c["got"] if c["got"] in KINDS else "unclear"] += 1
    labelled = [k for k in KINDS if sum(matrix[k].values())]
    recall = {k: matrix[k][k] / sum(matrix[k].values()) for k in labelled}
    total = sum(c["total_s"] for c in calls) or 1.0
    return {"n": len(calls), "accuracy": sum(c["label"] == c["got"] for c in calls) / max(1, len(calls)),
            "recall": recall, "matrix": matrix, "conversation_as_no_answer": matrix["conversation"]["no_answer"],
            "time_share": sum(c["seconds"] for c in calls) / total}


def outcomes_markdown(result: dict[str, Any]) -> str:
    lines = []
    for half, s in result["halves"].items():
        labelled = list(s["recall"])
        lines += [f"**{half} half** ({s['n']} recordings): accuracy {s['accuracy']:.0%}, conversations called "
                  f"no_answer: {s['conversation_as_no_answer']}, classifying took {s['time_share']:.2%} of the "
                  "processing time", "",
                  "| labelled \\ called | " + " | ".join(KINDS) + " | recall |",
                  "|---|" + "---:|" * (len(KINDS) + 1)]
        for k in labelled:
            lines.append(f"| {k} | " + " | ".join(str(s["matrix"][k][g]) for g in KINDS) + f" | {s['recall'][k]:.0%} |")
        lines.append("")
    wrong = [c for c in result["calls"] if c["label"] != c["got"]]
    for c in wrong:
        lines.append(f"- {c['file']}: {c['label']} called {c['got']} ({'; '.join(c['evidence'])})")
    return "\n".join(lines).strip() + "\n"
