"""Redaction on written call transcripts: what the recognisers do with the words when the recogniser heard them.

The recorded set (``redact_calls/``, espeak-ng and flite on a phone line) measures the whole chain, and on it most
misses are Whisper's: synthetic speech at 8 kHz comes back as other words. Real calls are heard far better, so
what decides recall there is whether the rules read the many ways real people ask for and say a value.
``redact_calls/written/`` holds call transcripts written the way Whisper writes a clear phone call (numerals and
number words, fillers, read-backs, values split over turns, spelled e-mails, corrections), each personal value
and each must-stay item (prices, times, order numbers ...) labelled by its exact text. One file per writer, none
of whom saw the redactor's rules or the other files: ``tune.json``, ``dev.json``, ``service.json`` (bank and service
calls), ``sales.json``, ``varied.json``, ``everyday.json``, ``sloppy.json`` (lower case, homophones), ``verify.json``
(identity checks), ``outbound.json`` (outbound sales calls), ``plain.json`` and ``mixed.json`` (rules may be set on
them) and ``test.json`` and ``holdout.json`` (frozen:
reported, never read for rules).

Each turn's words are spread over a few seconds (``transcript_from_lines``), ``detect`` runs at ``pii`` (and at
``strict`` for the buyer's names), and an entity's words are the whitespace-separated words its text touches, so
recall and precision are by word with no time tolerance (fillers and "okay"s inside a value do not count, as
on the recorded set). ``as_spoken`` puts the recorded calls' own script text in the same form, so the recorded
set's misses split into the rules' (on the words as said) and the recogniser's (the rest).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..redact.detect import PII_KINDS
from ..redact.spoken import tokens
from .redaction import _IGNORE, NUMBER_KINDS, _digits

TURN_GAP_S = 0.8
WORD_S = 0.35


def load(path: Path) -> list[dict[str, Any]]:
    return _checked(json.loads(Path(path).read_text(encoding="utf-8"))["calls"], path)


def _checked(calls: list[dict[str, Any]], where) -> list[dict[str, Any]]:
    for c in calls:
        for x in c.get("entities", []) + c.get("negatives", []):
            if x["text"] not in c["turns"][x["turn"]]["text"]:
                raise ValueError(f"{where}: call {c['id']}: {x['text']!r} is not in turn {x['turn']}")
    return calls


def as_spoken(labels: dict[str, Any], half: str) -> list[dict[str, Any]]:
    """The recorded calls of one half (``redact_calls/labels.json``) as their scripts said them, in the written
    format: every word as the voice was told to say it ("five two nine five, zero seven ..."), as if the
    recogniser had heard each one. Scored like a written file, the recorded set then splits its misses into the
    rules' (on these words) and the recogniser's (the rest). A value split over turns ("Okay, go on.") is one
    entity per turn it was said in."""
    calls = []
    for name, c in sorted(labels.items()):
        if c["half"] != half:
            continue
        turns = c["turns"]

        def turn_at(speaker: str, a: float, b: float) -> int:
            return next(i for i, t in enumerate(turns) if t["speaker"] == speaker and t["start"] - 0.01 <= a
                        and b <= t["end"] + 0.01)

        entities = []
        for e in c["entities"]:
            chunks = e["spoken"].split(", ")
            for a, b in e.get("pieces") or [(e["start"], e["end"])]:
                i = turn_at(e["speaker"], a, b)
                k = max(n for n in range(1, len(chunks) + 1) if ", ".join(chunks[:n]) in turns[i]["text"])
                entities.append({"kind": e["kind"], "text": ", ".join(chunks[:k]), "turn": i})
                chunks = chunks[k:]
        negatives = [{"text": n["spoken"], "turn": turn_at(n["speaker"], n["start"], n["end"])}
                     for n in c["negatives"]]
        calls.append({"id": name, "turns": [{"speaker": t["speaker"], "text": t["text"]} for t in turns],
                      "entities": entities, "negatives": negatives})
    return _checked(calls, half)


def call_words(call: dict[str, Any]):
    """The call's words (``AttributedWord``), and for each turn the character span of each of its words."""
    from ..score.sample import transcript_from_lines

    lines, spans, t = [], [], 0.0
    for turn in call["turns"]:
        text = turn["text"]
        toks, pos = [], 0
        for w in text.split():
            a = text.index(w, pos)
            toks.append((a, a + len(w)))
            pos = a + len(w)
        end = t + WORD_S * max(1, len(toks))
        lines.append((turn["speaker"], t, end, text))
        spans.append(toks)
        t = end + TURN_GAP_S
    return transcript_from_lines(lines).words, spans


def _indices(call: dict[str, Any], spans: list[list[tuple[int, int]]], item: dict[str, Any]) -> list[list[int]]:
    """Each occurrence of a labelled text in its turn -> the indices (into the call's words) of the words it
    touches."""
    first = sum(len(s) for s in spans[:item["turn"]])
    text, out, pos = call["turns"][item["turn"]]["text"], [], 0
    while (a := text.find(item["text"], pos)) >= 0:
        b = a + len(item["text"])
        out.append([first + i for i, (x, y) in enumerate(spans[item["turn"]]) if x < b and y > a])
        pos = b
    return out


def score_call(call: dict[str, Any], redactor) -> dict[str, Any]:
    words, spans = call_words(call)
    roles = {"rep": "rep", "buyer": "buyer"}
    taken = {lvl: redactor.detect(words, roles, lvl) for lvl in ("pii", "strict")}
    red = {lvl: {i: s.kind for s in found for i in s.words} for lvl, found in taken.items()}
    labelled: set[int] = set()
    entities = []
    for e in call.get("entities", []):
        level = "strict" if e["kind"] == "PERSON" else "pii"
        for idx in _indices(call, spans, e):
            labelled.update(idx)  # its own words: not the fillers and "okay"s between (as the recorded set)
            idx = [i for i in idx if (tokens(words[i].text) or [None])[0] is not None
                   and tokens(words[i].text)[0].text not in _IGNORE] or idx
            digits = [(i, len(_digits(words[i].text))) for i in idx if e["kind"] in NUMBER_KINDS]
            entities.append({
                "kind": e["kind"], "text": e["text"], "words": len(idx),
                "words_redacted": sum(i in red[level] for i in idx),
                "digits": sum(n for _, n in digits), "digits_redacted": sum(n for i, n in digits if i in red[level]),
                "left": [words[i].text for i in idx if i not in red[level]]})
    negatives = []
    for n in call.get("negatives", []):
        for idx in _indices(call, spans, n):
            negatives.append({"text": n["text"], "words": len(idx),
                              "taken": [words[i].text for i in idx if i in red["strict"]]})
    taken_rows = [{"kind": s.kind, "level": lvl, "words": len(s.words), "said": " ".join(words[i].text for i in s.words),
                   "correct": sum(i in labelled for i in s.words)}
                  for lvl, found in taken.items() for s in found if lvl == "pii" or s.kind in ("PERSON", "NUMBER")]
    return {"id": call["id"], "entities": entities, "negatives": negatives, "spans": taken_rows,
            "words": len(words)}


def score_written(path: Path, redactor=None) -> dict[str, Any]:
    """Per-call rows and per-kind figures for one written set."""
    return score_calls(load(path), redactor)


def score_calls(calls: list[dict[str, Any]], redactor=None) -> dict[str, Any]:
    """Per-call rows and per-kind figures for calls in the written format."""
    from ..redact import load_redactor

    redactor = redactor or load_redactor()
    rows = [score_call(c, redactor) for c in calls]
    ents = [e for r in rows for e in r["entities"]]
    spans = [s for r in rows for s in r["spans"]]
    kinds = {}
    for k in sorted({e["kind"] for e in ents} | {s["kind"] for s in spans}):
        ke, ks = [e for e in ents if e["kind"] == k], [s for s in spans if s["kind"] == k]
        w, d, sw = sum(e["words"] for e in ke), sum(e["digits"] for e in ke), sum(s["words"] for s in ks)
        kinds[k] = {"entities": len(ke),
                    "recall_words": sum(e["words_redacted"] for e in ke) / w if w else None,
                    "recall_digits": sum(e["digits_redacted"] for e in ke) / d if d else None,
                    "whole": sum(e["words_redacted"] == e["words"] for e in ke) / len(ke) if ke else None,
                    "spans": len(ks), "precision_words": sum(s["correct"] for s in ks) / sw if sw else None}
    pii = [s for s in spans if s["kind"] in PII_KINDS]
    neg = [n for r in rows for n in r["negatives"]]
    return {"calls": rows, "kinds": kinds, "words": sum(r["words"] for r in rows),
            "precision_words": sum(s["correct"] for s in pii) / sum(s["words"] for s in pii) if pii else None,
            "negatives": len(neg), "negatives_taken": sum(1 for n in neg if n["taken"]),
            "negative_words_taken": [(n["text"], n["taken"]) for n in neg if n["taken"]]}


def score_sets(folder: Path, only: str | None = None, redactor=None) -> dict[str, Any]:
    """Each written set in ``folder`` (the tuning files, and ``test`` and ``holdout``)
    by name; ``only``: that one alone (what tuning looks at: never ``test`` or ``holdout``)."""
    return {p.stem: score_written(p, redactor) for p in sorted(Path(folder).glob("*.json"))
            if only is None or p.stem == only}


def written_markdown(name: str, result: dict[str, Any], where: str = "written") -> str:
    def pct(v):
        return "-" if v is None else f"{v:.2f}"

    lines = [f"**{where}/{name}** ({len(result['calls'])} transcripts, {result['words']} words): precision "
             f"{pct(result['precision_words'])} by words (pii kinds); {result['negatives_taken']} of "
             f"{result['negatives']} must-stay items (prices, times, order numbers ...) touched at strict", "",
             "| kind | entities | recall (digits) | recall (words) | whole entity | spans | precision (words) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for k, v in result["kinds"].items():
        lines.append(f"| {k} | {v['entities']} | {pct(v['recall_digits'])} | {pct(v['recall_words'])} | "
                     f"{pct(v['whole'])} | {v['spans']} | {pct(v['precision_words'])} |")
    return "\n".join(lines) + "\n"
