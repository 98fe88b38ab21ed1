"""BM25: lexical ranking of paragraphs, brought up to date article by article instead of rebuilt.

Scores are Lucene's BM25 (Kamphuis et al., 2020), the variant bm25s computes by default, so ranking is
what it was with bm25s (a test holds the two side by side). bm25s can only index a corpus whole; an
archive of 100,000 paragraphs took it seconds for every article added. Here the postings are three flat
arrays sorted by term, so dropping documents is a mask and adding them is an insertion at sorted
positions: milliseconds, whatever the size.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

K1 = 1.5
B = 0.75


class BM25:
    """An immutable BM25 index over documents given as lists of tokens (stems).

    Build it with `BM25.build(corpus)`; `updated(keep, added)` returns the index of the documents kept
    plus those added, leaving this one untouched (a question being answered keeps the index it began with).
    """

    def __init__(self, vocabulary: dict[str, int], terms: np.ndarray, docs: np.ndarray, tf: np.ndarray,
                 lengths: np.ndarray):
        self._vocabulary = vocabulary  # term -> id; only grows (an id no document holds scores nothing)
        self._terms, self._docs, self._tf = terms, docs, tf  # one entry per (term, document), by term
        self._lengths = lengths  # tokens per document
        # Each entry's term-frequency part, computed once per index rather than once per question.
        norm = K1 * (1 - B + B * lengths / np.float32(lengths.mean())) if len(lengths) else lengths
        self._tfc = (tf / (norm[docs] + tf)).astype(np.float32) if len(tf) else tf
        self._starts = np.searchsorted(terms, np.arange(len(vocabulary) + 1, dtype=terms.dtype))

    @classmethod
    def build(cls, corpus: list[list[str]]) -> "BM25":
        """Index `corpus`, one list of tokens per document."""
        empty = cls({}, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32),
                    np.zeros(0, np.float32))
        return empty.updated(np.zeros(0, dtype=bool), corpus)

    def __len__(self) -> int:
        return len(self._lengths)

    def updated(self, keep: np.ndarray, added: list[list[str]]) -> "BM25":
        """The index of the documents where `keep` is True (renumbered in order), then `added` after them.

        Args:
            keep: one bool per document of this index.
            added: the new documents' tokens.
        """
        keep = np.asarray(keep, dtype=bool)
        vocabulary = dict(self._vocabulary)
        entry_kept = keep[self._docs] if len(self._docs) else np.zeros(0, dtype=bool)
        new_number = np.cumsum(keep, dtype=np.int64) - 1
        terms, docs, tf = self._terms[entry_kept], new_number[self._docs[entry_kept]].astype(np.int32), \
            self._tf[entry_kept]
        first = int(keep.sum())
        add_terms, add_docs, add_tf = [], [], []
        for number, tokens in enumerate(added, start=first):
            counts = Counter(tokens)
            add_terms += [vocabulary.setdefault(token, len(vocabulary)) for token in counts]
            add_tf += counts.values()
            add_docs += [number] * len(counts)
        if add_terms:
            order = np.argsort(np.asarray(add_terms, dtype=np.int32), kind="stable")
            add_terms = np.asarray(add_terms, dtype=np.int32)[order]
            at = np.searchsorted(terms, add_terms, side="right")
            terms = np.insert(terms, at, add_terms)
            docs = np.insert(docs, at, np.asarray(add_docs, dtype=np.int32)[order])
            tf = np.insert(tf, at, np.asarray(add_tf, dtype=np.float32)[order])
        lengths = np.concatenate([self._lengths[keep], np.array([len(t) for t in added], dtype=np.float32)])
        return BM25(vocabulary, terms, docs, tf, lengths)

    def scores(self, query: list[str]) -> np.ndarray:
        """The BM25 score of every document for `query` (a token repeated counts again), float32."""
        n = len(self._lengths)
        scores = np.zeros(n, dtype=np.float32)
        if not n:
            return scores
        for token in query:
            term = self._vocabulary.get(token)
            if term is None:
                continue
            start, end = self._starts[term], self._starts[term + 1]
            if start == end:
                continue
            df = end - start
            idf = np.float32(np.log(1 + (n - df + 0.5) / (df + 0.5)))
            scores[self._docs[start:end]] += idf * self._tfc[start:end]
        return scores
