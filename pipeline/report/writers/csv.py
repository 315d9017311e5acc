"""``OUT/calls.csv``: one row per analysed call with every metric, marker counts and the rep's own estimates."""

from __future__ import annotations

from typing import Any

from ...score import MARKER_KINDS, METRIC_NAMES
from .. import CallEntry, register
from ..view import marker_counts

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(v: Any) -> Any:
    """Text that a spreadsheet would run as a formula (``=HYPERLINK(...)`` in a file name) is quoted."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def _row(entry: CallEntry) -> dict[str, Any]:
    doc = entry.doc
    call, metrics = doc.get("call", {}), doc.get("metrics", {})
    rep = next((s for s in doc.get("speakers", []) if s.get("role") == "rep"), None)
    row: dict[str, Any] = {
        "call_id": entry.folder, "source": call.get("source"), "recorded_at": call.get("recorded_at"),
        "rep": call.get("rep"), "rep_speaker": rep["id"] if rep else None,
        "role_method": doc.get("roles", {}).get("method"), "role_confidence": doc.get("roles", {}).get("confidence"),
        "channel_mode": call.get("channel_mode"),
        "outcome": (doc.get("outcome") or {}).get("kind"), "outcome_confidence": (doc.get("outcome") or {}).get("confidence"),
        "ending": ((doc.get("outcome") or {}).get("ending") or {}).get("kind"),
        "voicemail_length_s": ((doc.get("outcome") or {}).get("message") or {}).get("length_s"),
    }
    row.update({name: metrics.get(name) for name in METRIC_NAMES})
    row.update({f"{fam}_markers": n for fam, n in marker_counts(doc).items()})
    kinds = [m.get("kind") for m in doc.get("markers", [])]
    row.update({f"markers_{k}": kinds.count(k) for k in MARKER_KINDS})
    estimates = (doc.get("self_review") or {}).get("estimates", {})
    row.update({f"self_{k}": estimates.get(k) for k in ("talk_ratio_rep", "questions_rep", "open_questions_rep",
                                                         "interruptions_rep", "longest_monologue_rep_s")})
    row["self_rating"] = (doc.get("self_review") or {}).get("rating")
    row["report"] = f"{entry.folder}/report.html"
    return row


def csv_text(frame) -> str:
    """A pandas frame as CSV text, every text cell a spreadsheet would run as a formula quoted (every CSV we
    write goes through here)."""
    return frame.map(_cell).to_csv(index=False, lineterminator="\n")


@register("csv", "calls.csv", scope="batch", description="one row per call, every metric (pandas)")
def render(calls: list[CallEntry], failures: list[dict[str, Any]]) -> str:
    import pandas as pd

    columns = list(_row(CallEntry("", {})).keys())
    return csv_text(pd.DataFrame([_row(c) for c in calls], columns=columns))
