"""Weigh the reader's verdict with retrieval's: which candidate answers, and whether any does.

A logistic model over a few features of each candidate (the reader's span-over-no-answer margin, its span
score, the retrieval score relative to the best and the best's own, the candidate's rank, its cosine and
word coverage), fitted on the tuning questions by
`python app.py bench --fit-reader-combiner` (cross-validated by article) and kept in `combiner.json`
beside this file. The best candidate answers when its probability reaches the fitted threshold.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from qa.answering.reader import weights
from qa.answering.reader.model import Reading

PARAMETERS = Path(__file__).with_name("combiner.json")
FEATURES = ("margin", "span", "retrieval", "rank", "top", "dense", "coverage", "missing_names")


def features(reading: Reading, retrieval: float, best_retrieval: float, rank: int, dense: float = 0.0,
             coverage: float = 0.0, missing_names: float = 0.0) -> dict[str, float]:
    """The combiner's view of one candidate: the reader's margin and span score, its retrieval score
    relative to the best and the best's own (how near the articles come at all), its rank, its sentence's
    cosine with the question, the share of the question's words (IDF-weighted) it holds, and the share of
    the question's names and numbers its passage lacks ("Frankrijk" in an article about Minsk)."""
    return {"margin": reading.margin, "span": reading.span_score, "retrieval": retrieval - best_retrieval,
            "rank": math.log1p(rank), "top": best_retrieval, "dense": dense, "coverage": coverage,
            "missing_names": missing_names}


@dataclass(frozen=True)
class Combiner:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, found: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in found.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


# Before any fit: the reader alone decides (span beats "no answer").
UNFITTED = Combiner({"margin": 1.0}, 0.0, 0.5)


@functools.lru_cache(maxsize=4)
def load(path: Path = PARAMETERS) -> Combiner:
    """The fitted combiner, read once per process (not once per question)."""
    if not path.exists():
        return UNFITTED
    data = json.loads(path.read_text("utf-8"))
    return Combiner({k: float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                    float(data["threshold"]))


def save(combiner: Combiner, notes: dict, path: Path = PARAMETERS) -> None:
    data = {"weights": combiner.weights, "bias": combiner.bias, "threshold": combiner.threshold, **notes}
    path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
    load.cache_clear()


def weights_time() -> float:
    """When the shipped reader weights were last written (cases read with older weights are stale)."""
    return weights.WEIGHTS.stat().st_mtime if weights.WEIGHTS.exists() else 0.0
