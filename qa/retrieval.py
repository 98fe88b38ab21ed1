"""Retrieval: hybrid ranking of passages and their sentences (dense + BM25, fused).

The vector index proposes a few dozen candidate passages, BM25 a few dozen more; sentences are scored
only for those, so a question costs about the same over one article as over an archive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.store import PassageStore
from qa.text import join_separable_verbs, stems, words

RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al., 2009)
SECOND_SENTENCE_WEIGHT = 0.25
CANDIDATES = 100  # passages asked of the vector index, and paragraphs taken from BM25


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
        sentence_dense: cosine of the question with each sentence of the candidate passages, by the
            sentence's index in the store.
        query_stems: the question's content-word stems.
    """

    hits: list[Hit]
    sentence_dense: dict[int, float]
    query_stems: list[str]


class HybridRetriever:
    """Rank passages by dense similarity and BM25 (Dutch stems), fused by reciprocal rank.

    BM25 is rebuilt from the passages at start (milliseconds for an article, a minute for 100,000
    passages), so nothing but JSON and vectors is read from disk. Given the retriever it replaces, it
    reuses the stems of every paragraph and sentence whose text is unchanged, so that adding an article
    to an archive analyses that article alone.

    Args:
        store: the passage store.
        dense_weight: weight of the dense ranking in the fusion (BM25 has at most 1 - dense_weight).
        known_power: how steeply BM25's weight falls with the share of question words no article holds.
        previous: the retriever this one replaces, whose text analysis it reuses.
    """

    def __init__(self, store: PassageStore, dense_weight: float = 0.6, known_power: float = 2.0,
                 previous: "HybridRetriever | None" = None):
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
        self.group_of = np.array([group_ids[(p.source, p.paragraph)] for p in store.passages], dtype=int)
        self.source_of = np.array([p.source for p in store.passages], dtype=object)
        self.rows_of_group: list[list[int]] = [[] for _ in group_ids]
        for row, group in enumerate(self.group_of):
            self.rows_of_group[group].append(row)
        self._groups = len(group_ids)
        group_text = [""] * self._groups
        for passage, group in zip(store.passages, self.group_of):
            group_text[group] += f" {passage.title} {passage.text}" if not group_text[group] else f" {passage.text}"
        known_groups = previous._analysed_groups if previous is not None else {}
        known_sentences = previous._analysed_sentences if previous is not None else {}
        self._analysed_groups: dict[str, tuple[list[str], set[str]]] = {}
        self._analysed_sentences: dict[str, set[str]] = {}
        for text in group_text:
            found = known_groups.get(text) or (stems(text) or ["∅"], set(words(text)))
            self._analysed_groups[text] = found
        corpus = [self._analysed_groups[text][0] for text in group_text]
        self._group_stems = [set(tokens) for tokens in corpus]
        self._group_words = [self._analysed_groups[text][1] for text in group_text]
        self.vocabulary: set[str] = set().union(*self._group_words) if self._group_words else set()
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self.sentence_stems = []
        for passage in store.passages:
            for i in range(len(passage.sentences)):
                text = passage.sentence_text(i)
                found = known_sentences.get(text)
                if found is None:
                    found = set(stems(text))
                self._analysed_sentences[text] = found
                self.sentence_stems.append(found)
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
        query_stems = join_separable_verbs(stems(question), question, self._df)
        if n == 0:
            return Ranking([], {}, query_stems)
        allowed_groups = None
        if sources is not None:
            allowed_groups = np.zeros(self._groups, dtype=bool)
            allowed_groups[self.group_of[np.isin(self.source_of, list(sources))]] = True
        lexical = np.zeros(self._groups, dtype=np.float32)
        if query_stems:
            lexical = np.asarray(self._bm25.get_scores(query_stems), dtype=np.float32)

        # Candidates: the nearest passages by their pooled vectors, and the best paragraphs by BM25 (the
        # index's own BM25 where it has one), each with the other parts of its paragraph.
        ids = None if sources is None else store.ids_of(sources)
        groups = {self.group_of[row] for row, _ in store.search_vector(question_vector, CANDIDATES, ids)}
        own = store.vectors.lexical(query_stems, CANDIDATES, ids) if query_stems else []
        if own is not None:
            groups |= {self.group_of[store.row_of[i]] for i, _ in own if i in store.row_of}
        else:
            ranked = np.argsort(-lexical, kind="stable")
            if allowed_groups is not None:
                ranked = ranked[allowed_groups[ranked]]
            groups |= {int(g) for g in ranked[:CANDIDATES] if lexical[g] > 0}
        rows = np.array(sorted(r for g in groups for r in self.rows_of_group[g]), dtype=np.int64)
        if not len(rows):
            return Ranking([], {}, query_stems)

        # A passage is as close as its best sentence, and a little closer when a second one agrees
        # (measured on the tuning questions: better than the pooled passage vector, most of all for
        # paraphrases, whose words the pooled vector averages away).
        counts = np.array([len(store.passages[r].sentences) for r in rows])
        sentence_index = np.concatenate([np.arange(store.first_sentence[r], store.first_sentence[r] + c)
                                         for r, c in zip(rows, counts)])
        dense_of_sentence = np.asarray(store.sentence_vectors[sentence_index], dtype=np.float32) @ question_vector
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        best_sentence = np.maximum.reduceat(dense_of_sentence, starts)
        owner = np.repeat(np.arange(len(rows)), counts)
        rest = np.where(dense_of_sentence >= best_sentence[owner], -np.inf, dense_of_sentence)
        second = np.maximum.reduceat(rest, starts)
        second = np.where(np.isfinite(second), second, best_sentence)
        passage_dense = (1 - SECOND_SENTENCE_WEIGHT) * best_sentence + SECOND_SENTENCE_WEIGHT * second

        candidate_groups = np.array(sorted(groups), dtype=np.int64)
        position = {int(g): i for i, g in enumerate(candidate_groups)}
        local_group = np.array([position[int(self.group_of[r])] for r in rows])
        dense = np.full(len(candidate_groups), -1.0, dtype=np.float32)
        np.maximum.at(dense, local_group, passage_dense)
        candidate_lexical = lexical[candidate_groups]

        # The lexical side knows only as much as the question's words occur in the articles: little for
        # an English question over Dutch text or a paraphrase, nothing for a passage sharing no word.
        lexical_weight = (1 - self.dense_weight) * (1 - self.unknown_share(query_stems)) ** self.known_power
        lexical_rank = np.where(candidate_lexical > 0, _ranks(candidate_lexical), self._groups)
        fused = self.dense_weight / (RRF_K + _ranks(dense)) + lexical_weight / (RRF_K + lexical_rank)
        # Each part takes its paragraph's score; within a paragraph the denser part leads.
        passage_score = fused[local_group] + 1e-6 * passage_dense
        order = np.argsort(-passage_score, kind="stable")
        if sources is not None:
            order = order[np.isin(self.source_of[rows[order]], list(sources))]
        order = order[: k or len(order)]
        hits = [Hit(int(rows[i]), float(passage_score[i]), float(passage_dense[i]),
                    float(candidate_lexical[local_group[i]])) for i in order]
        return Ranking(hits, dict(zip(sentence_index.tolist(), dense_of_sentence.tolist())), query_stems)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each score, best first."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks
