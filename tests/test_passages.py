"""Splitting articles into citable passages and sentences."""

from qa.archive.documents import load_documents, parse
from qa.archive.passages import split_document, split_sentences
from tests.conftest import SEEDS


def test_seed_passages_are_paragraphs_with_stable_ids():
    [doc] = load_documents(SEEDS)
    passages = split_document(doc)
    assert [p.paragraph for p in passages] == list(range(1, 11))
    assert passages[2].id == f"{doc.source}#3"
    assert passages == split_document(doc)  # same input, same ids and offsets


def test_passage_and_sentence_offsets_point_at_the_text():
    [doc] = load_documents(SEEDS)
    for passage in split_document(doc):
        assert doc.text[passage.start:passage.end] == passage.text
        for i, (start, end) in enumerate(passage.sentences):
            assert doc.text[start:end] == passage.sentence_text(i)


def test_sentences_do_not_break_at_abbreviations_or_initials():
    text = "Dr. Jansen sprak met J. Smith over de zaak. Het duurde o.a. twee uur. Daarna ging hij weg!"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Dr. Jansen sprak met J. Smith over de zaak.", "Het duurde o.a. twee uur.", "Daarna ging hij weg!"]


def test_long_paragraphs_split_between_sentences_under_the_limit():
    sentence = "Dit is een vrij lange zin over de geschiedenis van het land en zijn bewoners. "
    doc = parse("long.txt", sentence * 30)
    passages = split_document(doc, max_chars=500)
    assert len(passages) > 3
    assert all(len(p.text) <= 500 for p in passages)
    assert [p.id for p in passages[:2]] == ["long.txt#1.1", "long.txt#1.2"]
    assert all(p.text.endswith(".") for p in passages)


def test_an_overlong_sentence_is_cut_at_clause_boundaries():
    doc = parse("one.txt", ", ".join(["een bijzin met woorden"] * 60) + ".")
    passages = split_document(doc, max_chars=300)
    assert all(len(p.text) <= 300 for p in passages)
    assert "".join(p.text for p in passages).replace(" ", "") == doc.text.replace(" ", "")
