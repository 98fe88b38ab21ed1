"""Chat: the engine that answers, the one conversation entry point that the command line, REPL and web chat
all use. What it answers from is changed through `qa.archive.library`."""

from __future__ import annotations

import gc
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from qa import lang
from qa.answering import grounded, reader, whole
from qa.answering.answer import Answer, answer_question
from qa.answering.generate import create_chat_model
from qa.answering.question import Question, QuestionError, Turn, parse
from qa.archive.documents import Document
from qa.archive.embeddings import QuestionCache, reading
from qa.archive.index import IndexStatus, articles_state, open_index
from qa.archive.library import own_sources, public_sources, visible_to
from qa.archive.retrieval import HybridRetriever
from qa.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Reply:
    """An answer plus how long it took."""

    answer: Answer
    latency_ms: float
    question: str
    search_query: str = ""


@contextmanager
def _building_for_good():
    """Build what lives as long as the engine (an archive's text analysis: millions of small objects)
    without the garbage collector, and tell it afterwards to leave those objects alone. Otherwise it walks
    them again and again as they pile up at start, and every few updates after (seconds at 100,000
    passages, while a reader waits on an upload). They form no reference cycles, so what an update
    replaces is still freed, by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


UPDATE_WAIT_S = 1.0  # how long a question waits for an update it noticed before answering without it
MAX_PRIVATE_RETRIEVERS = 32  # the sessions with private uploads whose retrievers are kept between questions


@dataclass
class Engine:
    """Answers questions about the articles in `settings.docs_dir`.

    Build it with `Engine.open(settings)`, which loads (or builds) the index.
    """

    settings: Settings
    retriever: HybridRetriever
    documents: list[Document]
    status: IndexStatus
    embedder: object = field(repr=False, default=None)
    chat_model: object = field(repr=False, default=None)
    _seen: tuple | None = field(repr=False, default=None)  # the articles folder as last indexed
    _lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    _question_vector: object = field(repr=False, default=None)  # embeds a question, remembering recent ones
    _known: dict = field(repr=False, default_factory=dict)  # articles read, by file and its size and time
    _private: dict = field(repr=False, default_factory=dict)  # session → (public retriever, its own retriever)
    _lock_private: threading.Lock = field(repr=False, default_factory=threading.Lock)
    _updating: threading.Thread | None = field(repr=False, default=None)  # an update started by a question
    _reader: object = field(init=False, repr=False, default=None)  # reads, remembering recent readings

    def __post_init__(self):  # four sentences are read per question
        self._reader = reader.Remembering(self.settings.reader, 4 * self.settings.question_cache)

    def refresh_beside(self) -> str:
        """Bring the index up to date beside a question, not inside it: when the articles folder changed
        (another process added an article, a file was copied in), a background thread re-indexes while the
        question is answered from the index as it stands.

        Returns:
            "" when the index is current; "started" when this call started the update (a question may
            wait a moment for it: one small article is quickly done); "running" when one was already
            under way (an article being added in this process, or an earlier question's update), which
            a question does not wait for.
        """
        running = self._updating
        if running is not None and running.is_alive() or self._lock.locked():
            return "running"
        if self._seen is None or articles_state(self.settings) == self._seen:
            return ""

        def update():
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the next question tries again; this one is answered anyway
                log.exception("bringing the index up to date failed")

        self._updating = threading.Thread(target=update, name="index-update", daemon=True)
        self._updating.start()
        return "started"

    def refresh(self, announce: bool = True, wait: bool = True) -> bool:
        """Re-index what changed in the articles folder since the last look (a stat of each file, so
        cheap enough before every question); True when something did. Answers then come from the new
        text, and no citation points into a version that is gone.

        Args:
            wait: False for a question: while another thread is already updating the index (an upload
                being embedded), answer from the archive as it is rather than wait for the update; the
                update swaps the new state in when it is done.
        """
        seen = articles_state(self.settings)
        if self._seen is None:
            self._seen = seen
        if seen == self._seen:
            return False
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            if seen != self._seen:
                with _building_for_good():
                    store, documents, status = open_index(self.settings, embedder=self.embedder, progress=False,
                                                          current=self.retriever.store, known=self._known)
                    retriever = HybridRetriever(store, previous=self.retriever,
                                                only=public_sources(store.article_rows))
                # One assignment each: a question in flight keeps the retriever it started with.
                self.retriever, self.documents, self.status = retriever, documents, status
                self._seen = seen
                log.log(logging.WARNING if announce else logging.INFO,
                        "articles changed: index %s (%d article(s), %d sentence(s) embedded)",
                        status.action, len(documents), status.embedded_sentences)
        finally:
            self._lock.release()
        return True

    @classmethod
    def open(cls, settings: Settings, rebuild: bool = False, progress: bool = True) -> "Engine":
        """Load (or build) the index, and the language model if `settings.llm` names one.

        Raises:
            qa.answering.generate.GeneratorError: the language model setting is wrong.
        """
        known: dict = {}
        reader.warm(settings.reader)
        with _building_for_good():
            store, documents, status = open_index(settings, rebuild=rebuild, progress=progress, known=known)
            retriever = HybridRetriever(store, only=public_sources(store.article_rows))
        chat_model = None
        if settings.llm:
            chat_model = create_chat_model(settings)
        engine = cls(settings, retriever, documents, status, store.embeddings, chat_model)
        engine._seen, engine._known = articles_state(settings), known
        if settings.question_cache > 0:
            engine._question_vector = QuestionCache(store.embeddings.embed_question, settings.question_cache)
        return engine

    @property
    def generator_name(self) -> str:
        """"extractive", or the language model in use."""
        if self.chat_model is None:
            return "extractive"
        return f"llm: {self.settings.llm_model or self.settings.llm or type(self.chat_model).__name__}"

    def ask(self, question: str, history: list[Turn] | list[dict] | None = None,
            articles: list[str] | None = None, session: str | None = None) -> Reply:
        """Answer `question`, reading a follow-up in the light of `history`.

        Args:
            question: the question.
            history: the conversation so far (oldest first).
            articles: answer only from these articles (each a `Document.source`, or a title or a unique
                part of one); None: from all.
            session: the web session asking, which sees its own private uploads and no one else's.

        Raises:
            QuestionError: the question is empty or too long, or an article is unknown.
        """
        reply = None
        for event in self.stream(question, history, articles, session):
            reply = event
        return reply

    def stream(self, question: str, history: list[Turn] | list[dict] | None = None,
               articles: list[str] | None = None, session: str | None = None):
        """Like `ask`, but first yields each verified sentence of a generated answer as a `str`, as soon
        as it is complete; the last item is the `Reply`. With no language model, only the `Reply`.

        Raises:
            QuestionError: the question is empty or too long.
        """
        started = time.perf_counter()
        asked = parse(question, history)  # parsed once; everything below reads this
        question, query, code = asked.text, asked.query, asked.language
        updating = self.refresh_beside()
        retriever = self.retriever_for(session)
        sources = self.resolve(articles, session) if articles is not None else None
        if sources is None:
            visible = self.visible(session)
            if len(visible) < len(self.documents):  # other sessions' private uploads are out of sight
                sources = {d.source for d in visible}
        embed = self._question_vector or self.embedder.embed_question
        if asked.about_article:  # a question about the article itself: answered from what the article is
            document = self._article_in_question(asked, sources, session, retriever, embed)
            answer = (whole.answer_about(asked.about_article, document, retriever.store, code) if document
                      else whole.which_article(self.visible(session), code))
            if self.chat_model is not None and answer.kind == "summary":  # written in the question's language
                for event in grounded.summarise(self.chat_model, question, answer, retriever.store,
                                                self.embedder.embed_question, self.settings.llm_timeout):
                    if isinstance(event, grounded.Sentence):
                        yield event.text
                    else:
                        answer = event
            yield Reply(answer, (time.perf_counter() - started) * 1000, question, query)
            return
        if asked.names_nothing:
            # "Wie?", "???", "What?" with no question before it to lean on: any sentence would be an answer
            # from thin air, so the engine asks back what to look up.
            answer = Answer(lang.get(code).LABELS["ask_something"], False, code, kind="clarify")
            yield Reply(answer, (time.perf_counter() - started) * 1000, question, query)
            return
        ranking = retriever.rank(embed(query), query, sources=sources)
        if updating == "started":
            self._updating.join(UPDATE_WAIT_S)  # a small update (one article) is waited for; a big one is not
            if not self._updating.is_alive():
                retriever, updating = self.retriever_for(session), ""
                ranking = retriever.rank(embed(query), query, sources=sources)
        with reading():  # an article being added pauses while the reader reads
            answer = answer_question(query, ranking, retriever, code, top_k=self.settings.top_k,
                                     min_score=self.settings.min_answer_score, reader=self._reader)
        if updating:
            answer.notice = " ".join(filter(None, [answer.notice, lang.get(code).LABELS["updating"]]))
        if answer.answerable and answer.citations and not answer.notice:
            cited = self.document(answer.citations[0].source)
            if cited is not None:  # an English question answered in Dutch words says so
                answer.notice = whole.quoted_from(cited, answer.language)
        if self.chat_model is not None:
            context = query[: -len(question)].strip() if query != question else ""
            for event in grounded.generate(self.chat_model, question, context, ranking, retriever,
                                           self.embedder.embed_question, answer, self.settings.top_k,
                                           self.settings.llm_timeout):
                if isinstance(event, grounded.Sentence):
                    yield event.text
                else:
                    answer = event
        yield Reply(answer, (time.perf_counter() - started) * 1000, question, query)

    def _article_in_question(self, asked: Question, sources, session, retriever, embed) -> Document | None:
        """The one article a whole-article question means: the one in scope, the only one, the one the
        question names ("het artikel over de helm"), or the one the conversation's last question was
        answered from; None when that is not clear."""
        if sources is not None and len(sources) == 1:
            return self.document(next(iter(sources)))
        visible = [d for d in self.visible(session) if sources is None or d.source in sources]
        if len(visible) == 1:
            return visible[0]
        named = whole.named_article(asked.text, visible, retriever, embed, sources)
        if named is not None:
            return named
        earlier = next((t.content for t in reversed(asked.turns) if t.role == "user" and t.content.strip()), "")
        if earlier and not whole.asked_about_article(earlier):
            hits = retriever.rank(embed(earlier), earlier, sources=sources).hits
            if hits:
                return self.document(retriever.store.passages[hits[0].row].source)
        return None

    def retriever_for(self, session: str | None = None) -> HybridRetriever:
        """The retriever a session's questions are ranked by. `retriever` knows the public articles only,
        so that no statistic a public question sees (IDF, BM25, vocabulary) tells what is in someone's
        private upload; a session with uploads of its own gets one that knows them too."""
        public = self.retriever
        own = own_sources(session)
        if not own or public.only is None:  # no session, or no private upload in the archive at all
            return public
        mine = {s for s in public.store.article_rows if s.startswith(own)}
        if not mine:
            return public
        cached = self._private.get(session)
        if cached is not None and cached[0] is public:
            return cached[1]
        retriever = HybridRetriever(public.store, previous=public, only=public.only | mine)
        with self._lock_private:
            if len(self._private) >= MAX_PRIVATE_RETRIEVERS:
                self._private.pop(next(iter(self._private)))
            self._private[session] = (public, retriever)
        return retriever

    def document(self, source: str) -> Document | None:
        return next((d for d in self.documents if d.source == source), None)

    def visible(self, session: str | None = None) -> list[Document]:
        """The articles a web session may ask about (see `qa.archive.library.visible_to`)."""
        return visible_to(self.documents, session)

    def resolve(self, articles: list[str], session: str | None = None) -> set[str]:
        """The sources that `articles` name: each a file name (`Document.source`), a title, or a part of
        one that only one article has (case does not matter).

        Raises:
            QuestionError: a name that matches no article, or several.
        """
        documents = self.visible(session)
        sources = set()
        for name in articles:
            if not isinstance(name, str) or not name.strip():
                raise QuestionError("each article must be a non-empty string (a file name or title)")
            wanted = name.strip().casefold()
            exact = [d for d in documents if wanted in (d.source.casefold(), d.title.casefold(),
                                                        d.source.rsplit("/", 1)[-1].casefold())]
            found = exact or [d for d in documents if wanted in d.source.casefold() or wanted in d.title.casefold()]
            if not found:
                raise QuestionError(f"no article matches {name[:100]!r}")
            if len(found) > 1:
                raise QuestionError(f"{name[:100]!r} matches {len(found)} articles; give its file name")
            sources.add(found[0].source)
        return sources
