"""Names of countries, regions and languages in English and in Dutch, from CLDR (babel): what lets
"Kenyan" in a question find "Keniaanse" in an article, and "Zweden" find "Swedish".

Each English word maps to the start of its Dutch form, cut where Dutch adjectives and peoples part from
the name ("Brazilië" → "brazili", as in "Braziliaanse"; "Zwitserland" → "zwitser", as in "Zwitserse");
a language's name stands for its people's ("Swedish" → "zweeds"). The hand-written forms of
`qa.lang.en.DUTCH_FORMS` come first ("Belarus" → "wit-rus", where CLDR says "Belarus").
"""

from __future__ import annotations

import functools
import re

from qa import lang
from qa.text import fold

# English endings of peoples and adjectives made from a country's name: "Kenya*n*", "Brazil*ian*".
_PEOPLE = re.compile(r"(?:ian|ean|an|n|ese|ish|i)$")
MIN_PREFIX = 4  # shorter starts match too many words


def _dutch_start(name: str) -> str:
    """The start a Dutch country's adjective shares with it: no final "-land", "e" or "a" ("Europa" →
    "europ", as in "Europese")."""
    folded = fold(name)
    for ending in ("land", "e", "a"):
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_PREFIX:
            return folded[:-len(ending)]
    return folded


@functools.lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """English folded word → the start of its Dutch form: single-word names of territories and languages."""
    from babel import Locale  # CLDR's names; about 70 ms to load, so only when a name is not found as it is

    english, dutch = Locale("en"), Locale("nl")
    found: dict[str, str] = {}
    for names, dutch_names, cut in ((english.territories, dutch.territories, _dutch_start),
                                    (english.languages, dutch.languages, fold)):
        for code, name in names.items():
            other = dutch_names.get(code, "")
            if " " in name or "-" in code or not other or " " in other:
                continue  # one word each way: a question's names are matched word by word
            found.setdefault(fold(name), cut(other))
    return found


def dutch_start(word: str) -> str:
    """The start of the Dutch form of a folded English name or people ("kenyan" → "keni"); "" if none."""
    known = table()
    if word in known:
        return known[word]
    stem = _PEOPLE.sub("", word)
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
    dutch = dutch_start(name)
    if dutch:
        return [dutch] if dutch != name else []
    return [english for english, start in table().items() if name.startswith(start) and english != name]
