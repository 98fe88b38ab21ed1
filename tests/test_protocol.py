"""The JSON-lines protocol: one strict-JSON object per input line, whatever the line holds."""

import json
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.faces.protocol import dumps, handle_line
from qa.settings import PROJECT_ROOT

KILLERS = [
    b'{"id": 2, "question": "Wie \\ud800?"}',         # a JSON-escaped lone surrogate
    b'{"id": 3, "question": "Wie \xff\xfe?"}',           # raw invalid UTF-8 inside a string
    b"[" * 1000 + b"]" * 1000,                          # nested 1,000 deep
    b'{"id": ' + b"9" * 5000 + b', "question": "Wie?"}',  # an integer of 5,000 digits
    b'{"id": NaN, "question": ""}', b'{"id": Infinity, "question": ""}', b'{"id": 1e400, "question": ""}',
]


def _strict_json(line: str) -> dict:
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(line, parse_constant=refuse)


def test_each_protocol_killer_gets_one_strict_error_line(engine):
    for line in KILLERS:
        out = _strict_json(dumps(handle_line(engine, line)))
        assert "error" in out, line[:40]


def test_one_stream_goes_on_past_every_killer_under_a_strict_locale(settings):
    stream = b"\n".join([b'{"id": "a", "question": "Wat zei het Kremlin?"}', *KILLERS,
                         b'{"id": "z", "question": "Wat zei het Kremlin?"}']) + b"\n"
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "app.py"), "ask", "--jsonl", "--docs", str(settings.docs_dir),
         "--index-dir", str(settings.index_dir)], input=stream, capture_output=True, timeout=120,
        env={"PYTHONIOENCODING": "utf-8:strict", "PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    lines = [_strict_json(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert result.returncode == 0 and len(lines) == len(KILLERS) + 2
    assert lines[0]["id"] == "a" and lines[-1]["id"] == "z" and lines[-1]["answer"]
    assert lines[-1]["kind"] in ("fact", "refusal")  # the question after every killer is answered as any other


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                 st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=40),
                              lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=4),
                              max_leaves=12).map(lambda v: json.dumps({"id": v, "question": v}).encode())))
def test_fuzzed_lines_always_get_exactly_one_strict_json_object(engine, line):
    out = _strict_json(dumps(handle_line(engine, line.replace(b"\n", b" "))))
    assert isinstance(out, dict) and ("error" in out or "answer" in out)


def test_an_articles_filter_limits_the_answer_and_a_bad_one_is_an_error(engine, docs_dir, tmp_path, embedder):
    import shutil

    from qa.answering.chat import Engine
    from qa.bench.sets import OWN_DIR

    shutil.copy(OWN_DIR / "docs" / "2025-06-veerpont-zeeland.txt", docs_dir)
    two = Engine.open(engine.settings.replace(docs_dir=docs_dir, index_dir=tmp_path / "index"), progress=False)
    seed = next(d.source for d in two.documents if d.source != "2025-06-veerpont-zeeland.txt")
    question = "Hoeveel kost de nieuwe veerpont?"
    free = handle_line(two, json.dumps({"id": 1, "question": question}))
    assert free["answerable"] and free["citations"][0]["source"] == "2025-06-veerpont-zeeland.txt"
    # Limited to the seed, the ferry's article is out of sight: its price is not there to give.
    scoped = handle_line(two, json.dumps({"id": 1, "question": question, "articles": [seed]}))
    assert all(c["source"] == seed for c in scoped["citations"] + scoped["related"])
    assert "38 miljoen" not in scoped["answer"]
    for articles, error in (([], "non-empty list"), ("x", "non-empty list"), (["Le Monde"], "no article matches"),
                            ([3], "non-empty string")):
        result = handle_line(engine, json.dumps({"id": 2, "question": "Wat zei het Kremlin?", "articles": articles}))
        assert error in result["error"], articles


def test_the_short_answer_and_its_offsets_stand_in_the_file(engine, settings):
    from qa.faces.protocol import handle_request

    out = handle_request(engine, {"id": 1, "question": "Hoe lang is Lukashenko al aan de macht?"})
    assert out["short"] == "26 jaar" and out["kind"] == "fact"
    first = out["citations"][0]
    assert out["short"] in first["quote"]
    text = (settings.docs_dir / first["source"]).read_text("utf-8")
    assert text[first["short_start"]:first["short_end"]] == out["short"]
    assert first["quote_start"] <= first["short_start"] < first["short_end"] <= first["quote_end"]
    assert all("short_start" not in c for c in out["citations"][1:])
    why = handle_request(engine, {"id": 2, "question": "Waarom gaan de mensen de straat op?"})
    assert why["kind"] in ("fact", "refusal")
    if why["short"]:  # the reader's span for a why-question: words of the quote, as any short answer
        assert why["short"] in why["citations"][0]["quote"]


def test_a_question_for_a_kind_of_fact_the_article_lacks_is_refused_with_related_passages(engine):
    from qa.faces.protocol import handle_request

    out = handle_request(engine, {"id": 1, "question": "Hoeveel euro steun geeft Rusland aan Minsk?"})
    assert not out["answerable"] and out["kind"] == "refusal" and out["short"] == ""
    assert out["citations"] == [] and out["related"]
    assert any("financiële steun" in r["text"] for r in out["related"])


def test_an_answer_does_not_hinge_on_which_number_the_sentence_holds(tmp_path, embedder):
    from qa.faces.protocol import handle_request
    from qa.settings import Settings
    from tests.conftest import SEED_FILE

    text = SEED_FILE.read_text("utf-8")
    quotes = set()
    for years in ("26", "31", "7", "12"):
        docs = tmp_path / years
        docs.mkdir()
        (docs / SEED_FILE.name).write_text(text.replace("26 jaar", f"{years} jaar"), encoding="utf-8")
        from qa.answering.chat import Engine

        engine = Engine.open(Settings(docs_dir=docs, index_dir=tmp_path / f"idx-{years}"), progress=False)
        out = handle_request(engine, {"id": 1, "question": "Hoe lang is Lukashenko al aan de macht?"})
        assert out["short"] == f"{years} jaar"
        quotes.add(out["citations"][0]["quote"].replace(f"{years} jaar", "N jaar"))
    assert len(quotes) == 1  # the same sentence, whatever the number
