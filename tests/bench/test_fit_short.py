"""The short-answer fit: a conditional logit that learns to rank each sentence's gold span first."""

import numpy as np

from qa import short
from qa.bench import exact_and_f1, fit_short


def _firsts(rows: list[dict], fitted: dict) -> int:
    """How many rows the model's first span answers exactly."""
    right = 0
    for row in rows:
        bounds, features = row["candidates"]
        start, end = bounds[int(np.argmax(short.probabilities(features, fitted)))]
        right += exact_and_f1(row["sentence"][start:end], row["answers"])[0]
    return right


def test_the_fit_ranks_gold_spans_first_and_reads_only_tuning_questions():
    rows = [r for r in fit_short.cases("tuning") if r["wanted"].kind != "none"][:60]
    for row in rows:
        row["candidates"] = short.candidates(row["sentence"], row["question"], row["wanted"])
    fitted = fit_short._fit(rows, l2=0.3)
    untrained = {"weights": {}, "threshold": 0.0}  # every span alike: the first candidate wins
    assert _firsts(rows, fitted) > 2 * max(_firsts(rows, untrained), 5)
    assert not fit_short.cases("validation") or not {r["question"] for r in rows} & {
        r["question"] for r in fit_short.cases("validation")}
