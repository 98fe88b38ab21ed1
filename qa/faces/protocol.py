"""Protocol: the JSON-lines question/answer format of `python app.py ask --jsonl` and the web API."""

from __future__ import annotations

import json

from qa.answering.answer import answer_kind
from qa.answering.chat import Engine, QuestionError, Reply, Turn

CITATION_FIELDS = ("n", "source", "passage_id", "start", "end", "text", "quote", "score", "paragraph",
                   "quote_start", "quote_end", "title", "date", "article")


def reply_to_json(reply: Reply, request_id: object = None) -> dict:
    """The protocol's answer object for one reply."""
    answer = reply.answer
    return {
        "id": request_id,
        "answer": answer.text,
        # The exact words that answer, a part of citation 1's quote; "" for a question that asks for no
        # single fact, and on a refusal.
        "short": answer.short,
        "kind": answer_kind(answer),
        "answerable": answer.answerable,
        "language": answer.language,
        "citations": [_citation(c) for c in answer.citations],
        # On a refusal: the nearest passages, for the reader to judge; they are not support.
        "related": [_citation(c) for c in answer.related],
        "confidence": answer.confidence,
        "generator": answer.generator,
        "dropped": answer.dropped,
        "repaired": answer.repaired,
        "latency_ms": round(reply.latency_ms, 2),
    } | ({"notice": answer.notice} if answer.notice else {})


def _citation(citation) -> dict:
    fields = {key: getattr(citation, key) for key in CITATION_FIELDS}
    if citation.short_end > citation.short_start:  # the short answer's place, in the citation it is from
        fields |= {"short_start": citation.short_start, "short_end": citation.short_end}
    return fields


def _history(raw: object) -> list[Turn]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise QuestionError("history must be a list of {role, content} objects")
    turns = []
    for item in raw:
        if not isinstance(item, dict) or item.get("role") not in ("user", "assistant") \
                or not isinstance(item.get("content"), str):
            raise QuestionError("each history item needs role 'user' or 'assistant' and a string content")
        turns.append(Turn(item["role"], item["content"]))
    return turns


def handle_request(engine: Engine, request: object, scope: list[str] | None = None) -> dict:
    """Answer one decoded request; a bad request gets `{"id", "error"}`, never an exception.

    Args:
        scope: the articles to answer from when the request names none (`ask --jsonl --article NAME`).
    """
    request_id = request.get("id") if isinstance(request, dict) else None
    try:
        if not isinstance(request, dict):
            raise QuestionError("each line must be a JSON object with a 'question'")
        if "question" not in request:
            raise QuestionError("missing 'question'")
        if not isinstance(request["question"], str):
            raise QuestionError("'question' must be a string")
        articles = request.get("articles", scope)
        if articles is not None and (not isinstance(articles, list) or not articles):
            raise QuestionError("'articles' must be a non-empty list of article names")
        reply = engine.ask(request["question"], _history(request.get("history")), articles)
    except QuestionError as error:
        return {"id": request_id, "error": str(error)}
    return reply_to_json(reply, request_id)


MAX_LINE_BYTES = 1_000_000  # a question is at most 2,000 characters; history is bounded by the engine


def _strict(value: object) -> object:
    """`value` as strict JSON allows: no NaN or infinities, no lone surrogates, no huge integers."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 300:
        return str(value)[:40] + "…"
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    if isinstance(value, dict):
        return {_strict(k): _strict(v) for k, v in value.items()}
    return value


def handle_line(engine: Engine, line: str | bytes, scope: list[str] | None = None) -> dict:
    """Answer one input line (a trailing newline aside, an empty line is an error too). Whatever the
    line holds, the result is one object, never an exception."""
    if isinstance(line, bytes):
        if len(line) > MAX_LINE_BYTES:
            return {"id": None, "error": f"line too long (over {MAX_LINE_BYTES} bytes)"}
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as error:
            return {"id": None, "error": f"not UTF-8: byte {error.start + 1} cannot be decoded"}
    if not line.strip():
        return {"id": None, "error": "empty line: send one JSON object per line"}
    try:
        request = json.loads(line)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"not valid JSON: {error.msg} at column {error.colno}"}
    except (RecursionError, ValueError) as error:  # nested too deep; an integer of thousands of digits
        return {"id": None, "error": f"not acceptable JSON: {str(error).splitlines()[0][:120]}"}
    try:
        # A question with a lone surrogate cannot be encoded, embedded or shown: refuse it whole.
        json.dumps(request, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError, ValueError) as error:
        request_id = request.get("id") if isinstance(request, dict) else None
        if isinstance(request_id, str):  # the id itself may hold the lone surrogate: sent back mended
            request_id = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in request_id)
        elif not isinstance(request_id, (int, float, type(None))):
            request_id = None
        return {"id": request_id, "error": f"not acceptable JSON: {type(error).__name__}"}
    return handle_request(engine, request, scope)


def dumps(result: dict) -> str:
    """One output line: strict JSON (RFC 8259), whatever the request's id held."""
    try:
        return json.dumps(result, ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError):
        return json.dumps(_strict(result), ensure_ascii=False, allow_nan=False)


def bounded_lines(stream, limit: int = MAX_LINE_BYTES):
    """The lines of a binary stream, none read into memory past `limit` bytes: an overlong line is
    yielded cut to `limit` + 1 bytes (which `handle_line` refuses) and the rest of it is skipped."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drop the rest of the overlong line, a chunk at a time
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def serve(engine: Engine, lines, write, scope: list[str] | None = None) -> int:
    """Answer a stream of JSON lines (bytes or text) in order; returns how many lines had errors.
    `scope`: the articles for lines that name none."""
    errors = 0
    for line in lines:
        result = handle_line(engine, line.rstrip(b"\r\n" if isinstance(line, bytes) else "\r\n"), scope)
        errors += "error" in result
        write(dumps(result))
    return errors
