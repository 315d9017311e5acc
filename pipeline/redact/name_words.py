"""The words ``names.py`` reads a call by: how a buyer introduces themself and their household, how a rep asks
a name, calls the buyer by it and introduces themself, and the words that are never a name or make one a
business's, a professional's or a place's. Lexicons only; the rules are in ``names.py``."""

from __future__ import annotations

from .spoken import FILLERS

# what the buyer says before their own name; the strong ones are followed by a name however Whisper spelled it
INTRO_STRONG = (("my", "name", "is"), ("my", "name's"), ("my", "name"), ("name", "is"), ("name's",),
                ("this", "is"), ("the", "name", "is"))
INTRO_WEAK = (("i'm",), ("i", "am"), ("it's",), ("its",), ("it", "is"), ("speaking", "is"),
              ("under", "the", "name"), ("be", "under"), ("it's", "under"), ("its", "under"), ("is", "under"),
              ("under",), ("call", "me"), ("pronounced",), ("goes", "by"))
# (a capitalised name must follow: "put it under Henderson", "just call me Bill")
# the caller's household, whose names are the caller's personal data too ("my wife, Leah Park", "our son Will")
RELATIONS = frozenset("husband wife son daughter partner fiance fiancé fiancee fiancée spouse mother mom mum father "
                      "dad kid child brother sister boyfriend girlfriend grandson granddaughter grandmother grandma "
                      "grandfather grandpa stepson stepdaughter".split())
# several of them, or a dependant, named after "the" too ("the two kids are Tobi and Zara", "the dependent, Mateo")
KIDS = frozenset({"kids", "children", "dependent", "dependents", "dependant", "twins", "sons", "daughters",
                  "grandkids", "grandchildren"})
RELATION_GLUE = frozenset({"little", "older", "younger", "big", "baby", "eldest", "oldest", "youngest", "late", "name",
                           "name's", "named", "is", "are", "called"})
# what the rep asks the buyer's name with
ASK_NAME = (("your", "name"), ("your", "full", "name"), ("who", "am", "i", "speaking"), ("who", "i'm", "speaking"),
            ("who's", "calling"), ("who", "is", "calling"), ("who", "is", "this"), ("who's", "this"),
            ("who", "am", "i", "talking"), ("your", "first", "name"), ("your", "last", "name"),
            ("who", "do", "i", "have"))
# what the rep reads the buyer's name off a record with ("I have your last name as Chang", "I have it as
# Kovalchik?", "I have a William Otieno listed", "I see a Piotr on the account"); after those without "as" the name
# must end a question or come before LOOKUP_AFTER
LOOKUP = (("i", "have", "you", "down", "as"), ("i", "have", "it", "down", "as"), ("i", "have", "it", "as"),
          ("i", "have", "you", "as"), ("i've", "got", "you", "as"), ("i've", "got", "it", "as"), ("listed", "as"),
          ("name", "as"), ("i", "have", "a"), ("i", "have", "an"), ("i", "see", "a"), ("i", "see", "an"),
          ("i've", "got", "a"), ("i", "show", "a"), ("i", "have"), ("i've", "got"), ("i", "see"), ("i", "show"))
LOOKUP_AFTER = frozenset({"listed", "on", "here", "down", "as", "under", "at"})
# all that comes before "name" in a request for it with nothing after ("ok and the name", "And the name?")
ELLIPTIC_NAME = frozenset({"and", "ok", "okay", "so", "the", "your", "um", "uh", "alright", "great", "thanks"})
ASK_NAME_ALONE = (("who", "are", "you"),)  # a whole question: "Who are you?", not "Who are you paying?"
# what a speaker says right before the other party's name ("Thanks, Maria", "Is this Priya?")
VOCATIVE = (("is", "this", "for"), ("is", "it", "for"), ("is", "that", "for"), ("thanks",), ("thank", "you"), ("hi",),
            ("hello",), ("hey",), ("is", "this"), ("is", "that"), ("trying", "to", "reach"), ("hoping", "to", "reach"),
            ("am", "i", "speaking", "with"), ("am", "i", "talking", "to"), ("speak", "with"), ("speak", "to"),
            ("talk", "to"), ("looking", "for"), ("you're",), ("you", "are"), ("bye",), ("goodbye",), ("sorry",),
            ("cheers",), ("care",))
# what the rep introduces themself and their company with
REP_INTRO = (("this", "is"), ("my", "name", "is"), ("name's",), ("i'm",), ("i", "am"), ("it's",), ("through", "to"),
             ("you've", "got"), ("you", "have"),
             ("reached",), ("speaking", "with"), ("talking", "to"), ("for", "calling"))
REP_AFTER = ("calling", "here", "speaking", "from")  # "Ravi calling from Brightwave", "Oliver here"
SELF_AFTER = ("here", "calling", "speaking")  # the buyer's "Faith Young here", ended there: a name said before
COMPANY_LEAD = ("from", "at", "with", "of")
# where a name comes from, said about it ("It's Shivon. ... it's Irish."; "Irish" is a Census given name too)
ORIGINS = frozenset("irish polish spanish italian french german greek dutch welsh scottish chinese japanese korean "
                    "vietnamese portuguese russian ukrainian hungarian czech turkish arabic hebrew hindi punjabi "
                    "tagalog filipino hawaiian gaelic swedish norwegian danish finnish nigerian yoruba igbo persian "
                    "armenian".split())
# never a name: function words, greetings and answers, days and months, what a call is about
NOT_NAME = FILLERS | frozenset(
    "a an the and or but so if then than that this these those it it's its is are was were be been am i i'm i'd "
    "i'll i've me my mine you you're your yours we we're our us they their them he she his her him there here "
    "what what's which who who's whom whose where when why how yes yeah yep no nope not okay ok sure right well "
    "hi hello hey thanks thank please sorry bye goodbye good great fine perfect lovely morning afternoon evening "
    "night day calling call speaking speak talking talk from at with of for to in on by about as into just also "
    "do does did done have has had having can could would should will shall may might must get got go going "
    "like one two three four five six seven eight nine ten number card account address email phone name "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december today tomorrow yesterday mr mrs ms miss dr sir madam ma'am mister "
    "missus doctor attention email visa mastercard amex discover routing checking savings "
    "speaking everyone everybody all both team folks guys calling back again under over after before because "
    "actually still only really maybe probably same thats let dot underscore dash hyphen com net org".split()) \
    | RELATIONS | ORIGINS
# said before a name that ends where a sentence or clause does ("Okay, Natalie."): the name alone, no more
VOCATIVE_ALONE = (("okay",), ("ok",), ("alright",), ("perfect",), ("great",), ("got", "it"), ("sure", "thing"),
                  ("all", "right"))
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "mister", "missus"})
SPELL_GLUE = frozenset({"last", "first", "name", "name's", "is", "and", "that's", "spelled", "surname", "middle",
                        "apostrophe", "hyphen", "pronounced"})
RESUME_GLUE = frozenset({"that's", "it's", "its", "that", "it"})  # "That's K as in kilo", "It's pronounced Neeve"
RESUME_LEAD = frozenset({"actually", "so", "and", "oh", "but"})  # "Actually it's spelled S-I-O-B-H-A-N"
# what an answer's name and its spelling may be parted by ("Kavanagh. It's spelled, um, S-I-O-B-H-A-N")
RESUME_SKIP = SPELL_GLUE | RESUME_GLUE | RESUME_LEAD | FILLERS
# asked about with "name", whose name is the caller's ("the name of the account holder", "name for the booking")
OWNERS = frozenset({"holder", "account", "cardholder", "policyholder", "accountholder", "primary", "caller", "patient",
                    "passenger", "member", "owner", "insured", "applicant", "borrower", "subscriber", "reservation",
                    "booking", "order", "card", "guest", "customer", "contact", "person", "signer", "buyer",
                    "membership", "lease", "policy", "file", "subscription", "ticket", "claim", "loan", "mortgage",
                    "registration", "prescription", "appointment", "delivery", "shipment", "package", "quote"})
# what a "what name" question may be about instead of the caller: a business or a third party's name
OTHERS = frozenset({"company", "business", "payee", "biller", "merchant", "provider", "store", "bank", "branch",
                    "doctor", "advisor", "adviser", "dentist", "technician", "employer", "school", "pharmacy", "vendor",
                    "supplier", "landlord", "contractor", "carrier", "agency", "firm", "shop", "restaurant", "hotel",
                    "clinic", "practice", "insurer", "lender", "dealer", "dealership", "plan", "product", "street",
                    "city", "town", "rep", "representative", "agent", "manager", "recipient", "beneficiary"})
# a person's own data: after a name and "'s" they make it a person's ("Olivia's date of birth")
OWN_DATA = (("date", "of", "birth"), ("birthday",), ("dob",), ("birth", "date"), ("social",), ("ssn",),
            ("middle", "name"), ("last", "name"), ("full", "name"), ("maiden", "name"), ("cell",), ("email",))
# whose name, asked with "'s", is no person's ("the dog's name", "the venue's name")
THINGS = frozenset({"dog", "cat", "pet", "puppy", "kitten", "horse", "website", "site", "app", "song", "show", "movie",
                    "book", "game", "brand", "model", "device", "network", "wifi", "router", "building", "property",
                    "venue", "team", "event", "course", "class", "program", "medication", "drug", "boat", "vehicle",
                    "car", "file", "folder", "document", "form", "road", "county", "state"})
# the word right before "name" when the caller's is asked ("your full name", "the last name"), not "company name"
NAME_BEFORE = frozenset({"your", "the", "a", "first", "last", "full", "legal", "middle", "maiden", "whole", "given",
                         "family", "complete", "what", "what's", "which", "and", "that", "same", "sur", "whose"})
# a title that names someone the caller deals with, not the caller ("your appointment with Dr. Patel")
PROFESSIONAL = frozenset({"dr", "doctor", "officer", "nurse", "professor", "judge", "pastor", "father", "reverend",
                          "coach", "agent", "detective", "sergeant", "captain"})
# a job said right before a name makes it a colleague's, not the caller's ("our controller, Gwen Castillo", "my
# assistant, Jolene", "our purchasing manager, Dmitri Volkov"); not "partner", a household's too
ROLES = frozenset({"boss", "manager", "controller", "cfo", "ceo", "coo", "cto", "cio", "vp", "president", "director",
                   "supervisor", "assistant", "colleague", "coworker", "co-worker", "receptionist", "accountant",
                   "bookkeeper", "secretary", "administrator", "coordinator", "foreman", "superintendent",
                   "lawyer", "attorney", "advisor", "adviser", "broker", "realtor", "landlord", "contractor",
                   "technician", "tech", "therapist", "teacher", "principal", "paralegal", "dispatcher",
                   "planner", "estimator", "engineer", "head", "chief", "lead", "rep", "representative"})
# words that make a name a business's ("Johnson Plumbing", "Ortiz Lawn and Garden LLC", "Miller's Auto Body")
BUSINESS = frozenset({"plumbing", "landscaping", "lawn", "garden", "llc", "inc", "corp", "co", "company", "services",
                      "dental", "auto", "body", "shop", "store", "group", "bank", "insurance", "electric",
                      "heating", "cooling", "hvac", "construction", "roofing", "realty", "motors", "pharmacy",
                      "clinic", "orthopedics", "associates", "partners", "law", "studio", "salon", "cafe",
                      "restaurant", "market", "foods", "solutions", "systems", "supply", "supplies", "hardware",
                      "flooring", "painting", "cleaning", "moving", "towing", "repair", "repairs", "logistics",
                      "consulting", "media", "labs", "health", "medical", "veterinary", "vet", "hospital",
                      "academy", "school", "university", "college", "church", "foundation", "trust", "dentistry",
                      "bbq", "grill", "resort", "hotel", "inn", "spa", "fitness", "gym", "bakery", "pizza", "kitchen",
                      "architects", "architecture", "chiropractic", "joinery", "carpentry", "print", "printing",
                      "engineering", "electrical", "mechanical", "bookkeeping", "florist", "florists", "nursery",
                      "farms", "winery", "brewery", "photography", "productions", "agency", "sons", "brothers",
                      "builders", "contractors", "interiors", "optometry", "pediatrics", "physiotherapy", "&"})
# what an answer to "what name is it under?" may start with before the name ("Put it under Henderson.")
ANSWER_VERBS = frozenset({"surname", "full", "legal", "put", "let", "make", "use", "try", "just", "book", "list",
                          "file", "save", "write", "spell", "listed", "booked", "should", "probably", "either"})
# what makes a capitalised word beside a name a place's ("Henderson Street") rather than more of the name
STREET_WORDS = frozenset({"street", "avenue", "road", "lane", "drive", "boulevard", "court", "way", "place", "circle",
                          "parkway", "highway", "terrace", "trail", "park", "county", "city", "heights", "hills"})
# the small words inside a surname, not counted as its words ("de la Cruz", "van der Berg", "bin Laden")
PARTICLES = frozenset({"de", "la", "le", "del", "della", "di", "da", "dos", "das", "du", "van", "von", "der", "den",
                       "ter", "ten", "bin", "ibn", "al", "el", "st", "mac"})
MONTH_NAMES = frozenset("january february march april may june july august september october november december".split())
MAX_NAME_TOKENS = 3
MIN_PROPAGATED = 4  # a name word this long is redacted wherever else it is said (not "Al", not "man")
