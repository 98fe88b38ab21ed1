"""Names in a sentence: capitalised runs told apart as a person, a place, an organisation, or a quoted
title (what `qa.answering.whole` lists for "which people does the article name?").

The words that decide (place prepositions, organisation words, name particles, adjective endings) are
each language's (`qa.lang`). The answer-type recognisers of earlier rounds are gone: the reader
(`qa.answering.reader`) finds the short answer now.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from qa import lang
from qa.text import fold, words


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    kind: str


def _alternation(words_: list[str]) -> str:
    return "|".join(sorted(set(words_), key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def _name_pattern() -> re.Pattern:
    particles = _alternation([p for m in lang.LANGUAGES.values() for p in m.NAME_PARTICLES])
    # A full stop inside ("U.S") or after an initial ("M. Theo Kearney"), never one ending a sentence.
    capital = r"(?:[A-ZÀ-ÖØ-Þ]\.(?=\s[A-ZÀ-ÖØ-Þ])|[A-ZÀ-ÖØ-Þ](?:[\w'’-]|\.(?=\w))*)"
    return re.compile(rf"{capital}(?:\s(?:(?:{particles})\s)*{capital})*")


@functools.lru_cache(maxsize=None)
def _name_words() -> tuple[frozenset, frozenset]:
    places = frozenset(p for m in lang.LANGUAGES.values() for p in m.PLACE_PREPOSITIONS)
    organisations = frozenset(w for m in lang.LANGUAGES.values() for w in m.ORGANISATION_WORDS)
    return places, organisations


@functools.lru_cache(maxsize=None)
def _adjective() -> re.Pattern:
    """The endings of adjectives made from names, in any language ("Russische", "Belarusian", "Chinese")."""
    return re.compile("|".join(m.NAME_ADJECTIVE_ENDINGS for m in lang.LANGUAGES.values()))


def name_adjective(word: str, following: str) -> bool:
    """Whether a capitalised `word` is an adjective made from a name, before the noun `following`
    ("*Russische* evenknie", "the *Belarusian* leader"): no name itself."""
    return word[:1].isupper() and bool(_adjective().search(word)) and following[:1].islower()


def _without_first_word(text: str, start: int) -> tuple[str, int]:
    first = text.split(" ", 1)[0]
    return text[len(first) + 1:], start + len(first) + 1


def names(sentence: str) -> list[Span]:
    """Capitalised runs, each told apart as a place (after "in", "uit", …), an organisation (an
    organisation word or an acronym in it), or a person; a one-word run opening the sentence is no name."""
    places, organisations = _name_words()
    found = []
    for match in _name_pattern().finditer(sentence):
        text = match.group(0).rstrip(".'’-")
        start = match.start()
        # "De Wit-Russische president", "Het Kremlin": the article opening the sentence is no part of it,
        # nor is a role opening the name ("Voorzitter Thijs Kurvers").
        while " " in text and fold(text.split(" ", 1)[0]) in lang.STOPWORDS:
            text, start = _without_first_word(text, start)
        if " " in text and fold(text.split(" ", 1)[0]) in lang.ROLE_WORDS:
            text, start = _without_first_word(text, start)
        following = re.match(r"\s+([^\W\d_]+)", sentence[start + len(text):])
        if " " not in text and following and name_adjective(text, following.group(1)):
            continue  # "Russische evenknie": an adjective of a name, not a name
        before = sentence[:start].rstrip()
        opening = not before or before[-1] in ".!?:\"“'‘(" or before.endswith(("—", "–"))
        if opening and " " not in text:
            continue
        if fold(text) in lang.STOPWORDS or fold(text) in _calendar_words():
            continue  # "Monday", "Oktober": a date, not a name
        previous = words(before[-20:])[-1:] if before else []
        folded = words(text)
        if any(w in organisations for w in folded) or re.fullmatch(r"[A-Z]{2,6}", text):
            kind = "organisation"
        elif previous and previous[0] in places:
            kind = "place"
        else:
            kind = "person"
        found.append(Span(start, start + len(text), text, kind))
    quoted = re.finditer(r"[\"“‘']([^\"”’']{2,80})[\"”’']", sentence)
    found += [Span(m.start(1), m.end(1), m.group(1), "title") for m in quoted]
    return found


@functools.lru_cache(maxsize=None)
def _calendar_words() -> frozenset[str]:
    return lang.in_any_language("MONTHS") | lang.in_any_language("WEEKDAYS")
