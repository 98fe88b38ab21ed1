"""Fit the sentence score's weights on the tuning questions (`python app.py bench --fit-scores`).

The score of a candidate sentence is its cosine with the question plus `lexical` × its IDF-weighted word
coverage, `passage` × its passage's rank score (relative to the best) and `type` × whether it brings the
kind of fact asked for (`qa.answer.score_sentences`). Each tuning question is retrieved once; then every
point of a 3 × 3 × 3 grid answers it (the answerability model never refusing) and is scored by hit@1,
averaged over the tuning sets. Then, at the chosen weights, a 3 × 3 grid of the two margins (how far below
the best a sentence of the asked type may score and still answer; how far its neighbour may, and still be
quoted with it) is scored by accuracy over all tuning questions: a hit for an answerable one, a refusal (the
type rule's) for a near miss. Both are written to `qa/scores.json`, which `qa.answer` reads. No validation
question is read.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

from qa import answer
from qa.bench import is_hit, open_corpus, sets
from qa.settings import Settings
from qa.text import language

GRID = {"lexical": (0.05, 0.15, 0.3), "passage": (0.15, 0.25, 0.4), "type": (0.06, 0.12, 0.2)}
MARGINS = {"type_margin": (0.08, 0.15, 0.25), "neighbour_margin": (0.3, 0.5, 0.8)}


def _accuracy(engine, rankings: list, items: list[dict]) -> float:
    """Hit@1 for answerable questions; for near misses (no gold answer), whether the answer is a refusal."""
    right = 0
    for item, ranking in zip(items, rankings):
        said = answer.answer_question(item["question"], ranking, engine.retriever, language(item["question"]))
        if item["answers"]:
            right += bool(said.citations) and said.answerable and is_hit(said.citations[0].to_dict(), item)
        else:
            right += not said.answerable
    return right / max(len(items), 1)


def main(settings: Settings, out: Path = answer.SCORES_FILE) -> dict:
    chosen = [s for s in sets.tuning_sets() if s.name != "seed, first set"]
    results: dict[tuple, list[float]] = {point: [] for point in itertools.product(*GRID.values())}
    never_refuse = settings.replace(min_answer_score=float("-inf"))
    retrieved = []  # (engine, rankings, items) per set: each question is retrieved once
    with tempfile.TemporaryDirectory() as scratch:
        engines = {}
        for question_set in chosen:
            if question_set.corpus not in engines:
                engines[question_set.corpus] = open_corpus(never_refuse, question_set.corpus, Path(scratch))[0]
            engine = engines[question_set.corpus]
            rankings = [engine.retriever.rank(engine.embedder.embed_question(i["question"]), i["question"])
                        for i in question_set.items]
            retrieved.append((engine, rankings, question_set.items))
            answerable = [(r, i) for r, i in zip(rankings, question_set.items) if i["answers"]]
            for point in results:
                with answer.weights(*point):
                    results[point].append(_accuracy(engine, *map(list, zip(*answerable))))
            print(f"fit-scores: {question_set.name}, {question_set.split}: done", flush=True)
        mean = {point: sum(v) / len(v) for point, v in results.items()}
        best = max(mean, key=lambda p: (round(mean[p], 4), p == answer.fitted_weights()))
        margins: dict[tuple, float] = {}
        for point in itertools.product(*MARGINS.values()):
            with answer.weights(*best, margins=point):
                margins[point] = sum(_accuracy(*found) for found in retrieved) / len(retrieved)
    now = (answer.TYPE_MARGIN, answer.NEIGHBOUR_MARGIN)
    best_margins = max(margins, key=lambda p: (round(margins[p], 4), p == now))
    fitted = dict(zip(("lexical", "passage", "type"), best)) | dict(zip(MARGINS, best_margins))
    fitted["fitted on"] = (f"hit@1 on the answerable tuning questions of {', '.join(s.name for s in chosen)} "
                           f"(mean over the sets): {mean[best]:.3f} at the best of {len(mean)} points")
    fitted["margins fitted on"] = (f"accuracy on all those questions (near misses right when refused), at "
                                   f"those weights: {margins[best_margins]:.3f} at the best of {len(margins)} points")
    fitted["grid"] = {",".join(map(str, p)): round(v, 4) for p, v in sorted(mean.items(), key=lambda pv: -pv[1])}
    fitted["margins grid"] = {",".join(map(str, p)): round(v, 4)
                              for p, v in sorted(margins.items(), key=lambda pv: -pv[1])}
    out.write_text(json.dumps(fitted, indent=1) + "\n", "utf-8")
    print(fitted["fitted on"], "→", {k: fitted[k] for k in ("lexical", "passage", "type")})
    print(fitted["margins fitted on"], "→", {k: fitted[k] for k in MARGINS})
    print(f"wrote {out}")
    return fitted
