"""Fit the short-answer model on the tuning questions' gold answers (`python app.py bench --fit-short`).

Each answerable tuning question is paired with the sentence of its article that holds a gold answer (the
one sharing most words with the question), and every candidate span of that sentence is a case: positive
when it is a gold answer as SQuAD scores it. A logistic regression weighs the features of `qa.short`.
The threshold under which the engine gives no short answer (the reader gets the sentence alone) is the one
with the best F1 on out-of-fold predictions, in folds by article. No validation question is read.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from qa import short, spans
from qa.bench import exact_and_f1, sets
from qa.passages import split_sentences
from qa.text import fold, stems

FOLDS = 5
REGULARISATION = 1.0  # inverse strength; a few hundred questions, a few dozen features
THRESHOLDS = [round(t, 2) for t in np.arange(0.0, 0.61, 0.05)]


def gold_sentence(text: str, answers: list[str], question: str) -> str | None:
    """The sentence of `text` holding a gold answer that shares most words with the question."""
    asked_stems = set(stems(question))
    best = None
    for start, end in split_sentences(text):
        sentence = text[start:end]
        if any(fold(a) in fold(sentence) for a in answers):
            shared = len(asked_stems & set(stems(sentence)))
            if best is None or shared > best[0]:
                best = (shared, sentence)
    return best[1] if best else None


def cases(split: str = "tuning") -> list[dict]:
    """The answerable questions of `split` with their gold sentence and article."""
    files = {p.name: p for p in sets.corpus_files("all")}
    found = []
    for question_set in sets.all_sets():
        if question_set.split != split:
            continue
        for item in question_set.items:
            if not item["answers"]:
                continue
            text = item.get("context") or (files[item["doc"]].read_text("utf-8") if item.get("doc") in files else "")
            sentence = gold_sentence(text, item["answers"], item["question"])
            if sentence:
                found.append({"question": item["question"], "answers": item["answers"], "sentence": sentence,
                              "doc": item.get("doc", question_set.corpus), "wanted": spans.asked(item["question"])})
    return found


def _fit(rows: list[dict]) -> dict:
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for row in rows:
        bounds, features = row["candidates"]
        labels = [exact_and_f1(row["sentence"][a:b], row["answers"])[0] for a, b in bounds]
        if row["wanted"].kind == "none" or not any(labels):
            continue  # no span of the sentence is the gold answer as scored (it crosses punctuation)
        x.append(features)
        y += labels
    model = LogisticRegression(C=REGULARISATION, max_iter=5000).fit(np.vstack(x), np.array(y))
    return {"bias": round(float(model.intercept_[0]), 4),
            "weights": {k: round(float(w), 4) for k, w in zip(short.FEATURES, model.coef_[0])}, "threshold": 0.0}


def _predictions(rows: list[dict], fitted: dict) -> list[tuple[str, float, dict]]:
    out = []
    for row in rows:
        bounds, features = row["candidates"]
        if not len(bounds) or row["wanted"].kind == "none":
            out.append(("", -1.0, row))
            continue
        p = short.probabilities(features, fitted)
        k = int(np.argmax(p))
        start, end = bounds[k]
        out.append((row["sentence"][start:end], float(p[k]), row))
    return out


def _figures(predictions, threshold: float) -> tuple[float, float]:
    em = f1 = 0.0
    for text, p, row in predictions:
        said = text if p >= threshold else row["sentence"]
        e, f = exact_and_f1(said, row["answers"])
        em, f1 = em + e, f1 + f
    n = max(len(predictions), 1)
    return em / n, f1 / n


def _fold(doc: str) -> int:
    return int(hashlib.md5(doc.encode()).hexdigest(), 16) % FOLDS


def main(out: Path = short.WEIGHTS_FILE) -> dict:
    rows = cases("tuning")
    for row in rows:
        row["candidates"] = short.candidates(row["sentence"], row["question"], row["wanted"])
    held_out = []
    for k in range(FOLDS):
        train = [r for r in rows if _fold(r["doc"]) != k]
        test = [r for r in rows if _fold(r["doc"]) == k]
        if test:
            held_out += _predictions(test, _fit(train))
    threshold = max(THRESHOLDS, key=lambda t: (_figures(held_out, t)[1], -t))
    fitted = _fit(rows) | {"threshold": threshold}
    em, f1 = _figures(held_out, threshold)
    fitted["fitted on"] = (f"{len(rows)} tuning questions' gold sentences; out-of-fold exact match {em:.3f}, "
                           f"F1 {f1:.3f} at threshold {threshold}")
    out.write_text(json.dumps(fitted, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(fitted["fitted on"])
    print(f"wrote {out}")
    return fitted
