"""English: everything the engine knows about English, and every English string a user sees."""

CODE = "en"
NAME = "English"

STOPWORDS = frozenset("""
the a an and of in is on to that this for with are was were be been by as at from it its his her
their they he she we you i not but or if what who whom where when why how which many much does did
do has have had there than then so into about after before over under between because while
happen happened happens them those these its done
""".split())
# Abbreviations whose full stop ends no sentence ("dr.", "bijv."), folded, without the final stop.
ABBREVIATIONS = frozenset("dr mr mrs ms prof st jr sr i.e e.g vs no inc ltd co gen gov lt col sgt capt jan feb aug sept oct nov dec etc".split())
MARKERS = frozenset({"article", "year", "say", "says", "said", "long", "want"})

# Encodings older files of this language come in, most likely first (UTF-8 aside).
LEGACY_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")

SNOWBALL = "english"

NUMBER_WORDS = ("two three four five six seven eight nine ten eleven twelve twenty hundred thousand million "
                "billion dozens hundreds thousands").split()
# In the same order as the Dutch lists, so that an English month or day maps to its Dutch name.
MONTHS = "january february march april may june july august september october november december".split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
DATE_WORDS = ("century",)

ASKS_NUMBER = r"how (?:many|much)|what percentage"
ASKS_DATE = r"when|what year|which year|how long"
ASKS_NAME = r"who|whom|what is the name|called"

ANAPHORA = "he she his her its they their this these that there".split()
REFERRING = frozenset("they them he she him his her their that this those these there then".split())
CONTINUATIONS = ("and", "but", "also", "so")
SEPARABLE_PARTICLES = ()

NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "nowhere", "neither", "nor", "didn't",
                       "doesn't", "don't", "won't", "isn't", "wasn't", "aren't", "weren't", "cannot", "can't"})
META_WORDS = ("passage", "passages", "text")

# People by their role, as news names them, and the Dutch word: what "who is the mayor" looks for in
# a Dutch article, and what makes "which opposition candidate" ask for a person.
ROLES = {
    "mayor": "burgemeester", "alderman": "wethouder", "minister": "minister", "president": "president",
    "politician": "politicus", "leader": "leider", "architect": "architect", "writer": "schrijver",
    "author": "schrijver", "artist": "kunstenaar", "player": "speler", "coach": "coach", "trainer": "trainer",
    "director": "directeur", "scientist": "wetenschapper", "researcher": "onderzoeker", "king": "koning",
    "queen": "koningin", "emperor": "keizer", "chairman": "voorzitter", "chairwoman": "voorzitter",
    "spokesman": "woordvoerder", "spokeswoman": "woordvoerster", "spokesperson": "woordvoerder",
    "journalist": "journalist", "composer": "componist", "inventor": "uitvinder", "actor": "acteur",
    "actress": "actrice", "captain": "kapitein", "commander": "commandant", "general": "generaal",
    "founder": "oprichter", "owner": "eigenaar", "governor": "gouverneur", "judge": "rechter",
    "lawyer": "advocaat", "prosecutor": "officier", "police": "politie", "chief": "chef", "manager": "manager",
    "teacher": "leraar", "doctor": "arts", "priest": "priester", "bishop": "bisschop", "pope": "paus",
    "ambassador": "ambassadeur", "candidate": "kandidaat", "winner": "winnaar", "victim": "slachtoffer",
    "suspect": "verdachte", "editor": "redacteur", "designer": "ontwerper", "farmer": "boer",
}
# Things news counts, and the Dutch word: what "how many volunteers" looks for beside a number in a Dutch
# article.
COUNTED = {
    "people": "mensen", "persons": "personen", "protesters": "demonstranten", "demonstrators": "demonstranten",
    "countries": "landen", "cities": "steden", "villages": "dorpen", "votes": "stemmen", "jobs": "banen",
    "employees": "werknemers", "workers": "werknemers", "staff": "personeel", "students": "studenten",
    "pupils": "leerlingen", "children": "kinderen", "houses": "huizen", "homes": "woningen",
    "visitors": "bezoekers", "passengers": "passagiers", "travellers": "reizigers", "cars": "auto",
    "trees": "bomen", "runners": "lopers", "volunteers": "vrijwilligers", "spectators": "toeschouwers",
    "tourists": "toeristen", "inhabitants": "inwoners", "members": "leden", "soldiers": "soldaten",
    "victims": "slachtoffers", "deaths": "doden", "injured": "gewonden", "patients": "patienten",
    "doctors": "artsen", "teachers": "leraren", "schools": "scholen", "hospitals": "ziekenhuizen",
    "farmers": "boeren", "companies": "bedrijven", "shops": "winkels", "ships": "schepen", "boats": "boten",
    "bicycles": "fietsen", "bikes": "fietsen", "animals": "dieren", "fish": "vissen", "birds": "vogels",
    "cows": "koeien", "bottles": "flessen", "rooms": "kamers", "beds": "bedden", "matches": "wedstrijden",
    "goals": "doelpunten", "points": "punten", "medals": "medailles", "arrests": "arrestaties",
    "books": "boeken", "species": "soorten", "languages": "talen", "flights": "vluchten", "trains": "treinen",
    "buses": "bussen", "planes": "vliegtuigen", "vehicles": "voertuigen", "tickets": "kaartjes",
    "parties": "partijen", "seats": "zetels", "provinces": "provincies", "municipalities": "gemeenten",
}
# Kinds of organisation a question asks which one of ("which *party* won", "welke *voetbalclub*"), and the
# Dutch word: the answer's article must name the kind, as a person's role.
ORGANISATIONS = {
    "club": "club", "party": "partij", "company": "bedrijf", "bank": "bank", "university": "universiteit",
    "ministry": "ministerie", "commission": "commissie", "council": "raad", "association": "vereniging",
    "foundation": "stichting", "newspaper": "krant", "broadcaster": "omroep", "airline": "luchtvaartmaatschappij",
}
# English names of places and peoples that Dutch writes differently (exonyms), with the start of the
# Dutch form, a name check looks for both; then the roles and counted things above. People's names are
# matched by spelling similarity (Putin, Poetin), not listed.
ARTICLE_FORMS = {
    "belarus": "wit-rus", "belarusian": "wit-rus", "belarusians": "wit-rus", "russia": "rus", "russian": "rus",
    "moscow": "moskou", "germany": "duits", "german": "duits", "france": "frankrijk", "french": "fran",
    "netherlands": "nederland", "dutch": "nederland", "belgium": "belgi", "brussels": "brussel",
    "england": "engel", "english": "engels", "britain": "brit", "british": "brit", "spain": "spanje",
    "spanish": "spaan", "italy": "itali", "poland": "polen", "polish": "pools", "ukraine": "oekra",
    "china": "chin", "chinese": "chin", "japan": "japan", "europe": "europ", "european": "europ",
    "america": "amerika", "american": "amerika", "united": "verenigd", "states": "staten",
    "lithuania": "litouw", "latvia": "letland", "kremlin": "kremlin", "eu": "eu",
    **ROLES, **COUNTED, **ORGANISATIONS,
}

REFUSAL = "The article does not say."
NOT_ANSWERED = "The passages do not say."
INSTRUCTIONS = ("Answer the question briefly (at most two sentences) in English, using only what the numbered "
                "passages say. After each sentence put the number of the passage it rests on, like [1]. If the "
                "passages do not give the answer, reply exactly: {refusal}")
LABELS = {
    "sources": "Sources", "paragraph": "paragraph", "related": "Also found", "see_also": "See also",
    "near": "What comes closest (not the source of an answer)",
    "none": "No sources: the article says nothing about this.",
    "empty": "Ask a question; the sources of the answer appear here.",
    "dropped": "sentences of the language model not supported by the passages, left out",
    "llm": "language model, every sentence checked", "quoted": "quoted from the article",
    "left_out": "sentence(s) left out",
    "error": "That did not work: {}.",
    "give_question": "give a question, or --jsonl to read JSON lines on stdin",
    "empty_question": "empty question",
    "too_long": "question too long ({length} characters; the limit is {limit})",
    "ask_something": "What would you like to know? Your question names nothing to look up in the article yet.",
    "updating": "The archive is being brought up to date; this answer comes from the articles as they were.",
    "indexing": "indexing {count} article(s) of {folder} into {index} …",
}
NOTICES = {
    "stopped": "The language model stopped ({}); answered without it, quoted from the article.",
    "down": "The language model did not answer ({}); here is the answer quoted from the article.",
    "empty": "No sentence of the language model was supported by the passages; here is the quoted answer.",
    "off": "The language model's answer passed by the passage that answers best; here it is.",
    "missing": "The language model's answer left out what was asked ({}); here is the quoted answer.",
}

# The words that stand where the answer would (its place in the question mirrors the answer's in the text).
QUESTION_WORDS = frozenset("who whom whose what where when which how why".split())
PLACE_PREPOSITIONS = "in from to at near into towards".split()
ORGANISATION_WORDS = ("bank party union commission ministry council university company group corporation inc "
                      "ltd association foundation institute agency fund league").split()
# Endings of adjectives made from names ("Belarusian", "Chinese", "American"): before a noun, no name themselves.
NAME_ADJECTIVE_ENDINGS = r"(?:ian|ish|ese|an)$"
NAME_PARTICLES = frozenset("van de der den von la le du di da of el al bin ibn".split())

# -- Questions about the article as a whole (qa.answering.whole), by kind.
_THE_ARTICLE = r"(?:the|this|that) (?:article|piece|story|report|text|item|news item|post)"
WHOLE_QUESTIONS = (
    ("summary", r"summar|sum (?:it|this|up)|in short|in brief|in a nutshell|recap|key points|main points|gist\b|tl;?dr|"
                r"in a (?:few|couple of) (?:sentences|lines)|overview of " + _THE_ARTICLE),
    ("author", rf"who (?:wrote|has written|is the author of|authored) {_THE_ARTICLE}|who wrote (?:it|this)\W*$|"
               rf"who is the (?:author|writer|journalist|reporter)(?: of {_THE_ARTICLE})?\W*$|"
               rf"by whom (?:was|is) {_THE_ARTICLE}|whose (?:article|piece|story) is"),
    ("date", rf"(?:when|what date|on what date|which date).{{0,30}}{_THE_ARTICLE}|date of {_THE_ARTICLE}|"
             rf"how old is {_THE_ARTICLE}|when was (?:it|this) (?:published|written)\W*$|when is (?:it|this) from|"
             rf"what(?:'s| is) the (?:publication|publishing) date\W*$|(?:publication|publishing) date of {_THE_ARTICLE}"),
    ("title", rf"what(?:'s| is) the (?:title|headline)(?: of {_THE_ARTICLE})?\W*$|what is (?:the|this) "
              r"(?:article|piece|story) called"),
    ("source", rf"(?:which|what) (?:newspaper|paper|site|website|outlet|publication|source) (?:published|ran|is|"
               rf"was)|where (?:is|was|does) {_THE_ARTICLE} (?:from|come from)|what(?:'s| is) the source"),
    ("names", r"(?:which|what) (?:people|persons|names|places|countries|cities|organi[sz]ations|parties) (?:are|does|"
              r"do|were) .{0,40}(?:mention|name|appear)|who (?:is|are) (?:mentioned|named)|who appears in"),
    ("topic", rf"what(?:'s| is| was) {_THE_ARTICLE} about|what(?:'s| is) it about|what is the (?:topic|subject|"
              rf"point|theme|main idea|message) of {_THE_ARTICLE}|what(?:'s| is) the (?:topic|subject|main idea)|"
              rf"what does {_THE_ARTICLE} (?:say|cover|describe|tell|discuss)|what is the news|"
              rf"what is {_THE_ARTICLE} (?:saying|covering)"),
)
WHOLE_LABELS = {
    "title": "Title", "date": "The article is dated {}.", "author": "Written by {}.",
    "title_is": "The title is: {}", "source": "Source: {}.",
    "no_author": "The article names no author.", "no_date": "The article gives no date.",
    "no_title": "The article has no title.", "no_source": "The article names no source.",
    "other_names": "Also named", "people": "People", "places": "Places", "organisations": "Organisations",
    "no_names": "The article names no one I can recognise.",
    "which": "Which article? Choose one ('Ask about', or --article): {}.",
    "quoted_from": "Quoted from the {} article.",
    "language_names": {"nl": "Dutch", "en": "English"},
    "summary": "A summary in the article's own words:",
}

# The web page's own words (shown beside the Dutch ones: the page is bilingual).
PAGE = {
    "scope": "Ask about", "placeholder": "Ask a question", "reset": "New conversation",
    "not_yours": "only who added the article can remove it",
    "remove": "Remove chosen article", "add": "Add an article", "file": "File",
    "choose_file": "Choose a file", "paste": "Paste text", "title": "Title (optional)",
    "text": "Text", "add_button": "Add", "fetch": "Fetch", "sources": "Sources", "article": "Article",
    "no_articles": "No articles yet: add one", "articles": "{n} articles", "from": "from",
    "all_articles": "All articles", "reading_file": "reading and indexing the file",
    "indexing_text": "indexing the text", "fetching_link": "fetching and indexing the link", "not_added": "not added",
    "added": "added", "choose_first": "choose an article first",
    "only_added": "only added articles can be removed", "removed": "removed",
    "cancel": "Stop adding", "cancelled": "adding stopped; nothing was changed",
    "cancelling": "stopping …",
}
REQUEST_WORDS = frozenset("give can could would please tell me short brief quick few sentences".split())

# The terminal chat (`python app.py repl`); its help and notices are in English, with the Dutch halves of
# the bilingual lines in the Dutch module's TERMINAL.
TERMINAL = {
    "heading": "Ask the article:", "heading_many": "Ask the articles:", "and_more": " and {n} more",
    "no_articles": "no articles yet: add one with `python app.py add FILE_OR_LINK`",
    "llm": "Answers are written by a language model; every sentence is checked against the article.",
    "ask_in": "ask in Dutch or English.",
    "keys": ":help for commands, exit or Ctrl-D to leave; Ctrl-C cancels an answer.",
    "no_sources": "No sources yet: ask a question first.", "forgotten": "Conversation forgotten.",
    "unknown": "Unknown command {command}. Commands: ",
}
COMMANDS = {
    ":sources": "show the full cited passages of the last answer (also :bronnen)",
    ":reset": "forget the conversation and start afresh",
    ":help": "list these commands",
    "exit": "leave (also quit or Ctrl-D)",
}


# What a news site prints around an article (qa.archive.ingest.furniture), as regular expressions over one line.
FURNITURE = {
    "byline": r"by\s",  # "By Jane Doe | 3 May 2024": the article's own, never furniture
    # The heading of a list of other stories or of tags ("Read more", "Most viewed", "Explore more on
    # these topics"), or an inline pointer to one ("Read more: Headline").
    "related": r"read (?:more|next)|related(?: stories| articles| topics| content)?|more on this story|see also|"
               r"you may also like|more from|more stories|most (?:read|viewed|popular|shared)|popular now|"
               r"top stories|trending(?: now)?|latest(?: news| stories)?|recommended(?: for you)?|"
               r"editor'?s picks|recent posts|explore more(?: on these topics)?|topics|tags|categories|"
               r"in this article|also in the news|sponsored(?: content| stories)?|advertisement",
    "comments": r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?|join the conversation|have your say|"
                r"leave a (?:reply|comment)|\d+\s+(?:responses|replies|thoughts on .*)|show comments",
    "relative_time": r"\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|[smhd])\s+ago|"
                     r"yesterday|just now|today at \d{1,2}[:.]\d{2}",
    "footer": r"all rights reserved|newsletter|subscribe|sign up|cookies?\b|privacy policy|terms (?:of use|and "
              r"conditions|of service)|contact us|about us|skip to (?:main )?content|support (?:us|our journalism)|"
              r"follow us|download (?:our|the) app|our standards|not responsible for the content",
    "said": r"says|said|wrote|replied",  # a comment's header: "Tom says:"
}

# Words that start a sentence with a capital and are no name (beside the stopwords): "According to …".
NOT_NAMES = frozenset({"according"})
# "the passage", "these passages": a generated sentence that speaks of the prompt (with META_WORDS).
DETERMINERS = ("the", "this", "these")
# How a caption, credit or byline line begins, or what it holds: not the article's own sentence.
CAPTION_WORDS = ("by", "photo", "image", "credit", "read more", "comments?")
# The endings a country's name drops in its adjective: "Kenya" → "Kenyan" keeps it all.
NAME_ENDINGS = ()
# The endings of peoples and adjectives made from a country's name: "Kenya*n*", "Brazil*ian*".
PEOPLE_ENDINGS = r"ian|ean|an|n|ese|ish|i"
