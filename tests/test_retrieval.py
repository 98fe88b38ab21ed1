"""Hybrid retrieval: dense and BM25 rankings fused, each covering the other's blind spot."""

import numpy as np

from qa.archive.retrieval import HybridRetriever


def _paragraphs(engine, question, retriever=None):
    retriever = retriever or engine.retriever
    ranking = retriever.rank(engine.embedder.embed_question(question), question, k=3)
    return [retriever.store.passages[h.row].paragraph for h in ranking.hits]


def test_dutch_question_finds_its_paragraph_first(engine):
    assert _paragraphs(engine, "Wat willen de ministers van Buitenlandse Zaken van de EU-lidstaten?")[0] == 9
    assert _paragraphs(engine, "Wie heeft de demonstranten opgepakt?")[0] == 7


def test_english_question_over_dutch_text_is_carried_by_the_dense_side(engine):
    # BM25 sees no shared word here; the multilingual embedding still finds the paragraph.
    question = "What do the foreign ministers of the EU member states want to impose?"
    dense_only = HybridRetriever(engine.retriever.store, dense_weight=1.0)
    assert 9 in _paragraphs(engine, question, dense_only)
    assert 9 in _paragraphs(engine, question)


def test_bm25_uses_dutch_stems(engine):
    scores = engine.retriever.bm25.scores(["sanctie"])  # "sancties" stems to "sanctie"
    assert scores[8] > 0 and np.count_nonzero(scores) == 1


def test_fusion_ranks_every_passage_once(engine):
    ranking = engine.retriever.rank(engine.embedder.embed_question("Minsk"), "Minsk")
    rows = [h.row for h in ranking.hits]
    assert sorted(rows) == list(range(len(engine.retriever.store.passages)))
    scores = [h.score for h in ranking.hits]
    assert scores == sorted(scores, reverse=True)


def test_split_dutch_verbs_find_their_joined_form():
    from qa.text import join_separable_verbs, stems

    question = "In welk jaar trad hij aan?"
    joined = join_separable_verbs(stems(question), question, {"aantred", "aantrek", "jaar"})
    assert "aantred" in joined and "aantrek" not in joined


def test_a_new_retriever_reuses_the_analysis_of_unchanged_text_and_ranks_the_same(engine):
    from qa.archive.retrieval import HybridRetriever

    old = engine.retriever
    new = HybridRetriever(old.store, previous=old)
    assert all(a is b for a, b in zip(new.sentence_stems, old.sentence_stems))  # reused, not recomputed
    fresh = HybridRetriever(old.store)
    rows = range(len(old.store.passages))
    assert fresh.sentence_stems == new.sentence_stems
    assert [fresh.paragraph_stems(r) for r in rows] == [new.paragraph_stems(r) for r in rows]
    assert fresh.df == new.df and fresh.vocabulary == new.vocabulary
    vector = engine.embedder.embed_question("Wat willen de ministers van de EU?")
    assert [h.row for h in new.rank(vector, "Wat willen de ministers van de EU?").hits] == \
        [h.row for h in fresh.rank(vector, "Wat willen de ministers van de EU?").hits]


def test_a_retriever_updated_by_an_added_and_a_removed_article_equals_one_built_afresh(tmp_path, docs_dir, embedder):
    from qa.archive.index import open_index
    from qa.archive.retrieval import HybridRetriever
    from qa.settings import Settings

    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "index")
    (docs_dir / "brug.txt").write_text("De brug bij Arnhem kost 90 miljoen euro.\n\nDe sancties van de EU treffen Minsk.")
    store, _, _ = open_index(settings, embedder=embedder, progress=False)
    retriever = HybridRetriever(store)
    (docs_dir / "brug.txt").unlink()
    (docs_dir / "dijk.txt").write_text("De dijk bij Kampen wordt verhoogd. Het waterschap betaalt de sancties niet.")
    store, _, _ = open_index(settings, embedder=embedder, progress=False)
    updated, fresh = HybridRetriever(store, previous=retriever), HybridRetriever(store)
    assert updated.df == fresh.df and updated.vocabulary == fresh.vocabulary
    assert updated.sentence_stems == fresh.sentence_stems
    query = ["sanctie", "dijk", "minsk", "eu"]
    np.testing.assert_allclose(updated.bm25.scores(query)[updated.group_of], fresh.bm25.scores(query)[fresh.group_of],
                               rtol=1e-6)
    for question in ("Wie betaalt de sancties?", "Wat kost de brug?", "Wat gebeurt er met de dijk bij Kampen?"):
        vector = embedder.embed_question(question)
        assert [(h.row, round(h.score, 6)) for h in updated.rank(vector, question).hits] == \
            [(h.row, round(h.score, 6)) for h in fresh.rank(vector, question).hits]


def test_an_articles_analysis_read_sentence_by_sentence_equals_reading_each_paragraph_whole(tmp_path):
    from qa.archive.documents import load_documents
    from qa.archive.passages import split_document
    from qa.archive.retrieval import ArticleAnalysis
    from qa.bench import sets
    from qa.text import stems, words

    folder = sets.materialise("archive", tmp_path / "archive")
    for document in load_documents(folder) + load_documents(sets.SEED_DIR):
        passages = tuple(split_document(document, 700))
        analysis = ArticleAnalysis.of(passages)
        paragraphs: dict[int, str] = {}
        for passage in passages:  # the definition: a paragraph is its title and its parts' text
            paragraphs[passage.paragraph] = paragraphs.get(passage.paragraph, f" {passage.title}") + f" {passage.text}"
        texts = list(paragraphs.values())
        code = analysis.language
        assert [sorted(t) for t in analysis.tokens] == [sorted(stems(t, code) or ["∅"]) for t in texts]
        assert list(analysis.words) == [set(words(t)) for t in texts]
        assert analysis.sentence_stems == tuple(tuple(set(stems(p.sentence_text(i), code)) for i in range(len(p.sentences)))
                                                for p in passages)


def test_each_article_is_stemmed_in_its_own_language(tmp_path, docs_dir, embedder):
    from qa.archive.index import open_index
    from qa.settings import Settings

    (docs_dir / "vote.txt").write_text(
        "The election in the north was held on Sunday. Voters waited for hours in the rain.\n\n"
        "The mayor said that the turnout was higher than it had been in the last ten years.")
    store, _, _ = open_index(Settings(docs_dir=docs_dir, index_dir=tmp_path / "index"), embedder=embedder,
                             progress=False)
    retriever = HybridRetriever(store)
    english = store.article_rows["vote.txt"].start
    dutch = next(rows.start for source, rows in store.article_rows.items() if source != "vote.txt")
    assert retriever.languages == ["en", "nl"]
    assert (retriever.language_of(english), retriever.language_of(dutch)) == ("en", "nl")
    # English Snowball takes "election" and "elected" to one stem; the Dutch stemmer does not.
    assert "elect" in retriever.paragraph_stems(english) and "sanctie" in retriever.df
    question = "Who was elected?"
    ranking = retriever.rank(embedder.embed_question(question), question)
    assert ranking.query_stems("en") == ["elect"] and ranking.query_stems("nl") != ["elect"]
    assert next(h for h in ranking.hits if h.row == english).lexical > 0


def test_a_prefix_is_looked_up_among_the_articles_words(engine):
    retriever = engine.retriever
    assert retriever.starts_a_word("wit") and retriever.starts_a_word("russisch")
    assert not retriever.starts_a_word("zzq")
    assert all(retriever.starts_a_word(w[:4]) == any(v.startswith(w[:4]) for v in retriever.vocabulary)
               for w in ["belarus", "moskou", "zaterdag", "zondag", "xylofoon"])
