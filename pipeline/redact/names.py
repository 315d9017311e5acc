"""The buyer's names (``strict``): who the buyer says they are, what they answer to "your name?", what the rep
calls them ("Thanks, Maria", "Is this Priya?"), and every later mention of a name found so; never the rep's own
name or company, which a coach needs.

spaCy's small model finds names in written English; a call's transcript is speech, often lower-case or
misheard ("quame man" for "Kwame Mensah"), where what was said around a name is the surer sign: a name follows
"my name is", answers "who am I speaking with?", or is called out by the other party. Pure: tokens and roles in,
character spans out (``detect.PresidioRedactor`` merges them with spaCy's).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, Sequence

from .requests import hangs, match, sentence
from .spoken import FILLERS, Token, is_number_word, numeral, tokens

# what the buyer says before their own name; the strong ones are followed by a name however Whisper spelled it
INTRO_STRONG = (("my", "name", "is"), ("my", "name's"), ("my", "name"), ("name", "is"), ("name's",),
                ("this", "is"), ("the", "name", "is"))
INTRO_WEAK = (("i'm",), ("i", "am"), ("it's",), ("it", "is"), ("speaking", "is"), ("under", "the", "name"),
              ("be", "under"), ("it's", "under"), ("is", "under"))  # a capitalised name must follow
# what the rep asks the buyer's name with
ASK_NAME = (("your", "name"), ("your", "full", "name"), ("who", "am", "i", "speaking"), ("who", "i'm", "speaking"),
            ("who's", "calling"), ("who", "is", "calling"), ("who", "is", "this"), ("who's", "this"),
            ("who", "am", "i", "talking"), ("your", "first", "name"), ("your", "last", "name"),
            ("who", "do", "i", "have"), ("who", "are", "you"))
# what a speaker says right before the other party's name ("Thanks, Maria", "Is this Priya?")
VOCATIVE = (("thanks",), ("thank", "you"), ("hi",), ("hello",), ("hey",), ("is", "this"), ("is", "that"),
            ("am", "i", "speaking", "with"), ("am", "i", "talking", "to"), ("speak", "with"), ("speak", "to"),
            ("talk", "to"), ("looking", "for"), ("you're",), ("you", "are"), ("bye",), ("goodbye",), ("sorry",),
            ("cheers",), ("care",))
# what the rep introduces themself and their company with
REP_INTRO = (("this", "is"), ("my", "name", "is"), ("name's",), ("i'm",), ("i", "am"), ("it's",), ("through", "to"),
             ("you've", "got"), ("you", "have"),
             ("reached",), ("speaking", "with"), ("talking", "to"), ("for", "calling"))
REP_AFTER = ("calling", "here", "speaking", "from")  # "Ravi calling from Brightwave", "Oliver here"
COMPANY_LEAD = ("from", "at", "with", "of")
# never a name: function words, greetings and answers, days and months, what a call is about
NOT_NAME = FILLERS | frozenset(
    "a an the and or but so if then than that this these those it it's its is are was were be been am i i'm i'd "
    "i'll i've me my mine you you're your yours we we're our us they their them he she his her him there here "
    "what what's which who who's whom whose where when why how yes yeah yep no nope not okay ok sure right well "
    "hi hello hey thanks thank please sorry bye goodbye good great fine perfect lovely morning afternoon evening "
    "night day calling call speaking speak talking talk from at with of for to in on by about as into just also "
    "do does did done have has had having can could would should will shall may might must get got go going "
    "like one two three four five six seven eight nine ten number card account address email phone name "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december today tomorrow yesterday mr mrs ms miss dr sir madam ma'am mister "
    "missus doctor attention email visa mastercard amex discover routing checking savings "
    "speaking everyone everybody all both team folks guys calling back again".split())
# said before a name that ends where a sentence or clause does ("Okay, Natalie."): the name alone, no more
VOCATIVE_ALONE = (("okay",), ("ok",), ("alright",), ("perfect",), ("great",), ("got", "it"), ("sure", "thing"),
                  ("all", "right"))
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "mister", "missus"})
SPELL_GLUE = frozenset({"last", "first", "name", "name's", "is", "and", "that's", "spelled", "surname", "middle"})
# asked about with "name", whose name is the caller's ("the name of the account holder", "name for the booking")
OWNERS = frozenset({"holder", "account", "cardholder", "policyholder", "accountholder", "primary", "caller", "patient",
                    "passenger", "member", "owner", "insured", "applicant", "borrower", "subscriber", "reservation",
                    "booking", "order", "card", "guest", "customer", "contact", "person", "signer", "buyer"})
# what a "what name" question may be about instead of the caller: a business or a third party's name
OTHERS = frozenset({"company", "business", "payee", "biller", "merchant", "provider", "store", "bank", "branch",
                    "doctor", "advisor", "adviser", "dentist", "technician", "employer", "school", "pharmacy", "vendor",
                    "supplier", "landlord", "contractor", "carrier", "agency", "firm", "shop", "restaurant", "hotel",
                    "clinic", "practice", "insurer", "lender", "dealer", "dealership", "plan", "product", "street",
                    "city", "town", "rep", "representative", "agent", "manager", "recipient", "beneficiary"})
# the word right before "name" when the caller's is asked ("your full name", "the last name"), not "company name"
NAME_BEFORE = frozenset({"your", "the", "a", "first", "last", "full", "legal", "middle", "maiden", "whole", "given",
                         "family", "complete", "what", "what's", "which", "and", "that", "same", "sur"})
# a title that names someone the caller deals with, not the caller ("your appointment with Dr. Patel")
PROFESSIONAL = frozenset({"dr", "doctor", "officer", "nurse", "professor", "judge", "pastor", "father", "reverend",
                          "coach", "agent", "detective", "sergeant", "captain"})
# words that make a name a business's ("Johnson Plumbing", "Ortiz Lawn and Garden LLC", "Miller's Auto Body")
BUSINESS = frozenset({"plumbing", "landscaping", "lawn", "garden", "llc", "inc", "corp", "co", "company", "services",
                      "dental", "auto", "body", "shop", "store", "group", "bank", "insurance", "electric",
                      "heating", "cooling", "hvac", "construction", "roofing", "realty", "motors", "pharmacy",
                      "clinic", "orthopedics", "associates", "partners", "law", "studio", "salon", "cafe",
                      "restaurant", "market", "foods", "solutions", "systems", "supply", "supplies", "hardware",
                      "flooring", "painting", "cleaning", "moving", "towing", "repair", "repairs", "logistics",
                      "consulting", "media", "labs", "health", "medical", "veterinary", "vet", "hospital",
                      "academy", "school", "university", "college", "church", "foundation", "trust", "dentistry",
                      "bbq", "grill", "resort", "hotel", "inn", "spa", "fitness", "gym", "bakery", "pizza", "kitchen",
                      "&"})
MAX_NAME_TOKENS = 3
MIN_PROPAGATED = 4  # a name word this long is redacted wherever else it is said (not "Al", not "man")


def buyer_names(text: str, words: Sequence[Any], offsets: list[tuple[int, int]], roles: dict[str, str],
                spacy_names: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Character spans of the buyer's names in ``text`` (``detect.call_text`` of ``words``), with those of
    ``spacy_names`` that are not the rep's own name or company."""
    toks = tokens(text)
    if not toks:
        return []
    starts = [a for a, _ in offsets]
    speaker = [_speaker(words[max(0, bisect_right(starts, t.start) - 1)]) for t in toks]
    turn = [0]
    for k in range(1, len(toks)):
        turn.append(turn[-1] + (speaker[k] != speaker[k - 1] or "\n" in text[toks[k - 1].end:toks[k].start]))
    rep = _rep_speakers(toks, speaker, roles)
    own = _own_names(toks, speaker, turn, rep)
    found: list[set[int]] = []  # each a mention of the buyer's name, as token indices
    weak: list[set[int]] = []  # mentions on weaker evidence: redacted where said, not wherever the word recurs
    for i in range(len(toks)):
        mine = speaker[i] in rep
        if not mine:
            n = match(toks, i, INTRO_STRONG)
            if n == 2 and toks[i + 1].text == "name" and i + 2 < len(toks) and len(toks[i + 2].text) <= 3 \
                    and toks[i + 2].text not in ("is",):
                n = 3  # "my name in James": the "is" misheard
            if n:
                found.append(_name_at(toks, i + n, strong=True))
            elif n := match(toks, i, INTRO_WEAK):
                found.append(_name_at(toks, i + n, strong=False))
        if mine and (n := match(toks, i, VOCATIVE)) and i + n < len(toks) and turn[i + n] == turn[i]:
            found.append(_name_at(toks, i + n, strong=False))  # (the buyer's "thanks, Sam" is the rep's name)
        elif mine and (n := match(toks, i, VOCATIVE_ALONE)) and i + n < len(toks) and turn[i + n] == turn[i] \
                and toks[i + n - 1].raw[-1:] == "," and toks[i + n].raw[-1:] in ".,!?" \
                and toks[i + n].text not in HONORIFICS:  # ("Okay, Dr. Patel's office": "Dr." is no name)
            weak.append(_name_at(toks, i + n, strong=False, most=1))  # "Okay, Natalie." (and "Okay, Checking.")
        if mine and toks[i].text in HONORIFICS - PROFESSIONAL and i + 1 < len(toks) and turn[i + 1] == turn[i]:
            weak.append(_name_at(toks, i, strong=False))  # "Mr. Alvarez", whoever says it
        if mine and ((n := match(toks, i, ASK_NAME)) or _asks_name(toks, turn, i)):
            found.append(_answered_name(toks, turn, i + max(n, 1)))
    found = [g for g in found if g and not {_bare(toks[k].text) for k in g} <= own]
    weak = [g for g in weak if g and not {_bare(toks[k].text) for k in g} <= own]
    names = {_bare(toks[k].text) for g in found for k in g} - own
    names = {n for n in names if len(n) >= MIN_PROPAGATED}
    said = {k for g in found + weak for k in g}
    # later mentions, and the name spelled out ("Lindqvist. That's L-I-N-D-Q-V-I-S-T.")
    spacy_words = {_bare(t.text) for a, b in spacy_names for t in toks if a <= t.start and t.end <= b} - own
    sounds = {_sound(n) for n in names}
    every = [{k} for k, t in enumerate(toks) if k not in said and (
        _bare(t.text) in names or _spelled(t.text) in names | spacy_words
        or (len(t.text) >= MIN_PROPAGATED and _can_be_name(t, False) and _sound(_bare(t.text)) in sounds
            and k > 0 and turn[k - 1] == turn[k] and not toks[k - 1].ends_sentence))]
    # (a name Whisper spelled two ways, "Caitlin" and "Kaitlyn", sounds the same: Metaphone; capitalised
    # mid-sentence, not a sentence's first word: "Brian" after "Brown", "More" after "Mary")
    spans = [(toks[min(g)].start, toks[max(g)].end) for g in found + weak + every]
    buyer_said = {p for k, t in enumerate(toks) if speaker[k] not in rep for p in re.split(r"[^a-z]+", t.text) if p}
    for a, b in spacy_names:
        idx = [k for k, t in enumerate(toks) if a <= t.start and t.end <= b]
        inside = {_bare(toks[k].text) for k in idx}
        if not inside or inside <= own | NOT_NAME or any(c.isdigit() for w in inside for c in w):
            continue  # the rep's own name or company, a code ("K7QX2M")
        if not inside & names and (_titled_other(toks, idx[0]) or _business(toks, idx)
                                   or all(len(w) == 1 for w in inside)):  # "K M" of "K M A 4 4 0 2": a code
            continue  # "Dr. Patel's office", "Johnson Plumbing": a physician's or a business's name
        if all(speaker[k] in rep for k in idx) and not inside & names \
                and not {w for w in inside if len(w) >= 3} <= buyer_said:
            continue  # spaCy on the rep's talk: products and companies as often as names ("Civic Sport", "Ridge
            # Honda"); a name there is the buyer's when the buyer said it too ("anita at patel architects.com" ...
            # "Found it, Anita Patel") or what is said around it shows it (vocatives, later mentions)
        spans.append((a, b))
    return spans


def _titled_other(toks: list[Token], k: int) -> bool:
    """Whether a professional's title comes just before ``toks[k]`` ("Dr. Patel", "doctor Cho", "Officer Reyes")."""
    return k > 0 and toks[k - 1].text in PROFESSIONAL


def _business(toks: list[Token], idx: list[int]) -> bool:
    """Whether the words ``idx`` (or the word after them) name a business ("Johnson Plumbing, "Ortiz Lawn and
    Garden LLC", "Miller's Auto Body")."""
    after = [idx[-1] + 1] if idx[-1] + 1 < len(toks) else []
    return any(re.sub(r"[^a-z&]", "", toks[k].text) in BUSINESS for k in idx + after)


def _sound(w: str) -> str:
    import jellyfish

    return jellyfish.metaphone(w)


def _spelled(w: str) -> str | None:
    """The word spelled letter by letter ("p-r-u-i-t-t" -> "pruitt"), or None."""
    parts = w.split("-")
    return "".join(parts) if len(parts) >= 3 and all(len(p) == 1 and p.isalpha() for p in parts) else None


def _asks_name(toks: list[Token], turn: list[int], i: int) -> bool:
    """ "Can I start with your whole legal name?": "name" a few words after "your", in a question, and the name of
    the caller, not of something else ("the name of the company you'd like to pay", "your company name", "which
    name should the payee show as?": a payee's, an advisor's or a business's name is no buyer's)."""
    if toks[i].text not in ("name", "name's"):
        return False
    a, b = sentence(toks, turn, i)
    on = i + 1 < len(toks) and toks[i + 1].text == "on" and any(t.text.removesuffix("s") in OWNERS
                                                                  for t in toks[i + 2:min(b, i + 4) + 1])
    if not on and not any(t.text in ("your", "what", "which", "first", "last", "full")
                          for t in toks[max(a, i - 4):i]) and not any(t.text == "your" for t in toks[i + 1:b + 1]):
        return False  # ("First and last name", "what name should I put on the note", "the name on the card",
        # "name as it appears on your passport")
    before = toks[i - 1].text if i > a else ""
    if before.endswith("'s") and before[:-2] not in OWNERS or (
            before and not before.endswith("'s") and before not in NAME_BEFORE | NOT_NAME
            and not is_number_word(before)):
        return False  # "the payee's name", "your company name" (not "the cardholder's name", "your legal name")
    k = i + 1
    if toks[i].text == "name" and k <= b and toks[k].text in ("of", "for"):
        k += 1
        while k <= b and toks[k].text in ("the", "a", "an", "your", "that", "this", "my", "whoever"):
            k += 1
        if k > b or toks[k].text.removesuffix("s") not in OWNERS:
            return False  # "the name of the company", "name for the advisor" (not "name of the account holder")
    if any(t.text.removesuffix("s") in OTHERS for t in toks[a:b + 1]):
        return False
    return hangs(toks, turn, b)


def _speaker(w: Any) -> str | None:
    return w.get("speaker") if isinstance(w, dict) else getattr(w, "speaker", None)


def _bare(text: str) -> str:
    return text[:-2] if text.endswith("'s") else text


def _rep_speakers(toks: list[Token], speaker: list, roles: dict[str, str]) -> set:
    """The rep's speaker ids; without roles, whoever introduces themself "from" a company, else who spoke first."""
    rep = {s for s, r in roles.items() if r == "rep"}
    if rep:
        return rep
    for i in range(len(toks)):
        if (n := match(toks, i, REP_INTRO)) and any(t.text in COMPANY_LEAD for t in toks[i + n:i + n + 4]):
            return {speaker[i]}
    return {speaker[0]}


def _own_names(toks: list[Token], speaker: list, turn: list[int], rep: set) -> set[str]:
    """The rep's own name and company, from how the rep introduces themself: "this is Sam from Northwind"."""
    own: set[str] = set()
    for i in range(len(toks)):
        if speaker[i] not in rep:
            continue
        if (n := match(toks, i, REP_INTRO)) and not (i > 0 and toks[i - 1].text in ("i", "i'm")):
            named = _name_at(toks, i + n, strong=False)  # (not "am I speaking with Helen?": that is the buyer)
        elif toks[i].text in REP_AFTER and i > 0 and turn[i - 1] == turn[i]:
            named = _name_before(toks, i)
        else:
            continue
        named = {k for k in named if turn[k] == turn[i]}  # ("who am I speaking with?" + the buyer's answer)
        if not named:
            continue
        own |= {_bare(toks[k].text) for k in named}
        k = max(named) + 1
        k += k < len(toks) and toks[k].text in ("calling", "here", "speaking")
        if k < len(toks) and toks[k].text in COMPANY_LEAD and turn[k] == turn[i]:
            own |= {_bare(toks[j].text) for j in _name_at(toks, k + 1, strong=False, most=4)}
    return own


def _name_before(toks: list[Token], i: int) -> set[int]:
    """The capitalised name said just before ``toks[i]`` ("Ravi" in "Ravi calling from ..."), up to two words."""
    out: set[int] = set()
    k = i - 1
    while k >= 0 and len(out) < 2 and _can_be_name(toks[k], False) and not toks[k].ends_sentence \
            and (k == i - 1 or toks[k].raw[-1:] not in ",;:"):
        out.add(k)
        k -= 1
    return out


def _name_at(toks: list[Token], k: int, strong: bool, most: int = MAX_NAME_TOKENS) -> set[int]:
    """Token indices of the name said from ``toks[k]``: up to ``most`` words that can be a name (capitalised,
    unless ``strong``: after "my name is" a name is a name however Whisper spelled it), ending at punctuation."""
    out: set[int] = set()
    if k < len(toks) and toks[k].text in HONORIFICS:  # "is this Mr. Alvarez?": the surname after the title, one
        k += 1  # word ("Hello, Mr. Harper Valley National Day": Whisper's "this is Harper Valley National Bank")
        if k >= len(toks) or not _can_be_name(toks[k], False) or (
                k + 1 < len(toks) and toks[k].raw[-1:] not in ",.?!;:" and _can_be_name(toks[k + 1], False)):
            return out
        return {k}
    while k < len(toks) and len(out) < most:
        t = toks[k]
        if not _can_be_name(t, strong or bool(out)) or (not out and not strong and len(t.text) == 1):
            break  # (not "It's K M A 4 4 0 2": a code's letters)
        out.add(k)
        if t.raw[-1:] in ",.?!;:":
            break
        k += 1
    return out


def _can_be_name(t: Token, lower_ok: bool) -> bool:
    w = t.text
    if w in NOT_NAME or numeral(w) is not None or is_number_word(w) or not any(c.isalpha() for c in w) \
            or any(c.isdigit() for c in w):  # "CLM-2024-118", "K7QX2M": a code, not a name
        return False
    return lower_ok or t.raw.lstrip("\"'(“‘")[:1].isupper()


def _answered_name(toks: list[Token], turn: list[int], k: int) -> set[int]:
    """The name the other party answers "your name?" with: their next turn, after "sure, it's" and the like."""
    while k < len(toks) and turn[k] == turn[k - 1]:
        k += 1
    if k >= len(toks):
        return set()
    lead = NOT_NAME - {"may", "march", "june", "april", "august"}
    j = k
    while j < len(toks) and turn[j] == turn[k] and toks[j].text in lead and j - k < 6:
        j += 1
    if j >= len(toks) or turn[j] != turn[k]:
        return set()
    if n := _nato(toks, turn, j):  # "N as in Nancy, W, O, S, U."
        return set(range(j, j + n)) | _answered_name_rest(toks, turn, k, j, set(range(j, j + n)))
    spelled = next((run for x in range(k, j + 1) if len(run := _letter_run(toks, turn, x)) >= 3), None)
    if spelled:  # "can you spell the last name?" - "a s a n t e"
        return set(spelled)
    return _answered_name_rest(toks, turn, k, j, _name_at(toks, j, strong=True))


def _answered_name_rest(toks: list[Token], turn: list[int], k: int, j: int, got: set[int]) -> set[int]:
    """The rest of an answer's names and spellings after its first name ("Yusuf, Y-U-S-U-F, last name Demir,
    D-E-M-I-R")."""
    x = max(got, default=j) + 1
    while x < len(toks) and turn[x] == turn[k] and x - j < 24:
        if n := _nato(toks, turn, x):
            got.update(range(x, x + n))  # "G as in golf", "F as in Frank"
            x += n
            continue
        spelling = bool(_spelled(toks[x].text)) or len(_letter_run(toks, turn, x)) >= 3
        if toks[x - 1].ends_sentence and not spelling:
            break  # ("it's Gauthier. G as in golf, A, U, ...": a spelling goes on past a full stop)
        if spelling or (toks[x].text not in SPELL_GLUE and _can_be_name(toks[x], False)
                        and (toks[x - 1].text in SPELL_GLUE or _spelled(toks[x - 1].text))):
            got.add(x)  # (a name after "last name", or after a spelling; not any capitalised word)
        elif toks[x].text not in SPELL_GLUE:
            break
        x += 1
    return got


def _nato(toks: list[Token], turn: list[int], x: int) -> int:
    """Tokens of a letter spelled with a word for it at ``toks[x]`` ("T as in tango"): 4, else 0."""
    ok = x + 3 < len(toks) and turn[x + 3] == turn[x] and _is_letter(toks[x])
    return 4 if ok and toks[x + 1].text == "as" and toks[x + 2].text == "in" else 0


def _is_letter(t: Token) -> bool:
    return len(t.text) == 1 and t.text.isalpha()


def _letter_run(toks: list[Token], turn: list[int], x: int) -> range:
    """The single letters said in a row, in one turn, around ``toks[x]`` ("nick zhao, z h a o"); empty when
    ``toks[x]`` is no letter."""
    if not _is_letter(toks[x]):
        return range(x, x)
    a, b = x, x
    while a > 0 and turn[a - 1] == turn[x] and _is_letter(toks[a - 1]):
        a -= 1
    while b + 1 < len(toks) and turn[b + 1] == turn[x] and _is_letter(toks[b + 1]):
        b += 1
    return range(a, b + 1)
