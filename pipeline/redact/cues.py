"""What follows a naming cue: "the card number is ...", "what's your date of birth?" - the answer.

On a phone line Whisper often mishears digits ("five two nine five" as "time to time time") or writes them in
pieces no number rule can read; a person redacting a call goes by what was asked and answered instead. After a
cue naming a kind, the value is the rest of the cue's sentence when the speaker goes on, else the other party's
next turn (the answer): for a number, the rest of that turn (its digits are often misheard as other words,
which must go with it); for the other kinds, up to the first sentence end after something value-like ("at" or
"dot" for an e-mail, a month or a number for a date, a zip code or state for an address); across a short
backchannel of the other party ("okay", "go on") when the same speaker resumes, and never into the next cue.

A cue said as a request ("And your date of birth?", or the last thing its speaker says before the other party
answers) is answered by the other party's next turn even when nothing in the answer looks like the value:
Whisper hears an e-mail spelled over a phone line as "and I'll look not come", and the question is the evidence.
The cue words themselves are often misheard too ("your data is worth", "and the count"): in a short request a
word that sounds like a cue's key word (``_like``: the same or one-off Metaphone code and close spelling, or a
clipped ending) is a cue, whose answer must then hold something value-like. A read-back ("let me read that
back", "did you say") takes the kind of the cue before it. Scored below the exact recognisers: where they find
the value, theirs counts, and this only adds the words around it they missed.
"""

from __future__ import annotations

import re

from .addresses import STATES, UNIT_WORDS, address_like, address_start, talk_after_address
from .answers import (BACKCHANNEL, GO_AHEAD, HOLD, HOLDING, LEAD, NOT_AN_ANSWER, after_go_ahead, asks_back, declines,
                      talks_on)
from .cue_words import (AFTERWORDS, ANSWER_TOKENS, COPULA, CUE_WORDS, CUES, FUNCTION, FUZZY_DIGITS, GUESS_TOKENS,
                        KEYS, MAX_GAP, MAX_TOKENS, NAMING, NUMBER_KINDS, PHONE_DIGITS, READBACK, TALK, WEAK_CUES,
                        WEEKDAYS, WHOLE)
from .emails import TLDS, email_start, mailbox_given, spells
from .recognizers import MONTHS, NAMING_WORDS, REFERENCE_WORDS, _CallRecognizer, _result
from .requests import (REQUEST_START, REQUEST_TOKENS, asks, is_request, match, said_as_verb, sentence, short_request,
                       sounds_like, turn_last, turns)
from .spoken import ORDINALS, Token, digit_runs, digits_in, how_many, is_number_word, numeral, priced


class CueRecognizer(_CallRecognizer):
    ENTITIES = list(CUES)

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = self.tokens(text)
        turn = turns(text, toks)
        cues = [_cue_at(toks, turn, i) for i in range(len(toks))]  # what each token starts, read once
        out, last_kind, i = [], None, 0
        while i < len(toks):
            kind, n, sure = cues[i]
            readback = kind is None and bool(n := match(toks, i, READBACK)) and last_kind is not None
            if readback:
                kind, sure = last_kind, True
            if kind is None:
                i += 1
                continue
            last_kind = kind
            given = kind in ("STREET_ADDRESS", "EMAIL_ADDRESS") and mailbox_given(toks, turn, i + n - 1, kind)
            if given and not (kind == "EMAIL_ADDRESS" and toks[turn_last(turn, i)].is_question):
                i += n  # "send the paperwork to gareth, at hughes print shop dot com": an e-mail, not an address;
                continue  # "And the email, can you update that too? It's elena.m@gmail.com now.": given, not asked
            # (given to be confirmed, "the email on file, t nguyen 0 4 at yahoo dot com?": a correction may follow)
            span = _answer(toks, turn, cues, i + n - 1, kind, readback, sure and not given)
            if span is not None and kind == "PHONE_NUMBER" and n == 1 and sure \
                    and digits_in(toks[span[0]:span[1] + 1]) < PHONE_DIGITS:
                span = None
            if span is not None and kind in entities:
                a, b = span
                out.append(_result(kind, toks[a].start, toks[b].end, 0.75 if sure else 0.7, self.name))
                # read on after the answer; after the cue when its speaker went on to other sentences before the
                # other party's answer ("that's my old address, I moved in the spring. I live at ...")
                i = i + max(n, 1) if turn[a] != turn[i] and talks_on(toks, turn, i + max(n, 1) - 1) else b + 1
            else:
                i += 1  # ("the card" unanswered: "card number" may be the cue)
        return out


def _cue_at(toks: list[Token], turn: list[int], i: int) -> tuple[str | None, int, bool]:
    """The kind a cue said at ``toks[i]`` names, its length in tokens, and whether it names it surely (a weak or
    misheard cue counts only in a short request). The longest phrase wins ("phone number" over "number")."""
    best: tuple[str | None, int, bool] = (None, 0, True)
    if i >= len(toks) or said_as_verb(toks, i) or (i > 0 and toks[i - 1].text in REFERENCE_WORDS):
        return best  # "the order number", "the quote number": a purchase's, not a person's
    kind, n = _longest(toks, i, _SURE)
    if kind is not None:
        return kind, n, True
    if not short_request(toks, turn, i):
        return best
    kind, n = _longest(toks, i, _WEAK)
    if kind is not None:
        best = (kind, n, False)
    if best[0] is None and _key_position(toks, turn, i) and toks[i].text not in ORDINALS \
            and not is_number_word(toks[i].text):  # ("the the twenty fourth": a date, no misheard "birth")
        best = next(((kind, 1, False) for kind, keys in KEYS.items() if any(sounds_like(toks[i].text, k) for k in keys)),
                    best)
    return best


def _by_first_word(table: dict[str, tuple[tuple[str, ...], ...]]) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for kind, phrases in table.items():
        for p in phrases:
            out.setdefault(p[0], []).append((kind, p))
    return out


_SURE, _WEAK = _by_first_word(CUES), _by_first_word(WEAK_CUES)


def _longest(toks: list[Token], i: int, index) -> tuple[str | None, int]:
    """The kind whose phrase said at ``toks[i]`` is longest (each kind's first phrase that matches, in order)."""
    said: dict[str, int] = {}
    for kind, p in index.get(toks[i].text, ()):
        if kind not in said and match(toks, i, (p,)):
            said[kind] = len(p)
    return max(said.items(), key=lambda kv: kv[1], default=(None, 0))


def _named(cues: list, i: int) -> str | None:
    """The kind a sure cue at token ``i`` names (a weak one, "mail" in "gain .rain .mail .com", ends no value)."""
    kind, _, sure = cues[i] if i < len(cues) else (None, 0, True)
    return kind if sure else None


def _key_position(toks: list[Token], turn: list[int], i: int) -> bool:
    """Where a misheard cue's key word stands in a request: last or next to last ("And your data is worth?",
    "And the count."), or after "your" / "the"."""
    _, b = sentence(toks, turn, i)
    return b - i <= 1 or (i > 0 and toks[i - 1].text in ("your", "the", "of", "date", "data"))


def _valuelike(toks: list[Token], k: int, kind: str) -> bool:
    """Whether ``toks[k]`` looks like part of a value of ``kind`` (a digit, a month, an e-mail's "dot" ...)."""
    w = toks[k].text
    if "$" in toks[k].raw or "%" in toks[k].raw:
        return False  # an amount, a percentage: no part of a value
    if kind == "EMAIL_ADDRESS":  # "@", "gmail.com", "dot", a ".com" Whisper split off, "at" before a domain
        if "@" in w or w in ("dot", "underscore") or re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+", w):
            return True
        if toks[k].raw.startswith(".") and w.isalnum():  # "gain .rain .mail .com": Whisper's pieces of an address
            return True
        if w in TLDS or w in ("come", "calm"):  # ("dot com" misheard as "not come")
            return toks[k].raw.startswith(".") or (k > 0 and toks[k - 1].text in ("dot", "not"))
        if w == "not":  # "layla not f at yahoo": "dot" misheard, between two words that are no verb phrase
            return 0 < k < len(toks) - 1 and toks[k - 1].text not in FUNCTION and toks[k + 1].text not in FUNCTION
        return w == "at" and any(_valuelike(toks, j, kind) for j in range(k + 1, min(len(toks), k + 5))
                                 if toks[j].text != "at")
    if w == "oh":  # a zero beside other digits ("four oh four"), not "Oh, and actually ..."
        return any(numeral(toks[j].text) is not None or is_number_word(toks[j].text) or toks[j].text == "oh"
                   for j in (k - 1, k + 1) if 0 <= j < len(toks))
    if kind == "DATE_OF_BIRTH" and len(numeral(w) or "") > 8:
        return False  # a phone number said after talk is no date ("... call my cell. 808-555-0116.")
    if (kind in NUMBER_KINDS and _year_said(toks, k)) or how_many(toks, k):
        return False
    if numeral(w) is not None or is_number_word(w) or w in ("double", "triple"):
        return True
    if kind == "DATE_OF_BIRTH":
        return w in MONTHS or w in ORDINALS
    if kind == "STREET_ADDRESS":
        return False
    if not (len(w) == 1 and w.isalpha() and kind in ("ACCOUNT_NUMBER", "CARD_NUMBER")):
        return False
    # a letter of an identifier ("K 2 2 0 0"), beside its digits: not "I" or "a" in talk
    return any(numeral(toks[j].text) is not None or is_number_word(toks[j].text)
               for j in (k - 1, k + 1) if 0 <= j < len(toks))


def _year_said(toks: list[Token], k: int) -> bool:
    """Whether ``toks[k]`` is part of a year said after "in", "since" ... ("I switched banks in twenty twenty
    four."): no digit of a number."""
    if numeral(toks[k].text) is None and not is_number_word(toks[k].text):
        return False
    a = b = k
    while a > 0 and k - a < 3 and (numeral(toks[a - 1].text) is not None or is_number_word(toks[a - 1].text)) \
            and not toks[a - 1].ends_sentence:
        a -= 1
    while b + 1 < len(toks) and b - k < 3 and not toks[b].ends_sentence \
            and (numeral(toks[b + 1].text) is not None or is_number_word(toks[b + 1].text)):
        b += 1
    runs = digit_runs(toks[a:b + 1])
    return a > 0 and toks[a - 1].text in ("in", "since", "until", "till", "from") and len(runs) == 1 \
        and re.fullmatch(r"(19|20)\d\d", runs[0].digits) is not None


def _answer(toks: list[Token], turn: list[int], cues: list, cue_end: int, kind: str,
            readback: bool = False, sure: bool = True) -> tuple[int, int] | None:
    """Token indices of the value after the cue ending at ``cue_end``, or None. A read-back's value is the
    speaker's own next words. A cue not ``sure`` (weak or misheard) is taken only with a value-like answer; a
    sure one that asks the other party (``_is_request``) is answered by their next words, value-like or not."""
    k = cue_end + 1
    direct = False
    if not readback and (not sure or not _goes_on(toks, turn, cue_end, kind)):  # asked for: the answer
        direct = sure and is_request(toks, turn, cue_end)
        while k < len(toks) and turn[k] == turn[cue_end]:
            k += 1
        direct = direct and k - cue_end <= REQUEST_TOKENS
        if direct and asks_back(toks, turn, k):  # "What is this about?" - "To verify you." - "Fine. It's ..."
            k = next((j for j in range(k, len(toks)) if turn[j] == turn[k] + 2), len(toks))
    answering = turn[k] if k < len(toks) else None
    while k < len(toks) and (toks[k].text in LEAD or (toks[k].text == "four" and toks[k - 1].text == "last")) \
            and not toks[k].ends_sentence and not (toks[k].text == "oh" and k + 1 < len(toks)
                                                   and is_number_word(toks[k + 1].text)):  # "oh six": a zero
        k += 1
    e = k
    while e < len(toks) and turn[e] == answering and toks[e].text in HOLD:
        e += 1
    if e > k + 1 and e < len(toks) and turn[e] == answering and _holding(toks, turn, k, e, kind):
        e = next((j for j in range(e, len(toks)) if turn[j] != answering), len(toks))
    if e > k and (e >= len(toks) or turn[e] != answering):
        k = e  # the whole answering turn holds the line: "Sure, one moment.", "Hang on, let me grab it."
    if k < len(toks) and turn[k] != answering:  # the answering turn was only "sure" / "one moment"
        k = after_go_ahead(toks, turn, k, answering)
    if k >= len(toks) or (turn[k] - answering) % 2:
        return None  # nothing but "okay", and the asker talks on: no answer (not the asker's next words)
    start, who, seen, end, said, gap, last = k, turn[k], False, None, 0, 0, None
    # an amount or a time in a number's answer is none of it ("account 4482910337, and the amount is two thousand
    # two hundred dollars?"): the value ends before it
    sums = priced(toks, start, start + 2 * MAX_TOKENS) if kind in NUMBER_KINDS else set()
    valued = None
    while k < len(toks) and k - start < MAX_TOKENS:
        if turn[k] != who:  # the other party: a backchannel the speaker talks on after, or the end
            j = k
            while j < len(toks) and turn[j] == who + 1 and toks[j].text in BACKCHANNEL and j - k < 3:
                j += 1
            # a new line is a change of speaker: the speaker resumes two turns on, after nothing but "okay, go on"
            if j >= len(toks) or turn[j] != who + 2 or not (
                    any(_valuelike(toks, x, kind) for x in range(j, min(len(toks), j + 3)))
                    or kind == "STREET_ADDRESS" and any(toks[x].text in UNIT_WORDS and _valuelike(toks, x + 1, kind)
                                                        for x in range(j, min(len(toks) - 1, j + 4)))):
                break  # (the address goes on: "Oh, and it's unit 5, sorry.")
            k, who = j, turn[j]
            continue
        if k > start and ({_named(cues, k), _named(cues, k + 1)} - {None, kind}):
            break  # another value is named: this one has ended (its own name again is part of the answer)
        if kind == "STREET_ADDRESS":  # an address ends at its zip code or state, or where the turn does
            said = said + 1 if is_number_word(toks[k].text) else 0
            seen |= said >= 5 or len(numeral(toks[k].text) or "") == 5 or toks[k].text in STATES
            end = k
            if said >= 5 or len(numeral(toks[k].text) or "") in (5, 9):
                break  # the zip code ends it
            if toks[k].ends_sentence and address_like(toks[start:k + 1]) and talk_after_address(toks, turn, k):
                break  # "1102 Bayou Oaks Drive, Lafayette. Oh, and sorry, I'm Terrence ..."
        elif kind in NUMBER_KINDS:  # a number's answer is the rest of the turn (on a phone line its digits are
            if seen and (k in sums or toks[k].text in REFERENCE_WORDS | WEEKDAYS):  # often misheard as words,
                last = end = valued  # which must go with it), up to a sentence after it that holds nothing
                break  # number-like ("Again, that's Dana from Acme."), an amount or an order's number
            if k not in sums and _valuelike(toks, k, kind):
                seen, valued = True, k
            last = end = k
            if seen and (toks[k].ends_sentence and (_talk_follows(toks, turn, k, kind) or kind == "PHONE_NUMBER"
                                                    and digits_in(toks[start:k + 1]) >= WHOLE[kind])
                         or _clause_talk(toks, turn, k, kind)):  # (or a whole phone number, then a stop: "617-555-
                # 0193. Or Arjun's is ...")
                break  # (a clause of talk after it: "PPC 20448, just bring your id to the front desk")
            k += 1
            continue
        elif _valuelike(toks, k, kind):
            seen, gap, last, end = True, 0, k, k
            if kind == "EMAIL_ADDRESS" and (toks[k].text in TLDS or "." in toks[k].text):
                break  # the domain's end is the address's
        elif seen:
            gap += 1
            if gap > MAX_GAP:  # that many words of something else: the value has ended
                break
        else:
            end = k  # before anything value-like: perhaps a misheard value
        if toks[k].ends_sentence and seen and not (kind in NUMBER_KINDS and any(
                _valuelike(toks, j, kind) for j in range(k + 1, min(len(toks), k + 1 + MAX_GAP)) if turn[j] == who)):
            break
        k += 1
    if end is None:
        return None
    said = toks[start:end + 1]
    if not sure and not (digits_in(said, identifiers=True) >= FUZZY_DIGITS if kind in NUMBER_KINDS else
                         address_like(said) if kind == "STREET_ADDRESS" else seen):
        return None
    if seen and kind in ("EMAIL_ADDRESS", "DATE_OF_BIRTH"):
        # a date, or an e-mail whose domain was misheard, is said in a sentence of its own: the words Whisper
        # wrote after its value-like ones ("For it, 23, I will be.") are the rest of it, misheard; before them,
        # talk ("Walter Pruitt, and my birthday's the fifth of June") is not
        start = _after_naming(toks, start, last, kind)
        if kind == "EMAIL_ADDRESS" and (toks[last].text in TLDS or "." in toks[last].text):
            at = next((j for j in range(last, start - 1, -1) if toks[j].text == "at" or "@" in toks[j].text), None)
            if at is not None and not any(spells(toks, j) and toks[j].text not in ("i", "a") for j in range(start, at)):
                start = max(start, at if "@" in toks[at].text else email_start(toks, at))  # after the talk before
                # its name ("send it to megorourke at ..."); a name spelled out ("j, as in jelly, w, ...") is all of it
            return start, last
        b = next((j for j in range(last, min(len(toks), start + ANSWER_TOKENS)) if toks[j].ends_sentence), None)
        return start, b if b is not None and all(turn[j] == turn[last] for j in range(last, b + 1)) else last
    if seen and kind != "STREET_ADDRESS":
        if kind in NUMBER_KINDS and valued is not None and valued + 2 <= last \
                and all(talk_word(t.text) for t in toks[valued + 1:valued + 3]):
            last = valued  # "203-555-01 92 that's my cell, the house phone is...": talk after the number
        return _whole(toks, _after_talk(toks, start, last, kind), last, kind)
    direct = direct and len(said) <= ANSWER_TOKENS and not all(t.text in NOT_AN_ANSWER for t in said) \
        and not any(cues[j][0] == kind for j in range(start, end + 1)) \
        and not (said[-1].is_question and said[0].text in REQUEST_START) \
        and not declines(said, any(_valuelike(toks, j, kind) for j in _span(sentence(toks, turn, cue_end))))
    # ("Our email is on the website.": talk about the value; "What is this about?": a question back; "I don't have
    # it on me")
    if kind == "STREET_ADDRESS":  # a house number is what tells an address from "it's on our website"
        if not (address_like(said) or (direct and digits_in([t for t in said if t.text != "one"], identifiers=True))):
            return None  # ("I don't have one on file yet. Go ahead.": no number)
        start = address_start(toks, turn, start, end, talk_word)
        while end > start and (talk_word(toks[end].text) or toks[end].text in AFTERWORDS) \
                and not toks[end].raw.strip(",.?!").isupper() and not is_number_word(toks[end].text):
            end -= 1  # "14 Dunmore Place, correct?", "... Quincy? Alright," (not the state in "Tulsa, OK.")
        return start, end
    if direct and kind in ("EMAIL_ADDRESS", "DATE_OF_BIRTH") and asks(toks, turn, cue_end):
        return start, end  # asked for and answered: the answer is the value, misheard
    if kind in ("EMAIL_ADDRESS", "DATE_OF_BIRTH") or not direct or not 2 <= end - start + 1 <= GUESS_TOKENS \
            or any(_valuelike(toks, j, "EMAIL_ADDRESS") for j in range(start, end + 1)):
        return None  # (nor is an e-mail address: "Okay, disputes at allied credit partners dot com.")
    # nothing number-like: a misheard number, when short; only its first sentence
    return start, _first_sentence_end(toks, start, end)


def _span(ends: tuple[int, int]) -> range:
    return range(ends[0], ends[1] + 1)


def talk_word(w: str) -> bool:
    """Whether ``w`` is talk around a value (a lead-in, a backchannel, a cue's own words), never part of one."""
    return w in LEAD or w in TALK or w in NOT_AN_ANSWER or w in BACKCHANNEL or w in CUE_WORDS


def _holding(toks: list[Token], turn: list[int], k: int, e: int, kind: str) -> bool:
    """Whether a turn that starts by holding the line ("hang on", "let me find") goes on with nothing of the value
    ("hang on i gotta find my card it's in the other room") and the asker then says "no rush" or the like."""
    end = next((j for j in range(e, len(toks)) if turn[j] != turn[k]), len(toks))
    if end >= len(toks) or any(_valuelike(toks, j, kind) for j in range(e, end)):
        return False
    if not any(toks[j].text in HOLDING for j in range(k, e)):
        return False
    j = end
    while j < len(toks) and turn[j] == turn[end] and toks[j].text in GO_AHEAD:
        j += 1
    return j > end and (j >= len(toks) or turn[j] != turn[end])


def _after_naming(toks: list[Token], start: int, last: int, kind: str) -> int:
    """Where a date or an e-mail starts in its answer: after the last word naming its kind before it ("Walter
    Pruitt, and my birthday's the fifth of June"), else where the answer does (a misheard start is part of it)."""
    first = next(j for j in range(start, last + 1) if _valuelike(toks, j, kind))
    named = [j for j in range(start, first) if toks[j].text.removesuffix("'s") in NAMING[kind]
             and (toks[j].text.endswith("'s") or toks[j + 1].text in COPULA or kind == "DATE_OF_BIRTH" and (
                 toks[j + 1].text in ("in", "on") or j + 1 == first or toks[j].raw[-1:] in ",:"))]
    # "my birthday is", "DOB 11-20-1975", "born in '91" (not a misheard
    # "gmail": "the under-court gentle, that email not come")
    if not named:
        return start
    j = named[-1] + 1
    while j < first and (toks[j].text in LEAD or kind == "DATE_OF_BIRTH" and toks[j].text in ("in", "on")):
        j += 1
    return j


def _after_talk(toks: list[Token], start: int, last: int, kind: str) -> int:
    """Where a value starts in its answer: what came before the first value-like word is a misheard part of it
    unless it is talk ("my name is Maria. It's 4111 ..."): the value starts after the last such word."""
    first = next(j for j in range(start, last + 1) if _valuelike(toks, j, kind))
    talk = [j for j in range(start, first) if toks[j].text in LEAD | TALK]
    return talk[-1] + 1 if talk else start


def _whole(toks: list[Token], a: int, z: int, kind: str) -> tuple[int, int]:
    """A number's answer from its first digit to its last when it holds the whole number in digits ("cell, 312 555
    01 77 now"), where the words on either side are talk: three words or more, or only talk words. Two other words
    may be a misheard group ("six zero six seven seven eight two three. 67 I made."), which is muted with it."""
    runs = [r for r in digit_runs(toks[a:z + 1]) if not r.amount]
    if not runs or sum(len(r.digits) for r in runs) < WHOLE.get(kind, len(toks)):
        return a, z
    first, last = a + runs[0].first, a + runs[-1].last
    fixed = {10, 11} if kind == "PHONE_NUMBER" else {15, 16} if kind == "CARD_NUMBER" else {9} \
        if kind in ("SSN", "ROUTING_NUMBER") else set()
    whole = next((r for r in runs if len(r.digits) in fixed and (len(r.digits) != 11 or r.digits[0] == "1")), None)
    if whole is not None:  # (not "one who takes him. It's 412-555-0139.", nor "The new one is 646-555-0188.")
        first = a + (whole.last if len(numeral(toks[a + whole.last].text) or "") == 10 else whole.first)
    while first > a and not whole and (_valuelike(toks, first - 1, kind)
                                       or re.fullmatch(r"[a-z]{1,4}", toks[first - 1].text)
                                       and toks[first - 1].raw.strip(",.").isupper()):
        first -= 1  # "B H X 9 0 0 2 ...", "PMA, 30418826": an identifier's letters
    while last < z and toks[last + 1].text in ("oh", "o", "double", "triple"):
        last += 1  # "... five one oh oh."

    def talk(side: list[Token]) -> bool:
        return len(side) >= 3 or all(talk_word(t.text) or t.text in AFTERWORDS for t in side) or any(
            t.text.removesuffix("'s") in NAMING_WORDS for t in side)  # "a Visa,", "number's"
    # (a sentence of its own before or after the number is talk too: "a Mastercard. Five one oh five, ...")
    # (before a number of its whole fixed length no misheard digit is left: "Use mine, 847-555-0131.")
    return (first if whole or talk(toks[a:first]) or toks[first - 1].ends_sentence else a), \
        (last if talk(toks[last + 1:z + 1]) or toks[last].ends_sentence else z)


def _first_sentence_end(toks: list[Token], start: int, end: int) -> int:
    return next((j for j in range(start, end + 1) if toks[j].ends_sentence), end)


def _clause_talk(toks: list[Token], turn: list[int], k: int, kind: str) -> bool:
    """Whether a comma at ``toks[k]`` is followed by a clause of talk (three words or more, none value-like) and
    nothing value-like after it in the turn: the number has ended."""
    if not toks[k].raw.endswith(","):
        return False
    j = k + 1
    while j < len(toks) and turn[j] == turn[k] and not _valuelike(toks, j, kind) and toks[j].raw[-1:] not in ",.?!;:":
        j += 1
    end = j if j >= len(toks) or turn[j] != turn[k] or _valuelike(toks, j, kind) else j + 1  # the clause's words
    rest = range(end, next((x for x in range(end, len(toks)) if turn[x] != turn[k]), len(toks)))
    return end - k > 3 and not any(_valuelike(toks, x, kind) for x in range(k + 1, end)) \
        and not any(_valuelike(toks, x, kind) for x in rest)  # ("4485 2710, hang on, let me check, 9934 6021")


def _talk_follows(toks: list[Token], turn: list[int], k: int, kind: str) -> bool:
    """Whether the sentence after ``toks[k]`` (in its turn) is talk: a request ("To verify, can I get the last
    four of your social?"), or three different words or more, none number-like (not "Time, time, time.": a
    misheard group of the number)."""
    j = k + 1
    if j < len(toks) and turn[j] == turn[k] and is_request(toks, turn, j) and toks[sentence(toks, turn, j)[1]].is_question:
        return True
    while j < len(toks) and turn[j] == turn[k] and not _valuelike(toks, j, kind):
        if toks[j].ends_sentence:
            break
        j += 1
    else:
        if j < len(toks) and turn[j] == turn[k]:
            return False  # a number-like word: the value goes on
    if j < len(toks) and turn[j] == turn[k] and _valuelike(toks, j, kind):
        return False
    return len({t.text for t in toks[k + 1:j + 1]}) >= 3


def _goes_on(toks: list[Token], turn: list[int], cue_end: int, kind: str) -> bool:
    """Whether the cue's speaker says the value themselves: the cue is followed in its turn by "is", a colon or
    the value, and its sentence is no question."""
    k = cue_end + 1
    if toks[cue_end].ends_sentence or k >= len(toks) or turn[k] != turn[cue_end]:
        return False
    _, j = sentence(toks, turn, k)  # (the sentence's last word: never the other party's first)
    if toks[j].is_question:
        return _valuelike(toks, k, kind)  # "the card ending in 8 8 1 4?": a value said to be confirmed
    if all(t.text in LEAD for t in toks[k:j + 1]):  # "... your social security number." and nothing after
        return False
    return toks[k].text in COPULA or toks[cue_end].raw.endswith(":") \
        or any(_valuelike(toks, x, kind) for x in range(k, j + 1))
