"""Text helpers shared by retrieval and answering: tokens, stems, stopwords, question language."""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)

_DUTCH = set("""
de het een en van in is op te dat die voor met zijn er niet aan om ook als bij door wordt werd
was zijn hebben heeft had hij zij ze we wij je jij u ik hun haar hem deze dit naar uit over tot
nog maar dan of al wel geen meer zo kan worden moet wat wie waar wanneer hoe waarom welke welk
hoeveel hoelang sinds zich toe af na tegen onder tussen omdat want dus waren kunnen zou zouden
veel heel wordt werden mij me ons onze jullie iets niets men hen daarna daarvoor toen nu weer zeer erg
alle elk elke ieder iemand niemand nooit altijd hier daar waarin waarop waarmee waarover gebeurt gebeurde
gebeurd doet deed gedaan gaat ging
""".split())
_ENGLISH = set("""
the a an and of in is on to that this for with are was were be been by as at from it its his her
their they he she we you i not but or if what who whom where when why how which many much does did
do has have had there than then so into about after before over under between because while
happen happened happens them those these its done
""".split())
STOPWORDS = _DUTCH | _ENGLISH

# Words that only one of the two languages uses often; enough to tell a question's language.
_NL_MARKERS = _DUTCH - _ENGLISH | {"staat", "artikel", "jaar", "wil", "willen", "besloten"}
_EN_MARKERS = _ENGLISH - _DUTCH | {"article", "year", "say", "says", "said", "long", "want"}


def fold(text: str) -> str:
    """Lowercase and strip accents, so "financiële" matches "financiele"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stems(text: str) -> list[str]:
    """Content-word stems of `text` (Dutch Snowball stemmer), stopwords dropped."""
    tokens = [w for w in words(text) if w not in STOPWORDS]
    return _stemmer().stemWords(tokens)


def language(text: str) -> str:
    """Guess whether a question is Dutch ("nl") or English ("en"); Dutch when unsure."""
    tokens = words(text)
    nl = sum(t in _NL_MARKERS for t in tokens)
    en = sum(t in _EN_MARKERS for t in tokens)
    return "en" if en > nl else "nl"


# Dutch separable verbs split in a question ("trad ... aan") and join in the text ("aantreden").
SEPARABLE_PARTICLES = ("aan", "af", "bij", "door", "in", "mee", "na", "neer", "om", "op", "over", "terug",
                       "toe", "uit", "vrij", "weg")


def join_separable_verbs(question_stems: list[str], question: str, vocabulary) -> list[str]:
    """Add, for a stem the articles never use, the particle compound they do use ("aan"+"trad" → "aantred")."""
    from difflib import SequenceMatcher

    particles = [w for w in words(question) if w in SEPARABLE_PARTICLES]
    extra = []
    for stem in question_stems:
        if stem in vocabulary or not particles:
            continue
        for particle in particles:
            joined = particle + stem
            prefix = joined[: len(particle) + 2]
            matches = [v for v in vocabulary if v.startswith(prefix) and SequenceMatcher(None, joined, v).ratio() >= 0.8]
            if matches:
                extra.append(max(matches, key=lambda v: SequenceMatcher(None, joined, v).ratio()))
    return question_stems + extra
