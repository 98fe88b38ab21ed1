"""Web: the Gradio chat, a thin face over `Engine.ask`, plus the JSON API (`POST /api/ask`, and Gradio's `/ask`)."""


import ipaddress
import logging
import sys

from qa import lang, render
from qa.chat import Engine, QuestionError, Turn
from qa import protocol
from qa.protocol import handle_request
from qa.settings import Settings
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
    return [("Alle artikelen / All articles", ALL)] + [
        (d.headline + (f" ({d.date})" if d.date else "") + f" · {len(rows.get(d.source, ()))} passages", d.source)
        for d in engine.visible(session)]


def removable(scope: str) -> bool:
    """Whether the remove button applies: an added article is chosen (not all, not the server's own)."""
    from qa.index import UPLOADS_PREFIX

    return bool(scope) and scope != ALL and scope.startswith(UPLOADS_PREFIX)


def add_article(engine: Engine, how: str, value, title: str = "", session: str | None = None):
    """Add an article from the web chat: `how` is "file" (a path Gradio saved the upload at), "text" or
    "link". Yields status messages (Markdown, escaped) while it works; the last says what was added,
    or why nothing was. The chat keeps working whatever the input held."""
    from functools import partial

    from qa import articles
    from qa.ingest import IngestError

    folder = engine.folder_for(session)
    yield "⏳ " + {"file": "Bestand inlezen en indexeren / reading and indexing the file …",
                  "text": "Tekst indexeren / indexing the text …",
                  "link": "Link ophalen en indexeren / fetching and indexing the link …"}[how]
    try:
        if how == "file":
            if not value:
                raise IngestError("choose a file first")
            from pathlib import Path

            upload = Path(value)
            try:
                data = articles.read_file(upload, engine.settings)
            finally:
                upload.unlink(missing_ok=True)  # Gradio's copy: ours is kept, or nothing is
            write = partial(articles.add_file, folder, upload.name, data, settings=engine.settings)
        elif how == "text":
            write = partial(articles.add_text, folder, value or "", title or "", settings=engine.settings)
        else:
            write = partial(articles.add_url, folder, (value or "").strip(), settings=engine.settings)
        document, passages = engine.add(write, session)
    except (IngestError, OSError) as error:
        log.info("article not added: %s", error)
        yield "⚠ Niet toegevoegd / not added: " + render.escape_markdown(str(error))
        return
    yield ("✓ Toegevoegd / added: **" + render.escape_markdown(document.headline) + "**"
           + (render.escape_markdown(f" ({document.date})") if document.date else "")
           + f", {passages} passages")


def remove_article(engine: Engine, source: str, session: str | None = None) -> str:
    """Remove an uploaded article (articles of the server's own folder are not the chat's to remove)."""
    from qa.index import UPLOADS_PREFIX
    from qa.ingest import IngestError

    if not source or source == ALL:
        return "⚠ Kies eerst een artikel / choose an article first"
    if not source.startswith(UPLOADS_PREFIX):
        return "⚠ Alleen toegevoegde artikelen kunnen weg / only added articles can be removed"
    try:
        engine.remove(source, session)
    except (IngestError, OSError) as error:
        return "⚠ " + render.escape_markdown(str(error))
    return "✓ Verwijderd / removed: " + render.escape_markdown(source[len(UPLOADS_PREFIX):])


def build_app(engine: Engine):
    """The Gradio Blocks app for `engine`."""
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls
    import gradio as gr

    def session_of(request: gr.Request | None) -> str | None:
        return getattr(request, "session_hash", None)

    def on_submit(message, messages, scope, request: gr.Request):
        yield from respond(engine, message, messages, scope, session_of(request))

    def on_reset(request: gr.Request):
        return "", [], render.sources_panel(None), render.article_view(engine.visible(session_of(request)), None)

    def picker(request: gr.Request | None, value: str = ALL):
        choices = scope_choices(engine, session_of(request))
        return gr.Dropdown(choices=choices, value=value if any(v == value for _, v in choices) else ALL)

    def heading(request: gr.Request | None):
        return render.title_html(engine.visible(session_of(request)))

    def on_add(how):
        def handler(value, title, scope, request: gr.Request):
            status = ""
            for status in add_article(engine, how, value, title, session_of(request)):
                yield status, gr.update(), gr.update(), gr.update()
            added = status.startswith("✓")
            cleared = None if how == "file" else ""
            yield status, picker(request, scope), (cleared if added else gr.update()), heading(request)
        return handler

    def on_remove(scope, request: gr.Request):
        status = remove_article(engine, scope, session_of(request))
        return status, picker(request, ALL if status.startswith("✓") else scope), heading(request)

    def on_scope(scope):
        return gr.update(interactive=removable(scope))

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
                                       interactive=False)
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
            with gr.Column(scale=2):
                with gr.Tab(labels["sources"]):
                    sources = gr.HTML(render.sources_panel(None), elem_id="qa-sources")
                with gr.Tab(labels["article"]):
                    article = gr.HTML(render.article_view(engine.visible(None), None), elem_id="qa-article")
        outputs = [textbox, chatbot, sources, article]
        textbox.submit(on_submit, [textbox, chatbot, scope], outputs, api_visibility="private")
        reset.click(on_reset, None, outputs, api_visibility="private")
        hidden = gr.Textbox(visible=False)
        upload.upload(on_add("file"), [upload, hidden, scope], [status, scope, upload, title], api_visibility="private")
        add_text.click(on_add("text"), [paste, paste_title, scope], [status, scope, paste, title], api_visibility="private")
        add_link.click(on_add("link"), [link, hidden, scope], [status, scope, link, title], api_visibility="private")
        remove.click(on_remove, [scope], [status, scope, title], api_visibility="private")
        scope.change(on_scope, [scope], [remove], api_visibility="private")
        app.load(on_load, None, [scope, title], api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_limit=API_THREADS * 4)
    return app


class LoginGuard:
    """The `--auth` check, slowed down after failures: each login within a minute of failed ones waits
    0.25 s per failure (at most 3 s), so guessing passwords takes hours, not seconds. Async, so a waiting
    login holds no worker.

    Args:
        user, password: the one account.
    """

    WINDOW_S = 60.0
    STEP_S = 0.25
    MAX_DELAY_S = 3.0

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self.failures: list[float] = []

    async def check(self, user: str, password: str) -> bool:
        """True for the account's user and password. (A coroutine function, not an object with an async
        `__call__`: Gradio awaits only what `inspect.iscoroutinefunction` recognises, and would take the
        un-awaited coroutine of anything else for a yes.)"""
        import asyncio
        import hmac
        import time

        now = time.monotonic()
        self.failures = [t for t in self.failures if now - t < self.WINDOW_S]
        if self.failures:
            await asyncio.sleep(min(self.STEP_S * len(self.failures), self.MAX_DELAY_S))
        ok = hmac.compare_digest(user.encode(), self.user.encode()) & hmac.compare_digest(
            password.encode(), self.password.encode())
        if not ok:
            self.failures.append(time.monotonic())
        return bool(ok)

    async def check_header(self, authorization: str) -> bool:
        """True for an HTTP `Authorization: Basic …` header carrying the account."""
        import base64
        import binascii

        scheme, _, encoded = authorization.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = password = ""
        return await self.check(user, password) if scheme.lower() == "basic" else await self.check("", "")


API_PATH = "/api/ask"
# The engine is CPU-bound and embeds one question at a time: more threads than this only queue inside it.
API_THREADS = 4


def api_routes(engine: Engine, guard: "LoginGuard | None") -> list:
    """`POST /api/ask`: the protocol's request object in, its answer object out (`{"id", "error"}` with
    status 400 for a bad request). One request, one response, no queue and no event stream, so a
    question costs what the engine takes for it. With `--auth`, it takes the same account by HTTP Basic
    auth, slowed down after failures like the login page."""
    import anyio
    from starlette.responses import Response
    from starlette.routing import Route

    limiter = anyio.CapacityLimiter(API_THREADS)

    def reply(result: dict, status: int = 200, headers: dict | None = None) -> Response:
        return Response(protocol.dumps(result), status_code=status, headers=headers,
                        media_type="application/json")

    async def ask(request) -> Response:
        if guard is not None and not await guard.check_header(request.headers.get("authorization", "")):
            return reply({"id": None, "error": "log in: HTTP Basic auth with the --auth account"}, 401,
                         {"WWW-Authenticate": 'Basic realm="qa"'})
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > protocol.MAX_LINE_BYTES:
                return reply({"id": None, "error": f"request too large (over {protocol.MAX_LINE_BYTES} bytes)"}, 413)
        result = await anyio.to_thread.run_sync(protocol.handle_line, engine, bytes(body), limiter=limiter)
        return reply(result, 400 if "error" in result else 200)

    return [Route(API_PATH, ask, methods=["POST"])]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _port_problem(host: str, port: int) -> str:
    """Why the web chat cannot listen on `host`:`port` (in use, out of range, not allowed), or ""."""
    import socket

    if not 1 <= port <= 65535:
        return f"{port} is not a port (1 to 65535): choose another with --port"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
    except OSError as error:
        reason = "already in use" if error.errno == 98 else (error.strerror or str(error)).lower()
        return f"cannot listen on {host}:{port} ({reason}): choose another with --port"
    return ""


def main(settings: Settings, share: bool = False, auth: str | None = None, articles: list[str] | None = None) -> int:
    credentials = None
    if auth:
        user, _, password = auth.partition(":")
        if not user or not password:
            print("error: --auth takes USER:PASSWORD", file=sys.stderr)
            return 2
        credentials = (user, password)
    host = settings.host.strip("[]")
    if ":" in host:
        # Gradio writes its own address as http://HOST:PORT, which an IPv6 literal breaks; its IPv4 twin
        # serves the same machine.
        twin = "127.0.0.1" if is_loopback(host) else "0.0.0.0"
        print(f"note: the web server takes no IPv6 address; listening on {twin} instead of {host}", file=sys.stderr)
        settings = settings.replace(host=twin)
    if not is_loopback(settings.host) and not credentials:
        print(f"warning: listening on {settings.host} without --auth: anyone who can reach this machine "
              "can use the chat", file=sys.stderr)
    problem = _port_problem(settings.host, settings.port)
    if problem:  # said in one line before the index is opened, not in Gradio's traceback after
        print(f"error: {problem}", file=sys.stderr)
        return 2
    engine = Engine.open(settings, progress=True)
    if articles:
        print("note: --article is for ask and repl; the web chat has its own article picker", file=sys.stderr)
    if settings.private_uploads:
        import shutil

        # Private uploads belong to browser sessions, which end with the server.
        shutil.rmtree(engine.folder_for("x").parent, ignore_errors=True)
        engine.refresh()
    guard = LoginGuard(*credentials) if credentials else None
    app = build_app(engine)
    print(f"Chat about {len(engine.documents)} article(s) on http://{settings.host}:{settings.port}", flush=True)
    import gradio as gr

    # The system's own fonts: the bundled web font lacks some glyphs (a bold "A" fell back to another
    # font), and nothing may be fetched from outside.
    theme = gr.themes.Default(font=["system-ui", "ui-sans-serif", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    app.queue(default_concurrency_limit=4).launch(
        server_name=settings.host, server_port=settings.port, share=share,
        auth=guard.check if guard else None, app_kwargs={"routes": api_routes(engine, guard)},
        css=render.CSS, theme=theme, show_error=False, quiet=True,
        max_file_size=settings.max_upload_bytes)  # Gradio refuses larger uploads before they reach the disk
    return 0
