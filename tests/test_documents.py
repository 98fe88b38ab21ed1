"""Loading articles: metadata, offsets, headings, credits and bad files."""

import logging

import pytest

from qa.documents import DocumentsError, load_documents, parse
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


def test_non_utf8_file_is_skipped_with_a_warning(docs_dir, caplog):
    (docs_dir / "latin1.txt").write_bytes("Caf\xe9 met \xe9\xe9n zin.".encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        documents = load_documents(docs_dir)
    assert [d.source for d in documents] == [next(SEEDS.glob("*.txt")).name]
    assert "latin1.txt" in caplog.text


def test_missing_or_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DocumentsError, match="not found: .*nowhere"):
        load_documents(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DocumentsError, match="no .txt or .md articles in .*empty"):
        load_documents(tmp_path / "empty")
