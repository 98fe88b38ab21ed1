"""Who may use the server: the `--auth` account, failed logins limited per client, and the browser
session key that private uploads and their removal are tied to."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections import deque
from http.cookies import SimpleCookie


class LoginGuard:
    """The `--auth` check, with failed attempts limited per client address: after `LIMIT` failures within
    `WINDOW_S` seconds, that client's attempts are refused at once (429, with the seconds to wait) until
    the oldest failure is a window old. No attempt waits, and one guesser never slows another client's
    login. A request that carries no credentials is no failed login.

    Args:
        user, password: the one account.
    """

    WINDOW_S = 60.0
    LIMIT = 5
    CLIENTS = 10_000  # clients remembered at most: a flood of addresses cannot grow memory without end

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self.failures: dict[str, deque[float]] = {}

    def matches(self, user: str, password: str) -> bool:
        """True for the account's user and password (compared in constant time)."""
        return bool(hmac.compare_digest(user.encode(), self.user.encode())
                    & hmac.compare_digest(password.encode(), self.password.encode()))

    async def check(self, user: str, password: str) -> bool:
        """Gradio's auth function. (A coroutine function, not an object with an async `__call__`: Gradio
        awaits only what `inspect.iscoroutinefunction` recognises.) The limit is kept by `LoginLimit`,
        which sees the client's address; Gradio does not pass it here."""
        return self.matches(user, password)

    def retry_after(self, client: str) -> int:
        """Seconds until `client` may try again; 0 when it may now."""
        now = time.monotonic()
        failed = self.failures.get(client)
        while failed and now - failed[0] >= self.WINDOW_S:
            failed.popleft()
        if not failed:
            self.failures.pop(client, None)
            return 0
        return max(1, int(self.WINDOW_S - (now - failed[0]) + 0.999)) if len(failed) >= self.LIMIT else 0

    def failed(self, client: str) -> None:
        if client not in self.failures and len(self.failures) >= self.CLIENTS:
            self.failures.pop(next(iter(self.failures)))  # the longest-known client goes first
        self.failures.setdefault(client, deque(maxlen=self.LIMIT)).append(time.monotonic())

    def check_basic(self, client: str, authorization: str) -> tuple[int, int]:
        """An HTTP `Authorization: Basic …` header from `client`: (200, 0) for the account, (401, 0) for
        none or a wrong one, (429, seconds to wait) for a client over its limit."""
        if not authorization.strip():
            return 401, 0  # asked without credentials: not a guess
        wait = self.retry_after(client)
        if wait:
            return 429, wait
        scheme, _, encoded = authorization.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = password = ""
        if scheme.lower() == "basic" and self.matches(user, password):
            return 200, 0
        self.failed(client)
        return 401, 0


def too_many(wait: int) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The body and headers of a 429 answer."""
    body = json.dumps({"id": None, "error": f"too many failed logins: try again in {wait} s"}).encode()
    return body, [(b"content-type", b"application/json"), (b"retry-after", str(wait).encode()),
                  (b"content-length", str(len(body)).encode())]


class LoginLimit:
    """ASGI middleware around Gradio's `POST /login`: refuses a client over its limit at once (429), and
    counts the attempts Gradio turns down (400) against the client's address."""

    def __init__(self, app, guard: LoginGuard):
        self.app, self.guard = app, guard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/login"):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.guard.retry_after(client)
        if wait:
            body, headers = too_many(wait)
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            return await send({"type": "http.response.body", "body": body})

        async def watch(message):
            if message["type"] == "http.response.start" and message["status"] == 400:
                self.guard.failed(client)
            await send(message)

        await self.app(scope, receive, watch)


COOKIE = "qa_session"


class Sessions:
    """Browser sessions keyed to a secret the server issues: an HttpOnly cookie holding a random token
    and its signature. A client can neither choose another's key nor forge one; the key (what private
    uploads are filed under) is derived from the token, so neither the folder names nor the logs show
    the cookie."""

    def __init__(self, secret: bytes | None = None):
        self.secret = secret or secrets.token_bytes(32)

    def _sign(self, token: str) -> str:
        return hmac.new(self.secret, token.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        token = secrets.token_urlsafe(24)
        return f"{token}.{self._sign(token)}"

    def key(self, cookie: str | None) -> str | None:
        """The session key of a cookie this server issued; None for a missing or forged one."""
        token, _, signature = (cookie or "").partition(".")
        if not token or not hmac.compare_digest(signature, self._sign(token)):
            return None
        return hashlib.sha256(self.secret + token.encode()).hexdigest()[:32]


class SessionCookie:
    """ASGI middleware: gives every browser without a valid session cookie a new one (HttpOnly,
    SameSite=Strict), on the response to its first request: the page itself."""

    def __init__(self, app, sessions: Sessions):
        self.app, self.sessions = app, sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        cookies = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                try:
                    cookies.load(value.decode("latin-1"))
                except Exception:  # a malformed cookie header is as good as none
                    pass
        if COOKIE in cookies and self.sessions.key(cookies[COOKIE].value):
            return await self.app(scope, receive, send)
        fresh = self.sessions.issue()
        # The cookie the request should have carried, so that this very request already has its session.
        others = [part for name, value in scope.get("headers", []) if name == b"cookie"
                  for part in value.split(b";") if part.strip() and part.split(b"=")[0].strip() != COOKIE.encode()]
        scope = dict(scope, headers=[(n, v) for n, v in scope.get("headers", []) if n != b"cookie"]
                     + [(b"cookie", b"; ".join([p.strip() for p in others] + [f"{COOKIE}={fresh}".encode()]))])

        async def with_cookie(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", f"{COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Strict".encode()))
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, with_cookie)


def session_key(request, sessions: Sessions) -> str | None:
    """The session key of a Gradio or Starlette request, from its cookie; None without a valid one."""
    cookies = getattr(request, "cookies", None) or {}
    return sessions.key(cookies.get(COOKIE))
