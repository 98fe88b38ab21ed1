"""Web: the Gradio chat, a thin face over `Engine.ask`, plus the JSON API (`POST /api/ask`, and Gradio's `/ask`)."""

from __future__ import annotations

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


def respond(engine: Engine, message: str, messages: list[dict]):
    """One chat turn, streamed: yields (textbox value, chat messages, sources HTML, article HTML).

    With a language model, each verified sentence appears as soon as it is complete.
    """
    messages = list(messages or [])
    empty = (render.sources_panel(None), render.article_view(engine.documents, None))
    if not isinstance(message, str) or not message.strip():
        yield "", messages, *empty
        return
    user = {"role": "user", "content": render.escape_markdown(message.strip())}
    # The question shows at once, with a sign that the answer is on its way.
    yield "", messages + [user, {"role": "assistant", "content": "…"}], *empty
    try:
        shown = []
        for event in engine.stream(message, _turns(messages)):
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
    if engine.chat_model is not None:
        content += "\n\n" + render.generator_note(answer, engine.generator_name)
    messages += [user, {"role": "assistant", "content": content}]
    yield "", messages, render.sources_panel(answer), render.article_view(engine.documents, answer)


def build_app(engine: Engine):
    """The Gradio Blocks app for `engine`."""
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls
    import gradio as gr

    def on_submit(message, messages):
        yield from respond(engine, message, messages)

    def on_reset():
        return "", [], render.sources_panel(None), render.article_view(engine.documents, None)

    def ask(question: str, history: list | None = None) -> dict:
        """Answer a question about the articles; the same JSON object as `app.py ask --jsonl`."""
        return handle_request(engine, {"id": None, "question": question, "history": history or []})

    with gr.Blocks(title="Vraag het artikel") as app:
        gr.HTML(render.title_html(engine.documents))
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=480, sanitize_html=True, render_markdown=True,
                                     elem_id="qa-chat")
                textbox = gr.Textbox(placeholder="Stel een vraag over het artikel / ask about the article",
                                     show_label=False, max_lines=4, elem_id="qa-input", submit_btn=True)
                with gr.Row():
                    reset = gr.Button("Nieuw gesprek / New conversation", variant="secondary", elem_id="qa-reset")
            with gr.Column(scale=2):
                with gr.Tab("Bronnen / Sources"):
                    sources = gr.HTML(render.sources_panel(None), elem_id="qa-sources")
                with gr.Tab("Artikel / Article"):
                    article = gr.HTML(render.article_view(engine.documents, None), elem_id="qa-article")
        outputs = [textbox, chatbot, sources, article]
        textbox.submit(on_submit, [textbox, chatbot], outputs, api_visibility="private")
        reset.click(on_reset, None, outputs, api_visibility="private")
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


def main(settings: Settings, share: bool = False, auth: str | None = None) -> int:
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
    engine = Engine.open(settings, progress=True)
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
        max_file_size="20mb")  # the chat takes no uploads; nobody may fill the temp folder either
    return 0
