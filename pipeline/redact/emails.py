"""E-mail addresses spelled out in a call ("j dot smith at gmail dot com", "L U P E dot I B A R R A 7 4 at gmail dot
com"), and a part of one spelled after it ("ingrid.halvorsen@... H-A-L-V-O-R-S-E-N"). Pure rules over
``spoken.tokens``; Presidio's own pattern finds the written ones."""

from __future__ import annotations

import re

from .recognizers import _CallRecognizer, _result
from .requests import sentence, turn_last
from .spelling import spelled_word
from .spoken import FILLERS, Token

TLDS = {"com", "net", "org", "edu", "gov", "io", "co", "us", "uk", "ca", "biz", "info", "me", "de", "ai", "br", "fr", "es",
        "nl", "au", "nz", "mx", "jp", "ie", "ch", "se", "dk", "fi", "pl", "pt", "za", "ng", "ke", "ph", "sg", "tv",
        "app", "dev", "xyz", "online"}
SPOKEN_TLDS = {"it", "in"}  # words too: a domain's end only after "dot" ("libero dot it")
# said right before "at" and a domain, these make it a website's ("apply at studentaid dot gov", "online at ...")
WEB_BEFORE = {"apply", "online", "visit", "website", "site", "log", "sign", "register", "book", "order", "renew",
              "enroll", "pay", "us", "portal", "app"}
# a mailbox provider is a domain said without its end ("farah.almasri at gmail?")
PROVIDERS = {"gmail", "yahoo", "hotmail", "outlook", "icloud", "aol", "protonmail", "proton", "comcast", "live", "msn"}
JOINERS = {"underscore", "dot", "dash", "hyphen"}  # what joins the parts of a spelled e-mail's name
EMAIL_STOP = {"is", "it's", "its", "email", "e-mail", "address", "my", "me", "to", "send", "the", "that's", "sure",
              "yes", "yeah", "okay", "ok", "so", "and", "it", "at", "use", "just", "reach", "mail", "please", "on",
              "your", "for", "with", "from", "via", "still", "statements", "receipts", "receipt", "invoices",
              "updates", "prefer", "rather", "want"}
# "the work one, thanh dot nguyen at ...": a comma after one of these ends the talk before an e-mail's name
EMAIL_DESCRIBED = {"one", "address", "email", "e-mail", "mine", "account", "personal", "work", "new", "old", "best",
                   "file", "home"}


class SpelledEmailRecognizer(_CallRecognizer):
    """An e-mail address spelled out: "j dot smith at gmail dot com", "sam underscore lee at outlook.com"."""

    ENTITIES = ["EMAIL_ADDRESS"]

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = self.tokens(text)
        out, names = [], []  # names: (where the "at" or the written address is, the name before it)
        for i, t in enumerate(toks):
            if "@" in t.text and t.text != "@":
                names.append((i, t.text.split("@")[0]))
            if t.text not in ("at", "@") or (end := _domain_end(toks, i + 1)) is None:
                continue
            start = email_start(toks, i)
            if t.text == "at":
                names.append((i, " ".join(x.text for x in toks[start:i])))
            if i > 0 and toks[i - 1].text in WEB_BEFORE:
                continue  # ("you can apply at studentaid dot gov": a website)
            # no name before the "at" (misheard, or a turn of its own): the domain still goes
            out.append(_result("EMAIL_ADDRESS", toks[start].start, toks[end].end, 0.9 if start < i else 0.6,
                               self.name))
        for a, b in _name_spelled(toks, text, names):
            out.append(_result("EMAIL_ADDRESS", toks[a].start, toks[b].end, 0.8, self.name))
        return out


def _name_spelled(toks: list[Token], text: str, names: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """A part of an e-mail's name (``names``) spelled after it ("ingrid.halvorsen@... H-A-L-V-O-R-S-E-N",
    "liam.osullivan at gmail dot com. O-S-U-L-L-I-V-A-N"): first and last token of each spelling."""
    parts = {p: i for i, name in names for p in re.findall(r"[a-z]{3,}", name)}  # a part -> where it was said
    out, k = [], 0
    while k < len(toks):
        b = k  # single letters in a row, within one turn
        while b + 1 < len(toks) and len(toks[b].text) == len(toks[b + 1].text) == 1 \
                and "\n" not in text[toks[b].end:toks[b + 1].start]:
            b += 1
        said = spelled_word(toks[k].text) or ("".join(t.text for t in toks[k:b + 1]) if b > k else "")
        if said in parts and 0 < k - parts[said] <= 40:
            out.append((k, b))
        k = b + 1
    return out


def spells(toks: list[Token], j: int) -> bool:
    """Whether ``toks[j]`` spells: a letter, letters joined by hyphens ("p-a-r-k", "2-2"), "as in"."""
    w = toks[j].text
    return len(w) == 1 or (("-" in w) and all(len(x) == 1 for x in w.split("-"))) or (
        w == "as" and j + 1 < len(toks) and toks[j + 1].text == "in")


def email_start(toks: list[Token], i: int) -> int:
    """The first token of a spoken e-mail's name before its "at" (``toks[i]``): back to a lead-in word, a comma or
    a full stop ("send it to megorourke at ...", "the work one, thanh dot nguyen at ..."), at most six words (more
    when they are letters and digits: "L U P E dot I B A R R A 7 4 at ..."), or to where a "dot" or "underscore"
    joins it."""
    start = i
    while start > 0 and (i - start < 6 or i - start < 24 and (len(toks[start - 1].text) <= 2
                                                             or toks[start - 1].text in JOINERS)) \
            and toks[start - 1].text not in EMAIL_STOP \
            and not toks[start - 1].ends_sentence and toks[start - 1].text not in FILLERS \
            and not (toks[start - 1].raw.endswith(",") and toks[start - 1].text in EMAIL_DESCRIBED):
        start -= 1
    joined = [k for k in range(max(0, i - 8), start) if toks[k].text in JOINERS
              and not any(t.ends_sentence for t in toks[k:i])]
    if joined and joined[0] > 0:  # "call him underscore phrase or 80 to at": the name runs back to its join
        start = joined[0] - 1
    return start


def _domain_end(toks: list[Token], j: int) -> int | None:
    """The last token of a spoken domain starting at ``toks[j]`` ("gmail dot com", "gmail.com", "yahoo dot co
    dot uk"), or None."""
    for k in range(j, min(len(toks), j + 7)):
        t = toks[k].text
        if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.(" + "|".join(TLDS) + ")", t):
            return k
        if t in TLDS and k > j and toks[k].raw.lstrip("\"'(").startswith("."):  # "gmail .com": Whisper's split
            while k + 1 < len(toks) and toks[k + 1].text in TLDS and toks[k + 1].raw.startswith("."):
                k += 1  # ".co .uk"
            return k
        if t in ("dot", ".") and k + 1 < len(toks) and toks[k + 1].text in TLDS | SPOKEN_TLDS and k > j:
            end = k + 1
            while end + 2 < len(toks) and toks[end + 1].text == "dot" and toks[end + 2].text in TLDS:
                end += 2
            return end
    if j < len(toks) and toks[j].text in PROVIDERS and toks[j].raw[-1:] in ".,?!":
        return j  # "farah.almasri at gmail?": the provider said, its ending not
    return None


def mailbox_given(toks: list[Token], turn: list[int], cue_end: int, kind: str) -> bool:
    """Whether the rest of the cue's sentence (an e-mail's cue: of its turn) gives an e-mail address."""
    b = turn_last(turn, cue_end) if kind == "EMAIL_ADDRESS" else sentence(toks, turn, cue_end)[1]
    return any("@" in toks[k].text or toks[k].text == "at" and _domain_end(toks, k + 1) is not None
               for k in range(cue_end + 1, b + 1))
