"""``report.html``: the page a coach and a rep review a call on - play, jump to each moment, discuss."""

from __future__ import annotations

from typing import Any

from .. import register
from ..page import render_page
from ..view import (OUTCOME_LABELS, clock, cues, metric_views, moments, play_from, rep_name, self_review_rows, speaker_labels,
                    title, turns)

FAMILY_TEXT = {
    "hesitancy": ("Hesitancy", "Fillers, hedges, apologies, restarts and long pauses: where you sounded unsure."),
    "pushiness": ("Pushiness", "Pressure, talking over the buyer, brushing past objections, closing again after a no."),
}
MODE_TEXT = {
    "per_channel": "stereo, one party per channel",
    "mixed": "stereo, both parties on both channels",
    "mono": "mono",
}
ROLE_CONFIDENCE_NOTE = 0.75  # below this the page says the rep was a guess worth checking


def _moment(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "play_from": play_from(m["start"])}


def _lanes(doc: dict[str, Any], duration: float) -> list[dict[str, Any]]:
    labels = speaker_labels(doc)
    order = {"rep": 0, "buyer": 1}
    speakers = sorted(doc.get("speakers", []), key=lambda s: (order.get(s.get("role"), 2), s["id"]))
    lanes = []
    for s in speakers:
        bars = [{"left": round(100 * seg["start"] / duration, 2),
                 "width": round(max(0.15, 100 * (seg["end"] - seg["start"]) / duration), 2)}
                for seg in doc.get("segments", []) if seg.get("speaker") == s["id"]]
        lanes.append({"role": s.get("role") or "unknown", "label": labels[s["id"]], "bars": bars})
    return lanes


def _axis(duration: float) -> list[dict[str, Any]]:
    step = next((s for s in (10, 15, 30, 60, 120, 300, 600, 900, 1800) if duration / s <= 8), 3600)
    return [{"left": round(100 * t / duration, 2), "text": clock(t)} for t in range(0, int(duration) + 1, step)]


@register("html", "report.html", description="the playback review page")
def render(doc: dict[str, Any], workspace: dict[str, Any] | None = None) -> str:
    """The page; ``workspace`` (from ``callreview serve``): the comments, the signed-in user and the CSRF token,
    which add the comment forms (and let the page post to its own server)."""
    call = doc.get("call", {})
    duration = float(call.get("duration_s") or 0.0) or 1e-3
    labels = speaker_labels(doc)
    rep = next((labels[s["id"]] for s in doc.get("speakers", []) if s.get("role") == "rep"), None)
    roles = doc.get("roles", {})
    role_note = None
    if rep is None and doc.get("speakers"):
        role_note = "No speaker could be identified as the rep, so rep metrics and markers are empty."
    elif rep is not None and roles.get("method") == "transcript" and roles.get("confidence", 1.0) < ROLE_CONFIDENCE_NOTE:
        role_note = (f"The rep was guessed from the transcript with confidence {roles['confidence']:.0%}; if the "
                     "labels look swapped, name the rep in a .call.toml sidecar and run again.")
    grouped = moments(doc)
    families = [{"name": f, "title": FAMILY_TEXT[f][0], "explain": FAMILY_TEXT[f][1], "found": grouped.get(f, [])}
                for f in FAMILY_TEXT]
    ticks = [{"family": m["family"], "left": round(100 * m["start"] / duration, 2),
              "title": f"{m['label']} at {clock(m['start'])}"}
             for items in grouped.values() for m in items]
    for c in (workspace or {}).get("comments", []):  # the workspace's comments on the same timeline
        if c.parent_id is None:
            ticks.append({"family": "comment", "left": round(100 * min(c.start, duration) / duration, 2),
                          "title": f"comment by {c.author} at {clock(c.start)}"})
    fb = doc.get("feedback") or {}
    feedback = {
        "strengths": [{**s, "moments": [_moment(m) for m in s.get("moments", [])]} for s in fb.get("strengths", [])],
        "work_on": [{**w, "moments": [_moment(m) for m in w.get("moments", [])]} for w in fb.get("work_on", [])],
        "coaching_questions": fb.get("coaching_questions", []),
    }
    run = doc.get("run", {})
    recorded = (call.get("recorded_at") or "").replace("T", " ")[:16]
    return render_page(
        "report.html.j2", "report.js", forms=workspace is not None, workspace=workspace,
        title=title(doc), duration=round(duration, 3), recorded=recorded, rep_name=rep_name(doc), rep_label=rep,
        mode_text=MODE_TEXT.get(call.get("channel_mode"), call.get("channel_mode") or ""),
        role_note=role_note, media=call.get("media"), outcome=_outcome(doc.get("outcome")),
        redaction=redaction_line(doc.get("redaction")),
        warnings=[w for w in doc.get("warnings", []) if not (role_note and w.startswith("no speaker is marked"))],
        lanes=_lanes(doc, duration), ticks=ticks, axis=_axis(duration), feedback=feedback, families=families,
        metrics=[m for m in metric_views(doc) if rep is not None or m.value is not None], self_review=doc.get("self_review"), self_rows=self_review_rows(doc),
        turns=turns(doc), cues=sorted(cues(doc), key=lambda c: (c.start, c.end)),
        run_version=run.get("versions", {}).get("callreview", ""), engine=run.get("asr_engine", "") + " " + run.get("asr_model", ""),
        diarizer=run.get("diarizer", ""), schema_version=doc.get("schema_version", ""),
        role_method=roles.get("method", "unknown"), role_confidence=f"{roles.get('confidence', 0):.0%}",
    )


def redaction_line(r: dict[str, Any] | None) -> str | None:
    """What the page says of the redaction: its level, the kinds and how often, and that the audio is silent there."""
    if not r:
        return None
    if not r.get("kinds"):
        return f"Redaction ({r.get('level')}): nothing to redact found."
    kinds = ", ".join(f"{n} {k.lower().replace('_', ' ')}{'s' if n > 1 else ''}" for k, n in sorted(r["kinds"].items()))
    return (f"Redacted ({r.get('level')}): {kinds}; shown as [KIND] in the transcript, silent in the audio "
            f"({r.get('muted_s', 0):.1f} s).")


ENDINGS = {"refusal": "Ended in a refusal", "objection": "Ended on an objection left standing",
           "hang_up": "Ended abruptly: a hang-up", "next_step": "Ended with a next step", "ended": ""}


def _outcome(o: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the page says of the recording's outcome (absent in analyses before schema 1.3)."""
    if not o:
        return None
    kind = o.get("kind", "unclear")
    notes = {"voicemail": "This recording is a voicemail: the feedback is about the message you left.",
             "no_answer": "Nobody answered: there is no conversation to review.",
             "ivr": "A menu or a gatekeeper answered first; the figures cover the whole recording.",
             "unclear": "It is unclear whether this recording reached a person."}
    ending = dict(o.get("ending") or {})
    if ending.get("kind") in ENDINGS and ENDINGS[ending["kind"]]:
        said = f' ("{ending["text"]}", {clock(ending["start"])})' if ending.get("text") and ending.get("start") is not None else ""
        ending["text_line"] = ENDINGS[ending["kind"]] + said
    else:
        ending = {}
    return {"kind": kind, "label": OUTCOME_LABELS.get(kind, kind).capitalize(), "confidence": f"{o.get('confidence', 0):.0%}",
            "evidence": [str(e) for e in o.get("evidence", [])], "note": notes.get(kind, ""),
            "message": o.get("message"), "ending": ending or None}

