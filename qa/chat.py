"""Chat: the one conversation entry point that the command line, REPL and web chat all use."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field

from qa import answerability, lang
from qa.answer import Answer, answer_question
from qa.documents import Document, folder_state
from qa.embeddings import QuestionCache
from qa.index import IndexStatus, open_index
from qa.retrieval import HybridRetriever
from qa.settings import MAX_HISTORY_CHARS, MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, Settings
from qa.text import language, words

log = logging.getLogger(__name__)


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


@dataclass
class Reply:
    """An answer plus how long it took."""

    answer: Answer
    latency_ms: float
    question: str
    search_query: str = ""


def validate(question: object) -> str:
    """Return the question stripped, or raise `QuestionError`."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError(lang.en.LABELS["empty_question"], lang.ARTICLES.LABELS["empty_question"])
    if len(question) > MAX_QUESTION_CHARS:
        values = {"length": len(question), "limit": MAX_QUESTION_CHARS}
        user = lang.get(language(question[:500])).LABELS["too_long"].format(**values)
        raise QuestionError(lang.en.LABELS["too_long"].format(**values), user)
    return question.strip()


_NAME = re.compile(r"(?<=\w )[A-Z][\w-]+")
PREVIOUS_QUESTION_CHARS = 500  # of the previous question, read with a follow-up


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the one before: it continues it ("En hoeveel kreeg hij?"), is too short to
    stand alone, or refers back ("Wanneer hebben ze dat besloten?") without naming anyone of its own."""
    tokens = words(question)
    if not tokens:
        return False
    cues = lang.get(language(question))
    if tokens[0] in cues.CONTINUATIONS or len(tokens) <= 3:
        return True
    return any(t in cues.REFERRING for t in tokens) and not _NAME.search(question)


def search_query(question: str, history: list[Turn]) -> str:
    """The text to retrieve with: a follow-up is read together with the previous question."""
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if previous and is_follow_up(question):
        # Only the previous question is read, and no more of it than a question may hold: a huge turn
        # must not hold the engine (embedding time grows with the text).
        return f"{previous[-1][-PREVIOUS_QUESTION_CHARS:]} {question}"
    return question


@dataclass
class Engine:
    """Answers questions about the articles in `settings.docs_dir`.

    Build it with `Engine.open(settings)`, which loads (or builds) the index.
    """

    settings: Settings
    retriever: HybridRetriever
    documents: list[Document]
    status: IndexStatus
    _embedder: object = field(repr=False, default=None)
    chat_model: object = field(repr=False, default=None)
    _seen: tuple | None = field(repr=False, default=None)  # the articles folder as last indexed
    _lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    _question_vector: object = field(repr=False, default=None)  # embeds a question, remembering recent ones

    def refresh(self) -> bool:
        """Re-index what changed in the articles folder since the last look (a stat of each file, so
        cheap enough before every question); True when something did. Answers then come from the new
        text, and no citation points into a version that is gone."""
        seen = folder_state(self.settings.docs_dir)
        if self._seen is None:
            self._seen = seen
        if seen == self._seen:
            return False
        with self._lock:
            if seen != self._seen:
                store, documents, status = open_index(self.settings, embedder=self._embedder, progress=False)
                # One assignment each: a question in flight keeps the retriever it started with.
                self.retriever, self.documents, self.status = HybridRetriever(store), documents, status
                self._seen = seen
                log.warning("articles changed: index %s (%d article(s), %d sentence(s) embedded)",
                            status.action, len(documents), status.embedded_sentences)
        return True

    @classmethod
    def open(cls, settings: Settings, rebuild: bool = False, progress: bool = True) -> "Engine":
        """Load (or build) the index, and the language model if `settings.llm` names one.

        Raises:
            qa.generate.GeneratorError: the language model setting is wrong.
        """
        store, documents, status = open_index(settings, rebuild=rebuild, progress=progress)
        chat_model = None
        if settings.llm:
            from qa.generate import create_chat_model

            chat_model = create_chat_model(settings)
        engine = cls(settings, HybridRetriever(store), documents, status, store.embeddings, chat_model)
        engine._seen = folder_state(settings.docs_dir)
        if settings.question_cache > 0:
            engine._question_vector = QuestionCache(store.embeddings.embed_question, settings.question_cache)
        return engine

    @property
    def generator_name(self) -> str:
        """"extractive", or the language model in use."""
        if self.chat_model is None:
            return "extractive"
        return f"llm: {self.settings.llm_model or self.settings.llm or type(self.chat_model).__name__}"

    @property
    def answerability(self) -> answerability.AnswerabilityModel | None:
        """The answerability model fitted for this embedding model, or None (never refuse)."""
        from qa.embeddings import model_id

        return answerability.load(model_id(self.settings.embeddings))

    def ask(self, question: str, history: list[Turn] | list[dict] | None = None) -> Reply:
        """Answer `question`, reading a follow-up in the light of `history`.

        Raises:
            QuestionError: the question is empty or too long.
        """
        reply = None
        for event in self.stream(question, history):
            reply = event
        return reply

    def stream(self, question: str, history: list[Turn] | list[dict] | None = None):
        """Like `ask`, but first yields each verified sentence of a generated answer as a `str`, as soon
        as it is complete; the last item is the `Reply`. With no language model, only the `Reply`.

        Raises:
            QuestionError: the question is empty or too long.
        """
        started = time.perf_counter()
        question = validate(question)
        self.refresh()
        retriever = self.retriever
        turns = [t if isinstance(t, Turn) else Turn(str(t.get("role", "")), str(t.get("content", "")))
                 for t in (history or [])]
        if len(turns) > MAX_HISTORY_TURNS or sum(len(t.content) for t in turns) > MAX_HISTORY_CHARS:
            raise QuestionError(f"history too long (at most {MAX_HISTORY_TURNS} turns and "
                                f"{MAX_HISTORY_CHARS} characters; send the recent turns only)")
        query = search_query(question, turns)
        embed = self._question_vector or self._embedder.embed_question
        ranking = retriever.rank(embed(query), query)
        answer = answer_question(query, ranking, retriever, language(question),
                                 top_k=self.settings.top_k, model=self.answerability,
                                 min_score=self.settings.min_answer_score)
        if self.chat_model is not None:
            from qa import grounded

            context = query[: -len(question)].strip() if query != question else ""
            for event in grounded.generate(self.chat_model, question, context, ranking, retriever,
                                           self._embedder.embed_question, answer, self.settings.top_k,
                                           self.settings.llm_timeout):
                if isinstance(event, grounded.Sentence):
                    yield event.text
                else:
                    answer = event
        yield Reply(answer, (time.perf_counter() - started) * 1000, question, query)

    def document(self, source: str) -> Document | None:
        return next((d for d in self.documents if d.source == source), None)
