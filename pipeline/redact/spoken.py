"""Numbers as people say them and as Whisper writes them: tokens, number words, runs of digits (pure).

A card number reaches the transcript as "4111 1111 1111 1111", as "four one one one, one one one one", as
"forty one eleven", with "um" between groups, with "double five", or split across turns ("... okay ... go on").
``digit_runs`` turns a call's text into runs of digits with where they are in the text, what was said around
them, and whether they read as an amount (hundred, dollars, percent) or a time (a.m., o'clock) rather than an
identifier. The recognisers (``recognizers.py``) classify the runs; nothing here knows of Presidio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {"zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
MAGNITUDES = {"hundred": 100, "thousand": 1000}
REPEATS = {"double": 2, "triple": 3}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
            "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
            "twentieth": 20, "thirtieth": 30}
# said between the digits of one number without ending it: fillers, separators, the other party's "okay"
FILLERS = frozenset({"um", "uh", "er", "erm", "ah", "hmm", "mm", "uhm", "umm", "uh-huh", "mhm", "mm-hmm", "hm"})
BETWEEN = FILLERS | frozenset({"dash", "hyphen", "space", "and", "then", "okay", "ok", "yeah", "yes", "yep", "go",
                               "on", "ahead", "right", "sure", "got", "it", "next", "sorry", "the", "rest", "is",
                               "that's", "it's", "last", "alright", "all"})
MAX_BETWEEN = 4  # tokens in a row that may sit inside one number
AMOUNT_AFTER = frozenset({"dollars", "dollar", "bucks", "cents", "percent", "%", "euros", "pounds", "seats",
                          "users", "licenses", "licences", "people", "reps", "units", "minutes", "hours", "days",
                          "weeks", "months", "years", "k", "grand", "million", "billion", "per", "times",
                          "meg", "megs", "mb", "mbps", "gig", "gigs", "gb", "miles", "feet", "foot", "inches",
                          "pounds", "lbs", "kilos", "gallons", "kwh", "kilowatts", "watts", "panels", "items",
                          "boxes", "cases", "pieces", "packs", "tickets", "nights", "rooms", "adults", "kids",
                          "children", "installments", "payments", "lines", "devices", "seconds"})
TIME_AFTER = frozenset({"am", "pm", "a.m.", "p.m.", "a.m", "p.m", "o'clock", "oclock"})

_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^[\"'“”‘’(\[{<,;:!?.]+|[\"'“”‘’)\]}>,;:!?.]+$")


@dataclass(frozen=True)
class Token:
    text: str  # lowercase, edge punctuation stripped
    raw: str
    start: int  # character offsets in the text
    end: int

    @property
    def _bare(self) -> str:  # without closing quotes and brackets
        return self.raw.rstrip("\"')”’")

    @property
    def ends_sentence(self) -> bool:  # not at "...": Whisper's mark of a pause inside a sentence ("socials out for...")
        return self._bare.endswith((".", "?", "!")) and not self._bare.endswith("..")

    @property
    def is_question(self) -> bool:  # ends a question
        return self._bare.endswith("?")


def tokens(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        norm = _EDGE.sub("", raw).lower()
        if not norm:
            continue
        lead = len(raw) - len(raw.lstrip("\"'“”‘’([{<,;:!?."))
        out.append(Token(norm, raw, m.start() + lead, m.start() + lead + len(norm)))
    return out


def numeral(text: str) -> str | None:
    """The digits of a written number token ("4111", "4111-1111", "(415)", "555-0132"); None if it is not one.
    Decimal amounts ("$4.50", "1,200") come back too: the caller sees the "$" or "," in ``raw``."""
    t = text.strip("()#$€£%").lstrip("-+")  # "-14362": Whisper joins a group to the one before with a dash
    if re.fullmatch(r"\d+(?:[-./,]\d+)*", t):
        return re.sub(r"\D", "", t)
    return None


@dataclass(frozen=True)
class Run:
    """Digits said or written one after another (with at most ``MAX_BETWEEN`` other tokens between)."""

    digits: str
    first: int  # token indices of the first and last digit-bearing tokens
    last: int
    start: int  # character offsets
    end: int
    amount: bool  # a magnitude word, a currency sign, a decimal point, or an amount word after it
    time: bool  # "a.m.", "o'clock" after it
    groups: int  # how many separately said groups (a pause word, filler or a new numeral token between)


def _words_value(seq: list[str]) -> tuple[str, bool]:
    """Digits for a sequence of number words, read the way people read identifiers and amounts: "four one" ->
    41, "forty one" -> 41, "forty" -> 40, "four hundred fifty" -> 450, "double five" -> 55; the flag says a
    magnitude word made it an amount."""
    out, magnitude, i = "", False, 0
    while i < len(seq):
        w = seq[i]
        if w in REPEATS and i + 1 < len(seq) and seq[i + 1] in UNITS:
            out += str(UNITS[seq[i + 1]]) * REPEATS[w]
            i += 2
            continue
        value, i = _cardinal(seq, i)
        if value is None:
            i += 1
            continue
        number, had_magnitude = value
        magnitude |= had_magnitude
        out += number
    return out, magnitude


def _cardinal(seq: list[str], i: int) -> tuple[tuple[str, bool] | None, int]:
    """One number starting at ``seq[i]``: a unit, a teen or tens (+ unit), then "hundred" (+ "and" + tens) and
    "thousand" (+ what follows it)."""
    value, i = _small(seq, i, zero=True)
    if value is None:
        return None, i
    magnitude = False
    if i < len(seq) and seq[i] == "hundred":
        value, i, magnitude = value * 100, i + 1, True
        rest, i = _small(seq, i + (i < len(seq) and seq[i] == "and"), zero=False)
        value += rest or 0
    if i < len(seq) and seq[i] == "thousand":
        value, i, magnitude = value * 1000, i + 1, True
        if i < len(seq) and seq[i] == "and":
            i += 1
        rest, j = _cardinal(seq, i) if i < len(seq) and seq[i] not in ("oh", "o", "zero") else (None, i)
        if rest is not None:
            value, i = value + int(rest[0]), j
    return (str(value), magnitude), i


def _small(seq: list[str], i: int, zero: bool) -> tuple[int | None, int]:
    """A unit, a teen, or tens with an optional unit, at ``seq[i]``."""
    if i >= len(seq):
        return None, i
    w = seq[i]
    if w in UNITS and (zero or w not in ("oh", "o", "zero")):
        return UNITS[w], i + 1
    if w in TEENS:
        return TEENS[w], i + 1
    if w in TENS:
        if i + 1 < len(seq) and seq[i + 1] in UNITS and seq[i + 1] not in ("oh", "o", "zero"):
            return TENS[w] + UNITS[seq[i + 1]], i + 2
        return TENS[w], i + 1
    return None, i


def is_sum(raw: str) -> bool:
    """Dollars and cents as Whisper writes them ("$2,418.06", "$14.62"): money, never digits misheard."""
    return bool(re.search(r"\$\d[\d,]*\.\d\d\b", raw))


def is_number_word(t: str) -> bool:
    parts = t.split("-")
    return all(p in UNITS or p in TEENS or p in TENS or p in MAGNITUDES or p in REPEATS for p in parts) and bool(t)


def digit_runs(toks: list[Token]) -> list[Run]:
    """Every run of digits in ``toks``: numerals and number words, with fillers, separators and a few words of
    the other party between their groups."""
    runs: list[Run] = []
    i, n = 0, len(toks)
    while i < n:
        if not _digit_token(toks, i):
            i += 1
            continue
        members = [i]
        j, gap = i + 1, 0
        while j < n and gap <= MAX_BETWEEN:
            if toks[j].raw.startswith("$"):
                break  # an amount starts ("three one eight. Okay, $42 is paid"): no group of the digits before
            if toks[j - 1].ends_sentence and toks[i].raw.startswith("$"):
                break  # an amount ends with its sentence ("a card for the $60." - "5301 2298 4456 7712.")
            if _digit_token(toks, j):
                if _amount_after_sentence(toks, members[-1], j):
                    break
                members.append(j)
                gap = 0
            elif toks[j].text in BETWEEN:
                gap += 1
            else:
                break
            j += 1
        runs.append(_run(toks, members))
        i = members[-1] + 1
    return runs


def _amount_after_sentence(toks: list[Token], last: int, j: int) -> bool:
    """The number words from ``j`` on are a sum said in a new sentence ("... six seven five eight." - "That's three
    hundred dollars."): no group of the digits before."""
    if not any(toks[k].ends_sentence for k in range(last, j)):
        return False
    k = j
    while k < len(toks) and _digit_token(toks, k):
        k += 1
    return any(toks[m].text in MAGNITUDES for m in range(j, k)) and k < len(toks) and toks[k].text in AMOUNT_AFTER


def how_many(toks: list[Token], i: int) -> bool:
    """Whether ``toks[i]`` counts digits ("the last four is 5 0 6 1", "the first 3"), not one of them."""
    return i > 0 and toks[i - 1].text in ("last", "first") and toks[i].text in (
        "two", "three", "four", "five", "six", "2", "3", "4", "5", "6")


def _digit_token(toks: list[Token], i: int) -> bool:
    t = toks[i].text
    if how_many(toks, i):
        return False
    if t in ("oh", "o"):  # "oh" is a zero only between digits
        near = [k for k in (i - 1, i + 1) if 0 <= k < len(toks)]
        return any(toks[k].text not in ("oh", "o") and _digit_token(toks, k) for k in near)
    if t in REPEATS:
        return i + 1 < len(toks) and toks[i + 1].text in UNITS
    if t in MAGNITUDES:
        return i > 0 and (is_number_word(toks[i - 1].text) or numeral(toks[i - 1].text) is not None)
    return numeral(t) is not None or is_number_word(t)


def _run(toks: list[Token], members: list[int]) -> Run:
    digits, amount, groups, words = "", False, 0, []
    prev = None
    for k in members:
        t = toks[k]
        num = numeral(t.text)
        if num is not None:
            if words:
                d, m = _words_value(words)
                digits, amount, words = digits + d, amount or m, []
            digits += num
            amount |= "$" in t.raw or "," in t.text or bool(re.search(r"\d\.\d", t.text)) \
                or bool(re.match(r"[,.]\d{3}\b", t.raw))  # "12 ,500 ,000": an amount Whisper spaced out
            groups += 1
        else:
            if prev is None or k - prev > 1 or (prev is not None and toks[prev].ends_sentence):
                groups += 1
            words.extend(t.text.split("-"))
        prev = k
    if words:
        d, m = _words_value(words)
        digits, amount = digits + d, amount or m
    written = [numeral(toks[k].text) for k in members if numeral(toks[k].text) is not None]
    # "200, 100, 100": round hundreds, written one after another, are amounts (an identifier is seldom only that)
    amount |= len(written) >= 2 and len(written) == len(members) and all(len(w) >= 3 and w.endswith("00")
                                                                         for w in written)
    first, last = members[0], members[-1]
    after = [toks[k].text for k in range(last + 1, min(len(toks), last + 3))]
    before = toks[first - 1].raw if first > 0 else ""
    # an amount word after it ("450 dollars", "twelve grand"), unless the run is too long for a spoken amount
    # (Whisper's "6175550130 Grand," is a phone number and a misheard word)
    amount |= bool(after) and after[0] in AMOUNT_AFTER and (len(digits) <= 6 or magnitude_said(toks, members)) \
        or before.endswith("$") or toks[first].raw.startswith("$")
    amount |= len(after) > 1 and after[0] in ("a", "an") and after[1] in ("month", "year", "seat", "user", "head")
    time = bool(after) and (after[0] in TIME_AFTER or "".join(after[:2]) in ("am", "pm", "a.m.", "p.m."))
    return Run(digits, first, last, toks[first].start, toks[last].end, amount, time, max(1, groups))


def magnitude_said(toks: list[Token], members: list[int]) -> bool:
    return any(toks[k].text in MAGNITUDES or "," in toks[k].raw[:-1] for k in members)


def luhn(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 12:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def context(toks: list[Token], first: int, last: int, before: int = 12, after: int = 3) -> set[str]:
    """The words said just before (and a few just after) tokens ``first..last``."""
    lo, hi = max(0, first - before), min(len(toks), last + 1 + after)
    return {t.text for t in toks[lo:first]} | {t.text for t in toks[last + 1:hi]}


def digits_in(toks: list[Token], identifiers: bool = False) -> int:
    """Digits said in ``toks``; ``identifiers``: not counting amounts and times ("$132", "three thirty pm"; a
    bare "6.28" counts: Whisper writes a misheard group of digits so)."""
    return sum(len(r.digits) for r in digit_runs(toks) if not (identifiers and (r.time or money_run(toks, r))))


def priced(toks: list[Token], a: int, b: int) -> set[int]:
    """Indices of the tokens in ``toks[a:b]`` that say an amount or a time."""
    part = toks[a:b]
    return {a + j for r in digit_runs(part) if r.time or money_run(part, r) for j in range(r.first, r.last + 1)}


def money_run(toks: list[Token], run) -> bool:
    said = toks[run.first:run.last + 2]
    return run.amount and any("$" in t.raw or t.text in AMOUNT_AFTER or t.text in MAGNITUDES or "," in t.raw[:-1]
                              for t in said)
