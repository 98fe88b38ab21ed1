"""English: everything the engine knows about English, and every English string a user sees."""

CODE = "en"
NAME = "English"

STOPWORDS = frozenset("""
the a an and of in is on to that this for with are was were be been by as at from it its his her
their they he she we you i not but or if what who whom where when why how which many much does did
do has have had there than then so into about after before over under between because while
happen happened happens them those these its done
""".split())
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

NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "refused", "refuse", "denied", "didn't",
                       "doesn't", "won't", "isn't", "wasn't"})
META_WORDS = ("passage", "passages", "text")

# English names of places and peoples that Dutch writes differently (exonyms), with the start of the
# Dutch form; a name check looks for both. Places and peoples only: people's names are matched by
# spelling similarity (Putin, Poetin), not listed.
DUTCH_FORMS = {
    "belarus": "wit-rus", "belarusian": "wit-rus", "belarusians": "wit-rus", "russia": "rus", "russian": "rus",
    "moscow": "moskou", "germany": "duits", "german": "duits", "france": "frankrijk", "french": "fran",
    "netherlands": "nederland", "dutch": "nederland", "belgium": "belgi", "brussels": "brussel",
    "england": "engel", "english": "engels", "britain": "brit", "british": "brit", "spain": "spanje",
    "spanish": "spaan", "italy": "itali", "poland": "polen", "polish": "pools", "ukraine": "oekra",
    "china": "chin", "chinese": "chin", "japan": "japan", "europe": "europ", "european": "europ",
    "america": "amerika", "american": "amerika", "united": "verenigd", "states": "staten",
    "lithuania": "litouw", "latvia": "letland", "kremlin": "kremlin", "eu": "eu",
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
    "empty_question": "empty question",
    "too_long": "question too long ({length} characters; the limit is {limit})",
}
NOTICES = {
    "down": "The language model did not answer ({}); here is the answer quoted from the article.",
    "empty": "No sentence of the language model was supported by the passages; here is the quoted answer.",
    "off": "The language model's answer passed by the passage that answers best; here it is.",
    "missing": "The language model's answer left out what was asked ({}); here is the quoted answer.",
}
