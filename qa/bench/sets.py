"""Question sets of the benchmark, their corpora, and their split into tuning and validation parts.

Every set is split by article: the engine's weights and the reader's combiner are fitted on the tuning
part only; the validation part is looked at only to report. Figures on a tuning part are in-sample.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from qa.settings import PROJECT_ROOT
from qa.text import fold, stems

DATA = Path(__file__).with_name("data")
XQUAD_DIR = DATA / "xquad-nl"
SEED_DIR = PROJECT_ROOT / "seeds"
NEWS_DIR = DATA / "news"
OWN_DIR = DATA / "own"  # eight news-style articles of our own (NL, EN), with factoid, near-miss and
# whole-article questions written for them before the engine was run on them

# XQuAD-nl dev questions: articles 00–22 tune, 24–46 validate. (The questions on the odd-numbered
# articles are held back by the benchmark's makers and never seen here.)
XQUAD_VALIDATION_FROM = 24


@dataclass
class QuestionSet:
    """Questions asked over one corpus.

    Attributes:
        name: how the bench table heads its column.
        split: "tuning", "validation" or "in-sample" (tuned on by earlier work).
        corpus: key of the folder of articles the questions are asked over (see `corpus_files`).
        items: `{"id", "question", "answers", ...}`; empty `answers` means the articles do not say.
    """

    name: str
    split: str
    corpus: str
    items: list[dict] = field(default_factory=list)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def corpus_files(corpus: str, xquad_dir: Path = XQUAD_DIR, exclude: set[str] = frozenset()) -> list[Path]:
    """The article files of a corpus: "seed" (the seed article), "xquad" (48 Wikipedia articles) or
    "archive" (our news articles and the xquad ones), less the file names in `exclude`."""
    if corpus == "seed":
        files = sorted(SEED_DIR.glob("*.txt"))
    elif corpus == "tuning-archive":  # every article some tuning question is about, and no other
        tuned = {i["doc"] for s in tuning_sets() for i in s.items}
        files = [p for p in corpus_files("all") if p.name in tuned]
    elif corpus == "all":
        files = (sorted(NEWS_DIR.glob("*.txt")) + sorted((xquad_dir / "docs").glob("*.txt"))
                 + sorted((OWN_DIR / "docs").glob("*.txt")) + sorted(SEED_DIR.glob("*.txt")))
    elif corpus.startswith("own-"):  # "own-tuning", "own-validation": our own articles of that split;
        # "own-all": all of them and the seed
        split = corpus[len("own-"):]
        wanted = {i["doc"] for i in _jsonl(OWN_DIR / "questions.jsonl") if split == "all" or i["split"] == split}
        files = sorted(p for p in (OWN_DIR / "docs").glob("*.txt") if p.name in wanted)
        if split == "all":
            files += sorted(SEED_DIR.glob("*.txt"))
    elif corpus == "xquad":
        files = sorted((xquad_dir / "docs").glob("*.txt"))
    else:
        files = sorted(NEWS_DIR.glob("*.txt")) + sorted((xquad_dir / "docs").glob("*.txt"))
    return [f for f in files if f.name not in exclude]


def materialise(corpus: str, folder: Path, xquad_dir: Path = XQUAD_DIR, exclude: set[str] = frozenset()) -> Path:
    """Copy a corpus's articles into `folder` (created) and return it, for `--docs`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in corpus_files(corpus, xquad_dir, exclude):
        shutil.copyfile(path, folder / path.name)
    return folder


def article_set() -> QuestionSet:
    """The first 49 questions about the seed article, which earlier weights were tuned on."""
    return QuestionSet("seed, first set", "in-sample", "seed", _jsonl(DATA / "article.jsonl"))


def reader_sets() -> list[QuestionSet]:
    """206 reader-style questions (Dutch paraphrases, English, near-miss unanswerable, follow-ups) over
    the seed, three news articles of ours and eight xquad articles; split by article."""
    items = _jsonl(DATA / "reader.jsonl")
    seed = {p.name for p in SEED_DIR.glob("*.txt")}
    on_seed = [i for i in items if i["doc"] in seed]
    archive = [i for i in items if i["doc"] not in seed]
    # The seed is the most tuned-on article here (its first set, the verifier, the tests): tuning.
    return [
        QuestionSet("reader, seed", "tuning", "seed", on_seed),
        QuestionSet("reader", "tuning", "archive", [i for i in archive if i["split"] == "tuning"]),
        QuestionSet("reader", "validation", "archive", [i for i in archive if i["split"] == "validation"]),
    ]


def factoid_set() -> QuestionSet:
    """100 factoid questions and near misses of our own over seven xquad articles that had few questions,
    worded as XQuAD's are (sharing the article's words); tuning only, to fit on, asked over the archive."""
    return QuestionSet("factoid, xquad", "tuning", "archive", _jsonl(DATA / "factoid.jsonl"))


def own_sets() -> list[QuestionSet]:
    """160 factoid and near-miss questions over our own eight articles; each split asked over its own
    articles only, so tuning never sees a validation article (not even in its IDF)."""
    items = _jsonl(OWN_DIR / "questions.jsonl")
    return [QuestionSet("own news", split, f"own-{split}", [i for i in items if i["split"] == split])
            for split in ("tuning", "validation")]


def whole_sets() -> list[QuestionSet]:
    """Questions about an article as a whole (and fact questions that only look like them), each scoped
    to one article of an archive of all our own articles and the seed."""
    items = _jsonl(OWN_DIR / "whole.jsonl")
    return [QuestionSet("whole article", split, "own-all", [i | {"answers": []} for i in items
                                                             if i["split"] == split])
            for split in ("tuning", "validation")]


def xquad_sets(xquad_dir: Path = XQUAD_DIR) -> list[QuestionSet]:
    """The XQuAD-nl dev questions, split by article number."""
    rows = []
    for item in _jsonl(xquad_dir / "questions-dev.jsonl"):
        rows.append({"id": item["id"], "question": item["q"], "answers": item["answers"],
                     "context": item["context"], "doc": item["doc"]})
    tuning = [r for r in rows if int(r["doc"][:2]) < XQUAD_VALIDATION_FROM]
    validation = [r for r in rows if int(r["doc"][:2]) >= XQUAD_VALIDATION_FROM]
    return [QuestionSet("xquad-nl dev", "tuning", "xquad", tuning),
            QuestionSet("xquad-nl dev", "validation", "xquad", validation)]


def tuning_sets(xquad_dir: Path = XQUAD_DIR) -> list[QuestionSet]:
    """The fact question sets' tuning parts (what `bench --fit` learns from)."""
    return [s for s in all_sets(xquad_dir) if s.split == "tuning"]


def all_sets(xquad_dir: Path = XQUAD_DIR) -> list[QuestionSet]:
    sets = [article_set(), *reader_sets(), factoid_set(), *own_sets()]
    if (xquad_dir / "questions-dev.jsonl").exists():
        sets += xquad_sets(xquad_dir)
    return sets


_NAME_OR_NUMBER = re.compile(r"^(?:\d.*|[A-Z].*)$")


def is_paraphrase(item: dict, article_text: str) -> bool:
    """True when the question shares no content word with the sentence holding its answer, names and
    numbers aside (the issue's definition of a paraphrased question)."""
    if not item.get("answers"):
        return False
    needle = fold(item["answers"][0])
    flat = " ".join(article_text.split())
    sentence = next((s for s in re.split(r"(?<=[.!?])\s+", flat) if needle in fold(s)), "")
    content = [w for w in re.findall(r"\w+", item["question"]) if not _NAME_OR_NUMBER.match(w)]
    return not (set(stems(" ".join(content))) & set(stems(sentence)))
