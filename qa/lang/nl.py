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
    "empty_question": "lege vraag",
    "too_long": "vraag te lang ({length} tekens; de grens is {limit})",
    "ask_something": "Wat wil je weten? Je vraag noemt nog niets om in het artikel op te zoeken.",
    "updating": "Het archief wordt bijgewerkt; dit antwoord komt uit de artikelen zoals ze waren.",
}
NOTICES = {
    "stopped": "Het taalmodel is gestopt ({}); beantwoord zonder taalmodel, letterlijk uit het artikel.",
    "down": "Het taalmodel antwoordde niet ({}); hier is het letterlijke antwoord uit het artikel.",
    "empty": "Geen enkele zin van het taalmodel werd door de passages gestaafd; hier is het letterlijke antwoord.",
    "off": "Het antwoord van het taalmodel ging voorbij aan de passage die het best antwoordt; hier is die.",
    "missing": "Het antwoord van het taalmodel liet weg wat gevraagd werd ({}); hier is het letterlijke antwoord.",
}

# -- What a question asks for: its answer type (see qa.spans), from its wording. First match wins, so
# the narrower cues come first. "none" marks questions that ask for no single fact (why, how, what
# happened): they get the sentence, no short answer.
# Auxiliary and modal verbs: one opening a question asks yes or no, and one right after "hoeveel" leaves
# the thing counted unnamed ("hoeveel *waren* dat er", "hoeveel *wil* de stad besparen").
AUXILIARIES = ("is zijn was waren wordt worden werd werden heeft hebben had hadden kan kunnen kon konden mag mogen "
               "mocht mochten moet moeten moest moesten zal zullen zou zouden wil willen wilde wilden gaat gaan "
               "ging gingen komt komen kwam kwamen").split()
ANSWER_TYPES = (
    ("none", r"^\W*(?:en |maar )?(?:waarom|hoe komt|hoe kan|hoe kon|hoe werkt|hoe ging|hoe verliep|op welke "
             r"manier|wat gebeurde|wat gebeurt|wat is er gebeurd|wat (?:gaat|zal) er\b.*\bgebeuren|wat vind|wat vond|"
             r"hoe reageer|hoe reageerde|"
             r"hoe kijk|hoe keek|hoe staat|hoe stond|wat (?:zegt|zei|zeggen|zeiden|vindt|vinden|denkt|denken|"
             r"wil|willen|betekent|houdt))"),
    # A question opening with its verb asks yes or no ("*Werd* alleen in Minsk gedemonstreerd?"): no span
    # answers it, unless a question word follows ("Is bekend *wie* er won?").
    ("none", rf"^\W*(?:en |maar )?(?:{'|'.join(AUXILIARIES)}|klopt|bestaat|bestond)\b"
             r"(?!.*\b(?:wie|wat|waar|wanneer|welke?|hoeveel|hoe|waarom)\b)"),
    ("percentage", r"welk percentage|hoeveel procent|welk aandeel|hoe groot (?:is|was) het aandeel"),
    ("money", r"wat (?:kost|kostte|kosten|kostten)|hoe duur|welk bedrag|hoeveel (?:geld|euro|dollar)|"
              r"hoeveel\b.*\b(?:kost|kostte|kosten|betaal\w*|uitgegeven|opgebracht|verdien\w*|investe\w*)|"
              r"hoe hoog (?:is|was|zijn|waren) de (?:prijs|kosten|boete|schade|investering|subsidie|omzet|winst)"),
    ("age", r"hoe oud|op welke leeftijd|welke leeftijd"),
    # Not "hoe heet": that asks for a name.
    ("temperature", r"welke temperatuur|hoe (?:warm|koud)\b|(?:hoe hoog|wat) (?:is|was|wordt|werd) de (?:\w+ )?"
                    r"temperatuur"),
    ("speed", r"hoe snel|welke snelheid|met welke snelheid"),
    ("weight", r"hoe zwaar|welk gewicht|hoeveel (?:weegt|woog|wegen|kilo)"),
    # A height, a price, a share or a number; so is a difference ("hoeveel *zwaarder*": "12%") or a part
    # ("hoeveel *van de* regenwouden": "meer dan de helft"), whatever noun follows.
    ("amount", r"hoe (?:hoog|groot|fors|omvangrijk)\b|hoeveel (?:meer|minder|hoger|lager|groter|kleiner|zwaarder|"
               r"lichter|langer|korter|duurder|goedkoper|sneller|trager|vaker|ouder|jonger|warmer|kouder)\b|"
               r"hoeveel van (?:de|het|die|deze)\b|hoe (?:vaak|dikwijls)\b"),
    ("area", r"welke oppervlakte|hoe groot is de oppervlakte|hoeveel (?:vierkante|hectare)"),
    ("length", r"hoe (?:diep|breed|ver|dik)\b|welke (?:afstand|hoogte|diepte|lengte|breedte)|"
               r"hoeveel (?:kilometer|meter|centimeter)"),
    ("year", r"(?:in|sinds|vanaf|tot) welk jaar|welk jaar|welke eeuw|in welke eeuw"),
    ("duration", r"hoe ?lang (?:al|duur\w*|geleden|heeft|hebben|had|zit|zat|regeert|regeerde|blijf\w*|moet\w*|"
                 r"wacht\w*)|hoe ?lang\b.*\b(?:al|geleden)\b|hoeveel (?:jaar|jaren|maanden|weken|dagen|uur|"
                 r"minuten|seconden|decennia)|hoelang|hoeveel tijd"),
    ("length", r"hoe lang (?:is|was|zijn|waren|wordt|worden) (?:de|het)|welke lengte"),
    ("date", r"wanneer|op welke (?:dag|datum)|in welke maand|sinds wanneer|welke datum|tot wanneer"),
    ("count", r"hoeveel|met hoeveel|hoe veel|welk aantal|hoe groot (?:is|was) het aantal|^\W*wat\b.*\bhet aantal\b"),
    ("place", r"^\W*(?:en )?waar(?!om|over|mee|door|voor|aan|van|bij|tegen|naar|op)\b|waar(?:heen| vandaan)|"
              r"in welk(?:e)? (?:land|stad|plaats|provincie|regio|dorp|gemeente|staat|werelddeel|gebied|wijk)|"
              r"welk(?:e)? (?:land|stad|plaats|provincie|regio|dorp|gemeente|rivier|werelddeel)"),
    ("organisation", r"welk(?:e)? (?:organisatie|partij|bedrijf|onderneming|club|instantie|bank|ministerie|"
                     r"universiteit|team|omroep|krant|instelling|vakbond|ploeg|firma|fabrikant)"),
    ("title", r"welk(?:e)? (?:boek|film|lied|album|titel|programma|serie|opera|roman|gedicht|nummer)|hoe heet (?:het|de) "
              r"(?:boek|film|lied|album|programma|serie)"),
    ("person", r"\bwie\b|door wie|welke (?:persoon|man|vrouw|president|minister|premier|politicus|leider|burgemeester|"
               r"architect|schrijver|kunstenaar|speler|trainer|directeur|wetenschapper|koning|keizer|coach|"
               r"voorzitter|woordvoerder|journalist|componist|uitvinder)|hoe heet de (?:president|minister|premier|"
               r"leider|burgemeester|directeur|man|vrouw)"),
    ("name", r"hoe heet|heette|wat is de naam|welke naam"),
)
# The thing whose price a money question asks ("hoeveel kost *een kaartje* voor het festival").
PRICED = r"\b(?:kost|kostte|kosten|kostten|hoe duur (?:is|was|zijn|waren|wordt|worden))\s+(.+)"
# An infinitive used as a noun names an activity, which an article tells in words of its own ("het
# *opknappen*" of what it calls a restoration): no focus to look for.
VERBAL_NOUN = r"^het \w+en\b"
# Words before the noun that names the kind of thing asked for ("welke *stad*", "hoeveel *spelers*").
WHICH_WORDS = frozenset("welk welke hoeveel".split())
# The words that stand where the answer would (its place in the question mirrors the answer's in the text).
QUESTION_WORDS = frozenset("wie wat waar wanneer welk welke hoeveel hoe waarom waarmee waardoor waarover "
                           "waaraan waarin waarop waarvan waaruit waarnaar hoelang".split())
# Words of a quantity's unit, by kind (folded; regex alternatives). Numbers as digits or NUMBER_WORDS.
UNITS = {
    "money": r"euro|eurocent|cent|dollar|dollars|pond|gulden|frank|roebel|€|\$|£",
    "percentage": r"procent|procentpunt|procentpunten|%",
    "temperature": r"graden|°c|°f|°",
    "speed": r"km/u|km/h|kilometer per uur|meter per seconde|m/s|knopen",
    "weight": r"kilo|kilogram|kg|gram|ton|pond",
    "length": r"kilometer|km|meter|m|centimeter|cm|millimeter|mm|mijl|voet",
    "area": r"vierkante kilometer|vierkante meter|km2|km²|m2|m²|hectare|ha",
    "volume": r"liter|l|kubieke meter|m3|m³",
    "duration": r"jaar|jaren|maanden|maand|weken|week|dagen|dag|uur|uren|minuten|minuut|seconden|decennia|eeuwen",
    "age": r"jaar oud|jarige|jaar",
}
SCALE_WORDS = r"duizend|miljoen|miljard|biljoen|mln|mld|mrd"
AGE_CUES = r"(?:leeftijd van|op \d+-jarige|(?<=\d)-jarige)"
# Words before a name that say it is a place ("in Minsk", "uit Gdańsk").
PLACE_PREPOSITIONS = "in uit naar bij nabij vanuit rond richting".split()
# The word before the doer of a passive sentence ("opgepakt *door* de oproerpolitie").
AGENT_WORDS = ("door",)
# Words that put a year-like number in time ("in 1984", "sinds 1994"): a year then, not a count.
YEAR_PREPOSITIONS = "in sinds tot vanaf voor na rond omstreeks anno".split()
# Words that make a year the start of a span of time ("sinds 1994"), so that it can answer "how long".
SINCE_WORDS = "sinds sedert vanaf".split()
# Words that put what a question asks about in the past or in the future ("wanneer *werd* de brug gebouwd",
# "de *volgende* verkiezingen").
PAST_WORDS = "werd werden was waren had hadden vorige vorig".split()
FUTURE_WORDS = "zal zullen gaat gaan volgende komende".split()
# Words before a date that place it in the past or in the future ("*afgelopen* zondag", "*volgende* week"),
# whatever year it falls in.
PAST_MARKS = frozenset("afgelopen vorige vorig jongstleden".split())
FUTURE_MARKS = frozenset("volgende komende aanstaande".split())
# Periods that a past or future mark, or "deze", makes a date of ("volgende week").
PERIOD_WORDS = frozenset("week maand jaar decennium eeuw".split())
THIS_WORDS = frozenset("deze dit".split())
# Words for one (or one and a half) before a unit of time, which make a span of time of it ("moeten soms
# *een uur* wachten", "*anderhalf* jaar").
ONE_UNIT_WORDS = ("een", "één", "een half", "anderhalf")
# Words before the alternative a sentence sets aside ("in oktober *in plaats van* april"): what follows them is not the answer.
SET_ASIDE = ("in plaats van", "in tegenstelling tot")
# Words after a span of time that make it a step from another moment ("acht jaar *later*"), not how long
# something lasts.
STEP_WORDS = "later eerder daarna daarvoor nadien".split()
# Words before a number of years that make it how long something lasts, not an age ("die *al* 26 jaar aan
# de macht is", "*for* 26 years").
LASTING_WORDS = "al sinds sedert gedurende na over binnen".split()
# Words that count people in general, which any people counted answer ("hoeveel *mensen* zijn opgepakt":
# "duizenden *demonstranten*"): a word for people, a role, or a plural whose ending makes it a person's.
PEOPLE_WORDS = frozenset("mensen personen".split())
PERSON_ENDINGS = r"(?:ers|aars|anten|enten|isten|lingen|ici)$"
# Words after a number of years that make it a moment, not an age ("twintig jaar *geleden*").
AGO_WORDS = ("geleden",)
# What makes a number of years an age whatever stands before it ("80 jaar *oud*", "65-*jarig*e").
AGE_MARKS = r"oud|jarig"
ORGANISATION_WORDS = ("bank partij unie commissie ministerie zaken raad universiteit bedrijf groep bond omroep "
                      "fonds agentschap nv bv instituut vereniging stichting").split()
# Endings of adjectives made from names ("Russische", "Duitse"): before a noun, no name themselves.
NAME_ADJECTIVE_ENDINGS = r"(?:ische|sche|se)$"
# Words that may stand inside a person's or place's name ("Van der Bellen", "Den Haag").
NAME_PARTICLES = frozenset("van de der den het ter ten von la le du di da el al bin ibn".split())

# -- Questions about the article as a whole (qa.whole), by kind. Each needs the article itself as its
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
# Words that say when, relative to the day of writing ("gisteren", "dit najaar"), and the prepositions of a
# time from now ("over twee weken", "na één jaar"): answers to "wanneer" as much as a date is.
RELATIVE_DATES = ("gisteren eergisteren morgen overmorgen vandaag vanochtend vanmiddag vanavond vannacht "
                  "voorjaar najaar zomer winter lente herfst weekend kerst pasen binnenkort").split()
TIME_FROM_NOW = "na over binnen na afloop van".split()

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


# What a news site prints around an article (qa.ingest.furniture), as regular expressions over one line.
FURNITURE = {
    "byline": r"door\s",  # "Door Anna Jansen | 2 april 2025": the article's own, never furniture
    "related": r"lees ook|lees meer|meer over dit onderwerp|meer nieuws|gerelateerde artikelen|ook interessant",
    "comments": r"(?:\d+\s+)?reacties?(?:\s*\(\d+\))?|reageer|lees de reacties|praat mee",
    "relative_time": r"\d+\s+(?:seconden?|minuut|minuten|uur|dagen?|weken?|maanden?)\s+geleden|gisteren|zojuist",
    "footer": r"alle rechten voorbehouden|nieuwsbrief|abonneer|meld je aan|cookies?\b|privacyverklaring",
}
