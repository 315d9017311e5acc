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
from typing import Any, Sequence

from .name_words import (
    INTRO_STRONG, INTRO_WEAK, KIDS, ASK_NAME, ASK_NAME_ALONE, VOCATIVE, REP_INTRO, REP_AFTER, SELF_AFTER, COMPANY_LEAD,
    ELLIPTIC_NAME, NOT_NAME, VOCATIVE_ALONE, HONORIFICS, SPELL_GLUE, OWNERS, OTHERS, NAME_BEFORE, PARTICLES,
    PROFESSIONAL, MONTH_NAMES, ANSWER_VERBS, STREET_WORDS, MAX_NAME_TOKENS, MIN_PROPAGATED, LOOKUP, LOOKUP_AFTER,
    RESUME_SKIP, ORIGINS, ROLES, THINGS, OWN_DATA)
from .casing import given_names, name_like, rare, truecased
from .household import kin, named_with_value, relation
from .name_checks import bare, business, capital, runs, sound, titled_other
from .requests import hangs, match, sentence, speakers
from .spelling import code_run, is_letter, letter_run, nato, spelled_word, spellings, spells_on
from .spoken import FILLERS, Token, is_number_word, numeral, tokens


def buyer_names(text: str, words: Sequence[Any], offsets: list[tuple[int, int]], roles: dict[str, str],
                spacy_names: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Character spans of the buyer's names in ``text`` (``detect.call_text`` of ``words``), with those of
    ``spacy_names`` that are not the rep's own name or company."""
    toks = tokens(truecased(text, NOT_NAME))  # (a turn Whisper wrote in lower case: its names capitalised)
    if not toks:
        return []
    speaker = speakers(toks, words, offsets)
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
                found.append(_name_at(toks, _past_fillers(toks, turn, i + n), strong=True))
            elif n := match(toks, i, INTRO_WEAK):
                found.append(_name_at(toks, _past_fillers(toks, turn, i + n), strong=False))  # ("its uh marcus")
            elif toks[i].text in SELF_AFTER and i > 0 and turn[i - 1] == turn[i] \
                    and toks[i - 1].raw[-1:] not in ",.?!" \
                    and (i + 1 >= len(toks) or turn[i + 1] != turn[i] or toks[i].raw[-1:] in ",.!;"):
                found.append(_name_before(toks, i))  # "Hi Ben, Faith Young here.", "Omar calling, ..."
        if (n := relation(toks, turn, i)) and not (mine and toks[i].text == "my"):
            found.append(got := _name_at(toks, i + n, strong=False, caps=True))  # "my wife, Leah Park", "your son
            # Will", and the next after "and" where they are several ("the two kids are Tobi and Zara?")
            if got and any(kin(t.text) in KIDS for t in toks[i + 1:i + n]) and (j := max(got) + 1) + 1 < len(toks) \
                    and toks[j].text == "and" and toks[max(got)].raw[-1:] not in ".?!":
                found.append(_name_at(toks, j + 1, strong=False, caps=True))
        if mine and (n := match(toks, i, VOCATIVE)) and i + n < len(toks) and turn[i + n] == turn[i] \
                and not toks[i + n - 1].ends_sentence:  # (not "I'm sorry. Let me check.")
            found.append(_name_at(toks, i + n, strong=False))  # (the buyer's "thanks, Sam" is the rep's name)
        elif mine and (n := match(toks, i, VOCATIVE_ALONE)) and i + n < len(toks) and turn[i + n] == turn[i] \
                and toks[i + n - 1].raw[-1:] == "," and toks[i + n].raw[-1:] in ".,!?" \
                and toks[i + n].text not in HONORIFICS:  # ("Okay, Dr. Patel's office": "Dr." is no name)
            weak.append(_name_at(toks, i + n, strong=False, most=1))  # "Okay, Natalie." (and "Okay, Checking.")
        if mine and toks[i].text in HONORIFICS - PROFESSIONAL and i + 1 < len(toks) and turn[i + 1] == turn[i]:
            weak.append(_name_at(toks, i, strong=False))  # "Mr. Alvarez", whoever says it
        if mine and (n := match(toks, i, LOOKUP)):
            found.append(_looked_up(toks, turn, i, n))
        if toks[i].text.endswith("'s") and len(toks[i].text) > 3 and capital(toks[i]) and _can_be_name(toks[i], False) \
                and not titled_other(toks, i) and i + 1 < len(toks) and turn[i + 1] == turn[i] \
                and match(toks, i + 1, OWN_DATA):
            found.append({i})  # "can I get Olivia's date of birth?", "Seini's birthday"
        if capital(toks[i]) and named_with_value(toks, turn, i) and _can_be_name(toks[i], False) \
                and name_like(bare(toks[i].text)):
            found.append({i})  # "Diego, 5/8/2008", "Kenji, 206-555-0138": whose the value is
        if mine and _full_name_asked(toks, turn, i):  # "So that's, uh, Bogdan Kovalenko?", "still Adaeze Okafor?"
            found.append({i, i + 1})
        if mine and ((n := match(toks, i, ASK_NAME)) or _asks_name(toks, turn, i) or (
                (n := match(toks, i, ASK_NAME_ALONE)) and toks[i + n - 1].ends_sentence)):
            found.append(_answered_name(toks, turn, i + max(n, 1)))
    found = [g | _restated(toks, turn, g) for g in found if g and not {bare(toks[k].text) for k in g} <= own
             and not (business(toks, sorted(g)) and not code_run(toks, turn, min(g)))]  # ("set up under Ortiz
    # Lawn and Garden": a business; "Romeo, Alpha, Golf, Hotel": a spelling)
    weak = [g for g in weak if g and not {bare(toks[k].text) for k in g} <= own]
    names = {n for w in {bare(toks[k].text) for g in found for k in g} - own  # (and a rare part: "Okonkwo-Reyes")
             for n in [w, *(q for q in w.split("-") if "-" in w and rare(q))] if len(n) >= 3}
    said = {k for g in found + weak for k in g}
    # a name found written lower-case ("quame man") may recur so; one Whisper capitalised is a word when it is not
    # ("Mark Young" - "mark it as lost", "Summer" - "most of the summer"), or starts a question ("Will you ...")
    lower = {bare(toks[k].text) for g in found for k in g if not text[toks[k].start].isupper()}  # as Whisper wrote it
    # later mentions, and the name spelled out ("Lindqvist. That's L-I-N-D-Q-V-I-S-T.")
    spacy_words = {bare(t.text) for a, b in spacy_names for t in toks if a <= t.start and t.end <= b} - own
    every = _mentions(toks, turn, names, lower, said, spacy_words)
    every |= spellings(toks, turn, {bare(toks[k].text) for g in found + weak for k in g} - own)
    for _ in range(4):  # the rest of a name said beside a mention: "Sandra Kapoor", "Pawel and Monika Kaczmarek"
        near = _beside(toks, turn, said | every, own)
        if not near:
            break
        names |= {bare(toks[k].text) for k in near if len(toks[k].text) >= 3}
        every |= near
        every |= _mentions(toks, turn, names, lower, said | every, spacy_words)
    spans = [(toks[r[0]].start, toks[r[-1]].end) for g in found + weak + [every] for r in runs(g)]
    buyer_said = {p for k, t in enumerate(toks) if speaker[k] not in rep for p in re.split(r"[^a-z]+", t.text) if p}
    for a, b in spacy_names:
        idx = [k for k, t in enumerate(toks) if a <= t.start and t.end <= b]
        inside = {bare(toks[k].text) for k in idx}
        if not inside or inside <= own | NOT_NAME or any(c.isdigit() for w in inside for c in w):
            continue  # the rep's own name or company, a code ("K7QX2M")
        if not inside & names and (titled_other(toks, idx[0]) or business(toks, idx)
                                   or all(len(w) == 1 for w in inside)):  # "K M" of "K M A 4 4 0 2": a code
            continue  # "Dr. Patel's office", "Johnson Plumbing": a physician's or a business's name
        if all(speaker[k] in rep for k in idx) and not inside & names \
                and not {w for w in inside if len(w) >= 3} <= buyer_said:
            continue  # spaCy on the rep's talk: products and companies as often as names ("Civic Sport", "Ridge
            # Honda"); a name there is the buyer's when the buyer said it too ("anita at patel architects.com" ...
            # "Found it, Anita Patel") or what is said around it shows it (vocatives, later mentions)
        while len(idx) > 1 and toks[idx[0]].text in NOT_NAME | {"tell", "dear"}:
            idx = idx[1:]  # "Hey Bobby", "Tell Mia": the name, not the greeting spaCy took with it
        spans.append((toks[idx[0]].start, b))
    return spans


def _looked_up(toks: list[Token], turn: list[int], i: int, n: int) -> set[int]:
    """The name the rep reads off the record after ``LOOKUP``'s words ("I have Sven Lindquist?", not "I have Visa")."""
    if i + n >= len(toks) or turn[i + n] != turn[i] or toks[i + n].text in PROFESSIONAL:
        return set()  # ("your doctor is listed as Dr. Helen Marsh")
    got, k = _name_at(toks, i + n, strong=False, caps=True), i + n - 1
    last = max(got, default=k)  # (right after "as", or ending a question, or before "listed")
    return got if toks[k].text == "as" or toks[last].is_question or last + 1 < len(toks) and turn[last + 1] == turn[
        i] and toks[last].raw[-1:] not in ",.?!;:" and toks[last + 1].text in LOOKUP_AFTER else set()


def _full_name_asked(toks: list[Token], turn: list[int], i: int) -> bool:
    """Whether a given name and a surname, both name-like (``casing.name_like``), end the rep's question at
    ``toks[i]`` ("is the parent on file still Adaeze Okafor?"; not "Delta Dental?", "Dr. Patel?")."""
    if i + 1 >= len(toks) or turn[i + 1] != turn[i] or toks[i].raw[-1:] in ",.?!;:" or not toks[i + 1].is_question \
            or i > 0 and turn[i - 1] == turn[i] and capital(toks[i - 1]) and not toks[i - 1].ends_sentence:
        return False
    pair = [toks[i], toks[i + 1]]
    return all(capital(t) and _can_be_name(t, False) and name_like(bare(t.text)) and t.text not in
               STREET_WORDS for t in pair) and not business(toks, [i, i + 1]) and not titled_other(toks, i)


def _mentions(toks: list[Token], turn: list[int], names: set[str], lower: set[str], taken: set[int],
              spelled: set[str]) -> set[int]:
    """Tokens that say one of ``names`` again (or spell it, or one of ``spelled``), outside ``taken``."""
    sounds = {sound(n) for n in names if len(n) >= MIN_PROPAGATED}
    return {k for k, t in enumerate(toks) if k not in taken and (
        (bare(t.text) in names and (capital(t) and not _verb_first(toks, turn, k) or len(
            t.text) >= MIN_PROPAGATED and bare(t.text) not in NOT_NAME and (bare(t.text) in lower or rare(
                bare(t.text)))))  # (or written lower case where it is rare: "Alright, keoni, see you", not "dawn")
        or spelled_word(t.text) in names | spelled
        or (len(t.text) >= MIN_PROPAGATED and _can_be_name(t, False) and sound(bare(t.text)) in sounds
            and k > 0 and turn[k - 1] == turn[k] and not toks[k - 1].ends_sentence))}
    # (a name spelled two ways, "Caitlin" / "Kaitlyn", sounds the same: Metaphone; mid-sentence, not "More" after "Mary")


def _beside(toks: list[Token], turn: list[int], taken: set[int], own: set[str]) -> set[int]:
    """Capitalised name words said right beside a mention in ``taken``, in its sentence ("it's Sandra Kapoor on
    the lease?", "the parent of Noah Stein"), and a name joined to one by "and" ("Pawel and Monika")."""
    out: set[int] = set()
    for k in taken:
        left = k >= 1 and turn[k - 1] == turn[k] and (k >= 2 and turn[k - 2] == turn[k] and not toks[
            k - 2].ends_sentence or name_like(toks[k - 1].text))  # (a sentence's first word only if it is no
        # common word: "Thank you! Dorota Kowalczyk?", not "Brian" after "Brown")
        side = [(k + 1, k)] + ([(k - 1, k - 1)] if left else [])
        if k >= 2 and toks[k - 1].text == "and" and toks[k - 2].raw[-1:] not in ",;:":
            side.append((k - 2, k - 2))
        for j, edge in side:
            t = toks[j] if 0 <= j < len(toks) else None
            if t is None or j in taken or turn[j] != turn[k] or toks[edge].raw[-1:] in ",.?!;:" \
                    or not capital(t) or len(t.text) < 2 or not _can_be_name(t, False) or bare(t.text) in own \
                    or t.text in STREET_WORDS or business(toks, [j]) or t.text in PROFESSIONAL:
                continue
            out.add(j)
        j = k - 1
        while j >= 0 and j not in taken and turn[j] == turn[k] and toks[j].text in PARTICLES \
                and toks[j].raw[-1:] not in ",.?!;:":
            out.add(j)  # "So de la Cruz.", "Mr. van der Berg"
            j -= 1
    return out


def _past_fillers(toks: list[Token], turn: list[int], k: int) -> int:
    """The first token from ``toks[k]`` on, in its turn, that is no filler ("it's, uh, Marcus")."""
    while k + 1 < len(toks) and turn[k + 1] == turn[k] and toks[k].text in FILLERS and not toks[k].ends_sentence:
        k += 1
    return k


def _verb_first(toks: list[Token], turn: list[int], k: int) -> bool:
    """Whether ``toks[k]`` starts its sentence as a verb would ("Will you be home?", "Mark it as lost.")."""
    first = k == 0 or turn[k - 1] != turn[k] or toks[k - 1].ends_sentence
    return first and k + 1 < len(toks) and toks[k + 1].text in ("you", "it", "i", "we", "they", "that", "this", "do",
                                                                  "be", "the", "a", "your", "my", "me", "him", "her")


def _restated(toks: list[Token], turn: list[int], g: set[int]) -> set[int]:
    """The name said again, in full, right after ``g`` ("under Nguyen, Linh Nguyen", "Marcus. Marcus Bell."):
    capitalised words to the next stop that repeat one of ``g``'s."""
    k = max(g) + 1
    if k >= len(toks) or turn[k] != turn[k - 1] or toks[k - 1].raw[-1:] not in ",.":
        return set()
    again = _name_at(toks, k, strong=False)
    return again if {bare(toks[x].text) for x in again} & {bare(toks[x].text) for x in g} else set()


def _asks_name(toks: list[Token], turn: list[int], i: int) -> bool:
    """ "Can I start with your whole legal name?": "name" a few words after "your", in a question, and the name of
    the caller, not of something else ("the name of the company you'd like to pay", "your company name", "which
    name should the payee show as?": a payee's, an advisor's or a business's name is no buyer's)."""
    if toks[i].text not in ("name", "name's"):
        return False
    a, b = sentence(toks, turn, i)
    before = toks[i - 1].text if i > a else ""
    if before.endswith("'s") and before[:-2] in OTHERS | ROLES | THINGS or (
            before and not before.endswith("'s") and before not in NAME_BEFORE | NOT_NAME
            and not is_number_word(before)):
        return False  # "the payee's name", "your company name" (not "the cardholder's name", "your legal name")
    k = i + 1
    if toks[i].text == "name" and k <= b and toks[k].text in ("of", "for", "on"):
        k += 1
        while k <= b and toks[k].text in ("the", "a", "an", "your", "that", "this", "my", "whoever"):
            k += 1
        if k > b or toks[k].text.removesuffix("s") not in OWNERS and toks[k].text not in ("me", "us"):
            return False  # "the name of the company", "name for the advisor" (not "name of the account holder",
            # "the name for the order", "the name on the membership", "spell the first name for me")
        owned = True
    else:
        owned = before.endswith("'s") or before in ("his", "her") and toks[b].is_question  # "the member's name",
        # "what's his name?" (a son, a wife being added; not "his name is Dave.")
    asked = i == a and toks[i].text == "name" and toks[b].is_question or before == "whose" or i == b and all(
        t.text in ELLIPTIC_NAME for t in toks[a:i])  # "Name and date of birth?", "Name as it appears on the card?",
    # "whose name is on the account", "ok and the name" (a turn written without its question mark)
    if not owned and not asked and not any(t.text in ("your", "what", "what's", "which", "first", "last", "full")
                                           for t in toks[max(a, i - 4):i]) \
            and not any(t.text == "your" for t in toks[i + 1:b + 1]):
        return False  # ("First and last name", "what name should I put on the note", "name as it appears on your
        # passport")
    if any(t.text.removesuffix("s") in OTHERS for t in toks[a:b + 1]):
        return False
    return hangs(toks, turn, b)


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
    opening = sorted({turn[i] for i in range(len(toks)) if speaker[i] in rep})[:2]
    for i in range(len(toks)):
        if speaker[i] not in rep:
            continue
        if (n := match(toks, i, REP_INTRO)) and not (i > 0 and toks[i - 1].text in ("i", "i'm")) and (
                any(t.text in COMPANY_LEAD for t in toks[i + n:i + n + 4])
                or turn[i] in opening and not _clause_asks(toks, turn, i)):
            named = _name_at(toks, i + n, strong=False)  # (not "am I speaking with Helen?": that is the buyer;
            # nor "And it's Sandra Kapoor on the lease?")
        elif toks[i].text in REP_AFTER and i > 0 and turn[i - 1] == turn[i]:
            named = _name_before(toks, i)
        else:
            continue
        named = {k for k in named if turn[k] == turn[i]}  # ("who am I speaking with?" + the buyer's answer)
        if not named:
            continue
        own |= {bare(toks[k].text) for k in named}
        k = max(named) + 1
        k += k < len(toks) and toks[k].text in ("calling", "here", "speaking")
        if k < len(toks) and toks[k].text in COMPANY_LEAD and turn[k] == turn[i]:
            own |= {bare(toks[j].text) for j in _name_at(toks, k + 1, strong=False, most=4)}
    return own


def _clause_asks(toks: list[Token], turn: list[int], i: int) -> bool:
    """Whether the clause from ``toks[i]`` to its next mark ends in a question ("it's Sandra Kapoor on the lease?",
    not "this is Dana, how can I help?")."""
    j = i
    while j + 1 < len(toks) and turn[j + 1] == turn[i] and toks[j].raw.rstrip("\"')")[-1:] not in ",.?!;:":
        j += 1
    return toks[j].is_question


def _name_before(toks: list[Token], i: int) -> set[int]:
    """The capitalised name said just before ``toks[i]`` ("Ravi" in "Ravi calling from ..."), up to two words."""
    out: set[int] = set()
    k = i - 1
    while k >= 0 and len(out) < 2 and _can_be_name(toks[k], False) and not toks[k].ends_sentence \
            and (k == i - 1 or toks[k].raw[-1:] not in ",;:"):
        out.add(k)
        k -= 1
    return out


def _name_at(toks: list[Token], k: int, strong: bool, most: int = MAX_NAME_TOKENS, caps: bool = False) -> set[int]:
    """Token indices of the name said from ``toks[k]``: up to ``most`` words that can be a name (capitalised,
    unless ``strong``: after "my name is" a name is a name however Whisper spelled it; after the first, any, unless
    ``caps``), ending at punctuation."""
    out: set[int] = set()
    if k < len(toks) and toks[k].text in HONORIFICS:  # "is this Mr. Alvarez?", "this is Dr. Venkatesh Iyer": one
        k += 1  # or two words after the title ("Hello, Mr. Harper Valley National Day": Whisper's "this is Harper
        # Valley National Bank", no name)
        j = k
        while j + 1 < len(toks) and toks[j].text in PARTICLES and toks[j].raw[-1:] not in ",.?!;:":
            j += 1
        if j > k and _can_be_name(toks[j], False):
            return set(range(k, j + 1))  # "Mr. van Dijk", "Ms. de la Cruz"
        two = k + 1 < len(toks) and toks[k].raw[-1:] not in ",.?!;:" and _can_be_name(toks[k + 1], False)
        if k >= len(toks) or not _can_be_name(toks[k], False) or (two and k + 2 < len(toks) and toks[
                k + 1].raw[-1:] not in ",.?!;:" and _can_be_name(toks[k + 2], False)):
            return out
        return {k, k + 1} if two else {k}
    said = 0  # name words, not counting particles ("Jordan de la Cruz", "Pieter van der Berg")
    while k < len(toks) and said < most:
        t = toks[k]
        if out and t.text in PARTICLES and t.raw[-1:] not in ",.?!;:" and k + 1 < len(toks) \
                and (toks[k + 1].text in PARTICLES or _can_be_name(toks[k + 1], strong or not caps)):
            out.add(k)
            k += 1
            continue
        if not (_can_be_name(t, strong or (bool(out) and not caps)) or not out and _given_pair(toks, k)
                or not out and _given_alone(t)) \
                or (not out and not strong and len(t.text) == 1):
            break  # (not "It's K M A 4 4 0 2": a code's letters)
        out.add(k)
        said += 1
        if t.raw[-1:] in ",.?!;:":
            break
        k += 1
    return out


def _given_alone(t: Token) -> bool:
    """Whether ``t`` is a given name that is a word too, capitalised and ending its clause ("it's Will.", "this is
    Mark."), not a month's ("It's June.")."""
    return capital(t) and t.raw[-1:] in ",.!?" and t.text in given_names() and t.text not in MONTH_NAMES | ORIGINS


def _given_pair(toks: list[Token], k: int) -> bool:
    """Whether ``toks[k]`` is a given name that is a word too ("June", "Will", "August"), capitalised and said
    right before a capitalised surname ("my fiancée is June Abernathy")."""
    return k + 1 < len(toks) and capital(toks[k]) and toks[k].text in given_names() - ORIGINS \
        and toks[k].raw[-1:] not in ",.?!;:" and _can_be_name(toks[k + 1], False) \
        and not is_number_word(toks[k].text)


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
    lead = (NOT_NAME | SPELL_GLUE | ANSWER_VERBS | OWNERS) - {"may", "march", "june", "april", "august"}
    j = k
    while j < len(toks) and turn[j] == turn[k] and bare(toks[j].text) in lead and j - k < 6 \
            and not _given_pair(toks, j):  # ("Will Otieno.": a name, not a verb)
        j += 1
    if j >= len(toks) or turn[j] != turn[k]:
        last = j - 1  # an answer of one word, a name that is a word too ("And first name?" - "Will.")
        return {last} if last == k and toks[last].text in given_names() else set()
    if n := nato(toks, turn, j):  # "N as in Nancy, W, O, S, U."
        return set(range(j, j + n)) | _answered_name_rest(toks, turn, k, j, set(range(j, j + n)))
    spelled = next((run for x in range(k, j + 1) if len(run := letter_run(toks, turn, x)) >= 3
                    or len(run := code_run(toks, turn, x)) >= 3), None)
    if spelled:  # "can you spell the last name?" - "a s a n t e", "Romeo, Alpha, Golf, ..."
        return set(spelled) | _letters_in(toks, turn, k)
    return _answered_name_rest(toks, turn, k, j, _name_at(toks, j, strong=True)) | _letters_in(toks, turn, k)


def _letters_in(toks: list[Token], turn: list[int], k: int) -> set[int]:
    """Every spelling in the answer from ``toks[k]`` to its turn's end, of three letters or more ("christoff no vac
    it's k r z y s z t o f", "n g u y e n the first name is t h a n h then huong")."""
    out: set[int] = set()
    x = k
    while x < len(toks) and turn[x] == turn[k]:
        if len(run := letter_run(toks, turn, x)) >= 3 or spelled_word(toks[x].text):
            out.update(run or [x])
        x = (run[-1] if run else x) + 1  # (past a run of letters, read once)
    return out


def _answered_name_rest(toks: list[Token], turn: list[int], k: int, j: int, got: set[int]) -> set[int]:
    """The rest of an answer's names and spellings after its first name ("Yusuf, Y-U-S-U-F, last name Demir,
    D-E-M-I-R", "Jo, J-O", "Kaczmarek. That's K as in kilo, A, C as in Charlie, Z, ...", "Choi. C-H-O-I. First
    name Hyun-woo")."""
    x = max(got, default=j) + 1
    spelt = any(is_letter(toks[g]) or spelled_word(toks[g].text) for g in got)
    while x < len(toks) and turn[x] == turn[k] and x - j < 32:
        if n := nato(toks, turn, x):
            got.update(range(x, x + n))  # "G as in golf", "F as in Frank"
            x, spelt = x + n, True
            continue
        spelling = bool(spelled_word(toks[x].text, 2 if spelt or x - 1 in got else 3)) \
            or len(letter_run(toks, turn, x)) >= 3 or (is_letter(toks[x]) and (spelt or spells_on(toks, turn, x)))
        if toks[x - 1].ends_sentence and not spelling and not _resumes(toks, turn, x):
            break  # ("It's Irish, nobody spells it right": talk, not the name)
        if spelling:
            got.add(x)
            spelt = True
        elif toks[x].text not in SPELL_GLUE and _can_be_name(toks[x], False) \
                and (toks[x - 1].text in SPELL_GLUE or spelled_word(toks[x - 1].text, 2)):
            got.add(x)  # (a name after "last name", or after a spelling; not any capitalised word)
        elif toks[x].text not in RESUME_SKIP:
            break
        x += 1
    return got


def _resumes(toks: list[Token], turn: list[int], x: int) -> bool:
    """Whether the answer goes on with the name after a full stop: a spelling ("That's K as in kilo") or another
    name given as one ("First name Hyun-woo", "It's pronounced Neeve")."""
    if is_letter(toks[x]) or spelled_word(toks[x].text, 2) or nato(toks, turn, x):
        return spells_on(toks, turn, x) or bool(nato(toks, turn, x) or spelled_word(toks[x].text))
    y = x
    while y < len(toks) and turn[y] == turn[x] and y - x < 4 and toks[y].text in RESUME_SKIP:
        y += 1
    if y == x or y >= len(toks) or turn[y] != turn[x]:
        return False
    return bool(nato(toks, turn, y) or spelled_word(toks[y].text, 2) or len(letter_run(toks, turn, y)) >= 3
                or (toks[y - 1].text in ("name", "name's", "pronounced") and _can_be_name(toks[y], False)))


