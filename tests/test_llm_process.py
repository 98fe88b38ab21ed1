"""The local model runs in a child process: a portable build, and a crash of it never ends the chat."""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.answering.llm_process import LocalChat, ModelProcess, how_it_ended
from tests.conftest import descendants
from tests.test_grounded import HAS_LLAMA, needs_llama, with_model

# Instructions of Intel's AMX, which a VM may list among the CPU's flags and still forbid (SIGILL).
AMX = ("tileloadd", "tdpbssd", "tdpbf16ps", "ldtilecfg")


@pytest.mark.slow
def test_the_installed_llama_library_holds_no_amx_instructions():
    if not HAS_LLAMA:
        pytest.skip("llama-cpp-python not installed")
    if shutil.which("objdump") is None:
        pytest.skip("objdump (binutils) not installed")
    import llama_cpp

    libraries = glob.glob(os.path.join(os.path.dirname(llama_cpp.__file__), "**", "*.so*"), recursive=True)
    assert libraries, "llama_cpp ships no native library?"
    for library in libraries:
        listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", library], capture_output=True,
                                 text=True).stdout
        found = [name for name in AMX if f"\t{name}" in listing or f" {name} " in listing]
        assert not found, (
            f"{library} holds AMX instructions ({', '.join(found)}): llama-cpp-python was built natively, maybe "
            "from pip's cache. Reinstall it portably: pip install --no-cache-dir --force-reinstall "
            "-r requirements-llm.txt")


def test_how_a_process_ended_is_said_in_words():
    assert how_it_ended(-signal.SIGILL) == "signal SIGILL"
    assert how_it_ended(-signal.SIGKILL) == "signal SIGKILL"
    assert how_it_ended(3) == "exit 3" and how_it_ended(None) == "running"


class KilledMidAnswer(LocalChat):
    """The real model process, killed by `sig` as soon as its answer has begun to arrive."""

    def __init__(self, process, settings, sig):
        from qa.answering.generate import openai_chat

        super().__init__(process, settings, openai_chat)
        self.sig, self.kills = sig, 0

    def stream(self, messages):
        for number, chunk in enumerate(super().stream(messages)):
            if number == 0 and self.sig is not None:
                os.kill(self.process.process.pid, self.sig)
                self.process.process.wait(timeout=30)
                self.kills += 1
            yield chunk


def smollm2_process() -> ModelProcess:
    from qa.answering.generate import _smollm2_path

    return ModelProcess(_smollm2_path())


@needs_llama
@pytest.mark.parametrize("sig", [signal.SIGILL, signal.SIGKILL], ids=["SIGILL", "SIGKILL"])
def test_a_model_process_killed_mid_answer_gives_the_quoted_answer_and_starts_again(engine, sig):
    process = smollm2_process()
    try:
        settings = engine.settings.replace(llm="smollm2", llm_timeout=180)
        chat = KilledMidAnswer(process, settings, sig)
        llm_engine = with_model(engine, chat, llm="smollm2", llm_timeout=180)
        answer = llm_engine.ask("Hoe lang is Lukashenko al aan de macht?").answer
        assert chat.kills == 1 and not process.alive()
        assert answer.generator == "extractive" and "26 jaar" in answer.text
        assert "gestopt" in answer.notice and signal.Signals(sig).name in answer.notice
        chat.sig = None  # the next question: the model is started again and answers
        again = llm_engine.ask("Hoe lang is Lukashenko al aan de macht?").answer
        assert process.starts == 2 and process.alive()
        assert "gestopt" not in again.notice and "26" in again.text
    finally:
        process.close()
    assert not process.alive()


@needs_llama
def test_a_model_that_keeps_dying_is_given_up_on_and_the_chat_goes_on(engine):
    process = ModelProcess(smollm2_process().model_path, max_restarts=1)
    try:
        chat = KilledMidAnswer(process, engine.settings.replace(llm="smollm2"), signal.SIGKILL)
        llm_engine = with_model(engine, chat, llm="smollm2", llm_timeout=180)
        for _ in range(3):
            answer = llm_engine.ask("Hoe lang is Lukashenko al aan de macht?").answer
            assert answer.generator == "extractive" and "26 jaar" in answer.text and "gestopt" in answer.notice
        assert process.starts == 2  # the first start and one restart, then no more
        assert "not started again" in answer.notice
    finally:
        process.close()


def jsonl_with_smollm2(settings) -> subprocess.Popen:
    """`app.py ask --jsonl` over the seed, answering with SmolLM2 in its child process."""
    return subprocess.Popen(
        [sys.executable, "app.py", "ask", "--jsonl", "--docs", str(settings.docs_dir), "--index-dir",
         str(settings.index_dir), "--llm", "smollm2", "--llm-timeout", "180"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        cwd=Path(__file__).resolve().parent.parent)


def still_running(pids: list[int], seconds: float) -> list[int]:
    """The processes among `pids` still there after waiting up to `seconds` for them to end."""
    deadline = time.time() + seconds
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.time() < deadline:
        time.sleep(0.2)
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


@needs_llama
def test_jsonl_goes_on_serving_when_the_model_process_is_killed_mid_answer(settings):
    app = jsonl_with_smollm2(settings)
    try:
        def ask(n: int, kill: bool = False) -> dict:
            app.stdin.write(json.dumps({"id": n, "question": "Hoe lang is Lukashenko al aan de macht?"}) + "\n")
            app.stdin.flush()
            if kill:
                # The running model is stopped first, so the answer cannot finish before the kill however
                # fast this machine is: the chat's request waits on it, and SIGILL lands mid-answer.
                models = descendants(app.pid)
                for pid in models:
                    os.kill(pid, signal.SIGSTOP)
                time.sleep(0.5)
                for pid in models:
                    os.kill(pid, signal.SIGILL)
                    os.kill(pid, signal.SIGCONT)
            return json.loads(app.stdout.readline())

        first = ask(1)
        assert first["generator"] == "llm" or first.get("notice")
        assert descendants(app.pid)  # the model runs
        killed = ask(2, kill=True)
        assert killed["answerable"] and "26 jaar" in killed["answer"] and killed["generator"] == "extractive"
        assert "SIGILL" in killed["notice"]
        third = ask(3)
        assert third["id"] == 3 and "SIGILL" not in third.get("notice", "") and "26" in third["answer"]
        servers = descendants(app.pid)
        assert servers  # the model runs again
    finally:
        app.stdin.close()
        app.wait(timeout=60)
    assert not still_running(servers, 10)  # the server's watcher notices its parent is gone


@needs_llama
def test_the_model_server_ends_when_the_chat_is_killed(settings):
    app = jsonl_with_smollm2(settings)
    app.stdin.write(json.dumps({"id": 1, "question": "Hoe lang is Lukashenko al aan de macht?"}) + "\n")
    app.stdin.flush()
    assert json.loads(app.stdout.readline())["id"] == 1
    servers = descendants(app.pid)
    assert servers
    app.kill()  # no atexit, no cleanup of its own: the server must notice by itself
    app.wait(timeout=30)
    assert not still_running(servers, 15)
