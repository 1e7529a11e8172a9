"""Original word lists and sentence templates the synthetic benchmark corpus is assembled from.

The mix is deliberate: common words, place names such as China that searches will look for,
two-word phrases ("city council", "supply chain") and a few rare words, so search benchmarks
meet realistic term frequencies.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Ada Abel Alma Amos Anika Arlo Basil Bea Cato Celia Dara Dev Edda Emil Esme Ezra Farah Flint "
    "Gemma Gideon Hana Hugo Ida Ilya Isla Jonah Juno Kai Kira Lars Leda Linus Mae Milo Nadia Nico "
    "Noor Otto Pia Quentin Rafe Rhea Saul Selma Tariq Thea Uma Vera Wes Yara Zane Zora"
)
LAST_NAMES = _words(
    "Abernathy Achterberg Bellweather Birchall Castellan Corrigan Dunmore Ellery Fairweather "
    "Galloway Hartigan Holloway Ingleby Jessup Kettering Lachance Lindqvist Marchetti Mbeki "
    "Northcott Okafor Pemberton Quayle Ravensworth Saltonstall Tennant Umberfield Valcourt "
    "Whitlock Yardley Zielinski Ashgrove Blackwood Calloway Delacourt Everly Fenwick Greaves"
)

PLACES = (
    "Port Alder",
    "the Tideflats",
    "Kestrel Hill",
    "Ferrybridge",
    "Saltmarsh",
    "Larchmont",
    "Gull Point",
    "the Old Customs Quarter",
    "Alder Bay",
    "the state capital",
    "Washington",
    "China",
    "Mexico",
    "Canada",
    "Japan",
    "Brazil",
    "Germany",
    "India",
    "Nigeria",
)

# Per-section subjects (who acts) and topics (what the story is about).
SECTION_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "us-news": (
        ("federal regulators", "the governor", "state lawmakers", "emergency crews", "the Coast Guard"),
        (
            "rail strike",
            "heat wave",
            "flood insurance bill",
            "highway funding bill",
            "wildfire smoke alert",
            "census",
        ),
    ),
    "politics": (
        ("the city council", "the mayor", "council members", "the ethics board", "campaign staff"),
        ("budget vote", "rent cap", "ballot measure", "zoning reform", "transit levy", "recall petition"),
    ),
    "business": (
        ("the port authority", "local retailers", "the credit union", "start-up founders", "shipping firms"),
        (
            "container traffic",
            "rate decision",
            "supply chain",
            "profit warning",
            "factory expansion",
            "trade deal",
        ),
    ),
    "technology": (
        ("software engineers", "the city's tech office", "a robotics start-up", "app developers"),
        (
            "data breach",
            "broadband rollout",
            "battery factory",
            "chip shortage",
            "artificial intelligence pilot",
        ),
    ),
    "science": (
        ("marine biologists", "astronomers", "university researchers", "epidemiologists", "geologists"),
        ("kelp forest", "comet sighting", "clinical trial", "fossil find", "climate study", "tide gauge"),
    ),
    "books": (
        ("the novelist", "independent bookshops", "the poet laureate", "the library", "translators"),
        (
            "debut novel",
            "memoir",
            "poetry collection",
            "book prize",
            "reading challenge",
            "local history prize",
        ),
    ),
    "film": (
        ("the director", "festival programmers", "the cinema's owners", "film students", "critics"),
        ("documentary", "film festival", "box office", "silent film", "thriller", "premiere"),
    ),
    "music": (
        ("the band", "the symphony", "venue owners", "the jazz quartet", "festival organisers"),
        ("album release", "sold-out show", "music festival", "noise complaint", "vinyl revival", "tour"),
    ),
    "television": (
        ("the showrunner", "the network", "the cast", "the streaming service", "public television"),
        ("season finale", "quiz show", "cooking show", "news anniversary", "drama series", "ratings"),
    ),
    "lifestyle": (
        ("home cooks", "gardeners", "cold-water swimmers", "local chefs", "weekend walkers"),
        (
            "chowder recipe",
            "balcony garden",
            "walking tour",
            "tiny homes village",
            "farmers market",
            "sunset spots",
        ),
    ),
    "events": (
        ("organisers", "volunteers", "the parks department"),
        ("street fair", "lantern parade", "harbour regatta"),
    ),
    "uncategorized": (
        ("readers", "the newsroom", "residents"),
        ("letters page", "corrections", "community notes"),
    ),
}

HEADLINE_TEMPLATES = (
    "{Subject} weigh {topic} plan in {place}",
    "{Topic} divides {place} as {subject} push ahead",
    "What the {topic} means for {place}",
    "{Subject} unveil surprise {topic} in {place}",
    "Inside the {topic}: how {subject} changed course",
    "{Place} waits on {topic} decision",
    "Five things to know about the {topic}",
    "{Subject} say {topic} will reach {place} by {month}",
)

SENTENCE_TEMPLATES = (
    "{Subject} said on {weekday} that the {topic} would affect about {number} residents of {place}.",
    "The {topic} has been debated in {place} for {small} years, and {subject} now expect a decision by {month}.",
    "Critics argue that the {topic} moves too quickly, while supporters say {place} cannot afford to wait.",
    "According to figures released on {weekday}, spending linked to the {topic} rose {small} percent.",
    "{Subject} met with {person} to discuss the {topic} and its effect on the {adjective} {noun}.",
    '"We have listened carefully, and we think this is the {adjective} path," said {person}.',
    "The city council is expected to return to the question at its {month} meeting.",
    "Local businesses in {place} reported a {adjective} response, with some owners calling it overdue.",
    "Supply chain delays and interest rates have complicated the {topic}, economists noted.",
    "In {place}, residents gathered at the library to hear {subject} explain the {topic}.",
    "Researchers compared the {topic} with similar efforts in China, Canada and Germany.",
    "A survey of {number} households found that most had heard of the {topic} but few knew the details.",
    "{Person} described the {noun} as {adjective}, adding that the next steps would be {adjective2}.",
    "The proposal would cost roughly {number} dollars over {small} years, according to a city estimate.",
    "Climate change, officials said, has made the {topic} more urgent than it was a decade ago.",
    "Not everyone agrees: {person} called the plan {adjective} and asked for a public hearing.",
    "The {noun} will be reviewed again in {month}, when new figures are due.",
    "Observers in {place} say the {topic} reflects a {adjective} shift in how the region works.",
)

ADJECTIVES = _words(
    "careful cautious bold modest welcome uncertain practical ambitious overdue fragile durable "
    "costly popular quiet striking familiar unusual sensible hopeful measured"
)
NOUNS = _words(
    "harbour ferry library budget neighbourhood waterfront market school clinic warehouse bridge "
    "park council archive festival programme pier museum orchestra garden"
)
# Rare words turn up in about one article in several hundred: long-tail search terms.
RARE_WORDS = _words(
    "palimpsest quincunx zugzwang sesquipedalian gallimaufry susurrus petrichor defenestration "
    "lollygag borborygmus kerfuffle widdershins"
)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS = _words("January February March April May June July August September October November December")

TAG_MODIFIERS = _words(
    "Harbour City State Local Public Small Green Digital Coastal Urban Rural Night Family Youth "
    "Senior Winter Summer Spring Autumn Weekend Ocean River Street Market Civic Open Street North "
    "South East West Old New Future Daily Weekly Community Student Labour Global National Regional "
    "Island Mountain Valley Ferry Rail Garden Museum Island Harbourside"
)
TAG_NOUNS = _words(
    "Budget Housing Transit Jobs Schools Health Climate Energy Water Arts Music Film Books Food "
    "Sport Science Technology Politics Elections Courts Policing Parks Tourism Trade Shipping "
    "Startups Retail Farming Fishing Weather History Design Fashion Travel Theatre Dance Poetry "
    "Gaming Privacy Data Safety Bridges Libraries Festivals Markets Heritage Wildlife"
)
