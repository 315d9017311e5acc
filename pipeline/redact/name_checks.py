"""What a word or a few words of a call are, for ``names.py``: capitalised, a business's name, someone else's title
or job, a name's sound, a word without its "'s". Pure checks over ``spoken.tokens``."""

from __future__ import annotations

import re

from .name_words import BUSINESS, PROFESSIONAL, ROLES
from .spoken import Token


def capital(t: Token) -> bool:
    return t.raw.lstrip("\"'(“‘")[:1].isupper()


def runs(g: set[int]) -> list[list[int]]:
    """``g``'s token indices as runs of neighbours ("Okafor, first name Chidi": two spans, not the words between)."""
    out: list[list[int]] = []
    for k in sorted(g):
        if out and out[-1][-1] == k - 1:
            out[-1].append(k)
        else:
            out.append([k])
    return out


def titled_other(toks: list[Token], k: int) -> bool:
    """Whether a professional's title ("Dr. Patel", "doctor Cho", "Officer Reyes") or a job after "our" / "my" ("our
    controller, Gwen Castillo", "my assistant, Jolene") comes just before ``toks[k]``: someone else's name."""
    return k > 0 and (toks[k - 1].text in PROFESSIONAL or toks[k - 1].text in ROLES and any(
        t.text in ("our", "my", "the", "his", "her", "their", "your") for t in toks[max(0, k - 4):k - 1]))


def business(toks: list[Token], idx: list[int]) -> bool:
    """Whether the words ``idx`` (or the word after them) name a business ("Johnson Plumbing, "Ortiz Lawn and
    Garden LLC", "Miller's Auto Body"; "Fraser and Moir Joinery": past an "and" and one more name)."""
    k = idx[-1] + 1
    if k + 2 < len(toks) and toks[k].text in ("and", "&") and not toks[k - 1].ends_sentence \
            and toks[k + 1].raw[:1].isupper():
        k += 2
    after = [k] if k < len(toks) else []
    return any(re.sub(r"[^a-z&]", "", toks[k].text) in BUSINESS for k in idx + after)


def sound(w: str) -> str:
    import jellyfish

    return jellyfish.metaphone(w)


def bare(text: str) -> str:
    return text[:-2] if text.endswith("'s") else text
