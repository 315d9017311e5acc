"""The caller's household, whose names are the caller's personal data too: "my wife, Leah Park", "our son Will",
"the two kids are Tobi and Zara". Pure rules over ``spoken.tokens``; ``names.py`` takes the names."""

from __future__ import annotations

import re

from .name_words import KIDS, RELATION_GLUE, RELATIONS
from .spoken import Token, is_number_word


def relation(toks: list[Token], turn: list[int], i: int) -> int:
    """Tokens from ``toks[i]`` to a household member's name ("my wife, Leah", "our daughter Adaeze", "my fiancé is
    Drew Page", "my wife's name, Leah Park"), or 0."""
    if toks[i].text not in ("my", "his", "her", "our", "their", "your", "the"):
        return 0
    k = i + 1
    while k < len(toks) and turn[k] == turn[i] and k - i <= 4 and (
            toks[k].text in RELATION_GLUE - {"is"} or is_number_word(toks[k].text)):
        k += 1
    if k >= len(toks) or turn[k] != turn[i] or kin(toks[k].text) not in RELATIONS | KIDS \
            or toks[i].text == "the" and kin(toks[k].text) not in KIDS:
        return 0  # ("the kids", "the dependent": a household's; not "the partner", a business's)
    k += 1
    while k < len(toks) and turn[k] == turn[i] and k - i <= 6 and toks[k].text in RELATION_GLUE:
        k += 1
    return k - i if k < len(toks) and turn[k] == turn[i] else 0


def kin(word: str) -> str:
    """A relation word without its contraction ("wife'll", "husband's", "son'd")."""
    return re.sub(r"'(s|ll|d)$", "", word)
