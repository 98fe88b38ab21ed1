"""Dutch: everything the engine knows about Dutch, and every Dutch string a user sees."""

CODE = "nl"
NAME = "Nederlands"

STOPWORDS = frozenset("""
de het een en van in is op te dat die voor met zijn er niet aan om ook als bij door wordt werd
was zijn hebben heeft had hij zij ze we wij je jij u ik hun haar hem deze dit naar uit over tot
nog maar dan of al wel geen meer zo kan worden moet wat wie waar wanneer hoe waarom welke welk
hoeveel hoelang sinds zich toe af na tegen onder tussen omdat want dus waren kunnen zou zouden
veel heel wordt werden mij me ons onze jullie iets niets men hen daarna daarvoor toen nu weer zeer erg
alle elk elke ieder iemand niemand nooit altijd hier daar waarin waarop waarmee waarover gebeurt gebeurde
gebeurd doet deed gedaan gaat ging
""".split())
# Common words of Dutch that English lacks, beyond the stopwords: enough to tell a question's language.
MARKERS = frozenset({"staat", "artikel", "jaar", "wil", "willen", "besloten"})

# Encodings older files of this language come in, most likely first (UTF-8 aside).
LEGACY_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")

SNOWBALL = "dutch"  # the stemmer's name for the language

NUMBER_WORDS = ("twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien twintig "
                "dertig veertig vijftig honderd duizend miljoen miljard tientallen honderden duizenden").split()
MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()
WEEKDAYS = "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split()
DATE_WORDS = ("eeuw",)

# Question cues for the kind of fact asked for (regular expressions, matched case-insensitively).
ASKS_NUMBER = r"hoeveel|welk percentage"
ASKS_DATE = r"wanneer|in welk jaar|sinds wanneer|hoe ?lang"
ASKS_NAME = r"wie|door wie|hoe heet|heette|wat is de naam"

# A sentence opening with one of these leans on the sentence before it ("Zijn boek ...").
ANAPHORA = "hij zij ze zijn haar hun dit deze die dat daar daarna toen".split()
# A question that refers back to the conversation ("Wanneer hebben ze dat besloten?"). Only words that
# point at something said before: not "het", "er" or "waarom", which stand in any question.
REFERRING = frozenset("ze zij hij hem hun haar dat dit die deze daar daarover daarna toen hiervan daarvan "
                      "hen diens zijn".split())
# A question opening with one of these continues the last one ("En hoeveel procent kreeg hij?").
CONTINUATIONS = ("en", "maar", "ook", "dus")

# Separable verbs split in a question ("trad ... aan") and joined in the text ("aantreden").
SEPARABLE_PARTICLES = ("aan", "af", "bij", "door", "in", "mee", "na", "neer", "om", "op", "over", "terug",
                       "toe", "uit", "vrij", "weg")

NEGATIONS = frozenset({"niet", "geen", "nooit", "niemand", "niets", "weigerde", "weigeren"})
META_WORDS = ("passage", "passages", "tekst")  # "deze passage ..." talks about the prompt, not the news

# What the user sees.
REFUSAL = "Dat staat niet in het artikel."
NOT_ANSWERED = "Dat staat niet in de passages."  # what the language model is told to say
INSTRUCTIONS = ("Beantwoord de vraag kort (hoogstens twee zinnen) in het Nederlands, alleen met wat in de "
                "genummerde passages staat. Zet na elke zin het nummer van de passage waar die op steunt, "
                "zoals [1]. Als de passages het antwoord niet geven, antwoord dan precies: {refusal}")
LABELS = {
    "sources": "Bronnen", "paragraph": "alinea", "related": "Ook gevonden", "see_also": "Zie ook",
    "near": "Wat er het dichtst bij komt (geen bron van een antwoord)",
    "none": "Geen bronnen: het artikel zegt hier niets over.",
    "empty": "Stel een vraag; de bronnen van het antwoord verschijnen hier.",
    "dropped": "niet door de passages gestaafde zinnen van het taalmodel weggelaten",
    "llm": "taalmodel, elke zin gecontroleerd", "quoted": "letterlijk uit het artikel",
    "left_out": "zin(nen) weggelaten",
    "error": "Dat lukte niet: {}.",
    "empty_question": "lege vraag",
    "too_long": "vraag te lang ({length} tekens; de grens is {limit})",
}
NOTICES = {
    "down": "Het taalmodel antwoordde niet ({}); hier is het letterlijke antwoord uit het artikel.",
    "empty": "Geen enkele zin van het taalmodel werd door de passages gestaafd; hier is het letterlijke antwoord.",
    "off": "Het antwoord van het taalmodel ging voorbij aan de passage die het best antwoordt; hier is die.",
    "missing": "Het antwoord van het taalmodel liet weg wat gevraagd werd ({}); hier is het letterlijke antwoord.",
}
