"""Retrieval: hybrid ranking of passages and their sentences (dense FAISS + BM25, fused)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.store import PassageStore
from qa.text import join_separable_verbs, stems, words

RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al., 2009)
SECOND_SENTENCE_WEIGHT = 0.25


@dataclass(frozen=True)
class Hit:
    """A retrieved passage: its row in the store and the scores that ranked it."""

    row: int
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class Ranking:
    """Everything one question's retrieval computed, for the answer step to reuse.

    Attributes:
        hits: passages, best first.
        sentence_dense: cosine of the question with every sentence in the store.
        query_stems: the question's content-word stems.
    """

    hits: list[Hit]
    sentence_dense: np.ndarray
    query_stems: list[str]


class HybridRetriever:
    """Rank passages by dense similarity and BM25 (Dutch stems), fused by reciprocal rank.

    BM25 is rebuilt from the passages at start (milliseconds), so nothing but JSON and vectors is
    read from disk.

    Args:
        store: the passage store.
        dense_weight: weight of the dense ranking in the fusion (BM25 has at most 1 - dense_weight).
        known_power: how steeply BM25's weight falls with the share of question words no article holds.
    """

    def __init__(self, store: PassageStore, dense_weight: float = 0.6, known_power: float = 2.0):
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
        self.store = store
        self.dense_weight = dense_weight
        self.known_power = known_power
        # Parts of one split paragraph are ranked together: the paragraph is the unit of context,
        # the part is what gets cited.
        group_ids: dict[tuple[str, int], int] = {}
        for p in store.passages:
            group_ids.setdefault((p.source, p.paragraph), len(group_ids))
        self.passage_of_sentence = np.repeat(np.arange(len(store.passages)),
                                             [len(p.sentences) for p in store.passages])
        self.group_of = np.array([group_ids[(p.source, p.paragraph)] for p in store.passages], dtype=int)
        self.source_of = np.array([p.source for p in store.passages], dtype=object)
        self._groups = len(group_ids)
        group_text = [""] * self._groups
        for passage, group in zip(store.passages, self.group_of):
            group_text[group] += f" {passage.title} {passage.text}" if not group_text[group] else f" {passage.text}"
        corpus = [stems(text) or ["∅"] for text in group_text]
        self._group_stems = [set(tokens) for tokens in corpus]
        self._group_words = [set(words(text)) for text in group_text]
        self.vocabulary: set[str] = set().union(*self._group_words) if self._group_words else set()
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self.sentence_stems = []
        for passage in store.passages:
            for i in range(len(passage.sentences)):
                self.sentence_stems.append(set(stems(passage.sentence_text(i))))
        document_frequency: dict[str, int] = {}
        for tokens in corpus:
            for token in set(tokens):
                document_frequency[token] = document_frequency.get(token, 0) + 1
        self._df = document_frequency
        self._n = max(len(corpus), 1)

    def paragraph_stems(self, row: int) -> set[str]:
        """Content-word stems of the paragraph that passage `row` belongs to."""
        return self._group_stems[self.group_of[row]]

    def paragraph_words(self, row: int) -> set[str]:
        """Folded words of the paragraph that passage `row` belongs to."""
        return self._group_words[self.group_of[row]]

    def idf(self, stem: str) -> float:
        """Inverse document frequency over passages; unseen stems get the highest."""
        return float(np.log(1 + self._n / (1 + self._df.get(stem, 0))))

    def unknown_share(self, query_stems: list[str]) -> float:
        """IDF-weighted share of the question's stems that no passage contains (0 to 1)."""
        weights = [(self.idf(s), s in self._df) for s in query_stems]
        total = sum(w for w, _ in weights)
        return sum(w for w, known in weights if not known) / total if total else 0.0

    def rank(self, question_vector: np.ndarray, question: str, k: int | None = None,
             sources: set[str] | None = None) -> Ranking:
        """Rank passages for a question.

        Args:
            question_vector: the embedded question (unit vector).
            question: the question text, for BM25.
            k: how many hits to return; all passages when None.
            sources: only passages of these articles (`Document.source`); all when None.
        """
        store = self.store
        n = len(store.passages)
        sentence_dense = store.sentence_vectors @ question_vector if n else np.zeros(0)
        if n == 0:
            return Ranking([], sentence_dense, [])
        # A passage is as close as its best sentence, and a little closer when a second one agrees
        # (measured on the tuning questions: better than the pooled passage vector, most of all for
        # paraphrases, whose words the pooled vector averages away).
        best_sentence = np.maximum.reduceat(sentence_dense, store.first_sentence)
        rest = np.where(sentence_dense >= best_sentence[self.passage_of_sentence], -np.inf, sentence_dense)
        second = np.maximum.reduceat(rest, store.first_sentence)
        second = np.where(np.isfinite(second), second, best_sentence)
        passage_dense = (1 - SECOND_SENTENCE_WEIGHT) * best_sentence + SECOND_SENTENCE_WEIGHT * second
        dense = np.full(self._groups, -1.0, dtype=np.float32)
        np.maximum.at(dense, self.group_of, passage_dense)

        query_stems = join_separable_verbs(stems(question), question, self._df)
        lexical = np.zeros(self._groups, dtype=np.float32)
        if query_stems:
            lexical = np.asarray(self._bm25.get_scores(query_stems), dtype=np.float32)

        # The lexical side knows only as much as the question's words occur in the articles: little for
        # an English question over Dutch text or a paraphrase, nothing for a passage sharing no word.
        lexical_weight = (1 - self.dense_weight) * (1 - self.unknown_share(query_stems)) ** self.known_power
        lexical_rank = np.where(lexical > 0, _ranks(lexical), self._groups)
        fused = self.dense_weight / (RRF_K + _ranks(dense)) + lexical_weight / (RRF_K + lexical_rank)
        # Each part takes its paragraph's score; within a paragraph the denser part leads.
        passage_score = fused[self.group_of] + 1e-6 * passage_dense
        order = np.argsort(-passage_score, kind="stable")
        if sources is not None:
            order = order[np.isin(self.source_of[order], list(sources))]
        order = order[: k or n]
        hits = [Hit(int(r), float(passage_score[r]), float(passage_dense[r]), float(lexical[self.group_of[r]]))
                for r in order]
        return Ranking(hits, sentence_dense, query_stems)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each score, best first."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks
