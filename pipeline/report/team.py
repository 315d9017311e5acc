"""Team activity from the saved analyses (pandas): per rep per day, week over week, and who improved most.

Pure: ``CallEntry`` list in, DataFrames out. A call counts for the day it was recorded (``call.recorded_at``,
local wall-clock time); calls without a rep are grouped under ``UNASSIGNED``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..score import ScoreOptions
from . import CallEntry
from .view import marker_counts

UNASSIGNED = "(no rep)"
DAY_START = dt.time(9, 0)  # the working day's start the first-call time is read against
ON_THE_PHONE_WITHIN_MIN = 30  # coaching practice: first call within 30 minutes of the day's start

DAILY_COLUMNS = ["rep", "date", "calls", "talk_min", "first_call", "first_call_late", "median_talk_ratio",
                 "hesitancy_per_call", "pushiness_per_call"]
WEEKLY_COLUMNS = ["rep", "week", "calls", "active_days", "talk_min", "median_talk_ratio", "hesitancy_per_call",
                  "pushiness_per_call"]


def call_rows(calls: list[CallEntry]):
    import pandas as pd

    rows = []
    for c in calls:
        call, m = c.doc.get("call", {}), c.doc.get("metrics", {})
        when = call.get("recorded_at")
        if not when:
            continue
        t = dt.datetime.fromisoformat(when)
        counts = marker_counts(c.doc)
        rows.append({"rep": call.get("rep") or UNASSIGNED, "call_id": c.folder, "at": t, "date": t.date().isoformat(),
                     "week": f"{t.isocalendar()[0]}-W{t.isocalendar()[1]:02d}", "time": t.strftime("%H:%M"),
                     "rep_talk_s": m.get("rep_talk_s"), "talk_ratio": m.get("talk_ratio_rep"),
                     "hesitancy": counts["hesitancy"], "pushiness": counts["pushiness"]})
    cols = ["rep", "call_id", "at", "date", "week", "time", "rep_talk_s", "talk_ratio", "hesitancy", "pushiness"]
    frame = pd.DataFrame(rows, columns=cols)
    for col in ("rep_talk_s", "talk_ratio"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def daily(calls: list[CallEntry], day_start: dt.time = DAY_START):
    """One row per rep per day: calls, rep talk minutes, first call time (late or not), median talk ratio,
    hesitancy and pushiness markers per call."""
    import pandas as pd

    f = call_rows(calls)
    if f.empty:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    g = f.sort_values("at").groupby(["rep", "date"], sort=True)
    out = g.agg(calls=("call_id", "size"), talk_s=("rep_talk_s", "sum"), first_call=("time", "first"),
                median_talk_ratio=("talk_ratio", "median"), hesitancy_per_call=("hesitancy", "mean"),
                pushiness_per_call=("pushiness", "mean")).reset_index()
    out["talk_min"] = (out.pop("talk_s") / 60).round(1)
    limit = (dt.datetime.combine(dt.date.today(), day_start)
             + dt.timedelta(minutes=ON_THE_PHONE_WITHIN_MIN)).strftime("%H:%M")
    out["first_call_late"] = out["first_call"] > limit
    for col in ("median_talk_ratio", "hesitancy_per_call", "pushiness_per_call"):
        out[col] = out[col].round(3)
    return out[DAILY_COLUMNS]


def weekly(calls: list[CallEntry]):
    import pandas as pd

    f = call_rows(calls)
    if f.empty:
        return pd.DataFrame(columns=WEEKLY_COLUMNS)
    out = f.groupby(["rep", "week"], sort=True).agg(
        calls=("call_id", "size"), active_days=("date", "nunique"), talk_s=("rep_talk_s", "sum"),
        median_talk_ratio=("talk_ratio", "median"), hesitancy_per_call=("hesitancy", "mean"),
        pushiness_per_call=("pushiness", "mean")).reset_index()
    out["talk_min"] = (out.pop("talk_s") / 60).round(1)
    for col in ("median_talk_ratio", "hesitancy_per_call", "pushiness_per_call"):
        out[col] = out[col].round(3)
    return out[WEEKLY_COLUMNS]


def progress(calls: list[CallEntry], o: ScoreOptions = ScoreOptions()) -> list[dict[str, Any]]:
    """Who improved most: each rep's latest week against their first, best first.

    Improvement = fewer hesitancy + pushiness markers per call, plus the talk ratio moving toward the
    reference (``talk_ratio_target``; 10 points closer counts as one marker less per call). Volume is shown,
    not scored: the board rewards getting better, not only calling more. A rep needs calls in two weeks.
    """
    w = weekly(calls)
    board = []
    for rep, g in w.groupby("rep", sort=True):
        if rep == UNASSIGNED:
            continue
        g = g.sort_values("week")
        first, last = g.iloc[0], g.iloc[-1]
        entry: dict[str, Any] = {"rep": rep, "weeks": len(g), "calls": int(g["calls"].sum()),
                                 "from_week": first["week"], "to_week": last["week"],
                                 "markers_first": round(float(first["hesitancy_per_call"] + first["pushiness_per_call"]), 2),
                                 "markers_last": round(float(last["hesitancy_per_call"] + last["pushiness_per_call"]), 2),
                                 "talk_ratio_first": _num(first["median_talk_ratio"]),
                                 "talk_ratio_last": _num(last["median_talk_ratio"]), "score": None}
        if len(g) > 1:
            gain = entry["markers_first"] - entry["markers_last"]
            if entry["talk_ratio_first"] is not None and entry["talk_ratio_last"] is not None:
                gain += 10 * (abs(entry["talk_ratio_first"] - o.talk_ratio_target)
                              - abs(entry["talk_ratio_last"] - o.talk_ratio_target))
            entry["score"] = round(gain, 2)
        board.append(entry)
    board.sort(key=lambda e: (e["score"] is None, -(e["score"] or 0.0), e["rep"]))
    return board


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else round(f, 3)
