"""Hesitancy and pushiness markers: each one a moment (start/end seconds) with the words that triggered it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span

from ..types import ms
from .lexicon import Lexicons
from .metrics import Analysis
from .options import ScoreOptions
from .units import Sentence, Turn, Unit

HESITANCY_KINDS = ("filler", "hedge", "apology", "permission_seeking", "long_pause", "restart")
PUSHINESS_KINDS = ("interruption", "pressure", "objection_override", "monologue", "repeated_close")
MARKER_KINDS = HESITANCY_KINDS + PUSHINESS_KINDS


@dataclass
class Findings:
    """Markers plus what went right, for the feedback."""

    markers: list[dict[str, Any]] = field(default_factory=list)
    acknowledged: list[dict[str, Any]] = field(default_factory=list)  # moments: objection handled well


def clip_words(text: str, n: int) -> str:
    ws = text.split()
    if len(ws) <= n:
        return text
    head = max(1, (2 * n) // 3)
    return " ".join(ws[:head]) + " … " + " ".join(ws[-(n - head):])


def _marker(kind: str, lex: Lexicons, start: float, end: float, speaker: str, text: str,
            detail: str | None = None) -> dict[str, Any]:
    meta = lex.marker_meta[kind]
    return {"kind": kind, "family": meta["family"], "start": ms(start), "end": ms(end), "speaker": speaker,
            "text": text, "detail": detail or meta["detail"]}


def _span_marker(kind: str, lex: Lexicons, u: Unit, span: Span, o: ScoreOptions,
                 detail: str | None = None) -> dict[str, Any]:
    s, e, t = u.span_moment(span)
    return _marker(kind, lex, s, e, u.speaker, clip_words(t, o.marker_text_max_words), detail)


def _first_sentence(turn: Turn, o: ScoreOptions) -> tuple[float, float, str, str]:
    u = turn.units[0]
    sent = u.sentences[0] if u.sentences else None
    if sent is None:
        return u.start, u.end, u.text, u.speaker
    s, e, t = sent.unit.tok_moment(sent.start_tok, sent.end_tok)
    return s, e, clip_words(t, o.marker_text_max_words), u.speaker


def find_markers(a: Analysis, lex: Lexicons, o: ScoreOptions) -> Findings:
    f = Findings()
    rep_units = [u for u in a.units if u.side == "rep"]

    # lexical markers on every rep utterance
    for u in rep_units:
        for kind, spec in lex.markers.items():
            for span in spec.find(u.doc):
                f.markers.append(_span_marker(kind, lex, u, span, o))
        for span in restarts(u, lex, o):
            f.markers.append(_span_marker("restart", lex, u, span, o, "repeats words while restarting"))
        for span in lex.restart_phrases.find(u.doc):
            f.markers.append(_span_marker("restart", lex, u, span, o))

    # rep interruptions (buyer interruptions only count in the metrics)
    for x in a.interruptions:
        if x.unit.side != "rep":
            continue
        ws = x.unit.words[:x.end_word + 1]
        text = clip_words(" ".join(w.text for w in ws), o.marker_text_max_words)
        detail = f'started while the buyer was saying "{clip_words(x.other_text, 12)}"'
        f.markers.append(_marker("interruption", lex, ws[0].start, max(w.end for w in ws), x.unit.speaker, text,
                                 detail))

    # monologues
    for st in a.stretches.get("rep", []):
        if st.duration >= o.monologue_marker_s:
            text = clip_words(" ".join(w.text for w in st.words), o.marker_text_max_words)
            f.markers.append(_marker("monologue", lex, st.start, st.end, st.words[0].speaker, text,
                                     f"spoke for {st.duration:.0f} s with no buyer speech"))

    # long pauses before answering a question or objection
    for r in a.responses:
        if r.trigger and r.latency_s > o.long_pause_s:
            buyer_said = clip_words(_last_sentence_text(r.buyer), 14)
            s, e, t, spk = _first_sentence(r.rep, o)
            f.markers.append(_marker("long_pause", lex, r.buyer.end, r.answer_start, spk, clip_words(t, 8),
                                     f'took {r.latency_s:.1f} s to answer the buyer\'s {r.trigger}: "{buyer_said}"'))

    # asking again right after a refusal, when the rep has already asked for commitment earlier in the call
    turns = a.turns
    reclosed: set[int] = set()  # rep turns marked repeated_close: the more specific label wins over override
    asked_before = False
    for i, t in enumerate(turns):
        if t.side == "rep" and _find(t, lex.close) is not None:
            asked_before = True
        if t.side != "buyer" or not asked_before:
            continue
        refusal = _find(t, lex.refusal) or _find(t, lex.objection)
        if refusal is None or _find(t, lex.refusal_unless) is not None:
            continue
        later = [x for x in turns[i + 1:] if x.side == "rep"][:o.repeated_close_window]
        for r in later:
            hit = _find(r, lex.close)
            if hit is not None:
                reclosed.add(id(r))
                u, span = hit
                f.markers.append(_span_marker("repeated_close", lex, u, span, o,
                                              f'asked again right after the buyer said "{refusal[1].text}"'))
                break

    # objections: acknowledged (or answered with a question) vs pushed past
    for r in a.responses:
        if r.trigger == "question":
            continue  # the buyer asked something: answering it is not pushing past
        obj = _find(r.buyer, lex.objection)
        if obj is None:
            continue
        ospan = obj[1]
        ack = _find(r.rep, lex.acknowledgement)
        question = _question(r.rep, lex)
        if ack is not None or (question is not None and question.open):
            # a strength: said they heard it, or asked an open question about it
            au, aspan = ack if ack is not None else (question.unit, question.span)
            s, e, t = au.span_moment(aspan)
            f.acknowledged.append({"start": s, "end": e, "text": t, "objection": ospan.text})
            continue
        if question is not None or id(r.rep) in reclosed:
            continue
        s, e, t, spk = _first_sentence(r.rep, o)
        f.markers.append(_marker("objection_override", lex, s, e, spk, t,
                                 f'went on without acknowledging the buyer\'s "{ospan.text}"'))

    f.markers.sort(key=lambda m: (m["start"], m["end"], m["kind"]))
    return f


def _find(turn: Turn, spec) -> tuple[Unit, Span] | None:
    for u in turn.units:
        hits = spec.find(u.doc)
        if hits:
            return u, hits[0]
    return None


def _question(turn: Turn, lex: Lexicons) -> Sentence | None:
    """The rep's first question in ``turn`` that is not another ask for the deal."""
    for s in turn.sentences:
        if s.question and not lex.close.any(s.unit.doc, s.start_tok, s.end_tok):
            return s
    return None


def _last_sentence_text(turn: Turn) -> str:
    sents = turn.sentences
    return sents[-1].span.text if sents else turn.units[-1].text


def restarts(u: Unit, lex: Lexicons, o: ScoreOptions) -> list[Span]:
    """Repeated runs of 1..restart_max_words words ("I, I could", "it's, it's"), punctuation ignored, whose
    words all have some duration (a word timed at nothing was not heard)."""
    out: list[Span] = []
    for sent in u.doc.sents:  # never across a sentence end ("send it. It's ...")
        out.extend(s for s in _repeats(sent, lex, o) if _said_twice(u, s, o))
    return out


def _said_twice(u: Unit, span: Span, o: ScoreOptions) -> bool:
    a, b = u.word_range(span.start_char, span.end_char)
    return all(w.end - w.start >= o.restart_min_word_s for w in u.words[a:b + 1] if any(c.isalnum() for c in w.text))


def _repeats(sent: Span, lex: Lexicons, o: ScoreOptions) -> list[Span]:
    doc = sent.doc
    toks = [t for t in sent if not t.is_punct and not t.is_space]
    low = [t.lower_ for t in toks]
    out: list[Span] = []
    i = 0
    while i < len(toks):
        for k in range(1, o.restart_max_words + 1):
            if i + 2 * k > len(toks) or low[i:i + k] != low[i + k:i + 2 * k]:
                continue
            unit = low[i:i + k]
            if (" ".join(unit) in lex.restart_exclude_units or all(t.like_num for t in toks[i:i + k])
                    or not any(t.is_alpha for t in toks[i:i + k])):
                continue
            j = i + 2 * k
            while j + k <= len(toks) and low[j:j + k] == unit:
                j += k
            out.append(doc[toks[i].i:toks[j - 1].i + 1])
            i = j - 1
            break
        i += 1
    return out
