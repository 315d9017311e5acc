"""The words ``cues.py`` reads a call by: the phrases that name each kind of value (sure and weak), the key word
a misheard cue may sound like, a read-back, the words of talk around a value, and the sizes of an answer.
Lexicons and limits only; the rules are in ``cues.py``."""

from __future__ import annotations

CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "CARD_NUMBER": (("card", "number"), ("card", "is"), ("number", "on", "the", "card"), ("long", "number"),
                    ("card", "ending", "in"), ("expiration", "date"), ("expiry", "date"), ("security", "code"),
                    ("digit", "code"), ("code", "on", "the", "back"),
                    ("code", "on", "the", "front"), ("three-digit", "code"), ("four-digit", "code"),
                    ("3-digit", "code"), ("4-digit", "code"), ("cvv",), ("cvc",)),
    "ACCOUNT_NUMBER": (("account", "number"), ("account", "is"), ("account", "ending"), ("account", "ends"),
                       ("member", "number"), ("member", "id"), ("customer", "number")),
    "ROUTING_NUMBER": (("routing", "number"), ("routing", "is"), ("sort", "code"), ("transit", "number")),
    "SSN": (("social", "security"), ("social", "is"), ("ssn",), ("itin",), ("of", "my", "social"),
            ("of", "your", "social")),
    "PHONE_NUMBER": (("phone", "number"), ("cell", "number"), ("mobile", "number"), ("reach", "me", "at"),
                     ("reach", "me", "on"), ("call", "me", "at"), ("call", "me", "back", "at"), ("call", "me", "on"),
                     ("callback", "number"), ("best", "number"), ("text", "me", "on"), ("text", "me", "at"),
                     ("number",)),  # "number" alone: see PHONE_DIGITS
    "DATE_OF_BIRTH": (("date", "of", "birth"), ("born", "on"), ("was", "born"), ("birthday", "is"), ("dob",),
                      ("birth", "date")),
    "EMAIL_ADDRESS": (("email",), ("e-mail",)),  # the answer must hold "at" or "@" unless it answers a request
    "STREET_ADDRESS": (("address", "is"), ("street", "address"), ("live", "at"), ("mailing", "address"),
                       ("billing", "address"), ("shipping", "address"), ("zip", "code"), ("postcode",),
                       ("company", "address"), ("address",)),  # the answer must hold a number and a street
                                                                # word, a zip code or a state, unless it answers
                                                                # a request
}
# Said in a request, these name a kind less surely ("and the card?", "when were you born?"): their answer must
# hold something value-like, as a misheard cue's must.
WEAK_CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "CARD_NUMBER": (("credit", "card"), ("debit", "card"), ("the", "card"), ("your", "card"), ("which", "card"),
                    ("what", "card"), ("expiration",), ("expiry",), ("expires",), ("exp",)),
    "ACCOUNT_NUMBER": (("the", "account"), ("your", "account"), ("which", "account"), ("bank", "account"),
                       ("checking", "account"), ("savings", "account")),
    "ROUTING_NUMBER": (("routing",), ("aba",)),
    "SSN": (("social",), ("socials",), ("last", "four"), ("final", "four"), ("four", "digits")),
    "PHONE_NUMBER": (("phone",), ("cell",), ("mobile",), ("text", "me"), ("reach", "you")),
    "DATE_OF_BIRTH": (("born",), ("birthday",), ("birthdate",), ("birth",)),
    "STREET_ADDRESS": (("sending",), ("send",), ("ship",), ("shipped",), ("shipping",), ("deliver",),
                       ("delivered",), ("delivering",), ("delivery",), ("mail",), ("live",), ("located",),
                       ("based",), ("where",), ("where's",), ("city",), ("zip",), ("zipcode",)),
}
# said in a request, what a misheard cue most likely was: a word sounding like one of these (``_like``)
KEYS: dict[str, tuple[str, ...]] = {
    "CARD_NUMBER": ("card",), "ACCOUNT_NUMBER": ("account",), "ROUTING_NUMBER": ("routing",),
    "SSN": ("social", "security"), "PHONE_NUMBER": ("phone", "mobile"), "DATE_OF_BIRTH": ("birth", "birthday"),
    "EMAIL_ADDRESS": ("email",), "STREET_ADDRESS": ("address",),
}
READBACK = (("read", "that", "back"), ("read", "it", "back"), ("read", "back"), ("to", "confirm"),
            ("did", "you", "say"), ("confirm", "that"))
FUNCTION = frozenset({"do", "does", "did", "is", "are", "was", "were", "will", "would", "can", "could", "should",
                      "have", "has", "had", "i", "you", "we", "they", "he", "she", "it", "that", "this", "may", "might",
                      "must", "why", "and", "or", "but", "if", "so", "am", "be", "just", "really", "sure", "need",
                      "want", "think", "know", "a", "the", "to", "at", "in", "on", "for", "there", "here", "of"})
COPULA = {"is", "it's", "its", "was", "are", "that's", "would", "will", "should", "be", "reads", "starts", "ends"}
TALK = {"name", "i", "i'm", "we", "you", "this", "here", "i'll", "let", "me", "thanks", "thank", "ends", "ending", "in"}
NUMBER_KINDS = ("CARD_NUMBER", "ACCOUNT_NUMBER", "ROUTING_NUMBER", "SSN", "PHONE_NUMBER")
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
                      "tomorrow", "tonight"})  # a number's answer ends where a day is named ("... I have Tuesday")
MAX_TOKENS = 30
PHONE_DIGITS = 7  # "a number we can text?": the answer to "number" alone must hold a phone number's digits
MAX_GAP = 4  # other words a value may hold ("404. Time, time, time. 4133": a number misheard in the middle)
GUESS_TOKENS = 8  # a number's answer with nothing number-like in it is still taken when this short (misheard)
ANSWER_TOKENS = 16  # a direct answer to a request is taken, value-like or not, when this short
FUZZY_DIGITS = 3  # the answer to a misheard number cue must hold this many digits
AFTERWORDS = frozenset({"now", "still", "though", "too", "again", "please", "thanks", "correct"})
WHOLE = {"PHONE_NUMBER": 10, "CARD_NUMBER": 15, "ROUTING_NUMBER": 9, "SSN": 9, "ACCOUNT_NUMBER": 8}  # digits
CUE_WORDS = frozenset(w for table in (CUES, WEAK_CUES) for phrases in table.values() for p in phrases for w in p)
# the words that name a kind in an answer ("and my birthday's the fifth of June"): the value starts after them
NAMING = {"DATE_OF_BIRTH": frozenset({"birth", "birthday", "birthdate", "born", "dob"}),
          "EMAIL_ADDRESS": frozenset({"email", "e-mail"})}
