"""Languages: what the engine knows about each language, one module per language; `get(code)`, `detect(text)`.

A third language is one new module here with the same names, added to `LANGUAGES`.
"""

from __future__ import annotations

import functools
import re
from types import ModuleType

from qa.lang import en, nl

LANGUAGES: dict[str, ModuleType] = {"nl": nl, "en": en}
ARTICLES = nl  # the language the articles are written in, and the default when a question is unclear

STOPWORDS = frozenset().union(*(m.STOPWORDS for m in LANGUAGES.values()))

# The web page speaks both languages at once: "Bronnen / Sources".
WEB_LABELS = {key: f"{nl.PAGE[key]} / {en.PAGE[key]}" if nl.PAGE[key] != en.PAGE[key] else nl.PAGE[key]
              for key in nl.PAGE}


def get(code: str) -> ModuleType:
    """The module of language `code`; the articles' language for an unknown code."""
    return LANGUAGES.get(code, ARTICLES)


@functools.lru_cache(maxsize=None)
def in_any_language(name: str) -> frozenset[str]:
    """The words of the list `name` ("QUESTION_WORDS", "MONTHS", …) of every language, together."""
    return frozenset(w for module in LANGUAGES.values() for w in getattr(module, name))


@functools.lru_cache(maxsize=None)
def _markers(code: str) -> frozenset[str]:
    # A language's markers: its stopwords and cue words that no other language shares.
    others = frozenset().union(*(m.STOPWORDS for c, m in LANGUAGES.items() if c != code))
    return (LANGUAGES[code].STOPWORDS - others) | LANGUAGES[code].MARKERS


def detect(tokens: list[str]) -> str:
    """The language code of a question's folded words; the articles' language when unsure."""
    counts = {code: sum(t in _markers(code) for t in tokens) for code in LANGUAGES}
    best = max(counts, key=lambda code: (counts[code], code == ARTICLES.CODE))
    return best if counts[best] > counts[ARTICLES.CODE] else ARTICLES.CODE


def to_articles(word: str) -> str:
    """An English month, weekday or place name in the form the (Dutch) articles use; else the word."""
    return _TO_ARTICLES.get(word, word)


def other_forms(name: str) -> list[str]:
    """The hand-written forms a folded name takes in the other language, as starts of words: the Dutch
    form of an English name ("belarusian" → "wit-rus"), the English names a Dutch one is a form of
    ("rusland" → "russia", "russian"); none when it is not known. (`qa.lang.exonyms` adds CLDR's.)"""
    if name in _TO_ARTICLES:
        return [_TO_ARTICLES[name]] if _TO_ARTICLES[name] != name else []
    return [english for english, form in _TO_ARTICLES.items() if len(form) >= 3 and name.startswith(form)
            and english != name]


# The words of people's roles in every language ("mayor", "burgemeester").
ROLE_WORDS = frozenset(en.ROLES) | frozenset(en.ROLES.values())
# The words of kinds of organisation in every language ("party", "partij").
ORGANISATION_KINDS = frozenset(en.ORGANISATIONS) | frozenset(en.ORGANISATIONS.values())
# English places, roles and counted things in the form the (Dutch) articles use ("volunteers" → "vrijwilligers").
FORMS_IN_ARTICLES: dict[str, str] = en.DUTCH_FORMS


_TO_ARTICLES = {**dict(zip(en.MONTHS + en.WEEKDAYS, nl.MONTHS + nl.WEEKDAYS)), **en.DUTCH_FORMS}


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


NUMBER = re.compile(r"\d|\b(" + _alternation(w for m in LANGUAGES.values() for w in m.NUMBER_WORDS) + r")\b",
                    re.IGNORECASE)
DATE = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b|\b(" + _alternation(
    w for m in LANGUAGES.values() for w in m.MONTHS + m.WEEKDAYS + list(m.DATE_WORDS)) + r")\b", re.IGNORECASE)
ANAPHORA = re.compile(r"^\W*(" + _alternation(w for m in LANGUAGES.values() for w in m.ANAPHORA) + r")\b",
                      re.IGNORECASE)


def _cue(name: str) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(getattr(m, name) for m in LANGUAGES.values()) + r")\b", re.IGNORECASE)


ASKS_NUMBER, ASKS_DATE, ASKS_NAME = _cue("ASKS_NUMBER"), _cue("ASKS_DATE"), _cue("ASKS_NAME")
