"""Bench: answer quality on tuning and validation splits, latency and start-up; `python app.py bench`."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

from qa.answering.chat import Engine
from qa.bench import sets
from qa.faces.protocol import handle_request
from qa.settings import PROJECT_ROOT, Settings
from qa.text import fold


def _contains(text: str, needle: str) -> bool:
    return " ".join(fold(needle).split()) in " ".join(fold(text).split())


def is_hit(citation: dict, item: dict) -> bool:
    """A citation hits when it holds a gold answer and comes from the gold passage."""
    if not any(_contains(citation["text"], a) for a in item["answers"]):
        return False
    if "context" in item:
        return _contains(item["context"], citation["text"])
    if "doc" in item:
        return citation["source"] == item["doc"]
    return citation["paragraph"] in item["paragraphs"]


_ARTICLES = re.compile(r"\b(a|an|the|de|het|een)\b")


def _normalise(text: str) -> str:
    """SQuAD's answer normalisation (lowercase, no punctuation, no articles), Dutch articles included."""
    text = "".join(ch for ch in text.lower() if not unicodedata.category(ch).startswith("P"))
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_and_f1(prediction: str, golds: list[str]) -> tuple[float, float]:
    """SQuAD's exact match and token F1 of one prediction, the best over the gold answers."""
    predicted = _normalise(prediction).split()
    best_em = best_f1 = 0.0
    for gold in golds:
        truth = _normalise(gold).split()
        best_em = max(best_em, float(predicted == truth))
        common = Counter(predicted) & Counter(truth)
        same = sum(common.values())
        if same:
            precision, recall = same / len(predicted), same / len(truth)
            best_f1 = max(best_f1, 2 * precision * recall / (precision + recall))
    return best_em, best_f1


def short_prediction(result: dict) -> str:
    """What a reader reads first: the short answer, else the quoted sentence; "" on a refusal."""
    if not result.get("answerable"):
        return ""
    if result.get("short"):
        return result["short"]
    citations = result.get("citations") or []
    return citations[0]["quote"] if citations else result.get("answer", "")


def score(items: list[dict], results: list[dict]) -> dict:
    """Quality figures for one set, from protocol results in the same order as `items`."""
    answerable = [(i, r) for i, r in zip(items, results) if i["answers"]]
    unanswerable = [(i, r) for i, r in zip(items, results) if not i["answers"]]
    hit1 = hit5 = rr = accuracy = false_refusals = found5 = em = f1 = shorts = 0.0
    for item, result in answerable:
        exact, overlap = exact_and_f1(short_prediction(result), item["answers"])
        em, f1, shorts = em + exact, f1 + overlap, shorts + bool(result.get("short"))
        hits = [is_hit(c, item) for c in result.get("citations", [])[:5]]
        # What retrieval found, whether or not the answer was given: a refusal's related passages count.
        found5 += any(is_hit(c, item) for c in (result.get("citations") or result.get("related", []))[:5])
        hit1 += bool(hits and hits[0])
        hit5 += any(hits)
        rr += next((1 / (k + 1) for k, h in enumerate(hits) if h), 0.0)
        accuracy += any(_contains(result.get("answer", "")[:400], a) for a in item["answers"])
        false_refusals += not result.get("answerable", False)
    n = max(len(answerable), 1)
    top_lengths = [len(r["citations"][0]["text"]) for r in results if r.get("citations")]
    latencies = [r["latency_ms"] for r in results if "latency_ms" in r]
    figures = {
        "hit@1": hit1 / n, "hit@5": hit5 / n, "MRR": rr / n, "answer accuracy": accuracy / n,
        "false refusals": false_refusals / n, "retrieval hit@5": found5 / n,
        "short exact match": em / n, "short F1": f1 / n, "short given": shorts / n,
        "top citation chars (median)": round(statistics.median(top_lengths)) if top_lengths else 0,
        "latency p50 ms": _percentile(latencies, 50), "latency p95 ms": _percentile(latencies, 95),
    }
    figures["answerable"] = len(answerable)
    if unanswerable:
        figures["unanswerable"] = len(unanswerable)
        figures["unanswerable refused"] = sum(not r.get("answerable", True) for _, r in unanswerable) / len(unanswerable)
    return figures


def whole_score(items: list[dict], results: list[dict]) -> dict:
    """Whole-article questions: the right kind of answer (a summary, the topic, the date, a refusal when the
    article does not say), with the right value; look-alike fact questions stay fact questions."""
    right = furniture = summaries = 0
    for item, result in zip(items, results):
        kind = result.get("kind", "")
        if item["expect"] == "fact":
            right += kind in ("fact", "refusal")
        elif item["expect"] == "metadata":
            right += kind == "metadata" and _contains(result.get("answer", ""), item["value"])
        else:
            right += kind == item["expect"]
        if kind == "summary":
            summaries += 1
            furniture += any(re.search(r"(?i)^\W*(?:foto|beeld|door|by|photo)\b|©", c["quote"])
                             for c in result.get("citations", []))
    latencies = [r["latency_ms"] for r in results if "latency_ms" in r]
    return {"whole-article right": right / max(len(items), 1), "summaries with furniture": furniture,
            "summaries": summaries, "latency p50 ms": _percentile(latencies, 50), "questions": len(items)}


def llm_figures(items: list[dict], results: list[dict]) -> dict:
    """How the language model's sentences fared under verification.

    kept share: shown sentences / all sentences the model wrote (answers it refused aside);
    citation precision: shown sentences that cite the passage holding the gold answer;
    citation recall: sentences the model wrote whose own markers named a supporting passage.
    """
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
                    "paragraphs" in item and c["paragraph"] in item["paragraphs"]) for c in cited)
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
    engine.ask(items[0]["question"])  # warm-up: first-call costs are cold start, not latency
    return [handle_request(engine, {"id": i["id"], "question": i["question"], "history": i.get("history")}
                           | ({"articles": i["articles"]} if i.get("articles") else {}))
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


def open_corpus(settings: Settings, corpus: str, scratch: Path, xquad_dir: Path = sets.XQUAD_DIR,
                exclude: set[str] = frozenset()):
    """An engine over a freshly built index of `corpus`, its settings, and the build time in seconds."""
    name = corpus + ("-less" if exclude else "")
    docs = sets.materialise(corpus, scratch / name / "docs", xquad_dir, exclude)
    corpus_settings = settings.replace(docs_dir=docs, index_dir=scratch / name / "index")
    started = time.perf_counter()
    engine = Engine.open(corpus_settings, rebuild=True, progress=False)
    return engine, corpus_settings, time.perf_counter() - started


def print_table(rows: list[dict]) -> None:
    keys = []
    for row in rows:
        keys += [k for k in row if k not in ("set", "split") and k not in keys]
    print(f"{'':34}" + "".join(f"{r['set'][:16]:>17}" for r in rows))
    print(f"{'':34}" + "".join(f"{r['split'][:16]:>17}" for r in rows))
    for key in keys:
        cells = []
        for r in rows:
            value = r.get(key)
            if value is None:
                cells.append(f"{'–':>17}")
            elif isinstance(value, int):
                cells.append(f"{value:>17d}")
            else:
                cells.append(f"{value:>17.3f}")
        print(f"{key:34}" + "".join(cells))


def main(settings: Settings, args) -> int:
    """`python app.py bench`: every chosen set, each over a fresh index of its corpus."""
    xquad_dir = args.xquad_dir or sets.XQUAD_DIR
    chosen = []
    if args.set in ("article", "all"):
        chosen.append(sets.article_set())
    if args.set in ("reader", "all"):
        chosen += sets.reader_sets()
    if args.set in ("factoid", "all"):
        chosen.append(sets.factoid_set())
    if args.set in ("own", "all"):
        chosen += sets.own_sets()
    if args.set in ("whole", "all"):
        chosen += sets.whole_sets()
    if args.set in ("xquad", "all"):
        if (xquad_dir / "questions-dev.jsonl").exists():
            chosen += sets.xquad_sets(xquad_dir)
        else:
            print(f"bench: no xquad-nl set in {xquad_dir}; skipped (use --xquad-dir)", file=sys.stderr)
    if args.split != "all":
        chosen = [s for s in chosen if s.split == args.split or (args.split == "tuning" and s.split == "in-sample")]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        engines = {}
        for question_set in chosen:
            if not question_set.items:
                continue
            if question_set.corpus not in engines:
                engine, corpus_settings, build = open_corpus(settings, question_set.corpus, Path(scratch), xquad_dir)
                vectors = engine.retriever.store.vectors
                if vectors.kind == "milvus" and "://" not in getattr(vectors, "uri", ""):
                    cold = None  # a milvus-lite file takes one process: this one holds it
                else:
                    cold = statistics.median(cold_start(corpus_settings, question_set.items[0]["question"])
                                             for _ in range(3))
                engines[question_set.corpus] = (engine, build, cold)
            engine, build, cold = engines[question_set.corpus]
            results = run_set(engine, question_set.items)
            figures = (whole_score(question_set.items, results) if question_set.name == "whole article"
                       else score(question_set.items, results))
            if settings.llm:
                figures.update(llm_figures(question_set.items, results))
            figures["index build s"] = build
            figures["cold start s"] = cold
            label = f"{question_set.name} ({engine.generator_name})" if settings.llm else question_set.name
            rows.append({"set": label, "split": question_set.split, **figures})
            print(f"bench: {label}, {question_set.split}: done", file=sys.stderr)
    if not rows:
        print("bench: no question set to run", file=sys.stderr)
        return 2
    print_table(rows)
    print("\nIn-sample: 'tuning' columns were fitted on, 'in-sample' ones tuned on by earlier work; "
          "quote the 'validation' columns.")
    return 0
