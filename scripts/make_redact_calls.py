"""Make the labelled PII-redaction set: sales calls in which personal data is read aloud, every item timed.

    python scripts/make_redact_calls.py      # writes redact_calls/{tune,test,dev}/, redact_calls/labels.json and
                                             # redact_calls/harper_labels.json (the four real Harper Valley calls)
    python scripts/make_redact_calls.py --wide DIR   # the same calls at 16 kHz, no phone line, into DIR

Each recording is a rep and a buyer on the phone for 30-70 s, in which the buyer (and sometimes the rep, reading
back) says card, account and routing numbers, social security numbers, phone numbers, e-mail addresses, street
addresses, dates of birth and the buyer's name, in the ways people say them: digit by digit, in groups with
pauses, with "um" between groups, "oh" for zero, "double five", in pairs ("forty one, eleven"), split over two
turns ("go on"), "the last four of my social". Around them are the numbers a sales call is full of and that
must stay: prices, times, seat counts, contract years, percentages, meeting dates, the rep's own name and
company. Every utterance is built from pieces, each piece its own TTS clip, joined with short gaps, so the
start and end of every entity in the final recording is known to the sample. All values are fake: card numbers
are Luhn-valid but drawn from a generator seeded by the call's name, phone numbers are 555-01xx, full social
security numbers start with 9 (never issued), routing numbers are random with a valid ABA checksum.

Voices are espeak-ng (and, in ``dev/``, flite too), the line is phone band (300-3400 Hz, 8 kHz): mono G.711 mu-law
or stereo 16-bit FLAC (rep left). The halves use other voices, other wordings and other values: tune on ``tune/``
and on ``dev/`` (a second tuning set, 16 calls in new wording, with its own reps, espeak-ng voices and flite
voices, and one more negative kind, "reference": order, quote, case, invoice and claim numbers read as digits);
``test/`` is frozen. Deterministic: no dither, seeded noise and seeded values; a second run writes the same bytes.
Needs espeak-ng, flite and sox (as ``make_sample_calls.py``). ``harper_labels.json`` labels the four real calls in
``../shared/data/real/harper-valley-dev/`` from their human transcripts, at segment granularity (see HARPER).
See ``redact_calls/README.md`` for the label format.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_calls import MIX_RATE, ROOT, normalise, run, seeded_noise, synthesize, trim  # noqa: E402

OUT = ROOT / "redact_calls"
HARPER_DIR = ROOT.parent / "shared" / "data" / "real" / "harper-valley-dev"

NOISE_DBFS = -64.0
LEAD_IN_S = 0.5
TAIL_S = 0.8
TURN_GAP_S = (0.40, 0.90)  # silence between turns (no turn overlaps another)
PIECE_GAP_S = (0.10, 0.20)  # between the pieces of one utterance
GROUP_GAP_S = (0.30, 0.45)  # between the digit groups of a number read "with pauses"
FILLER_GAIN = 0.5  # an "um" between groups is quieter than the digits

KINDS = ("CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER", "EMAIL_ADDRESS",
         "STREET_ADDRESS", "DATE_OF_BIRTH", "PERSON")
NEGATIVE_KINDS = ("price", "time", "quantity", "year", "percent", "date", "name")
# the dev half also has "reference": an order, quote, ticket, invoice or claim number read as digits (not PII)
HALF_NEGATIVE_KINDS = {"tune": NEGATIVE_KINDS, "test": NEGATIVE_KINDS, "dev": NEGATIVE_KINDS + ("reference",)}
ALL_NEGATIVE_KINDS = tuple(dict.fromkeys(k for kinds in HALF_NEGATIVE_KINDS.values() for k in kinds))
# every half has each of these spoken styles at least once (checked after rendering)
STYLES = ("one_by_one", "grouped", "fillers", "oh_zero", "double_triple", "pairs", "split_turns", "readback",
          "last_four_ssn", "email_dot", "email_underscore", "email_dash", "email_co_uk", "address_full",
          "address_city_no_zip", "address_street_only", "address_four_digit_number", "dob_month_day_year",
          "dob_numeric", "dob_day_of_month", "dob_birthday_is", "name_my_name_is", "name_this_is",
          "name_rep_thanks")
MIN_PER_KIND = 3
FILLERS = {"um", "uh", "er"}
PUNCT = re.compile(r"[\s.,!?;:]+")

HALVES = {
    "tune": {
        "rep": [{"voice": "en-us+m3", "wpm": 175}, {"voice": "en-gb-scotland+m1", "wpm": 170}],
        "buyer": [{"voice": "en-us+f2", "wpm": 165}, {"voice": "en+m4", "wpm": 175},
                  {"voice": "en-029+f3", "wpm": 160}],
    },
    "test": {
        "rep": [{"voice": "en-gb-x-rp+m2", "wpm": 168}, {"voice": "en-us-nyc+m7", "wpm": 182}],
        "buyer": [{"voice": "en-us+f5", "wpm": 170}, {"voice": "en-gb+f1", "wpm": 160},
                  {"voice": "en-gb-x-gbclan+m5", "wpm": 178}],
    },
    # dev: espeak-ng voice/variant pairs used in neither half above, and flite's built-in voices (duration_stretch
    # above 1 is slower; at 1.0 flite is about as fast as espeak-ng at 170-175 wpm). Rep 0 is Devon (Pinecrest
    # Solar), rep 1 Teresa (Lakeshore Office Supply). The West Midlands voice (en-gb-x-gbcwmd) and en-us-nyc+f4 were
    # tried and dropped: Whisper base recognised far fewer of their words over the phone band than of tune's voices.
    "dev": {
        "rep": [{"voice": "en-us+m6", "wpm": 160}, {"engine": "flite", "voice": "slt", "duration_stretch": 0.95}],
        "buyer": [{"voice": "en-us+steph2", "wpm": 182}, {"engine": "flite", "voice": "awb", "duration_stretch": 1.08},
                  {"voice": "en-029+m8", "wpm": 152}, {"engine": "flite", "voice": "kal16", "duration_stretch": 1.0},
                  {"voice": "en-gb+f4", "wpm": 170}],
    },
}
STEREO_PARITY = {"tune": 1, "test": 0, "dev": 1}  # call i of a half is stereo when i % 2 equals this

# ---------------------------------------------------------------------------------------------- numbers in words
ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_ORD = {1: "first", 2: "second", 3: "third", 5: "fifth", 8: "eighth", 9: "ninth", 12: "twelfth"}


def under_100(n: int) -> str:
    if n < 10:
        return ONES[n]
    if n < 20:
        return TEENS[n - 10]
    tens, ones = divmod(n, 10)
    return TENS[tens] + (f" {ONES[ones]}" if ones else "")


def pair(n: int) -> str:
    """Two digits as said in a number read in pairs: 41 -> forty one, 5 -> oh five, 0 -> oh oh."""
    return f"oh {ONES[n]}" if n < 10 else under_100(n)


def ordinal(n: int) -> str:
    if n in _ORD:
        return _ORD[n]
    if n < 20:
        return under_100(n) + "th"
    tens, ones = divmod(n, 10)
    if not ones:
        return TENS[tens][:-1] + "ieth"
    return f"{TENS[tens]} {ordinal(ones)}"


def year_words(y: int) -> str:
    if 2000 <= y < 2010:
        return "two thousand" + (f" {ONES[y - 2000]}" if y > 2000 else "")
    return f"{under_100(y // 100)} {pair(y % 100)}"


def house_words(n: int) -> str:
    """422 -> four twenty two, 1187 -> eleven eighty seven, 12 -> twelve, 305 -> three oh five."""
    if n < 100:
        return under_100(n)
    return f"{under_100(n // 100)} {pair(n % 100)}"


def spell(digits: str, zero: str = "zero", runs: bool = False) -> str:
    """Digit by digit; ``runs``: "double five", "triple seven" for repeated digits."""
    words = []
    for match in re.finditer(r"(\d)\1*", digits):
        d, n = match.group(1), len(match.group(0))
        word = zero if d == "0" else ONES[int(d)]
        if runs and n in (2, 3):
            words.append(f"{'double' if n == 2 else 'triple'} {word}")
        else:
            words += [word] * n
    return " ".join(words)


def say_pairs(digits: str) -> str:
    parts = [pair(int(digits[i : i + 2])) for i in range(0, len(digits) - 1, 2)]
    if len(digits) % 2:
        parts.append(ONES[int(digits[-1])])
    return ", ".join(parts)


def has_run(digits: str) -> bool:
    return re.search(r"(\d)\1", digits) is not None


def no_zero_pair(digits: str) -> bool:
    """No "00" among the pairs (read in pairs, it would be "oh oh")."""
    return all(digits[i : i + 2] != "00" for i in range(0, len(digits) - 1, 2))


# ------------------------------------------------------------------------------------------------- fake values
def seeded_rng(*parts: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:8], "little"))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def draw(rng: random.Random, make, need=lambda d: True) -> str:
    for _ in range(10_000):
        value = make()
        if need(value):
            return value
    raise RuntimeError("no value meets the condition")


def fake_card(rng: random.Random, need=lambda d: True) -> str:
    def make() -> str:
        body = rng.choice(["4", "51", "52", "53", "54", "55"])
        body += "".join(rng.choice("0123456789") for _ in range(15 - len(body)))
        return body + next(c for c in "0123456789" if luhn_ok(body + c))
    return draw(rng, make, need)


def fake_routing(rng: random.Random, need=lambda d: True) -> str:
    """Nine digits with a valid ABA checksum (routing numbers name a bank, not a person)."""
    def make() -> str:
        body = f"{rng.randint(1, 12):02d}" + "".join(rng.choice("0123456789") for _ in range(6))
        w = [3, 7, 1, 3, 7, 1, 3, 7]
        check = (10 - sum(int(c) * k for c, k in zip(body, w)) % 10) % 10
        return body + str(check)
    return draw(rng, make, need)


def fake_digits(rng: random.Random, n: int, need=lambda d: True) -> str:
    return draw(rng, lambda: rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(n - 1)), need)


def fake_ssn(rng: random.Random, need=lambda d: True) -> str:
    """9xx-xx-xxxx with group 01-49: never an SSN, and outside the ITIN groups."""
    return draw(rng, lambda: f"9{rng.randint(0, 99):02d}{rng.randint(1, 49):02d}{rng.randint(1, 9999):04d}", need)


def fake_phone(rng: random.Random, need=lambda d: True) -> str:
    """An area code and a 555-01xx number (reserved for fiction)."""
    return draw(rng, lambda: rng.choice(["212", "312", "415", "617", "303", "206", "404", "512", "718"])
                + f"55501{rng.randint(0, 99):02d}", need)


# ---------------------------------------------------------------------------------------------- dialogue pieces
@dataclass
class Ent:
    """One item of personal data: its spoken chunks (each its own clip) and how they are joined."""

    kind: str
    value: str
    chunks: list[str]
    styles: tuple[str, ...] = ()
    grouped: bool = False  # a longer pause between chunks (not around fillers)
    key: object = None
    pieces_field: bool = False

    def __post_init__(self):
        assert self.kind in KINDS, self.kind
        if self.key is None:
            self.key = object()

    def split(self, at: int) -> tuple["Ent", "Ent"]:
        """The same entity read over two turns: chunks[:at] now, the rest after the other speaker's "go on"."""
        styles = self.styles + ("split_turns",)
        first = Ent(self.kind, self.value, self.chunks[:at], styles, self.grouped, self.key, True)
        rest = Ent(self.kind, self.value, self.chunks[at:], styles, self.grouped, self.key, True)
        return first, rest


@dataclass
class Neg:
    """A number or name that a redactor must leave alone."""

    kind: str
    text: str

    def __post_init__(self):
        assert self.kind in ALL_NEGATIVE_KINDS, self.kind


def number(kind: str, digits: str, groups: tuple[int, ...], *, zero: str = "zero", runs: bool = False,
           pairs: bool = False, fillers: dict[int, str] | None = None, one_chunk: bool = False,
           grouped: bool = True, styles: tuple[str, ...] = ()) -> Ent:
    """A number read in ``groups`` (digit counts); ``fillers`` {i: "um"}: a filler after group i."""
    assert sum(groups) == len(digits), (groups, digits)
    parts, i = [], 0
    for g in groups:
        parts.append(digits[i : i + g])
        i += g
    words = [say_pairs(p) if pairs else spell(p, zero, runs) for p in parts]
    chunks = []
    for j, w in enumerate(words):
        chunks.append(w)
        if fillers and j in fillers:
            chunks.append(fillers[j])
    tags = list(styles)
    if one_chunk:
        chunks, tags = [" ".join(words)], tags + ["one_by_one"]
    elif grouped and len(chunks) > 1:
        tags.append("grouped")
    if zero == "oh" and "0" in digits and not pairs:
        tags.append("oh_zero")
    if runs and any(has_run(p) for p in parts):
        tags.append("double_triple")
    if pairs:
        tags.append("pairs")
    if fillers:
        tags.append("fillers")
    return Ent(kind, digits, chunks, tuple(dict.fromkeys(tags)), grouped and not one_chunk)


def person(name: str, style: str | None = None) -> Ent:
    return Ent("PERSON", name, [name], (style,) if style else ())


def email(value: str, chunks: list[str], *styles: str) -> Ent:
    return Ent("EMAIL_ADDRESS", value, chunks, styles)


PLACES = {  # city, state, state abbreviation, zip
    "springfield": ("Springfield", "Illinois", "IL", "62704"),
    "fairview": ("Fairview", "Oregon", "OR", "97024"),
    "madison": ("Madison", "Wisconsin", "WI", "53703"),
    "franklin": ("Franklin", "Tennessee", "TN", "37064"),
    "greenville": ("Greenville", "South Carolina", "SC", "29601"),
    "riverton": ("Riverton", "Wyoming", "WY", "82501"),
    "salem": ("Salem", "Massachusetts", "MA", "01970"),
    # dev
    "duluth": ("Duluth", "Minnesota", "MN", "55802"),
    "bozeman": ("Bozeman", "Montana", "MT", "59715"),
    "tempe": ("Tempe", "Arizona", "AZ", "85281"),
    "boise": ("Boise", "Idaho", "ID", "83702"),
    "burlington": ("Burlington", "Vermont", "VT", "05401"),
    "dayton": ("Dayton", "Ohio", "OH", "45402"),
}


def address(rng: random.Random, street: str, digits: int, place: str | None = None, unit: str | None = None,
            zip_code: bool = True, grouped: bool = True) -> Ent:
    """A street address; ``digits``: 2 ("twelve Birch Lane"), 3 ("four twenty two"), 4 ("eleven eighty seven")."""
    low, high = {2: (2, 49), 3: (101, 989), 4: (1011, 1989)}[digits]
    n = draw(rng, lambda: rng.randint(low, high), lambda n: n < 100 or n % 100 >= 10)
    chunks, value, styles = [f"{house_words(n)} {street}"], f"{n} {street}", []
    if unit:
        kind, num = unit.split()
        chunks.append(f"{'apartment' if kind == 'apt' else kind} {under_100(int(num))}")
        value += f", {kind.capitalize()} {num}"
    if place:
        city, state, abbr, zip_digits = PLACES[place]
        chunks.append(f"{city}, {state}")
        value += f", {city}, {abbr}"
        if zip_code:
            chunks.append(spell(zip_digits, "oh"))
            value += f" {zip_digits}"
    if unit:
        styles.append("address_unit")
    if place and zip_code:
        styles.append("address_full")
    elif place and not zip_code:
        styles.append("address_city_no_zip")
    elif not place:
        styles.append("address_street_only")
    if n >= 1000:
        styles.append("address_four_digit_number")
    return Ent("STREET_ADDRESS", value, chunks, tuple(styles), grouped)


def dob(rng: random.Random, style: str) -> Ent:
    y, m, d = rng.randint(1952, 2001), rng.randint(1, 12), rng.randint(1, 28)
    value = f"{y:04d}-{m:02d}-{d:02d}"
    if style == "dob_numeric":  # "oh three, fifteen, eighty five"
        chunks = [f"{pair(m)}, {pair(d)}, {pair(y % 100)}"]
    elif style == "dob_day_of_month":  # "the fourth of July, nineteen seventy nine"
        chunks = [f"the {ordinal(d)} of {MONTHS[m - 1]}", year_words(y)]
    else:  # "March third, nineteen eighty five" ("my birthday is" goes before it, outside the entity)
        chunks = [f"{MONTHS[m - 1]} {ordinal(d)}", year_words(y)]
    return Ent("DATE_OF_BIRTH", value, chunks, (style,))


def readback(e: Ent, **kw) -> Ent:
    """The rep reading a number back (a new entity, the rep's)."""
    groups = kw.pop("groups")
    return number(e.kind, e.value, groups, styles=("readback",), **kw)


class Script:
    def __init__(self, half: str, name: str):
        self.rng = seeded_rng("values", half, name)
        self.turns: list[tuple[str, tuple]] = []

    def rep(self, *items) -> None:
        self.turns.append(("rep", items))

    def buyer(self, *items) -> None:
        self.turns.append(("buyer", items))


# ------------------------------------------------------------------------------------------- the tune dialogues
def tune_card_1(s: Script) -> None:
    card = number("CARD_NUMBER", fake_card(s.rng), (4, 4, 4, 4))
    s.rep("Hi, this is", Neg("name", "Sam from Northwind"), ". Thanks for calling back. Who am I speaking with?")
    s.buyer("Hi, my name is", person("Maria Lopez", "name_my_name_is"), ".")
    s.rep("Thanks,", person("Maria", "name_rep_thanks"), ". So you'd like to move the team onto the annual plan?")
    s.buyer("Yes, we need", Neg("quantity", "twenty five seats"), "to start with.")
    s.rep("Great. That comes to", Neg("price", "four hundred and fifty dollars a month"),
          ", and I can take a card today.")
    s.buyer("Sure. The card number is", card, ".")
    s.rep("Let me read that back.", readback(card, groups=(4, 4, 4, 4)), ". Is that correct?")
    s.buyer("Yes, that's it.")
    s.rep("And a phone number, in case the payment fails?")
    s.buyer("It's", number("PHONE_NUMBER", fake_phone(s.rng), (10,), one_chunk=True), ".")
    s.rep("Perfect. Your first invoice goes out", Neg("date", "next Thursday the fourteenth"), ". Anything else?")
    s.buyer("No, that's all, thank you.")


def tune_card_2(s: Script) -> None:
    digits = fake_card(s.rng, lambda d: sum(has_run(d[i : i + 4]) for i in range(0, 16, 4)) >= 2)
    s.rep("Good afternoon, you're through to", Neg("name", "Sam at Northwind"), ". How can I help?")
    s.buyer("Hi, this is", person("Daniel Okafor", "name_this_is"), ", I'd like to pay the setup fee.")
    s.rep("Sure, it's", Neg("price", "twelve thousand five hundred"), ". First, the last four of your social?")
    s.buyer("The last four of my social are",
            number("SSN", fake_digits(s.rng, 4), (4,), one_chunk=True, styles=("last_four_ssn",)), ".")
    s.rep("Thanks. And the card number?")
    s.buyer("Okay, it's", number("CARD_NUMBER", digits, (4, 4, 4, 4), runs=True, fillers={0: "um", 2: "uh"}), ".")
    s.rep("Done. You also get", Neg("percent", "fifteen percent"), "off the first year.")
    s.buyer("Great, thanks", Neg("name", "Sam"), ".")


def tune_bank_1(s: Script) -> None:
    account = number("ACCOUNT_NUMBER", fake_digits(s.rng, 12), (4, 4, 4))
    first, rest = account.split(2)
    s.rep("Hello, it's", Neg("name", "Jordan from Acme Logistics"), ", calling about your autopay form. Is this",
          person("Priya"), "?")
    s.buyer("Yes, this is", person("Priya Nair", "name_this_is"), ".")
    s.rep("Great. I just need the routing number and the account number.")
    s.buyer("The routing number is", number("ROUTING_NUMBER", fake_routing(s.rng), (9,), one_chunk=True), ".")
    s.rep("Thanks. And the account number?")
    s.buyer("Okay, the account is", first)
    s.rep("Okay, go on.")
    s.buyer(rest, ".")
    s.rep("Lovely. The draft will be", Neg("price", "three hundred and twenty dollars"), "on",
          Neg("date", "the first of each month"), ".")
    s.buyer("That works. Can we talk again at", Neg("time", "three thirty on Tuesday"), "?")
    s.rep("Sure, that's in the diary. Thanks,", person("Priya", "name_rep_thanks"), ".")
    s.buyer("Bye now.")


def tune_bank_2(s: Script) -> None:
    routing = number("ROUTING_NUMBER", fake_routing(s.rng, lambda d: "0" in d[2:]), (3, 3, 3), zero="oh")
    account = number("ACCOUNT_NUMBER", fake_digits(s.rng, 10, no_zero_pair), (4, 6), pairs=True)
    s.rep("Hi, this is", Neg("name", "Jordan from Acme Logistics"), ". Am I speaking with the account holder?")
    s.buyer("You are. My name is", person("James Whitfield", "name_my_name_is"), ".")
    s.rep("Thanks. We owe you a refund of", Neg("price", "two hundred and ten dollars"), ". Where should we send it?")
    s.buyer("To my checking account. The routing number is", routing, ".")
    s.rep("And the account number?")
    s.buyer("It's", account, ".")
    s.rep("Let me confirm that.", readback(account, groups=(4, 3, 3)), "?")
    s.buyer("Yes, correct.")
    s.rep("You'll see it within", Neg("quantity", "five business days"), ". Anything else?")
    s.buyer("No, thanks.")


def tune_identity_1(s: Script) -> None:
    s.rep("Good morning, this is", Neg("name", "Sam from Northwind"),
          "about your financing application. Could I take your full name?")
    s.buyer("Sure, it's", person("Aisha Bello"), ".")
    s.rep("Thanks,", person("Aisha", "name_rep_thanks"), ". And your date of birth?")
    s.buyer(dob(s.rng, "dob_month_day_year"), ".")
    s.rep("And your social security number, please.")
    s.buyer(number("SSN", fake_ssn(s.rng), (3, 2, 4)), ".")
    s.rep("Thank you. And the best number to reach you?")
    s.buyer(number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4)), ".")
    s.rep("Great. The rate is", Neg("percent", "six point nine percent"), "over", Neg("quantity", "thirty six months"),
          ", and I'll call you at", Neg("time", "eight fifteen a m"), "tomorrow.")
    s.buyer("Sounds good, thanks.")


def tune_identity_2(s: Script) -> None:
    s.rep("Hi, it's", Neg("name", "Sam at Northwind"), ". Before I change the plan I need to verify you. "
          "Your name, please?")
    s.buyer("This is", person("Tomasz Novak", "name_this_is"), ".")
    s.rep("And your date of birth?")
    s.buyer(dob(s.rng, "dob_numeric"), ".")
    s.rep("And the last four of your social?")
    s.buyer("The last four are",
            number("SSN", fake_digits(s.rng, 4), (4,), one_chunk=True, styles=("last_four_ssn",)), ".")
    s.rep("Thanks, you're verified. I'll move you to", Neg("quantity", "forty seats"), "from",
          Neg("date", "the first of next month"), ".")
    s.buyer("And the price?")
    s.rep("That's", Neg("price", "nine hundred dollars a month"), ".")
    s.buyer("Perfect, thank you.")


def tune_contact_1(s: Script) -> None:
    s.rep("Hi, this is", Neg("name", "Jordan from Acme Logistics"), ". You asked about our webinar on",
          Neg("date", "Friday the twenty second"), ".")
    s.buyer("Yes. My name is", person("Grace Kim", "name_my_name_is"), ".")
    s.rep("Thanks,", person("Grace", "name_rep_thanks"), ". What e-mail should the invite go to?")
    s.buyer("It's", email("g.kim@gmail.com", ["g dot kim", "at gmail dot com"], "email_dot"), ".")
    s.rep("And a mobile number for reminders?")
    s.buyer(number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), zero="oh"), ".")
    s.rep("Great. It starts at", Neg("time", "eleven a m"), "and runs", Neg("quantity", "forty five minutes"), ".")
    s.buyer("Perfect. See you then.")


def tune_contact_2(s: Script) -> None:
    phone = fake_phone(s.rng, lambda d: has_run(d[-2:]) or has_run(d[:3]))
    s.rep("Hello, it's", Neg("name", "Jordan from Acme Logistics"), ", following up on your quote for",
          Neg("quantity", "twelve trucks"), ".")
    s.buyer("Hi", Neg("name", "Jordan"), ", this is", person("Luis Ortega", "name_this_is"), "from",
            Neg("name", "Bluewater Freight"), ".")
    s.rep("Where should I send the updated quote?")
    s.buyer("Send it to", email("luis_ortega@outlook.com", ["luis underscore ortega", "at outlook dot com"],
                                "email_underscore"), ".")
    s.rep("And is this the best number to call?")
    s.buyer("Better to use my cell.", number("PHONE_NUMBER", phone, (3, 3, 4), zero="oh", runs=True), ".")
    s.rep("Got it. The quote is", Neg("price", "six thousand eight hundred dollars"), ", with",
          Neg("percent", "ten percent"), "off if you renew in", Neg("year", "twenty twenty seven"), ".")
    s.buyer("Okay, send it over.")


def tune_address_1(s: Script) -> None:
    s.rep("Hi, this is", Neg("name", "Sam from Northwind"), ". I'm arranging delivery of your handsets. "
          "Who am I speaking with?")
    s.buyer("My name is", person("Hannah Schultz", "name_my_name_is"), ".")
    s.rep("Thanks,", person("Hannah", "name_rep_thanks"), ". What's the delivery address?")
    s.buyer(address(s.rng, "Oak Street", 3, "springfield", "apt 5"), ".")
    s.rep("And an e-mail for the tracking link?")
    s.buyer(email("h.schultz@icloud.com", ["h dot schultz", "at icloud dot com"], "email_dot"), ".")
    s.rep("Great. You'll get", Neg("quantity", "thirty handsets"), "on", Neg("date", "Monday the ninth"),
          ", before", Neg("time", "noon"), ".")
    s.buyer("Thank you.")


def tune_address_2(s: Script) -> None:
    s.rep("Hi, it's", Neg("name", "Sam at Northwind"), ". I'm setting up your customer profile. "
          "Can I get your name?")
    s.buyer("Yes, this is", person("Kwame Mensah", "name_this_is"), ".")
    s.rep("And your date of birth?")
    s.buyer("My birthday is", dob(s.rng, "dob_birthday_is"), ".")
    s.rep("And your home address?")
    s.buyer(address(s.rng, "Maple Avenue", 4), ".")
    s.rep("And a number we can text?")
    s.buyer(number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), zero="oh", fillers={1: "uh"}), ".")
    s.rep("Thanks,", person("Kwame"), ". Your plan is", Neg("price", "ninety nine dollars a month"), ".")
    s.buyer("Fine by me.")


def tune_mixed_1(s: Script) -> None:
    card = fake_card(s.rng, no_zero_pair)
    s.rep("Hi, this is", Neg("name", "Jordan from Acme Logistics"),
          ". I'm finishing your account setup. Can I take your name?")
    s.buyer("Sure, my name is", person("Emily Carter", "name_my_name_is"), ".")
    s.rep("Thanks. What's your e-mail?")
    s.buyer(email("emily-carter7@yahoo.co.uk", ["emily dash carter seven", "at yahoo dot co dot uk"],
                  "email_dash", "email_co_uk"), ".")
    s.rep("And your date of birth?")
    s.buyer("It's", dob(s.rng, "dob_day_of_month"), ".")
    s.rep("For the credit check, your social security number?")
    s.buyer(number("SSN", fake_ssn(s.rng), (3, 2, 4), fillers={0: "uh"}), ".")
    s.rep("And the card for the deposit?")
    s.buyer(number("CARD_NUMBER", card, (4, 4, 4, 4), pairs=True), ".")
    s.rep("And where should the paperwork go?")
    s.buyer(address(s.rng, "Cedar Road", 2, "riverton", zip_code=False), ".")
    s.rep("Thanks,", person("Emily", "name_rep_thanks"), ". The deposit is", Neg("price", "two hundred dollars"),
          ", and the install is at", Neg("time", "ten thirty on Wednesday"), ".")
    s.buyer("Great.")


def tune_mixed_2(s: Script) -> None:
    s.rep("Hello, this is", Neg("name", "Jordan from Acme Logistics"), ". Is this", person("Rahul"), "?")
    s.buyer("Yes, this is", person("Rahul Mehta", "name_this_is"), ".")
    s.rep("I need your bank details for the direct debit.")
    s.buyer("Routing", number("ROUTING_NUMBER", fake_routing(s.rng), (9,), one_chunk=True), ".")
    s.rep("And the account?")
    s.buyer(number("ACCOUNT_NUMBER", fake_digits(s.rng, 8), (8,), one_chunk=True), ".")
    s.rep("And the service address?")
    s.buyer(address(s.rng, "Birch Lane", 2), ".")
    s.rep("Thanks. The first debit is", Neg("price", "one hundred and forty dollars"), "on",
          Neg("date", "the twentieth"), ".")
    s.buyer("Okay, thanks.")


# ------------------------------------------------------------------------------------------- the test dialogues
def test_card_1(s: Script) -> None:
    card = number("CARD_NUMBER", fake_card(s.rng, lambda d: "0" in d[:8] and "0" in d[8:]), (4, 4, 4, 4), zero="oh")
    first, rest = card.split(2)
    s.rep("Good afternoon,", Neg("name", "Alex here from Brightline"), ". How can I help you today?")
    s.buyer("Hello, this is", person("Sofia Rossi", "name_this_is"), ". I'd like to order the laptops we discussed.")
    s.rep("Of course. That's", Neg("quantity", "eighteen laptops"), "at", Neg("price", "three thousand two hundred"),
          "in total. How will you pay?")
    s.buyer("On my card. It's", first)
    s.rep("Go on.")
    s.buyer(rest, ".")
    s.rep("Thank you. They'll ship on", Neg("date", "Wednesday the third"), ".")
    s.buyer("Lovely, thanks a lot.")


def test_card_2(s: Script) -> None:
    digits = fake_card(s.rng, lambda d: sum(has_run(d[i : i + 4]) for i in range(0, 16, 4)) >= 2)
    card = number("CARD_NUMBER", digits, (16,), one_chunk=True)
    s.rep("Hi, it's", Neg("name", "Alex calling from Brightline"), ". Is that", person("Marcus"), "?")
    s.buyer("Speaking. I'm", person("Marcus Bell"), ", yes.")
    s.rep("Great. To release the order I need to check the last four of your social.")
    s.buyer("Sure, the last four of my social are",
            number("SSN", fake_digits(s.rng, 4), (4,), one_chunk=True, styles=("last_four_ssn",)), ".")
    s.rep("Thanks. And the card you'd like to use?")
    s.buyer(card, ".")
    s.rep("I'll repeat that.", readback(card, groups=(4, 4, 4, 4), runs=True), ". Right?")
    s.buyer("Right.")
    s.rep("Good. You're locked in at", Neg("percent", "twelve percent"), "off until",
          Neg("year", "twenty twenty eight"), ".")
    s.buyer("Brilliant, cheers.")


def test_bank_1(s: Script) -> None:
    routing = number("ROUTING_NUMBER", fake_routing(s.rng), (3, 3, 3), fillers={0: "um", 1: "er"})
    account = number("ACCOUNT_NUMBER", fake_digits(s.rng, 11, lambda d: has_run(d[:4]) and has_run(d[4:])),
                     (4, 4, 3), runs=True)
    s.rep("Morning, it's", Neg("name", "Nina from Copperleaf"), ". We're switching your billing to bank transfer. "
          "Could I take your name first?")
    s.buyer("Of course, my name is", person("Yuki Tanaka", "name_my_name_is"), ".")
    s.rep("Thank you,", person("Yuki", "name_rep_thanks"), ". What's the routing number?")
    s.buyer("Let me see.", routing, ".")
    s.rep("And the account number?")
    s.buyer(account, ".")
    s.rep("Lovely. You'll be charged", Neg("price", "seventy five dollars per user"), "at",
          Neg("date", "the end of the month"), ".")
    s.buyer("That's fine, thanks.")


def test_bank_2(s: Script) -> None:
    account = number("ACCOUNT_NUMBER", fake_digits(s.rng, 10, no_zero_pair), (6, 4), pairs=True)
    s.rep("Hi, this is", Neg("name", "Nina at Copperleaf"), ". I've got your reimbursement here. Who am I talking to?")
    s.buyer("This is", person("Olivia Grant", "name_this_is"), ".")
    s.rep("Thanks. It comes to", Neg("price", "five hundred and sixty dollars"),
          ". Which account should I pay it into?")
    s.buyer("Routing number", number("ROUTING_NUMBER", fake_routing(s.rng, lambda d: "0" in d), (9,), zero="oh",
                                     one_chunk=True), ".")
    s.rep("And the account?")
    s.buyer(account, ".")
    s.rep("Let me read it back.", readback(account, groups=(3, 3, 4), zero="oh"), ". Is that right?")
    s.buyer("Yes, that's right.")
    s.rep("Done. It should land by", Neg("date", "Monday the twenty first"), ".")
    s.buyer("Thanks so much.")


def test_identity_1(s: Script) -> None:
    ssn = number("SSN", fake_ssn(s.rng, lambda d: "0" in d), (3, 2, 4), zero="oh")
    s.rep("Hello, it's", Neg("name", "Alex from Brightline"), ". I just need to confirm a few details for the lease.")
    s.buyer("No problem. I'm", person("Ibrahim Haddad"), ".")
    s.rep("Thank you. Your date of birth?")
    s.buyer(dob(s.rng, "dob_numeric"), ".")
    s.rep("And your social security number?")
    s.buyer("It's", ssn, ".")
    s.rep("And a contact number?")
    s.buyer(number("PHONE_NUMBER", fake_phone(s.rng), (10,), one_chunk=True), ".")
    s.rep("Thanks,", person("Ibrahim", "name_rep_thanks"), ". The lease is", Neg("percent", "eight and a half percent"),
          "for", Neg("quantity", "twenty four months"), ".")
    s.buyer("Okay, great.")


def test_identity_2(s: Script) -> None:
    s.rep("Hi, it's", Neg("name", "Alex at Brightline"),
          ". Before we talk about the upgrade, can you confirm your name?")
    s.buyer("My name is", person("Chloe Martin", "name_my_name_is"), ".")
    s.rep("And your date of birth?")
    s.buyer("Sure, it's", dob(s.rng, "dob_day_of_month"), ".")
    s.rep("And finally the last four of your social security number.")
    s.buyer("The last four of my social are",
            number("SSN", fake_digits(s.rng, 4), (2, 2), pairs=True, styles=("last_four_ssn",)), ".")
    s.rep("Thanks. Is your address still the same?")
    s.buyer("No, we moved to", address(s.rng, "Elm Court", 2), ".")
    s.rep("Noted. We can do the upgrade at", Neg("time", "half past two on Monday"), ".")
    s.buyer("Monday works, thanks.")


def test_contact_1(s: Script) -> None:
    s.rep("Good morning,", Neg("name", "Nina from Copperleaf"), "here. You downloaded our pricing guide?")
    s.buyer("I did. This is", person("Priya Natarajan", "name_this_is"), "from", Neg("name", "Harbor Dental"), ".")
    s.rep("Thanks,", person("Priya", "name_rep_thanks"), ". Where can I send the case study?")
    s.buyer(email("priya_n@outlook.com", ["priya underscore n", "at outlook dot com"], "email_underscore"), ".")
    s.rep("And a phone number?")
    s.buyer(number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), fillers={1: "um"}), ".")
    s.rep("Thanks. Our starter tier covers", Neg("quantity", "sixty licences"), "for",
          Neg("price", "two thousand four hundred dollars"), "a year.")
    s.buyer("Good to know.")


def test_contact_2(s: Script) -> None:
    phone = fake_phone(s.rng, has_run)
    s.rep("Hi there,", Neg("name", "Nina calling from Copperleaf"), ". You asked for a call back about the demo?")
    s.buyer("Yes, I'm", person("Sam Lee"), ".")
    s.rep("Hi", person("Sam"), ". What's the best e-mail for the invite?")
    s.buyer("It's", email("sam-lee7@yahoo.co.uk", ["sam dash lee seven", "at yahoo dot co dot uk"],
                          "email_dash", "email_co_uk"), ".")
    s.rep("And a number in case the link fails?")
    s.buyer(number("PHONE_NUMBER", phone, (3, 3, 4), runs=True), ".")
    s.rep("Great, the demo is at", Neg("time", "nine forty five a m"), "on", Neg("date", "Tuesday the eleventh"), ".")
    s.buyer("How long does it take?")
    s.rep("About", Neg("quantity", "forty minutes"), ".")
    s.buyer("See you then.")


def test_address_1(s: Script) -> None:
    s.rep("Hello, this is", Neg("name", "Alex from Brightline"), ". We need a billing address on file. Who's this?")
    s.buyer("This is", person("Diego Alvarez", "name_this_is"), ".")
    s.rep("Thanks,", person("Diego", "name_rep_thanks"), ". What's the address?")
    s.buyer("It's", address(s.rng, "Willow Drive", 3, "franklin", "unit 12"), ".")
    s.rep("And for the account, your date of birth?")
    s.buyer("My birthday is", dob(s.rng, "dob_birthday_is"), ".")
    s.rep("Got it. The annual plan is", Neg("price", "one thousand eight hundred dollars"), ".")
    s.buyer("Okay.")


def test_address_2(s: Script) -> None:
    where = address(s.rng, "Hawthorn Way", 4, "greenville")
    first, rest = where.split(1)
    s.rep("Hi, it's", Neg("name", "Alex from Brightline"), ", confirming the install. Can I get your name?")
    s.buyer("Sure, it's", person("Nadia Petrova"), ".")
    s.rep("Thank you. Where are we installing?")
    s.buyer("At", first)
    s.rep("Okay.")
    s.buyer(rest, ".")
    s.rep("And an e-mail for the confirmation?")
    s.buyer(email("n.petrova@gmail.com", ["n dot petrova", "at gmail dot com"], "email_dot"), ".")
    s.rep("Done. The technicians arrive at", Neg("time", "seven thirty"), ".")
    s.buyer("Thanks.")


def test_mixed_1(s: Script) -> None:
    s.rep("Good afternoon, this is", Neg("name", "Nina from Copperleaf"),
          ". I'm finishing your order. Your name, please?")
    s.buyer("Hi, my name is", person("Owen Fletcher", "name_my_name_is"), ".")
    s.rep("And your date of birth, for the finance check?")
    s.buyer(dob(s.rng, "dob_month_day_year"), ".")
    s.rep("And where should we deliver?")
    s.buyer(address(s.rng, "Pine Street", 2, "salem", zip_code=False), ".")
    s.rep("And the card for the deposit?")
    s.buyer(number("CARD_NUMBER", fake_card(s.rng, no_zero_pair), (4, 4, 4, 4), pairs=True), ".")
    s.rep("Thanks,", person("Owen", "name_rep_thanks"), ". The deposit is", Neg("price", "three hundred dollars"),
          "and the rest is due in", Neg("year", "twenty twenty six"), ".")
    s.buyer("Great, thank you.")


def test_mixed_2(s: Script) -> None:
    card = fake_card(s.rng)
    s.rep("Hi, it's", Neg("name", "Nina at Copperleaf"), ". Is that", person("Fatima"), "?")
    s.buyer("Yes, this is", person("Fatima Okoye", "name_this_is"), ".")
    s.rep("For the setup I need a card and a bank account. Card first?")
    s.buyer(number("CARD_NUMBER", card, (4, 4, 4, 4), fillers={1: "um", 2: "uh"}), ".")
    s.rep("And the bank?")
    s.buyer("Routing", number("ROUTING_NUMBER", fake_routing(s.rng), (9,), one_chunk=True), ", account",
            number("ACCOUNT_NUMBER", fake_digits(s.rng, 9), (9,), one_chunk=True), ".")
    s.rep("And a phone number?")
    s.buyer(number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), zero="oh"), ".")
    s.rep("Thanks. That's", Neg("quantity", "fifty seats"), "at", Neg("percent", "twenty percent"), "off.")
    s.buyer("Sounds good.")


# -------------------------------------------------------------------------------------------- the dev dialogues
# A second tuning half in other words: two other reps (Devon at Pinecrest Solar, Teresa at Lakeshore Office Supply),
# other ways of asking and answering (bare values, lead-ins, items volunteered unasked, several items in one turn,
# corrections, other backchannels), and negatives that look like personal data: order, quote, case, invoice and claim
# numbers read as digits ("reference"), prices said like years ("nineteen ninety nine"), delivery and due dates,
# a build year.
def say_ref(digits: str, groups: tuple[int, ...] = (), zero: str = "oh") -> str:
    """A reference number read as digits, one clip: "four seven one, two two oh" (a negative, not an entity)."""
    parts, i = [], 0
    for g in groups or (len(digits),):
        parts.append(spell(digits[i : i + g], zero))
        i += g
    assert i == len(digits), (groups, digits)
    return ", ".join(parts)


def phone_pairs(digits: str) -> Ent:
    """A phone number with the last four in pairs: "five one two, five five five, oh one, seventy seven"."""
    chunks = [spell(digits[:3], "oh"), spell(digits[3:6], "oh"), pair(int(digits[6:8])), pair(int(digits[8:]))]
    return Ent("PHONE_NUMBER", digits, chunks, ("grouped", "oh_zero", "pairs"), True)


def dev_deposit_1(s: Script) -> None:
    card = number("CARD_NUMBER", fake_card(s.rng), (4, 4, 4, 4), fillers={1: "uh"})
    phone = number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), zero="oh")
    confirmation = say_ref(fake_digits(s.rng, 6), (3, 3))
    s.rep("Hey there, it's", Neg("name", "Devon over at Pinecrest Solar"), ". Have I caught you at a bad time?")
    s.buyer("No, you're fine. You've got", person("Renata Kowalczyk"), ". Is this about the install?")
    s.rep("It is. To hold your slot we take a deposit of", Neg("price", "nineteen ninety nine"),
          ". If you've got a card handy, can you read me the long number across the front?")
    s.buyer("Hang on, it's in my other bag... okay, got it.", card, ".")
    s.rep("Reading that back to you.", readback(card, groups=(4, 4, 4, 4), zero="oh"), ". Sound right?")
    s.buyer("Yep. Oh, and you can text me on", phone, "if the crew's running behind.")
    s.rep("Will do. You're down for", Neg("date", "March third"), ", and they tend to pull up around",
          Neg("time", "seven a m"), ".")
    s.buyer("And they can fit all", Neg("quantity", "eighteen panels"), "in one day?")
    s.rep("Start to finish. Your confirmation number is", Neg("reference", confirmation), ".")
    s.buyer("Lovely. Thanks,", Neg("name", "Devon"), ".")


def dev_deposit_2(s: Script) -> None:
    first, rest = number("CARD_NUMBER", fake_card(s.rng, no_zero_pair), (4, 4, 4, 4), pairs=True).split(2)
    receipt = say_ref(fake_digits(s.rng, 8), (4, 4), zero="zero")
    s.rep("Morning, this is", Neg("name", "Devon with Pinecrest Solar"), ", ringing about the quote we sent last week.")
    s.buyer("Oh right, the one for", Neg("price", "eleven thousand four hundred"), "? We've decided to go ahead.")
    s.rep("Great news. And the tax credit knocks", Neg("percent", "thirty percent"),
          "off if it's up and running by the end of", Neg("year", "twenty twenty six"), ".")
    s.buyer("That's what sold me. How do I pay the deposit?")
    s.rep("Easiest is a card. What card will you be using?")
    s.buyer("The joint one. Okay, it starts with", first)
    s.rep("Mhm, keep going.")
    s.buyer(rest, ". And that's the lot.")
    s.rep("And the name as it's printed on the card?")
    s.buyer(person("Joanna Pereira"), ", no middle initial.")
    s.rep("Cheers,", person("Joanna", "name_rep_thanks"), ". Where should the receipt go?")
    s.buyer("Email's best.", email("jo.pereira@fastmail.com", ["jo dot pereira", "at fastmail dot com"], "email_dot"),
            ".")
    s.rep("Sent. The receipt reference is", Neg("reference", receipt), ", in case anyone asks.")
    s.buyer("Brilliant, thank you.")


def dev_order_1(s: Script) -> None:
    digits = fake_card(s.rng, lambda d: sum(has_run(d[i : i + 4]) for i in range(0, 16, 4)) >= 2)
    quote = say_ref(fake_digits(s.rng, 5))
    s.rep("Thanks for calling", Neg("name", "Lakeshore Office Supply"), ", you're speaking with", Neg("name", "Teresa"),
          ".")
    s.buyer("Hi, this is", person("Callum Fraser", "name_this_is"), "at", Neg("name", "Fraser and Moir Joinery"),
            ". I've got a quote I want to turn into an order.")
    s.rep("Happy to help. Do you have the quote number handy?")
    s.buyer("Aye, it's", Neg("reference", quote), ".")
    s.rep("Got it.", Neg("quantity", "Forty cases"), "of copy paper and", Neg("quantity", "six toner cartridges"),
          ", coming to", Neg("price", "eight forty nine fifty"), ". Where are we sending all that?")
    s.buyer("To the workshop.", address(s.rng, "Quarry Road", 3, "duluth", "unit 3"), ".")
    s.rep("And how would you like to pay today?")
    s.buyer("Card. Are you ready?")
    s.rep("Go for it.")
    s.buyer(number("CARD_NUMBER", digits, (4, 4, 4, 4), runs=True), ".")
    s.rep("Lovely, that's approved. Last thing, where should the invoice go?")
    s.buyer("Email it to me,", email("callum_fraser82@outlook.com", ["callum underscore fraser eighty two",
                                                                        "at outlook dot com"], "email_underscore"),
            ".")
    s.rep("Perfect. It'll arrive", Neg("date", "Thursday the sixth"), ", between", Neg("time", "nine and noon"), ".")
    s.buyer("Champion. Cheers,", Neg("name", "Teresa"), ".")


def dev_order_2(s: Script) -> None:
    order = say_ref(fake_digits(s.rng, 7), (3, 4))
    card = number("CARD_NUMBER", fake_card(s.rng, lambda d: "0" in d), (4, 4, 4, 4), zero="oh")
    s.rep("Hi, it's", Neg("name", "Teresa from Lakeshore Office Supply"),
          ". I'm calling about the chairs you ordered on our website.")
    s.buyer("Oh hello. Yes, my name's", person("Duncan Moir", "name_my_name_is"), ", I put that order in.")
    s.rep("Great. So that's order", Neg("reference", order), ",", Neg("quantity", "twelve task chairs"),
          ". The card on file was declined, I'm afraid.")
    s.buyer("Ah, that one's expired. Put it on this instead:", card, ".")
    s.rep("That's gone through. Now, the delivery address looks incomplete. Where do you want these dropped off?")
    s.buyer(address(s.rng, "Kingfisher Court", 4, "bozeman", zip_code=False), ".")
    s.rep("And a number the driver can call on the day?")
    s.buyer(number("PHONE_NUMBER", fake_phone(s.rng), (10,), one_chunk=True), ".")
    s.rep("Thanks. They'll come", Neg("date", "next Tuesday"), ", and the total with delivery is",
          Neg("price", "two thousand and ninety"), ".")
    s.buyer("Grand. Thanks for sorting that out.")


def dev_financing_1(s: Script) -> None:
    s.rep("Hello, is that Mister", person("Baptiste"), "? It's", Neg("name", "Devon from Pinecrest Solar"),
          ", about the finance form you started.")
    s.buyer("Speaking. I got stuck halfway through it, to be honest.")
    s.rep("No worries, we can finish it together. Can I start with your full legal name?")
    s.buyer(person("Andre Baptiste"), ".")
    s.rep("And when were you born?")
    s.buyer("That'd be", dob(s.rng, "dob_month_day_year"), ".")
    s.rep("For the soft credit check I'll need your SSN. It won't touch your score.")
    s.buyer("Okay, yeah, so it's", number("SSN", fake_ssn(s.rng, lambda d: "0" in d), (3, 2, 4), zero="oh"), ".")
    s.rep("And the address of the house the panels are going on?")
    s.buyer(address(s.rng, "Chestnut Avenue", 3, "tempe"), ".")
    s.rep("What's the best callback number if the lender has questions?")
    s.buyer(phone_pairs(fake_phone(s.rng)), ".")
    s.rep("Thanks. You're looking at", Neg("percent", "five point four nine percent"), "over",
          Neg("quantity", "twenty years"), ", so roughly", Neg("price", "one eighty nine a month"), ".")
    s.buyer("That's less than my power bill. Let's do it.")


def dev_financing_2(s: Script) -> None:
    first, rest = number("SSN", fake_ssn(s.rng), (3, 2, 4)).split(2)
    case = say_ref(fake_digits(s.rng, 6), (3, 3))
    s.rep(Neg("name", "Pinecrest Solar"), ", finance desk, this is", Neg("name", "Devon"), ".")
    s.buyer("Hi", Neg("name", "Devon"), ", this is", person("Winston Clarke", "name_this_is"),
            ". I had a letter saying my application's on hold.")
    s.rep("Let me pull it up. Have you got the case number from the letter?")
    s.buyer("Yeah, it says", Neg("reference", case), ".")
    s.rep("Found you. It only needs your identity confirmed. What birth date did you put on the form?")
    s.buyer("I was born on", dob(s.rng, "dob_day_of_month"), ".")
    s.rep("And this time I need the full social, not just the last four.")
    s.buyer("Right. It's", first)
    s.rep("Yep.")
    s.buyer(rest, ".")
    s.rep("That's cleared it. Thanks,", person("Winston", "name_rep_thanks"),
          ". Is there an email I can send the approval to?")
    s.buyer(email("w-clarke@btinternet.co.uk", ["w dash clarke", "at b t internet dot co dot uk"], "email_dash",
                  "email_co_uk"), ".")
    s.rep("On its way. The first payment isn't due till", Neg("date", "the fifteenth of May"), ".")
    s.buyer("Great, cheers.")


def dev_terms_1(s: Script) -> None:
    account = number("ACCOUNT_NUMBER", fake_digits(s.rng, 10), (3, 3, 4), fillers={0: "um"})
    setup = say_ref(fake_digits(s.rng, 6), (2, 2, 2))
    s.rep("Hi, this is", Neg("name", "Teresa at Lakeshore Office Supply"),
          ". Is now still a good time to set up your trade account?")
    s.buyer("Yes, go ahead. It's", person("Gareth Hughes"), "from", Neg("name", "Hughes Print Shop"), ".")
    s.rep("Thanks. We'll put you on", Neg("quantity", "thirty day terms"), "with a limit of",
          Neg("price", "five thousand dollars"), ". Would you like invoices paid automatically from your bank?")
    s.buyer("Please. Saves me remembering.")
    s.rep("Then grab a check if you have one. The nine digit number at the bottom left, what does that say?")
    s.buyer(number("ROUTING_NUMBER", fake_routing(s.rng), (9,), one_chunk=True), ".")
    s.rep("And right next to it, the account number.")
    s.buyer("Right, that one is", account, ".")
    s.rep("So I have", readback(account, groups=(3, 3, 4)), ". Correct?")
    s.buyer("Correct. And send the paperwork to", email("gareth@hughesprintshop.com",
                                                       ["gareth", "at hughes print shop dot com"]), ".")
    s.rep("Will do. Your setup reference is", Neg("reference", setup), ", and the draft runs on",
          Neg("date", "the second of every month"), ".")
    s.buyer("Sounds good.")


def dev_terms_2(s: Script) -> None:
    routing = number("ROUTING_NUMBER", fake_routing(s.rng, lambda d: "0" in d), (3, 3, 3), zero="oh")
    first, rest = number("ACCOUNT_NUMBER", fake_digits(s.rng, 8, no_zero_pair), (4, 4), pairs=True).split(1)
    invoice = say_ref(fake_digits(s.rng, 5), (2, 3))
    s.rep("Hello, you've reached", Neg("name", "Teresa"), "in accounts at", Neg("name", "Lakeshore"),
          ". What can I sort out for you?")
    s.buyer("Hi, I run the office at", Neg("name", "Lindqvist Dental Lab"),
            ". We want to pay by direct debit from now on.")
    s.rep("Sure thing. And you are?")
    s.buyer(person("Victor Lindqvist"), ".")
    s.rep("And since you'll be the signer, the last four digits of your social?")
    s.buyer(number("SSN", fake_digits(s.rng, 4), (4,), one_chunk=True, styles=("last_four_ssn",)), ".")
    s.rep("And your birth date, as month, day, year.")
    s.buyer(dob(s.rng, "dob_numeric"), ".")
    s.rep("Which bank account should we draw from? The routing number first, please.")
    s.buyer("Routing is", routing, ".")
    s.rep("And the account itself?")
    s.buyer("It's", first)
    s.rep("Okay.")
    s.buyer(rest, ".")
    s.rep("All set. The open invoice,", Neg("reference", invoice), ", for", Neg("price", "three twelve eighty"),
          ", will come out on", Neg("date", "Friday the ninth"), ".")
    s.buyer("Fine, thanks.")


def dev_survey_1(s: Script) -> None:
    phone = fake_phone(s.rng, lambda d: has_run(d[:3]) or has_run(d[-4:]))
    s.rep("Hi, it's", Neg("name", "Devon from Pinecrest"), ". You filled in our form for a free roof survey?")
    s.buyer("I did, that was me. My name is", person("Leila Farahani", "name_my_name_is"), ".")
    s.rep("Great. And where's the property?")
    s.buyer("It's", address(s.rng, "Larkspur Lane", 3, "boise"), ".")
    s.rep("Okay. Our surveyor has", Neg("time", "a quarter to two"), "free on", Neg("date", "the twenty ninth"),
          ". Would that suit?")
    s.buyer("That's fine. Ring my mobile on the day,",
            number("PHONE_NUMBER", phone, (3, 3, 4), zero="oh", runs=True), ".")
    s.rep("Got it. And an email for the report?")
    s.buyer(email("leila.f@yahoo.co.uk", ["leila dot f", "at yahoo dot co dot uk"], "email_dot", "email_co_uk"), ".")
    s.rep("Lovely. It takes about", Neg("quantity", "ninety minutes"), ", and there's no charge.")
    s.buyer("Okay, great, I'll be in.")


def dev_survey_2(s: Script) -> None:
    old = number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), zero="oh")
    new = number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), fillers={1: "um"})
    s.rep("Hello there, it's", Neg("name", "Devon"), "calling from", Neg("name", "Pinecrest Solar"),
          ". Who do I have the pleasure of speaking with?")
    s.buyer("It's", person("Ingrid"), ".", person("Ingrid Solberg"), ".")
    s.rep("Lovely to speak with you,", person("Ingrid", "name_rep_thanks"),
          ". I'm booking your survey. Which house is it?")
    s.buyer(address(s.rng, "Sycamore Drive", 2), ", the blue one on the corner.")
    s.rep("And roughly how old is the roof?")
    s.buyer("The house went up in", Neg("year", "nineteen seventy eight"), ", but the roof's newer than that.")
    s.rep("Okay. And what's a good number to confirm the appointment?")
    s.buyer("Try", old, ". Oh, sorry, that's my old work line. I mean", new, ".")
    s.rep("No problem, I'll use the second one. See you", Neg("date", "Saturday the fourth"), "at",
          Neg("time", "ten"), ".")
    s.buyer("Great, thanks very much.")


def dev_invoice_1(s: Script) -> None:
    phone = number("PHONE_NUMBER", fake_phone(s.rng), (10,), one_chunk=True)
    invoice = say_ref(fake_digits(s.rng, 6), (3, 3))
    s.rep(Neg("name", "Lakeshore Office Supply"), ", billing, this is", Neg("name", "Teresa"), ".")
    s.buyer("Hi. I'm ringing about invoice", Neg("reference", invoice), ". It went to someone who's left.")
    s.rep("Ah, let's fix that. Who should it go to now?")
    s.buyer("Me. I'm", person("Beatriz Santos"), ", the practice manager at", Neg("name", "Santos Family Chiropractic"),
            ".")
    s.rep("And your email, please?")
    s.buyer("So it's", email("bea_santos@gmail.com", ["bea underscore santos", "at gmail dot com"], "email_underscore"),
            ".")
    s.rep("And a direct line, in case there's a query?")
    s.buyer(phone, ".")
    s.rep("Let me check I have it.", readback(phone, groups=(3, 3, 4)), "?")
    s.buyer("That's right. Oh, and we've moved, so the new address is",
            address(s.rng, "Beacon Street", 3, "burlington", "suite 12"), ".")
    s.rep("Thanks for telling me. The balance is", Neg("price", "six hundred and forty two dollars"), ", due in",
          Neg("quantity", "fourteen days"), ".")
    s.buyer("Okay, I'll pay it this week.")


def dev_invoice_2(s: Script) -> None:
    s.rep("Hi, it's", Neg("name", "Teresa calling from Lakeshore Office Supply"),
          ". I'm trying to reach whoever handles your invoices.")
    s.buyer("You're talking to her.", person("Megan O'Rourke"), ".")
    s.rep("Great. We're moving everyone to e-invoices. What's a good email for those?")
    s.buyer(email("megan-orourke@hotmail.com", ["megan dash o rourke", "at hotmail dot com"], "email_dash"),
            "... no, sorry, that's my personal one. Use",
            email("m.orourke@orourkebakery.com", ["m dot o rourke", "at o rourke bakery dot com"], "email_dot"), ".")
    s.rep("No problem, the work one it is. And are we still mailing statements to the old place?")
    s.buyer("No, we moved the bakery. It's", address(s.rng, "Orchard Way", 2, "dayton", zip_code=False), "now.")
    s.rep("Updated. If you pay within", Neg("quantity", "ten days"), "you get", Neg("percent", "two percent"),
          "off, so the", Neg("price", "ninety nine ninety five"), "comes down a little.")
    s.buyer("Oh, handy. Thanks,", Neg("name", "Teresa"), ".")


def dev_rebate_1(s: Script) -> None:
    claim = say_ref(fake_digits(s.rng, 7), (3, 4))
    s.rep("Good afternoon, is that", person("Alistair"), "? It's", Neg("name", "Devon at Pinecrest Solar"), ".")
    s.buyer("It is, aye.")
    s.rep("Good news, the utility approved your rebate of", Neg("price", "seven fifty"),
          ". I can have it paid straight into your bank.")
    s.buyer("Oh brilliant. What do you need from me?")
    s.rep("First, the name on that bank account?")
    s.buyer(person("Alistair Boyd"), ".")
    s.rep("And just so I know it's you, the final four digits of your SSN.")
    s.buyer(number("SSN", fake_digits(s.rng, 4, lambda d: "0" in d), (4,), zero="oh", one_chunk=True,
                   styles=("last_four_ssn",)), ".")
    s.rep("And your birthday?")
    s.buyer("Birthday's", dob(s.rng, "dob_birthday_is"), ".")
    s.rep("Thanks. Which account would you like it paid into? Routing number first.")
    s.buyer("Give me a sec.", number("ROUTING_NUMBER", fake_routing(s.rng), (9,), one_chunk=True), ".")
    s.rep("Now the account digits, please.")
    s.buyer(number("ACCOUNT_NUMBER", fake_digits(s.rng, 9, lambda d: "0" in d), (3, 3, 3), zero="oh"), ".")
    s.rep("Lovely. It'll land within", Neg("quantity", "ten working days"), ". Your claim number is",
          Neg("reference", claim), ".")
    s.buyer("Cheers,", Neg("name", "Devon"), ".")


def dev_rebate_2(s: Script) -> None:
    account = number("ACCOUNT_NUMBER", fake_digits(s.rng, 11), (11,), one_chunk=True)
    s.rep(Neg("name", "Pinecrest Solar"), ", you're through to", Neg("name", "Devon"), ".")
    s.buyer(person("Rory Campbell"), "here. My rebate was meant to arrive", Neg("date", "last Friday"),
            "and it hasn't.")
    s.rep("Sorry about that. Let me look. For security, can you give me your full social?")
    s.buyer("Sure.", number("SSN", fake_ssn(s.rng, has_run), (3, 2, 4), runs=True), ".")
    s.rep("Thanks. I see it. The payment bounced, the bank says that account is closed.")
    s.buyer("Ah, I switched banks in", Neg("year", "twenty twenty four"), ". Let me give you the new one.")
    s.rep("Please. Start with the first block of digits along the bottom of a check.")
    s.buyer(number("ROUTING_NUMBER", fake_routing(s.rng), (3, 3, 3), fillers={1: "er"}), ".")
    s.rep("And the block after that?")
    s.buyer(account, ".")
    s.rep("I'll read that back.", readback(account, groups=(4, 4, 3)), ".")
    s.buyer("Spot on.")
    s.rep("I've resent the", Neg("price", "three hundred and seventy five dollars"), ". Give it",
          Neg("quantity", "three days"), ".")
    s.buyer("Thanks a lot.")


def dev_reorder_1(s: Script) -> None:
    card = number("CARD_NUMBER", fake_card(s.rng, lambda d: "0" in d[4:]), (4, 4, 4, 4), zero="oh")
    order = say_ref(fake_digits(s.rng, 6), (2, 4))
    s.rep("Hi, this is", Neg("name", "Teresa from Lakeshore"),
          ". Your monthly standing order is due to ship, but a couple of things need updating.")
    s.buyer("Okay. What's up?")
    s.rep("First, who's this I'm talking to, for our records?")
    s.buyer(Ent("PERSON", "Terrence Odum", ["Terrence Odum", "O, D, U, M"], ("name_spelled",)), ".")
    s.rep("Thanks. The card we have for you has expired. Which card would you like to use going forward?")
    s.buyer("Try this one.", card, ".")
    s.rep("And the shipping address still says the old warehouse.")
    s.buyer("Yeah, we moved out of there. Ship it to", address(s.rng, "Juniper Street", 4, "madison"), ".")
    s.rep("Got it. So that's", Neg("quantity", "twenty four boxes"), "of gloves and", Neg("quantity", "ten"),
          "of hand towels, order", Neg("reference", order), ".")
    s.buyer("That's right. How much does that come to?")
    s.rep(Neg("price", "Four seventeen twenty"), "with tax, arriving", Neg("date", "June eleventh"), ".")
    s.buyer("Perfect, thanks.")


def dev_reorder_2(s: Script) -> None:
    mail = ("felix.brandt@brandtarch.com", ["felix dot brandt", "at brandt arch dot com"])
    order = say_ref(fake_digits(s.rng, 6), (3, 3))
    s.rep("Thanks for holding, this is", Neg("name", "Teresa"), ". What can I do for you?")
    s.buyer("Hi, this is", person("Felix Brandt", "name_this_is"), "from", Neg("name", "Brandt Architects"),
            ". I'd like to join your rewards program before we reorder.")
    s.rep("Happy to sign you up. I'll just need an email address and a number I can reach you on.")
    s.buyer("Sure, email is", email(mail[0], mail[1], "email_dot"), ", and my cell is",
            number("PHONE_NUMBER", fake_phone(s.rng), (3, 3, 4), zero="oh", fillers={0: "uh"}), ".")
    s.rep("Let me make sure I spelled that right.", email(mail[0], mail[1], "email_dot", "readback"), "?")
    s.buyer("That's it.")
    s.rep("And for the rewards account, when's your birthday?")
    s.buyer("Hmm, that'd be", dob(s.rng, "dob_month_day_year"), ".")
    s.rep("You're in. You earn", Neg("percent", "three percent"), "back, and membership is",
          Neg("price", "twenty nine ninety nine"), "a year, free until", Neg("year", "twenty twenty seven"), ".")
    s.buyer("Nice. And can the reorder get here before", Neg("time", "eight thirty"), "tomorrow?")
    s.rep("It'll be there first thing. That's order", Neg("reference", order), ". Anything else,",
          person("Felix", "name_rep_thanks"), "?")
    s.buyer("No, that's all.")


CALLS = {  # (name, dialogue), in the order voices are dealt
    "tune": [("card_1", tune_card_1), ("card_2", tune_card_2), ("bank_1", tune_bank_1), ("bank_2", tune_bank_2),
             ("identity_1", tune_identity_1), ("identity_2", tune_identity_2), ("contact_1", tune_contact_1),
             ("contact_2", tune_contact_2), ("address_1", tune_address_1), ("address_2", tune_address_2),
             ("mixed_1", tune_mixed_1), ("mixed_2", tune_mixed_2)],
    "test": [("card_1", test_card_1), ("card_2", test_card_2), ("bank_1", test_bank_1), ("bank_2", test_bank_2),
             ("identity_1", test_identity_1), ("identity_2", test_identity_2), ("contact_1", test_contact_1),
             ("contact_2", test_contact_2), ("address_1", test_address_1), ("address_2", test_address_2),
             ("mixed_1", test_mixed_1), ("mixed_2", test_mixed_2)],
    "dev": [("deposit_1", dev_deposit_1), ("deposit_2", dev_deposit_2), ("order_1", dev_order_1),
            ("order_2", dev_order_2), ("financing_1", dev_financing_1), ("financing_2", dev_financing_2),
            ("terms_1", dev_terms_1), ("terms_2", dev_terms_2), ("survey_1", dev_survey_1), ("survey_2", dev_survey_2),
            ("invoice_1", dev_invoice_1), ("invoice_2", dev_invoice_2), ("rebate_1", dev_rebate_1),
            ("rebate_2", dev_rebate_2), ("reorder_1", dev_reorder_1), ("reorder_2", dev_reorder_2)],
}


# ------------------------------------------------------------------------------------------------------ render
@dataclass
class Piece:
    text: str  # what espeak-ng says
    tag: object = None  # an Ent, a Neg or None
    gap: tuple[float, float] = PIECE_GAP_S  # the silence before it (within a turn)
    filler: bool = False


def expand(item) -> list[Piece]:
    if isinstance(item, Ent):
        out = []
        for j, chunk in enumerate(item.chunks):
            filler = chunk in FILLERS
            after_filler = j > 0 and item.chunks[j - 1] in FILLERS
            gap = GROUP_GAP_S if item.grouped and j > 0 and not filler and not after_filler else PIECE_GAP_S
            out.append(Piece(chunk, item, gap, filler))
        return out
    if isinstance(item, Neg):
        return [Piece(item.text, item)]
    return [Piece(item.lstrip(" .,!?;:"))]


@dataclass
class Rendered:
    tracks: np.ndarray  # (2, n) at MIX_RATE: rep, buyer
    turns: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    negatives: list[dict] = field(default_factory=list)


def sec(samples: int) -> float:
    return round(samples / MIX_RATE, 3)


def render(script: Script, voices: dict, gaps: random.Random, tmp: Path, cache: dict) -> Rendered:
    placed: list[tuple[int, int, np.ndarray]] = []
    turns, negatives = [], []
    ents: dict[object, dict] = {}  # key -> label, in order of first appearance
    t = round(LEAD_IN_S * MIX_RATE)
    for ti, (speaker, items) in enumerate(script.turns):
        voice = voices[speaker]
        if ti:
            t += round(gaps.uniform(*TURN_GAP_S) * MIX_RATE)
        text, turn_start, spans = "", None, {}
        previous_tag = None
        for item in items:
            if isinstance(item, str) and PUNCT.fullmatch(item):
                text += item
                continue
            if isinstance(item, str) and item[0] in ".,!?;:":
                lead = len(item) - len(item.lstrip(".,!?;:"))
                text += item[:lead]
            for piece in expand(item):
                if turn_start is not None:
                    t += round(gaps.uniform(*piece.gap) * MIX_RATE)
                cache_key = (piece.text, json.dumps(voice, sort_keys=True))
                if cache_key not in cache:
                    cache[cache_key] = normalise(trim(synthesize(piece.text, voice, tmp)))
                clip = cache[cache_key] * (FILLER_GAIN if piece.filler else 1.0)
                start, end = t, t + len(clip)
                placed.append((0 if speaker == "rep" else 1, start, clip))
                t = end
                if turn_start is None:
                    turn_start = start
                same_entity = isinstance(piece.tag, Ent) and previous_tag is piece.tag
                text += (", " if same_entity else (" " if text else "")) + piece.text
                previous_tag = piece.tag
                if isinstance(piece.tag, Ent):
                    key = piece.tag.key
                    spans.setdefault(key, [start, end])[1] = end
                    label = ents.setdefault(key, {"ent": piece.tag, "speaker": speaker, "spans": [], "chunks": []})
                    if label["speaker"] != speaker:
                        raise ValueError(f"entity {piece.tag.value!r} read by both speakers")
                    label["chunks"].append(piece.text)
                elif isinstance(piece.tag, Neg):
                    negatives.append({"kind": piece.tag.kind, "spoken": piece.text, "speaker": speaker,
                                      "start": sec(start), "end": sec(end)})
        for key, span in spans.items():
            ents[key]["spans"].append(span)
        turns.append({"speaker": speaker, "start": sec(turn_start), "end": sec(t), "text": text})

    n = t + round(TAIL_S * MIX_RATE)
    tracks = np.zeros((2, n), dtype=np.float32)
    for row, start, clip in placed:
        tracks[row, start : start + len(clip)] += clip
    entities = []
    for label in ents.values():
        e: Ent = label["ent"]
        spans = label["spans"]
        entry = {"kind": e.kind, "value": e.value, "spoken": ", ".join(label["chunks"]), "speaker": label["speaker"],
                 "start": sec(spans[0][0]), "end": sec(spans[-1][1])}
        if e.pieces_field:
            entry["pieces"] = [[sec(a), sec(b)] for a, b in spans]
        entry["styles"] = list(e.styles)
        entities.append(entry)
    return Rendered(tracks, turns, entities, negatives)


def write_audio(tracks: np.ndarray, path: Path, stereo: bool, name: str, tmp: Path, wide: bool = False) -> None:
    """Phone channel as ``make_outcome_calls.py``: 300-3400 Hz, 8 kHz; mono mu-law or stereo 16-bit FLAC (rep left).
    ``wide``: the same mix and noise at 16 kHz with no phone line (16-bit WAV or FLAC), for the wide-band copy."""
    signal = tracks.T if stereo else tracks.sum(axis=0)
    signal = np.clip(signal + seeded_noise(name, signal.size, NOISE_DBFS).reshape(signal.shape), -1, 1)
    if wide:
        sf.write(path, signal, MIX_RATE, format="FLAC" if stereo else "WAV", subtype="PCM_16")
        return
    mixed = tmp / "mixed.wav"
    sf.write(mixed, signal, MIX_RATE, subtype="FLOAT")
    effects = ["sinc", "300-3400", "rate", "-v", "8000"]
    if stereo:
        narrow = tmp / "narrow.wav"
        run(["sox", "-D", str(mixed), "-e", "floating-point", "-b", "32", str(narrow), *effects])
        data, rate = sf.read(narrow, dtype="float32")
        sf.write(path, np.clip(data, -1, 1), rate, format="FLAC", subtype="PCM_16", compression_level=1.0)
    else:
        run(["sox", "-D", str(mixed), "-e", "u-law", "-b", "8", str(path), *effects])


def check_half(half: str, calls: dict) -> list[str]:
    """Problems with one half's coverage (empty: every kind, style and negative kind is there)."""
    problems = []
    kinds = Counter(e["kind"] for c in calls.values() for e in c["entities"])
    styles = {s for c in calls.values() for e in c["entities"] for s in e["styles"]}
    negs = {n["kind"] for c in calls.values() for n in c["negatives"]}
    problems += [f"{half}: {k} only {kinds[k]} times" for k in KINDS if kinds[k] < MIN_PER_KIND]
    problems += [f"{half}: no entity in style {s}" for s in STYLES if s not in styles]
    problems += [f"{half}: no negative of kind {k}" for k in HALF_NEGATIVE_KINDS[half] if k not in negs]
    for name, c in calls.items():
        if not 30.0 <= c["duration_s"] <= 70.0:
            problems.append(f"{name}: {c['duration_s']} s, not 30-70 s")
        for a, b in zip(c["turns"], c["turns"][1:]):
            if b["start"] - a["end"] < TURN_GAP_S[0] - 0.001:
                problems.append(f"{name}: turns overlap or touch at {b['start']}")
    layouts = Counter(c["layout"] for c in calls.values())
    if layouts["mono"] != layouts["stereo"]:
        problems.append(f"{half}: {dict(layouts)} is not half mono, half stereo")
    return problems


# ------------------------------------------------------------------------------------- the real Harper Valley calls
# Read from each call's human_transcript. A label names its segments by start_ms and the words it covers in each;
# the time is the segment's (granularity "segment"), the speaker the segment's role (agent = rep, caller = buyer).
# None of the four calls has a card, account or routing number, an SSN, a phone number, an e-mail or a date of
# birth: only the callers' names and (in pay-bill) the payee's address, read over five segments, with the zip read
# back by the agent.
HARPER = {
    "hvb_0002f70f_replace-card": {
        "entities": [("PERSON", "Patricia Brown", [(13720, "patricia brown")])],
        "negatives": [("name", [(1669, "harper valley national bank")]), ("name", [(4839, "elizabeth")])],
    },
    "hvb_0091a706_check-balance": {
        "entities": [("PERSON", "Elizabeth David", [(10690, "elizabeth david")])],
        "negatives": [("name", [(2440, "harper valley national bank")]), ("name", [(2440, "jennifer")]),
                      ("price", [(28140, "a hundred and thirty four dollars")])],
    },
    "hvb_03a17cc3_pay-bill": {
        "entities": [
            ("PERSON", "David Wilson", [(10140, "david wilson")]),
            ("STREET_ADDRESS", "552 Main Street, Harper Valley, CA 41912",
             [(29590, "five five two"), (32390, "main street"), (36090, "harper valley"), (38690, "california"),
              (40390, "four one nine one two")]),
            ("STREET_ADDRESS", "41912", [(45500, "four one nine one two")]),  # the agent reading the zip back
        ],
        "negatives": [("name", [(1930, "harper value national bank")]), ("name", [(1930, "david")]),
                      ("name", [(19120, "smart electric")]), ("name", [(22590, "smart electric")]),
                      ("price", [(58390, "one hundred and thirty two dollars")]),
                      ("price", [(59830, "one hundred and thirty two dollars")]),
                      ("name", [(59830, "smart electric")])],
    },
    "hvb_a7ccc337_schedule-appointment": {
        "entities": [("PERSON", "Elizabeth Rodriguez", [(9120, "elizabeth rodriguez")])],
        "negatives": [("name", [(1619, "harper valley national bank")]), ("name", [(1619, "elizabeth")]),
                      ("date", [(26490, "tuesday")]), ("date", [(33219, "tuesday")]),
                      ("time", [(53890, "eight fifteen a m")])],
    },
}
HARPER_NOTES = {
    ("hvb_03a17cc3_pay-bill", "552 Main Street, Harper Valley, CA 41912"): "the payee's (smart electric's) address",
    ("hvb_03a17cc3_pay-bill", "41912"): "only the zip code, read back by the agent to confirm",
}


def harper_labels() -> dict:
    calls = {}
    for folder, spec in HARPER.items():
        d = HARPER_DIR / folder
        (transcript_path,) = d.glob("*_transcript.json")
        sid = transcript_path.name[: -len("_transcript.json")]
        segments = sorted(json.loads(transcript_path.read_text()), key=lambda s: s["start_ms"])
        by_start = {s["start_ms"]: s for s in segments}
        assert len(by_start) == len(segments), folder

        def span(refs, what):
            segs = [by_start[ms] for ms, _ in refs]
            for (ms, words), seg in zip(refs, segs):
                if not re.search(rf"\b{re.escape(words)}\b", seg["human_transcript"]):
                    raise ValueError(f"{folder}: {words!r} not in segment {ms}: {seg['human_transcript']!r}")
            roles = {seg["speaker_role"] for seg in segs}
            assert len(roles) == 1, (folder, what)
            bounds = [[s["start_ms"] / 1000, (s["start_ms"] + s["duration_ms"]) / 1000] for s in segs]
            entry = {"spoken": " ".join(w for _, w in refs), "speaker": "rep" if roles == {"agent"} else "buyer",
                     "start": round(bounds[0][0], 3), "end": round(bounds[-1][1], 3)}
            if len(segs) > 1:
                entry["pieces"] = [[round(a, 3), round(b, 3)] for a, b in bounds]
            entry["granularity"] = "segment"
            return entry

        entities = []
        for kind, value, refs in spec["entities"]:
            entry = {"kind": kind, "value": value, **span(refs, value)}
            if (folder, value) in HARPER_NOTES:
                entry["note"] = HARPER_NOTES[(folder, value)]
            entities.append(entry)
        negatives = [{"kind": kind, **span(refs, kind)} for kind, refs in spec["negatives"]]
        legs = {"rep": f"{sid}_agent.wav", "buyer": f"{sid}_caller.wav"}
        duration = max(sf.info(d / leg).duration for leg in legs.values())
        calls[folder] = {
            "half": "real", "layout": "two_legs", "legs": legs, "duration_s": round(duration, 3), "rep_channel": None,
            "entities": sorted(entities, key=lambda e: e["start"]),
            "negatives": sorted(negatives, key=lambda e: e["start"]),
            "turns": [{"speaker": "rep" if s["speaker_role"] == "agent" else "buyer",
                       "start": round(s["start_ms"] / 1000, 3),
                       "end": round((s["start_ms"] + s["duration_ms"]) / 1000, 3),
                       "text": s["human_transcript"]} for s in segments],
        }
    return {"version": 1, "source": "../shared/data/real/harper-valley-dev/ (Gridspace-Stanford Harper Valley, "
            "CC-BY-4.0; see its NOTICE.txt)", "calls": calls}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wide", type=Path, metavar="DIR",
                        help="write the same calls at 16 kHz with no phone line (the voices' own band) into DIR, "
                             "with the same labels.json: how much of a miss is the phone band's")
    args = parser.parse_args(argv)
    out = args.wide or OUT
    labels: dict[str, dict] = {}
    problems = []
    cache: dict = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for half, calls in CALLS.items():
            (out / half).mkdir(parents=True, exist_ok=True)
            h = HALVES[half]
            half_labels = {}
            for i, (name, dialogue) in enumerate(calls):
                stereo = i % 2 == STEREO_PARITY[half]
                voices = {"rep": h["rep"][(i // 2) % len(h["rep"])], "buyer": h["buyer"][(i // 2) % len(h["buyer"])]}
                script = Script(half, name)
                dialogue(script)
                file_name = f"{name}_{'stereo.flac' if stereo else 'mono.wav'}"
                rel = f"{half}/{file_name}"
                done = render(script, voices, seeded_rng("gaps", half, name), tmp, cache)
                path = out / rel
                write_audio(done.tracks, path, stereo, rel, tmp, wide=args.wide is not None)
                info = sf.info(path)
                half_labels[rel] = {
                    "half": half, "layout": "stereo" if stereo else "mono",
                    "duration_s": round(info.frames / info.samplerate, 3),
                    "rep_channel": "left" if stereo else None, "voices": voices,
                    "entities": done.entities, "negatives": done.negatives, "turns": done.turns,
                }
                print(f"{out.name}/{rel}: {info.frames / info.samplerate:.1f} s, {len(done.entities)} entities, "
                      f"{len(done.negatives)} negatives, {path.stat().st_size // 1024} KiB")
            problems += check_half(half, half_labels)
            labels.update(half_labels)
    (out / "labels.json").write_text(json.dumps({"version": 1, "calls": labels}, indent=1) + "\n")
    if args.wide:  # the Harper calls are real recordings: they have no wide-band copy
        print(f"{out}/labels.json: written (no harper_labels.json)")
    elif HARPER_DIR.is_dir():
        (OUT / "harper_labels.json").write_text(json.dumps(harper_labels(), indent=1) + "\n")
        print("redact_calls/harper_labels.json: written")
    else:
        print(f"warning: {HARPER_DIR} not found; harper_labels.json not written", file=sys.stderr)
    if problems:
        print("coverage problems:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
