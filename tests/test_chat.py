"""The conversation entry point: follow-ups and what it refuses to take."""

import pytest

from qa.chat import QuestionError, Turn, is_follow_up, search_query


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


@pytest.mark.parametrize("question, message", [("", "empty"), ("   ", "empty"), ("x" * 2001, "too long")])
def test_bad_questions_get_a_clear_error(engine, question, message):
    with pytest.raises(QuestionError, match=message):
        engine.ask(question)
