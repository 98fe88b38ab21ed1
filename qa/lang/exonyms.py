"""Names of countries, regions and languages in English and in Dutch, from CLDR (babel): what lets
"Kenyan" in a question find "Keniaanse" in an article, and "Zweden" find "Swedish".

Each English word maps to the start of its Dutch form, cut where Dutch adjectives and peoples part from
the name ("Brazilië" → "brazili", as in "Braziliaanse"; "Zwitserland" → "zwitser", as in "Zwitserse");
a language's name stands for its people's ("Swedish" → "zweeds"). The hand-written forms of
`qa.lang.en.ARTICLE_FORMS` come first ("Belarus" → "wit-rus", where CLDR says "Belarus").
"""

from __future__ import annotations

import functools
import re

from qa import lang
from qa.text import fold

MIN_PREFIX = 4  # shorter starts match too many words


def _people() -> re.Pattern:
    # The endings of peoples and adjectives made from a country's name in each question language
    # ("Kenya*n*", "Brazil*ian*").
    return re.compile("(?:" + "|".join(m.PEOPLE_ENDINGS for m in lang.LANGUAGES.values()
                                       if m is not lang.ARTICLES) + ")$")


def _articles_start(name: str) -> str:
    """The start an articles' language country's adjective shares with it: without the endings it drops
    (Dutch: "-land", "e", "a": "Europa" → "europ", as in "Europese")."""
    folded = fold(name)
    for ending in lang.ARTICLES.NAME_ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_PREFIX:
            return folded[:-len(ending)]
    return folded


@functools.lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """A question language's folded word → the start of its form in the articles' language: single-word
    names of territories and languages."""
    from babel import (
        Locale,  # CLDR's names; about 70 ms to load, so only when a name is not found as it is
    )

    articles = Locale(lang.ARTICLES.CODE)
    found: dict[str, str] = {}
    for code in lang.LANGUAGES:
        if code == lang.ARTICLES.CODE:
            continue
        other = Locale(code)
        for names, article_names, cut in ((other.territories, articles.territories, _articles_start),
                                          (other.languages, articles.languages, fold)):
            for key, name in names.items():
                form = article_names.get(key, "")
                if " " in name or "-" in key or not form or " " in form:
                    continue  # one word each way: a question's names are matched word by word
                found.setdefault(fold(name), cut(form))
    return found


def articles_start(word: str) -> str:
    """The start of the articles' form of a folded name or people ("kenyan" → "keni"); "" if none."""
    known = table()
    if word in known:
        return known[word]
    stem = _people().sub("", word)
    if len(stem) >= MIN_PREFIX:
        for name, start in known.items():
            if name.startswith(stem) and len(name) - len(stem) <= 2:
                return start
    return ""


def other_forms(name: str) -> list[str]:
    """The forms a folded name takes in the other language, as starts of words: the hand-written ones
    (`qa.lang.other_forms`: "belarusian" → "wit-rus") when there are any, else CLDR's ("kenyan" → "keni";
    "zweedse" → "swedish", "sweden")."""
    written = lang.other_forms(name)
    if written or name in lang.FORMS_IN_ARTICLES:
        return written
    form = articles_start(name)
    if form:
        return [form] if form != name else []
    return [english for english, start in table().items() if name.startswith(start) and english != name]
