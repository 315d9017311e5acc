"""What follows a naming cue: "the card number is ...", "what's your date of birth?" - the answer.

On a phone line Whisper often mishears digits ("five two nine five" as "time to time time") or writes them in
pieces no number rule can read; a person redacting a call goes by what was asked and answered instead. After a
cue naming a kind, the value is the rest of the cue's sentence when the speaker goes on, else the other party's
next turn (the answer): for a number, the rest of that turn (its digits are often misheard as other words,
which must go with it); for the other kinds, up to the first sentence end after something value-like ("at" or
"dot" for an e-mail, a month or a number for a date, a zip code or state for an address); across a short
backchannel of the other party ("okay", "go on") when the same speaker resumes, and never into the next cue. A read-back ("let me read that back", "did you say") takes
the kind of the cue before it. Scored below the exact recognisers: where they find the value, theirs counts,
and this only adds the words around it they missed.
"""

from __future__ import annotations

from .recognizers import MONTHS, STATES, SUFFIXES, TLDS, _CallRecognizer, _result
from .spoken import FILLERS, Token, digit_runs, is_number_word, numeral

CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "CARD_NUMBER": (("card", "number"), ("card", "is"), ("number", "on", "the", "card"), ("long", "number"),
                    ("card", "ending", "in"), ("expiration", "date"), ("expiry", "date"), ("security", "code"),
                    ("cvv",), ("cvc",)),
    "ACCOUNT_NUMBER": (("account", "number"), ("account", "is"), ("member", "number"), ("member", "id"),
                       ("policy", "number"), ("customer", "number")),
    "ROUTING_NUMBER": (("routing", "number"), ("routing", "is"), ("sort", "code"), ("transit", "number")),
    "SSN": (("social", "security"), ("social", "is"), ("ssn",), ("of", "my", "social"), ("of", "your", "social")),
    "PHONE_NUMBER": (("phone", "number"), ("cell", "number"), ("mobile", "number"), ("reach", "me", "at"),
                     ("reach", "me", "on"), ("call", "me", "at"), ("call", "me", "back", "at"), ("call", "me", "on"),
                     ("callback", "number"), ("best", "number"), ("number",)),  # "number" alone: see PHONE_DIGITS
    "DATE_OF_BIRTH": (("date", "of", "birth"), ("born", "on"), ("was", "born"), ("birthday", "is"), ("dob",),
                      ("birth", "date")),
    "EMAIL_ADDRESS": (("email",), ("e-mail",)),  # the answer must hold "at" or "@" (never guessed)
    "STREET_ADDRESS": (("address", "is"), ("street", "address"), ("live", "at"), ("mailing", "address"),
                       ("billing", "address"), ("shipping", "address"), ("zip", "code"), ("postcode",),
                       ("company", "address"), ("address",)),  # the answer must hold a number and a street
                                                                # word, a zip code or a state
}
READBACK = (("read", "that", "back"), ("read", "it", "back"), ("read", "back"), ("to", "confirm"),
            ("did", "you", "say"), ("confirm", "that"))
LEAD = FILLERS | {"is", "it's", "its", "sure", "yes", "yeah", "okay", "ok", "the", "my", "it", "that's", "number",
                  "so", "and", "oh", "right", "um", "uh", "of", "course", "yep", "are", "was", "be", "would",
                  "please", "last", "digits", "your", "social", "security", "card", "on", "account"}
BACKCHANNEL = FILLERS | {"okay", "ok", "yeah", "yes", "yep", "go", "on", "ahead", "right", "mhm", "mm-hmm", "uh-huh",
                         "got", "it", "sure", "and", "alright", "next", "continue", "great"}
TALK = {"name", "i", "i'm", "we", "you", "this", "here", "i'll", "let", "me", "thanks", "thank"}
NUMBER_KINDS = ("CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER")
MAX_TOKENS = 30
PHONE_DIGITS = 7  # "a number we can text?": the answer to "number" alone must hold a phone number's digits
MAX_GAP = 4  # other words a value may hold ("404. Time, time, time. 4133": a number misheard in the middle)
GUESS_TOKENS = 8  # a number's answer with nothing number-like in it is still taken when this short (misheard)


class CueRecognizer(_CallRecognizer):
    ENTITIES = list(CUES)

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = self.tokens(text)
        turn = _turns(text, toks)
        out, last_kind, i = [], None, 0
        while i < len(toks):
            kind, n = _cue_at(toks, i)
            readback = kind is None and bool(n := _match(toks, i, READBACK)) and last_kind is not None
            kind = last_kind if readback else kind
            if kind is None:
                i += 1
                continue
            last_kind = kind
            span = _answer(toks, turn, i + n - 1, kind, readback)
            if span is not None and kind == "PHONE_NUMBER" and n == 1 and _digits_in(toks[span[0]:span[1] + 1]) < PHONE_DIGITS:
                span = None
            if span is not None and kind in entities:
                a, b = span
                out.append(_result(kind, toks[a].start, toks[b].end, 0.75, self.name))
                i = b + 1
            else:
                i += n
        return out


def _turns(text: str, toks: list[Token]) -> list[int]:
    """Each token's turn number: the call's text has a new line where the speaker changes."""
    out, n, pos = [], 0, 0
    for t in toks:
        n += text.count("\n", pos, t.start)
        pos = t.start
        out.append(n)
    return out


def _match(toks: list[Token], i: int, phrases) -> int:
    """The length of the phrase said at ``toks[i]`` (within one sentence), or 0."""
    for p in phrases:
        if tuple(t.text for t in toks[i:i + len(p)]) == p and not any(t.ends_sentence for t in toks[i:i + len(p) - 1]):
            return len(p)
    return 0


def _cue_at(toks: list[Token], i: int) -> tuple[str | None, int]:
    for kind, phrases in CUES.items():
        n = _match(toks, i, phrases)
        if n:
            return kind, n
    return None, 0


def _valuelike(t: Token, kind: str) -> bool:
    w = t.text
    if numeral(w) is not None or is_number_word(w) or w in ("oh", "double", "triple"):
        return True
    if kind == "EMAIL_ADDRESS":  # "at", "dot", "@", "gmail.com", a ".com" Whisper split off
        return w in ("at", "dot", "underscore") or "@" in w or "." in w or w in TLDS
    if kind == "DATE_OF_BIRTH":
        return w in MONTHS
    if kind == "STREET_ADDRESS":
        return False
    return len(w) == 1 and w.isalpha() and kind in ("ACCOUNT_NUMBER", "CARD_NUMBER")


def _answer(toks: list[Token], turn: list[int], cue_end: int, kind: str,
            readback: bool = False) -> tuple[int, int] | None:
    """Token indices of the value after the cue ending at ``cue_end``, or None. A read-back's value is the
    speaker's own next words."""
    k = cue_end + 1
    if not readback and not _goes_on(toks, turn, cue_end, kind):  # asked for, or named in passing: the answer
        while k < len(toks) and turn[k] == turn[cue_end]:
            k += 1
    while k < len(toks) and (toks[k].text in LEAD or (toks[k].text == "four" and toks[k - 1].text == "last")) \
            and not toks[k].ends_sentence:
        k += 1
    if k >= len(toks):
        return None
    start, who, seen, end, said, gap, last = k, turn[k], False, None, 0, 0, None
    while k < len(toks) and k - start < MAX_TOKENS:
        if turn[k] != who:  # the other party: a backchannel the speaker talks on after, or the end
            j = k
            while j < len(toks) and turn[j] != who and toks[j].text in BACKCHANNEL and j - k < 3:
                j += 1
            if j >= len(toks) or turn[j] != who or not any(_valuelike(t, kind) for t in toks[j:j + 3]):
                break
            k = j
            continue
        if k > start and (_cue_at(toks, k)[0] is not None or _cue_at(toks, k + 1)[0] is not None):
            break  # the next value is named: this one has ended
        if kind == "STREET_ADDRESS":  # an address ends at its zip code or state, or where the turn does
            said = said + 1 if is_number_word(toks[k].text) else 0
            seen |= said >= 5 or len(numeral(toks[k].text) or "") == 5 or toks[k].text in STATES
            end = k
        elif kind in NUMBER_KINDS:  # a number's answer is the rest of the turn: on a phone line its digits are
            seen |= _valuelike(toks[k], kind)  # often misheard as other words, which must go with it
            last = end = k
            k += 1
            continue
        elif _valuelike(toks[k], kind):
            seen, gap, last, end = True, 0, k, k
            if kind == "EMAIL_ADDRESS" and (toks[k].text in TLDS or "." in toks[k].text):
                break  # the domain's end is the address's
        elif seen:
            gap += 1
            if gap > MAX_GAP:  # that many words of something else: the value has ended
                break
        else:
            end = k  # before anything value-like: perhaps a misheard number
        if toks[k].ends_sentence and seen and not (kind in NUMBER_KINDS and any(
                _valuelike(toks[j], kind) for j in range(k + 1, min(len(toks), k + 1 + MAX_GAP)) if turn[j] == who)):
            break
        k += 1
    if end is None:
        return None
    if seen and kind != "STREET_ADDRESS":
        # what came before the first value-like word is a misheard part of it unless it is talk ("my name is
        # Maria. It's 4111 ..."): the value starts after the last such word
        first = next(j for j in range(start, last + 1) if _valuelike(toks[j], kind))
        talk = [j for j in range(start, first) if toks[j].text in LEAD | TALK]
        return (talk[-1] + 1 if talk else start), last
    if kind == "STREET_ADDRESS":
        said = toks[start:end + 1]
        has_number = any(numeral(t.text) or is_number_word(t.text) for t in said)
        return (start, end) if has_number and (seen or any(t.text in SUFFIXES for t in said)) else None
    if kind in ("EMAIL_ADDRESS", "DATE_OF_BIRTH") or not 2 <= end - start + 1 <= GUESS_TOKENS:
        return None
    # nothing number-like: a misheard number, when short; only its first sentence
    return start, next((j for j in range(start, end + 1) if toks[j].ends_sentence), end)


def _digits_in(toks: list[Token]) -> int:
    return sum(len(r.digits) for r in digit_runs(toks))


def _goes_on(toks: list[Token], turn: list[int], cue_end: int, kind: str) -> bool:
    """Whether the cue's speaker says the value themselves: the cue is followed in its turn by "is", a colon or
    the value, and its sentence is no question."""
    k = cue_end + 1
    if toks[cue_end].ends_sentence or k >= len(toks) or turn[k] != turn[cue_end]:
        return False
    j = k
    while j < len(toks) and turn[j] == turn[cue_end] and not toks[j].ends_sentence:
        j += 1
    if j < len(toks) and turn[j] == turn[cue_end] and toks[j].raw.rstrip("\"')”’").endswith("?"):
        return False
    if all(t.text in LEAD for t in toks[k:j + 1]):  # "... your social security number." and nothing after
        return False
    return toks[k].text in LEAD or toks[cue_end].raw.endswith(":") or any(_valuelike(t, kind) for t in toks[k:j + 1])
