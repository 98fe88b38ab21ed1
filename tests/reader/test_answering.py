"""The answer path around the reader, with small registered stand-in readers (fast, and deterministic):
the reader's span is the short answer, its sentence is citation 1, and "no span beats no answer" refuses."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from qa.answering import reader as readers
from qa.answering.answer import answer_question
from qa.answering.reader import combine
from qa.answering.reader.model import Reading
from tests.conftest import SEED_FILE


class FirstNumber:
    """Answers with the first number of a sentence; a sentence without one says "no answer"."""

    def __init__(self):
        self.calls = []

    def read(self, question, sentences):
        self.calls.append((question, list(sentences)))
        out = []
        for sentence in sentences:
            found = re.search(r"\d+", sentence)
            if found:
                out.append(Reading(found.start(), found.end(), 5.0, 0.0))
            else:
                out.append(Reading(0, 0, -5.0, 0.0))
        return out


class NeverAnswers:
    def read(self, question, sentences):
        return [Reading(0, 4, -3.0, 2.0) for _ in sentences]


@pytest.fixture
def stand_ins(monkeypatch):
    first = FirstNumber()
    readers.register("first-number", lambda: first)
    readers.register("never", NeverAnswers)
    monkeypatch.setattr(combine, "load", lambda path=None: combine.UNFITTED)
    yield first
    readers.READERS.pop("first-number")
    readers.READERS.pop("never")


def _ask(engine, question, reader):
    retriever = engine.retriever
    ranking = retriever.rank(engine.embedder.embed_question(question), question)
    return answer_question(question, ranking, retriever, "nl", top_k=5, reader=reader)


def test_the_readers_span_is_the_short_answer_and_its_sentence_citation_one(engine, stand_ins):
    answer = _ask(engine, "Hoeveel procent van de stemmen kreeg de zittende president?", "first-number")
    raw = SEED_FILE.read_text("utf-8")
    assert answer.answerable and answer.short.isdigit()
    first = answer.citations[0]
    assert answer.short in first.quote
    assert raw[first.short_start:first.short_end] == answer.short
    assert raw[first.quote_start:first.quote_end] == first.quote
    question, sentences = stand_ins.calls[-1]
    assert first.quote in sentences  # the reader read the sentence it is cited for


def test_the_reader_reads_the_candidates_in_one_batch(engine, stand_ins):
    from qa.answering.answer import READ_CANDIDATES

    _ask(engine, "Hoeveel procent van de stemmen kreeg de zittende president?", "first-number")
    assert len(stand_ins.calls) == 1
    assert 1 < len(stand_ins.calls[0][1]) <= READ_CANDIDATES


class LastOnly:
    """Finds an answer only in the last sentence it is given: retrieval's weakest candidate."""

    def read(self, question, sentences):
        return [Reading(0, 3, 5.0 if k == len(sentences) - 1 else -5.0, 0.0) for k in range(len(sentences))]


def test_the_readers_choice_reranks_the_candidates(engine, stand_ins):
    readers.register("last-only", LastOnly)
    try:
        question = "Wat zeggen vrijgelaten demonstranten over de gevangenis?"
        by_retrieval = _ask(engine, question, "never").related
        answer = _ask(engine, question, "last-only")
    finally:
        readers.READERS.pop("last-only")
    assert answer.answerable
    assert answer.citations[0].quote != by_retrieval[0].quote
    # the other passages keep retrieval's order after it
    assert [c.passage_id for c in answer.citations[1:]] == [
        c.passage_id for c in by_retrieval if c.passage_id != answer.citations[0].passage_id][:len(answer.citations) - 1]


def test_no_span_beating_no_answer_is_a_refusal_with_related_passages(engine, stand_ins):
    answer = _ask(engine, "Hoeveel procent van de stemmen kreeg de zittende president?", "never")
    assert not answer.answerable and answer.citations == [] and answer.short == ""
    assert answer.related and answer.confidence < combine.UNFITTED.threshold


def test_an_unknown_reader_is_named_in_the_error(engine):
    with pytest.raises(KeyError, match="no-such-reader"):
        _ask(engine, "Hoeveel procent van de stemmen kreeg de zittende president?", "no-such-reader")


def test_the_combiner_weighs_the_reader_with_retrieval():
    combiner = combine.Combiner({"margin": 1.0, "retrieval": 2.0}, -1.0, 0.5)
    sure = combine.features(Reading(0, 3, 6.0, 1.0), 0.9, 0.9, 0)
    unsure = combine.features(Reading(0, 3, 1.5, 1.0), 0.5, 0.9, 4)
    assert combiner.probability(sure) > 0.5 > combiner.probability(unsure)


def test_the_fitted_combiner_file_loads():
    fitted = combine.load()
    assert set(fitted.weights) <= set(combine.FEATURES)
    assert 0 < fitted.threshold < 1


def test_the_engine_uses_the_reader_setting(engine, stand_ins):
    chosen = replace(engine, settings=engine.settings.replace(reader="first-number"))
    answer = chosen.ask("Hoeveel procent van de stemmen kreeg de zittende president?").answer
    assert answer.short.isdigit()
    assert stand_ins.calls


def test_a_remembered_reading_is_not_read_again_and_size_zero_remembers_nothing(stand_ins):
    remembering = readers.Remembering("first-number", size=3)
    first = remembering.read("Hoeveel?", ["Er waren 12 mensen.", "Geen getal hier."])
    assert [r.start for r in first] == [9, 0]
    again = remembering.read("Hoeveel?", ["Geen getal hier.", "Er waren 12 mensen.", "Nu 7 anderen."])
    assert again[1] == first[0] and again[0] == first[1] and again[2].start == 3
    assert stand_ins.calls[-1] == ("Hoeveel?", ["Nu 7 anderen."])  # only the new sentence was read
    remembering.read("Anders?", ["Er waren 12 mensen."])  # a new question is a new reading
    assert stand_ins.calls[-1] == ("Anders?", ["Er waren 12 mensen."])
    assert len(remembering._memory) == 3  # the least recently used reading was forgotten
    forgetful = readers.Remembering("first-number", size=0)
    calls = len(stand_ins.calls)
    forgetful.read("Hoeveel?", ["Er waren 12 mensen."])
    forgetful.read("Hoeveel?", ["Er waren 12 mensen."])
    assert len(stand_ins.calls) == calls + 2
