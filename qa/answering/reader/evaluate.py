"""The reader alone, on our own validation questions with the gold sentence given (and its neighbours as
"no answer"): short-answer EM/F1, and how often it abstains on right and on wrong sentences.

Used for the learning curve during training and by the model card; never for choosing anything.
"""

from __future__ import annotations

import json
import re

from qa.answering.reader.data import OWN_SETS
from qa.archive.passages import split_sentences
from qa.bench import exact_and_f1, sets


def validation_items(split: str = "validation") -> list[dict]:
    """Each of our own `split` questions (never XQuAD's articles) as (question, sentence, answers):
    the sentence holding the answer, and for every question up to two other sentences of its article
    (the ones sharing the most words with it) with no answer. Near misses give only the latter."""
    files = {p.name: p for p in sets.corpus_files("own-all") + sets.corpus_files("seed") + sets.corpus_files("archive")}
    # never XQuAD's articles; never the seed, which the tuning split's questions are about too
    xquad = {p.name for p in (sets.XQUAD_DIR / "docs").glob("*.txt")} | {p.name for p in sets.SEED_DIR.glob("*.txt")}
    out = []
    for path in OWN_SETS:
        for line in path.read_text("utf-8").splitlines():
            item = json.loads(line)
            if item.get("split") != split or item.get("doc") in xquad or item.get("doc") not in files:
                continue
            if item.get("kind") not in ("answerable", "near-miss", "unanswerable"):
                continue
            text = files[item["doc"]].read_text("utf-8")
            sentences = [text[s:e] for s, e in split_sentences(text)]
            answers = item.get("answers") or []
            gold = next((s for s in sentences if any(a in s for a in answers)), None) if answers else None
            if answers and gold is None:
                continue
            if gold:
                out.append({"question": item["question"], "sentence": gold, "answers": answers,
                            "lang": item.get("language", "")})
            words = set(re.findall(r"\w{3,}", item["question"].lower()))
            others = sorted((s for s in sentences if s != gold and not any(a in s for a in answers)),
                            key=lambda s: -len(words & set(re.findall(r"\w{3,}", s.lower()))))
            for sentence in others[:2]:
                out.append({"question": item["question"], "sentence": sentence, "answers": [],
                            "lang": item.get("language", "")})
    return out


def evaluate(reader, items: list[dict] | None = None) -> dict:
    """Figures of `reader` (anything with `read(question, sentences)`) on `items`."""
    items = items if items is not None else validation_items()
    em = f1 = abstain_right = abstain_wrong = 0.0
    positives = [i for i in items if i["answers"]]
    negatives = [i for i in items if not i["answers"]]
    for item in items:
        reading = reader.read(item["question"], [item["sentence"]])[0]
        if item["answers"]:
            exact, overlap = exact_and_f1(item["sentence"][reading.start:reading.end], item["answers"])
            em, f1 = em + exact, f1 + overlap
            abstain_right += reading.margin < 0
        else:
            abstain_wrong += reading.margin < 0
    p, n = max(1, len(positives)), max(1, len(negatives))
    return {"EM": round(em / p, 3), "F1": round(f1 / p, 3), "abstains on right sentence": round(abstain_right / p, 3),
            "abstains on wrong sentence": round(abstain_wrong / n, 3), "positives": len(positives),
            "negatives": len(negatives)}
