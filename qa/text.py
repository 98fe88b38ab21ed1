"""Text helpers shared by retrieval and answering: tokens, stems, stopwords, the language of a text."""

from __future__ import annotations

import functools
import re
import unicodedata
from difflib import SequenceMatcher

import Stemmer

from qa import lang

_WORD = re.compile(r"\w+", re.UNICODE)

STOPWORDS = lang.STOPWORDS


_CHECKED: set[str] = set()  # the characters already looked up
_COMBINING: list[str] = []  # the combining marks among them
_MARKS = re.compile("(?!)")  # matches any of them


def fold(text: str) -> str:
    """Lowercase and strip accents, so "financiële" matches "financiele"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    if decomposed.isascii():
        return decomposed
    # Each character is looked up once per process, not once per occurrence: an archive is read whole
    # at start, and a character-by-character loop took most of that time.
    global _MARKS
    unchecked = set(decomposed) - _CHECKED
    if unchecked:
        _CHECKED.update(unchecked)
        marks = [c for c in unchecked if unicodedata.combining(c)]
        if marks:
            _COMBINING.extend(marks)
            _MARKS = re.compile("[" + "".join(re.escape(c) for c in _COMBINING) + "]")
    return _MARKS.sub("", decomposed)


@functools.lru_cache(maxsize=None)
def _stemmer(code: str):
    return Stemmer.Stemmer(lang.get(code).SNOWBALL)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def opening_words(text: str, limit: int = 90) -> str:
    """The start of a text, cut between words after at most about `limit` characters."""
    opening = " ".join(text.split())
    return opening if len(opening) <= limit else opening[:opening.rfind(" ", 0, limit - 2)] + " …"


_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?:\s|$)")


def sentence_count(text: str) -> int:
    """About how many sentences `text` has (its sentence-ending marks), read in one pass: enough to hold
    an article to a limit before it is split and embedded."""
    return sum(1 for _ in _SENTENCE_END.finditer(text)) or (1 if text.strip() else 0)


def stems(text: str, language: str = "") -> list[str]:
    """Content-word stems of `text` by the Snowball stemmer of `language` (default: the articles'
    usual language), stopwords dropped."""
    return content_stems(words(text), language)


def content_stems(folded: list[str], language: str = "") -> list[str]:
    """The stems of folded words (see `words`) in `language`, stopwords dropped."""
    return _stemmer(language or lang.ARTICLES.CODE).stemWords([w for w in folded if w not in STOPWORDS])


def language(text: str) -> str:
    """Guess a question's language code ("nl" or "en"); the articles' language when unsure."""
    return lang.detect(words(text))


ARTICLE_SAMPLE_WORDS = 800  # enough words to tell an article's language by its function words


def article_language(folded: list[str]) -> str:
    """The language an article is written in, from its folded words (its first few hundred suffice)."""
    return lang.detect(folded[:ARTICLE_SAMPLE_WORDS])


def join_separable_verbs(question_stems: list[str], question: str, vocabulary, language: str = "") -> list[str]:
    """Add, for a stem the articles never use, the particle compound they do use: Dutch separable verbs
    split in a question ("trad ... aan") and join in the text ("aantreden" → "aantred")."""
    separable = lang.get(language or lang.ARTICLES.CODE).SEPARABLE_PARTICLES
    particles = [w for w in words(question) if w in separable]
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
