"""Focus for next calls (issue 15): what a coach asks a rep to work on, and whether it moved on later calls.

Pure. An item comes from the call's feedback (a work-on ``finding``) or is free text. A finding is measured on
any call by the marker counts behind it (``FINDING_MARKERS``) or, for a finding about a metric, by that metric
(``FINDING_METRICS``); free text is not measured.
"""

from __future__ import annotations

from typing import Any

MAX_ITEMS = 3  # the coach picks up to three: more is not a focus

FINDING_MARKERS = {
    "objection_override": ("objection_override",), "repeated_close": ("repeated_close",), "pressure": ("pressure",),
    "monologue": ("monologue",), "interruption": ("interruption",), "long_pause": ("long_pause",),
    "hedge": ("hedge",), "filler": ("filler",), "restart": ("restart",),
    "apology_permission": ("apology", "permission_seeking"),
}
FINDING_METRICS = {"talk_ratio": "talk_ratio_rep", "no_next_step": "next_step_set", "few_questions": "questions_rep",
                   "low_patience": "patience_s", "speech_rate": "speech_rate_rep_wpm"}


def measure(finding: str | None, doc: dict[str, Any]) -> tuple[str, Any] | None:
    """What to compare for ``finding`` on one call: ("markers", count) or (metric name, value); None: free text."""
    if not finding:
        return None
    if finding in FINDING_MARKERS:
        kinds = FINDING_MARKERS[finding]
        return "markers", sum(1 for m in doc.get("markers", []) if m.get("kind") in kinds)
    if finding in FINDING_METRICS:
        name = FINDING_METRICS[finding]
        return name, doc.get("metrics", {}).get(name)
    return None


def findings(doc: dict[str, Any]) -> list[dict[str, str]]:
    """The call's work-on items a coach can pick from: ``{"finding", "title"}``."""
    return [{"finding": w["finding"], "title": w["title"]} for w in (doc.get("feedback") or {}).get("work_on", [])
            if w.get("finding")]


def progress(item: dict[str, Any], set_on: dict[str, Any] | None, now: dict[str, Any]) -> dict[str, Any] | None:
    """The item's measure on the call it was set on and on ``now``; None when it is not measured."""
    a = measure(item.get("finding"), set_on) if set_on is not None else None
    b = measure(item.get("finding"), now)
    if a is None or b is None:
        return None
    return {"what": a[0], "then": a[1], "now": b[1]}
