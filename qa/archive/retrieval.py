"""Retrieval: hybrid ranking of passages and their sentences (dense + BM25, fused).

The vector index proposes a few dozen candidate passages, BM25 a few dozen more; sentences are scored
only for those, so a question costs about the same over one article as over an archive.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from dataclasses import dataclass
from itertools import chain

import numpy as np

from qa import lang
from qa.archive.bm25 import BM25
from qa.archive.store import PassageStore
from qa.text import (
    ARTICLE_SAMPLE_WORDS,
    article_language,
    content_stems,
    join_separable_verbs,
    stems,
    words,
)

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
        stems_by_language: the question's content-word stems by the stemmer of each language the
            articles are written in.
    """

    hits: list[Hit]
    sentence_dense: dict[int, float]
    stems_by_language: dict[str, list[str]]

    def query_stems(self, language: str) -> list[str]:
        """The question's stems, as an article in `language` is stemmed."""
        if language in self.stems_by_language:
            return self.stems_by_language[language]
        return next(iter(self.stems_by_language.values()), [])


@dataclass(frozen=True)
class ArticleAnalysis:
    """The text analysis of one article's passages, done once and reused while the article is unchanged.

    Attributes:
        passages: the passages analysed (to recognise the article unchanged).
        language: the article's language, whose stemmer stems it.
        paragraph: for each passage, its paragraph's number within the article (0, 1, …).
        tokens: each paragraph's stems in order (title first), for BM25.
        stems: each paragraph's stems as a set.
        words: each paragraph's folded words.
        sentence_stems: for each passage, the stems of each of its sentences.
    """

    passages: tuple
    language: str
    paragraph: tuple[int, ...]
    tokens: tuple[list[str], ...]
    stems: tuple[set[str], ...]
    words: tuple[set[str], ...]
    sentence_stems: tuple[tuple[set[str], ...], ...]

    @classmethod
    def of(cls, passages: tuple) -> "ArticleAnalysis":
        # A paragraph's words are its title's and its sentences' (sentences cover a passage's text but for
        # the spaces between them), so each text is read once: this is most of an archive's start-up.
        numbers: dict[int, int] = {}
        tokens: list[list[str]] = []
        found: list[set[str]] = []
        sentence_stems = []
        titles: dict[str, list[str]] = {}
        sentence_words = [[words(p.sentence_text(i)) for i in range(len(p.sentences))] for p in passages]
        language = article_language(_first_words(sentence_words))
        for passage, sentences in zip(passages, sentence_words):
            stemmed = [content_stems(w, language) for w in sentences]
            sentence_stems.append(tuple(set(s) for s in stemmed))
            if _covered(passage):
                text_words, text_stems = [w for s in sentences for w in s], [t for s in stemmed for t in s]
            else:
                text_words = words(passage.text)
                text_stems = content_stems(text_words, language)
            if passage.paragraph not in numbers:
                if passage.title not in titles:
                    titles[passage.title] = words(passage.title)
                numbers[passage.paragraph] = len(tokens)
                tokens.append(content_stems(titles[passage.title], language))
                found.append(set(titles[passage.title]))
            tokens[numbers[passage.paragraph]] += text_stems
            found[numbers[passage.paragraph]].update(text_words)
        tokens = [t or ["∅"] for t in tokens]
        return cls(passages, language, tuple(numbers[p.paragraph] for p in passages), tuple(tokens),
                   tuple(set(t) for t in tokens), tuple(found), tuple(sentence_stems))

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every folded word of the article, title included."""
        return frozenset(chain.from_iterable(self.words))


def _first_words(sentence_words: list[list[list[str]]]) -> list[str]:
    """The article's first words, as many as its language is told by."""
    found: list[str] = []
    for sentences in sentence_words:
        for sentence in sentences:
            found += sentence
            if len(found) >= ARTICLE_SAMPLE_WORDS:
                return found
    return found


def _covered(passage) -> bool:
    """Whether a passage's sentences hold all of its text but white space."""
    return sum(len("".join(passage.sentence_text(i).split())) for i in range(len(passage.sentences))) \
        == len("".join(passage.text.split()))


class HybridRetriever:
    """Rank passages by dense similarity and BM25 (each article stemmed in its own language), fused by
    reciprocal rank.

    The text analysis (stems, BM25) is built from the passages at start, so nothing but JSON and vectors
    is read from disk. Given the retriever it replaces, it reuses the analysis of every unchanged article
    and updates BM25 and the term counts by the articles added and removed, so that adding an article to
    an archive costs about the same whatever the archive's size.

    Args:
        store: the passage store.
        dense_weight: weight of the dense ranking in the fusion (BM25 has at most 1 - dense_weight).
        known_power: how steeply BM25's weight falls with the share of question words no article holds.
        previous: the retriever this one replaces, whose text analysis it reuses.
        only: the articles (`Document.source`) it ranks and counts; None: all of the store's. The others'
            words shape no statistic here (IDF, BM25, vocabulary): a private upload stays out of what
            public questions see.
    """

    def __init__(self, store: PassageStore, dense_weight: float = 0.6, known_power: float = 2.0,
                 previous: "HybridRetriever | None" = None, only: set[str] | None = None):
        self.store = store
        self.dense_weight = dense_weight
        self.known_power = known_power
        self.only = None if only is None else frozenset(only)
        old = previous._articles if previous is not None else {}
        self._articles: dict[str, ArticleAnalysis] = {}
        for source, rows in store.article_rows.items():
            if self.only is not None and source not in self.only:
                continue
            passages = tuple(store.passages[rows.start:rows.stop])
            known = old.get(source)
            self._articles[source] = known if known is not None and known.passages == passages \
                else ArticleAnalysis.of(passages)
        self._index_paragraphs(previous, {s for s, a in self._articles.items() if old.get(s) is a})
        # group_of[row]: the paragraph passage `row` belongs to; -1 for the articles left out.
        self.group_of = np.full(len(store.passages), -1, dtype=np.int64)
        for source, analysis in self._articles.items():
            rows = store.article_rows[source]
            self.group_of[rows.start:rows.stop] = self._first_group[source] + np.asarray(analysis.paragraph)
        # The rows of group g are _by_group[_group_start[g]:_group_start[g + 1]] (arrays, not a list per
        # group: a hundred thousand small lists cost more in garbage collection than in building).
        self._by_group = np.argsort(self.group_of, kind="stable")
        self._group_start = np.searchsorted(self.group_of[self._by_group], np.arange(self._groups + 1))
        # sentence_stems[row][i]: the stems of sentence i of passage `row`.
        self.sentence_stems: list[tuple[set[str], ...]] = [()] * len(store.passages)
        for source, analysis in self._articles.items():
            rows = store.article_rows[source]
            self.sentence_stems[rows.start:rows.stop] = analysis.sentence_stems
        self._n = max(self._groups, 1)

    def _index_paragraphs(self, previous: "HybridRetriever | None", kept: set[str]) -> None:
        """Number the paragraphs, index them for BM25 and count their terms: from `previous`, taking out the
        articles not `kept` and putting in the new ones; from nothing when there is no previous.

        Paragraphs are numbered as BM25 numbers its documents: the kept ones in their old order, then the
        new ones. (Parts of one split paragraph are ranked together: the paragraph is the unit of context,
        the part is what gets cited.)
        """
        old = previous._articles if previous is not None else {}
        self._first_group: dict[str, int] = {}
        if previous is not None:
            keep = np.zeros(previous._groups, dtype=bool)
            for source in kept:
                start = previous._first_group[source]
                keep[start:start + len(old[source].tokens)] = True
            renumbered = np.cumsum(keep) - 1
            for source in kept:
                self._first_group[source] = int(renumbered[previous._first_group[source]])
            self._group_stems = [g for g, k in zip(previous._group_stems, keep) if k]
            group_language = [g for g, k in zip(previous._group_language, keep) if k]
            self._group_words = [g for g, k in zip(previous._group_words, keep) if k]
            self.df, self._words = Counter(previous.df), Counter(previous._words)
        else:
            keep = np.zeros(0, dtype=bool)
            self._group_stems, self._group_words, self.df, self._words = [], [], Counter(), Counter()
            group_language = []
        for analysis in (a for s, a in old.items() if s not in kept):
            _count(self.df, analysis.stems, -1)
            _count(self._words, analysis.words, -1)
        added: list[list[str]] = []
        for source, analysis in self._articles.items():
            if source not in kept:
                self._first_group[source] = len(self._group_stems)
                added += analysis.tokens
                self._group_stems += analysis.stems
                self._group_words += analysis.words
                group_language += [analysis.language] * len(analysis.stems)
                _count(self.df, analysis.stems, 1)
                _count(self._words, analysis.words, 1)
        self.bm25 = previous.bm25.updated(keep, added) if previous is not None else BM25.build(added)
        self._groups = len(self._group_stems)
        self._group_language = np.array(group_language, dtype="U8")
        self.languages = sorted(set(group_language)) or [lang.ARTICLES.CODE]
        # Which paragraphs each language's stems score, worked out once rather than per question.
        self._in_language = {code: self._group_language == code for code in self.languages} \
            if len(self.languages) > 1 else {}

    @property
    def vocabulary(self) -> dict[str, int]:
        """Every folded word of the articles (with the number of paragraphs that hold it)."""
        return self._words

    @functools.cached_property
    def _sorted_words(self) -> list[str]:
        return sorted(self._words)

    def starts_a_word(self, prefix: str) -> bool:
        """Whether some folded word of the articles starts with `prefix` (a binary search, not a scan)."""
        found = self._sorted_words
        k = bisect.bisect_left(found, prefix)
        return k < len(found) and found[k].startswith(prefix)

    def language_of(self, row: int) -> str:
        """The language of the article that passage `row` belongs to."""
        return str(self._group_language[self.group_of[row]])

    def paragraph_stems(self, row: int) -> set[str]:
        """Content-word stems of the paragraph that passage `row` belongs to."""
        return self._group_stems[self.group_of[row]]

    def article_words(self, row: int) -> frozenset[str]:
        """Folded words of the whole article that passage `row` belongs to."""
        return self._articles[self.store.passages[row].source].vocabulary

    def paragraph_words(self, row: int) -> set[str]:
        """Folded words of the paragraph that passage `row` belongs to."""
        return self._group_words[self.group_of[row]]

    def idf(self, stem: str) -> float:
        """Inverse document frequency over passages; unseen stems get the highest."""
        return float(np.log(1 + self._n / (1 + self.df.get(stem, 0))))

    def max_idf(self) -> float:
        """The IDF of a stem no passage holds: the highest there is."""
        return float(np.log(1 + self._n))

    def unknown_share(self, query_stems: list[str]) -> float:
        """IDF-weighted share of the question's stems that no passage contains (0 to 1)."""
        weights = [(self.idf(s), s in self.df) for s in query_stems]
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
        if self.only is not None:
            sources = set(self.only) if sources is None else set(sources) & self.only
        by_language = {code: join_separable_verbs(stems(question, code), question, self.df, code)
                       for code in self.languages}
        # Every language's stems, once each, in the question's order: for a backend's own BM25.
        query_stems = list(dict.fromkeys(s for found in by_language.values() for s in found))
        if n == 0:
            return Ranking([], {}, by_language)
        allowed_groups = None
        if sources is not None:
            allowed_groups = np.zeros(self._groups, dtype=bool)
            allowed_rows = np.zeros(n, dtype=bool)
            for found in (store.article_rows.get(source) for source in sources):
                if found:
                    allowed_rows[found.start:found.stop] = True
            allowed_groups[self.group_of[allowed_rows]] = True
        lexical = np.zeros(self._groups, dtype=np.float32)
        for code, found in by_language.items():
            if found:
                scores = self.bm25.scores(found)
                lexical = np.where(self._in_language[code], scores, lexical) if self._in_language else scores

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
        rows = np.sort(np.concatenate([self._by_group[self._group_start[g]:self._group_start[g + 1]]
                                       for g in groups])) if groups else np.zeros(0, dtype=np.int64)
        if not len(rows):
            return Ranking([], {}, by_language)

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
        unknown = min(self.unknown_share(found) for found in by_language.values())
        lexical_weight = (1 - self.dense_weight) * (1 - unknown) ** self.known_power
        lexical_rank = np.where(candidate_lexical > 0, _ranks(candidate_lexical), self._groups)
        fused = self.dense_weight / (RRF_K + _ranks(dense)) + lexical_weight / (RRF_K + lexical_rank)
        # Each part takes its paragraph's score; within a paragraph the denser part leads.
        passage_score = fused[local_group] + 1e-6 * passage_dense
        order = np.argsort(-passage_score, kind="stable")
        if sources is not None:
            order = order[allowed_rows[rows[order]]]
        order = order[: k or len(order)]
        hits = [Hit(int(rows[i]), float(passage_score[i]), float(passage_dense[i]),
                    float(candidate_lexical[local_group[i]])) for i in order]
        return Ranking(hits, dict(zip(sentence_index.tolist(), dense_of_sentence.tolist())), by_language)


def _count(counts: Counter, sets: tuple[set[str], ...], sign: int) -> None:
    """Add (`sign` 1) or take away (-1) one to the count of each term for each set holding it."""
    if sign > 0:
        counts.update(chain.from_iterable(sets))
        return
    for found in sets:
        for term in found:
            left = counts[term] - 1
            if left:
                counts[term] = left
            else:
                del counts[term]


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each score, best first."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks
