"""Languages: what the engine knows about each language, one module per language; `get(code)`, `detect(text)`.

A third language is one new module with the same names as `en`, passed to `register` before the engine
loads (the tables built from every language, below, are built again then).
"""

from __future__ import annotations

import functools
import re
from types import ModuleType

from qa.lang import en, nl

LANGUAGES: dict[str, ModuleType] = {"nl": nl, "en": en}
ARTICLES = nl  # the language the articles are written in, and the default when a question is unclear
INTERFACE = en  # the language of the terminal's help and commands, and of errors in the protocol



def both(table: str, key: str) -> str:
    """One message in every language, "nl / en" (where no language is known): `both("LABELS", "too_long")`.
    A message the languages spell alike is given once."""
    return " / ".join(dict.fromkeys(getattr(m, table)[key] for m in LANGUAGES.values()))


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


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def _cue(name: str) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(getattr(m, name) for m in LANGUAGES.values()) + r")\b", re.IGNORECASE)


def _derive() -> None:
    """Build the tables made from every language (again, after `register`)."""
    global STOPWORDS, WEB_LABELS, ROLE_WORDS, ORGANISATION_KINDS, FORMS_IN_ARTICLES, _TO_ARTICLES
    global NUMBER, DATE, ANAPHORA, ASKS_NUMBER, ASKS_DATE, ASKS_NAME
    others = [m for m in LANGUAGES.values() if m is not ARTICLES]
    STOPWORDS = frozenset().union(*(m.STOPWORDS for m in LANGUAGES.values()))
    # The web page speaks every language at once: "Bronnen / Sources".
    WEB_LABELS = {key: both("PAGE", key) for key in ARTICLES.PAGE}
    # The words of people's roles and of kinds of organisation in every language ("mayor", "burgemeester"),
    # from each other language's table of them with their form in the articles' language.
    ROLE_WORDS = frozenset(w for m in others for pair in m.ROLES.items() for w in pair)
    ORGANISATION_KINDS = frozenset(w for m in others for pair in m.ORGANISATIONS.items() for w in pair)
    # Places, roles and counted things in the form the articles use ("volunteers" → "vrijwilligers").
    FORMS_IN_ARTICLES = {k: v for m in others for k, v in m.ARTICLE_FORMS.items()}
    _TO_ARTICLES = {**{k: v for m in others for k, v in zip(m.MONTHS + m.WEEKDAYS, ARTICLES.MONTHS + ARTICLES.WEEKDAYS)},
                    **FORMS_IN_ARTICLES}
    NUMBER = re.compile(r"\d|\b(" + _alternation(w for m in LANGUAGES.values() for w in m.NUMBER_WORDS) + r")\b",
                        re.IGNORECASE)
    DATE = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b|\b(" + _alternation(
        w for m in LANGUAGES.values() for w in m.MONTHS + m.WEEKDAYS + list(m.DATE_WORDS)) + r")\b", re.IGNORECASE)
    ANAPHORA = re.compile(r"^\W*(" + _alternation(w for m in LANGUAGES.values() for w in m.ANAPHORA) + r")\b",
                          re.IGNORECASE)
    ASKS_NUMBER, ASKS_DATE, ASKS_NAME = _cue("ASKS_NUMBER"), _cue("ASKS_DATE"), _cue("ASKS_NAME")
    in_any_language.cache_clear()
    _markers.cache_clear()


def register(module: ModuleType) -> None:
    """Add a language pack: a module with the names `en` has (`CODE`, `STOPWORDS`, `LABELS`, …). Register
    it before the engine's modules are imported: some of them build their tables from every language once."""
    LANGUAGES[module.CODE] = module
    _derive()


_derive()
