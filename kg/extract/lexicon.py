"""Every word list the extraction rules use, in one place.

The mention, role, span, event and agreement rules must agree on what a title,
an office, an organisation word, a place noun or a trigger is; when each module
kept its own copy the copies drifted apart (a role head known to one rule and
not to the next). Every list is general English news vocabulary — no names of
particular people or texts. Lists that serve two rules with different needs are
derived from one another here, with the reason, instead of being copied.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- persons: titles and name particles -----------------------------------------------------
#: Words stripped from the front of a person's name.
TITLES = _words(
    """mr mrs ms miss dr prof professor sir dame lord lady president vice prime minister premier
    king queen prince princess sheikh emir sultan chancellor ambassador senator governor mayor
    secretary general chairman chairwoman chairperson chair ceo director deputy foreign head state counselor
    counsellor spokesperson spokesman spokeswoman envoy commissioner minister's akim hokim
    h.e. his her excellency majesty mp gen. general col. colonel st. saint pm fm coach striker
    midfielder defender goalkeeper singer artist dj poet writer author composer reformer statesman
    assistant representative trade executive chief officer leader opposition aide presidential
    former late captain judge justice rector adviser advisor pope cardinal archbishop imam mufti
    crown"""
)
#: Lower-case words inside personal names ("Ursula von der Leyen", "Abdulaziz bin Salman").
NAME_PARTICLES = _words("al bin ibn von van der de da del di la le du dos el ben")
#: Particles after which the next name is a father's, inside the same personal name.
PATRONYMIC_PARTICLES = _words("bin ibn bint")
#: Function words allowed inside Title-Case names.
NAME_CONNECTORS = frozenset({"of", "for", "and", "on", "the", "-", "&", "in", "de"})
#: Saints' titles belong to the name ("Saint Petersburg"), unlike other titles.
NAME_TITLES = _words("saint st.")
#: Endings of capitalised words before a place that are adjectives, not given names ("Neighbouring Iran").
NOT_GIVEN_NAME_ENDINGS = ("ing", "ern")
#: Endings of one-word adjectives the model tags ORG ("Turkic", "Nordic").
ADJECTIVE_ENDINGS = ("ic", "ian", "ese", "ish", "an")

# -- offices ----------------------------------------------------------------------------------
#: Heads of role phrases: "Deputy Foreign *Minister*", "Svevind Energy Group *CEO*", "Crown *Prince*".
ROLE_HEADS = _words(
    """president minister ambassador secretary secretary-general chairman chairwoman chairperson chair ceo
    director head speaker senator governor mayor akim hokim chief counselor counsellor envoy spokesperson
    spokesman spokeswoman commissioner king queen emir sheikh chancellor founder officer premier
    representative deputy justice judge rector manager adviser advisor consul chargé commander coordinator
    president-elect leader executive aide prince pm"""
)
#: Role words that never make an organisation on their own.
ROLE_WORDS = ROLE_HEADS | {"prime", "foreign", "vice", "general", "state"}
#: Bodies whose bare head word still names one ("Parliament", "Senate"); a bare "Assembly" or "Commission"
#: names nothing.
BARE_BODIES = _words("parliament senate")
#: Heads too often not a national body ("Press Office", "Bank of …") unless the name opens with a word
#: of the state: "Central Bank", "National Bank", "State Service".
AMBIGUOUS_BODY_HEADS = _words("office service bank")
STATE_OPENERS = _words("central national state")
#: Last words of country names that take the article after "of" ("the Dominican Republic").
THE_COUNTRY_ENDINGS = (" Republic", " Islands")
#: Connectors inside a role phrase ("Minister *of* Investment *and* Foreign Trade"). Narrower than
#: NAME_CONNECTORS: "in" opens a posting's place ("Ambassador in Astana") and "the" an object, not the title.
ROLE_CONNECTORS = NAME_CONNECTORS - {"in", "the", "de"}
#: Portfolio words in ministers' titles and ministry names: "Minister of *Investment and Foreign Trade*".
PORTFOLIO = _words(
    """agriculture investment investments foreign trade affairs external internal interior economy economic
    commerce energy finance finances industry state health healthcare education science higher culture
    information justice defence defense water resources emergency emergencies situations ecology natural
    environment transport transportation digital development labour labor social protection tourism sport
    sports national infrastructure innovation innovations communications communication youth family
    religious religion policy planning security public services affairs mining geology construction
    housing irrigation aviation oil gas power integration relations international cooperation
    budget customs statistics metro"""
)

# -- organisations --------------------------------------------------------------------------------
#: Head words that make a Title-Case span an organisation, never a person.
ORG_HEADS = _words(
    """group company corporation corp inc ltd llc plc bank university institute ministry party council committee
    commission agency association organization organisation union fund foundation court club airlines airways
    service services news times post center centre academy school college society federation authority office
    department embassy confederation museum opera philharmonic league movement alliance coalition
    exchange parliament senate assembly navy army police media holding holdings power partners capital
    energy gas oil motors industries network television radio tv logistics trust market technologies
    systems solutions"""
)
#: Organisation heads that are also common surnames ("Samantha Power", "Margaret Court", "Ross Post"):
#: a span the model tagged PERSON and that ends in one of them stays a person candidate.
SURNAME_HEADS = _words("power post court times union partners capital army energy gas oil police navy media")
#: Last words that no personal name ends with: a span tagged PERSON that ends so is an organisation.
PERSON_ORG_HEADS = ORG_HEADS - SURNAME_HEADS
#: Last words of names that name events, programmes or documents rather than organisations.
EVENT_HEADS = _words(
    """conference summit forum awards award festival expo exhibition games championship championships
    week dialogue congress olympiad olympics cup prize day days session meeting talks biennale fair
    marathon tournament initiative strategy program programme project plan year decade agreement
    treaty corridor partnership campaign report regard"""
)
#: Heads of state bodies named after their country: "Kyrgyzstan's Central Election Commission".
STATE_BODIES = _words(
    "ministry senate parliament committee commission court embassy department government council assembly"
)
#: First words of national bodies named without their country ("Central Election Commission", "Supreme Court").
NATIONAL_FIRST = _words("State Central Supreme Constitutional General National Federal")
#: Heads of a national body named without its country ("the Electoral Commission", "the Bureau of National
#: Statistics", "Parliament"): the body belongs to the country the article is about. Embassies, departments
#: and governments are left out: they are named with their country or are the state itself.
BODY_HEADS = (STATE_BODIES - {"embassy", "department", "government"}) | _words(
    "agency bureau bank service inspectorate prosecutor's office"
)
#: Words of such generic body names; a name with any other word is a proper name and keeps its form.
BODY_WORDS = (
    frozenset(w.lower() for w in NATIONAL_FIRST)
    | BODY_HEADS
    | PORTFOLIO
    | NAME_CONNECTORS
    | _words(
        """election elections electoral anti-corruption corruption combating statistics statistical audit accounts
    prosecutor prosecutor-general investigation investigative tax revenue chamber lower upper house deputies
    people's civil standards competition protection anti-monopoly financial monitoring regulation
    regulatory supervision market markets planning strategic reforms reform counter-terrorism"""
    )
)
#: First words of agency names that say nothing on their own ("National", "Press", "Voice").
GENERIC_FIRST = _words(
    "the national press news voice radio people's south north new le la el al asian world "
    "global international central state"
)
#: Social networks and apps are platforms an article quotes, not organisations it is about.
PLATFORMS = _words("instagram facebook x twitter telegram youtube tiktok whatsapp linkedin threads vk")
#: Nouns between a demonym and a company: "Emirati *company* AMEA Power".
COMPANY_NOUNS = _words(
    "company companies firm developer group giant operator producer manufacturer investor "
    "conglomerate fund utility lender carrier automaker miner bank"
)
#: Words after a name that make it a commodity grade: "Brent crude", "WTI futures".
COMMODITY_NOUNS = _words("crude futures barrel barrels blend")
#: First words of names that are decorations or groups of office holders, not organisations ("Order of Dostyk").
NON_ORG_FIRST = _words("order medal heads leaders")
#: Words that end a name fragment waiting for its country ("Ministry of Energy of" + "Uzbekistan").
DANGLING = frozenset({"of", "the"})
#: Gazetteer kinds that stand for a state rather than name an organisation (Kremlin, "Kazakh Government").
METONYM_KINDS = frozenset({"government"})
#: Gazetteer kinds of organisations through which their country acts (a ministry, not a company).
STATE_KINDS = frozenset({"ministry", "government", "parliament", "court", "agency"})

# -- places ----------------------------------------------------------------------------------------
#: Last words of places and buildings that the small model tags ORG ("State House", "Elysee Palace").
PLACE_HEADS = _words("palace house hall square stadium street avenue river lake region oblast province")
#: Buildings and streets: a name ending in one is not a person. The rest of PLACE_HEADS is left out
#: because those words are also surnames ("Stuart Hall") or never end a person span anyway.
BUILDING_HEADS = PLACE_HEADS - _words("hall river lake region oblast province")
#: Common nouns of places: "Paktika and Khost *provinces*" (not organisations), "in the Kazakh *capital*"
#: (a demonym that says where, not who).
PLACE_NOUNS = _words(
    "capital city cities town towns port village villages region regions province provinces "
    "district districts oblast county border coast resort soil territory airport"
)
#: Words that make "American" a region of the Americas, not the United States.
AMERICAS_REGIONS = _words("south north latin central pan")
#: "the South *China Sea*": a sea named after a country.
WATER_NOUNS = _words("Sea Ocean Gulf Strait Straits")
COMPASS = _words("South North East West")
#: Country names that take the article after "of" ("the Philippines").
THE_COUNTRIES = _words("Philippines Netherlands Maldives Bahamas Gambia Comoros Seychelles")
#: Prepositions whose object says where something happened, not who acts.
PLACE_PREPOSITIONS = _words("in at near across throughout within inside")
#: Prepositions whose object is what is talked about: "concern over China's assertiveness".
TOPIC_PREPOSITIONS = _words("over about against")

# -- events: triggers ----------------------------------------------------------------------------
#: Trigger words of an agreement signing.
SIGNING_TRIGGERS = _words("sign ink signing conclude reach exchange")
#: Verbs whose subject signs: a company that is the subject of one is a party.
SIGNING_VERBS = _words("sign ink")
#: trigger lemma → event type; nouns and verbs alike.
TRIGGERS = {
    "meet": "Meeting",
    "meeting": "Meeting",
    "talk": "Meeting",
    "talks": "Meeting",
    "negotiation": "Meeting",
    "receive": "Meeting",
    "host": "Meeting",
    "consultation": "Meeting",
    "phone": "Meeting",
    "conversation": "Meeting",
    "discuss": "Meeting",
    "credentials": "Meeting",
    "credence": "Meeting",
    "visit": "Visit",
    "arrive": "Visit",
    "trip": "Visit",
    "tour": "Visit",
    "travel": "Visit",
    "summit": "Summit",
    "forum": "Summit",
    "conference": "Summit",
    "congress": "Summit",
    "convene": "Summit",
    "expo": "Summit",
    "panel": "Summit",
    **dict.fromkeys(SIGNING_TRIGGERS, "AgreementSigning"),
    "ratify": "Ratification",
    "ratification": "Ratification",
    "aid": "Aid",
    "assistance": "Aid",
    "relief": "Aid",
    "pledge": "Aid",
    "donate": "Aid",
    "donation": "Aid",
    "grant": "Aid",
    "loan": "Aid",
    "export": "Trade",
    "import": "Trade",
    "shipment": "Trade",
    "trade": "Trade",
    "turnover": "Trade",
    "investment": "Trade",
    "invest": "Trade",
    "election": "Election",
    "elect": "Election",
    "vote": "Election",
    "turnout": "Election",
    "ballot": "Election",
    "poll": "Election",
    "referendum": "Election",
    "appoint": "Appointment",
    "appointment": "Appointment",
    "nominate": "Appointment",
    "award": "Award",
    "prize": "Award",
    "confer": "Award",
    "bestow": "Award",
    "medal": "Award",
    "honor": "Award",
    "honour": "Award",
    "festival": "Cultural",
    "exhibition": "Cultural",
    "concert": "Cultural",
    "film": "Cultural",
    "museum": "Cultural",
    "heritage": "Cultural",
    "theatre": "Cultural",
    "theater": "Cultural",
    "premiere": "Cultural",
    "performance": "Cultural",
    "art": "Cultural",
    "culture": "Cultural",
    "championship": "Cultural",
    "tournament": "Cultural",
    "olympiad": "Cultural",
    "anniversary": "Cultural",
    "commemorate": "Cultural",
    "album": "Cultural",
    "music": "Cultural",
    "reiterate": "Statement",
    "state": "Statement",
    "emphasize": "Statement",
    "emphasise": "Statement",
    "stress": "Statement",
    "urge": "Statement",
    "outline": "Statement",
    "announce": "Statement",
    "say": "Statement",
    "statement": "Statement",
    "declare": "Statement",
    "reaffirm": "Statement",
    "call": "Statement",
    "warn": "Statement",
    "write": "Statement",
}
#: Words that make a conversation or call a meeting by phone (CAMEO 041).
PHONE_CUES = ("phone", "telephone", "video call")
#: Triggers that need a second cue in the sentence to count (too common otherwise); an empty cue list
#: means the trigger needs a person or state as its object instead ("received Nigerian President Tinubu").
WEAK_TRIGGERS = {
    "conversation": PHONE_CUES,
    "discuss": (),
    "receive": (),
    "write": (),
    "call": (),
    "host": (),
    "art": (),
    "culture": (),
    "state": (),
    "say": (),
    "announce": (),
    "music": (),
    "film": (),
    "turnover": ("trade",),
    "poll": ("election", "vote"),
    "tour": ("visit",),
    "honor": ("award", "order"),
    "honour": ("award", "order"),
}
#: Weak triggers that count when their object is a person, an organisation or a state.
OBJECT_TRIGGERS = _words("host discuss receive")
#: Triggers that report an event only beside a sum of money ("trade hit $171.5 billion", "a €300m loan");
#: talks merely *on* trade or investment are not Trade.
NEED_AMOUNT = _words("trade investment invest grant loan export import shipment pledge")
#: Statement verbs that count only in the headline, where the stated position is the news.
HEADLINE_ONLY = _words("say write call announce outline reaffirm reiterate")
#: Modifiers that make a "meeting" multilateral: "Annual General Meeting", "Council of Foreign Ministers".
MULTILATERAL_MODIFIERS = _words("annual general ministerial ministers council plenary summit anniversary")
#: Office holders and states whose presence in a meeting's phrase makes it a gathering of many:
#: "a meeting with the *leaders* of the five Central Asian *countries*".
GATHERED_HOLDERS = _words("leaders heads presidents ministers")
GATHERED_STATES = _words("countries states nations members")
#: "heads of state": a gathering by itself.
HEADS_OF_STATE = _words("heads state")
#: Words before "conference" that make it reporters', not a summit: "a joint news conference".
PRESS_WORDS = _words("news press")
#: Words after "summit" that make a bilateral meeting: "summit talks".
MEETING_NOUNS = _words("talks meeting")
#: Auxiliaries of the future: "will visit".
FUTURE_AUXILIARIES = _words("will shall 'll")
#: Words that govern a planned act: "plans to visit", "invited … to visit", "agreed to sign".
FUTURE_GOVERNORS = _words(
    "plan intend expect schedule invite invitation aim agree prepare preparation hope propose set going due need"
)
#: Objects of "receive" that are honours, not visitors: "will receive the decoration from Ambassador X".
HONOURS = _words("award decoration prize medal order honour honor title")
#: Nouns that are documents when they are what is signed: "signed a strategic energy partnership".
SIGNED_OBJECTS = _words("partnership pact pacts package framework")
#: Nouns after which a demonym names a weapon or an attack, not an actor: "Russian missile attacks".
HOSTILE_NOUNS = _words(
    "missile missiles drone drones attack attacks strike strikes shelling bombing bombardment "
    "invasion aggression occupation"
)
#: Lemmas of travel, whose "to" phrase is a destination: "visit to France", "travel to Samarkand".
TRAVEL_LEMMAS = _words("visit trip travel arrive fly tour come")

# -- events: actors and their roles ------------------------------------------------------------
#: Meeting lemmas whose subject is one side and whose object or "with" phrase the other.
PAIR_TRIGGERS = _words(
    "meet talk talks receive host meeting conversation consultation negotiation call phone credentials credence"
)
#: Verbs whose subject receives the others: the object side came to it (visitor → host, sender → receiver).
RECEIVING_LEMMAS = _words("receive host welcome accept")
#: Verbs whose subject hands something to the other side: "presented his credentials to" (sender → receiver).
SENDING_LEMMAS = _words("present hand send deliver")
#: Trade words of selling, whose "to" phrase is the buyer, and of buying, whose "from" phrase is the seller.
SELLING_LEMMAS = _words("export shipment")
BUYING_LEMMAS = _words("import")
#: Prepositions on the path from a verb to a counterpart: "met *with* the ambassadors *of* Japan", "his
#: counterparts *from* Georgia", "was received *by*". Others introduce a place, a time or a topic.
COUNTERPART_PREPOSITIONS = _words("with of from to by between among")
#: Verbs whose direct object is the host of a visit: "visited Kazakhstan", "toured Japan".
VISIT_OBJECT_LEMMAS = _words("visit tour")
#: Prepositions of the venue where a sentence's act takes place: "arrived *in* Beijing".
VENUE_PREPOSITIONS = _words("in at")
#: Heads of the phrase naming an aid recipient by its people: "aid for Afghan *refugees*".
BENEFICIARY_NOUNS = _words("people refugees population")
#: Office holders and groups that stand for the two sides of a bilateral report ("the two leaders").
SIDE_NOUNS = _words("sides leaders countries governments ministers presidents parties states nations")

# -- agreements ----------------------------------------------------------------------------------
#: Nouns that make "sign" an agreement signing.
AGREEMENT_NOUNS = _words(
    "agreement agreements memorandum memoranda mou mous deal deals contract contracts treaty treaties "
    "accord accords declaration roadmap document documents protocol protocols convention charter memorandums"
)
#: Plural agreement nouns that do not say how many: "signed agreements".
UNCOUNTED_AGREEMENTS = _words("agreements documents deals contracts")
#: Objects of "conclude" that are negotiations, not documents.
TALK_NOUNS = _words("talks negotiations consultations discussions visit meeting")
#: Heads under which an agreement "reached" earlier is referred to, not reached now.
EARLIER_DEAL_HEADS = _words("implementation implementing fulfilment fulfillment execution compliance progress review")
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a": 1,
    "an": 1,
    "dozen": 12,
}
SECTORS = (
    "energy",
    "oil",
    "gas",
    "nuclear",
    "uranium",
    "mining",
    "critical minerals",
    "rare earth",
    "metallurgy",
    "agriculture",
    "transport",
    "logistics",
    "aviation",
    "railway",
    "education",
    "healthcare",
    "health",
    "tourism",
    "culture",
    "finance",
    "banking",
    "investment",
    "digital",
    "technology",
    "IT",
    "space",
    "science",
    "defense",
    "defence",
    "security",
    "water",
    "environment",
    "climate",
    "green hydrogen",
    "renewable energy",
    "infrastructure",
    "construction",
    "trade",
    "industry",
    "pharmaceuticals",
    "telecommunications",
)

# -- money and dates ---------------------------------------------------------------------------------
CURRENCY_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",
    "₸": "KZT",
    "₽": "RUB",
    "₹": "INR",
    "₩": "KRW",
}
CURRENCY_CODES = (
    "USD",
    "EUR",
    "GBP",
    "CNY",
    "RMB",
    "KZT",
    "RUB",
    "JPY",
    "INR",
    "KRW",
    "TRY",
    "UZS",
    "KGS",
    "AED",
    "CHF",
)
CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "us dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "tenge": "KZT",
    "rubles": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "yen": "JPY",
    "rupees": "INR",
    "won": "KRW",
    "lira": "TRY",
    "liras": "TRY",
    "soums": "UZS",
    "sums": "UZS",
    "som": "KGS",
    "soms": "KGS",
    "dirhams": "AED",
    "francs": "CHF",
    "manat": "AZN",
}
SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "mln": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bln": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tln": 10**12,
    "trn": 10**12,
}
#: Qualifiers that make an amount a lower or an upper bound.
MIN_QUALIFIERS = ("more than", "over", "above", "at least", "exceeding", "surpassing", "in excess of", "upwards of")
MAX_QUALIFIERS = ("up to", "nearly", "almost", "less than", "under", "below", "as much as", "no more than")
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
