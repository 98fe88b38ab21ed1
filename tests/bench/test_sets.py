"""The benchmark's question sets: honest splits, and a bench that runs from a clone with nothing beside it."""

import subprocess
import sys

import pytest

from qa.bench import sets
from qa.bench.fit_reader import tuning_items
from qa.settings import PROJECT_ROOT


def _docs(split: str) -> set[str]:
    return {item["doc"] for s in sets.all_sets() if s.split == split for item in s.items}


def test_tuning_and_validation_parts_share_no_article():
    assert _docs("tuning") and _docs("validation")
    assert not _docs("tuning") & _docs("validation")


def test_the_fit_sees_only_tuning_questions():
    validation_ids = {i["id"] for s in sets.all_sets() if s.split == "validation" for i in s.items}
    tuned = tuning_items()
    assert validation_ids and not validation_ids & {i["id"] for i in tuned if "id" in i}
    xquad = {p.name for p in (sets.XQUAD_DIR / "docs").glob("*.txt")}
    assert tuned and not any(i["doc"] in xquad for i in tuned)  # never XQuAD, in any split


def test_the_reader_set_is_shaped_like_readers_ask():
    items = [i for s in sets.reader_sets() for i in s.items]
    articles = {i["doc"] for i in items}
    texts = {p.name: p.read_text("utf-8") for folder in (sets.SEED_DIR, sets.NEWS_DIR, sets.XQUAD_DIR / "docs")
             for p in folder.glob("*.txt")}
    assert len(items) >= 200 and len(articles) >= 11
    assert sum(i["language"] == "en" for i in items) >= 0.3 * len(items)
    assert sum(not i["answers"] for i in items) >= 0.2 * len(items)
    assert sum(sets.is_paraphrase(i, texts[i["doc"]]) for i in items) >= 0.4 * len(items)
    assert any("history" in i for i in items)
    for item in items:  # every gold answer stands in its article
        flat = " ".join(texts[item["doc"]].split()).lower()
        assert all(" ".join(a.split()).lower() in flat for a in item["answers"]), item["id"]


def test_the_factoid_set_is_tuning_data_over_tuning_articles_only():
    question_set = sets.factoid_set()
    items = question_set.items
    texts = {p.name: p.read_text("utf-8") for p in (sets.XQUAD_DIR / "docs").glob("*.txt")}
    assert question_set.split == "tuning" and len(items) >= 100
    assert all(int(i["doc"][:2]) < sets.XQUAD_VALIDATION_FROM for i in items)
    assert sum(not i["answers"] for i in items) >= 0.15 * len(items)
    assert len({i["id"] for i in items}) == len(items)
    for item in items:  # every gold answer is the article's own words, as SQuAD scores them
        assert all(a in texts[item["doc"]] for a in item["answers"]), item["id"]


@pytest.mark.slow
def test_bench_runs_from_a_clone_and_labels_what_is_in_sample(tmp_path):
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "app.py"), "bench", "--set", "article"],
                            capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "in-sample" in result.stdout and "hit@1" in result.stdout and "unanswerable refused" in result.stdout
