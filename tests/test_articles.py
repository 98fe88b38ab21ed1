"""Adding, removing and choosing articles: each addition checked before it is written, indexed alone."""

import pytest

from qa.answering.chat import Engine, QuestionError
from qa.archive import articles
from qa.archive.documents import read_article as real_read
from qa.archive.ingest import IngestError
from qa.archive.library import Library
from qa.bench.ingest import PAGES
from qa.settings import Settings
from tests.ingest.test_ingest_formats import make_pdf

PAGE = PAGES / "nos-dijken.html"


@pytest.fixture
def library(tmp_path, docs_dir):
    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "index")
    return Library(Engine.open(settings, progress=False))


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd.txt"), ("/etc/cron.d/evil.txt", "evil.txt"), ("C:\\Windows\\win.ini", "win.ini.txt"),
    (".hidden.md", "hidden.md"), ("Ａrtikel ①.pdf", "Artikel-1.pdf"), ("naam\x00met\nrommel.html", "naam-met-rommel.html"),
    ("", "article.txt"), ("..", "article.txt"), ("x" * 300 + ".txt", "x" * 80 + ".txt"),
])
def test_a_file_name_with_path_tricks_stays_a_plain_name_in_its_folder(name, expected):
    assert articles.safe_name(name) == expected


def test_an_added_page_is_indexed_alone_and_answered_with_a_citation_into_its_text(library):
    before = library.engine.status
    document, passages = library.add(lambda existing: articles.add_file(
        library.settings.uploads, PAGE.name, PAGE.read_bytes(), existing, library.settings))
    assert document.source == "uploads/nos-dijken.html" and document.date == "2024-01-12"
    assert document.title == "Waterschappen versterken 40 kilometer dijk na hoogwater" and passages >= 4
    assert library.engine.status.action == "updated" and library.engine.status.reused_files == 1  # the seed kept its vectors
    assert before.action in ("built", "loaded")
    answer = library.engine.ask("Hoeveel kost de versterking van de dijken?").answer
    citation = answer.citations[0]
    assert "310 miljoen" in answer.text and citation.source == document.source
    assert library.engine.document(citation.source).text[citation.quote_start:citation.quote_end] == citation.quote
    # The extracted text is kept beside the index; the upload itself as it came.
    assert list(library.settings.extracted_dir.glob("*.md"))
    assert (library.settings.uploads / "nos-dijken.html").read_bytes() == PAGE.read_bytes()


def test_pasted_text_and_a_pdf_are_answered_from(library, tmp_path):
    pasted, _ = library.add(lambda existing: articles.add_text(
        library.settings.uploads, "De gemeente Utrecht plant 1200 nieuwe bomen langs de Catharijnesingel. "
        "Het planten begint in november en duurt drie maanden.", "Bomen in Utrecht", existing, library.settings))
    pdf = make_pdf(tmp_path / "vliegtaks.pdf", ["Het kabinet wil de belasting op vliegtickets verhogen van 26 naar "
                                                "29 euro per ticket, zo staat in de plannen van minister Jansen."])
    paper, _ = library.add(lambda existing: articles.add_file(
        library.settings.uploads, pdf.name, pdf.read_bytes(), existing, library.settings))
    assert pasted.title == "Bomen in Utrecht" and paper.source == "uploads/vliegtaks.pdf"
    trees = library.engine.ask("Hoeveel bomen worden er geplant?").answer
    assert "1200" in trees.text and trees.citations[0].source == pasted.source
    tax = library.engine.ask("Hoe hoog wordt de vliegtaks?").answer
    assert "29 euro" in tax.text and tax.citations[0].source == paper.source


def test_the_same_article_twice_is_recognised_and_not_indexed_twice(library):
    add = lambda existing: articles.add_file(library.settings.uploads, PAGE.name, PAGE.read_bytes(), existing,
                                             library.settings)
    library.add(add)
    count = len(library.engine.retriever.store.passages)
    with pytest.raises(IngestError, match="already there"):
        library.add(add)
    body = "\n\n".join(p.text for p in library.engine.retriever.store.passages if p.source == "uploads/nos-dijken.html")
    with pytest.raises(IngestError, match="already there"):  # its text pasted: the same article
        library.add(lambda existing: articles.add_text(library.settings.uploads, body, "", existing, library.settings))
    assert len(library.engine.retriever.store.passages) == count
    assert sorted(p.name for p in library.settings.uploads.iterdir()) == ["nos-dijken.html"]


@pytest.mark.parametrize("name, data", [
    ("leeg.txt", b""), ("foto.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"),
    ("groot.txt", b"Een zin over niets. " * 1_100_000),
])
def test_a_bad_upload_changes_nothing_and_the_chat_goes_on(library, name, data):
    before = [d.source for d in library.engine.documents]
    with pytest.raises(IngestError):
        library.add(lambda existing: articles.add_file(library.settings.uploads, name, data, existing,
                                                       library.settings.replace(max_upload_bytes=20_000_000)))
    assert [d.source for d in library.engine.documents] == before
    assert not library.settings.uploads.exists() or not list(library.settings.uploads.iterdir())
    assert "26 jaar" in library.engine.ask("Hoe lang is Lukashenko al aan de macht?").answer.text


def test_an_upload_over_the_cap_is_refused_before_it_is_read():
    settings = Settings(max_upload_bytes=1000)
    with pytest.raises(IngestError, match="over the 0.01 MB limit|over the"):
        articles.add_file(settings.uploads, "x.txt", b"a" * 1001, [], settings)


def test_an_article_of_too_many_sentences_is_refused_when_added_and_skipped_in_the_folder(tmp_path, caplog):
    settings = Settings(docs_dir=tmp_path / "docs", index_dir=tmp_path / "index", max_article_sentences=500)
    one_line = ("De raad vergaderde opnieuw over de begroting. " * 600).encode()  # 1 line, 600 sentences
    for add in (lambda: articles.add_file(settings.docs_dir, "lang.txt", one_line, [], settings),
                lambda: articles.add_extracted(settings.docs_dir, articles.pasted(one_line.decode(), "Lang"), [],
                                               settings)):
        with pytest.raises(IngestError, match="about 600 sentences, over the limit of 500"):
            add()
    # Put in the folder by hand, it is skipped with a warning; the others load and answer.
    settings.docs_dir.mkdir()
    (settings.docs_dir / "lang.txt").write_bytes(one_line)
    (settings.docs_dir / "kort.txt").write_text("De gemeente plant dit najaar 1200 nieuwe bomen in het centrum. "
                                                "Het planten begint in november.", encoding="utf-8")
    engine = Engine.open(settings, progress=False)
    assert [d.source for d in engine.documents] == ["kort.txt"]
    assert "lang.txt" in caplog.text and "over the limit of 500" in caplog.text
    assert "1200" in engine.ask("Hoeveel bomen plant de gemeente?").answer.short


def test_removing_an_article_drops_it_from_the_answers(library):
    document, _ = library.add(lambda existing: articles.add_file(
        library.settings.uploads, PAGE.name, PAGE.read_bytes(), existing, library.settings))
    library.remove(document.source)
    assert library.engine.document(document.source) is None
    assert all(p.source != document.source for p in library.engine.retriever.store.passages)
    with pytest.raises(IngestError, match="no article named"):
        library.remove(document.source)
    with pytest.raises(IngestError):
        library.remove("../../etc/passwd")


def test_a_question_can_be_limited_to_one_article(library):
    library.add(lambda existing: articles.add_file(
        library.settings.uploads, PAGE.name, PAGE.read_bytes(), existing, library.settings))
    question = "Wat gebeurt er volgend jaar?"
    scoped = library.engine.ask(question, articles=["Waterschappen versterken"]).answer
    assert {c.source for c in scoped.citations + scoped.related} == {"uploads/nos-dijken.html"}
    seed = library.engine.ask(question, articles=["wit-rusland"]).answer
    assert {c.source for c in seed.citations + seed.related} == {library.engine.documents[0].source}
    with pytest.raises(QuestionError, match="no article matches"):
        library.engine.ask(question, articles=["Le Monde"])


def test_private_uploads_are_seen_only_by_the_session_that_made_them(tmp_path, docs_dir):
    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "index", private_uploads=True)
    engine = Engine.open(settings, progress=False)
    library = Library(engine)
    document, _ = library.add(lambda existing: articles.add_file(
        library.folder_for("alice"), PAGE.name, PAGE.read_bytes(), existing, settings), session="alice")
    question = "Hoeveel kost de versterking van de dijken?"
    assert engine.ask(question, session="alice").answer.citations[0].source == document.source
    for other in ("bob", None):  # another browser, or the API
        answer = engine.ask(question, session=other).answer
        assert all(c.source != document.source for c in answer.citations + answer.related)
        assert document.source not in {d.source for d in engine.visible(other)}
    with pytest.raises(QuestionError):
        engine.ask(question, articles=[document.source], session="bob")
    # Its words shape only its own session's statistics: what public questions see is as it was.
    assert "versterking" not in engine.retriever.vocabulary and "versterking" not in engine.retriever_for("bob").vocabulary
    assert "versterking" in engine.retriever_for("alice").vocabulary
    assert engine.retriever_for("alice") is engine.retriever_for("alice")  # kept between questions
    with pytest.raises(IngestError):
        library.remove(document.source, session="bob")
    # Bob may add the same article for himself: he cannot see Alice's.
    library.add(lambda existing: articles.add_file(
        library.folder_for("bob"), PAGE.name, PAGE.read_bytes(), existing, settings), session="bob")


def test_an_article_that_only_opens_like_another_is_not_taken_for_it(library):
    seed = library.engine.documents[0]
    opening = " ".join(seed.block_text(seed.blocks[0]).split()[:12])
    text = f"{opening}\n\nMaar daarna gaat dit stuk over iets heel anders: de bouw van een brug bij Arnhem."
    document, passages = library.add(lambda existing: articles.add_text(library.settings.uploads, text, "Brug",
                                                                        existing, library.settings))
    assert passages >= 1 and document.title == "Brug"


def test_adding_an_article_reads_neither_the_index_nor_the_unchanged_articles_again(library, monkeypatch):
    from qa.archive.store import PassageStore

    def no_reading(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(PassageStore, "load", no_reading)
    monkeypatch.setattr("qa.archive.documents.read_article", lambda path, *rest: no_reading() if "uploads" not in
                        str(path) else real_read(path, *rest))
    document, passages = library.add(lambda existing: articles.add_file(
        library.settings.uploads, PAGE.name, PAGE.read_bytes(), existing, library.settings))
    assert passages > 0 and library.engine.ask("Wat gebeurt er met de dijken?").answer.citations[0].source == \
        document.source


def test_an_index_written_by_someone_else_meanwhile_is_read_again_before_an_update(library, tmp_path):
    from qa.archive.index import open_index

    # Another process adds an article to the same folders and index.
    (library.settings.docs_dir / "brug.txt").write_text("De brug bij Arnhem kost 90 miljoen euro. Hij is in 2027 klaar.")
    open_index(library.settings, embedder=library.engine.embedder, progress=False)
    document, _ = library.add(lambda existing: articles.add_file(
        library.settings.uploads, PAGE.name, PAGE.read_bytes(), existing, library.settings))
    sources = {p.source for p in library.engine.retriever.store.passages}
    assert {"brug.txt", document.source} <= sources
    assert "90 miljoen" in library.engine.ask("Wat kost de brug bij Arnhem?").answer.text


def test_what_an_update_replaces_is_freed(library):
    import gc
    import weakref

    old_retriever, old_store = weakref.ref(library.engine.retriever), weakref.ref(library.engine.retriever.store)
    library.add(lambda existing: articles.add_file(library.settings.uploads, PAGE.name, PAGE.read_bytes(),
                                                   existing, library.settings))
    assert old_retriever() is None and old_store() is None  # freed at once, not left for the collector
    assert gc.get_freeze_count() > 0


def test_removing_a_link_removes_the_link_and_an_article_under_two_names_is_indexed_once(tmp_path):
    import os

    from qa.archive.articles import remove
    from qa.archive.documents import load_documents
    from tests.conftest import SEED_FILE

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "seed.txt").write_bytes(SEED_FILE.read_bytes())
    os.symlink(docs / "seed.txt", docs / "link.txt")
    assert [d.source for d in load_documents(docs)] == ["seed.txt"]  # once, by its own name
    remove(docs, "link.txt")
    assert not os.path.lexists(docs / "link.txt") and (docs / "seed.txt").is_file()
    with pytest.raises(Exception, match="no article named"):
        remove(docs, "../docs/../../etc/passwd.txt")


def test_an_add_cancelled_while_embedding_adds_nothing_and_the_archive_answers_as_before(library):
    import threading

    engine = library.engine
    before = ([d.source for d in engine.documents], len(engine.retriever.store.passages))
    text = "\n\n".join(f"De veerpont tussen Vlissingen en Breskens voer in {1900 + k} voor het eerst met {k} "
                       f"passagiers, meldt het archief van de provincie." for k in range(120))
    cancel = threading.Event()
    embedded = []
    original = engine.embedder.embed_passages

    def embed_then_cancel(texts):  # the reader presses stop once the embedding is under way
        embedded.append(len(texts))
        cancel.set()
        return original(texts)

    engine.embedder.embed_passages = embed_then_cancel
    try:
        with pytest.raises(IngestError, match="stopped"):
            library.add(lambda existing: articles.add_text(library.folder_for(None), text, "Veerpont",
                                                          existing, engine.settings), cancel=cancel)
    finally:
        del engine.embedder.embed_passages
    assert embedded and max(embedded) > 8  # it was stopped in the middle of a long article
    assert ([d.source for d in engine.documents], len(engine.retriever.store.passages)) == before
    assert not list(library.folder_for(None).glob("*.txt"))  # the file written for it is gone too
    assert engine.ask("Hoe lang is Lukashenko al aan de macht?").answer.answerable
