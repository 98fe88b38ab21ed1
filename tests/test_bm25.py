"""BM25 scores as bm25s computes them (Lucene's variant), and updates equal to indexing from scratch."""

import bm25s
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.archive.bm25 import BM25
from qa.archive.documents import load_documents
from qa.archive.passages import split_document
from qa.text import stems
from tests.conftest import SEEDS

TOKENS = st.lists(st.sampled_from(["raad", "minister", "sanctie", "loekasjenko", "minsk", "∅", "verkiez"]),
                  min_size=1, max_size=12)


@pytest.fixture(scope="module")
def paragraphs():
    return [stems(p.text) or ["∅"] for d in load_documents(SEEDS) for p in split_document(d, 700)]


def reference(corpus):
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    return index


def test_scores_equal_bm25s_on_the_seed_article(paragraphs):
    ours, theirs = BM25.build(paragraphs), reference(paragraphs)
    for query in (["sanctie"], ["loekasjenko", "verkiez", "minsk"], ["raad", "raad"], ["onbekend"]):
        np.testing.assert_allclose(ours.scores(query), theirs.get_scores(query), rtol=1e-5, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=12), st.data())
def test_an_update_scores_as_the_same_documents_indexed_whole(corpus, data):
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(corpus), max_size=len(corpus))))
    added = data.draw(st.lists(TOKENS, max_size=5))
    query = data.draw(TOKENS)
    updated = BM25.build(corpus).updated(keep, added)
    whole = BM25.build([c for c, k in zip(corpus, keep) if k] + added)
    assert len(updated) == keep.sum() + len(added)
    np.testing.assert_allclose(updated.scores(query), whole.scores(query), rtol=1e-5, atol=1e-6)


def test_an_update_leaves_the_index_it_came_from_as_it_was(paragraphs):
    index = BM25.build(paragraphs)
    before = index.scores(["sanctie", "minsk"])
    index.updated(np.zeros(len(paragraphs), dtype=bool), [["sanctie"] * 3])
    np.testing.assert_array_equal(index.scores(["sanctie", "minsk"]), before)


def test_an_empty_index_scores_nothing():
    assert BM25.build([]).scores(["raad"]).shape == (0,)
