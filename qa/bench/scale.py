"""Scale: the cost curve of each vector index from ten thousand to a million passages.

`python app.py bench --scale` prints, per size and backend: build time, resident memory, question latency
(p50/p95) and recall@10 of the approximate search against exact search. Each point runs in a process of
its own, so that memory is measured alone.

Only about 1,700 passages of real Dutch text can be embedded here (the seed, our news, XQuAD-nl: 446
paragraphs and their 1,242 sentences); embedding a million would take days on two cores. So every point
holds those real vectors, and the rest are synthetic: each a mix of two real passage vectors plus noise,
normalised, which keeps the shape of real embeddings (random unit vectors would have none, and no
approximate index could find their neighbours). The output says how many of each a point holds.
"article update ms" is the index's part of adding an article of ten passages and replacing it (add, delete,
add). The latency includes what a question costs past its embedding: the vector search for the retriever's
100 candidates, and scoring their sentences read from a float16 memory-mapped file, as the engine does.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

from qa.answering.chat import Engine
from qa.archive import vectors
from qa.archive.articles import add_text
from qa.archive.documents import load_documents
from qa.archive.embeddings import create_embeddings
from qa.archive.index import open_index
from qa.archive.library import Library
from qa.archive.passages import split_document, split_sentences
from qa.bench import sets
from qa.settings import Settings

SIZES = (10_000, 100_000, 1_000_000)
KINDS = ("exact", "ann", "milvus")
SENTENCES_PER_PASSAGE = 3
QUESTIONS = 200
ROUNDS = 5  # of adding and removing an article, for the medians of the engine update
CANDIDATES = 100


def real_vectors(cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of the real passages and sentences we have, and of real questions (XQuAD-nl), embedded
    once by the bundled model and kept in `cache`."""
    passages_file, questions_file = cache / "real-passages.npy", cache / "real-questions.npy"
    if passages_file.exists() and questions_file.exists():
        return np.load(passages_file), np.load(questions_file)

    embedder = create_embeddings()
    folder = sets.materialise("archive", cache / "archive")
    for seed in sets.SEED_DIR.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    passages = [p for d in load_documents(folder) for p in split_document(d, 700)]
    texts = [p.text for p in passages] + [p.sentence_text(i) for p in passages for i in range(len(p.sentences))]
    real = np.concatenate([embedder.embed_passages(texts[i:i + 64]) for i in range(0, len(texts), 64)])
    items = [item for question_set in sets.xquad_sets() for item in question_set.items]
    questions = np.array([embedder.embed_question(item["question"]) for item in items[:QUESTIONS]])
    cache.mkdir(parents=True, exist_ok=True)
    np.save(passages_file, real.astype(np.float32), allow_pickle=False)
    np.save(questions_file, questions.astype(np.float32), allow_pickle=False)
    return real, questions


def synthetic(real: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """`n` unit vectors: the real ones first, then mixes of two real ones plus noise."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    count = min(n, len(real))
    out[:count] = real[:count]
    for start in range(count, n, 100_000):
        size = min(100_000, n - start)
        a, b = rng.integers(0, len(real), size), rng.integers(0, len(real), size)
        weight = rng.uniform(0.5, 1.0, (size, 1)).astype(np.float32)
        mixed = weight * real[a] + (1 - weight) * real[b] + rng.normal(0, 0.02, (size, real.shape[1])).astype(np.float32)
        out[start:start + size] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    return out


def _rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes, in MB (from /proc)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found + [g for c in found for g in _children(c)]


def one_point(size: int, kind: str, cache: Path, questions_limit: int = QUESTIONS) -> dict:
    """Build an index of `size` passages with backend `kind` and measure it (run in a fresh process) with
    at most `questions_limit` questions."""
    real, questions = real_vectors(cache)
    questions = questions[:questions_limit]
    data = synthetic(real, size)
    ids = np.arange(size, dtype=np.int64)
    # Exact neighbours, to measure the approximate ones against.
    truth = [set(np.argsort(-(data @ q))[:10].tolist()) for q in questions]
    sentence_file = cache / f"sentences-{size}.f16"
    if not sentence_file.exists() or sentence_file.stat().st_size != size * SENTENCES_PER_PASSAGE * data.shape[1] * 2:
        sentences = np.memmap(sentence_file, dtype=np.float16, mode="w+", shape=(size * SENTENCES_PER_PASSAGE, data.shape[1]))
        for start in range(0, size, 100_000):
            block = data[start:start + 100_000]
            sentences[start * SENTENCES_PER_PASSAGE:(start + len(block)) * SENTENCES_PER_PASSAGE] = \
                np.repeat(block, SENTENCES_PER_PASSAGE, axis=0).astype(np.float16)
        sentences.flush()
        del sentences
    sources = [f"article-{i // 10}" for i in range(size)]
    texts = [""] * size
    with tempfile.TemporaryDirectory() as folder:
        before = _rss_mb([os.getpid()])
        started = time.perf_counter()
        index = vectors.create(kind, data.shape[1], Path(folder))
        index.add(ids, data, sources, texts)
        if kind == "milvus":
            index.search(questions[0], 1)  # Milvus builds its index on the first search
        build = time.perf_counter() - started
        del data

        gc.collect()
        sentences = np.memmap(sentence_file, dtype=np.float16, mode="r").reshape(-1, questions.shape[1])
        latencies, recall = [], []
        for question, expected in zip(np.concatenate([questions[:20], questions]), [None] * 20 + truth):
            started = time.perf_counter()
            found = index.search(question, CANDIDATES)
            rows = np.array([i for i, _ in found], dtype=np.int64)
            picked = (rows[:, None] * SENTENCES_PER_PASSAGE + np.arange(SENTENCES_PER_PASSAGE)).ravel()
            _ = np.asarray(sentences[np.sort(picked)], dtype=np.float32) @ question
            elapsed = (time.perf_counter() - started) * 1000
            if expected is not None:  # the first 20 warm up
                latencies.append(elapsed)
                recall.append(len(expected & set(rows[:10].tolist())) / 10)
        pids = [os.getpid()] + _children(os.getpid())
        memory = _rss_mb(pids) - before
        # An article of ten passages added, then replaced (deleted and added again), as an update does.
        article = questions[:10] / np.linalg.norm(questions[:10], axis=1, keepdims=True)
        article_ids = np.arange(size, size + 10, dtype=np.int64)
        started = time.perf_counter()
        index.add(article_ids, article, ["new"] * 10, [""] * 10)
        index.delete(article_ids)
        index.add(article_ids, article, ["new"] * 10, [""] * 10)
        update = (time.perf_counter() - started) * 1000
        index.close()
    return {"passages": size, "backend": kind, "real vectors": int(min(size, len(real))),
            "build s": round(build, 1), "memory MB": round(memory), "p50 ms": round(float(np.median(latencies)), 2),
            "p95 ms": round(float(np.percentile(latencies, 95)), 2), "recall@10": round(float(np.mean(recall)), 3),
            "questions": len(latencies),
            "article update ms": round(update, 1)}


def engine_update(size: int, cache: Path, kind: str = "auto") -> dict:
    """Seconds the whole engine takes to add one article (the seed) to an archive of `size` passages, as a
    reader's upload does (`Engine.add`: the file written, the folder looked at, the article split and
    embedded, the index's files and the retriever brought up to date), then to remove it again.

    The archive is real files in an articles folder: `size / 10` articles of ten paragraphs, each three
    real sentences of our articles drawn at random. Embedding them would take hours, so the index is built
    once with synthetic sentence vectors (as the latency points); the seed is embedded by the real model,
    and its embedding time is reported apart."""
    real, _ = real_vectors(cache)
    folder = sets.materialise("archive", cache / "archive")
    sentences = [s for d in load_documents(folder) for b in d.blocks for s in
                 (d.text[a:z] for a, z in split_sentences(d.block_text(b), b.start))]
    rng = np.random.default_rng(1)
    embedder = create_embeddings()

    class StoredVectors:
        """The real model for questions; synthetic vectors for the archive's sentences."""
        dimension = real.shape[1]
        drawn = 0

        def embed_passages(self, texts):
            StoredVectors.drawn += 1
            return synthetic(real, len(texts), seed=StoredVectors.drawn)

        def embed_question(self, text):
            return embedder.embed_question(text)

    seed = load_documents(sets.SEED_DIR)[0]
    seed_sentences = [p.sentence_text(i) for p in split_document(seed, 700) for i in range(len(p.sentences))]
    with tempfile.TemporaryDirectory() as work:
        docs, index = Path(work) / "docs", Path(work) / "index"
        docs.mkdir()
        for article in range(size // 10):
            paragraphs = [" ".join(sentences[i] for i in rng.integers(0, len(sentences), SENTENCES_PER_PASSAGE))
                          for _ in range(10)]
            (docs / f"article-{article:06d}.txt").write_text("\n\n".join(paragraphs), "utf-8")
        settings = Settings(docs_dir=docs, index_dir=index, uploads_dir=Path(work) / "uploads", vector_index=kind)
        started = time.perf_counter()
        open_index(settings, embedder=StoredVectors(), progress=False)
        built = time.perf_counter() - started
        started = time.perf_counter()
        engine = Engine.open(settings, progress=False)
        opened = time.perf_counter() - started
        engine.ask("Wat gebeurde er na de verkiezingen?")
        embedding, added, removed = [], [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            embedder.embed_passages(seed_sentences)
            embedding.append(time.perf_counter() - started)
            started = time.perf_counter()
            document, _ = Library(engine).add(partial(add_text, settings.uploads, seed.text, "", settings=settings))
            added.append(time.perf_counter() - started)
            started = time.perf_counter()
            Library(engine).remove(document.source)
            removed.append(time.perf_counter() - started)
        passages = len(engine.retriever.store.passages)
        backend = engine.retriever.store.vectors.kind
        embedding, added, removed = (statistics.median(x) for x in (embedding, added, removed))
    return {"passages": passages, "backend": backend, "archive built s": round(built, 1),
            "engine opened s": round(opened, 2), "seed embedding s": round(embedding, 2),
            "add s": round(added, 2), "add less embedding s": round(added - embedding, 2),
            "remove s": round(removed, 2)}


def main(sizes: tuple[int, ...] = SIZES, kinds: tuple[str, ...] = KINDS, cache: Path | None = None) -> int:
    """Print the cost curve: one row per size and backend."""
    cache = cache or Path(tempfile.gettempdir()) / "qa-scale-bench"
    real, _ = real_vectors(cache)
    print(f"{len(real)} real vectors (the paragraphs and sentences of the seed, our news and XQuAD-nl); "
          "the rest of each point synthetic: mixes of two real vectors plus noise. Latency: the search for "
          f"{CANDIDATES} candidates and scoring their {CANDIDATES * SENTENCES_PER_PASSAGE} sentences from a "
          "float16 memory map, without the question's embedding.", flush=True)
    header = ("passages", "backend", "real vectors", "build s", "memory MB", "p50 ms", "p95 ms", "recall@10",
              "article update ms")
    print("".join(f"{h:>14}" for h in header[:-1]) + f"{header[-1]:>20}", flush=True)
    for size in sizes:
        for kind in kinds:
            result = subprocess.run([sys.executable, "-m", "qa.bench.scale", str(size), kind, str(cache)],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                print(f"{size:>14}{kind:>14}  failed: {result.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            row = json.loads(result.stdout.strip().splitlines()[-1])
            print("".join(f"{row[h]:>14}" for h in header[:-1]) + f"{row[header[-1]]:>20}", flush=True)
    size = max(n for n in sizes if n <= 100_000) if any(n <= 100_000 for n in sizes) else None
    if size:
        print(f"\nThe whole engine (Engine.add, as an upload) adding one article (the seed) to an archive of "
              f"{size} passages in {size // 10} files, and removing it (medians of {ROUNDS}):", flush=True)
        for kind in [k for k in ("exact", "ann") if k in kinds]:
            result = subprocess.run([sys.executable, "-m", "qa.bench.scale", str(size), "update", str(cache), kind],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                print(f"  {kind}: failed: {result.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            row = json.loads(result.stdout.strip().splitlines()[-1])
            print("  " + ", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[2] == "update":
        print(json.dumps(engine_update(int(sys.argv[1]), Path(sys.argv[3]), sys.argv[4])))
    else:
        print(json.dumps(one_point(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]),
                                   int(sys.argv[4]) if len(sys.argv) > 4 else QUESTIONS)))
