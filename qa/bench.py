"""Bench: retrieval and answer quality, latency and start-up figures over two question sets."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa.settings import PROJECT_ROOT, Settings
from qa.text import fold

ARTICLE_SET = Path(__file__).with_name("bench_article.jsonl")
XQUAD_DIR = PROJECT_ROOT.parent / "shared" / "benchmarks" / "xquad-nl"


def _contains(text: str, needle: str) -> bool:
    return " ".join(fold(needle).split()) in " ".join(fold(text).split())


def load_article_set(path: Path = ARTICLE_SET) -> list[dict]:
    """Our own questions about the seed article: `answers` empty means unanswerable."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def load_xquad(folder: Path) -> list[dict]:
    rows = []
    for line in (folder / "questions-dev.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        rows.append({"id": item["id"], "question": item["q"], "answers": item["answers"],
                     "context": item["context"], "doc": item["doc"]})
    return rows


def is_hit(citation: dict, item: dict) -> bool:
    """A citation hits when it holds a gold answer and comes from the gold passage."""
    if not any(_contains(citation["text"], a) for a in item["answers"]):
        return False
    if "context" in item:
        return _contains(item["context"], citation["text"])
    return citation["paragraph"] in item["paragraphs"]


def score(items: list[dict], results: list[dict]) -> dict:
    """Quality figures for one set, from protocol results in the same order as `items`."""
    answerable = [(i, r) for i, r in zip(items, results) if i["answers"]]
    unanswerable = [(i, r) for i, r in zip(items, results) if not i["answers"]]
    hit1 = hit5 = rr = accuracy = false_refusals = 0.0
    for item, result in answerable:
        hits = [is_hit(c, item) for c in result.get("citations", [])[:5]]
        hit1 += bool(hits and hits[0])
        hit5 += any(hits)
        rr += next((1 / (k + 1) for k, h in enumerate(hits) if h), 0.0)
        accuracy += any(_contains(result.get("answer", "")[:400], a) for a in item["answers"])
        false_refusals += not result.get("answerable", False)
    n = max(len(answerable), 1)
    top_lengths = [len(r["citations"][0]["text"]) for r in results if r.get("citations")]
    latencies = [r["latency_ms"] for r in results if "latency_ms" in r]
    figures = {
        "questions": len(items),
        "hit@1": hit1 / n, "hit@5": hit5 / n, "MRR": rr / n, "answer accuracy": accuracy / n,
        "false refusals": false_refusals / n,
        "top citation chars (median)": statistics.median(top_lengths) if top_lengths else 0,
        "latency p50 ms": _percentile(latencies, 50), "latency p95 ms": _percentile(latencies, 95),
    }
    if unanswerable:
        figures["unanswerable refused"] = sum(not r.get("answerable", True) for _, r in unanswerable) / len(unanswerable)
    return figures


def llm_figures(items: list[dict], results: list[dict]) -> dict:
    """How the language model's sentences fared under verification.

    kept share: shown sentences / all sentences the model wrote (answers it refused aside);
    citation precision: shown sentences that cite the passage holding the gold answer;
    citation recall: sentences the model wrote whose own markers named a supporting passage.
    """
    import re

    written = shown = precise = unrepaired = llm_answers = 0
    for item, result in zip(items, results):
        if "error" in result:
            continue
        dropped = [d for d in result.get("dropped", []) if "does not answer" not in d["reason"]]
        sentences = re.split(r"(?<=[.!?])\s+", result["answer"]) if result.get("generator") == "llm" else []
        sentences = [s for s in sentences if s.strip()]
        llm_answers += bool(sentences)
        written += len(sentences) + len(dropped)
        shown += len(sentences)
        unrepaired += len(sentences) - len(result.get("repaired", []))
        if item["answers"]:
            by_n = {c["n"]: c for c in result.get("citations", [])}
            for sentence in sentences:
                cited = [by_n[int(n)] for n in re.findall(r"\[(\d+)\]", sentence) if int(n) in by_n]
                precise += any(is_hit(c, item) or (
                    "context" not in item and c["paragraph"] in item["paragraphs"]) for c in cited)
    return {
        "llm answers shown": llm_answers / max(len(items), 1),
        "llm sentences kept": shown / written if written else 0.0,
        "llm citation precision (gold passage)": precise / shown if shown else 0.0,
        "llm citation recall": unrepaired / written if written else 0.0,
    }


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def run_set(engine, items: list[dict]) -> list[dict]:
    """Ask every question through the JSON protocol in this (warm) process."""
    from qa.protocol import handle_request

    engine.ask(items[0]["question"])  # warm-up: first-call costs are cold start, not latency
    return [handle_request(engine, {"id": i["id"], "question": i["question"], "history": i.get("history")})
            for i in items]


def cold_start(settings: Settings, question: str) -> float:
    """Seconds from starting `python app.py ask --jsonl` to its first answer, index already built."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "app.py"), "ask", "--jsonl", "--docs", str(settings.docs_dir),
         "--index-dir", str(settings.index_dir), "--embeddings", settings.embeddings],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    process.stdin.write(json.dumps({"id": "cold", "question": question}) + "\n")
    process.stdin.flush()
    process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.stdin.close()
    process.wait()
    return elapsed


def bench_set(name: str, settings: Settings, items: list[dict]) -> dict:
    from qa.chat import Engine

    started = time.perf_counter()
    engine = Engine.open(settings, rebuild=True, progress=False)
    figures_name = f"{name} ({engine.generator_name})" if settings.llm else name
    build = time.perf_counter() - started
    results = run_set(engine, items)
    figures = score(items, results)
    if settings.llm:
        figures.update(llm_figures(items, results))
    figures["index build s"] = build
    figures["cold start s"] = statistics.median(cold_start(settings, items[0]["question"]) for _ in range(3))
    return {"set": figures_name, **figures}


def print_table(rows: list[dict]) -> None:
    keys = [k for k in rows[0] if k != "set"]
    print(f"{'':30}" + "".join(f"{r['set']:>14}" for r in rows))
    for key in keys:
        cells = []
        for r in rows:
            value = r.get(key, "")
            cells.append(f"{value:>14.3f}" if isinstance(value, float) else f"{value!s:>14}")
        print(f"{key:30}" + "".join(cells))


def main(settings: Settings, args) -> int:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        if args.set in ("article", "all"):
            article = settings.replace(index_dir=Path(scratch) / "article")
            rows.append(bench_set("article", article, load_article_set()))
        if args.set in ("xquad", "all"):
            folder = args.xquad_dir or XQUAD_DIR
            if not (folder / "questions-dev.jsonl").exists():
                print(f"bench: xquad-nl not found in {folder} (use --xquad-dir)", file=sys.stderr)
                return 2
            xquad = settings.replace(docs_dir=folder / "docs", index_dir=Path(scratch) / "xquad")
            rows.append(bench_set("xquad-nl dev", xquad, load_xquad(folder)))
    print_table(rows)
    return 0


if __name__ == "__main__":
    from qa.cli import main as cli_main

    sys.exit(cli_main(["bench", *sys.argv[1:]]))
