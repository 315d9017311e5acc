"""Applying a call's redaction spans: placeholders in every text of the analysis, silence in the audio copy.

The analysis is scored before this runs (its markers come from the full words); here its words become
``[CARD_NUMBER]``-style placeholders (one per stretch of a span's words, marked ``redacted``), and every other
string in it (segments, marker and moment quotes, evidence, the voicemail figures) loses the same words, matched
as runs of tokens, so a quote cut from an utterance loses them too. ``redaction`` records kinds and times only.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .detect import Span
from .spoken import numeral, tokens

PAD_S = 0.15  # silence around a span's words: Whisper's word edges are tens of milliseconds off


def placeholder(kind: str) -> str:
    return f"[{kind}]"


def redact_words(words: Sequence[dict[str, Any]], spans: Sequence[Span]) -> list[dict[str, Any]]:
    """The words with each stretch of a span's consecutive words replaced by one placeholder word."""
    owner = {i: k for k, s in enumerate(spans) for i in s.words}
    out: list[dict[str, Any]] = []
    last: tuple[int, int] | None = None  # (span, word index) of the placeholder just written
    for i, w in enumerate(words):
        k = owner.get(i)
        if k is None:
            out.append(w)
            last = None
            continue
        if last is not None and last[0] == k and last[1] == i - 1 and out[-1]["speaker"] == w["speaker"]:
            out[-1] = {**out[-1], "end": max(out[-1]["end"], w["end"]),
                       "probability": min(out[-1].get("probability", 1.0), w.get("probability", 1.0))}
        else:
            out.append({"start": w["start"], "end": w["end"], "text": placeholder(spans[k].kind),
                        "speaker": w["speaker"], "probability": w.get("probability", 1.0),
                        "redacted": spans[k].kind})
        last = (k, i)
    return out


def _pieces(words: Sequence[dict[str, Any]], spans: Sequence[Span]) -> list[tuple[str, list[str]]]:
    """Each span's runs of consecutive words as normalised tokens: what a quote must not hold."""
    out = []
    for s in spans:
        run: list[str] = []
        prev = None
        for i in s.words:
            if prev is not None and i != prev + 1 and run:
                out.append((s.kind, run))
                run = []
            run.extend(t.text for t in tokens(words[i]["text"]))
            prev = i
        if run:
            out.append((s.kind, run))
    return out


def scrub(text: str, pieces: Sequence[tuple[str, list[str]]]) -> str:
    """``text`` with every run of tokens that is part of a piece replaced by the piece's placeholder: two
    tokens or more, or one when the piece is one token or the token holds a digit or an "@"."""
    toks = tokens(text)
    if not toks or not pieces:
        return text
    starts: dict[str, list[tuple[str, list[str], int]]] = {}
    for kind, seq in pieces:
        for a, t in enumerate(seq):
            starts.setdefault(t, []).append((kind, seq, a))
    cuts: list[tuple[int, int, str]] = []
    p = 0
    while p < len(toks):
        best = (0, "")
        for kind, seq, a in starts.get(toks[p].text, ()):
            k = 1
            while p + k < len(toks) and a + k < len(seq) and toks[p + k].text == seq[a + k]:
                k += 1
            if k > best[0] and (k >= 2 or len(seq) == 1 or _telling(toks[p].text)):
                best = (k, kind)
        if best[0]:
            cuts.append((toks[p].start, toks[p + best[0] - 1].end, placeholder(best[1])))
            p += best[0]
        else:
            p += 1
    for a, b, rep in reversed(cuts):
        text = text[:a] + rep + text[b:]
    return text


def _telling(token: str) -> bool:
    return numeral(token) is not None or any(c.isdigit() for c in token) or "@" in token


def scrub_all(doc: Any, pieces, skip: frozenset[str] = frozenset()) -> Any:
    """Every string in ``doc`` (dicts and lists, recursively) scrubbed; keys in ``skip`` kept as they are."""
    if isinstance(doc, str):
        return scrub(doc, pieces)
    if isinstance(doc, list):
        return [scrub_all(x, pieces) for x in doc]
    if isinstance(doc, dict):
        return {k: v if k in skip else scrub_all(v, pieces) for k, v in doc.items()}
    return doc


def muted_ranges(words: Sequence[dict[str, Any]], duration_s: float, pad_s: float = PAD_S) -> list[list[float]]:
    """The stretches of audio to silence: each placeholder word's time, padded, merged where they touch."""
    out: list[list[float]] = []
    for w in words:
        if "redacted" not in w:
            continue
        a, b = max(0.0, w["start"] - pad_s), min(duration_s, w["end"] + pad_s)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [[round(a, 3), round(b, 3)] for a, b in out]


def mute(samples: np.ndarray, ranges: Sequence[Sequence[float]], sample_rate: int) -> np.ndarray:
    """A copy of ``samples`` ((channels, n) or (n,)) with every channel silent in ``ranges`` (seconds)."""
    out = np.array(samples, copy=True)
    n = out.shape[-1]
    for a, b in ranges:
        out[..., max(0, int(a * sample_rate)):min(n, int(np.ceil(b * sample_rate)))] = 0
    return out


def redact_body(body: dict[str, Any], spans: Sequence[Span], level: str, engine: str,
                duration_s: float) -> dict[str, Any]:
    """The analysis body with ``spans`` redacted everywhere, and its ``redaction`` record."""
    words = body.get("words", [])
    record = {"level": level, "engine": engine, "kinds": {}, "spans": [s.to_dict() for s in spans],
              "muted": [], "muted_s": 0.0}
    for s in spans:
        record["kinds"][s.kind] = record["kinds"].get(s.kind, 0) + 1
    if not spans:
        return {**body, "redaction": record}
    pieces = _pieces(words, spans)
    out = scrub_all({k: v for k, v in body.items() if k != "words"}, pieces, skip=frozenset({"id", "speaker"}))
    out["words"] = redact_words(words, spans)
    record["muted"] = muted_ranges(out["words"], duration_s)
    record["muted_s"] = round(sum(b - a for a, b in record["muted"]), 3)
    out["redaction"] = record
    return {k: out[k] for k in list(body) + ["redaction"]}
