"""Text helpers shared by retrieval and answering: tokens, stems, stopwords, question language."""

from __future__ import annotations

import functools
import re
import unicodedata

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


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer(lang.ARTICLES.SNOWBALL)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?:\s|$)")


def sentence_count(text: str) -> int:
    """About how many sentences `text` has (its sentence-ending marks), read in one pass: enough to hold
    an article to a limit before it is split and embedded."""
    return sum(1 for _ in _SENTENCE_END.finditer(text)) or (1 if text.strip() else 0)


def stems(text: str) -> list[str]:
    """Content-word stems of `text` (the Snowball stemmer of the articles' language), stopwords dropped."""
    return content_stems(words(text))


def content_stems(folded: list[str]) -> list[str]:
    """The stems of folded words (see `words`), stopwords dropped."""
    return _stemmer().stemWords([w for w in folded if w not in STOPWORDS])


def language(text: str) -> str:
    """Guess a question's language code ("nl" or "en"); the articles' language when unsure."""
    return lang.detect(words(text))


# Dutch separable verbs split in a question ("trad ... aan") and join in the text ("aantreden").
SEPARABLE_PARTICLES = lang.ARTICLES.SEPARABLE_PARTICLES


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
