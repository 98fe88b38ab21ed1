"""The command line, through real processes: `ask`, the JSON-lines protocol, `index`, errors."""

import json
import subprocess
import sys

import pytest

from qa.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


def run(*args, stdin=None, env=None, timeout=120):
    return subprocess.run([sys.executable, APP, *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture(scope="module")
def data_flags(tmp_path_factory):
    from tests.conftest import SEEDS

    return ["--docs", str(SEEDS), "--index-dir", str(tmp_path_factory.mktemp("cli-index"))]


def test_help_lists_every_mode():
    out = run("--help").stdout
    for command in ("web", "repl", "ask", "index", "bench", "--docs", "--index-dir"):
        assert command in out


def test_index_then_ask_prints_answer_and_sources(data_flags):
    built = run("index", *data_flags)
    assert built.returncode == 0 and "index built" in built.stdout
    result = run("ask", "Hoe lang is Lukashenko al aan de macht?", *data_flags)
    assert result.returncode == 0, result.stderr
    assert "26 jaar" in result.stdout and "[1]" in result.stdout
    assert "Bronnen:" in result.stdout and "alinea 3" in result.stdout
    assert "\033[" not in result.stdout  # no colour when not a terminal


def test_jsonl_protocol_answers_in_order_and_survives_bad_lines(data_flags):
    lines = [
        json.dumps({"id": "q1", "question": "Wat willen de ministers van Buitenlandse Zaken van de EU?"}),
        "this is not json",
        "",
        json.dumps({"id": "q2"}),
        json.dumps({"id": "q3", "question": "x" * 2001}),
        json.dumps({"id": "q4", "question": "   "}),
        json.dumps({"id": "q5", "question": "Wanneer hebben ze dat besloten?", "history": [
            {"role": "user", "content": "Wat willen de ministers van Buitenlandse Zaken van de EU?"},
            {"role": "assistant", "content": "Sancties. [1]"}]}),
        json.dumps({"id": "q6", "question": "What is the capital of France?"}),
        json.dumps({"id": "q7", "question": "Wie?", "history": "not a list"}),
        json.dumps(["a", "list"]),
    ]
    result = run("ask", "--jsonl", *data_flags, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["q1", None, None, "q2", "q3", "q4", "q5", "q6", "q7", None]
    first = out[0]
    assert set(first) >= {"id", "answer", "answerable", "language", "citations", "latency_ms"}
    assert first["answerable"] and first["language"] == "nl" and "sancties" in first["answer"]
    citation = first["citations"][0]
    assert set(citation) >= {"n", "source", "passage_id", "start", "end", "text", "quote", "score"}
    assert citation["quote"] in citation["text"]
    assert "not valid JSON" in out[1]["error"]
    assert "empty" in out[2]["error"]
    assert "missing 'question'" in out[3]["error"]
    assert "too long" in out[4]["error"]
    assert "empty" in out[5]["error"]
    assert "vrijdag" in out[6]["answer"]
    assert out[7] ["answerable"] is False and out[7]["answer"] == "The article does not say." and out[7]["citations"] == []
    assert "history" in out[8]["error"]
    assert "error" in out[9]


def test_jsonl_output_is_flushed_line_by_line(data_flags):
    process = subprocess.Popen([sys.executable, APP, "ask", "--jsonl", *data_flags], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        process.stdin.write(json.dumps({"id": "a", "question": "Wat zei het Kremlin?"}) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()  # would hang if the answer sat in a buffer
        assert json.loads(line)["id"] == "a"
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def test_missing_docs_folder_is_a_short_error(tmp_path):
    result = run("ask", "Vraag?", "--docs", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "i"))
    assert result.returncode == 2
    assert "articles folder not found" in result.stderr and "Traceback" not in result.stderr


def test_environment_variables_are_settings(tmp_path, data_flags):
    import os

    env = dict(os.environ, QA_DOCS=data_flags[1], QA_INDEX_DIR=str(tmp_path / "env-index"))
    result = run("index", env=env)
    assert result.returncode == 0 and str(tmp_path / "env-index") in result.stdout
    bad = run("index", env=dict(env, QA_TOP_K="many"))
    assert bad.returncode == 2 and "QA_TOP_K" in bad.stderr


def test_default_start_does_not_import_torch_gradio_pymilvus_or_the_ingest_libraries(data_flags):
    heavy = ("torch", "gradio", "sentence_transformers", "pymilvus", "trafilatura", "pypdf")
    code = ("import sys, qa.faces.cli; qa.faces.cli.main(['ask', 'Wat zei het Kremlin?', *sys.argv[1:]]); "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code, *data_flags], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=60)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


def test_jsonl_refusal_has_empty_citations_and_related_passages(data_flags):
    line = json.dumps({"id": "r", "question": "Hoe heet de burgemeester van Amsterdam?"})
    out = json.loads(run("ask", "--jsonl", *data_flags, stdin=line + "\n").stdout)
    assert out["answerable"] is False and out["citations"] == []
    assert out["related"] and set(out["related"][0]) == {
        "n", "source", "passage_id", "start", "end", "text", "quote", "score", "paragraph", "quote_start",
        "quote_end", "title", "date", "article"}
    assert out["related"][0]["article"].startswith("De Wit-Russische president")  # no title: its opening words


def test_add_list_ask_about_one_article_and_remove(tmp_path):
    import shutil

    from qa.bench.ingest import PAGES
    from tests.conftest import SEEDS
    from tests.ingest.test_ingest_formats import make_pdf

    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    flags = ["--docs", str(docs), "--index-dir", str(tmp_path / "index")]
    pdf = make_pdf(tmp_path / "vliegtaks.pdf", ["Het kabinet wil de belasting op vliegtickets verhogen van 26 naar "
                                                "29 euro per ticket, zo staat in de plannen van minister Jansen."],
                   title="Vliegtaks omhoog")
    added = run("add", str(PAGES / "nos-dijken.html"), str(pdf), *flags)
    assert added.returncode == 0, added.stderr
    assert "added nos-dijken.html: Waterschappen versterken 40 kilometer dijk na hoogwater (2024-01-12)" in added.stdout
    assert "added vliegtaks.pdf: Vliegtaks omhoog" in added.stdout
    listed = run("list", *flags).stdout
    assert "nos-dijken.html" in listed and "vliegtaks.pdf" in listed and "2020-08" in listed
    scoped = run("ask", "--article", "vliegtaks.pdf", "Wat wil het kabinet?", *flags)
    assert "29 euro" in scoped.stdout and "Vliegtaks omhoog" in scoped.stdout
    unknown = run("ask", "--article", "Le Monde", "Wat wil het kabinet?", *flags)
    assert unknown.returncode == 2 and "no article matches" in unknown.stderr
    removed = run("remove", "vliegtaks.pdf", *flags)
    assert removed.returncode == 0 and not (docs / "vliegtaks.pdf").exists()
    assert "vliegtaks.pdf" not in run("list", *flags).stdout


def test_add_refuses_bad_input_with_one_line_each_and_keeps_the_rest(tmp_path):
    import shutil

    from qa.bench.ingest import PAGES
    from tests.conftest import SEEDS

    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    flags = ["--docs", str(docs), "--index-dir", str(tmp_path / "index")]
    (tmp_path / "leeg.txt").write_bytes(b"")
    (tmp_path / "foto.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (tmp_path / "oud.txt").write_bytes("Het café in Zeeland heropent na één jaar verbouwing, zegt de eigenaar "
                                       "tegen de regionale omroep.".encode("cp1252"))
    result = run("add", str(tmp_path / "leeg.txt"), str(tmp_path / "foto.png"), str(tmp_path / "nergens.txt"),
                 "file:///etc/passwd", "http://127.0.0.1:9/", str(tmp_path / "oud.txt"),
                 str(PAGES / "bbc-rail.html"), str(PAGES / "bbc-rail.html"), *flags)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    for needle in ("leeg.txt: the file is empty", "foto.png: not a text", "nergens.txt: no such file",
                   "only http", "local or private", "already there"):
        assert sum(needle in line for line in errors) == 1, (needle, errors)
    assert "added oud.txt" in result.stdout and "added bbc-rail.html" in result.stdout
    assert sorted(p.name for p in docs.iterdir()) == ["2020-08-wit-rusland-lukashenko-poetin.txt", "bbc-rail.html",
                                                      "oud.txt"]
    assert "één jaar" in run("ask", "--article", "oud.txt", "Wanneer heropent het café?", *flags).stdout


# -- a first hour without a stumble -------------------------------------------------------------------

def test_an_archive_starts_from_nothing_with_add(tmp_path):
    from qa.bench.sets import OWN_DIR

    docs, index = tmp_path / "mynews", tmp_path / "myidx"  # neither exists yet
    flags = ["--docs", str(docs), "--index-dir", str(index)]
    assert run("list", *flags).returncode == 2  # a mistyped folder is said, not silently empty
    page = PROJECT_ROOT / "qa" / "bench" / "data" / "pages" / "nos-dijken.html"
    added = run("add", *flags, str(page), str(OWN_DIR / "docs" / "2025-08-museum-heist.txt"))
    assert added.returncode == 0, added.stderr
    assert added.stdout.count("added ") == 2 and docs.is_dir()
    listed = run("list", *flags).stdout
    assert "nos-dijken.html" in listed and "2025-08-museum-heist.txt" in listed
    answer = run("ask", *flags, "Where was the stolen helmet found?").stdout
    assert "Ploiești" in answer


def test_an_empty_folder_indexes_and_lists_and_says_what_to_do(tmp_path):
    (tmp_path / "empty").mkdir()
    flags = ["--docs", str(tmp_path / "empty"), "--index-dir", str(tmp_path / "idx")]
    built = run("index", *flags)
    assert built.returncode == 0 and "0 article(s)" in built.stdout
    listed = run("list", *flags)
    assert listed.returncode == 0 and "python app.py add" in listed.stdout


def test_a_missing_articles_folder_is_one_line_that_says_how_to_start(tmp_path):
    result = run("ask", "--docs", str(tmp_path / "typo"), "--index-dir", str(tmp_path / "idx"), "Wie?")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "articles folder not found" in result.stderr and "app.py add" in result.stderr


@pytest.mark.parametrize("command", ["add", "list", "remove", "index"])
def test_each_command_help_lists_only_its_own_flags_and_says_what_it_does(command):
    out = run(command, "--help").stdout
    assert "--docs" in out and "--index-dir" in out
    assert "--article" not in out and "--llm" not in out
    description = out.split("\n\n")[1]
    assert description[:1].isupper() and description.rstrip().endswith(".")


def test_ask_help_takes_the_answer_flags():
    out = run("ask", "--help").stdout
    assert "--article" in out and "--llm" in out


def test_a_port_out_of_range_is_one_line_naming_port():
    result = run("--port", "99999")
    assert result.returncode == 2 and "--port" in result.stderr and "Traceback" not in result.stderr
    assert "Chat about" not in result.stdout


def test_a_port_in_use_is_one_line_naming_port(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("--port", str(port), "--docs", str(tmp_path), "--index-dir", str(tmp_path / "idx"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "already in use" in result.stderr and "--port" in result.stderr and "GRADIO_SERVER_PORT" not in result.stderr


@pytest.mark.slow
def test_ctrl_c_during_index_keeps_what_was_done_and_the_next_run_finishes(tmp_path):
    import pexpect

    from qa.bench.sets import XQUAD_DIR
    from tests.conftest import interruptible

    docs = tmp_path / "docs"
    docs.mkdir()
    for path in sorted((XQUAD_DIR / "docs").glob("*.txt"))[:24]:
        (docs / path.name).write_bytes(path.read_bytes())
    flags = ["--docs", str(docs), "--index-dir", str(tmp_path / "idx")]
    child = pexpect.spawn(sys.executable, [APP, "index", *flags], encoding="utf-8", timeout=300,
                          dimensions=(24, 120), preexec_fn=interruptible)
    child.expect(r"indexed (\d+) of")
    child.sendintr()
    child.expect(r"interrupted: (\d+) of 24 articles indexed; run again to finish")
    done = int(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and 0 < done < 24
    saved = json.loads((tmp_path / "idx" / "manifest.json").read_text())["files"]
    assert len(saved) == done  # what was finished is on disk
    again = run("index", *flags, timeout=600)
    assert again.returncode == 0 and "index updated" in again.stdout and "24 article(s)" in again.stdout
    assert "added: " in again.stdout and not any(f"{name}," in again.stdout.split("added: ")[1] for name in saved)


def test_adding_a_pdf_bomb_is_one_line_and_the_archive_goes_on(tmp_path):
    from tests.ingest.bombs import bomb_pdf

    bomb = tmp_path / "bom.pdf"
    bomb.write_bytes(bomb_pdf())
    flags = ["--docs", str(tmp_path / "docs"), "--index-dir", str(tmp_path / "idx")]
    good = PROJECT_ROOT / "qa" / "bench" / "data" / "own" / "docs" / "2025-08-museum-heist.txt"
    result = run("add", *flags, str(bomb), str(good))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "bom.pdf: a stream in the PDF inflates past the 20 MB limit" in result.stderr
    assert "added 2025-08-museum-heist.txt" in result.stdout
    (tmp_path / "docs" / "bom.pdf").write_bytes(bomb.read_bytes())  # dropped into the folder by hand
    answer = run("ask", *flags, "Where was the stolen helmet found?")
    assert answer.returncode == 0 and "Ploiești" in answer.stdout


def test_jsonl_reads_an_overlong_line_with_bounded_memory_and_goes_on(data_flags, tmp_path):
    import threading
    import time

    lines = tmp_path / "lines.jsonl"
    with open(lines, "wb") as out:
        out.write(b'{"id": 1, "question": "' + b"x" * 50_000_000 + b'"}\n')
        out.write(json.dumps({"id": 2, "question": "Hoe lang is Lukashenko al aan de macht?"}).encode() + b"\n")
    with open(lines, "rb") as stdin:
        process = subprocess.Popen([sys.executable, APP, "ask", "--jsonl", *data_flags], stdin=stdin,
                                   stdout=subprocess.PIPE)
        peak = [0]

        def watch():  # this process's own high-water mark of memory, read while it runs
            while process.poll() is None:
                try:
                    status = open(f"/proc/{process.pid}/status").read()
                    peak[0] = max(peak[0], int(status.split("VmHWM:")[1].split()[0]))
                except (OSError, IndexError, ValueError):
                    pass
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        output, _ = process.communicate(timeout=300)
        watcher.join()
    out = [json.loads(x) for x in output.decode().splitlines()]
    assert "line too long" in out[0]["error"] and out[1]["id"] == 2 and out[1]["short"] == "26 jaar"
    # MB: never the 50 MB line held whole, let alone twice (the process itself, with the reader's weights
    # loaded beside the index, takes about 380)
    assert 0 < peak[0] / 1024 < 480


def test_an_id_with_a_lone_surrogate_gets_a_strict_utf8_error_line(data_flags):
    result = subprocess.run([sys.executable, APP, "ask", "--jsonl", *data_flags],
                            input=b'{"id": "a\\ud800", "question": "Wie?"}\n', capture_output=True, timeout=120)
    line = result.stdout.decode("utf-8")  # strict: no lone surrogate came out
    assert json.loads(line)["error"].startswith("not acceptable JSON")


def test_two_add_commands_at_once_add_an_article_once(tmp_path):
    from qa.bench.sets import OWN_DIR

    article = OWN_DIR / "docs" / "2025-05-stadsbos-eindhoven.txt"
    copy = tmp_path / "kopie.txt"
    copy.write_bytes(article.read_bytes())
    flags = ["--docs", str(tmp_path / "docs"), "--index-dir", str(tmp_path / "idx")]
    first = subprocess.Popen([sys.executable, APP, "add", *flags, str(article)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([sys.executable, APP, "add", *flags, str(copy)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    added = sum("added " in out for out, _ in outs)
    refused = sum("already" in err for _, err in outs)
    assert added == 1 and refused == 1, outs
    assert len(list((tmp_path / "docs").iterdir())) == 1


def test_an_article_or_file_name_with_control_characters_is_shown_not_obeyed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "museum.txt").write_text("Het museum\x1b[2J in Zwolle heeft 1200 bezoekers per dag.\x1b]0;pwned\x07 "
                                     "De directeur is Anna de Vries.\n\nHet museum opende in 1990.\n", "utf-8")
    (docs / "twee\nregels.txt").write_text("De veerpont vaart sinds 2021 tussen Vlissingen en Breskens.\n", "utf-8")
    flags = ["--docs", str(docs), "--index-dir", str(tmp_path / "index")]
    listed = run("list", *flags)
    assert listed.returncode == 0, listed.stderr
    # one line an article, a name's line break shown as a mark, and the line naming the index
    assert len(listed.stdout.splitlines()) == 3 and "indexed in" in listed.stdout.splitlines()[-1]
    answered = run("ask", "Wie is de directeur van het museum?", *flags)
    assert "Anna de Vries" in answered.stdout
    for out in (listed.stdout, answered.stdout):
        assert not any(ch in out for ch in "\x1b\x07\r")


def test_each_articles_folder_has_its_own_index_by_default(tmp_path, monkeypatch):
    from qa.faces.cli import build_parser, settings_from_args
    from qa.settings import PROJECT_ROOT

    monkeypatch.delenv("QA_INDEX_DIR", raising=False)
    (tmp_path / "mynews").mkdir()

    def settings(*argv):
        return settings_from_args(build_parser().parse_args(list(argv)))

    seed = settings("list").index_dir
    mine = settings("list", "--docs", str(tmp_path / "mynews")).index_dir
    assert seed.parent == mine.parent == PROJECT_ROOT / "index"
    assert seed != mine and mine.name.startswith("mynews-")
    assert settings("list", "--docs", str(tmp_path / "mynews" / ".." / "mynews")).index_dir == mine
    assert settings("list", "--docs", str(tmp_path / "mynews"), "--index-dir", str(tmp_path / "i")).index_dir \
        == tmp_path / "i"
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "env"))
    assert settings("list", "--docs", str(tmp_path / "mynews")).index_dir == tmp_path / "env"


@pytest.mark.parametrize("argv, command, named", [
    (["--dcos", "seeds", "ask", "x"], "ask", "unknown flag --dcos (did you mean --docs?)"),
    (["ask", "--question", "x"], "ask", "unknown flag --question"),
    (["list", "--index-drr", "i"], "list", "did you mean --index-dir?"),
])
def test_an_unknown_flag_is_named_with_the_closest_real_one_in_its_commands_usage(argv, command, named):
    import subprocess
    import sys

    from qa.settings import PROJECT_ROOT

    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "app.py"), *argv], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert named in result.stderr
    assert f"usage: app.py {command}" in result.stderr and "--share" not in result.stderr


def test_a_reindex_of_more_than_a_few_articles_says_so_first_and_a_current_index_says_nothing(tmp_path):
    from qa.bench import sets
    from tests.conftest import SEEDS

    docs = tmp_path / "docs"
    docs.mkdir()
    for path in [*sorted((sets.DATA / "news").glob("*.txt")), *SEEDS.glob("*.txt")]:
        (docs / path.name).write_bytes(path.read_bytes())
    flags = ["--docs", str(docs), "--index-dir", str(tmp_path / "index")]
    first = run(*flags, "ask", "Wie won?")
    assert first.returncode == 0 and f"indexing 4 article(s) of {docs}" in first.stderr
    again = run(*flags, "ask", "Wie won?")
    assert again.returncode == 0 and "indexing" not in again.stderr
    (docs / "2026-12-extra.txt").write_text("Extra\n\nDe brug in Kampen gaat in mei dicht voor onderhoud.", "utf-8")
    one = run(*flags, "ask", "Wanneer gaat de brug dicht?")
    assert one.returncode == 0 and "indexing" not in one.stderr  # one article is quickly done: no notice
