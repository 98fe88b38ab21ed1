"""Load: many concurrent clients against a running web chat: throughput, latency, errors, wrong answers.

`python app.py bench --load` starts the web chat on the seed article and runs the same test over its two
API endpoints; `--url` points it at a server already running (another version, say) instead.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from qa.answering.chat import Engine
from qa.archive import articles
from qa.archive.library import Library
from qa.bench import _percentile, print_table, sets
from qa.settings import PROJECT_ROOT, Settings

ENDPOINTS = ("gradio", "json")
# Questions a reader asks about the seed article; each client cycles through them from its own start.
QUESTIONS = (
    "Hoe lang is Lukashenko al aan de macht?",
    "Wat willen de ministers van Buitenlandse Zaken van de EU?",
    "Hoeveel procent van de stemmen kreeg de zittende president?",
    "Wie hebben de demonstranten opgepakt?",
    "What did the Kremlin say?",
    "Waar vluchtte Tichanovskaja naartoe?",
    "Who won the Tour de France?",
)


@dataclass
class LoadResult:
    """One endpoint under load. `wrong` counts answers that differ from the one given to the same question
    asked alone (so a reply meant for another client counts too); `crossed` those that are another
    question's answer."""

    endpoint: str
    clients: int
    seconds: float
    requests: int
    errors: int
    wrong: int
    crossed: int
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> dict:
        return {"set": self.endpoint, "split": f"{self.clients} clients", "requests": self.requests,
                "req/s": round(self.throughput, 1), "p50 ms": round(_percentile(self.latencies_ms, 50)),
                "p95 ms": round(_percentile(self.latencies_ms, 95)), "errors": self.errors,
                "wrong": self.wrong, "cross-talk": self.crossed}


def ask(http, base: str, endpoint: str, question: str, auth: tuple[str, str] | None = None) -> dict:
    """Ask one question through `endpoint`: "json" (`POST /api/ask`) or "gradio" (Gradio's `/ask`, by
    its documented two-step HTTP call: post the data, then read the result's event stream)."""
    if endpoint == "json":
        response = http.post(f"{base}/api/ask", content=json.dumps({"id": 0, "question": question}), auth=auth)
        return response.json()
    response = http.post(f"{base}/gradio_api/call/ask", json={"data": [question, []]}, auth=auth)
    response.raise_for_status()
    event_id = response.json()["event_id"]
    event = ""
    with http.stream("GET", f"{base}/gradio_api/call/ask/{event_id}", auth=auth) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line[5:])
                if event == "error":
                    return {"error": str(data)}
                return data[0]
    return {"error": "the event stream ended without a result"}


def run(base: str, endpoint: str, clients: int = 50, seconds: float = 30.0,
        questions: tuple[str, ...] = QUESTIONS) -> LoadResult:
    """Run `clients` threads that each ask question after question for `seconds`.

    Returns:
        the figures; answers are checked against each question's answer when asked alone first.
    """
    import httpx

    base = base.rstrip("/")
    with httpx.Client(timeout=120) as http:
        expected = {q: ask(http, base, endpoint, q).get("answer") for q in questions}
    answers_of = {a: q for q, a in expected.items()}
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0, "wrong": 0, "crossed": 0}
    kinds: dict[str, int] = {}  # each error message, how often
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        with httpx.Client(timeout=120) as http:
            turn = number
            while time.perf_counter() < deadline:
                question = questions[turn % len(questions)]
                turn += 1
                started = time.perf_counter()
                try:
                    result = ask(http, base, endpoint, question)
                except Exception:  # noqa: BLE001 - under load, a failed call is a figure, not a crash
                    result = {"error": "request failed"}
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    counts["requests"] += 1
                    latencies.append(elapsed)
                    if "error" in result:
                        counts["errors"] += 1
                        kinds[str(result["error"])[:80]] = kinds.get(str(result["error"])[:80], 0) + 1
                    elif result.get("answer") != expected[question]:
                        counts["wrong"] += 1
                        counts["crossed"] += answers_of.get(result.get("answer"), question) != question

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for message, count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {endpoint}: {count} × {message}", file=sys.stderr)
    return LoadResult(endpoint, clients, time.perf_counter() - started, counts["requests"], counts["errors"],
                      counts["wrong"], counts["crossed"], latencies)


def start_server(settings: Settings, port: int, environment: dict | None = None) -> subprocess.Popen:
    """The web chat on the seed articles, as a process of its own (clients and server must not share a
    GIL); returns when it accepts connections."""
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "app.py"), "web", "--docs", str(settings.docs_dir),
         "--index-dir", str(settings.index_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(environment or {})})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web chat did not start: {process.stderr.read().decode()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the web chat did not start within 120 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(settings: Settings, url: str | None, endpoints: list[str], clients: int, seconds: float) -> int:
    """Print the load figures of each endpoint: of the server at `url`, or of web chats started here
    on `settings.docs_dir`, once as configured and once with no question cache (every question embedded,
    as when no two readers ask alike)."""
    print(f"{clients} clients, {seconds:.0f} s per endpoint", flush=True)
    if url is not None:
        print_table([run(url, endpoint, clients, seconds).row() for endpoint in endpoints])
        return 0
    rows = []
    for label, environment, chosen in (("", {}, endpoints),
                                       (" uncached", {"QA_QUESTION_CACHE": "0"}, ["json"] if "json" in endpoints else [])):
        if not chosen:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            port = _free_port()
            process = start_server(settings.replace(index_dir=Path(scratch)), port, environment)
            try:
                for endpoint in chosen:
                    row = run(f"http://127.0.0.1:{port}", endpoint, clients, seconds).row()
                    rows.append(dict(row, set=endpoint + label))
            finally:
                process.terminate()
                process.wait(timeout=30)
    print_table(rows)
    print("\ngradio: Gradio's /ask through its queue; json: POST /api/ask; uncached: QA_QUESTION_CACHE=0.")
    print("\nQuestions asked while a large article is being added (in one process, as in the web chat):")
    print_table([questions_during_add(settings)])
    return 0


def questions_during_add(settings: Settings) -> dict:
    """Latency of questions asked one after another (each embedded anew) while a long article (the XQuAD-nl
    articles pasted as one, about 1,250 sentences) is added and embedded in another thread."""
    text = "\n\n".join(p.read_text("utf-8").split("\n", 1)[1] for p in sorted((sets.XQUAD_DIR / "docs").glob("*.txt")))
    with tempfile.TemporaryDirectory() as scratch:
        # No question cache: every question is embedded, as when readers ask new ones.
        engine = Engine.open(settings.replace(index_dir=Path(scratch) / "index", max_article_bytes=10_000_000,
                                              question_cache=0), progress=False)
        library = Library(engine)
        for question in QUESTIONS:
            engine.ask(question)  # warm, as a running server is
        done = threading.Event()
        took = {}

        def add():
            started = time.perf_counter()
            library.add(partial(articles.add_text, engine.settings.uploads, text, "Long article",
                                settings=engine.settings))
            took["add"] = time.perf_counter() - started
            done.set()

        adder = threading.Thread(target=add)
        adder.start()
        latencies = []
        while not done.is_set():
            for question in QUESTIONS:
                started = time.perf_counter()
                engine.ask(question)
                latencies.append((time.perf_counter() - started) * 1000)
                if done.is_set():
                    break
        adder.join()
    return {"set": "during an add", "split": "1 asker", "questions": len(latencies), "add s": round(took["add"], 1),
            "latency p50 ms": _percentile(latencies, 50), "latency p95 ms": _percentile(latencies, 95),
            "latency max ms": round(max(latencies), 1)}
