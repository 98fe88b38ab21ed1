"""Request bodies with a deadline and a cap: a client that declares a body and sends it slowly, or many
at once, cannot hold the server's memory or its workers."""

from __future__ import annotations

import asyncio
import json
import time

BODY_DEADLINE_S = 30.0  # from a request's first byte of body to its last
BODIES_IN_FLIGHT = 32  # large request bodies being received at once; more are answered 503 at once
SMALL_BODY = 65_536  # bytes: a body declared no larger (a question) is not counted against the cap


class BodyLimits:
    """ASGI middleware: a request with a body must send all of it within `deadline` seconds (else the
    app sees the client as gone and the client gets 408), and at most `in_flight` bodies larger than
    `SMALL_BODY` (or of unknown length) are received at once (the next gets 503 with Retry-After).
    Requests without a body pass untouched; a question's small body only has the deadline."""

    def __init__(self, app, deadline: float = BODY_DEADLINE_S, in_flight: int = BODIES_IN_FLIGHT):
        self.app, self.deadline, self.in_flight = app, deadline, in_flight
        self.receiving = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not _has_body(scope):
            return await self.app(scope, receive, send)
        counted = not _is_small(scope)
        if counted and self.receiving >= self.in_flight:
            return await _plain(send, 503, "too many uploads at once; try again in a moment", [(b"retry-after", b"5")])
        self.receiving += counted
        started = time.monotonic()
        state = {"done": False, "late": False, "answered": False}

        async def timed_receive():
            if state["done"]:
                return await receive()
            left = self.deadline - (time.monotonic() - started)
            try:
                message = await asyncio.wait_for(receive(), max(left, 0.001))
            except asyncio.TimeoutError:
                state["done"] = state["late"] = True
                self.receiving -= counted
                return {"type": "http.disconnect"}  # the app stops reading, as for a client that left
            if message["type"] != "http.request" or not message.get("more_body", False):
                state["done"] = True
                self.receiving -= counted
            return message

        async def watched_send(message):
            if message["type"] == "http.response.start":
                state["answered"] = True
            await send(message)

        try:
            await self.app(scope, timed_receive, watched_send)
        except Exception:
            if not state["late"]:  # the app's own failure; a late body's "client gone" is ours to answer
                raise
        finally:
            if not state["done"]:
                self.receiving -= counted
        if state["late"] and not state["answered"]:
            await _plain(send, 408, f"the request body did not arrive within {self.deadline:g} s")


def _has_body(scope) -> bool:
    headers = dict(scope.get("headers", []))
    length = headers.get(b"content-length", b"0").strip()
    return (length.isdigit() and int(length) > 0) or b"transfer-encoding" in headers


def _is_small(scope) -> bool:
    headers = dict(scope.get("headers", []))
    length = headers.get(b"content-length", b"").strip()
    return b"transfer-encoding" not in headers and length.isdigit() and int(length) <= SMALL_BODY


async def _plain(send, status: int, message: str, headers: list | None = None) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
