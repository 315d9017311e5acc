"""How a request for a value is said in a call's text: turns and sentences, a question or the last thing said
before the other party answers, a cue word said as a verb, a cue word misheard (pure).

The call's text (``detect.call_text``) has a new line where the speaker changes; a sentence ends at a full stop,
a question or exclamation mark (Whisper's "..." is a pause inside one) and never crosses a turn. ``cues.py`` reads
cues and answers with these; ``names.py`` its phrases.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import Any, Sequence

from .spoken import FILLERS, Token

OPENERS = FILLERS | {"and", "so", "okay", "ok", "great", "thanks", "thank", "you", "perfect", "lovely", "right",
                     "alright", "now", "then", "also", "finally", "first", "next", "oh", "sure", "got", "it", "cool",
                     "just", "lastly", "last", "one", "more", "thing", "excellent", "good"}
REQUEST_START = frozenset({"what", "what's", "whats", "which", "where", "where's", "when", "when's", "how", "can",
                           "could", "may", "would", "will", "do", "does", "did", "is", "are", "please", "give",
                           "tell", "read", "spell", "let", "need"})
ELLIPTIC = frozenset({"your", "the", "a", "an", "any"})
ELLIPTIC_TOKENS = 6
REQUEST_WHO = frozenset({"i", "i'll", "i'd", "we", "we'll", "we'd"})
VERB_CUES = frozenset({"email", "e-mail", "address", "mail"})
OBJECTS = frozenset({"me", "you", "it", "them", "us", "him", "her", "over", "back", "that", "this", "those"})
VERB_LEAD = frozenset({"to", "will", "i'll", "we'll", "can", "could", "would", "you", "i", "we", "please", "just",
                       "they", "let's", "should", "shall", "won't", "don't", "didn't", "may", "might"})
ASK_WORDS = frozenset({"what", "what's", "whats", "which", "your", "where"})
REQUEST_NEED = frozenset({"need", "want", "take", "get", "grab"})  # "I need ...", "I'll just take ..."
REQUEST_TOKENS = 14  # a misheard cue counts only in a request this short ("And your data is worth?")


def turns(text: str, toks: list[Token]) -> list[int]:
    """Each token's turn number: the call's text has a new line where the speaker changes."""
    out, n, pos = [], 0, 0
    for t in toks:
        n += text.count("\n", pos, t.start)
        pos = t.start
        out.append(n)
    return out


def turn_last(turn: list[int], i: int) -> int:
    """The index of the last token in the turn of token ``i`` (``turn``: each token's turn number)."""
    return next((k - 1 for k in range(i + 1, len(turn)) if turn[k] != turn[i]), len(turn) - 1)


def speakers(toks: list[Token], words: Sequence[Any], offsets: list[tuple[int, int]]) -> list:
    """Each token's speaker: that of the word (``offsets``: each word's character span in the text) it lies in."""
    starts = [a for a, _ in offsets]
    return [speaker_of(words[max(0, bisect_right(starts, t.start) - 1)]) for t in toks]


def speaker_of(w: Any) -> str | None:
    return w.get("speaker") if isinstance(w, dict) else getattr(w, "speaker", None)


def match(toks: list[Token], i: int, phrases) -> int:
    """The length of the phrase said at ``toks[i]`` (within one sentence), or 0."""
    for p in phrases:
        if tuple(t.text for t in toks[i:i + len(p)]) == p and not any(t.ends_sentence for t in toks[i:i + len(p) - 1]):
            return len(p)
    return 0


def sentence(toks: list[Token], turn: list[int], i: int) -> tuple[int, int]:
    """First and last token of the sentence holding ``toks[i]`` (a sentence never crosses a turn)."""
    a = i
    while a > 0 and turn[a - 1] == turn[i] and not toks[a - 1].ends_sentence:
        a -= 1
    b = i
    while b + 1 < len(toks) and turn[b + 1] == turn[i] and not toks[b].ends_sentence:
        b += 1
    return a, b


def is_request(toks: list[Token], turn: list[int], i: int) -> bool:
    """Whether the sentence of ``toks[i]`` asks the other party for something: a question ("?", or worded as one
    when Whisper wrote a full stop: "And your social security number, please."), said last before the other party
    speaks."""
    a, b = sentence(toks, turn, i)
    if toks[b].is_question:
        return True
    if not hangs(toks, turn, b):
        return False  # the speaker goes on talking: no request left hanging
    words = [t.text for t in toks[a:b + 1]]
    k = 0
    while k < len(words) - 1 and words[k] in OPENERS:
        k += 1
    if words[k] in ELLIPTIC:  # "And the account." / "Your date of birth.": short, or it is a statement
        return len(words) - k <= ELLIPTIC_TOKENS
    if words[k] in REQUEST_START:
        return True
    return any(w in REQUEST_WHO and any(x in REQUEST_NEED for x in words[j + 1:j + 3]) for j, w in enumerate(words))


def short_request(toks: list[Token], turn: list[int], i: int) -> bool:
    """A short sentence left for the other party to answer: a question, or the last thing its speaker says ("And
    just so I know it's you, the final four digits of your FFN."). Enough for a weak or misheard cue, whose
    answer must look like the value."""
    a, b = sentence(toks, turn, i)
    return b - a < REQUEST_TOKENS + 4 and hangs(toks, turn, b)


def hangs(toks: list[Token], turn: list[int], b: int) -> bool:
    """Whether the sentence ending at ``toks[b]`` is left for the other party: a question, or its speaker's last."""
    return toks[b].is_question or b + 1 >= len(toks) or turn[b + 1] != turn[b]


def asks(toks: list[Token], turn: list[int], i: int) -> bool:
    """Whether the sentence of ``toks[i]`` asks for the value itself ("What's your e-mail?", "your date of
    birth?"), not for something done with it ("Please send the e-mail.")."""
    a, b = sentence(toks, turn, i)
    return toks[b].is_question or any(t.text in ASK_WORDS for t in toks[a:b + 1])


def said_as_verb(toks: list[Token], i: int) -> bool:
    """Whether a cue word is said as a verb ("can you email me", "I'll text you", "we'll address that"): it asks
    for nothing."""
    if toks[i].text not in VERB_CUES:
        return False
    after = toks[i + 1].text if i + 1 < len(toks) else ""
    before = toks[i - 1].text if i > 0 else ""
    return after in OBJECTS or before in VERB_LEAD


@lru_cache(maxsize=4096)
def sounds_like(word: str, key: str) -> bool:
    """``word`` as Whisper may write ``key`` misheard: the key itself or its plural, a clipped start ("count" for
    "account"), or the same Metaphone code or one edit from it, spelled closely (Jaro-Winkler)."""
    import jellyfish

    if word == key or word in (key + "s", key + "'s"):
        return True
    if len(word) >= 5 and key.endswith(word):
        return True
    if len(word) < 3 or word in _COMMON:
        return False
    a, b = jellyfish.metaphone(word), jellyfish.metaphone(key)
    close = jellyfish.jaro_winkler_similarity(word, key)
    return (a == b and close >= 0.75) or (min(len(a), len(b)) >= 3 and jellyfish.levenshtein_distance(a, b) == 1
                                           and close >= 0.7)


# words too common to be taken for a misheard cue however close they sound
_COMMON = frozenset({"both", "bath", "birds", "cart", "hard", "car", "cars", "fine", "fun", "film", "mail", "male",
                     "female", "dress", "special", "phones", "cards", "credit", "credits", "model", "models",
                     "doing"})
