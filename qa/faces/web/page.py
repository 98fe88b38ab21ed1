"""The chat page: Gradio Blocks over `Engine.stream`, with the article picker and the add and remove panel."""

# No `from __future__ import annotations` here: Gradio finds the `gr.Request` a handler wants by its
# annotation, and a string annotation (gradio is imported inside `build_app`) is not recognised.
import logging
import os
import threading
from pathlib import Path

from qa import lang
from qa.answering.chat import Engine, QuestionError, Turn
from qa.archive.library import UPLOADS_PREFIX, IngestError, Library
from qa.faces import render
from qa.faces.protocol import handle_request
from qa.faces.web.api import API_THREADS
from qa.faces.web.auth import Sessions, session_key
from qa.text import language

log = logging.getLogger(__name__)


def _turns(messages: list[dict]) -> list[Turn]:
    """This browser session's chat history as the engine's turns (the chat keeps it per session)."""
    return [Turn(m["role"], m["content"]) for m in messages or []
            if isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)]


ALL = ""  # the scope "every article"


def respond(engine: Engine, message: str, messages: list[dict], scope: str = ALL, session: str | None = None):
    """One chat turn, streamed: yields (textbox value, chat messages, sources HTML, article HTML).

    With a language model, each verified sentence appears as soon as it is complete.

    Args:
        scope: the one article (its source) the conversation is about, or `ALL`.
        session: the browser session, which sees its own private uploads.
    """
    messages = list(messages or [])
    documents = engine.visible(session)
    empty = (render.sources_panel(None), render.article_view(documents, None))
    articles = [scope] if scope and scope != ALL and any(d.source == scope for d in documents) else None
    if not isinstance(message, str) or not message.strip():
        yield "", messages, *empty
        return
    user = {"role": "user", "content": render.escape_markdown(message.strip())}
    # The question shows at once, with a sign that the answer is on its way.
    yield "", messages + [user, {"role": "assistant", "content": "…"}], *empty
    try:
        shown = []
        for event in engine.stream(message, _turns(messages), articles, session):
            if isinstance(event, str):
                shown.append(event)
                partial = {"role": "assistant", "content": render.escape_markdown(" ".join(shown)) + " …"}
                yield "", messages + [user, partial], *empty
            else:
                reply = event
    except QuestionError as error:
        user["content"] = render.escape_markdown(message[:200] + ("…" if len(message) > 200 else ""))
        labels = lang.get(language(message[:500])).LABELS
        warning = {"role": "assistant", "content": "⚠ " + render.escape_markdown(labels["error"].format(error.for_user))}
        yield "", messages + [user, warning], *empty
        return
    answer = reply.answer
    content = render.chat_message(answer)
    if len(documents) > 1 and answer.answerable and answer.citations:
        content += "\n\n" + render.article_note(answer.citations[0])  # which article, in an archive
    if answer.notice and engine.chat_model is None:
        content += "\n\n" + render.notice_note(answer.notice)
    if engine.chat_model is not None:
        content += "\n\n" + render.generator_note(answer, engine.generator_name)
    messages += [user, {"role": "assistant", "content": content}]
    yield "", messages, render.sources_panel(answer), render.article_view(documents, answer)


def scope_choices(engine: Engine, session: str | None) -> list[tuple[str, str]]:
    """The article picker's entries: every article, then each one (headline, date, passages)."""
    rows = engine.retriever.store.article_rows
    return [(lang.WEB_LABELS["all_articles"], ALL)] + [
        (d.headline + (f" ({d.date})" if d.date else "") + f" · {len(rows.get(d.source, ()))} passages", d.source)
        for d in engine.visible(session)]


def removable(scope: str) -> bool:
    """Whether the remove button applies: an added article is chosen (not all, not the server's own)."""
    return bool(scope) and scope != ALL and scope.startswith(UPLOADS_PREFIX)


def add_article(library: Library, how: str, value, title: str = "", session: str | None = None,
                owner: str | None = None, cancel: threading.Event | None = None):
    """Add an article from the web chat: `how` is "file" (a path Gradio saved the upload at), "text" or
    "link". Yields status messages (Markdown, escaped) while it works; the last says what was added,
    or why nothing was. The chat keeps working whatever the input held; setting `cancel` stops the
    embedding and adds nothing."""
    labels = lang.WEB_LABELS
    yield "⏳ " + labels[{"file": "reading_file", "text": "indexing_text", "link": "fetching_link"}[how]] + " …"
    try:
        if how == "file":
            if not value:
                raise IngestError("choose a file first")
            # Gradio's copy is deleted once read: ours is kept, or nothing is.
            document, passages = library.add_file(Path(value), session, owner, cancel, delete_after_reading=True)
        elif how == "text":
            document, passages = library.add_text(value or "", title or "", session, owner, cancel)
        else:
            document, passages = library.add_link(value or "", session, owner, cancel)
    except (IngestError, OSError) as error:
        log.info("article not added: %s", error)
        yield f"⚠ {labels['not_added']}: " + render.escape_markdown(str(error))
        return
    yield (f"✓ {labels['added']}: **" + render.escape_markdown(document.headline) + "**"
           + (render.escape_markdown(f" ({document.date})") if document.date else "")
           + f", {passages} passages")


def remove_article(library: Library, source: str, session: str | None = None, owner: str | None = None) -> str:
    """Remove an uploaded article (articles of the server's own folder are not the chat's to remove)."""
    if not source or source == ALL:
        return f"⚠ {lang.WEB_LABELS['choose_first']}"
    if not source.startswith(UPLOADS_PREFIX):
        return f"⚠ {lang.WEB_LABELS['only_added']}"
    try:
        library.remove(source, session, owner)
    except (IngestError, OSError) as error:
        return "⚠ " + render.escape_markdown(str(error))
    return f"✓ {lang.WEB_LABELS['removed']}: " + render.escape_markdown(source[len(UPLOADS_PREFIX):])


def build_app(engine: Engine, sessions: "Sessions | None" = None):
    """The Gradio Blocks app for `engine`; `sessions` tells browsers apart by the cookie the server issues
    (`qa.faces.web.auth.SessionCookie` must sit in front of the app)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls
    import gradio as gr

    sessions = sessions or Sessions()
    library = Library(engine)

    def session_of(request: gr.Request | None) -> str | None:
        # The server's own signed cookie, never Gradio's session_hash: the browser chooses that one.
        return session_key(request, sessions) if request is not None else None

    def owner_of(request: gr.Request | None) -> str:
        """Who adds or removes: the logged-in user under --auth, else the browser session."""
        user = getattr(request, "username", None)
        return f"user:{user}" if user else f"session:{session_of(request)}"

    def on_submit(message, messages, scope, request: gr.Request):
        yield from respond(engine, message, messages, scope, session_of(request))

    def on_reset(request: gr.Request):
        return "", [], render.sources_panel(None), render.article_view(engine.visible(session_of(request)), None)

    def picker(request: gr.Request | None, value: str = ALL):
        choices = scope_choices(engine, session_of(request))
        return gr.Dropdown(choices=choices, value=value if any(v == value for _, v in choices) else ALL)

    def heading(request: gr.Request | None):
        return render.title_html(engine.visible(session_of(request)))

    adding: dict[str, threading.Event] = {}  # per browser session: set to stop its article being added

    def on_add(how):
        def handler(value, title, scope, request: gr.Request):
            status, key = "", session_of(request) or ""
            cancel = adding[key] = threading.Event()
            try:
                for status in add_article(library, how, value, title, session_of(request), owner_of(request),
                                          cancel):
                    yield status, gr.update(), gr.update(), gr.update(), gr.update(visible=True)
            finally:
                if adding.get(key) is cancel:
                    del adding[key]
            added = status.startswith("✓")
            cleared = None if how == "file" else ""
            yield (status, picker(request, scope), (cleared if added else gr.update()), heading(request),
                   gr.update(visible=False))
        return handler

    def on_cancel(request: gr.Request):
        cancel = adding.get(session_of(request) or "")
        if cancel is None:
            return gr.update()
        cancel.set()
        return "⏳ " + labels["cancelling"]

    def on_remove(scope, request: gr.Request):
        status = remove_article(library, scope, session_of(request), owner_of(request))
        return status, picker(request, ALL if status.startswith("✓") else scope), heading(request)

    def on_scope(scope):
        return gr.update(visible=removable(scope))  # shown only when it can act

    def on_load(request: gr.Request):
        return picker(request), heading(request)

    def ask(question: str, history: list | None = None) -> dict:
        """Answer a question about the articles; the same JSON object as `app.py ask --jsonl`."""
        return handle_request(engine, {"id": None, "question": question, "history": history or []})

    labels = lang.WEB_LABELS
    # Gradio's copies of uploads older than an hour are deleted every hour (ours are read at once).
    with gr.Blocks(title="Vraag het artikel", delete_cache=(3600, 3600)) as app:
        title = gr.HTML(render.title_html(engine.visible(None)), elem_id="qa-title")
        with gr.Row():
            with gr.Column(scale=3):
                scope = gr.Dropdown(choices=scope_choices(engine, None), value=ALL, elem_id="qa-scope",
                                    label=labels["scope"], interactive=True)
                # No label: scrolled chat text showed through the label and its toolbar on a phone.
                chatbot = gr.Chatbot(show_label=False, height=480, sanitize_html=True, render_markdown=True,
                                     elem_id="qa-chat")
                textbox = gr.Textbox(placeholder=labels["placeholder"], show_label=False, max_lines=4,
                                     elem_id="qa-input", submit_btn=True)
                with gr.Row():
                    reset = gr.Button(labels["reset"], variant="secondary", elem_id="qa-reset")
                    remove = gr.Button(labels["remove"], variant="secondary", elem_id="qa-remove",
                                       visible=False)
                # Over an empty folder the page opens on adding an article: there is nothing to ask yet.
                with gr.Accordion(labels["add"], open=not engine.documents, elem_id="qa-add"):
                    with gr.Tab(labels["file"]):
                        # A button, not Gradio's drop zone: its own words are English only.
                        upload = gr.UploadButton(labels["choose_file"], file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
                                                 type="filepath", elem_id="qa-upload")
                    with gr.Tab(labels["paste"]):
                        paste_title = gr.Textbox(label=labels["title"], elem_id="qa-paste-title")
                        paste = gr.Textbox(label=labels["text"], lines=6, elem_id="qa-paste")
                        add_text = gr.Button(labels["add_button"], elem_id="qa-add-text")
                    with gr.Tab("Link"):
                        link = gr.Textbox(label="https://…", elem_id="qa-link")
                        add_link = gr.Button(labels["fetch"], elem_id="qa-add-link")
                    # The result of adding stands by the button, where the reader is looking.
                    status = gr.Markdown("", elem_id="qa-status")
                    # Shown only while an article is being added.
                    cancel = gr.Button(labels["cancel"], variant="secondary", size="sm", elem_id="qa-cancel",
                                       visible=False)
            with gr.Column(scale=2, elem_id="qa-side"):
                with gr.Tab(labels["sources"]):
                    sources = gr.HTML(render.sources_panel(None), elem_id="qa-sources")
                with gr.Tab(labels["article"]):
                    article = gr.HTML(render.article_view(engine.visible(None), None), elem_id="qa-article")
        outputs = [textbox, chatbot, sources, article]
        textbox.submit(on_submit, [textbox, chatbot, scope], outputs, api_visibility="private")
        reset.click(on_reset, None, outputs, api_visibility="private")
        hidden = gr.Textbox(visible=False)
        upload.upload(on_add("file"), [upload, hidden, scope], [status, scope, upload, title, cancel],
                      api_visibility="private")
        add_text.click(on_add("text"), [paste, paste_title, scope], [status, scope, paste, title, cancel],
                       api_visibility="private")
        add_link.click(on_add("link"), [link, hidden, scope], [status, scope, link, title, cancel],
                       api_visibility="private")
        remove.click(on_remove, [scope], [status, scope, title], api_visibility="private")
        # Not a Gradio `cancels=`: that stops the event's generator, not the embedding under it.
        cancel.click(on_cancel, None, [status], api_visibility="private", concurrency_limit=None)
        scope.change(on_scope, [scope], [remove], api_visibility="private")
        app.load(on_load, None, [scope, title], api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_limit=API_THREADS * 4)
    return app
