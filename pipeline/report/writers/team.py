"""``OUT/team.html``, ``team.csv``, ``team.parquet`` and ``leaderboard.html``: the team's activity for managers."""

from __future__ import annotations

import io
from typing import Any

from .. import CallEntry, register
from ..page import render_page
from ..team import DAY_START, ON_THE_PHONE_WITHIN_MIN, UNASSIGNED, daily, progress, weekly

PALETTE = ("#2563eb", "#c62828", "#0f9488", "#b45309", "#7c3aed", "#be185d", "#4d7c0f", "#0369a1")
CHARTS = (
    ("calls", "Calls a week", "{:.0f}"),
    ("median_talk_ratio", "Median talk share", "{:.0%}"),
    ("hesitancy_per_call", "Hesitancy markers a call", "{:.1f}"),
    ("pushiness_per_call", "Pushiness markers a call", "{:.1f}"),
)


def _chart(w, metric: str, fmt: str, colors: dict[str, str], width: int = 360, height: int = 150) -> dict[str, Any]:
    """A small line chart (inline SVG geometry): one line per rep over the weeks."""
    weeks = sorted(w["week"].unique())
    left, right, top, bottom = 40, 10, 10, 24
    values = [float(v) for v in w[metric].dropna()]
    ymax = 1.0 if metric == "median_talk_ratio" else max(values + [1.0]) * 1.15  # shares on a full scale
    x_of = {wk: left + (i * (width - left - right) / max(1, len(weeks) - 1) if len(weeks) > 1 else (width - left - right) / 2)
            for i, wk in enumerate(weeks)}

    def y(v: float) -> float:
        return round(top + (height - top - bottom) * (1 - v / ymax), 1)

    lines = []
    for rep, g in w.groupby("rep", sort=True):
        pts = [(round(x_of[r["week"]], 1), y(float(r[metric])), r["week"], fmt.format(float(r[metric])))
               for _, r in g.sort_values("week").iterrows() if r[metric] == r[metric]]
        lines.append({"rep": rep, "color": colors[rep], "points": " ".join(f"{a},{b}" for a, b, _, _ in pts),
                      "dots": pts})
    ticks = [{"y": y(ymax * f), "text": fmt.format(ymax * f)} for f in (0, 0.5, 1.0)]
    return {"width": width, "height": height, "lines": lines, "ticks": ticks, "left": left,
            "xlabels": [{"x": round(x_of[wk], 1), "text": wk.split("-")[1]} for wk in weeks],
            "baseline": height - bottom}


def _context(calls: list[CallEntry]) -> dict[str, Any]:
    d, w = daily(calls), weekly(calls)
    reps = sorted(set(d["rep"])) if len(d) else []
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(reps)}
    undated = sum(1 for c in calls if not c.doc.get("call", {}).get("recorded_at"))
    return {
        "daily": d.to_dict("records"), "reps": reps, "colors": colors, "board": progress(calls),
        "charts": [{"title": t, **_chart(w, m, fmt, colors)} for m, t, fmt in CHARTS] if len(w) else [],
        "undated": undated, "unassigned": UNASSIGNED, "ncalls": len(calls),
        "day_start": DAY_START.strftime("%H:%M"), "within": ON_THE_PHONE_WITHIN_MIN,
    }


@register("team", "team.html", scope="batch", description="per rep per day, week over week, progress board")
def render(calls: list[CallEntry], failures: list[dict[str, Any]]) -> str:
    return render_page("team.html.j2", "index.js", **_context(calls), publish=False)


@register("leaderboard", "leaderboard.html", scope="batch", description="the progress board alone, to publish")
def render_board(calls: list[CallEntry], failures: list[dict[str, Any]]) -> str:
    return render_page("team.html.j2", "index.js", **_context(calls), publish=True)


@register("team_csv", "team.csv", scope="batch", description="per rep per day (pandas)")
def render_csv(calls: list[CallEntry], failures: list[dict[str, Any]]) -> str:
    from .csv import csv_text

    return csv_text(daily(calls))


@register("team_parquet", "team.parquet", scope="batch", description="per rep per day, Parquet (pandas + pyarrow)")
def render_parquet(calls: list[CallEntry], failures: list[dict[str, Any]]) -> bytes:
    buf = io.BytesIO()
    daily(calls).to_parquet(buf, index=False)
    return buf.getvalue()
