"""Names in a transcript written without capitals ("yeah hi its uh marcus bell calling about my bill").

Whisper writes most calls in sentence case, where a capital is what tells "Will" the caller from "will" the verb,
and ``names.py`` leans on it. On a noisy line, and from other recognisers, whole turns come back in lower case, and
there a name after "its", "thanks" or "mr" looks like any other word. This restores the one capital that matters:
in a turn with no capital at all, a word gets one when it is plausibly a name - a given name from the US Census
lists (public domain, shipped in the ``names`` package) that is not a common English word, or a word rare in
English (``wordfreq``: "okafor", "siobhan", "castillo"). Common words stay lower case even where they are names
too ("will", "june", "summer", "bill"): the surer cues (``my name is``) take those as they are. The text keeps its
length, so every character offset stays true.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

FIRST_MAX_ZIPF = 4.6  # a given name at most this common in English ("marcus" 4.1, "grace" 4.6; not "will", "mark")
RARE_ZIPF = 3.3  # any word rarer than this ("castillo" 3.1, "okafor" 2.6; not "overdue" 3.5, "sorted" 3.8)
WORD_ENDINGS = ("ed", "ing", "ly", "ness", "ment", "able", "ible", "tion", "ful", "less", "ize", "ise")
PAIRED_MAX_ZIPF = 5.5  # before a surname: "summer" 5.2, "june" 5.2 (not "so" 6.5, "my" 6.6)
_EDGE = "\"'“”‘’()[]{}<>,;:!?."
I_FORMS = frozenset({"i", "i'm", "i'll", "i've", "i'd"})  # capitalised in any case
_WORD = re.compile(r"[a-z][a-z'\-]*")


def truecased(text: str, never: frozenset[str] = frozenset()) -> str:
    """``text`` (a call's text, a line per turn) with a capital on each name-like word of the lines written
    without any, and on a given name said just before one ("summer castillo", "june abernathy"); ``never``
    (function words, greetings, days ...) stay as they are unless so paired."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if not written_lower(line):
            continue
        chars = list(line)
        words = [(m.start() + m.group().index(w), w, m.group()) for m in re.finditer(r"\S+", line)
                 if (w := m.group().strip(_EDGE))]
        up = [w not in never and name_like(w) for _, w, _ in words]
        for k in range(len(words) - 1):
            if up[k + 1] and not up[k] and words[k][2][-1:] not in ",.?!;:" and _paired(words[k][1]):
                up[k] = True  # (a given name that is a word too, before a surname)
        for (at, _, _), u in zip(words, up):
            if u:
                chars[at] = chars[at].upper()
        lines[n] = "".join(chars)
    return "\n".join(lines)


def rare(word: str) -> bool:
    """Whether a word is rare in English, as a name mostly is ("keoni", "sven"; not "dawn", "grant")."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") < RARE_ZIPF


def _paired(word: str) -> bool:
    from wordfreq import zipf_frequency

    return word in given_names() and zipf_frequency(word, "en") < PAIRED_MAX_ZIPF


def written_lower(line: str) -> bool:
    """Whether a turn was written without capitals: words, and none of them (bar "I") capitalised."""
    words = [w.strip(_EDGE) for w in line.split()]
    words = [w for w in words if w[:1].isalpha()]
    return bool(words) and not any(w[0].isupper() and w.lower() not in I_FORMS for w in words)


def name_like(word: str) -> bool:
    """Whether a lower-case word may be a person's name (see the module's note)."""
    if not _WORD.fullmatch(word) or len(word) < 2:
        return False
    from wordfreq import zipf_frequency

    base = word[:-2] if word.endswith("'s") else word
    z = zipf_frequency(base, "en")
    if base in given_names():
        return z < FIRST_MAX_ZIPF
    return z < RARE_ZIPF and not base.endswith(WORD_ENDINGS)  # (not "it's unplugged", "its overdue")


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """The 1990 US Census given names (about 5,500, male and female), lower case."""
    import names

    folder = Path(names.__file__).parent
    out: set[str] = set()
    for f in ("dist.male.first", "dist.female.first"):
        out.update(line.split()[0].lower() for line in (folder / f).read_text().splitlines() if line.strip())
    return frozenset(out)
