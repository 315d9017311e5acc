"""The caller's household, whose names are the caller's personal data too: "my wife, Leah Park", "our son Will",
"the two kids are Tobi and Zara", a name said with its own date of birth or phone number ("Diego, 5/8/2008").
Pure rules over ``spoken.tokens``; ``names.py`` takes the names."""

from __future__ import annotations

import datetime as dt
import re

from .name_words import KIDS, RELATION_GLUE, RELATIONS
from .recognizers import _date_at
from .spoken import Token, digit_runs, is_number_word


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


def named_with_value(toks: list[Token], turn: list[int], i: int) -> bool:
    """Whether ``toks[i]`` (a word and a comma) names whose value follows it in the same turn: a full date of
    birth, or a phone number ("Diego, 5/8/2008, and Andres, November 21st, 2010", "Then Caleb, June 2nd, 2012",
    "I've got Finn, date of birth April 2nd, 2019", "And Dad?" - "Kenji, 206-555-0138.")."""
    if not toks[i].raw.endswith(",") or i + 1 >= len(toks) or turn[i + 1] != turn[i]:
        return False
    j = i + 1
    while j < len(toks) and j - i <= 3 and toks[j].text in ("date", "of", "birth", "dob", "born"):
        j += 1
    date = _date_at(toks, j) if j < len(toks) and turn[j] == turn[i] else None
    if date is not None and date[2] is not None:
        return date[1] <= dt.date.today().year
    runs = digit_runs(toks[j:j + 4])
    return bool(runs) and runs[0].first == 0 and (len(runs[0].digits) == 10 or runs[0].digits[:1] == "1"
                                                  and len(runs[0].digits) == 11) and not runs[0].amount
