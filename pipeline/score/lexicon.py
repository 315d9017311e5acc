"""spaCy loading and the coach-editable lexicons (``lexicons/*.toml``), compiled to matchers.

A lexicon table has ``phrases`` (matched on lower-case words), ``patterns`` (spaCy ``Matcher`` token
patterns, written as TOML inline tables) and an ``exclude`` table of the same shape: a match that overlaps
an exclusion match is dropped ("just in time" is no hedge). See ``lexicons/README.md``.

The spaCy pipeline and the compiled lexicons are cached per process: loading happens once, not per call.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

# token attributes only a trained pipeline sets; LEMMA degrades to LOWER without one
_MODEL_ATTRS = {"POS", "TAG", "DEP", "MORPH", "ENT_TYPE", "ENT_IOB", "ENT_ID", "HEAD", "SENT_START"}


class LexiconError(ValueError):
    """A lexicon file that cannot be read or compiled (a configuration error: fix the file)."""


@dataclass(frozen=True)
class Nlp:
    nlp: Any
    trained: bool  # False: spacy.blank fallback (no tags, parse, lemmas or entities)
    note: str | None


@functools.lru_cache(maxsize=4)
def load_nlp(name: str) -> Nlp:
    """The spaCy pipeline ``name``; ``spacy.blank("en")`` plus a sentencizer when it is not installed."""
    try:
        nlp = spacy.load(name)
        return Nlp(nlp, True, None)
    except (OSError, ImportError) as e:  # not installed (E050) or broken package
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        note = (f"spaCy model {name!r} is not available ({type(e).__name__}); scoring used a blank English "
                f"tokenizer: lexicon rules that need part-of-speech, parse or entity information were "
                f"replaced by their plain-word fallbacks or skipped, so markers are less precise")
        return Nlp(nlp, False, note)


def lexicon_root(lexicon_dir: str | None) -> Path:
    if lexicon_dir:
        return Path(lexicon_dir)
    return Path(str(resources.files("pipeline.score").joinpath("lexicons")))


def read_toml(root: Path, name: str) -> dict[str, Any]:
    path = root / f"{name}.toml"
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise LexiconError(f"lexicon file missing: {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise LexiconError(f"{path}: {e}") from e


def words(table: dict[str, Any], key: str) -> frozenset[str]:
    """A list of plain words/phrases from a table, lower-cased."""
    return frozenset(str(x).lower() for x in table.get(key, ()))


def _upper_keys(tok: dict[str, Any]) -> dict[str, Any]:
    return {(k if k == "OP" else str(k).upper()): v for k, v in tok.items()} if isinstance(tok, dict) else tok


def _lower_values(v: Any) -> Any:
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, dict):
        return {k: _lower_values(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_lower_values(x) for x in v]
    return v


def _for_blank(pattern: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The pattern for an untrained pipeline: LEMMA becomes LOWER; None when it needs tags, parse or entities."""
    out = []
    for tok in pattern:
        tok = dict(tok)
        if _MODEL_ATTRS & set(tok):
            return None
        if "LEMMA" in tok:
            tok["LOWER"] = _lower_values(tok.pop("LEMMA"))
        out.append(tok)
    return out


class MatchSpec:
    """A compiled lexicon table: ``find(doc)`` gives the non-overlapping matches that no exclusion overlaps."""

    def __init__(self, nlp: Nlp, table: dict[str, Any], where: str, skipped: list[str]):
        self.where = where
        self._inc = _Rules(nlp, table, where, skipped)
        self._exc = _Rules(nlp, table.get("exclude", {}), where + " [exclude]", skipped)
        self.entity_labels = frozenset(str(x) for x in table.get("entity_labels", ()))
        if self.entity_labels and not nlp.trained:
            skipped.append(f"{where}: entity_labels")
            self.entity_labels = frozenset()

    def find(self, doc: Doc, start: int = 0, end: int | None = None) -> list[Span]:
        end = len(doc) if end is None else end
        found = [s for s in self._inc.spans(doc) if s.start >= start and s.end <= end]
        found += [Span(doc, e.start, e.end, label="entity") for e in doc.ents
                  if e.label_ in self.entity_labels and e.start >= start and e.end <= end]
        if not found:
            return []
        excluded = self._exc.spans(doc)
        keep = [s for s in found if not any(s.start < x.end and x.start < s.end for x in excluded)]
        keep = [t for t in (_trim(s) for s in keep) if t is not None]
        return sorted(filter_spans(keep), key=lambda s: s.start)

    def any(self, doc: Doc, start: int = 0, end: int | None = None) -> bool:
        return bool(self.find(doc, start, end))


class _Rules:
    def __init__(self, nlp: Nlp, table: dict[str, Any], where: str, skipped: list[str]):
        vocab = nlp.nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        self.matcher = Matcher(vocab, validate=True)
        self.n_phrases = self.n_patterns = 0
        self.subjects: dict[int, frozenset[str]] = {}  # pattern key -> allowed subjects of its clause
        self.trained = nlp.trained
        phrases = [str(p) for p in table.get("phrases", ()) if str(p).strip()]
        if phrases:
            self.phrases.add("phrase", [nlp.nlp.make_doc(p.lower()) for p in phrases])
            self.n_phrases = len(phrases)
        for i, entry in enumerate(table.get("patterns", ())):
            if not isinstance(entry, dict) or "pattern" not in entry:
                raise LexiconError(f"{where}: patterns[{i}] needs a 'pattern' (a list of token tables)")
            name = str(entry.get("name", f"pattern {i}"))
            pattern = [_upper_keys(t) for t in entry["pattern"]]
            if not nlp.trained:
                fb = entry.get("fallback")
                pattern = [_upper_keys(t) for t in fb] if fb is not None else _for_blank(pattern)
                if pattern is None:
                    skipped.append(f"{where}: {name}")
                    continue
            try:
                self.matcher.add(name, [pattern])
            except Exception as e:  # spaCy raises ValueError/KeyError/MatchPatternError on a bad pattern
                raise LexiconError(f"{where}: pattern {name!r} is not a valid spaCy Matcher pattern: {e}") from e
            if "subject" in entry:
                self.subjects[vocab.strings[name]] = frozenset(str(x).lower() for x in entry["subject"])
            self.n_patterns += 1

    def spans(self, doc: Doc) -> list[Span]:
        out = [Span(doc, s, e) for _, s, e in self.phrases(doc)] if self.n_phrases else []
        if self.n_patterns:
            out += [Span(doc, s, e) for key, s, e in self.matcher(doc)
                    if key not in self.subjects or not self.trained or _subject_ok(doc[s], self.subjects[key])]
        return out


def clause_subject(tok) -> str | None:
    """The subject of the clause ``tok`` is in, lower-cased ("i", "you", "it"); "" for an imperative (a verb
    with no subject that starts its sentence: "just sign here"); None for a fragment with no verb."""
    head = tok
    for _ in range(8):
        if head.pos_ in ("VERB", "AUX"):
            break
        if head.head is head:
            return None
        head = head.head
    else:
        return None
    if head.pos_ not in ("VERB", "AUX"):
        return None
    verbs = [head] + ([head.head] if head.dep_ in ("xcomp", "aux", "auxpass") and head.head is not head else [])
    for v in verbs:
        for c in v.children:
            if c.dep_ in ("nsubj", "nsubjpass", "expl"):
                return c.lower_
    # a bare verb heading its sentence with no subject and no auxiliary ("(honestly,) just trust me")
    bare = head.tag_ == "VB" and head.dep_ in ("ROOT", "conj") and not any(
        c.dep_ in ("aux", "auxpass", "mark") for c in head.children)
    return "" if bare else None


def _subject_ok(tok, allowed: frozenset[str]) -> bool:
    """A pattern with ``subject = [...]`` holds only in a clause whose subject is one of them, or in a fragment
    with no verb ("just a quick question"); never in an imperative or with another subject ("you just need")."""
    subject = clause_subject(tok)
    return subject is None or subject in allowed


def _trim(span: Span) -> Span | None:
    """Drop leading and trailing punctuation from a match (", like ," -> "like")."""
    s, e = span.start, span.end
    doc = span.doc
    while s < e and (doc[s].is_punct or doc[s].is_space):
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space):
        e -= 1
    return Span(doc, s, e) if s < e else None


# --- the whole set -----------------------------------------------------------------------------------

MARKER_LEXICONS = ("filler", "hedge", "apology", "permission_seeking", "pressure")


@dataclass
class Lexicons:
    nlp: Nlp
    markers: dict[str, MatchSpec]  # lexical marker kinds
    marker_meta: dict[str, dict[str, str]]  # kind -> {family, detail}
    restart_phrases: MatchSpec
    restart_exclude_units: frozenset[str]
    objection: MatchSpec
    acknowledgement: MatchSpec
    close: MatchSpec
    refusal: MatchSpec
    refusal_unless: MatchSpec
    next_step_action: MatchSpec
    next_step_time: MatchSpec
    next_step_exclude: MatchSpec
    backchannel: tuple[tuple[str, ...], ...]  # phrases as word tuples, longest first
    question: dict[str, Any]
    skipped: tuple[str, ...]


def _meta(table: dict[str, Any], kind: str, family: str) -> dict[str, str]:
    fam = str(table.get("family", family))
    if fam not in ("hesitancy", "pushiness"):
        raise LexiconError(f"{kind}.toml: family must be 'hesitancy' or 'pushiness', not {fam!r}")
    return {"family": fam, "detail": str(table.get("detail", kind.replace("_", " ")))}


@functools.lru_cache(maxsize=4)
def load_lexicons(model: str, lexicon_dir: str | None) -> Lexicons:
    nlp = load_nlp(model)
    root = lexicon_root(lexicon_dir)
    skipped: list[str] = []
    markers, meta = {}, {}
    for kind in MARKER_LEXICONS:
        t = read_toml(root, kind)
        markers[kind] = MatchSpec(nlp, t, f"{kind}.toml", skipped)
        meta[kind] = _meta(t, kind, "pushiness" if kind == "pressure" else "hesitancy")
    for kind, family in (("restart", "hesitancy"), ("objection_override", "pushiness"),
                         ("repeated_close", "pushiness"), ("interruption", "pushiness"),
                         ("monologue", "pushiness"), ("long_pause", "hesitancy")):
        meta[kind] = {"family": family, "detail": kind.replace("_", " ")}
    restart = read_toml(root, "restart")
    meta["restart"] = _meta(restart, "restart", "hesitancy")
    nxt = read_toml(root, "next_step")
    refusal = read_toml(root, "refusal")
    bc = read_toml(root, "backchannel")
    phrases = sorted({tuple(str(p).lower().split()) for p in bc.get("phrases", ()) if str(p).strip()},
                     key=len, reverse=True)
    spec = functools.partial(MatchSpec, nlp)
    return Lexicons(
        nlp=nlp, markers=markers, marker_meta=meta,
        restart_phrases=spec(restart, "restart.toml", skipped),
        restart_exclude_units=words(restart, "exclude_units"),
        objection=spec(read_toml(root, "objection"), "objection.toml", skipped),
        acknowledgement=spec(read_toml(root, "acknowledgement"), "acknowledgement.toml", skipped),
        close=spec(read_toml(root, "close"), "close.toml", skipped),
        refusal=spec(refusal, "refusal.toml", skipped),
        refusal_unless=spec(refusal.get("unless", {}), "refusal.toml [unless]", skipped),
        next_step_action=spec(nxt.get("action", {}), "next_step.toml [action]", skipped),
        next_step_time=spec(nxt.get("time", {}), "next_step.toml [time]", skipped),
        next_step_exclude=spec(nxt.get("exclude", {}), "next_step.toml [exclude] (sentence)", skipped),
        backchannel=tuple(phrases),
        question=_question_lists(read_toml(root, "question"), nlp),
        skipped=tuple(skipped),
    )


def _question_lists(q: dict[str, Any], nlp: Nlp) -> dict[str, Any]:
    """The question lexicon's lists, split the way spaCy splits words ("what's" -> "what 's")."""
    tok = nlp.nlp.tokenizer
    op = q.get("open", {})

    def split(xs: Iterable[Any]) -> list[str]:
        return [" ".join(t.lower_ for t in tok(str(x)) if not t.is_punct) for x in xs if str(x).strip()]

    return {
        "lead_ins": split(q.get("lead_ins", ())), "starters": split(op.get("starters", ())),
        "polite": split(op.get("polite_prefixes", ())), "open_exclude": split(op.get("exclude", ())),
        "not_questions": split(q.get("not_questions", ())),
        "wh_words": words(q, "wh_words"), "auxiliaries": words(q, "auxiliaries"), "subjects": words(q, "subjects"),
    }


def covered_by(tokens: Iterable[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Can ``tokens`` be split entirely into the given phrases (longest first, greedy)?"""
    toks = list(tokens)
    i = 0
    while i < len(toks):
        for p in phrases:
            if tuple(toks[i:i + len(p)]) == p:
                i += len(p)
                break
        else:
            return False
    return bool(toks)
