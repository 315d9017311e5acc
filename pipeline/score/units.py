"""The transcript as scoring sees it: utterances with their words, spaCy docs, sentences and turns.

Each utterance's text is rebuilt from its words (joined with spaces, punctuation attached, as
``pipeline.attribute`` does) while recording which word every character belongs to, so every spaCy match maps
back to exact word timings.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable

from spacy.tokens import Doc, Span

from ..types import AttributedTranscript, AttributedWord, ms
from .lexicon import Lexicons, covered_by
from .options import ScoreOptions

_ATTACH = (",", ".", "?", "!", ":", ";")
_STRIP = ".,?!:;\"'()[]…-—– "


def norm_word(text: str) -> str:
    return text.strip().strip(_STRIP).lower().replace("’", "'")


def is_punct_word(text: str) -> bool:
    return not any(c.isalnum() for c in text)


@dataclass
class Sentence:
    unit: "Unit"
    start_tok: int
    end_tok: int
    question: bool = False
    open: bool = False

    @property
    def span(self) -> Span:
        return self.unit.doc[self.start_tok:self.end_tok]

    @property
    def start(self) -> float:
        return self.unit.tok_moment(self.start_tok, self.end_tok)[0]

    @property
    def end(self) -> float:
        return self.unit.tok_moment(self.start_tok, self.end_tok)[1]

    def moment(self) -> dict[str, Any]:
        s, e, t = self.unit.tok_moment(self.start_tok, self.end_tok)
        return {"start": s, "end": e, "text": t}


@dataclass
class Unit:
    """One utterance: a speaker's words without a long pause, with its parsed text."""

    speaker: str
    side: str  # "rep", "buyer" or "other"
    words: list[AttributedWord]
    text: str = ""
    word_of_char: list[int] = field(default_factory=list)
    doc: Doc | None = None
    sentences: list[Sentence] = field(default_factory=list)
    backchannel: bool = False

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return max(w.end for w in self.words)

    @property
    def n_words(self) -> int:
        return sum(1 for w in self.words if not is_punct_word(w.text))

    @property
    def ends_with_question(self) -> bool:
        return bool(self.sentences) and self.sentences[-1].question

    def word_range(self, start_char: int, end_char: int) -> tuple[int, int]:
        """First and last word index covering the characters [start_char, end_char)."""
        idx = [self.word_of_char[c] for c in range(start_char, max(end_char, start_char + 1))
               if c < len(self.word_of_char) and self.word_of_char[c] >= 0]
        if not idx:
            return 0, 0
        return idx[0], idx[-1]

    def span_moment(self, span: Span) -> tuple[float, float, str]:
        a, b = self.word_range(span.start_char, span.end_char)
        return ms(self.words[a].start), ms(self.words[b].end), span.text

    def tok_moment(self, start_tok: int, end_tok: int) -> tuple[float, float, str]:
        return self.span_moment(self.doc[start_tok:end_tok])


@dataclass
class Turn:
    """Consecutive units of one side with no non-backchannel speech of the other side in between."""

    side: str
    units: list[Unit]

    @property
    def start(self) -> float:
        return self.units[0].start

    @property
    def end(self) -> float:
        return max(u.end for u in self.units)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for u in self.units for s in u.sentences]

    @property
    def ends_with_question(self) -> bool:
        return self.units[-1].ends_with_question


def build_text(words: Iterable[AttributedWord]) -> tuple[str, list[int]]:
    parts: list[str] = []
    owner: list[int] = []
    for i, w in enumerate(words):
        t = w.text.strip().replace("’", "'")
        if parts and not t.startswith(_ATTACH):
            parts.append(" ")
            owner.append(-1)
        parts.append(t)
        owner.extend([i] * len(t))
    return "".join(parts), owner


def side_of(role: str | None) -> str:
    return role if role in ("rep", "buyer") else "other"


def group_words(tr: AttributedTranscript, gap_s: float = 1.0) -> list[list[AttributedWord]]:
    """Words per utterance: from ``tr.utterances`` when they cover every word, else grouped here."""
    words = sorted((w for w in tr.words if w.text.strip()), key=lambda w: (w.start, w.end))
    groups: list[list[AttributedWord]] = []
    used: set[int] = set()
    eps = 1e-3
    if tr.utterances:
        starts = [w.start for w in words]
        for u in sorted(tr.utterances, key=lambda u: (u.start, u.end)):
            lo = bisect.bisect_left(starts, u.start - eps)
            hi = bisect.bisect_right(starts, u.end + eps)
            g = [i for i in range(lo, hi) if i not in used and words[i].speaker == u.speaker
                 and words[i].end <= u.end + eps]
            if g:
                used.update(g)
                groups.append([words[i] for i in g])
        if len(used) == len(words):
            return groups
    # no utterances (or they do not cover the words): a new group on a speaker change or a long pause
    groups = []
    open_: dict[str, list[AttributedWord]] = {}
    last = None
    for w in words:
        cur = open_.get(w.speaker)
        if cur is not None and (w.start - cur[-1].end > gap_s or (last != w.speaker and any(
                ws[0].start >= cur[-1].end for s, ws in open_.items() if s != w.speaker))):
            groups.append(open_.pop(w.speaker))
            cur = None
        if cur is None:
            open_[w.speaker] = [w]
        else:
            cur.append(w)
        last = w.speaker
    groups.extend(open_.values())
    return groups


def build_units(tr: AttributedTranscript, lex: Lexicons, o: ScoreOptions) -> list[Unit]:
    units = []
    for g in group_words(tr):
        text, owner = build_text(g)
        units.append(Unit(g[0].speaker, side_of(tr.roles.get(g[0].speaker)), g, text, owner))
    units.sort(key=lambda u: (u.start, u.end))
    nlp = lex.nlp.nlp
    for u, doc in zip(units, nlp.pipe(u.text for u in units)):
        u.doc = doc
        u.sentences = [Sentence(u, s.start, s.end) for s in doc.sents] if len(doc) else []
        for s in u.sentences:
            s.question, s.open = classify_question(s.span, lex.question)
    for i, u in enumerate(units):
        u.backchannel = is_backchannel(u, units[:i], lex, o)
    return units


def _seq(tokens) -> list[str]:
    return [t.lower_ for t in tokens if not t.is_punct and not t.is_space]


def _starts(seq: list[str], phrases: Iterable[str]) -> int:
    """Length of the longest phrase (space-separated tokens, spaCy-tokenised) that ``seq`` starts with."""
    best = 0
    for p in phrases:
        ps = p.split()
        if len(ps) > best and seq[:len(ps)] == ps:
            best = len(ps)
    return best


def classify_question(span: Span, q: dict[str, Any]) -> tuple[bool, bool]:
    """(is a question, is an open question) for one sentence."""
    lists = q
    seq = _seq(span)
    if not seq:
        return False, False
    ends_q = any(t.text == "?" for t in span[-2:]) if len(span) else False
    while True:  # skip lead-ins ("so", "okay", "got it") before the question proper
        n = _starts(seq, lists["lead_ins"])
        if not n or n >= len(seq):
            break
        seq = seq[n:]
    wh, aux, subj = q["wh_words"], q["auxiliaries"], q["subjects"]
    prompt = _starts(seq, lists["starters"]) and seq[0] not in wh  # "tell me about", "walk me through"
    polite = _starts(seq, lists["polite"])
    if polite and _starts(seq[polite:], lists["starters"]):
        prompt = True
    question = ends_q
    if not question and not _starts(seq, lists["not_questions"]):
        if seq[0] in wh and len(seq) > 1 and seq[1] in aux:
            question = True
        elif seq[0] in aux and len(seq) > 1 and (seq[1] in subj or _is_subject(span, seq[1])):
            question = True
        elif prompt:
            question = True
    if not question:
        return False, False
    opener = seq[polite:] if polite and _starts(seq[polite:], lists["starters"]) else seq
    is_open = bool(_starts(opener, lists["starters"])) and not _starts(seq, lists["open_exclude"])
    return True, is_open


def _is_subject(span: Span, word: str) -> bool:
    for t in span:
        if t.lower_ == word:
            return t.dep_ in ("nsubj", "nsubjpass", "expl")
    return False


def is_backchannel(u: Unit, before: list[Unit], lex: Lexicons, o: ScoreOptions) -> bool:
    if u.n_words == 0:
        return True
    if u.n_words > o.backchannel_max_words or u.end - u.start > o.backchannel_max_s:
        return False
    if o.backchannel_requires_lexicon:
        toks = [norm_word(w.text) for w in u.words if not is_punct_word(w.text)]
        toks = [x for t in toks for x in t.split()]
        if not covered_by(toks, lex.backchannel):
            return False
    # an answer to the other side's question is a turn, not a backchannel
    for prev in reversed(before):
        if prev.backchannel:
            continue
        if prev.speaker != u.speaker and prev.end <= u.start + 0.05:
            return not prev.ends_with_question  # replying after the other side finished
        return True  # said while the other side talks, or after the same speaker's own words
    return True


def side_turns(units: list[Unit]) -> list[Turn]:
    """Rep and buyer turns: non-backchannel units merged while the side stays the same."""
    turns: list[Turn] = []
    for u in units:
        if u.backchannel or u.side == "other":
            continue
        if turns and turns[-1].side == u.side:
            turns[-1].units.append(u)
        else:
            turns.append(Turn(u.side, [u]))
    return turns
