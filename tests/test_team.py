"""The team's activity figures (issue 14) on the fixture days of tests/activity_day.py, against values worked out
by hand from its table (gaps: end of one dial to the start of the next; the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from pipeline.errors import ConfigError
from pipeline.report.team import TeamOptions, day_rows, progress, week_rows

from .activity_day import calls

COLUMNS = ("calls", "conversations", "voicemails", "no_answers", "other", "connect_rate", "first_call",
           "first_call_late", "first_dial_min", "gap_median_min", "gap_longest_min", "long_gaps", "long_gap_min",
           "blocks", "block_dials", "longest_block_min", "longest_block_dials", "rejections", "recovery_min",
           "recovery_vs_usual", "no_redial_after_rejection", "opener_hesitancy", "talk_min", "median_talk_ratio",
           "hesitancy_per_call", "pushiness_per_call")

DAYS = {
    # ann, Mon: gaps 1, 2, 2, 1.5, 76 (09:14 -> 10:30); dials 1-5 one block 08:55-09:14; recovery 09:06 -> 09:08;
    # her usual gap: median of 1, 2, 2, 1.5, 76, 2, 1 = 2
    ("ann", "2026-11-16"): (6, 2, 2, 2, 0, 0.333, "08:55", False, -5.0, 2.0, 76.0, 1, 76.0, 1, 5, 19.0, 5, 1, 2.0,
                            1.0, 0, 0.5, 4.1, 0.45, 1.0, 0.5),
    # ann, Tue next week: gaps 2 (09:03 -> 09:05), 1 (09:06 -> 09:07); one block 09:00-09:07:20
    ("ann", "2026-11-24"): (3, 1, 1, 1, 0, 0.333, "09:00", False, 0.0, 1.5, 2.0, 0, 0.0, 1, 3, 7.3, 3, 0, None,
                            None, 0, 0.5, 1.4, 0.45, 1.0, 0.0),
    # bo, Mon: first dial 10:12 (72 min late); gaps 34, 49, 80 - all over 15 min; recovery 11:45 -> 13:05 = 80,
    # against his usual gap median(34, 49, 80, 12, 9) = 34: 2.35x
    ("bo", "2026-11-16"): (4, 2, 1, 1, 0, 0.5, "10:12", True, 72.0, 49.0, 80.0, 3, 163.0, 0, 0, None, None, 1, 80.0,
                           2.35, 0, 1.333, 5.8, 0.65, 2.5, 0.5),
    # bo, Mon next week: 09:40, still after 09:30; gaps 12 and 9
    ("bo", "2026-11-23"): (3, 1, 1, 1, 0, 0.333, "09:40", True, 40.0, 10.5, 12.0, 0, 0.0, 0, 0, None, None, 0, None,
                           None, 0, 0.5, 1.5, 0.5, 1.0, 0.0),
    # cy, Tue: a refusal at 09:26, next dial 10:41 (75 min = 37.5x her usual 2); a block of 4 dials 10:41-10:54;
    # the day ends on a hang-up: no dial after it
    ("cy", "2026-11-17"): (5, 3, 1, 1, 0, 0.6, "09:20", False, 20.0, 2.0, 75.0, 1, 75.0, 1, 4, 13.0, 4, 2, 75.0,
                           37.5, 1, 0.25, 6.1, 0.5, 0.333, 0.667),
    # cy, Wed: two rings, nobody answered; no conversation figures
    ("cy", "2026-11-18"): (2, 0, 0, 2, 0, 0.0, "09:05", False, 5.0, 1.0, 1.0, 0, 0.0, 0, 0, None, None, 0, None,
                           None, 0, None, 0.0, None, None, None),
}

WEEK_COLUMNS = ("calls", "conversations", "connect_rate", "active_days", "first_dial_min", "gap_median_min",
                "long_gap_min", "blocks", "recovery_min", "opener_hesitancy", "talk_min", "median_talk_ratio",
                "hesitancy_per_call", "pushiness_per_call")
WEEKS = {
    ("ann", "2026-W47"): (6, 2, 0.333, 1, -5.0, 2.0, 76.0, 1, 2.0, 0.5, 4.1, 0.45, 1.0, 0.5),
    ("ann", "2026-W48"): (3, 1, 0.333, 1, 0.0, 1.5, 0.0, 1, None, 0.5, 1.4, 0.45, 1.0, 0.0),
    ("bo", "2026-W47"): (4, 2, 0.5, 1, 72.0, 49.0, 163.0, 0, 80.0, 1.333, 5.8, 0.65, 2.5, 0.5),
    ("bo", "2026-W48"): (3, 1, 0.333, 1, 40.0, 10.5, 0.0, 0, None, 0.5, 1.5, 0.5, 1.0, 0.0),
    # cy: first dials 20 and 5 min after 09:00 -> median 12.5; gaps 75, 2, 1.5, 2, 1 -> 2
    ("cy", "2026-W47"): (7, 3, 0.429, 2, 12.5, 2.0, 75.0, 1, 75.0, 0.25, 6.1, 0.5, 0.333, 0.667),
}


def test_every_daily_figure_equals_the_hand_computed_value():
    got = {(r["rep"], r["date"]): tuple(r[c] for c in COLUMNS) for r in day_rows(calls())}
    assert set(got) == set(DAYS)
    for key, want in DAYS.items():
        assert dict(zip(COLUMNS, got[key])) == dict(zip(COLUMNS, want)), key


def test_every_weekly_figure_equals_the_hand_computed_value():
    got = {(r["rep"], r["week"]): tuple(r[c] for c in WEEK_COLUMNS) for r in week_rows(calls())}
    assert got.keys() == WEEKS.keys()
    for key, want in WEEKS.items():
        assert dict(zip(WEEK_COLUMNS, got[key])) == dict(zip(WEEK_COLUMNS, want)), key


def test_the_board_counts_an_earlier_first_dial_shorter_gaps_and_fewer_markers_not_volume():
    board = progress(calls())
    # bo: markers 3.0 -> 1.0 (+2), talk share 65% -> 50% (15 points closer to 43%: +1.5), first dial 72 -> 40 min
    # late (32/15 = +2.13), median gap 49 -> 10.5 min (38.5/5 = +7.7); ann: markers 1.5 -> 1.0 (+0.5), gap 2 ->
    # 1.5 (+0.1), first dial before 09:00 both weeks (on time: 0); cy has one week
    assert [(b["rep"], b["score"]) for b in board] == [("bo", 13.33), ("ann", 0.6), ("cy", None)]
    assert board[0]["calls"] == 7 and board[1]["calls"] == 9  # ann dials more and still ranks below bo


def test_thresholds_are_options_and_change_the_figures(tmp_path):
    o = TeamOptions(day_start="10:30", gap_limit_min=40, block_gap_min=2, block_min_dials=2)
    rows = {(r["rep"], r["date"]): r for r in day_rows(calls(), o)}
    assert rows[("bo", "2026-11-16")]["first_call_late"] is False  # 10:12 is before 10:30
    assert rows[("bo", "2026-11-16")]["first_dial_min"] == -18.0
    assert (rows[("bo", "2026-11-16")]["long_gaps"], rows[("bo", "2026-11-16")]["long_gap_min"]) == (2, 129.0)
    # gaps <= 2 min: ann's dials 1-4 (1, 2, 2) then 1.5 to dial 5: one run of five; cy Wed: one run of two
    assert rows[("ann", "2026-11-16")]["blocks"] == 1 and rows[("cy", "2026-11-18")]["blocks"] == 1
    (tmp_path / "team.toml").write_text('[team]\nday_start = "08:00"\ngap_limit_min = 20\n')
    assert TeamOptions.load(tmp_path) == TeamOptions(day_start="08:00", gap_limit_min=20)
    assert TeamOptions.load(tmp_path / "nowhere") == TeamOptions()
    for text, msg in (('[team]\nday_strat = "08:00"\n', "unknown team option"), ('[team]\nday_start = "8h"\n', "HH:MM"),
                      ("[team]\ngap_limit_min = -1\n", "positive"), ("[team\n", "team.toml")):
        (tmp_path / "team.toml").write_text(text)
        with pytest.raises(ConfigError, match=msg):
            TeamOptions.load(tmp_path)


def test_recordings_without_an_outcome_count_as_conversations_and_undated_ones_are_left_out():
    from pipeline.report import CallEntry

    old = CallEntry("old", {"call": {"rep": "dee", "recorded_at": "2026-11-16T09:00:00", "duration_s": 60.0},
                            "metrics": {"talk_ratio_rep": 0.5, "rep_talk_s": 30.0}, "markers": []})
    undated = CallEntry("undated", {"call": {"rep": "dee", "duration_s": 60.0}, "markers": []})
    (row,) = day_rows([old, undated])
    assert (row["calls"], row["conversations"], row["connect_rate"], row["median_talk_ratio"]) == (1, 1, 1.0, 0.5)
