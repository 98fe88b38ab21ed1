"""Fit the short-answer model on the tuning questions' gold answers (`python app.py bench --fit-short`),
after writing the word lists its rarity feature reads (`qa.lang.frequency`).

Each answerable tuning question is paired with the sentence of its article that holds a gold answer (the
one sharing most words with the question), and every candidate span of that sentence is a case: positive
when it is a gold answer as SQuAD scores it. A conditional logit (a softmax over each sentence's candidates)
weighs the features of `qa.short`.
Its L2 strength is the one with the best F1 on out-of-fold predictions, in folds by article. No validation
question is read. Every fact question gets its best span: the model's probabilities are a softmax over
one sentence's candidates, so they shrink as a sentence grows and no single threshold means the same
in a short sentence and a long one (on the tuning folds, thresholds up to 0.1 changed F1 by 0.002).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from qa import lang, short, spans
from qa.bench import exact_and_f1, sets
from qa.lang import frequency
from qa.passages import split_sentences
from qa.text import fold, stems

FOLDS = 5
REGULARISATION = (0.1, 0.3, 1.0, 3.0)  # L2 strengths tried; a few hundred questions, a hundred features


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


def _fit(rows: list[dict], l2: float = 0.3) -> dict:
    """A conditional logit over each question's candidates (the softmax of their scores, one of which is
    the answer): weights that rank a gold span first, rather than score each span on its own."""
    from scipy.optimize import minimize

    data = []
    for row in rows:
        bounds, features = row["candidates"]
        labels = np.array([exact_and_f1(row["sentence"][a:b], row["answers"])[0] for a, b in bounds], dtype=bool)
        if row["wanted"].kind == "none" or not labels.any():
            continue  # no span of the sentence is the gold answer as scored (it crosses punctuation)
        data.append((features, labels))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = 0.5 * l2 * w @ w, l2 * w
        for x, gold in data:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            p_gold = p[gold].sum()
            total -= np.log(p_gold + 1e-12)
            gradient = gradient + x.T @ (p - np.where(gold, p / p_gold, 0.0))
        return total, gradient

    w = minimize(loss, np.zeros(len(short.FEATURES)), jac=True, method="L-BFGS-B").x
    return {"bias": 0.0, "weights": {k: round(float(v), 4) for k, v in zip(short.FEATURES, w)}, "threshold": 0.0}


def _predictions(rows: list[dict], fitted: dict) -> list[tuple[str, dict]]:
    """Each row's predicted short answer ("" when it gets none: the reader reads the sentence) and the row."""
    out = []
    for row in rows:
        bounds, features = row["candidates"]
        if not len(bounds) or row["wanted"].kind == "none":
            out.append(("", row))
            continue
        k = int(np.argmax(short.probabilities(features, fitted)))
        start, end = bounds[k]
        out.append((row["sentence"][start:end], row))
    return out


def _figures(predictions) -> tuple[float, float]:
    em = f1 = 0.0
    for text, row in predictions:
        said = text or row["sentence"]
        e, f = exact_and_f1(said, row["answers"])
        em, f1 = em + e, f1 + f
    n = max(len(predictions), 1)
    return em / n, f1 / n


def _fold(doc: str) -> int:
    return int(hashlib.md5(doc.encode()).hexdigest(), 16) % FOLDS


def _out_of_fold(rows: list[dict], l2: float) -> list[tuple[str, dict]]:
    held_out = []
    for k in range(FOLDS):
        train = [r for r in rows if _fold(r["doc"]) != k]
        test = [r for r in rows if _fold(r["doc"]) == k]
        if test:
            held_out += _predictions(test, _fit(train, l2))
    return held_out


def main(out: Path = short.WEIGHTS_FILE) -> dict:
    for code in lang.LANGUAGES:  # the rarity feature's word lists first, as the fit reads them
        print(f"wrote {frequency.write(code)}")
    rows = cases("tuning")
    for row in rows:
        row["candidates"] = short.candidates(row["sentence"], row["question"], row["wanted"])
    # The regularisation is chosen on out-of-fold predictions (folds by article).
    scored = {l2: _figures(_out_of_fold(rows, l2)) for l2 in REGULARISATION}
    l2 = max(scored, key=lambda key: (scored[key][1], key))
    fitted = _fit(rows, l2)
    em, f1 = scored[l2]
    fitted["fitted on"] = (f"{len(rows)} tuning questions' gold sentences; out-of-fold exact match {em:.3f}, "
                           f"F1 {f1:.3f} at L2 {l2}")
    out.write_text(json.dumps(fitted, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(fitted["fitted on"])
    print(f"wrote {out}")
    return fitted
