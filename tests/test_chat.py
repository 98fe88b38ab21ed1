"""The conversation entry point: follow-ups and what it refuses to take."""

import pytest

from qa.answering.answer import answer_kind
from qa.answering.question import QuestionError, Turn, is_follow_up, parse, search_query


def test_follow_up_is_answered_from_the_conversation(engine):
    history = [Turn("user", "Wat willen de ministers van Buitenlandse Zaken van de EU?"),
               Turn("assistant", "Sancties opleggen. [1]")]
    alone = engine.ask("Wanneer hebben ze dat besloten?")
    followed = engine.ask("Wanneer hebben ze dat besloten?", history)
    assert followed.answer.answerable
    assert "vrijdag" in followed.answer.text
    assert followed.answer.citations[0].paragraph == 9
    assert "ministers" in followed.search_query and "ministers" not in alone.search_query


def test_history_as_plain_dicts_works_too(engine):
    history = [{"role": "user", "content": "Door wie zijn de demonstranten opgepakt?"}]
    reply = engine.ask("Wat gebeurde er daarna met hen?", history)
    assert reply.answer.citations and reply.answer.citations[0].paragraph == 7


def test_a_standalone_question_ignores_unrelated_history():
    history = [Turn("user", "Wat willen de ministers?")]
    question = "Hoeveel procent van de stemmen kreeg de zittende president?"
    assert not is_follow_up(question)
    assert search_query(question, history) == question


@pytest.mark.parametrize("question, message, for_user", [
    ("", "empty", "lege vraag / empty question"), ("   ", "empty", "lege vraag / empty question"),
    ("x" * 2001, "too long", "vraag te lang"), ("what is this? " * 200, "too long", "question too long")])
def test_bad_questions_get_a_clear_error_in_the_questions_language(engine, question, message, for_user):
    with pytest.raises(QuestionError, match=message) as error:
        engine.ask(question)
    assert for_user in error.value.for_user


@pytest.mark.parametrize("question, language", [
    ("Wie?", "nl"), ("Waarom?", "nl"), ("de het een", "nl"), ("What?", "en"), ("?????", None), ("...", None)])
def test_a_question_that_names_nothing_is_asked_back_not_answered(engine, question, language):
    answer = engine.ask(question).answer
    assert answer_kind(answer) == "clarify" and not answer.answerable
    assert not answer.citations and not answer.related and answer.short == ""
    if language:
        assert answer.language == language


def test_the_same_bare_question_after_another_one_is_answered_from_it(engine):
    history = [Turn("user", "Wat willen de ministers van Buitenlandse Zaken van de EU?"),
               Turn("assistant", "Sancties opleggen. [1]")]
    answer = engine.ask("Waarom?", history).answer
    assert answer_kind(answer) == "fact" and answer.citations


@pytest.mark.parametrize("question, follows", [
    ("Wanneer hebben ze dat besloten?", True),
    ("En hoeveel procent kreeg hij?", True),
    ("What did he stress to him?", True),
    ("Waarom?", True),
    ("Why did the EU impose sanctions on Belarus?", False),
    ("Waarom gaan er in Wit-Rusland mensen de straat op?", False),
    ("Is het Kremlin bezorgd over de situatie in Wit-Rusland?", False),
    # "zijn" right after the question word is the verb, not "his"
    ("Wanneer zijn de volgende verkiezingen?", False),
    ("Wat was zijn reactie op de uitslag?", True),
])
def test_follow_ups_are_told_from_standalone_questions(question, follows):
    assert is_follow_up(question) == follows


def test_a_huge_history_is_answered_from_its_end_or_refused_clearly(engine):
    from qa.answering.question import PREVIOUS_QUESTION_CHARS

    big = "Wat willen de ministers van Buitenlandse Zaken van de EU? " * 1800  # about 100 KB
    question = "Wanneer hebben ze dat besloten?"
    reply = engine.ask(question, [Turn("user", big)])
    # Only the previous question's end is read with it (embedding time grows with the text).
    assert len(reply.search_query) <= PREVIOUS_QUESTION_CHARS + 1 + len(question)
    assert "vrijdag" in reply.answer.text
    with pytest.raises(QuestionError, match="history too long"):
        engine.ask("Wanneer?", [Turn("user", "x")] * 101)


def test_a_question_during_an_add_in_this_process_answers_at_once_from_the_archive_as_it_is(
        docs_dir, tmp_path, embedder):
    """An article being added here holds the engine's lock; a question then neither starts a second
    update nor waits for this one: it is answered from the archive as it stands, and says so."""
    from qa import lang
    from qa.answering.chat import Engine
    from qa.settings import Settings

    engine = Engine.open(Settings(docs_dir=docs_dir, index_dir=tmp_path / "index"), progress=False)
    with engine._lock:  # as `Library.add` holds it while it embeds
        (docs_dir / "2026-12-haven.txt").write_text("Haven breidt uit\n\nDe haven van Delfzijl kreeg 40 "
                                                    "nieuwe kranen in week 3.", "utf-8")
        assert engine.refresh_beside() == "running" and engine._updating is None
        reply = engine.ask("Hoeveel procent van de stemmen kreeg de zittende president?")
    assert "2026-12-haven.txt" not in {d.source for d in engine.documents}  # not waited for
    assert lang.get("nl").LABELS["updating"] in (reply.answer.notice or "")
    assert engine.refresh_beside() == "started"  # with the lock free, a question starts the update
    engine._updating.join(60)
    assert "2026-12-haven.txt" in {d.source for d in engine.documents}


def test_a_question_is_parsed_once_into_one_value():
    earlier = [Turn("user", "Wat willen de ministers van Buitenlandse Zaken van de EU?"), Turn("assistant", "Sancties.")]
    asked = parse("  En wanneer?  ", earlier)
    assert asked.text == "En wanneer?" and asked.language == "nl" and asked.follow_up
    assert asked.query.startswith("Wat willen de ministers") and asked.query.endswith("En wanneer?")
    assert asked.words == ("en", "wanneer") and asked.turns == tuple(earlier) and not asked.names_nothing
    english = parse("How long has Lukashenko been in power?", [{"role": "user", "content": "Wie won?"}])
    assert english.language == "en" and not english.about_article and not english.follow_up
    assert english.query == english.text and english.turns == (Turn("user", "Wie won?"),)
    assert parse("What is this article about?").about_article
    assert parse("???").names_nothing
    with pytest.raises(QuestionError):
        parse("   ")


def test_the_engine_detects_a_questions_language_once(engine, monkeypatch):
    from qa.answering import question

    calls = []
    real = question.language
    monkeypatch.setattr(question, "language", lambda text: calls.append(text) or real(text))
    engine.ask("Hoe lang is Lukashenko al aan de macht?")
    assert calls == ["Hoe lang is Lukashenko al aan de macht?"]
