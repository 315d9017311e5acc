"""``OUT/index.html``: every call with date, rep, duration and key metrics; sortable; links to each report."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ...score import ScoreOptions
from .. import CallEntry, register
from ..page import render_page
from ..view import OUTCOME_LABELS, clock, marker_counts, metric_views, title

# (metric, column label, tooltip)
METRIC_COLUMNS = (
    ("talk_ratio_rep", "Talk share", "the rep's share of the talking"),
    ("longest_monologue_rep_s", "Longest monologue", "the rep's longest stretch without the buyer speaking"),
    ("questions_rep", "Questions", "questions the rep asked"),
    ("patience_s", "Patience", "mean pause before the rep answers the buyer"),
    ("fillers_per_min_rep", "Fillers/min", "filler words a minute of rep talk"),
    ("next_step_set", "Next step", "a next step with a day or time agreed near the end"),
)


def _cell(text: str, sort: Any = None, num: bool = False, href: str | None = None, off: bool = False,
          cls: str = "") -> dict[str, Any]:
    cls = " ".join(c for c in (cls, "num" if num else "", "off-target" if off else "") if c)
    return {"text": text, "sort": "" if sort is None else sort, "cls": cls, "href": href}


def _row(entry: CallEntry) -> list[dict[str, Any]]:
    doc = entry.doc
    call = doc.get("call", {})
    views = {v.spec.name: v for v in metric_views(doc)}
    rep_found = any(s.get("role") == "rep" for s in doc.get("speakers", []))
    rep = call.get("rep") or ("—" if rep_found else "not identified")
    when = (call.get("recorded_at") or "").replace("T", " ")[:16]
    counts = marker_counts(doc)
    kind = doc.get("outcome", {}).get("kind", "conversation")
    row = [
        _cell(when, call.get("recorded_at") or "", cls="when"),
        _cell(rep, call.get("rep") or ""),
        _cell(title(doc), title(doc).lower(), href=f"{quote(entry.folder)}/report.html"),
        _cell(clock(call.get("duration_s")), call.get("duration_s"), num=True),
        _cell(OUTCOME_LABELS.get(kind, kind), kind, cls=f"outcome o-{kind}"),
    ]
    if kind not in ("conversation", "unclear", "ivr"):  # only conversations are scored as conversations
        return row + [_cell("—", num=True) for _ in range(len(METRIC_COLUMNS) + 2)]
    for name, _, _ in METRIC_COLUMNS:
        v = views[name]
        sort = None if v.value is None else (int(v.value) if isinstance(v.value, bool) else v.value)
        row.append(_cell(v.text, sort, num=True, off=v.status in ("high", "low")))
    row.append(_cell(str(counts["hesitancy"]), counts["hesitancy"], num=True))
    row.append(_cell(str(counts["pushiness"]), counts["pushiness"], num=True))
    return row


@register("index", "index.html", scope="batch", description="every call, sortable, linking to its report")
def render(calls: list[CallEntry], failures: list[dict[str, Any]], team: bool = True) -> str:
    columns = [{"label": "Date", "title": "when the call was recorded", "num": False},
               {"label": "Rep", "title": "the rep (from the recording's folder)", "num": False},
               {"label": "Call", "title": "the recording; opens its report", "num": False},
               {"label": "Duration", "title": "length of the recording", "num": True},
               {"label": "Outcome", "title": "conversation, voicemail, no answer, menu or unclear (from the recording)",
                "num": False}]
    columns += [{"label": label, "title": tip, "num": True} for _, label, tip in METRIC_COLUMNS]
    columns += [{"label": "Hesitancy", "title": "hesitancy markers in the call", "num": True},
                {"label": "Pushiness", "title": "pushiness markers in the call", "num": True}]
    o = ScoreOptions()
    reps = sorted({c.doc.get("call", {}).get("rep") for c in calls} - {None})
    return render_page(
        "index.html.j2", "index.js", columns=columns, rows=[_row(c) for c in calls], failures=failures, reps=reps,
        team=team,
        total_s=sum(float(c.doc.get("call", {}).get("duration_s") or 0) for c in calls),
        talk_band=f"{o.talk_ratio_balanced_low:.0%}-{o.talk_ratio_balanced_high:.0%}, best calls near {o.talk_ratio_target:.0%}",
    )
