"""What a report shows, worked out from ``analysis.json`` alone: pure functions, no I/O, no HTML.

Every writer (HTML page, WebVTT, Markdown, index, CSV) reads the call through these, so a turn, a label or a
target band means the same thing in every format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..score import HESITANCY_KINDS, PUSHINESS_KINDS, ScoreOptions

FAMILIES = ("hesitancy", "pushiness")

KIND_LABELS = {
    "filler": "Filler words",
    "hedge": "Hedging",
    "apology": "Apologising",
    "permission_seeking": "Asking permission",
    "long_pause": "Long pause before answering",
    "restart": "Restarted sentence",
    "interruption": "Talking over the buyer",
    "pressure": "Pressure language",
    "objection_override": "Objection not acknowledged",
    "monologue": "Long monologue",
    "repeated_close": "Closing again after a no",
}
assert set(KIND_LABELS) == set(HESITANCY_KINDS + PUSHINESS_KINDS)


def clock(t: float | None) -> str:
    """``75.4`` -> ``"1:15"``; an hour or more -> ``"1:02:03"``."""
    if t is None:
        return ""
    s = max(0, int(math.floor(t)))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def speaker_labels(doc: dict[str, Any]) -> dict[str, str]:
    """Speaker id -> what a person reads: "Rep", "Buyer", or "Speaker N" when the role is unknown."""
    out: dict[str, str] = {}
    others = 0
    for s in doc.get("speakers", []):
        role = s.get("role")
        if role == "rep":
            out[s["id"]] = "Rep"
        elif role == "buyer" and "Buyer" not in out.values():
            out[s["id"]] = "Buyer"
        else:
            others += 1
            out[s["id"]] = f"Speaker {others}" if role != "buyer" else f"Buyer {others + 1}"
    return out


def role_of(doc: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s.get("role") or "unknown" for s in doc.get("speakers", [])}


# --- turns and words ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    i: int  # position in the call's word list: the page highlights by it
    start: float
    end: float
    text: str
    family: str | None = None  # the marker family the word is evidence for, if any
    redacted: bool = False  # a placeholder for redacted words (schema 1.5)


@dataclass(frozen=True)
class Turn:
    i: int
    start: float
    end: float
    speaker: str
    label: str
    role: str
    text: str
    words: tuple[Word, ...] = ()


def _word_families(doc: dict[str, Any]) -> list[str | None]:
    words = doc.get("words", [])
    fam: list[str | None] = [None] * len(words)
    for m in doc.get("markers", []):
        if m.get("kind") == "monologue":  # a whole pitch: underlining every word says nothing
            continue
        for i, w in enumerate(words):
            if w.get("speaker") == m.get("speaker") and w["start"] >= m["start"] - 0.01 and w["end"] <= m["end"] + 0.01:
                if fam[i] != "pushiness":  # pushiness wins where both apply
                    fam[i] = m.get("family")
    return fam


def turns(doc: dict[str, Any]) -> list[Turn]:
    """The call's utterances in time order, each with its own words (each word in exactly one turn)."""
    labels, roles = speaker_labels(doc), role_of(doc)
    words = doc.get("words", [])
    fams = _word_families(doc)
    by_speaker: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        by_speaker.setdefault(w.get("speaker"), []).append(i)
    cursor = {s: 0 for s in by_speaker}
    out = []
    segments = sorted(doc.get("segments", []), key=lambda s: (s["start"], s["end"]))
    for n, seg in enumerate(segments):
        sp = seg.get("speaker")
        own = by_speaker.get(sp, [])
        picked = []
        k = cursor.get(sp, 0)
        while k < len(own) and words[own[k]]["start"] <= seg["end"] + 0.01:
            if words[own[k]]["start"] >= seg["start"] - 0.01:
                picked.append(own[k])
            k += 1
        cursor[sp] = k
        ws = tuple(Word(i, words[i]["start"], words[i]["end"], words[i]["text"].strip(), fams[i],
                        "redacted" in words[i]) for i in picked)
        out.append(Turn(n, seg["start"], seg["end"], sp, labels.get(sp, sp or "?"), roles.get(sp, "unknown"),
                        " ".join(seg.get("text", "").split()), ws))
    return out


@dataclass(frozen=True)
class Cue:
    """A caption: part of one turn, short enough to read at a glance."""

    turn: int
    part: int
    start: float
    end: float
    voice: str
    text: str


def cues(doc: dict[str, Any], max_chars: int = 84, max_s: float = 7.0) -> list[Cue]:
    """Caption cues: each turn cut at word boundaries into pieces of at most ``max_chars`` / ``max_s``."""
    out: list[Cue] = []
    for t in turns(doc):
        if not t.words:
            if t.text:
                out.append(Cue(t.i, 1, t.start, max(t.end, t.start + 0.001), t.label, t.text))
            continue
        # as many parts as the limits need, balanced in length: no one-word tail
        chars = len(" ".join(w.text for w in t.words))
        parts = max(math.ceil(chars / max_chars), math.ceil((t.words[-1].end - t.words[0].start) / max_s), 1)
        target = chars / parts
        piece: list[Word] = []
        done = 0
        for w in t.words:
            if piece:
                length = len(" ".join(x.text for x in piece))
                over = length + 1 + len(w.text) > max_chars or w.end - piece[0].start > max_s
                if over or (length >= target and done < parts - 1):
                    done += 1
                    out.append(_cue(t, done, piece))
                    piece = []
            piece.append(w)
        if piece:
            out.append(_cue(t, done + 1, piece))
    return out


def _cue(t: Turn, part: int, ws: list[Word]) -> Cue:
    end = max(ws[-1].end, ws[0].start + 0.001)
    return Cue(t.i, part, ws[0].start, end, t.label, " ".join(w.text for w in ws))


# --- flagged moments -----------------------------------------------------------------------------------------

PLAY_LEAD_S = 1.0  # a moment plays from a second before it, so the listener hears what led up to it


def play_from(start: float) -> float:
    return round(max(0.0, start - PLAY_LEAD_S), 3)


def moments(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Markers grouped by family, in time order, each with a label and the time its play button starts at."""
    labels = speaker_labels(doc)
    out: dict[str, list[dict[str, Any]]] = {f: [] for f in FAMILIES}
    for n, m in enumerate(sorted(doc.get("markers", []), key=lambda m: (m["start"], m["end"]))):
        fam = m.get("family") if m.get("family") in out else "other"
        out.setdefault(fam, []).append({
            **m, "n": n, "label": KIND_LABELS.get(m.get("kind"), str(m.get("kind"))),
            "play_from": play_from(m["start"]), "speaker_label": labels.get(m.get("speaker"), ""),
        })
    return out


# --- metrics against their target bands ------------------------------------------------------------------------

@dataclass(frozen=True)
class MetricSpec:
    name: str
    label: str
    unit: str  # "pct", "s", "count", "wpm", "per_min", "bool"
    explain: str
    good: tuple[float, float] | None = None  # the target band, in the metric's own unit
    ref: float | None = None  # a reference point drawn on the scale
    scale: float = 1.0  # the scale's right end (grows to fit the value)


def metric_specs(o: ScoreOptions = ScoreOptions()) -> list[MetricSpec]:
    """The metrics a rep sees, in reading order, with bands taken from the scoring options (one source)."""
    return [
        MetricSpec("talk_ratio_rep", "Your share of the talking", "pct",
                   f"The best calls sit near {o.talk_ratio_target:.0%}: the buyer talks more than you. "
                   f"Above {o.talk_ratio_high:.0%} the buyer hardly gets a word in.",
                   (o.talk_ratio_balanced_low, o.talk_ratio_balanced_high), o.talk_ratio_target, 1.0),
        MetricSpec("longest_monologue_rep_s", "Your longest monologue", "s",
                   f"Your longest stretch without the buyer speaking. Past {o.monologue_marker_s:.0f} s it becomes a "
                   "pitch; past about two minutes buyers tune out.", (0, o.monologue_marker_s), 120.0, 180.0),
        MetricSpec("longest_story_buyer_s", "Buyer's longest story", "s",
                   "The longest the buyer spoke without you cutting in. Longer buyer stories go with won deals.",
                   (o.story_good_s, math.inf), None, 90.0),
        MetricSpec("questions_rep", "Questions you asked", "count",
                   f"Discovery calls that went best had about 11-14 questions (the line); under {o.questions_low} "
                   "leaves the buyer's needs unexplored.", (o.questions_low, math.inf), 11.0, 20.0),
        MetricSpec("open_questions_rep", "Open questions", "count",
                   "What / how / why / tell me about: questions that let the buyer explain in their own words.",
                   (o.open_questions_good, math.inf), None, 10.0),
        MetricSpec("patience_s", "Your pause before answering", "s",
                   f"Average wait after the buyer stops before you speak. Strong reps pause about "
                   f"{o.patience_good_s:g} s; under {o.patience_low_s:g} s you may be talking over their last words.",
                   (o.patience_good_s, math.inf), None, 3.0),
        MetricSpec("response_latency_max_s", "Longest pause after a question", "s",
                   f"Your longest silence before answering a buyer question or objection. Over "
                   f"{o.long_pause_s:g} s can read as not knowing the answer.", (0, o.long_pause_s), None, 6.0),
        MetricSpec("speech_rate_rep_wpm", "Your speaking speed", "wpm",
                   f"Words a minute while you talk. About 170 is typical; over {o.speech_rate_high_wpm:.0f} is hard "
                   "to follow.", (130, o.speech_rate_high_wpm), 170.0, 260.0),
        MetricSpec("fillers_per_min_rep", "Filler words a minute", "per_min",
                   f"Um, uh, you know. Reps average about {o.fillers_per_min_high:g} a minute; fewer sounds surer.",
                   (0, o.fillers_per_min_high), None, 10.0),
        MetricSpec("hedges_per_min_rep", "Hedges a minute", "per_min",
                   "\"I think maybe\", \"sort of\", \"just\": each one makes your point sound optional.",
                   (0, o.hedges_per_min_high), None, 8.0),
        MetricSpec("interruptions_rep", "Times you talked over the buyer", "count",
                   "Starting to speak while the buyer was still mid-sentence (short \"mm-hm\"s don't count).",
                   (0, 0), None, 5.0),
        MetricSpec("next_step_set", "Next step agreed", "bool",
                   "An action with a day or time, agreed near the end of the call.", None, None, 1.0),
    ]


def format_value(v: Any, unit: str) -> str:
    if v is None:
        return "n/a"
    if unit == "bool":
        return "yes" if v else "no"
    if unit == "pct":
        return f"{v:.0%}"
    if unit == "s":
        return f"{v:.1f} s" if v < 10 else f"{v:.0f} s"
    if unit == "wpm":
        return f"{v:.0f} wpm"
    if unit == "per_min":
        return f"{v:.1f}"
    return f"{v:g}" if isinstance(v, float) else str(v)


@dataclass(frozen=True)
class MetricView:
    spec: MetricSpec
    value: Any
    text: str
    status: str | None  # "good", "high", "low" or None (no band / no value)
    scale: float = 1.0
    band: tuple[float, float] | None = None  # as percentages of the scale, for drawing
    ref_pct: float | None = None
    value_pct: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _pct(x: float, scale: float) -> float:
    return round(100.0 * min(max(x, 0.0), scale) / scale, 2)


def metric_views(doc: dict[str, Any], o: ScoreOptions = ScoreOptions()) -> list[MetricView]:
    m = doc.get("metrics", {})
    out = []
    for spec in metric_specs(o):
        v = m.get(spec.name)
        status = None
        if spec.unit == "bool":
            status = None if v is None else ("good" if v else "low")
        elif spec.good is not None and isinstance(v, (int, float)):
            lo, hi = spec.good
            status = "good" if lo <= v <= hi else ("high" if v > hi else "low")
        scale = spec.scale
        if isinstance(v, (int, float)) and not isinstance(v, bool) and spec.unit != "pct":
            scale = max(scale, float(v) * 1.1)
        band = None
        if spec.good is not None and spec.unit != "bool":
            lo, hi = spec.good
            band = (_pct(lo, scale), _pct(min(hi, scale), scale))
        out.append(MetricView(
            spec, v, format_value(v, spec.unit), status, scale, band,
            _pct(spec.ref, scale) if spec.ref is not None else None,
            _pct(float(v), scale) if isinstance(v, (int, float)) and not isinstance(v, bool) else None))
    return out


# --- the rep's own estimate ----------------------------------------------------------------------------------

SELF_LABELS = {
    "talk_ratio_rep": ("Your share of the talking", "pct", 0.10),
    "questions_rep": ("Questions you asked", "count", 3),
    "open_questions_rep": ("Open questions", "count", 2),
    "interruptions_rep": ("Times you talked over the buyer", "count", 2),
    "longest_monologue_rep_s": ("Your longest monologue", "s", 20.0),
}


def self_review_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Estimate beside measurement, with the gap; ``big`` where the gap is worth talking about."""
    review = doc.get("self_review") or {}
    m = doc.get("metrics", {})
    rows = []
    for name, est in (review.get("estimates") or {}).items():
        label, unit, notable = SELF_LABELS.get(name, (name, "count", math.inf))
        measured = m.get(name)
        gap = None if measured is None else measured - est
        scale = 1.0 if unit == "pct" else max(1.0, float(est), float(measured or 0)) * 1.15
        if gap is None:
            gap_text = "not measured"
        elif unit == "pct":
            gap_text = f"{gap * 100:+.0f} points"
        elif unit == "s":
            gap_text = f"{gap:+.0f} s"
        else:
            gap_text = f"{gap:+g}"
        rows.append({
            "name": name, "label": label, "estimate": format_value(est, unit), "measured": format_value(measured, unit),
            "gap": gap_text, "big": gap is not None and abs(gap) >= notable,
            "est_pct": _pct(float(est), scale), "measured_pct": _pct(float(measured), scale) if measured is not None else None,
        })
    return rows


# --- the call at a glance --------------------------------------------------------------------------------------

# what each outcome (analysis.json ``outcome.kind``) is called on the pages
OUTCOME_LABELS = {"conversation": "conversation", "voicemail": "voicemail", "no_answer": "no answer",
                  "ivr": "menu or gatekeeper", "unclear": "unclear"}


def marker_counts(doc: dict[str, Any]) -> dict[str, int]:
    counts = {f: 0 for f in FAMILIES}
    for m in doc.get("markers", []):
        if m.get("family") in counts:
            counts[m["family"]] += 1
    return counts


def title(doc: dict[str, Any]) -> str:
    return doc.get("call", {}).get("source") or doc.get("call", {}).get("id", "call")


def rep_name(doc: dict[str, Any]) -> str | None:
    return doc.get("call", {}).get("rep")
