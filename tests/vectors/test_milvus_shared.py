"""Several app processes answering from one Milvus: a `milvus-lite server` on loopback stands in for a
Milvus server (a milvus-lite file itself takes one process: a second is refused with a lock error)."""

import json
import shutil
import subprocess
import sys

import pytest

from qa.settings import PROJECT_ROOT
from tests.conftest import SEEDS, free_port, wait_for_port

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def milvus_server(tmp_path):
    if not shutil.which("milvus-lite"):
        pytest.skip("milvus-lite is not installed")
    port = free_port()
    process = subprocess.Popen(["milvus-lite", "server", "--data-dir", str(tmp_path / "milvus"), "--host",
                                "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.slow
def test_two_processes_answer_from_one_milvus(milvus_server, tmp_path):
    flags = ["--docs", str(SEEDS), "--index-dir", str(tmp_path / "index"), "--vector-index", "milvus",
             "--milvus-uri", milvus_server]
    built = subprocess.run([sys.executable, APP, "index", *flags], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0 and "(milvus)" in built.stdout, built.stderr
    questions = [("Hoe lang is Lukashenko al aan de macht?", "26 jaar"), ("Wat zei het Kremlin?", "Moskou"),
                 ("Hoeveel procent van de stemmen kreeg de zittende president?", "80 procent")]
    lines = "".join(json.dumps({"id": i, "question": q}) + "\n" for i, (q, _) in enumerate(questions))
    readers = [subprocess.Popen([sys.executable, APP, "ask", "--jsonl", *flags], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [reader.communicate(lines, timeout=300) for reader in readers]
    said = []
    for stdout, stderr in outputs:
        answers = [json.loads(line) for line in stdout.splitlines()]
        assert len(answers) == len(questions), stderr
        assert answers[0]["answerable"] and "26 jaar" in answers[0]["answer"], answers[0]
        said.append([(a["answer"], a.get("short"), [c["passage_id"] for c in a.get("citations", [])]) for a in answers])
    assert said[0] == said[1]  # both processes read the same index the same way


@pytest.mark.slow
def test_an_unreachable_milvus_is_a_short_error_and_nothing_is_rebuilt(tmp_path):
    flags = ["--docs", str(SEEDS), "--index-dir", str(tmp_path / "index"), "--vector-index", "milvus"]
    built = subprocess.run([sys.executable, APP, "index", *flags], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    manifest = (tmp_path / "index" / "manifest.json").read_text()
    port = free_port()  # nobody listens there
    down = subprocess.run([sys.executable, APP, "ask", "Wat zei het Kremlin?", *flags, "--milvus-uri",
                           f"http://127.0.0.1:{port}"], capture_output=True, text=True, timeout=120)
    assert down.returncode == 2 and down.stderr.startswith("error: cannot open Milvus")
    assert "Traceback" not in down.stderr and "rebuilding" not in down.stderr
    assert (tmp_path / "index" / "manifest.json").read_text() == manifest
