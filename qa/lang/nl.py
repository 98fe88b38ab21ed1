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
# Abbreviations whose full stop ends no sentence ("dr.", "bijv."), folded, without the final stop.
ABBREVIATIONS = frozenset("dr drs ir mr prof st bijv bv o.a nr ca mw dhr mevr jan feb aug sept okt nov dec z.g m.a.w etc".split())
MARKERS = frozenset({"staat", "artikel", "jaar"})

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

NEGATIONS = frozenset({"niet", "geen", "nooit", "niemand", "niets", "nergens", "noch"})
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
    "give_question": "geef een vraag, of --jsonl om JSON-regels van stdin te lezen",
    "empty_question": "lege vraag",
    "too_long": "vraag te lang ({length} tekens; de grens is {limit})",
    "ask_something": "Wat wil je weten? Je vraag noemt nog niets om in het artikel op te zoeken.",
    "updating": "Het archief wordt bijgewerkt; dit antwoord komt uit de artikelen zoals ze waren.",
    "indexing": "{count} artikel(en) van {folder} worden geïndexeerd in {index} …",
}
NOTICES = {
    "stopped": "Het taalmodel is gestopt ({}); beantwoord zonder taalmodel, letterlijk uit het artikel.",
    "down": "Het taalmodel antwoordde niet ({}); hier is het letterlijke antwoord uit het artikel.",
    "empty": "Geen enkele zin van het taalmodel werd door de passages gestaafd; hier is het letterlijke antwoord.",
    "off": "Het antwoord van het taalmodel ging voorbij aan de passage die het best antwoordt; hier is die.",
    "missing": "Het antwoord van het taalmodel liet weg wat gevraagd werd ({}); hier is het letterlijke antwoord.",
}

# The words that stand where the answer would (its place in the question mirrors the answer's in the text).
QUESTION_WORDS = frozenset("wie wat waar wanneer welk welke hoeveel hoe waarom waarmee waardoor waarover "
                           "waaraan waarin waarop waarvan waaruit waarnaar hoelang".split())
# Words before a name that say it is a place ("in Minsk", "uit Gdańsk").
PLACE_PREPOSITIONS = "in uit naar bij nabij vanuit rond richting".split()
ORGANISATION_WORDS = ("bank partij unie commissie ministerie zaken raad universiteit bedrijf groep bond omroep "
                      "fonds agentschap nv bv instituut vereniging stichting").split()
# Endings of adjectives made from names ("Russische", "Duitse"): before a noun, no name themselves.
NAME_ADJECTIVE_ENDINGS = r"(?:ische|sche|se)$"
# Words that may stand inside a person's or place's name ("Van der Bellen", "Den Haag").
NAME_PARTICLES = frozenset("van de der den het ter ten von la le du di da el al bin ibn".split())

# -- Questions about the article as a whole (qa.answering.whole), by kind. Each needs the article itself as its
# subject ("het artikel", "dit stuk"), so "Waar gaat de rechtszaak over?" stays a fact question.
_THE_ARTICLE = r"(?:het|dit|dat|deze) (?:artikel|stuk|bericht|nieuwsbericht|verhaal|tekst|item|krantenartikel)"
WHOLE_QUESTIONS = (
    ("summary", r"samenvatting|vat\b.*\bsamen|samengevat|samen(?: te)? ?vatten|in het kort|kort samen|kernpunten|"
                r"hoofdpunten|belangrijkste punten|de kern van|in een paar zinnen|in een notendop|tl;?dr"),
    ("author", rf"wie (?:heeft|schreef|schrijft) {_THE_ARTICLE}|wie is de (?:auteur|schrijver|journalist|maker)"
               rf"(?: van {_THE_ARTICLE})?\W*$|door wie (?:is|werd) (?:{_THE_ARTICLE}|het|dit) geschreven|"
               rf"wie (?:heeft dit geschreven|schreef dit)\W*$|van wie is {_THE_ARTICLE}"),
    ("date", rf"(?:wanneer|op welke datum|van wanneer|welke datum).{{0,30}}{_THE_ARTICLE}|datum van {_THE_ARTICLE}|"
             rf"hoe oud is {_THE_ARTICLE}|wanneer is (?:het|dit) (?:geschreven|verschenen|gepubliceerd)\W*$"),
    ("title", rf"(?:wat is|hoe luidt) de (?:titel|kop|kopregel)(?: van {_THE_ARTICLE})?\W*$|hoe heet {_THE_ARTICLE}|"
              rf"welke titel heeft {_THE_ARTICLE}"),
    ("source", rf"(?:uit|van|in) welke (?:krant|bron|site|website|publicatie)|waar komt {_THE_ARTICLE} "
               rf"(?:vandaan|uit)|welke (?:krant|site|website) (?:publiceerde|bracht|schreef)|wat is de bron"),
    ("names", r"welke (?:personen|mensen|namen|landen|plaatsen|steden|organisaties|partijen) (?:worden|komen|staan)"
              r".{0,40}(?:genoemd|voor|in)|wie (?:worden|komen) er .{0,30}(?:genoemd|voor)|wie komen er voor|"
              r"welke namen"),
    ("topic", rf"waar (?:gaat|ging) {_THE_ARTICLE} over|waar gaat (?:het|dit) over|waarover gaat {_THE_ARTICLE}|"
              rf"waarover gaat het|(?:wat is|wat was) (?:de strekking|het onderwerp|de kern|het thema|de boodschap) "
              rf"van {_THE_ARTICLE}|wat is de strekking|wat is het onderwerp|(?:wat|waar) (?:vertelt|beschrijft|"
              rf"behandelt) {_THE_ARTICLE}|wat staat er in {_THE_ARTICLE}|wat is het nieuws|waar draait "
              rf"{_THE_ARTICLE} om|wat is de essentie"),
)
WHOLE_LABELS = {
    "title": "Titel", "date": "Het artikel is van {}.", "author": "Geschreven door {}.",
    "title_is": "De titel is: {}", "source": "Bron: {}.",
    "no_author": "Het artikel noemt geen auteur.", "no_date": "Het artikel noemt geen datum.",
    "no_title": "Het artikel heeft geen titel.", "no_source": "Het artikel noemt geen bron.",
    "other_names": "Verder genoemd", "people": "Personen", "places": "Plaatsen", "organisations": "Organisaties",
    "no_names": "Het artikel noemt geen namen die ik kan herkennen.",
    "which": "Over welk artikel? Kies er een (bij 'Vraag over' of met --article): {}.",
    "quoted_from": "Letterlijk uit het {} artikel.",
    "language_names": {"nl": "Nederlandse", "en": "Engelse"},
    "summary": "Samenvatting in de woorden van het artikel:",
}

# The web page's own words (shown beside the English ones: the page is bilingual).
PAGE = {
    "scope": "Vraag over", "placeholder": "Stel een vraag", "reset": "Nieuw gesprek",
    "not_yours": "alleen wie het artikel toevoegde kan het verwijderen",
    "remove": "Verwijder gekozen artikel", "add": "Artikel toevoegen", "file": "Bestand",
    "choose_file": "Kies een bestand (.txt .md .html .pdf)", "paste": "Tekst plakken", "title": "Titel (mag leeg)",
    "text": "Tekst", "add_button": "Toevoegen", "fetch": "Ophalen", "sources": "Bronnen", "article": "Artikel",
    "no_articles": "Nog geen artikelen: voeg er een toe", "articles": "{n} artikelen", "from": "uit",
    "all_articles": "Alle artikelen", "reading_file": "Bestand inlezen en indexeren",
    "indexing_text": "Tekst indexeren", "fetching_link": "Link ophalen en indexeren", "not_added": "Niet toegevoegd",
    "added": "Toegevoegd", "choose_first": "Kies eerst een artikel",
    "only_added": "Alleen toegevoegde artikelen kunnen weg", "removed": "Verwijderd",
    "cancel": "Stop toevoegen", "cancelled": "toevoegen gestopt; er is niets veranderd",
    "cancelling": "Stoppen …",
}
# Words of asking, not of the subject ("geef me een samenvatting"): no clue to which article is meant.
REQUEST_WORDS = frozenset("geef geeft kun kan kunt wil wilt zou graag even eens alsjeblieft aub svp korte kort "
                          "paar zinnen".split())

# The terminal chat (`python app.py repl`). It speaks English, with these Dutch halves in its bilingual lines.
TERMINAL = {
    "heading": "Vraag het artikel:", "heading_many": "Vraag de artikelen:", "and_more": " en nog {n}",
    "no_articles": "nog geen artikelen: voeg er een toe met `python app.py add BESTAND_OF_LINK`",
    "llm": "Antwoorden schrijft een taalmodel; elke zin wordt tegen het artikel gecontroleerd.",
    "ask_in": "Stel een vraag in het Nederlands of Engels",
    "keys": ":help voor opdrachten, exit of Ctrl-D om te stoppen; Ctrl-C breekt een antwoord af.",
    "no_sources": "Nog geen bronnen: stel eerst een vraag.", "forgotten": "Gesprek gewist.",
    "unknown": "Onbekende opdracht {command}. Opdrachten: ",
}
COMMANDS = {
    ":sources": "toon de volledige geciteerde passages van het laatste antwoord (ook :bronnen)",
    ":reset": "vergeet het gesprek en begin opnieuw",
    ":help": "toon deze opdrachten",
    "exit": "stop (ook quit of Ctrl-D)",
}


# What a news site prints around an article (qa.archive.ingest.furniture), as regular expressions over one line.
FURNITURE = {
    "byline": r"door\s",  # "Door Anna Jansen | 2 april 2025": the article's own, never furniture
    # The heading of a list of other stories or of tags ("Lees ook", "Meest gelezen"), or an inline
    # pointer to one ("Lees ook: Kop").
    "related": r"lees (?:ook|meer|verder)|meer over dit onderwerp|meer nieuws|gerelateerde artikelen|"
               r"ook interessant|meest (?:gelezen|bekeken|gedeeld)|bekijk ook|net binnen|laatste nieuws|"
               r"aanbevolen(?: voor jou)?|populair|uitgelicht|onderwerpen|in dit artikel|tags|categorie(?:ën|en)|"
               r"ook in het nieuws|gesponsord|advertentie",
    "comments": r"(?:\d+\s+)?reacties?(?:\s*\(\d+\))?|reageer(?: op dit artikel)?|lees de reacties|praat mee|"
                r"plaats een reactie|laat een reactie achter|toon reacties",
    "relative_time": r"\d+\s*(?:seconden?|sec|minuut|minuten|min|uur|u|dagen?|d|weken?|maanden?)\s+geleden|"
                     r"gisteren(?: om \d{1,2}[:.]\d{2})?|zojuist|vandaag om \d{1,2}[:.]\d{2}",
    "footer": r"alle rechten voorbehouden|nieuwsbrief|abonneer|meld je aan|cookies?\b|privacyverklaring|"
              r"privacybeleid|gebruiksvoorwaarden|algemene voorwaarden|ga (?:direct )?naar "
              r"(?:de )?inhoud|word abonnee|volg ons|download (?:de|onze) app|tip de redactie",
    "said": r"zegt|schreef|reageerde",  # a comment's header: "Karel zegt:"
}

# Words that start a sentence with a capital and are no name (beside the stopwords): "Volgens de politie …".
NOT_NAMES = frozenset({"volgens"})
# "de passage", "deze tekst": a generated sentence that speaks of the prompt (with META_WORDS).
DETERMINERS = ("de", "het", "deze", "die", "dit")
# How a caption, credit or byline line begins, or what it holds: not the article's own sentence.
CAPTION_WORDS = ("foto", "beeld", "video", "bron", "door", "lees ook", "reacties?")
# The endings a country's name drops in its adjective: "Zwitserland" → "Zwitserse", "Europa" → "Europese".
NAME_ENDINGS = ("land", "e", "a")
# The endings of peoples and adjectives made from a country's name (a regular expression).
PEOPLE_ENDINGS = r"ers?|se|s"
