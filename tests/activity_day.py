"""The fixture days of issue 14: three reps over two weeks, built as saved analyses (what the team pages read).

ann starts early and dials in blocks, recovering at once after a rejection; bo starts late with long gaps between
dials (the prep-time signal) and improves in the second week; cy is on time, then pauses 75 minutes after a
refusal and stops dialling after a hang-up. tests/test_team.py checks every figure against values worked out by
hand from this table; tests/test_browser.py checks the page a manager opens.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.report import CallEntry

REP, BUYER = "SPEAKER_00", "SPEAKER_01"
FIRST_WORD_S = 2.0  # the rep's first word in every conversation; a voicemail's message starts here too

# (rep, date, time, seconds, outcome, ending (conversations: None, "refusal", "objection", "hang_up"),
#  opener hesitancy markers, other hesitancy markers, pushiness markers, rep talk ratio, rep talk s)
DIALS = [
    ("ann", "2026-11-16", "08:55:00", 120, "no_answer", None, 0, 0, 0, None, None),
    ("ann", "2026-11-16", "08:58:00", 60, "voicemail", None, 1, 0, 0, None, None),
    ("ann", "2026-11-16", "09:01:00", 300, "conversation", "refusal", 1, 1, 0, 0.50, 150.0),
    ("ann", "2026-11-16", "09:08:00", 30, "no_answer", None, 0, 0, 0, None, None),
    ("ann", "2026-11-16", "09:10:00", 240, "conversation", None, 0, 0, 1, 0.40, 96.0),
    ("ann", "2026-11-16", "10:30:00", 60, "voicemail", None, 0, 0, 0, None, None),
    ("ann", "2026-11-24", "09:00:00", 180, "conversation", None, 1, 0, 0, 0.45, 84.0),
    ("ann", "2026-11-24", "09:05:00", 60, "voicemail", None, 0, 0, 0, None, None),
    ("ann", "2026-11-24", "09:07:00", 20, "no_answer", None, 0, 0, 0, None, None),
    ("bo", "2026-11-16", "10:12:00", 240, "conversation", None, 2, 1, 0, 0.70, 168.0),
    ("bo", "2026-11-16", "10:50:00", 60, "voicemail", None, 1, 0, 0, None, None),
    ("bo", "2026-11-16", "11:40:00", 300, "conversation", "objection", 1, 1, 1, 0.60, 180.0),
    ("bo", "2026-11-16", "13:05:00", 30, "no_answer", None, 0, 0, 0, None, None),
    ("bo", "2026-11-23", "09:40:00", 180, "conversation", None, 1, 0, 0, 0.50, 90.0),
    ("bo", "2026-11-23", "09:55:00", 60, "no_answer", None, 0, 0, 0, None, None),
    ("bo", "2026-11-23", "10:05:00", 60, "voicemail", None, 0, 0, 0, None, None),
    ("cy", "2026-11-17", "09:20:00", 360, "conversation", "refusal", 0, 0, 2, 0.55, 198.0),
    ("cy", "2026-11-17", "10:41:00", 60, "voicemail", None, 0, 0, 0, None, None),
    ("cy", "2026-11-17", "10:44:00", 30, "no_answer", None, 0, 0, 0, None, None),
    ("cy", "2026-11-17", "10:46:00", 120, "conversation", None, 0, 0, 0, 0.40, 48.0),
    ("cy", "2026-11-17", "10:50:00", 240, "conversation", "hang_up", 1, 0, 0, 0.50, 120.0),
    ("cy", "2026-11-18", "09:05:00", 120, "no_answer", None, 0, 0, 0, None, None),
    ("cy", "2026-11-18", "09:08:00", 120, "no_answer", None, 0, 0, 0, None, None),
]


def _marker(kind: str, family: str, at: float) -> dict:
    return {"kind": kind, "family": family, "start": at, "end": at + 0.4, "speaker": REP, "text": "um", "detail": ""}


def doc(rep, date, time, seconds, outcome, ending, opener, hesitancy, pushiness, ratio, talk_s) -> dict:
    """A saved analysis with just what the team views read (call, speakers, words, outcome, metrics, markers)."""
    markers = [_marker("filler", "hesitancy", FIRST_WORD_S + 5 + i) for i in range(opener)]
    markers += [_marker("hedge", "hesitancy", FIRST_WORD_S + 60 + i) for i in range(hesitancy)]
    markers += [_marker("pressure", "pushiness", FIRST_WORD_S + 70 + i) for i in range(pushiness)]
    out: dict = {"kind": outcome, "confidence": 0.9, "evidence": [], "tones": [], "message_start": None,
                 "answered_at": None}
    speakers = [{"id": REP, "role": "rep", "talk_s": talk_s or 0.0, "channel": None}]
    words = []
    if outcome == "conversation":
        speakers.append({"id": BUYER, "role": "buyer", "talk_s": 60.0, "channel": None})
        words = [{"start": FIRST_WORD_S, "end": FIRST_WORD_S + 0.3, "text": "Hi", "speaker": REP}]
        out["ending"] = {"kind": ending or "ended", "rejected": ending is not None, "start": None, "end": None,
                         "text": None}
    elif outcome == "voicemail":
        out.update(message_start=FIRST_WORD_S, rep_speaker=REP)
        words = [{"start": FIRST_WORD_S, "end": FIRST_WORD_S + 0.3, "text": "Hi", "speaker": REP}]
    else:
        speakers, markers = [], []
    call_id = f"{rep}__{date}_{time.replace(':', '')}"
    return {"schema_version": "1.4",
            "call": {"id": call_id, "source": f"{rep}/{date}_{time.replace(':', '')}.wav", "duration_s": float(seconds),
                     "rep": rep, "rep_from": "folder", "recorded_at": f"{date}T{time}", "recorded_at_from": "filename"},
            "speakers": speakers, "words": words, "outcome": out,
            "metrics": {"talk_ratio_rep": ratio, "rep_talk_s": talk_s} if outcome == "conversation" else {},
            "markers": markers}


def calls() -> list[CallEntry]:
    docs = [doc(*row) for row in DIALS]
    return [CallEntry(d["call"]["id"], d) for d in docs]


def write_out(out: Path) -> Path:
    """The fixture as an output folder: one ``<call id>/analysis.json`` per dial."""
    for c in calls():
        (out / c.folder).mkdir(parents=True, exist_ok=True)
        (out / c.folder / "analysis.json").write_text(json.dumps(c.doc), encoding="utf-8")
    return out
