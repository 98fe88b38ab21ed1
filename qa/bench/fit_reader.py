"""Fit the reader's combiner (`python app.py bench --fit-reader-combiner`): when the reader's span answers.

Cases are our own tuning questions only (the seed's reader set and first set, the reader set's tuning
articles, our own news' tuning articles; never XQuAD, never a validation article):
- each asked over an archive of the seed, our news and our tuning articles (answerable, or a near miss);
- the answerable ones asked over that archive without their article (the article does not say);
- the seed alone, asked the other articles' questions (off-topic).
For each case the reader reads the first candidates; a candidate is right when its span matches a gold
answer (token F1 >= 0.5). A logistic model over `qa.answering.reader.combine.FEATURES` gives each candidate a
probability. The threshold on the best candidate's is the equal-error point of the out-of-fold
probabilities (folds by article): the share of answerable questions refused equals the share of
unanswerable ones answered. It also prints the utility (right answers, half for the right sentence with
the wrong span, plus right refusals, minus 1.5 x wrong answers). Validation is never looked at.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import numpy as np

from qa.answering.answer import (
    READ_CANDIDATES,
    names_nothing_there,
    read_candidates,
    score_sentences,
)
from qa.answering.chat import Engine
from qa.answering.reader import combine
from qa.bench import _contains, exact_and_f1, sets
from qa.settings import Settings

FOLDS = 5
WRONG_ANSWER_COST = 1.5  # a confident wrong answer is the worst failure: it costs more than a refusal gains


def tuning_items() -> list[dict]:
    xquad_docs = {p.name for p in (sets.XQUAD_DIR / "docs").glob("*.txt")}
    items = []
    for question_set in [sets.article_set(), *sets.reader_sets(), *sets.own_sets()]:
        if question_set.split == "validation":
            continue
        seed = [p.name for p in sets.corpus_files("seed")]
        for item in question_set.items:
            if question_set.corpus == "seed" and "doc" not in item:
                item = {**item, "doc": seed[0]}  # the seed's first set names no file: it has one article
            if item.get("doc") in xquad_docs or item.get("kind") == "follow-up" or item.get("history"):
                continue
            items.append(item)
    return items


CASE_CANDIDATES = 8  # read per case whatever the engine reads, so that the fit can compare counts


def _read_case(engine, question: str, sources: set[str] | None = None) -> list[dict]:
    """The first candidates of one question (over `sources` only, if given), each with its features and
    span text ([] when none)."""
    retriever = engine.retriever
    ranking = retriever.rank(engine.embedder.embed_question(question), question, sources=sources)
    candidates = score_sentences(ranking, retriever, question)
    if not candidates or names_nothing_there(question, ranking, retriever):
        return []
    out = []
    for candidate, reading, found in read_candidates(question, candidates, retriever, engine.settings.reader,
                                                      CASE_CANDIDATES):
        sentence = retriever.store.passages[candidate.row].sentence_text(candidate.local)
        out.append({"features": found, "span": sentence[reading.start:reading.end], "sentence": sentence,
                    "source": retriever.store.passages[candidate.row].source})
    return out


def collect(settings: Settings) -> list[dict]:
    """Read every case (see the module docstring) over one index of the tuning archive; "without its
    article" and "the seed alone" are the same index searched over fewer articles."""
    items = tuning_items()
    seed = {p.name for p in sets.SEED_DIR.glob("*.txt")}
    news = {p.name for p in sets.NEWS_DIR.glob("*.txt")}
    docs = seed | news | {i["doc"] for i in items}
    cases = []
    with tempfile.TemporaryDirectory() as scratch:
        every = {p.name for p in sets.corpus_files("all")}
        folder = sets.materialise("all", Path(scratch) / "docs", exclude=every - docs)
        engine = Engine.open(settings.replace(docs_dir=folder, index_dir=Path(scratch) / "index"),
                             rebuild=True, progress=False)
        for item in items:
            cases.append({"doc": item["doc"], "answers": item["answers"], "setting": "archive",
                          "candidates": _read_case(engine, item["question"])})
            if item["answers"]:
                cases.append({"doc": item["doc"], "answers": [], "setting": "removed",
                              "candidates": _read_case(engine, item["question"], docs - {item["doc"]})})
            if item["doc"] not in seed and item["answers"]:
                cases.append({"doc": item["doc"], "answers": [], "setting": "off-topic",
                              "candidates": _read_case(engine, item["question"], seed)})
    return cases


def _rows(cases: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y, case_of = [], [], []
    for k, case in enumerate(cases):
        for candidate in case["candidates"]:
            x.append([candidate["features"][f] for f in combine.FEATURES])
            right = bool(case["answers"]) and exact_and_f1(candidate["span"], case["answers"])[1] >= 0.5
            y.append(int(right))
            case_of.append(k)
    return np.array(x, dtype=float), np.array(y), np.array(case_of)


def _fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(x, y)
    return model


def outcome(cases: list[dict], best: list[tuple[float, dict | None]], threshold: float) -> dict:
    """Figures of a decision rule: each case's best candidate (probability, candidate) against `threshold`.
    An answer is right when its span matches a gold answer, half right when only its sentence holds one
    (the right fact cited, the wrong words in bold), else wrong."""
    right = half = wrong = refused_ok = refused_bad = 0
    for case, (p, candidate) in zip(cases, best):
        answers = case["answers"]
        if p < threshold or candidate is None or not candidate["span"]:
            refused_ok += not answers
            refused_bad += bool(answers)
        elif answers and exact_and_f1(candidate["span"], answers)[1] >= 0.5:
            right += 1
        elif answers and any(_contains(candidate["sentence"], a) for a in answers):
            half += 1
        else:
            wrong += 1
    answerable = sum(bool(c["answers"]) for c in cases)
    return {"right": right, "sentence only": half, "wrong": wrong, "refused_ok": refused_ok,
            "refused_bad": refused_bad, "utility": right + 0.5 * half + refused_ok - WRONG_ANSWER_COST * wrong,
            "false_refusals": refused_bad / max(1, answerable),
            "unanswerable_refused": refused_ok / max(1, len(cases) - answerable)}


def _best_per_case(cases, probabilities, case_of) -> list[tuple[float, dict | None]]:
    best: list[tuple[float, dict | None]] = [(0.0, None)] * len(cases)
    flat = [c for case in cases for c in case["candidates"]]
    for p, k, candidate in zip(probabilities, case_of, flat):
        if p > best[k][0]:
            best[k] = (float(p), candidate)
    return best


def _out_of_fold(cases: list[dict]) -> tuple[float, dict, list]:
    """The best threshold on out-of-fold probabilities (folds by article), its figures, and the per-case
    best candidates."""
    x, y, case_of = _rows(cases)
    docs = sorted({c["doc"] for c in cases})
    fold_of_doc = {d: i % FOLDS for i, d in enumerate(docs)}
    fold = np.array([fold_of_doc[cases[k]["doc"]] for k in case_of])
    out_of_fold = np.zeros(len(y))
    for f in range(FOLDS):
        train, test = fold != f, fold == f
        if test.any() and len(set(y[train])) == 2:
            out_of_fold[test] = _fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    best = _best_per_case(cases, out_of_fold, case_of)
    grid = [round(float(t), 3) for t in np.linspace(0.05, 0.95, 91)]
    # The equal-error point: as many answerable questions refused as unanswerable ones answered. The most
    # utility (a wrong answer costing 1.5 right ones) refused half the answerable tuning questions; a bound
    # of 0.10 on those refused answered more than half of the unanswerable ones. Neither was kept.
    def imbalance(t: float) -> float:
        figures = outcome(cases, best, t)
        return abs(figures["false_refusals"] - (1 - figures["unanswerable_refused"]))

    chosen = min(grid, key=imbalance)
    return chosen, outcome(cases, best, chosen), best


def fit(cases: list[dict], read: int | None = None) -> tuple[combine.Combiner, dict]:
    """Fit the combiner on the first `read` candidates of each case (default: as many as the engine
    reads, `qa.answering.answer.READ_CANDIDATES`)."""
    every = cases
    cases = [dict(case, candidates=case["candidates"][:read or READ_CANDIDATES]) for case in cases]
    chosen, figures, _ = _out_of_fold(cases)
    x, y, _ = _rows(cases)
    model = _fit(x, y)
    combiner = combine.Combiner({f: round(float(w), 5) for f, w in zip(combine.FEATURES, model.coef_[0])},
                                round(float(model.intercept_[0]), 5), chosen)
    # How many candidates need reading: the same fit over only the first k of each case (latency grows
    # with k; qa.answering.answer.READ_CANDIDATES is chosen from this, on tuning cases only).
    by_count = {}
    for k in (3, 4, 5, 6, 8):
        fewer = [dict(case, candidates=case["candidates"][:k]) for case in every]
        by_count[k] = _out_of_fold(fewer)[1]
    notes = {"cases": len(cases), "candidates": int(len(y)), "folds": FOLDS, "out_of_fold": figures,
             "reader_alone": outcome(cases, [max(((1 / (1 + math.exp(-c["features"]["margin"])), c)
                                                  for c in case["candidates"]), key=lambda pc: pc[0],
                                                 default=(0.0, None)) for case in cases], 0.5),
             "by_candidates_read": by_count}
    return combiner, notes


def main(settings: Settings, cache: Path | None = None) -> int:
    cache = cache or Path("build") / "reader" / "combiner-cases.json"
    if cache.exists() and cache.stat().st_mtime > combine.weights_time():
        cases = json.loads(cache.read_text())
    else:
        cases = collect(settings)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(cases))
    combiner, notes = fit(cases)
    combine.save(combiner, {"fitted_on": notes})
    print(json.dumps({"weights": combiner.weights, "bias": combiner.bias, "threshold": combiner.threshold,
                      **notes}, indent=1))
    return 0
