"""Fit the sentence score's weights on the tuning questions (`python app.py bench --fit-scores`).

The score of a candidate sentence is its cosine with the question plus `lexical` × its IDF-weighted word
coverage, `passage` × its passage's rank score (relative to the best) and `type` × whether it brings the
kind of fact asked for (`qa.answering.answer.score_sentences`). The score orders the candidates the reader reads.
Each tuning question is retrieved once; then every point of a 3 × 3 × 3 grid orders its candidates and is
scored by hit@1 of the first (its passage holds the gold answer), averaged over the tuning sets. Written to
`qa/answering/scores.json`, which `qa.answering.answer` reads. No validation question is read, and no XQuAD question.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

from qa.answering import answer
from qa.bench import is_hit, open_corpus, sets
from qa.settings import Settings

GRID = {"lexical": (0.05, 0.15, 0.3), "passage": (0.15, 0.25, 0.4), "type": (0.06, 0.12, 0.2)}


def _accuracy(engine, rankings: list, items: list[dict]) -> float:
    """Hit@1 of the first candidate sentence's passage, over answerable questions."""
    right = 0
    store = engine.retriever.store
    for item, ranking in zip(items, rankings):
        candidates = answer.score_sentences(ranking, engine.retriever, item["question"])
        if candidates:
            best = candidates[0]
            right += is_hit(answer.cite(1, store, best.row, best.local, best.score).to_dict(), item)
    return right / max(len(items), 1)


def main(settings: Settings, out: Path = answer.SCORES_FILE) -> dict:
    chosen = [s for s in sets.tuning_sets() if s.name != "seed, first set" and "xquad" not in s.name]
    results: dict[tuple, list[float]] = {point: [] for point in itertools.product(*GRID.values())}
    never_refuse = settings.replace(min_answer_score=float("-inf"))
    with tempfile.TemporaryDirectory() as scratch:
        engines = {}
        for question_set in chosen:
            if question_set.corpus not in engines:
                engines[question_set.corpus] = open_corpus(never_refuse, question_set.corpus, Path(scratch))[0]
            engine = engines[question_set.corpus]
            rankings = [engine.retriever.rank(engine.embedder.embed_question(i["question"]), i["question"])
                        for i in question_set.items]
            answerable = [(r, i) for r, i in zip(rankings, question_set.items) if i["answers"]]
            for point in results:
                with answer.weights(*point):
                    results[point].append(_accuracy(engine, *map(list, zip(*answerable))))
            print(f"fit-scores: {question_set.name}, {question_set.split}: done", flush=True)
        mean = {point: sum(v) / len(v) for point, v in results.items()}
        best = max(mean, key=lambda p: (round(mean[p], 4), p == answer.fitted_weights()))
    fitted = dict(zip(("lexical", "passage", "type"), best))
    fitted["fitted on"] = (f"hit@1 of the first candidate on the answerable tuning questions of "
                           f"{', '.join(s.name for s in chosen)} (mean over the sets): {mean[best]:.3f} at the "
                           f"best of {len(mean)} points")
    fitted["grid"] = {",".join(map(str, p)): round(v, 4) for p, v in sorted(mean.items(), key=lambda pv: -pv[1])}
    out.write_text(json.dumps(fitted, indent=1) + "\n", "utf-8")
    print(fitted["fitted on"], "→", {k: fitted[k] for k in ("lexical", "passage", "type")})
    print(f"wrote {out}")
    return fitted
