"""The reader's training examples: (question, one sentence, answer span or none), in token ids.

Sources: the vetted corpus `../shared/datasets/reader-train.jsonl.gz` (only the sources whose licence lets
a derived model be redistributed) and our own tuning questions (`qa/bench/data`, tuning split only, never
the XQuAD articles). Each answerable question gives its answer's sentence as a positive, and the other
sentences of its paragraph as "no answer" (hard negatives: the near misses a reader must refuse).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from qa.answering.reader.tokenizer import Tokenizer
from qa.archive.passages import split_sentences
from qa.bench.sets import corpus_files
from qa.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT.parent / "shared" / "datasets" / "reader-train.jsonl.gz"
CORPUS_SHA256 = "33f2a3ae27852314d10535c45f43aa6c86e0f324732c8a5b930c239d58ca18bd"
# The corpus README's licence table: these may train a model that ships. The others are research-only
# or state no licence.
SHIPPABLE = ("squad2-train-part:PhongNTDo", "squad1.1-train-part:ermeba", "covid-qa", "piaf-v1.0",
             "norquad-train", "faquad-train", "arcd-train")
BENCH = PROJECT_ROOT / "qa" / "bench" / "data"
OWN_SETS = (BENCH / "reader.jsonl", BENCH / "own" / "questions.jsonl")

MAX_QUESTION_TOKENS = 40
MAX_SENTENCE_TOKENS = 110


@dataclass
class Example:
    """One training row. `start`, `end`: token positions in the sentence's tokens, -1 for no answer."""

    question: list[int]
    sentence: list[int]
    start: int
    end: int
    source: str
    lang: str


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def _token_span(spans: list[tuple[int, int]], a: int, b: int) -> tuple[int, int] | None:
    """Tokens covering characters [a, b) of the sentence, or None where the answer is cut off."""
    start = next((i for i, (s, e) in enumerate(spans) if e > a and s < b), None)
    end = next((i for i in range(len(spans) - 1, -1, -1) if spans[i][0] < b and spans[i][1] > a), None)
    if start is None or end is None or end < start:
        return None
    return start, end


def sentence_examples(tok: Tokenizer, question: str, context: str, answers: list[tuple[int, int]],
                      rng: random.Random, negatives: int, source: str, lang: str) -> list[Example]:
    """Examples of one question over one context: the sentence holding the first answer, and up to
    `negatives` other sentences (half by word overlap with the question, half at random)."""
    sentences = split_sentences(context)
    if not sentences:
        return []
    q_ids, _ = tok.encode(question)
    q_ids = q_ids[:MAX_QUESTION_TOKENS]
    out: list[Example] = []
    holding = set()
    for a, b in answers[:1]:
        for k, (s, e) in enumerate(sentences):
            if s <= a and b <= e:
                holding.add(k)
                ids, spans = tok.encode(context[s:e])
                if len(ids) > MAX_SENTENCE_TOKENS:
                    break
                span = _token_span(spans, a - s, b - s)
                if span:
                    out.append(Example(q_ids, ids, span[0], span[1], source, lang))
                break
    for a, b in answers:  # a sentence that holds any answer is never a negative
        holding.update(k for k, (s, e) in enumerate(sentences) if s < b and a < e)
    others = [k for k in range(len(sentences)) if k not in holding]
    if answers and not out:
        return []  # the answer crosses a sentence boundary or is too long: no clean positive
    q_words = _words(question)
    by_overlap = sorted(others, key=lambda k: -len(q_words & _words(context[slice(*sentences[k])])))
    chosen: list[int] = []
    for k in by_overlap[: (negatives + 1) // 2]:
        chosen.append(k)
    rest = [k for k in others if k not in chosen]
    rng.shuffle(rest)
    chosen += rest[: negatives - len(chosen)]
    for k in chosen:
        s, e = sentences[k]
        ids, _ = tok.encode(context[s:e])
        if 3 <= len(ids) <= MAX_SENTENCE_TOKENS:
            out.append(Example(q_ids, ids, -1, -1, source, lang))
    return out


def corpus_examples(tok: Tokenizer, rng: random.Random, negatives: int = 1, limit: int | None = None,
                    path: Path = CORPUS) -> list[Example]:
    """Examples from the shippable sources of the vetted corpus. Long contexts (COVID-QA's whole papers)
    are cut to the 2,000 characters around the answer first."""
    out: list[Example] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["source"] not in SHIPPABLE:
                continue
            context = row["context"]
            answers = [(a["start"], a["start"] + len(a["text"])) for a in row["answers"]]
            if len(context) > 3000:
                if not answers:
                    continue
                lo = max(0, answers[0][0] - 1000)
                cut = context.rfind("\n", 0, lo) + 1 if lo else 0
                context = context[cut:cut + 2000]
                answers = [(a - cut, b - cut) for a, b in answers if a >= cut and b <= cut + 2000]
                if not answers:
                    continue
            n_neg = negatives if answers else negatives + 1
            out += sentence_examples(tok, row["question"], context, answers, rng, n_neg, row["source"], row["lang"])
            if limit and len(out) >= limit:
                break
    return out


def own_examples(tok: Tokenizer, rng: random.Random, negatives: int = 2) -> list[Example]:
    """Examples from our own tuning questions over our own articles (never the validation split, never
    XQuAD): the answer is found in the article's text; a near miss gives only negatives."""
    files = {p.name: p for p in corpus_files("own-all") + corpus_files("seed")}
    out: list[Example] = []
    for path in OWN_SETS:
        for line in path.read_text("utf-8").splitlines():
            item = json.loads(line)
            if item.get("split") != "tuning" or item.get("doc") not in files:
                continue
            if item.get("kind") not in ("answerable", "near-miss", "unanswerable"):
                continue
            text = files[item["doc"]].read_text("utf-8")
            answers = []
            for answer in item.get("answers") or []:
                at = text.find(answer)
                if at >= 0:
                    answers.append((at, at + len(answer)))
            if item.get("answers") and not answers:
                continue
            lang = item.get("language", "")
            # the whole article is the context: its paragraphs are split as the engine splits them
            out += sentence_examples(tok, item["question"], text, answers, rng, negatives, "own", lang)
    return out
