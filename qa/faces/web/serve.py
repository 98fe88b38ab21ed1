"""Serve the web chat: check the address and port, open the engine, and launch Gradio on loopback."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import sys

from qa.answering.chat import Engine
from qa.archive.library import Library
from qa.faces import render
from qa.faces.web.api import api_routes
from qa.faces.web.auth import LoginGuard, LoginLimit, SessionCookie, Sessions
from qa.faces.web.limits import BodyLimits
from qa.faces.web.page import build_app
from qa.settings import Settings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _port_problem(host: str, port: int) -> str:
    """Why the web chat cannot listen on `host`:`port` (in use, out of range, not allowed), or ""."""
    if not 1 <= port <= 65535:
        return f"{port} is not a port (1 to 65535): choose another with --port"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # as uvicorn binds: a port held only by closed connections (TIME-WAIT) can be listened on
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    # uvicorn believes X-Forwarded-For from the addresses this names (by default loopback's, where every
    # client of a local server comes from): only the proxies the user names.
    os.environ["FORWARDED_ALLOW_IPS"] = settings.trusted_proxies
    engine = Engine.open(settings, progress=True)
    if articles:
        print("note: --article is for ask and repl; the web chat has its own article picker", file=sys.stderr)
    if settings.private_uploads:
        # Private uploads belong to browser sessions, which end with the server.
        shutil.rmtree(Library(engine).folder_for("x").parent, ignore_errors=True)
        engine.refresh()
    guard = LoginGuard(*credentials) if credentials else None
    sessions = Sessions()  # a new secret each start: private uploads end with the server anyway
    app = build_app(engine, sessions)
    from starlette.middleware import Middleware

    middleware = [Middleware(BodyLimits, deadline=settings.body_timeout), Middleware(SessionCookie, sessions=sessions)]
    if guard:
        middleware.append(Middleware(LoginLimit, guard=guard))
    print(f"Chat about {len(engine.documents)} article(s) on http://{settings.host}:{settings.port}", flush=True)
    import gradio as gr

    # The system's own fonts: the bundled web font lacks some glyphs (a bold "A" fell back to another
    # font), and nothing may be fetched from outside.
    theme = gr.themes.Default(font=["system-ui", "ui-sans-serif", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    app.queue(default_concurrency_limit=4).launch(
        server_name=settings.host, server_port=settings.port, share=share,
        auth=guard.check if guard else None, app_kwargs={"routes": api_routes(engine, guard), "middleware": middleware},
        css=render.CSS, theme=theme, show_error=False, quiet=True,
        # Gradio's "Use via API" documents Gradio's own endpoints, not POST /api/ask: not shown.
        footer_links=["gradio", "settings"],
        max_file_size=settings.max_upload_bytes)  # Gradio refuses larger uploads before they reach the disk
    return 0
