"""Answerability: whether the articles answer a question, by a small logistic model over several signals.

Its parameters live in `qa/answerability.json`, one entry per embedding model (readable, no pickle);
`python app.py bench --fit` refits them on the tuning part of the question sets (see `qa/bench/fit.py`).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

PARAMETERS = Path(__file__).with_name("answerability.json")

# The signals, each computed by `qa.answer.signals` for the best answer candidate:
FEATURES = (
    "sentence_dense",     # cosine of the question with the best sentence
    "passage_dense",      # cosine with the best passage (best sentence and pooled passage vector)
    "dense_margin",       # how far the densest paragraph leads the next one
    "sentence_coverage",  # IDF-weighted share of the question's lemmas in the best sentence
    "passage_coverage",   # ... in the best passage
    "unknown_share",      # IDF-weighted share of the question's lemmas that no article holds
    "missing_rarity",     # how rare (in the articles) the rarest question word missing from the passage is
    "missing_names",      # share of the question's names and numbers missing from the passage
    "asks_type",          # 1 when the question asks for a number, a date or a name
    "type_found",         # how well the best sentence brings the kind of fact asked for (0 to 1)
    "english",            # 1 for an English question (the articles are Dutch)
    "agreement",          # 1 when the best sentence lies in the best-ranked passage
)
# The fine answer type (qa.spans) is no signal here: a question for a price, a count or a date whose
# candidates hold none is refused before this model is asked (`qa.answer`), and one that reaches it holds one.


@dataclass(frozen=True)
class AnswerabilityModel:
    """A fitted logistic model: P(answerable) = sigmoid(bias + Σ weight · (value - mean) / scale).

    Attributes:
        features: names of the signals, in the order of the lists below.
        threshold: below this probability the engine says the articles do not say.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, signals: dict[str, float]) -> float:
        z = self.bias
        for name, mean, scale, weight in zip(self.features, self.mean, self.scale, self.weights):
            z += weight * (float(signals.get(name, 0.0)) - mean) / (scale or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias, "threshold": self.threshold}

    @classmethod
    def from_dict(cls, data: dict) -> "AnswerabilityModel":
        return cls(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]),
                   float(data["bias"]), float(data["threshold"]))


@functools.lru_cache(maxsize=None)
def load(model_id: str, path: Path = PARAMETERS) -> AnswerabilityModel | None:
    """The model fitted for embedding model `model_id`, or None when it has none (never refuse)."""
    try:
        entry = json.loads(path.read_text("utf-8")).get(model_id)
    except (OSError, ValueError):
        return None
    return AnswerabilityModel.from_dict(entry) if isinstance(entry, dict) else None


def save(model_id: str, model: AnswerabilityModel, notes: dict, path: Path = PARAMETERS) -> None:
    """Write (or replace) the entry of `model_id`, with `notes` on how it was fitted."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    data[model_id] = {**model.to_dict(), "notes": notes}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    load.cache_clear()
