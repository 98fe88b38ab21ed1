"""One contract for every vector index: FAISS exact, FAISS approximate and Milvus (milvus-lite), on real
embedded passages."""

import numpy as np
import pytest

from qa.archive import vectors
from qa.archive.documents import parse
from qa.archive.passages import split_document
from qa.bench import sets
from qa.text import stems

KINDS = list(vectors.BACKENDS)  # every registered backend passes the same contract


@pytest.fixture(scope="module")
def corpus(embedder):
    """Passages of six XQuAD-nl articles and the seed, embedded by the bundled model (pooled sentences)."""
    files = sorted((sets.XQUAD_DIR / "docs").glob("*.txt"))[:6] + sorted(sets.SEED_DIR.glob("*.txt"))
    passages = [p for f in files for p in split_document(parse(f.name, f.read_text("utf-8")), 700)]
    matrix = embedder.embed_passages([p.text for p in passages])
    return {"ids": vectors.passage_ids([p.id for p in passages]), "vectors": matrix,
            "sources": [p.source for p in passages], "texts": [" ".join(stems(p.text)) for p in passages],
            "passages": passages}


@pytest.fixture(params=KINDS)
def index(request, corpus, tmp_path):
    made = vectors.create(request.param, corpus["vectors"].shape[1], tmp_path)
    made.add(corpus["ids"], corpus["vectors"], corpus["sources"], corpus["texts"])
    yield made
    made.close()


def brute_force(corpus, vector, k, keep=None):
    scores = corpus["vectors"] @ vector
    order = [i for i in np.argsort(-scores) if keep is None or corpus["ids"][i] in keep]
    return [int(corpus["ids"][i]) for i in order[:k]]


def test_it_holds_what_was_added_and_finds_each_passage_by_its_own_vector(index, corpus):
    assert len(index) == len(corpus["ids"])
    for i in range(0, len(corpus["ids"]), 7):
        (found, cosine), *_ = index.search(corpus["vectors"][i], 3)
        assert found == corpus["ids"][i] and cosine == pytest.approx(1.0, abs=1e-3)


def test_it_finds_what_exact_search_finds_for_real_questions(index, corpus, embedder):
    questions = ["Wie won de Super Bowl?", "Wat willen de EU-ministers?", "Hoeveel mensen wonen er?",
                 "Wanneer werd de universiteit gesticht?", "What did the Kremlin say?"]
    recall = []
    for question in questions:
        vector = embedder.embed_question(question)
        expected = brute_force(corpus, vector, 10)
        recall.append(len(set(expected) & {i for i, _ in index.search(vector, 10)}) / 10)
    assert np.mean(recall) >= 0.98


def test_a_search_can_be_limited_to_some_articles(index, corpus, embedder):
    source = corpus["sources"][-1]
    keep = {int(i) for i, s in zip(corpus["ids"], corpus["sources"]) if s == source}
    vector = embedder.embed_question("Wie won de Super Bowl?")
    found = index.search(vector, 5, np.array(sorted(keep), dtype=np.int64))
    assert found and {i for i, _ in found} <= keep
    assert [i for i, _ in found] == brute_force(corpus, vector, 5, keep)


def test_an_article_is_removed_and_added_again_alone(index, corpus):
    source = corpus["sources"][0]
    gone = np.array([i for i, s in zip(corpus["ids"], corpus["sources"]) if s == source], dtype=np.int64)
    index.delete(gone)
    assert len(index) == len(corpus["ids"]) - len(gone)
    first = corpus["vectors"][0]
    assert all(i not in set(gone.tolist()) for i, _ in index.search(first, 20))
    rows = [r for r, s in enumerate(corpus["sources"]) if s == source]
    index.add(gone, corpus["vectors"][rows], [source] * len(rows), [corpus["texts"][r] for r in rows])
    assert len(index) == len(corpus["ids"]) and index.search(first, 1)[0][0] == corpus["ids"][0]


def test_what_is_saved_loads_with_the_same_answers(index, corpus, tmp_path, embedder):
    vector = embedder.embed_question("Wat willen de EU-ministers?")
    before = index.search(vector, 5)
    written = index.save(tmp_path, "passages-test")
    loaded = vectors.backend(index.kind).load(tmp_path, "passages-test", index.dim,
                                             **({"uri": index.uri} if index.kind == "milvus" else {}))
    assert len(loaded) == len(index)
    assert [i for i, _ in loaded.search(vector, 5)] == [i for i, _ in before]
    assert all((tmp_path / name).exists() for name in written)


def test_only_milvus_ranks_lexically_itself_and_then_by_the_question_stems(index, corpus):
    result = index.lexical(stems("Welke sancties?"), 5)
    if index.kind != "milvus":
        assert result is None
        return
    holding = {int(i) for i, p in zip(corpus["ids"], corpus["passages"]) if "sanctie" in p.text.lower()}
    assert holding and {i for i, _ in result} == holding  # every passage with the word, and only those


def test_auto_takes_exact_search_for_small_collections_and_approximate_for_large_ones():
    assert vectors.resolve("auto", 10) == "exact"
    assert vectors.resolve("auto", vectors.ANN_FROM) == "ann"
    with pytest.raises(ValueError, match="unknown vector index"):
        vectors.resolve("annoy", 10)


@pytest.mark.parametrize("kind", ["exact", "ann"])
def test_at_a_size_where_the_approximate_index_probes_a_few_of_its_lists_it_still_finds_the_nearest(
        kind, tmp_path):
    """5,000 vectors around 100 topics: the IVF index has more lists than it probes, so what it finds is
    no flat scan by construction."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(100, 384))
    data = centres[rng.integers(0, 100, 5000)] + 0.6 * rng.normal(size=(5000, 384))
    data = (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)
    ids = np.arange(1, 5001, dtype=np.int64)
    index = vectors.create(kind, 384, tmp_path)
    index.add(ids, data, [f"a{i % 50}.txt" for i in range(5000)], [""] * 5000)
    if kind == "ann":
        assert index.index.nlist > index.nprobe  # it looks in some lists, not all
    questions = centres[rng.integers(0, 100, 40)] + 0.6 * rng.normal(size=(40, 384))
    recall = []
    for question in (questions / np.linalg.norm(questions, axis=1, keepdims=True)).astype(np.float32):
        expected = set(ids[np.argsort(-(data @ question))[:10]].tolist())
        recall.append(len(expected & {i for i, _ in index.search(question, 10)}) / 10)
    assert np.mean(recall) >= 0.95
    index.close()


def test_one_registry_feeds_create_backend_and_the_command_lines_choices(tmp_path):
    """A backend registered once is offered by `--vector-index`, made by `create` and found by `backend`."""
    from qa.archive.vectors.faiss_exact import FaissExact
    from qa.faces import cli

    class Plain(FaissExact):
        kind = "plain-test"

    vectors.register(Plain)
    try:
        assert "plain-test" in vectors.kinds() and vectors.backend("plain-test") is Plain
        made = vectors.create("plain-test", 4, tmp_path)
        assert isinstance(made, Plain) and len(made) == 0
        assert cli.build_parser().parse_args(["--vector-index", "plain-test", "list"]).vector_index == "plain-test"
    finally:
        vectors.BACKENDS.pop("plain-test")
    assert "plain-test" not in vectors.kinds()
    with pytest.raises(ValueError, match="unknown vector index"):
        vectors.create("plain-test", 4, tmp_path)
