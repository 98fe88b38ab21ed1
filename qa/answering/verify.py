"""Verify: keep only generated sentences whose `[n]` markers name given passages that support them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from qa import lang
from qa.archive.passages import split_sentences
from qa.text import fold, language, stems, words

# Calibrated on 11 hand-written supported paraphrases (Dutch and English) and 8 unsupported claims about
# the seed article (tests/test_verify.py has them): supported claims scored 0.80-0.91, unsupported
# 0.79-0.87; 0.83 keeps 9 of 11 supported and, with the checks below, lets none of the 8 unsupported
# through. Cosine alone cannot tell a claim from its contradiction ("doubled" for "less and less"), so it
# is one check of several.
SUPPORT_THRESHOLD = 0.83
# A Dutch claim over a Dutch passage must also reuse most of its content words.
MIN_WORD_COVERAGE = 0.8
_META = re.compile(r"\b(" + "|".join(lang.in_any_language("DETERMINERS")) + r") (" + "|".join(
    lang.in_any_language("META_WORDS")) + r")\b", re.IGNORECASE)
_NEGATIONS = frozenset().union(*(m.NEGATIONS for m in lang.LANGUAGES.values()))

_MARKER = re.compile(r"\s*\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'-]+")
_NOT_NAMES = lang.STOPWORDS | lang.in_any_language("NOT_NAMES")  # capitalised at a sentence's start


@dataclass
class Verdict:
    """The verifier's judgement of one generated sentence."""

    sentence: str
    kept: bool
    cites: list[int] = field(default_factory=list)  # 1-based passage numbers as in the prompt
    reason: str = ""
    similarity: float = 0.0
    quote: int = 0  # index of the sentence of the (first) cited passage closest to the claim


def split_generated(text: str) -> list[str]:
    """Sentences of a generated answer; a marker after the full stop stays with its sentence."""
    text = " ".join(text.split())
    text = re.sub(r"([.!?])((?:\s*\[\d+\])+)", lambda m: m.group(2) + m.group(1), text)
    return [text[s:e].strip() for s, e in split_sentences(text) if text[s:e].strip()]


def markers(sentence: str) -> list[int]:
    return [int(n) for n in _MARKER.findall(sentence)]


def strip_markers(sentence: str) -> str:
    return _MARKER.sub("", sentence).strip()


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".").rstrip(".") for n in _NUMBER.findall(text)}


def _names(sentence: str) -> set[str]:
    names = set()
    for word in _NAME.findall(sentence):
        word = re.sub(r"['’]s$", "", word)
        # "EU-ministers": each part of a hyphenated name is looked up on its own.
        names |= {part for part in word.split("-") if part[:1].isupper() and fold(part) not in _NOT_NAMES}
    return names


def name_occurs(name: str, passage: str) -> bool:
    folded = fold(name)
    text = fold(passage)
    if folded in text or lang.to_articles(folded) in text:
        return True
    # Transliterations differ a little (Lukashenko/Loekasjenko): allow near matches on the same initial.
    words = set(re.findall(r"\w[\w'-]+", text))
    return any(w[0] == folded[0] and SequenceMatcher(None, folded, w).ratio() >= 0.65 for w in words)


def check_facts(sentence: str, passage: str) -> str:
    """"" when every number and name of `sentence` occurs in `passage` and, in the articles' language, most of its
    words do, with the same polarity; else why not."""
    plain = strip_markers(sentence)
    missing = _numbers(plain) - _numbers(passage)
    if missing:
        return f"number {sorted(missing)[0]} not in the cited passage"
    for name in _names(plain):
        if not name_occurs(name, passage):
            return f"name {name} not in the cited passage"
    if bool(_NEGATIONS & set(words(plain))) and not _NEGATIONS & set(words(passage)):
        return "denies what the cited passage does not"
    if language(plain) == lang.ARTICLES.CODE:  # a sentence in the articles' language shares their words
        claim = set(stems(plain))
        if claim and len(claim & set(stems(passage))) / len(claim) < MIN_WORD_COVERAGE:
            return "words not in the cited passage"
    return ""


class Verifier:
    """Checks generated sentences against the passages they cite.

    Args:
        embed: embeds a text as a unit vector (the engine's question embedder).
        passages: the passage texts given to the model, numbered from 1 in this order.
        sentence_vectors: for each passage, an array of its sentences' unit vectors.
        threshold: least cosine between a claim and some sentence of its passage.
    """

    def __init__(self, embed, passages: list[str], sentence_vectors: list[np.ndarray],
                 threshold: float = SUPPORT_THRESHOLD):
        self.embed = embed
        self.passages = passages
        self.sentence_vectors = sentence_vectors
        self.threshold = threshold
        self._seen: set[str] = set()

    def _support(self, claim_vector: np.ndarray, sentence: str, n: int) -> tuple[float, str]:
        """(similarity, failure reason or "") of `sentence` against passage `n`."""
        similarity = float(np.max(self.sentence_vectors[n - 1] @ claim_vector))
        reason = check_facts(sentence, self.passages[n - 1])
        if not reason and similarity < self.threshold:
            reason = f"not close to anything passage [{n}] says ({similarity:.2f})"
        return similarity, reason

    def _closest(self, claim_vector: np.ndarray, n: int) -> int:
        return int(np.argmax(self.sentence_vectors[n - 1] @ claim_vector))

    def check(self, sentence: str) -> Verdict:
        """Keep, repair (re-cite) or drop one generated sentence."""
        cited = markers(sentence)
        plain = strip_markers(sentence)
        if not plain:
            return Verdict(sentence, False, [], "empty")
        if plain.rstrip().endswith("?"):
            return Verdict(sentence, False, cited, "a question, not an answer")
        if _META.search(plain):
            return Verdict(sentence, False, cited, "speaks of the passages, not of the article's content")
        key = " ".join(fold(plain).split())
        if key in self._seen:
            return Verdict(sentence, False, cited, "repeats an earlier sentence")
        self._seen.add(key)
        invalid = [n for n in cited if not 1 <= n <= len(self.passages)]
        claim = self.embed(plain)
        valid = [n for n in dict.fromkeys(cited) if n not in invalid]
        results = {n: self._support(claim, plain, n) for n in valid}
        supported = [n for n, (_, reason) in results.items() if not reason]
        if supported and not invalid:
            best = max(results[n][0] for n in supported)
            return Verdict(sentence, True, supported, "", best, self._closest(claim, supported[0]))
        # Repair: the passage that does support the claim, if any, becomes its citation.
        others = {n: self._support(claim, plain, n) for n in range(1, len(self.passages) + 1) if n not in results}
        candidates = {**results, **others}
        good = [(sim, n) for n, (sim, reason) in candidates.items() if not reason]
        if good:
            similarity, n = max(good)
            why = "re-cited" if cited else "citation added"
            return Verdict(sentence, True, [n], why, similarity, self._closest(claim, n))
        if invalid:
            reason = f"marker [{invalid[0]}] names no given passage"
        elif not cited:
            reason = "no citation, and no passage supports it"
        else:
            reason = results[cited[0]][1] if cited[0] in results else "unsupported"
        return Verdict(sentence, False, cited, reason, max((s for s, _ in candidates.values()), default=0.0))
