"""The company's own contact details, which are no caller's personal data: a toll-free line, a number or an address
the rep gives as the company's ("call our outage line at ...", "we're at 1900 Harmon Avenue", "our tax ID is
..."), a role mailbox ("support at ...", "admissions at ..."), and the caller saying one of them back.

Pure: candidate spans (kind, character start and end, score, recogniser) in, the ones that are the caller's out
(``detect.PresidioRedactor.detect`` runs it before names are added).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any, Sequence

from .recognizers import ACCOUNT_WORDS, CARD_WORDS, ROUTING_WORDS, SSN_WORDS
from .requests import match, sentence, speakers, turns
from .spoken import Token, digit_runs, tokens

TOLL_FREE = re.compile(r"(1?8(00|88|77|66|55|44|33)\d{7})+")  # (said again right after: one span)
# said before a value, in the rep's sentence, that makes it the company's ("our catering line is", "call us at")
OWN = (("our",), ("call", "us"), ("text", "us"), ("email", "us"), ("e-mail", "us"), ("reach", "us"),
       ("write", "us"), ("we're", "at"), ("we", "are", "at"), ("we're", "located"), ("we", "are", "located"),
       ("located", "at"), ("find", "us"), ("visit", "us"))
OWN_AFTER = frozenset({"extension", "ext", "option"})  # "555-0100, extension 3": a switchboard
# a mailbox that is a role, not a person (RFC 2142 and the like): "support at acme dot com"
ROLE_MAILBOXES = frozenset({
    "info", "support", "help", "helpdesk", "sales", "admissions", "billing", "orders", "order", "service",
    "services", "contact", "hello", "team", "accounts", "claims", "returns", "noreply", "no-reply", "careers",
    "jobs", "hr", "office", "admin", "reservations", "bookings", "booking", "waivers", "customerservice",
    "memberservices", "care", "feedback", "privacy", "legal", "press", "media", "events", "frontdesk",
    "appointments", "payments", "receivables", "invoices", "records", "scheduling", "enquiries", "inquiries",
    "membership", "members", "donations", "giving", "catering", "dispatch", "shipping", "warranty", "rentals",
    "leasing", "finaid", "financialaid", "registrar", "accounting", "payroll", "benefits", "reception", "concierge",
    "tickets", "marketing", "partners", "studentservices", "patientservices", "pharmacy", "compliance", "ap", "ar",
    "payables", "accountspayable", "procurement", "purchasing", "bids", "finance", "vendors", "invoicing",
    "remittance", "treasury", "operations", "ops", "postmaster", "webmaster", "abuse", "security", "quotes",
    "estimates", "rfq", "tenders", "hiring", "recruiting", "disputes", "collections", "refunds", "complaints",
    "escalations", "fraud", "repairs", "parts", "loans", "lending", "underwriting", "intake", "referrals",
    "enrollment", "enrolment", "registrations", "renewals", "subscriptions", "licensing", "permits"})
# what names a phone number as a business's main line, whoever gives it ("the main switchboard is ...")
FIRM_LINES = (("main", "line"), ("main", "number"), ("switchboard",), ("front", "desk"), ("main", "office"),
              ("reception",))
PERSONAL = CARD_WORDS | ACCOUNT_WORDS | ROUTING_WORDS | SSN_WORDS
KINDS = frozenset({"PHONE_NUMBER", "ACCOUNT_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS"})


def callers_only(found: list[tuple], text: str, words: Sequence[Any], offsets: list[tuple[int, int]],
                 roles: dict[str, str]) -> list[tuple]:
    """``found`` without the company's own details (and the caller's repeats of them)."""
    toks = tokens(text)
    if not toks:
        return found
    speaker, turn = speakers(toks, words, offsets), turns(text, toks)
    rep = {s for s, r in roles.items() if r == "rep"}
    tstarts, tends = [t.start for t in toks], [t.end for t in toks]
    own: set[str] = set()
    keep = []
    for f in found:
        kind, idx = f[0], _inside(tstarts, tends, f[1], f[2])
        if kind not in KINDS or not idx:
            keep.append(f)
            continue
        said = toks[idx[0]:idx[-1] + 1]
        key = _key(kind, said)
        if _toll_free(kind, said) or _role_mailbox(kind, toks, idx) or _firm_line(kind, toks, turn, idx) or (
                speaker[idx[0]] in rep and _given_as_own(toks, turn, idx)):
            own.add(key)
            continue
        keep.append(f)
    if not own:
        return keep
    out = []
    for f in keep:  # the caller saying the company's number back ("1-800-555-0117, got it")
        idx = _inside(tstarts, tends, f[1], f[2])
        if f[0] in KINDS and idx and _key(f[0], toks[idx[0]:idx[-1] + 1]) in own:
            continue
        out.append(f)
    return out


def _inside(tstarts: list[int], tends: list[int], a: int, b: int) -> list[int]:
    """The tokens the character span ``a``-``b`` overlaps (``tstarts``, ``tends``: the tokens' offsets, rising)."""
    return list(range(bisect_right(tends, a), bisect_left(tstarts, b)))


def _key(kind: str, said: list[Token]) -> str:
    if kind in ("PHONE_NUMBER", "ACCOUNT_NUMBER"):
        return "".join(r.digits for r in digit_runs(said))
    return " ".join(t.text for t in said)


def _toll_free(kind: str, said: list[Token]) -> bool:
    """A toll-free number: a run of digits, or one word ("3. 1-877-555-0150": a run from the turn before)."""
    return kind in ("PHONE_NUMBER", "ACCOUNT_NUMBER") and (any(TOLL_FREE.fullmatch(r.digits) for r in digit_runs(said))
                                                          or any(TOLL_FREE.fullmatch(re.sub(r"\D", "", t.text))
                                                                 for t in said))


def _role_mailbox(kind: str, toks: list[Token], idx: list[int]) -> bool:
    """ "support at acme dot com", "memberservices@ironpeak.com": a mailbox named for a role."""
    if kind != "EMAIL_ADDRESS":
        return False
    first = toks[idx[0]].text
    if "@" in first:
        return first.split("@")[0] in ROLE_MAILBOXES
    return len(idx) > 1 and toks[idx[1]].text in ("at", "@") and first in ROLE_MAILBOXES


def _firm_line(kind: str, toks: list[Token], turn: list[int], idx: list[int]) -> bool:
    """A phone number given as a business's main line in its sentence ("The main switchboard is 414-555-0100")."""
    if kind != "PHONE_NUMBER":
        return False
    a = sentence(toks, turn, idx[0])[0]
    return any(match(toks, i, FIRM_LINES) for i in range(max(a, idx[0] - 8), idx[0]))


def _given_as_own(toks: list[Token], turn: list[int], idx: list[int]) -> bool:
    """Whether the rep gives the value as the company's: "our ... line is", "call us at", "we're at" before it in
    its sentence (with no "you" between: "our records show your number as ...", "our technician will call you at
    ..." are the caller's), or
    "extension" right after it."""
    a, b = sentence(toks, turn, idx[0])
    if any(t.text in PERSONAL for t in toks[a:b + 1]):
        return False  # ("our routing number is ...": the form's bank details travel with the caller's account)
    last = idx[-1]
    if last + 1 < len(toks) and turn[last + 1] == turn[last] and toks[last + 1].text in OWN_AFTER:
        return True
    for i in range(max(a, idx[0] - 10), idx[0]):
        if match(toks, i, OWN) and not any(t.text in ("your", "you", "you're", "yours") for t in toks[i:idx[0]]):
            return True
    return False
