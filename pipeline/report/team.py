"""Team activity from the saved analyses: per rep per day and week, the call-reluctance picture, who improved most.

Pure: ``CallEntry`` list and ``TeamOptions`` in, rows and DataFrames out. Every recording is a dial; it counts
for the day it was recorded (``call.recorded_at``, local wall-clock time; ``call.duration_s`` gives its end).
Calls without a rep are grouped under ``UNASSIGNED``. Conversation figures (talk ratio, markers a call) are read
from conversations only (``outcome.kind``; analyses written before schema 1.3 have no outcome and count as
conversations). The figures, their defaults and where those come from are in the README ("The team page").
"""

from __future__ import annotations

import datetime as dt
import statistics
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..outcome.voicemail import HESITANCY
from ..score import ScoreOptions
from . import CallEntry

UNASSIGNED = "(no rep)"
OUTCOMES = ("conversation", "voicemail", "no_answer", "ivr", "unclear")
OPTIONS_FILE = "team.toml"  # in OUT: the manager's own thresholds, read whenever the team pages are rendered


@dataclass(frozen=True)
class TeamOptions:
    """Every threshold of the activity figures. A manager sets them in ``OUT/team.toml`` (``[team]`` table)."""

    day_start: str = "09:00"
    """When the working day starts (HH:MM, local). Ours: a common office start; set your team's."""
    on_the_phone_within_min: float = 30
    """The first dial is late when it comes more than this many minutes after ``day_start`` (coaching practice:
    "within 30 minutes of starting the work day, sellers should be on the phone")."""
    gap_limit_min: float = 15
    """A gap between two dials longer than this is a long gap: time spent off the phone, the "prep time" signal
    ("over-preparation is a sure sign of call reluctance"; no published figure: ours, set your team's)."""
    block_gap_min: float = 5
    """Dials no more than this many minutes apart belong to one call block (ours: time to log a call and dial)."""
    block_min_dials: int = 3
    """A call block needs at least this many dials (ours; a "power hour" is a block an hour long)."""
    opener_s: float = 30
    """Opener hesitancy counts the rep's hesitancy markers in this many seconds from their first word, in
    conversations and voicemails (the issue: "the first 30 s")."""
    board_first_dial_min: float = 15
    """Progress board: a first dial this many minutes earlier (week median) counts as one marker less a call."""
    board_gap_min: float = 5
    """... a median gap this many minutes shorter counts as one marker less a call."""
    board_recovery_min: float = 10
    """... a recovery after a rejection this many minutes quicker counts as one marker less a call."""

    def __post_init__(self) -> None:
        try:
            dt.time.fromisoformat(self.day_start)
        except (TypeError, ValueError):
            raise ConfigError(f"team option day_start = {self.day_start!r}: use HH:MM, e.g. \"08:30\"") from None
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name != "day_start" and (isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0):
                raise ConfigError(f"team option {f.name} = {v!r}: must be a positive number")

    @property
    def start(self) -> dt.time:
        return dt.time.fromisoformat(self.day_start)

    @classmethod
    def load(cls, out: Path | None) -> "TeamOptions":
        """``OUT/team.toml`` when there is one (unknown keys and bad values: one clear ConfigError), else defaults."""
        path = Path(out) / OPTIONS_FILE if out is not None else None
        if path is None or not path.is_file():
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"{path}: {' '.join(str(e).split())}") from None
        table = data.get("team", data)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(f"{path}: unknown team option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(cls(), **table)


DAILY_COLUMNS = ["rep", "date", "calls", "conversations", "voicemails", "no_answers", "other", "connect_rate",
                 "first_call", "first_call_late", "first_dial_min", "gap_median_min", "gap_longest_min",
                 "long_gaps", "long_gap_min", "blocks", "block_dials", "longest_block_min", "longest_block_dials",
                 "rejections", "recovery_min", "recovery_vs_usual", "no_redial_after_rejection", "opener_hesitancy",
                 "talk_min", "median_talk_ratio", "hesitancy_per_call", "pushiness_per_call"]
WEEKLY_COLUMNS = ["rep", "week", "calls", "conversations", "connect_rate", "active_days", "first_dial_min",
                  "gap_median_min", "long_gap_min", "blocks", "recovery_min", "opener_hesitancy", "talk_min",
                  "median_talk_ratio", "hesitancy_per_call", "pushiness_per_call"]


@dataclass(frozen=True)
class Dial:
    """One recording as activity: when, how long, what it was, and (conversations) how it went."""

    rep: str
    call_id: str
    at: dt.datetime
    end: dt.datetime
    outcome: str
    rejected: bool = False
    opener_hesitancy: int | None = None  # conversations and voicemails
    rep_talk_s: float | None = None  # conversations only, as the three below
    talk_ratio: float | None = None
    hesitancy: int | None = None
    pushiness: int | None = None

    @property
    def date(self) -> str:
        return self.at.date().isoformat()

    @property
    def week(self) -> str:
        y, w, _ = self.at.isocalendar()
        return f"{y}-W{w:02d}"

    def to_dict(self) -> dict[str, Any]:
        return {"rep": self.rep, "call_id": self.call_id, "date": self.date, "time": self.at.strftime("%H:%M:%S"),
                "duration_s": round((self.end - self.at).total_seconds(), 1), "outcome": self.outcome,
                "rejected": self.rejected}


def _rep_speaker(doc: dict[str, Any]) -> str | None:
    return next((s["id"] for s in doc.get("speakers", []) if s.get("role") == "rep"), None)


def opener_hesitancy(doc: dict[str, Any], opener_s: float) -> int:
    """The rep's hesitancy markers within ``opener_s`` of their first word (a voicemail: of the message)."""
    rep = _rep_speaker(doc) or doc.get("outcome", {}).get("rep_speaker")
    mine = [w["start"] for w in doc.get("words", []) if rep is None or w.get("speaker") == rep]
    start = doc.get("outcome", {}).get("message_start") or (mine[0] if mine else None)
    if start is None:
        return 0
    return sum(1 for m in doc.get("markers", []) if m.get("kind") in HESITANCY
               and (rep is None or m.get("speaker") == rep) and start - 0.2 <= m.get("start", -1.0) <= start + opener_s)


def dials(calls: list[CallEntry], o: TeamOptions = TeamOptions()) -> list[Dial]:
    """Every dated recording as a ``Dial``, by rep and time."""
    out = []
    for c in calls:
        doc = c.doc
        call = doc.get("call", {})
        if not call.get("recorded_at"):
            continue
        at = dt.datetime.fromisoformat(call["recorded_at"])
        end = at + dt.timedelta(seconds=float(call.get("duration_s") or 0.0))
        outcome = doc.get("outcome", {})
        kind = outcome.get("kind", "conversation")
        extra: dict[str, Any] = {}
        if kind in ("conversation", "voicemail"):
            extra["opener_hesitancy"] = opener_hesitancy(doc, o.opener_s)
        if kind == "conversation":
            m = doc.get("metrics", {})
            fam = [x.get("family") for x in doc.get("markers", [])]
            extra.update(rejected=bool(outcome.get("ending", {}).get("rejected")), rep_talk_s=_num(m.get("rep_talk_s")),
                         talk_ratio=_num(m.get("talk_ratio_rep")), hesitancy=fam.count("hesitancy"),
                         pushiness=fam.count("pushiness"))
        out.append(Dial(call.get("rep") or UNASSIGNED, c.folder, at, end, kind if kind in OUTCOMES else "unclear",
                        **extra))
    out.sort(key=lambda d: (d.rep, d.at, d.call_id))
    return out


def _minutes(a: dt.datetime, b: dt.datetime) -> float:
    return max(0.0, (b - a).total_seconds() / 60)


def gaps(day: list[Dial]) -> list[float]:
    """Minutes from the end of each dial to the start of the next, within one rep's day (overlap counts 0)."""
    return [_minutes(a.end, b.at) for a, b in zip(day, day[1:])]


def blocks(day: list[Dial], o: TeamOptions) -> list[list[Dial]]:
    """Runs of at least ``block_min_dials`` dials with every gap at most ``block_gap_min``."""
    runs, run = [], day[:1]
    for a, b in zip(day, day[1:]):
        if _minutes(a.end, b.at) <= o.block_gap_min:
            run.append(b)
        else:
            runs.append(run)
            run = [b]
    runs.append(run)
    return [r for r in runs if len(r) >= o.block_min_dials]


def recoveries(day: list[Dial]) -> tuple[list[float], int]:
    """Minutes from the end of each rejected conversation to the rep's next dial that day, and how many
    rejections had no next dial that day."""
    times, none = [], 0
    for i, d in enumerate(day):
        if d.rejected:
            if i + 1 < len(day):
                times.append(_minutes(d.end, day[i + 1].at))
            else:
                none += 1
    return times, none


def _median(xs: list[float]) -> float | None:
    return round(statistics.median(xs), 1) if xs else None


def _mean(xs: list[float | int | None], nd: int = 3) -> float | None:
    xs = [x for x in xs if x is not None]
    return round(sum(xs) / len(xs), nd) if xs else None


def _conversation_figures(ds: list[Dial]) -> dict[str, Any]:
    conv = [d for d in ds if d.outcome == "conversation"]
    ratios = [d.talk_ratio for d in conv if d.talk_ratio is not None]
    return {"talk_min": round(sum(d.rep_talk_s or 0.0 for d in conv) / 60, 1),
            "median_talk_ratio": round(statistics.median(ratios), 3) if ratios else None,
            "hesitancy_per_call": _mean([d.hesitancy for d in conv]),
            "pushiness_per_call": _mean([d.pushiness for d in conv]),
            "opener_hesitancy": _mean([d.opener_hesitancy for d in ds])}


def _by(ds: list[Dial], key) -> dict[tuple[str, str], list[Dial]]:
    out: dict[tuple[str, str], list[Dial]] = {}
    for d in ds:
        out.setdefault((d.rep, key(d)), []).append(d)
    return out


def usual_gap(ds: list[Dial]) -> dict[str, float | None]:
    """Each rep's own median gap between dials over all their days: what a recovery is read against."""
    per: dict[str, list[float]] = {}
    for (rep, _), day in _by(ds, lambda d: d.date).items():
        per.setdefault(rep, []).extend(gaps(day))
    return {rep: _median(g) for rep, g in per.items()}


def day_rows(calls: list[CallEntry], o: TeamOptions = TeamOptions()) -> list[dict[str, Any]]:
    """One row per rep per day (``DAILY_COLUMNS``), plus the day's dials for the timeline (``"dials"``)."""
    ds = dials(calls, o)
    usual = usual_gap(ds)
    late_after = dt.datetime.combine(dt.date.min, o.start) + dt.timedelta(minutes=o.on_the_phone_within_min)
    rows = []
    for (rep, date), day in sorted(_by(ds, lambda d: d.date).items()):
        kinds = [d.outcome for d in day]
        g, bl = gaps(day), blocks(day, o)
        longest = max(bl, key=lambda b: (_minutes(b[0].at, b[-1].end), len(b)), default=None)
        rec, none = recoveries(day)
        rec_med, base = _median(rec), usual.get(rep)
        first = day[0].at
        start = dt.datetime.combine(first.date(), o.start)
        rows.append({
            "rep": rep, "date": date, "calls": len(day), "conversations": kinds.count("conversation"),
            "voicemails": kinds.count("voicemail"), "no_answers": kinds.count("no_answer"),
            "other": kinds.count("ivr") + kinds.count("unclear"),
            "connect_rate": round(kinds.count("conversation") / len(day), 3),
            "first_call": first.strftime("%H:%M"),
            "first_call_late": first.time() > late_after.time(),
            "first_dial_min": round((first - start).total_seconds() / 60, 1),
            "gap_median_min": _median(g), "gap_longest_min": round(max(g), 1) if g else None,
            "long_gaps": sum(1 for x in g if x > o.gap_limit_min),
            "long_gap_min": round(float(sum(x for x in g if x > o.gap_limit_min)), 1),
            "blocks": len(bl), "block_dials": sum(len(b) for b in bl),
            "longest_block_min": round(_minutes(longest[0].at, longest[-1].end), 1) if longest else None,
            "longest_block_dials": len(longest) if longest else None,
            "rejections": sum(1 for d in day if d.rejected), "recovery_min": rec_med,
            "recovery_vs_usual": round(rec_med / base, 2) if rec_med is not None and base else None,
            "no_redial_after_rejection": none,
            **_conversation_figures(day),
            "dials": day,
        })
    return rows


def week_rows(calls: list[CallEntry], o: TeamOptions = TeamOptions(),
              days: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One row per rep per ISO week (``WEEKLY_COLUMNS``): medians over the week's days, gaps and recoveries.
    ``days``: ``day_rows(calls, o)`` when the caller has them already (they hold every dial)."""
    days = day_rows(calls, o) if days is None else days
    by_week: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in days:  # a day lies in one ISO week
        by_week.setdefault((r["rep"], r["dials"][0].week), []).append(r)
    rows = []
    for (rep, week), mine in sorted(by_week.items()):
        ds = [d for r in mine for d in r["dials"]]
        g = [x for r in mine for x in gaps(r["dials"])]
        rec = [x for r in mine for x in recoveries(r["dials"])[0]]
        kinds = [d.outcome for d in ds]
        rows.append({
            "rep": rep, "week": week, "calls": len(ds), "conversations": kinds.count("conversation"),
            "connect_rate": round(kinds.count("conversation") / len(ds), 3), "active_days": len(mine),
            "first_dial_min": _median([r["first_dial_min"] for r in mine]), "gap_median_min": _median(g),
            "long_gap_min": round(float(sum(r["long_gap_min"] for r in mine)), 1), "blocks": sum(r["blocks"] for r in mine),
            "recovery_min": _median(rec), **_conversation_figures(ds),
        })
    return rows


def daily(calls: list[CallEntry], o: TeamOptions = TeamOptions()):
    import pandas as pd

    return pd.DataFrame([{k: r[k] for k in DAILY_COLUMNS} for r in day_rows(calls, o)], columns=DAILY_COLUMNS)


def weekly(calls: list[CallEntry], o: TeamOptions = TeamOptions()):
    import pandas as pd

    return pd.DataFrame(week_rows(calls, o), columns=WEEKLY_COLUMNS)


def progress(calls: list[CallEntry], so: ScoreOptions = ScoreOptions(), o: TeamOptions = TeamOptions(),
             weeks: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Who improved most: each rep's latest week against their first, best first.

    Improvement, in "markers a call" (conversations): fewer hesitancy + pushiness markers a call; the talk ratio
    moving toward ``talk_ratio_target`` (10 points closer = 1); and, from the activity, an earlier first dial
    (``board_first_dial_min`` earlier = 1; before ``day_start`` counts as on time), a shorter median gap (``board_gap_min`` = 1) and a quicker recovery
    after a rejection (``board_recovery_min`` = 1). A term counts only where both weeks have it. Volume is shown,
    never scored: the board rewards getting better, not calling more. A rep needs dials in two weeks.
    ``weeks``: ``week_rows(calls, o)`` when the caller has them already.
    """
    by_rep: dict[str, list[dict[str, Any]]] = {}
    for r in (week_rows(calls, o) if weeks is None else weeks):
        by_rep.setdefault(r["rep"], []).append(r)
    board = []
    for rep, mine in sorted(by_rep.items()):
        if rep == UNASSIGNED:
            continue
        first, last = mine[0], mine[-1]
        entry: dict[str, Any] = {"rep": rep, "weeks": len(mine), "calls": sum(w["calls"] for w in mine),
                                 "from_week": first["week"], "to_week": last["week"], "score": None}
        for key, src in (("markers", None), ("talk_ratio", "median_talk_ratio"), ("first_dial", "first_dial_min"),
                         ("gap", "gap_median_min"), ("recovery", "recovery_min")):
            for side, w in (("first", first), ("last", last)):
                entry[f"{key}_{side}"] = _markers(w) if src is None else w[src]
        if len(mine) > 1:
            terms = [(entry["markers_first"], entry["markers_last"], 1.0),
                     (_off(entry["talk_ratio_first"], so), _off(entry["talk_ratio_last"], so), 0.1),
                     (_late(entry["first_dial_first"]), _late(entry["first_dial_last"]), o.board_first_dial_min),
                     (entry["gap_first"], entry["gap_last"], o.board_gap_min),
                     (entry["recovery_first"], entry["recovery_last"], o.board_recovery_min)]
            entry["score"] = round(sum((a - b) / unit for a, b, unit in terms if a is not None and b is not None), 2)
        board.append(entry)
    board.sort(key=lambda e: (e["score"] is None, -(e["score"] or 0.0), e["rep"]))
    return board


def _markers(w: dict[str, Any]) -> float | None:
    h, p = w["hesitancy_per_call"], w["pushiness_per_call"]
    return None if h is None else round(h + p, 2)


def _late(minutes: float | None) -> float | None:
    """Minutes after the day's start; dialling before it is on time, not better."""
    return None if minutes is None else max(0.0, minutes)


def _off(ratio: float | None, so: ScoreOptions) -> float | None:
    return None if ratio is None else abs(ratio - so.talk_ratio_target)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f
