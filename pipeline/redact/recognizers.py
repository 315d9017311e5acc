"""Presidio recognisers for what a call's transcript holds and text-trained recognisers miss (spoken forms).

Each is a ``presidio_analyzer.EntityRecognizer`` over the call's text (``spoken.tokens``): numbers read as
digits or words with fillers and turns between their groups (card, account, routing, SSN, phone numbers),
e-mail addresses spelled out ("j dot smith at gmail dot com"), street addresses (``addresses.py``), dates of birth (a date said after "born" or "date of birth", or a birth year).
Scores: 0.85-0.95 with a naming word just before ("card", "routing", "social"), lower without.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from presidio_analyzer import EntityRecognizer, RecognizerResult

from .requests import turns
from .spoken import (ORDINALS, TEENS, TENS, UNITS, Run, Token, _words_value, context, digit_runs, is_sum,
                     luhn, numeral, tokens)

CARD_WORDS = {"card", "visa", "mastercard", "amex", "discover", "credit", "debit"}
CARD_EXTRA_WORDS = {"cvv", "cvc", "expiration", "expiry", "expires", "exp"}  # card data said after the number
ACCOUNT_WORDS = {"account", "acct", "member", "customer", "iban", "checking", "savings"}
ID_WORDS = {"number", "no", "#", "id", "code", "reference", "ref"}
# numbers that name a purchase, not a person: an order, quote or ticket number is no PII
REFERENCE_WORDS = {"order", "quote", "confirmation", "reference", "ref", "case", "invoice", "ticket", "tracking",
                   "claim", "po", "purchase", "receipt", "serial", "booking", "transaction", "reservation", "sku",
                   "dispute", "job", "incident", "rma", "model", "part", "return", "policy", "prescription", "rx"}
ROUTING_WORDS = {"routing", "aba", "transit", "sort"}
SSN_WORDS = {"social", "ssn", "security", "itin"}
PHONE_WORDS = {"phone", "cell", "mobile", "call", "reach", "callback", "text", "landline", "extension", "ring",
               "dial", "fax", "line"}
# a question for a reference alone ("What's the citation number?"): its answer is no personal number
ASKED_REFERENCES = REFERENCE_WORDS | {"citation", "application", "permit", "report"}
# one- and two-letter words that are words, not an identifier's letters written lower case
SHORT_WORDS = frozenset("a i an as at be by do go he if in is it me my no of oh ok on or so to up us we".split())
BIRTH_REACH = 60  # a date this many words after "born" / "date of birth" may be one, said again in another form
BIRTH_WORDS = {"born", "birth", "birthday", "dob", "d.o.b", "birthdate"}
ASKED_PERSONAL = CARD_WORDS | CARD_EXTRA_WORDS | ACCOUNT_WORDS | ROUTING_WORDS | SSN_WORDS | PHONE_WORDS \
    | BIRTH_WORDS | {"email", "e-mail", "address", "zip", "license", "licence", "passport", "name"}
MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), 1)}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
STRICT_KINDS = ("PERSON", "NUMBER")
NAMING_WORDS = CARD_WORDS | ACCOUNT_WORDS | ROUTING_WORDS | SSN_WORDS | PHONE_WORDS | BIRTH_WORDS | {"number", "zip"}
MISHEARD_GAP = 2  # words between two runs of digits that may be a misheard digit of the same number
MISHEARD_DIGITS = 7  # digits that make such runs one number (a phone number's, without its area code)


def _result(kind: str, start: int, end: int, score: float, name: str) -> RecognizerResult:
    # the analyzer adds the recognizer's name and id (its context step matches results to recognizers by id)
    return RecognizerResult(kind, start, end, score)


class _CallRecognizer(EntityRecognizer):
    """Shared by the spoken-form recognisers: tokens of the text once per call (the text is the cache key)."""

    ENTITIES: list[str] = []

    def __init__(self):
        super().__init__(supported_entities=list(self.ENTITIES), name=type(self).__name__, supported_language="en")
        self._cache: tuple[str, list[Token]] | None = None

    def load(self) -> None:  # nothing to load: rules only
        pass

    def tokens(self, text: str) -> list[Token]:
        if self._cache is None or self._cache[0] is not text:
            self._cache = (text, tokens(text))
        return self._cache[1]


class SpokenNumberRecognizer(_CallRecognizer):
    """Card, account, routing, social security and phone numbers, written or spoken, in groups, across turns."""

    ENTITIES = ["CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER", "NUMBER"]

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = self.tokens(text)
        out = []
        for run in digit_runs(toks):
            found = classify_run(run, toks)
            if found and found[0] in entities:
                out.append(_result(found[0], run.start, run.end, found[1], self.name))
        return out


class MisheardNumberRecognizer(_CallRecognizer):
    """A number whose digits Whisper partly wrote as other words (``misheard_runs``): all its words go."""

    ENTITIES = ["CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER"]

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = self.tokens(text)
        out = []
        for run in misheard_runs(digit_runs(toks), toks, text):
            if named_by(toks, run.first) in REFERENCE_WORDS:
                continue  # a purchase's number: no kind of our own for it either
            found = classify_run(run, toks)
            if found is None or found[0] == "NUMBER":
                found = ("PHONE_NUMBER" if len(run.digits) in (7, 10) else "ACCOUNT_NUMBER", 0.5)
            if found[0] in entities:
                out.append(_result(found[0], run.start, run.end, min(found[1], 0.5), self.name))
        return out


def _range(a: Run, b: Run, between: list[Token], toks: list[Token]) -> bool:
    """ "between 8 and 10", "1 to 3", "eight to ten": small numbers joined so are a range (not "2 or 6 or 555":
    a phone number's digits misheard)."""
    if len(a.digits) > 2 or len(b.digits) > 2 or len(between) != 1:
        return False
    w = between[0].text
    return w in ("to", "through", "till", "until") or (w == "and" and a.first > 0 and toks[a.first - 1].text == "between")


def _misheard_gap(between: list[Token]) -> bool:
    """Whether the words between two runs of digits can be misheard digits of one number: one or two words, or
    up to four of the same word ("404, time, time, time, 4133")."""
    return len(between) <= MISHEARD_GAP or (len(between) <= 4 and len({t.text for t in between}) == 1)


def named_by(toks: list[Token], first: int, before: int = 8) -> str | None:
    """The last naming word ("card", "account", "order" ...) said in the ``before`` tokens before ``toks[first]``
    (within its sentence or the one before): what the number that starts there is."""
    for k in range(first - 1, max(-1, first - 1 - before), -1):
        w = toks[k].text.removesuffix("'s")  # "the order's 1 1 2 ..."
        if w in REFERENCE_WORDS and not (first - k <= 3 or (k + 1 < first and toks[k + 1].text in ID_WORDS | {"is"})):
            continue  # "order" said in passing, not naming the number
        if w == "call" and k > 0 and toks[k - 1].text in ("this", "the", "that", "a", "your", "our", "my") \
                or _names_no_number(toks, k):
            continue  # "the reference number for this call is ...": the call, not a phone; "a phone, in case?"
        if w in NAMING_WORDS | REFERENCE_WORDS and w != "number":
            return w
    return None


def _names_no_number(toks: list[Token], k: int) -> bool:
    """Whether a reference word at ``toks[k]`` names no number: "a phone, in case?", "a phone number for the
    receipt?" (what the number is for)."""
    return toks[k].text == "case" and k > 0 and toks[k - 1].text == "in" or toks[k].text in REFERENCE_WORDS and (
        k > 0 and toks[k - 1].text == "for" or k > 1 and toks[k - 2].text == "for"
        and toks[k - 1].text in ("the", "a", "your", "my", "this", "that"))


def reference_digits(toks: list[Token]) -> set[str]:
    """The digits of every number the call names as a purchase's or a case's ("the order's 1 1 2 dash 4 4 0 7 7 1
    9"): said again later ("let me pull it up, 112-4407719"), it is the same reference, not a phone number."""
    out = set()
    for r in digit_runs(toks):
        if len(r.digits) >= 5 and (_reference_named(toks, r.first) or _answers_reference(toks, r.first)):
            out.add(r.digits)  # and its first sentence alone, when the other party says it again right after
            end = next((k for k in range(r.first, r.last) if toks[k].ends_sentence), None)  # (one run: "The
            if end is not None:  # claim number is 08441722." - "0 8 4 4 1 7 2 2.")
                out.update(x.digits for x in digit_runs(toks[r.first:end + 1]) if len(x.digits) >= 5)
    return out


def _answers_reference(toks: list[Token], first: int) -> bool:
    """Whether the number at ``toks[first]`` answers a question that asks for a reference and nothing personal
    ("Do you have the order number handy?" - "Uh, yeah, one sec. It's H F 2 0 4 4 7 1 9."; "What's the citation
    number?" - "It's, um, 4 4 0 0 1 8 7 3 2."): only a lead-in, a held line or an identifier's letters between."""
    from .answers import HOLD

    k = first - 1
    while k >= 0 and first - k <= 8 and not toks[k].is_question and (
            toks[k].text in HOLD or re.fullmatch(r"[a-z]{1,2}", toks[k].text) and toks[k].raw[:1].isupper()):
        k -= 1
    if k < 0 or first - k > 8 or not toks[k].is_question:
        return False
    j = k
    while j > 0 and k - j < 15 and not toks[j - 1].ends_sentence:
        j -= 1
    asked = {t.text.removesuffix("'s") for t in toks[j:k + 1]}  # ("a direct number in case ...?": no reference)
    return any(toks[m].text.removesuffix("'s") in ASKED_REFERENCES and not _names_no_number(toks, m)
               for m in range(j, k + 1)) and not asked & ASKED_PERSONAL


def _reference_named(toks: list[Token], first: int) -> bool:
    """Whether the words right before ``toks[first]`` name a reference: "confirmation 55 02 19", "your ticket is
    T K 9 9 0", "the order's 1 1 2" (not "text the receipt to 505-555-0163")."""
    k = first - 1
    while k >= 0 and first - k <= 4 and (toks[k].text in ID_WORDS | {"is", "was", "it's", "its"}
                                         or re.fullmatch(r"[a-z]{1,2}", toks[k].text) and (
                                             toks[k].raw[:1].isupper() or toks[k].text not in SHORT_WORDS)):
        k -= 1  # ("T K 9 9 0", "your dispute case is f r 3 3 9 0 1 2": an identifier's letters)
    if k >= 0 and toks[k].text.removesuffix("'s") in REFERENCE_WORDS and not _names_no_number(toks, k):
        return True
    # "the reference for today's call is 4 4 1 9 0 2 3": a reference named earlier in the sentence, then "is"
    if k < 0 or k + 1 >= first or toks[k + 1].text not in ("is", "was", "it's", "its"):
        return False
    j = k
    while j >= 0 and k - j < 5 and not toks[j].ends_sentence:
        if toks[j].text.removesuffix("'s") in REFERENCE_WORDS:
            return True
        j -= 1
    return False


def misheard_runs(runs: list[Run], toks: list[Token], text: str) -> list[Run]:
    """Runs of digits one speaker says with a word or two between them that no number holds: on a phone line
    Whisper writes a digit it mishears as another word ("4406, wheel 4309", "one hand, triple five, or one double
    oh"). Merged, they are one number when they reach ``MISHEARD_DIGITS`` and none is an amount or a time."""
    out, group = [], []
    for run in runs + [None]:
        between = toks[group[-1].last + 1:run.first] if group and run is not None else None
        if between is not None and _misheard_gap(between) and "\n" not in text[group[-1].end:run.start] \
                and not (run.amount or run.time) and not {t.text for t in between} & NAMING_WORDS \
                and not _range(group[-1], run, between, toks) \
                and not (len(group[-1].digits) >= 10 and len(run.digits) >= 10):  # (two whole numbers: "512-555-
            # 0116. Mine is 512-555-0117.")
            group.append(run)
            continue
        if len(group) > 1 and sum(len(r.digits) for r in group) >= MISHEARD_DIGITS:
            out.append(Run("".join(r.digits for r in group), group[0].first, group[-1].last, group[0].start,
                           group[-1].end, False, False, sum(r.groups for r in group)))
        group = [run] if run is not None and not (run.amount or run.time) else []
    return out


def classify_run(run: Run, toks: list[Token]) -> tuple[str, float] | None:
    """What a run of digits is, from its length, its check digit and the words said around it; None for an
    amount, a time, a short count or a date."""
    n, d = len(run.digits), run.digits
    ctx = context(toks, run.first, run.last)
    if run.time or (run.amount and not ctx & (CARD_WORDS | ACCOUNT_WORDS | ROUTING_WORDS | SSN_WORDS)) \
            or "$" in toks[run.first].raw or (run.first > 0 and toks[run.first - 1].raw.endswith("$")):
        return None  # (a sum in dollars is never an identifier, "checking" said beside it or not)
    if named_by(toks, run.first) in REFERENCE_WORDS:
        return None  # "your order number is 747 3558": a purchase's number
    if ctx & ROUTING_WORDS and n == 9:
        return "ROUTING_NUMBER", 0.95
    if ctx & SSN_WORDS and n in (9, 4) and not ctx & CARD_WORDS:
        return "SSN", 0.9
    if ctx & (CARD_WORDS | CARD_EXTRA_WORDS) and (n >= 12 or (n in (3, 4) and ctx & ({"last", "ending", "ends"}
                                                                                       | CARD_EXTRA_WORDS))):
        return "CARD_NUMBER", 0.95
    if 13 <= n <= 19 and luhn(d):
        return "CARD_NUMBER", 0.85
    if ctx & ACCOUNT_WORDS and n >= 5:
        return "ACCOUNT_NUMBER", 0.9
    if n == 4 and ctx & (PHONE_WORDS | {"number"}) and ctx & {"ending", "ends", "end"} \
            and not ctx & (ACCOUNT_WORDS | SSN_WORDS | REFERENCE_WORDS):
        return "PHONE_NUMBER", 0.8  # "the number on file, which ends in 0 1 4 2"
    if n == 10 or (n == 11 and d[0] == "1") or (n == 7 and ctx & (PHONE_WORDS | {"number", "at", "on"})):
        return "PHONE_NUMBER", 0.85 if ctx & (PHONE_WORDS | {"number"}) else 0.6
    if ctx & SSN_WORDS and n >= 7:
        return "SSN", 0.7
    if n >= 8:
        return "ACCOUNT_NUMBER", 0.6
    if n == 7 and run.groups <= 3:
        return "PHONE_NUMBER", 0.5  # seven digits: a phone number without its area code ("555 0132")
    if n >= 5 and run.groups >= 2:
        return "NUMBER", 0.5  # strict only: an identifier read in groups, kind unknown
    return None


class DateOfBirthRecognizer(_CallRecognizer):
    """A date of birth: a date said within a dozen words after "born", "birthday" or "date of birth", or any
    full date whose year is at least 16 years back (a sales call schedules forward, not in 1985)."""

    ENTITIES = ["DATE_OF_BIRTH"]

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = self.tokens(text)
        dates, i = [], 0  # (first, last, year, the date as (year, month, day) or None)
        this_year = dt.date.today().year
        while i < len(toks):
            span = _date_at(toks, i)
            if span is None:
                i += 1
                continue
            dates.append((i, *span))
            i = span[0] + 1
        out, taken, births = [], set(), set()
        turn, listed = turns(text, toks), None  # (the last date of birth's last token)
        for i, end, year, value in dates:
            # "her birthday's August 3rd"; or the next in a list of dates of birth ("my wife's Alyssa, 4/11/1984.
            # Then Caleb, June 2nd, 2012...": a full date in the past, the same speaker, only names and talk between)
            named = bool({t.text.removesuffix("'s") for t in toks[max(0, i - 12):i]} & BIRTH_WORDS) or bool(
                value and year <= this_year and (listed is not None and _listed_after(toks, turn, listed, i)
                                                 or _named_before(toks, turn, i)))
            if named and (year is None or year <= this_year) \
                    or (year is not None and 1900 <= year <= this_year - 16):  # (never a date to come)
                out.append(_result("DATE_OF_BIRTH", toks[i].start, toks[end].end, 0.9 if named else 0.7, self.name))
                taken.add(i)
                listed = end
            if value and {t.text for t in toks[max(0, i - BIRTH_REACH):i]} & BIRTH_WORDS:  # (``near`` is in it)
                births.add(value)
        said = Counter(value for *_, value in dates)
        for i, end, year, value in dates:  # a birth date said again in another form ("2/11/2013" ... "Aiden,
            if value in births and said[value] > 1 and i not in taken:  # February 11th, 2013")
                out.append(_result("DATE_OF_BIRTH", toks[i].start, toks[end].end, 0.8, self.name))
        return out


def _named_before(toks: list[Token], turn: list[int], i: int) -> bool:
    """Whether a name and a comma come right before the date at ``toks[i]``: whose birth date it is ("Diego,
    5/8/2008, and Andres, ...", answering "And the boys?")."""
    from .casing import name_like
    from .household import named_with_value

    return i > 0 and toks[i - 1].raw[:1].isupper() and toks[i - 1].text not in MONTHS \
        and named_with_value(toks, turn, i - 1) and name_like(toks[i - 1].text.removesuffix("'s"))


def _listed_after(toks: list[Token], turn: list[int], last: int, i: int) -> bool:
    """Whether a date at ``toks[i]`` follows the date of birth ending at ``toks[last]`` in one list: the same
    speaker, at most 20 words on, the other party saying at most "mm-hmm" between, and no longer number between."""
    between = range(last + 1, i)
    return i - last <= 20 and (turn[i] - turn[last]) % 2 == 0 and all(
        (turn[j] - turn[i]) % 2 == 0 or len([x for x in between if turn[x] == turn[j]]) <= 2 for j in between) \
        and not any(len(numeral(toks[j].text) or "") > 2 for j in between)  # (an age may be: "she's eleven")


def _date_at(toks: list[Token], i: int) -> tuple[int, int | None, tuple[int, int, int] | None] | None:
    """A date starting at ``toks[i]``: "March third, nineteen eighty five", "the fourth of July 1979",
    "03/15/1985", "oh three fifteen eighty five". Returns the last token, the year (None when unsaid) and the date
    as (year, month, day) when all three are said."""
    t = toks[i].text
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", t):
        month, day, y = (int(g) for g in m.groups())
        y = _century(y)
        return i, y, _ymd(y, month, day)
    if t in MONTHS and t not in ("may", "mar", "jan", "dec", "sept", "oct", "nov", "aug"):
        month, said = MONTHS[t], _day(toks, i + 1) or _cardinal_day(toks, i + 1)
        if said is None:
            return None
        k, day = said[0] + 1, said[1]
    elif (said := _day(toks, i)) is not None:
        k, day = said[0] + 1, said[1]
        if k < len(toks) and toks[k].text == "of":
            k += 1
        if k >= len(toks) or toks[k].text not in MONTHS:
            return _numeric_date(toks, i)  # ("2 9 2012": a day-like first number, then no month)
        month, k = MONTHS[toks[k].text], k + 1
    elif t in ("may",) and (said := _day(toks, i + 1)) is not None:
        month, k, day = 5, said[0] + 1, said[1]
    else:
        return _numeric_date(toks, i)
    year, last = _year(toks, k)
    return (last, year, _ymd(year, month, day)) if year is not None else (k - 1, None, None)


def _century(y: int) -> int:
    """A year said with two digits in its century ("85" -> 1985, "12" -> 2012); four digits as they are."""
    return y + 1900 if 30 <= y < 100 else y + 2000 if y < 30 else y


def _ymd(year: int, month: int, day: int) -> tuple[int, int, int] | None:
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _day(toks: list[Token], k: int) -> tuple[int, int] | None:
    """An ordinal day at ``toks[k]`` ("the 3rd", "twenty first", "twenty-first", "14"): its last token and
    value."""
    if k >= len(toks):
        return None
    t = toks[k].text
    if t == "the" and k + 1 < len(toks):
        return _day(toks, k + 1)
    if (m := re.fullmatch(r"(\d{1,2})(st|nd|rd|th)?", t)) and 1 <= int(m.group(1)) <= 31:
        return k, int(m.group(1))
    if t in ORDINALS:
        return k, ORDINALS[t]
    if t in TENS and k + 1 < len(toks) and toks[k + 1].text in ORDINALS:
        return k + 1, TENS[t] + ORDINALS[toks[k + 1].text]
    parts = t.split("-")
    if len(parts) == 2 and parts[0] in TENS and parts[1] in ORDINALS:
        return k, TENS[parts[0]] + ORDINALS[parts[1]]
    return None


def _cardinal_day(toks: list[Token], k: int) -> tuple[int, int] | None:
    """A day said as a plain number after the month, when a written year follows ("june nineteen 1993", "March 3
    1984"): its last token and value."""
    words, j = [], k
    while j < len(toks) and j - k < 2 and toks[j].text.split("-")[0] in UNITS | TEENS.keys() | TENS.keys():
        words.extend(toks[j].text.split("-"))
        j += 1
    if not words:
        return None
    day = _words_value(words)[0]
    return (j - 1, int(day)) if day and 1 <= int(day) <= 31 and j < len(toks) \
        and re.fullmatch(r"(19|20)\d\d,?", toks[j].text) else None


def _year(toks: list[Token], k: int) -> tuple[int | None, int]:
    if k < len(toks) and toks[k].text == "in":
        k += 1
    if k < len(toks) and re.fullmatch(r"(19|20)\d\d", toks[k].text):
        return int(toks[k].text), k
    if k < len(toks) and re.fullmatch(r"['’]\d\d", toks[k].raw.rstrip(",.?!;")):  # "August 2nd, '85"
        y = int(toks[k].raw.rstrip(",.?!;")[1:])
        return (2000 + y if 2000 + y <= dt.date.today().year else 1900 + y), k
    words, j = [], k
    while j < len(toks) and j - k < 4 and (toks[j].text.split("-")[0] in UNITS | TEENS.keys() | TENS.keys()
                                           or toks[j].text in ("hundred", "thousand")):
        words.extend(toks[j].text.split("-"))
        j += 1
    digits = _words_value(words)[0] if words else ""
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return int(digits), j - 1
    if len(digits) == 2 and words and words[0] in TENS:
        return int(digits) + 1900, j - 1
    return None, k


def _numeric_date(toks: list[Token], i: int) -> tuple[int, int, tuple[int, int, int]] | None:
    """"oh three fifteen eighty five", "03 15 1985": six or eight digits in month, day, year order."""
    for run in digit_runs(toks[i:i + 10]):
        if run.first != 0 or run.time or any(is_sum(t.raw) for t in toks[i:i + run.last + 1]):
            return None  # ("$1,124.70" is six digits, and dollars and cents)
        d = run.digits
        written = [numeral(t.text) for t in toks[i:i + run.last + 1] if numeral(t.text)]
        if any(len(w) not in (1, 2, 4, 6, 8) or (len(w) == 4 and k + 1 < len(written))
               for k, w in enumerate(written)):
            return None  # "200, 100, 100": hundreds, not a month and a day
        if len(written) == 3 and len(written[0]) <= 2 and len(written[1]) <= 2 and len(written[2]) in (2, 4) \
                and 1 <= int(written[0]) <= 12 and 1 <= int(written[1]) <= 31 and len(d) < 8:
            d = written[0].zfill(2) + written[1].zfill(2) + written[2]  # "2 9 2012": month and day of one digit
        if len(d) in (6, 8) and 1 <= int(d[:2]) <= 12 and 1 <= int(d[2:4]) <= 31:
            y = _century(int(d[4:])) if len(d) == 6 else int(d[4:])
            return i + run.last, y, (y, int(d[:2]), int(d[2:4]))
        return None
    return None


def recognizers() -> tuple[type, ...]:
    from .addresses import StreetAddressRecognizer
    from .cues import CueRecognizer
    from .emails import SpelledEmailRecognizer

    return (SpokenNumberRecognizer, MisheardNumberRecognizer, SpelledEmailRecognizer, StreetAddressRecognizer,
            DateOfBirthRecognizer, CueRecognizer)
