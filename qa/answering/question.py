"""A question parsed once: its text, language and words, whether it leans on the conversation, what
retrieval reads for it, and whether it asks about the article as a whole. The engine parses each question
into one `Question` and hands that down."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa import lang
from qa.answering import whole
from qa.settings import MAX_HISTORY_CHARS, MAX_HISTORY_TURNS, MAX_QUESTION_CHARS
from qa.text import content_stems, language, words


class QuestionError(ValueError):
    """A question the engine will not take. `str()` is the English message (the JSON protocol's, which
    scripts may match); `for_user` says the same in the question's language."""

    def __init__(self, message: str, for_user: str = ""):
        super().__init__(message)
        self.for_user = for_user or message


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: str  # "user" or "assistant"
    content: str


def validate(question: object) -> str:
    """Return the question stripped, or raise `QuestionError`."""
    if not isinstance(question, str) or not question.strip():
        # An empty question has no language: it is told in both.
        raise QuestionError(lang.INTERFACE.LABELS["empty_question"], lang.both("LABELS", "empty_question"))
    if len(question) > MAX_QUESTION_CHARS:
        values = {"length": len(question), "limit": MAX_QUESTION_CHARS}
        user = lang.get(language(question[:500])).LABELS["too_long"].format(**values)
        raise QuestionError(lang.INTERFACE.LABELS["too_long"].format(**values), user)
    return question.strip()


_NAME = re.compile(r"(?<=\w )[A-Z][\w-]+")
PREVIOUS_QUESTION_CHARS = 500  # of the previous question, read with a follow-up


def is_follow_up(question: str, code: str | None = None, tokens: list[str] | None = None) -> bool:
    """Whether a question leans on the one before: it continues it ("En hoeveel kreeg hij?"), is too short to
    stand alone, or refers back ("Wanneer hebben ze dat besloten?") without naming anyone of its own."""
    tokens = words(question) if tokens is None else tokens
    if not tokens:
        return False
    cues = lang.get(code or language(question))
    if tokens[0] in cues.CONTINUATIONS or len(tokens) <= 3:
        return True
    # Right after the question word a referring word is the verb it shares a form with ("Wanneer *zijn*
    # de volgende verkiezingen?"), not "his".
    asking = lang.in_any_language("QUESTION_WORDS")
    referring = [t for k, t in enumerate(tokens) if t in cues.REFERRING and not (k and tokens[k - 1] in asking)]
    return bool(referring) and not _NAME.search(question)


def search_query(question: str, history: list[Turn], follow_up: bool | None = None) -> str:
    """The text to retrieve with: a follow-up is read together with the previous question."""
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if previous and (is_follow_up(question) if follow_up is None else follow_up):
        # Only the previous question is read, and no more of it than a question may hold: a huge turn
        # must not hold the engine (embedding time grows with the text).
        return f"{previous[-1][-PREVIOUS_QUESTION_CHARS:]} {question}"
    return question


@dataclass(frozen=True)
class Question:
    """One question, parsed.

    Attributes:
        text: the question as asked (stripped).
        language: its language code: the answer's language.
        words: its folded words.
        follow_up: whether it leans on the question before it.
        query: what retrieval reads: a follow-up with the previous question before it; else `text`.
        about_article: the kind of whole-article question ("summary", "topic", …), or "".
        turns: the conversation before it.
    """

    text: str
    language: str
    words: tuple[str, ...]
    follow_up: bool
    query: str
    about_article: str
    turns: tuple[Turn, ...] = ()

    @property
    def names_nothing(self) -> bool:
        """Whether what retrieval reads names nothing to look up ("Wie?", "???" with nothing before it)."""
        return not content_stems(words(self.query))


def parse(text: object, history=None) -> Question:
    """Parse a question and the conversation before it (`Turn`s, or dicts with "role" and "content").

    Raises:
        QuestionError: the question is empty or too long, or the history is too long.
    """
    text = validate(text)
    turns = tuple(t if isinstance(t, Turn) else Turn(str(t.get("role", "")), str(t.get("content", "")))
                  for t in (history or []))
    if len(turns) > MAX_HISTORY_TURNS or sum(len(t.content) for t in turns) > MAX_HISTORY_CHARS:
        raise QuestionError(f"history too long (at most {MAX_HISTORY_TURNS} turns and "
                            f"{MAX_HISTORY_CHARS} characters; send the recent turns only)")
    code, tokens = language(text), words(text)
    follow_up = is_follow_up(text, code, tokens)
    query = search_query(text, list(turns), follow_up)
    return Question(text, code, tuple(tokens), follow_up, query, whole.asked_about_article(text), turns)
