"""Street addresses in a call's transcript: a house number, up to four name words and a street word, then a unit,
the city, state and zip code when they follow (across the other party's "okay" too); and what an answer to "where
do you live?" must hold to be an address (``cues.py``). Pure rules over ``spoken.tokens``.
"""

from __future__ import annotations

import re

from .casing import I_FORMS, written_lower
from .recognizers import _CallRecognizer, _result
from .requests import sentence, turns
from .spoken import FILLERS, TEENS, TENS, UNITS, Token, _words_value, digit_runs, is_number_word, numeral

SUFFIXES = {"street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr",
            "court", "ct", "pl", "parkway", "pkwy", "terrace", "highway", "hwy"}
# more street words (USPS Publication 28's common suffixes, and those that are everyday words: "way", "place",
# "close"): counted only written with a capital ("1903 Sycamore Bend"), as Whisper writes a street's name;
# lower-case they are everyday words ("$640. I'm going to close", "2 lakes")
MORE_SUFFIXES = {"way", "place", "circle", "trail", "square", "crescent", "close", "row", "alley", "plaza", "loop",
                 "path", "bend", "ridge", "hollow", "crossing", "run", "pass", "point", "pointe", "pike", "heights", "hills",
                 "hill", "view", "glen", "grove", "park", "landing", "meadow", "meadows", "creek", "commons", "cove",
                 "estates", "falls", "ferry", "field", "fields", "gardens", "gate", "green", "harbor", "haven",
                 "junction", "knoll", "lake", "lakes", "manor", "mill", "mills", "orchard", "oval", "pines", "plains",
                 "ranch", "rise", "shore", "shores", "spring", "springs", "summit", "turnpike", "vale", "valley",
                 "village", "vista", "walk", "woods", "expressway", "freeway", "causeway", "cir", "ter", "trl",
                 "wy", "xing"}
UNIT_WORDS = {"apartment", "apt", "suite", "unit", "flat", "floor", "building", "number", "#"}
STATES = {"alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
          "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana",
          "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana",
          "nebraska", "nevada", "hampshire", "jersey", "mexico", "york", "carolina", "dakota", "ohio", "oklahoma",
          "oregon", "pennsylvania", "rhode", "tennessee", "texas", "utah", "vermont", "virginia", "washington",
          "wisconsin", "wyoming"}
# capitalised after an address but no city: Whisper starts the next sentence without a full stop ("... 41912 Can you")
NOT_CITY = frozenset({"okay", "ok", "yes", "yeah", "and", "i", "is", "that", "thanks", "thank", "can", "could", "would",
                      "will", "what", "what's", "where", "how", "do", "does", "did", "so", "but", "the", "it",
                      "it's", "that's", "you", "we", "perfect", "great", "got", "right", "sure", "let", "please"})


class StreetAddressRecognizer(_CallRecognizer):
    """A street address: a house number, up to four name words and a street word, then a unit, the city,
    state and zip code when they follow (across the other party's "okay" too)."""

    ENTITIES = ["STREET_ADDRESS"]

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = self.tokens(text)
        turn = turns(text, toks)
        caseless = {n for n, line in enumerate(text.split("\n")) if written_lower(line)}
        out, i = [], 0
        while i < len(toks):
            if not street_word(toks[i]) or i == 0:
                i += 1
                continue
            start = house_number(toks, i)
            if start is None:
                i += 1
                continue
            end = _address_tail(toks, i, turn, caseless)
            out.append(_result("STREET_ADDRESS", toks[start].start, toks[end].end, 0.85, self.name))
            i = end + 1
            for k in _units_after(toks, turn, end):  # "... Ohio 43017. Oh, and it's apartment 3."
                out.append(_result("STREET_ADDRESS", toks[k].start, toks[k + 1].end, 0.8, self.name))
        return out


LATER_UNIT_WORDS = frozenset({"apartment", "apt", "unit", "suite", "flat"})
LATER_UNIT_TURNS = 3


def _units_after(toks: list[Token], turn: list[int], end: int) -> list[int]:
    """Where a unit of the address ending at ``toks[end]`` is said after it, in its turn or the next few ("Is
    there an apartment number?" - "Oh, yes, apartment 2R."): each unit word's index."""
    return [k for k in range(end + 1, len(toks) - 1) if turn[k] - turn[end] <= LATER_UNIT_TURNS
            and toks[k].text in LATER_UNIT_WORDS and toks[k].raw[-1:] not in ",.?!;:" and _unit_id(toks[k + 1])]


# words never part of a street's name: "6120447 from Dr. Feldman", "4 nights at the Beaver Run Resort", "one on
# Oak Street", "2 terabyte drive" (a doctor, a resort, a street said without its house, a quantity)
NOT_STREET_NAME = frozenset({"from", "to", "at", "with", "for", "by", "of", "on", "in", "the", "a", "an", "and",
                             "or", "my", "your", "our", "his", "her", "their", "this", "that", "is", "are", "was",
                             "terabyte", "gigabyte", "tablets", "nights", "days", "weeks", "hours", "minutes"})


# never a lower-case city: talk after an address ("... lane and my phone is", "... road so yeah")
CITY_NEVER = NOT_CITY | NOT_STREET_NAME | FILLERS | frozenset(
    "yep no uh-huh mm-hmm like just also actually then now there here correct same apartment apt unit suite "
    "floor".split())


def street_word(t: Token) -> bool:
    return t.text in SUFFIXES or (t.text in MORE_SUFFIXES and t.raw[:1].isupper())


def _unit_id(t: Token) -> bool:
    """What follows "apartment" / "unit": a number, a letter, or both ("6B", "B12", "3-C")."""
    return _numberish(t) or len(t.text) == 1 or bool(re.fullmatch(r"[a-z]?\d+-?[a-z]?|[a-z]-?\d+", t.text))


def _numberish(t: Token) -> bool:
    return numeral(t.text) is not None or t.text.split("-")[0] in UNITS | TEENS.keys() | TENS.keys() \
        or t.text == "hundred"


def house_number(toks: list[Token], suffix: int) -> int | None:
    """Index of the first token of the house number before street word ``suffix`` (1-4 name words between)."""
    k = suffix - 1
    names = 0
    while k >= 0 and names < 4 and not _numberish(toks[k]) and toks[k].raw[:1].isalpha() \
            and not toks[k].ends_sentence and toks[k].text not in NOT_STREET_NAME:
        names, k = names + 1, k - 1
    if names == 0 or k < 0 or not _numberish(toks[k]):
        return None
    while k > 0 and _numberish(toks[k - 1]) and suffix - k < 10 and not toks[k - 1].ends_sentence:
        k -= 1
    return k


def _address_tail(toks: list[Token], suffix: int, turn: list[int], caseless: set[int]) -> int:
    """The last token of the address whose street word is ``toks[suffix]``: a unit, a city, a state, a zip (a
    city written lower case, in a turn written so, when the clause ends after it: ``_city_run``)."""
    end, k, seen_zip = suffix, suffix + 1, False
    while k < len(toks) and k - end <= 4 and not seen_zip:
        t = toks[k]
        if t.text in UNIT_WORDS and k + 1 < len(toks) and _unit_id(toks[k + 1]):
            end = k = k + 1
        elif re.fullmatch(r"#\w+", t.raw.rstrip(",.")):
            end = k  # "#214"
        elif turn[k] in caseless and turn[k] == turn[suffix] \
                and (last := _city_run(toks, turn, k)) is not None:
            end = k = last
        elif t.text in STATES or (re.fullmatch(r"[a-z]{2}", t.text) and t.raw[:1].isupper() and t.raw[1:2].isupper()):
            end = k
        elif _numberish(t):
            z = k
            while z + 1 < len(toks) and _numberish(toks[z + 1]) and z - k < 9:
                z += 1
            digits = "".join(numeral(x.text) or _words_value(x.text.split("-"))[0] for x in toks[k:z + 1])
            after_state = toks[k - 1].text in STATES
            if len(digits) in (5, 9) or (after_state and 3 <= len(digits) <= 6) \
                    or (len(digits) <= 2 and toks[k - 1].text in UNIT_WORDS):  # (a zip misheard by a digit)
                end = k = z
                seen_zip = len(digits) in (5, 9) or after_state
            else:
                break
        elif t.raw[:1].isupper() and t.text not in FILLERS | NOT_CITY | I_FORMS and not (
                toks[k - 1].ends_sentence and not t.raw.endswith(",") and not (
                    k + 1 < len(toks) and (toks[k + 1].text in STATES or _numberish(toks[k + 1])))):
            end = k  # a city's name (after a full stop only as "Boulder, ...": not "Apartment 21. I'll", "Same")
        elif t.text not in FILLERS | {"okay", "ok", "and", "in", "mhm", "mm-hmm", "uh-huh", "yeah", "yes", "yep"}:
            break
        k += 1
    return end


def _city_run(toks: list[Token], turn: list[int], k: int) -> int | None:
    """The last of up to three lower-case words from ``toks[k]`` that end their clause or come before a state or a
    zip code ("... lane round rock texas", "... road marietta", "... pl brooklyn 11215"): a city, not talk."""
    j = k
    while j < len(toks) and turn[j] == turn[k] and j - k < 3 and toks[j].text.isalpha() \
            and toks[j].text not in CITY_NEVER and toks[j].text not in STATES:
        j += 1
        if toks[j - 1].raw[-1:] in ",.?!;:":
            break
    last = j - 1
    if last < k:
        return None
    ends = toks[last].raw[-1:] in ",.?!;:" or last + 1 >= len(toks) or turn[last + 1] != turn[k] \
        or toks[last + 1].text in STATES or _numberish(toks[last + 1])
    return last if ends else None


def has_number(said: list[Token]) -> bool:
    return any(numeral(t.text) or is_number_word(t.text) for t in said)


def address_like(said: list[Token]) -> bool:
    """A number with a street word, a state or a zip code (written, or read as words: "two seven six one four")."""
    return has_number(said) and (any(street_word(t) or t.text in STATES for t in said)
                                 or any(len(r.digits) in (5, 9) and not r.amount for r in digit_runs(said)))


def address_start(toks: list[Token], turn: list[int], start: int, end: int, talk) -> int:
    """Where the address in an answer ``toks[start:end + 1]`` begins: at the house number, past talk (``talk(w)``:
    a lead-in, a cue's words), lower-case words and whole sentences before it that name no place ("I have 2811
    Kessler Avenue", "That'd be Gary, he's the VP. The delivery address is 4410 ...", the asker's "I don't have one
    on file yet. Go ahead." before the other party's "1550 Wynkoop Street"); not "Unit 12 B," nor "The Willows,
    building 3,"."""
    def trim(a: int) -> int:
        while a < end and numeral(toks[a].text) is None and not is_number_word(toks[a].text) \
                and (talk(toks[a].text) or not toks[a].raw[:1].isupper() or toks[a].text in NOT_STREET_NAME):
            a += 1
        return a

    start = trim(start)
    house = next((h for j in range(start + 1, end + 1) if street_word(toks[j])
                  and (h := house_number(toks, j)) is not None and h >= start), None)
    if house is None:  # a street word we don't know ("44 Magnolia Trace"): a number before a capitalised word
        house = next((j for j in range(start, end) if re.fullmatch(r"\d{1,6}", toks[j].text)
                      and toks[j + 1].raw[:1].isupper() and turn[j + 1] == turn[j]), None)
    if house is None:
        return start
    b = max((j + 1 for j in range(start, house) if toks[j].ends_sentence or turn[j + 1] != turn[j]), default=start)
    if b > start and not _names_place(toks[start:b]):
        start = trim(b)
    return house if house - start >= 3 and _talk_before(toks[start:house]) else start


def _names_place(said: list[Token]) -> bool:
    """Whether words before an address's sentence belong to it: a street word, a state or a number (a unit's, or a
    building's, "Unit C."; "one" and "oh" aside: "I don't have one on file", "oh wait"; a unit word alone is none:
    "he runs the floor")."""
    return any(t.text in STATES or street_word(t) or _counts(t)
        or t.text in UNIT_WORDS and k + 1 < len(said) and _unit_id(said[k + 1]) for k, t in enumerate(said))


def _talk_before(said: list[Token]) -> bool:
    """Whether the words before an address's house number are talk: no unit, no building's or place's name (no
    capitalised word but a sentence's first and "I": "We're moving in with my mom, so it goes to her place,"; not
    "Unit 12 B," nor "The Willows, building 3,")."""
    return not any(t.text in UNIT_WORDS for t in said) and not any(
        t.raw[:1].isupper() and t.text not in I_FORMS and not said[k].ends_sentence
        for k, t in enumerate(said[1:]))


def talk_after_address(toks: list[Token], turn: list[int], k: int) -> bool:
    """Whether the sentence after a whole address (ending at ``toks[k]``) is talk: three different words or more
    and no number, or eight words or more with no street, state or zip ("Oh, and sorry, I'm Terrence.", "Yes, we
    deliver there tomorrow between 2 and 5 PM."; not "215 Oakmont, yes.", nor a misheard rest: "You at 3W
    -minisota -5582.")."""
    a = k + 1
    if a >= len(toks) or turn[a] != turn[k]:
        return False
    _, b = sentence(toks, turn, a)
    said = toks[a:b + 1]
    if len({t.text for t in said}) < 3:
        return False
    return not any(_counts(t) for t in said) or (len(said) >= 8 and not address_like(said))


def _counts(t: Token) -> bool:
    """A number said, not "one" or "oh" as talk ("I don't have one on file", "Oh, and sorry")."""
    return numeral(t.text) is not None or is_number_word(t.text) and t.text not in ("oh", "o", "one")
