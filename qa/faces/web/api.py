"""`POST /api/ask`: the JSON-lines protocol over HTTP, one request and one response."""

from __future__ import annotations

from qa.answering.chat import Engine
from qa.faces import protocol
from qa.faces.web.auth import LoginGuard

API_PATH = "/api/ask"
# The engine is CPU-bound and embeds one question at a time: more threads than this only queue inside it.
API_THREADS = 4


def api_routes(engine: Engine, guard: "LoginGuard | None") -> list:
    """`POST /api/ask`: the protocol's request object in, its answer object out (`{"id", "error"}` with
    status 400 for a bad request). One request, one response, no queue and no event stream, so a
    question costs what the engine takes for it. With `--auth`, it takes the same account by HTTP Basic
    auth, with failures limited per client like the login page's (429 once over the limit)."""
    import anyio
    from starlette.responses import Response
    from starlette.routing import Route

    limiter = anyio.CapacityLimiter(API_THREADS)

    def reply(result: dict, status: int = 200, headers: dict | None = None) -> Response:
        return Response(protocol.dumps(result), status_code=status, headers=headers,
                        media_type="application/json")

    async def ask(request) -> Response:
        if guard is not None:
            client = request.client.host if request.client else "?"
            status, wait = guard.check_basic(client, request.headers.get("authorization", ""))
            if status == 429:
                return reply({"id": None, "error": f"too many failed logins: try again in {wait} s"}, 429,
                             {"Retry-After": str(wait)})
            if status != 200:
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
