"""Loading articles: metadata, offsets, headings, credits and bad files."""

import logging

import pytest

from qa.archive.documents import DocumentsError, load_documents, parse
from tests.conftest import SEEDS


def test_seed_date_marker_is_metadata_not_text():
    [doc] = load_documents(SEEDS)
    assert doc.date == "2020-08"
    first = doc.block_text(doc.blocks[0])
    assert first.startswith("De Wit-Russische president Alexander Lukashenko")
    assert "date" not in first[:10]


def test_photo_credit_is_not_content():
    [doc] = load_documents(SEEDS)
    last = doc.block_text(doc.blocks[-1])
    assert last.endswith("om het leven kwam.")
    assert all("Pro Shots" not in doc.block_text(b) for b in doc.blocks)


def test_subheading_belongs_to_the_paragraph_after_it():
    [doc] = load_documents(SEEDS)
    block = next(b for b in doc.blocks if b.heading)
    assert block.heading == "Opnieuw duizenden mensen de straat op"
    assert "Duizenden mensen gingen zaterdag" in doc.block_text(block)
    assert len(doc.blocks) == 10


def test_block_offsets_point_into_the_file():
    [doc] = load_documents(SEEDS)
    raw = next(SEEDS.glob("*.txt")).read_text("utf-8")
    for block in doc.blocks:
        assert raw[block.start:block.end] == doc.block_text(block)


def test_title_line_and_markdown_heading():
    doc = parse("a.txt", "Super Bowl 50\n\nDe Broncos wonnen de wedstrijd.\n\nDaarna vierden ze feest.")
    assert doc.title == "Super Bowl 50" and len(doc.blocks) == 2
    md = parse("b.md", "# Een titel\n\nEerste alinea hier.\n")
    assert md.title == "Een titel" and md.block_text(md.blocks[0]) == "Eerste alinea hier."


def test_latin1_and_windows1252_articles_are_read_and_only_binary_files_skipped(docs_dir, caplog):
    text = ("Het café in Utrecht sloot na één seizoen de deuren. De eigenaar noemde de huur “onbetaalbaar” "
            "en zei dat hij het pand aan een bakkerij verkoopt. Volgens de gemeente komen er tientallen "
            "nieuwe woningen in de straat.")
    (docs_dir / "latin1.txt").write_bytes(text.replace("“", '"').replace("”", '"').encode("latin-1"))
    (docs_dir / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (docs_dir / "binary.txt").write_bytes(bytes(range(256)) * 8)
    with caplog.at_level(logging.WARNING):
        documents = {d.source: d for d in load_documents(docs_dir)}
    assert "café" in documents["latin1.txt"].text and "één" in documents["latin1.txt"].text
    assert "“onbetaalbaar”" in documents["cp1252.txt"].text
    assert "binary.txt" not in documents and "binary.txt" in caplog.text
    assert "latin1.txt" not in caplog.text and "cp1252.txt" not in caplog.text


def test_docs_naming_a_file_says_so(tmp_path):
    (tmp_path / "article.txt").write_text("Een zin.")
    with pytest.raises(DocumentsError, match="names a file, not a folder"):
        load_documents(tmp_path / "article.txt")


@pytest.mark.parametrize("text", [
    "# Stroom duurder\ndate 2023-11\n\nDe prijs van stroom stijgt volgend jaar met tien procent.\n",
    "# Stroom duurder\n\ndate 2023-11\n\nDe prijs van stroom stijgt volgend jaar met tien procent.\n",
    "---\ntitle: Stroom duurder\ndate: 2023-11\n---\n\nDe prijs van stroom stijgt volgend jaar met tien procent.\n",
])
def test_a_date_after_the_title_or_in_front_matter_is_metadata(text):
    document = parse("stroom.md", text)
    assert document.title == "Stroom duurder" and document.date == "2023-11"
    assert [document.block_text(b) for b in document.blocks] == [
        "De prijs van stroom stijgt volgend jaar met tien procent."]


def test_missing_or_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DocumentsError, match="not found: .*nowhere"):
        load_documents(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DocumentsError, match="no articles .* in .*empty"):
        load_documents(tmp_path / "empty")


def test_links_out_of_the_folder_and_oversize_articles_are_skipped_with_a_warning(docs_dir, tmp_path, caplog):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n\nEen geheim dat niemand mag lezen.")
    (docs_dir / "06-passwd.txt").symlink_to(secret)
    # Stays inside, but is the seed under a second name: one article, indexed once by its own name.
    (docs_dir / "inside.txt").symlink_to(docs_dir / next(SEEDS.glob("*.txt")).name)
    (docs_dir / "huge.txt").write_text("Een zin over niets. " * 400)  # 8,000 bytes
    with caplog.at_level(logging.WARNING):
        documents = {d.source for d in load_documents(docs_dir, max_bytes=5000)}
    assert "06-passwd.txt" not in documents and "06-passwd.txt" in caplog.text and "leads out" in caplog.text
    assert "huge.txt" not in documents and "huge.txt" in caplog.text and "limit" in caplog.text
    assert "inside.txt" not in documents and next(SEEDS.glob("*.txt")).name in documents


def test_a_link_back_up_the_folder_does_not_loop(docs_dir):
    (docs_dir / "sub").mkdir()
    (docs_dir / "sub" / "terug").symlink_to(docs_dir)
    assert [d.source for d in load_documents(docs_dir)] == [p.name for p in sorted(SEEDS.glob("*.txt"))]


def test_an_unchanged_article_is_not_read_again(docs_dir, monkeypatch):
    known: dict = {}
    first = load_documents(docs_dir, known=known)
    monkeypatch.setattr("qa.archive.documents.read_article", lambda *args: pytest.fail("read again"))
    assert load_documents(docs_dir, known=known) == first
    (docs_dir / "nieuw.txt").write_text("Een nieuw artikel over de brug bij Arnhem.")
    monkeypatch.undo()
    assert [d.source for d in load_documents(docs_dir, known=known)][-1] == "nieuw.txt"


def test_a_pdf_that_cannot_be_read_is_skipped_and_the_others_load(docs_dir, caplog):
    from tests.ingest.bombs import bomb_pdf

    (docs_dir / "bom.pdf").write_bytes(bomb_pdf())
    with caplog.at_level(logging.WARNING):
        documents = load_documents(docs_dir)
    assert [d.source for d in documents] == [p.name for p in SEEDS.glob("*.txt")]
    assert "bom.pdf" in caplog.text and "inflates past the 20 MB limit" in caplog.text


def test_a_link_to_a_folder_outside_is_not_walked(docs_dir, caplog):
    import os

    from qa.archive.documents import folder_state

    os.symlink("/", docs_dir / "root")
    os.symlink("/proc", docs_dir / "proc")
    with caplog.at_level(logging.WARNING):
        documents = load_documents(docs_dir)
    assert [d.source for d in documents] == [p.name for p in SEEDS.glob("*.txt")]
    state = folder_state(docs_dir)
    assert len(state) == 1  # only the article itself is looked at, not / or /proc
