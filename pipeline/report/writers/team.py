"""``OUT/team.html``, ``team.csv``, ``team.parquet`` and ``leaderboard.html``: the team's activity for managers."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from .. import CallEntry, register
from ..page import render_page
from ..view import OUTCOME_LABELS
from ..team import UNASSIGNED, TeamOptions, daily, day_rows, progress, week_rows

PALETTE = ("#2563eb", "#c62828", "#0f9488", "#b45309", "#7c3aed", "#be185d", "#4d7c0f", "#0369a1")
# outcome -> colour of its mark on the day's timeline (the legend on the page names them)
OUTCOME_COLORS = {"conversation": "#15803d", "voicemail": "#2563eb", "no_answer": "#9aa5b1", "ivr": "#7c3aed",
                  "unclear": "#b45309"}
CHARTS = (  # (weekly column, title, value format, y axis from zero to one)
    ("calls", "Dials a week", "{:.0f}", False),
    ("connect_rate", "Connect rate", "{:.0%}", True),
    ("first_dial_min", "First dial, minutes after the day's start (median)", "{:+.0f}", False),
    ("gap_median_min", "Median gap between dials, minutes", "{:.0f}", False),
    ("recovery_min", "Recovery after a rejection, minutes (median)", "{:.0f}", False),
    ("opener_hesitancy", "Opener hesitancy (markers in the first 30 s)", "{:.1f}", False),
    ("median_talk_ratio", "Median talk share (conversations)", "{:.0%}", True),
    ("hesitancy_per_call", "Hesitancy markers a conversation", "{:.1f}", False),
    ("pushiness_per_call", "Pushiness markers a conversation", "{:.1f}", False),
)


def _value(v: Any) -> float | None:
    return None if v is None or v != v else float(v)


def _chart(weeks_rows: list[dict[str, Any]], metric: str, fmt: str, share: bool, colors: dict[str, str],
           width: int = 360, height: int = 150) -> dict[str, Any]:
    """A small line chart (inline SVG geometry): one line per rep over the weeks; missing weeks are skipped."""
    weeks = sorted({r["week"] for r in weeks_rows})
    left, right, top, bottom = 40, 10, 10, 24
    values = [v for v in (_value(r[metric]) for r in weeks_rows) if v is not None]
    ymin = 0.0 if share else min(values + [0.0])
    ymax = 1.0 if share else max(values + [1.0]) * 1.15
    span = (ymax - ymin) or 1.0
    x_of = {wk: left + (i * (width - left - right) / max(1, len(weeks) - 1) if len(weeks) > 1 else (width - left - right) / 2)
            for i, wk in enumerate(weeks)}

    def y(v: float) -> float:
        return round(top + (height - top - bottom) * (1 - (v - ymin) / span), 1)

    lines = []
    for rep in colors:
        pts = [(round(x_of[r["week"]], 1), y(v), r["week"], fmt.format(v)) for r in weeks_rows
               if r["rep"] == rep and (v := _value(r[metric])) is not None]
        if pts:
            lines.append({"rep": rep, "color": colors[rep], "points": " ".join(f"{a},{b}" for a, b, _, _ in pts),
                          "dots": pts})
    ticks = [{"y": y(ymin + span * f), "text": fmt.format(ymin + span * f)} for f in (0, 0.5, 1.0)]
    return {"metric": metric, "width": width, "height": height, "lines": lines, "ticks": ticks if lines else [],
            "left": left,
            "xlabels": [{"x": round(x_of[wk], 1), "text": wk.split("-")[1]} for wk in weeks],
            "baseline": height - bottom}


def _clock(t: dt.datetime) -> float:
    return t.hour * 60 + t.minute + t.second / 60


def _timelines(days: list[dict[str, Any]], o: TeamOptions, width: int = 720, height: int = 28,
               pad: int = 16) -> dict[str, Any]:
    """Each rep's day as a strip of dials coloured by outcome, on one clock for every row (so days compare)."""
    start = o.start.hour * 60 + o.start.minute
    lo = min([start] + [_clock(d.at) for r in days for d in r["dials"]])
    hi = max([start + 8 * 60] + [_clock(d.end) + (d.end.date() - d.at.date()).days * 1440 for r in days
                                 for d in r["dials"]])
    lo, hi = 60 * (int(lo) // 60), 60 * (-(-int(hi) // 60))
    scale = (width - 2 * pad) / max(60, hi - lo)

    def x(minute: float) -> float:
        return round(pad + (minute - lo) * scale, 1)

    rows = []
    for r in days:
        marks, bands = [], []
        for a, b in zip(r["dials"], r["dials"][1:]):
            gap = (b.at - a.end).total_seconds() / 60
            if gap > o.gap_limit_min:
                bands.append({"x": x(_clock(a.end)), "w": round(gap * scale, 1),
                              "title": f"{a.end:%H:%M}-{b.at:%H:%M}: {gap:.0f} min without a dial"})
        for d in r["dials"]:
            minutes = (d.end - d.at).total_seconds() / 60
            marks.append({"x": x(_clock(d.at)), "w": max(3.0, round(minutes * scale, 1)), "outcome": d.outcome,
                          "color": OUTCOME_COLORS[d.outcome], "rejected": d.rejected,
                          "title": f"{d.at:%H:%M} {OUTCOME_LABELS[d.outcome]}, {minutes:.1f} min"
                                   + (", ended in a rejection" if d.rejected else "")})
        rows.append({"rep": r["rep"], "date": r["date"], "marks": marks, "bands": bands})
    hours = [{"x": x(m), "text": f"{m // 60:02d}:00"} for m in range(lo, hi + 1, 60)]
    return {"width": width, "height": height, "rows": rows, "hours": hours, "start_x": x(start),
            "late_x": x(start + o.on_the_phone_within_min)}


def _context(calls: list[CallEntry], o: TeamOptions) -> dict[str, Any]:
    days = day_rows(calls, o)
    weeks = week_rows(calls, o, days)
    reps = sorted({r["rep"] for r in days})
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(reps)}
    undated = sum(1 for c in calls if not c.doc.get("call", {}).get("recorded_at"))
    return {
        "daily": days, "reps": reps, "colors": colors, "board": progress(calls, o=o, weeks=weeks),
        "charts": [{"title": t, **_chart(weeks, m, fmt, share, colors)} for m, t, fmt, share in CHARTS] if weeks else [],
        "timeline": _timelines(days, o) if days else None,
        "outcome_colors": OUTCOME_COLORS, "outcome_names": OUTCOME_LABELS,
        "undated": undated, "unassigned": UNASSIGNED, "ncalls": len(calls), "o": o,
    }


@register("team", "team.html", scope="batch", description="per rep per day, week over week, progress board", team=True)
def render(calls: list[CallEntry], failures: list[dict[str, Any]], team: TeamOptions = TeamOptions()) -> str:
    return render_page("team.html.j2", "index.js", **_context(calls, team), publish=False)


@register("leaderboard", "leaderboard.html", scope="batch", description="the progress board alone, to publish", team=True)
def render_board(calls: list[CallEntry], failures: list[dict[str, Any]], team: TeamOptions = TeamOptions()) -> str:
    return render_page("team.html.j2", "index.js", **_context(calls, team), publish=True)


@register("team_csv", "team.csv", scope="batch", description="per rep per day (pandas)", team=True)
def render_csv(calls: list[CallEntry], failures: list[dict[str, Any]], team: TeamOptions = TeamOptions()) -> str:
    from .csv import csv_text

    return csv_text(daily(calls, team))


@register("team_parquet", "team.parquet", scope="batch", description="per rep per day, Parquet (pandas + pyarrow)", team=True)
def render_parquet(calls: list[CallEntry], failures: list[dict[str, Any]], team: TeamOptions = TeamOptions()) -> bytes:
    buf = io.BytesIO()
    daily(calls, team).to_parquet(buf, index=False)
    return buf.getvalue()
