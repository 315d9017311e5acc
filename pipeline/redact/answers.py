"""How the answering party takes the turn after a request: the lead-in before a value ("sure, it's"), a
backchannel ("mhm, go on"), a turn that only holds the line ("one moment", "hang on, let me grab it") and the
asker's "take your time", a question asked back ("what is this about?"). Pure: tokens and turn numbers in.
"""

from __future__ import annotations

from .requests import REQUEST_START, sentence
from .spoken import FILLERS, Token, is_number_word, numeral

# words that are no answer on their own ("sure", "one second", "yes"), and what comes before a value
NOT_AN_ANSWER = frozenset({"our", "my", "your", "their", "the", "a", "an", "is", "this", "on", "in", "at", "we",
                           "i", "i'll", "i'm", "it's", "let", "me", "check", "one", "second", "moment", "hang",
                           "hold", "sec", "yes", "no", "yeah", "yep", "nope", "sure", "correct", "right", "same",
                           "that's", "it",
                           "okay", "ok", "fine", "great", "thanks", "thank", "you", "alright", "perfect", "exactly",
                           "sounds", "good", "please", "go", "ahead", "absolutely", "of", "course"}) | FILLERS
LEAD = FILLERS | {"is", "it's", "its", "sure", "yes", "yeah", "okay", "ok", "the", "my", "it", "that's", "number",
                  "so", "and", "oh", "right", "um", "uh", "of", "course", "yep", "are", "was", "be", "would",
                  "please", "last", "digits", "your", "social", "security", "card", "on", "account", "that",
                  "that'd", "it'd", "that'll", "it'll"}
BACKCHANNEL = FILLERS | {"okay", "ok", "yeah", "yes", "yep", "go", "on", "ahead", "right", "mhm", "mm-hmm", "uh-huh",
                         "got", "it", "sure", "and", "alright", "next", "continue", "great"}
HOLD = LEAD | NOT_AN_ANSWER | frozenset({"moment", "minute", "hang", "hold", "on", "let", "me", "grab", "find", "get",
                                         "it", "check", "look", "sec", "second", "just", "a", "bear", "with", "wallet",
                                         "purse", "card", "here", "see", "where", "put", "i"})
# what says there is no value to give ("I don't have it on me", "no idea"), and a yes or a no
REFUSALS = (("don't", "have"), ("dont", "have"), ("do", "not", "have"), ("don't", "know"), ("dont", "know"),
            ("don't", "remember"), ("can't", "find"), ("cannot", "find"), ("can't", "remember"), ("no", "idea"))
YES_NO = frozenset({"yes", "yeah", "yep", "yup", "no", "nope", "correct", "right"})
# what says the line is held, however the rest of the turn goes ("hang on i gotta find my card")
HOLDING = frozenset({"hang", "hold", "moment", "minute", "sec", "second", "grab", "find", "bear"})
GO_AHEAD = BACKCHANNEL | {"take", "your", "time", "no", "rush", "problem", "worries", "whenever", "you're",
                          "ready", "i'll", "wait", "sure", "thing", "of", "course"}


def after_go_ahead(toks: list[Token], turn: list[int], k: int, answering: int) -> int:
    """Where the answer starts when the answering turn held nothing but "sure" or "one moment": after the asker's
    "go ahead" / "take your time", in the answering party's next turn (else ``len(toks)``: no answer)."""
    if (turn[k] - answering) % 2 == 0:
        return k
    j = k
    while j < len(toks) and turn[j] == turn[k] and j - k < 6 and toks[j].text in GO_AHEAD:
        j += 1
    if j >= len(toks) or turn[j] == turn[k]:
        return len(toks)
    while j < len(toks) and toks[j].text in LEAD and not toks[j].ends_sentence:
        j += 1
    return j


def asks_back(toks: list[Token], turn: list[int], k: int) -> bool:
    """Whether the turn starting at ``toks[k]`` is only a question back ("Um, what is this about?", "Why do you
    need that?"): the value, if it comes, is in the same party's next turn."""
    if k >= len(toks):
        return False
    _, b = sentence(toks, turn, k)
    j = k
    while j < b and toks[j].text in FILLERS | {"sorry", "wait", "okay", "ok", "and", "but", "uh"}:
        j += 1
    e = b + 1
    while e < len(toks) and turn[e] == turn[k]:
        e += 1
    rest = toks[b + 1:e]
    return toks[b].is_question and toks[j].text in REQUEST_START | {"why", "who", "what's"} \
        and not any(numeral(t.text) is not None or is_number_word(t.text) or "@" in t.text for t in rest)
    # ("why do you need that? it's just electricity": a question back and talk, no value)


def talks_on(toks: list[Token], turn: list[int], k: int) -> bool:
    """Whether the speaker of ``toks[k]`` says another sentence after the one holding it, in the same turn."""
    _, b = sentence(toks, turn, k)
    return b + 1 < len(toks) and turn[b + 1] == turn[k]


def declines(said: list[Token], confirming: bool) -> bool:
    """Whether an answer with nothing value-like in it gives no value: it says there is none to give ("uh i don't
    i don't have it on me"), or, to a question that read the value out itself ("Should we still email statements
    to ap@...?"), it is a yes or a no and talk ("Yes, statements go to the AP inbox")."""
    words = [t.text for t in said if t.text not in FILLERS]
    if any(numeral(w) is not None or is_number_word(w) for w in words):
        return False  # ("Yes. Oh, wait, it's 29 Thornbury, not 27.": a correction)
    if confirming and words and words[0] in YES_NO:
        return True
    return any(tuple(words[i:i + len(p)]) == p for p in REFUSALS for i in range(len(words)))
