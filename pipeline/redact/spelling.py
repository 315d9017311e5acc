"""Names spelled out on a call: letters one by one ("o k a f o r", "S-T-A-N"), a letter with a word for it ("K as
in kite"), the spelling alphabet ("Romeo, Alpha, Golf"), and whether a run of them spells a name already found.
Pure rules over ``spoken.tokens``; ``names.py`` decides whose name it is."""

from __future__ import annotations

from .name_words import RESUME_GLUE, SPELL_GLUE
from .spoken import Token

# the ICAO spelling alphabet ("Romeo, Alpha, Golf ..."), read as letters when three or more come in a row
CODE_WORDS = frozenset({"alpha", "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
                        "juliet", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
                        "sierra", "tango", "uniform", "victor", "whiskey", "whisky", "x-ray", "xray", "yankee", "zulu"})


def spellings(toks: list[Token], turn: list[int], names: set[str]) -> set[int]:
    """Spellings of one of ``names``, whoever says them ("and is it mr delgado, d e l g a d o", "v a n, d e r, b e
    r g", "Kowalczyk, K as in kite, O, W as in whiskey, ...", "T-O-M-A-S" for "Tomás"): the whole run when it
    spells one, or each of its comma-parted pieces does."""
    plain = {fold(p) for n in names for p in [n, *n.split("-")] if len(p) >= 2}  # ("O-K-O-N-K-W-O" of "Okonkwo-Reyes")
    out: set[int] = set()
    x = 0
    while x < len(toks):
        run, pieces = spelled_run(toks, turn, x)
        if not run:
            x += 1
            continue
        letters = "".join(pieces)
        if letters in plain or (len(pieces) > 1 and all(len(p) >= 2 and p in plain for p in pieces)):
            out.update(run)
        x = run[-1] + 1
    return out


def spelled_run(toks: list[Token], turn: list[int], x: int) -> tuple[range, list[str]]:
    """The spelling from ``toks[x]`` on, in its turn (two letters or more), and its letters in comma-parted
    pieces; an empty range when none starts there."""
    y, pieces, piece, count = x, [], "", 0
    codes = code_run(toks, turn, x)
    while y < len(toks) and turn[y] == turn[x]:
        t = toks[y]
        if n := nato(toks, turn, y):
            piece, step = piece + t.text, n
        elif is_letter(t) or y in codes:
            piece, step = piece + t.text[0], 1
        elif (w := spelled_word(t.text, 2)) and count == 0 or (w := spelled_word(t.text, 1)) and count:
            piece, step = piece + w, 1
        elif t.text in ("apostrophe", "space", "hyphen", "dash") and count:
            piece, step = piece, 1
        else:
            break
        count += 1
        y += step
        if toks[y - 1].raw[-1:] in ",;" and piece:
            pieces.append(piece)
            piece = ""
    pieces += [piece] if piece else []
    if count < 2 or sum(map(len, pieces)) < 2:
        return range(x, x), []
    return range(x, y), pieces


def code_run(toks: list[Token], turn: list[int], x: int) -> set[int]:
    """The spelling alphabet's words said in a row from ``toks[x]`` ("Romeo, Alpha, Golf, Hotel"), three or more;
    else none."""
    y = x
    while y < len(toks) and turn[y] == turn[x] and toks[y].text in CODE_WORDS:
        y += 1
    return set(range(x, y)) if y - x >= 3 else set()


def fold(word: str) -> str:
    """A name without accents, hyphens or apostrophes ("Tomás" -> "tomas", "Nowak-Reyes" -> "nowakreyes")."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if c.isalpha() and c.isascii())


def spelled_word(w: str, least: int = 3) -> str | None:
    """The word spelled letter by letter ("p-r-u-i-t-t" -> "pruitt"), or None."""
    parts = w.split("-")
    return "".join(parts) if len(parts) >= least and all(len(p) == 1 and p.isalpha() for p in parts) else None


def spells_on(toks: list[Token], turn: list[int], x: int) -> bool:
    """Whether a spelling follows ``toks[x]`` in its turn, past glue and single letters ("O, apostrophe,
    S-U-L-L-I-V-A-N")."""
    y = x + 1
    while y < len(toks) and turn[y] == turn[x] and y - x <= 4 and (
            toks[y].text in SPELL_GLUE | RESUME_GLUE or is_letter(toks[y])) and not nato(toks, turn, y):
        y += 1
    return y < len(toks) and turn[y] == turn[x] and bool(nato(toks, turn, y) or spelled_word(toks[y].text, 2))


def nato(toks: list[Token], turn: list[int], x: int) -> int:
    """Tokens of a letter spelled with a word for it at ``toks[x]`` ("T as in tango"): 4, else 0."""
    ok = x + 3 < len(toks) and turn[x + 3] == turn[x] and is_letter(toks[x])
    return 4 if ok and toks[x + 1].text == "as" and toks[x + 2].text == "in" else 0


def is_letter(t: Token) -> bool:
    return len(t.text) == 1 and t.text.isalpha()


def letter_run(toks: list[Token], turn: list[int], x: int) -> range:
    """The single letters said in a row, in one turn, around ``toks[x]`` ("nick zhao, z h a o"); empty when
    ``toks[x]`` is no letter."""
    if not is_letter(toks[x]):
        return range(x, x)
    a, b = x, x
    while a > 0 and turn[a - 1] == turn[x] and is_letter(toks[a - 1]):
        a -= 1
    while b + 1 < len(toks) and turn[b + 1] == turn[x] and is_letter(toks[b + 1]):
        b += 1
    return range(a, b + 1)
