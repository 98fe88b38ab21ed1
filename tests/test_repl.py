"""The terminal REPL, driven through a real pseudo-terminal and through a pipe."""

import os
import subprocess
import sys
import time

import pexpect
import pytest

from qa.settings import PROJECT_ROOT
from tests.conftest import SEEDS

APP = str(PROJECT_ROOT / "app.py")
PROMPT = r"\? "


@pytest.fixture(scope="module")
def repl_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    index = tmp_path_factory.mktemp("repl-index")
    subprocess.run([sys.executable, APP, "index", "--docs", str(SEEDS), "--index-dir", str(index)], check=True,
                   capture_output=True)
    env = dict(os.environ, HOME=str(home), XDG_STATE_HOME=str(home / "state"), TERM="xterm-256color",
               COLUMNS="100", LINES="40")
    env.pop("NO_COLOR", None)
    return env, ["--docs", str(SEEDS), "--index-dir", str(index)], home


def spawn(repl_env):
    env, flags, _ = repl_env
    child = pexpect.spawn(sys.executable, [APP, "repl", *flags], env=env, encoding="utf-8", timeout=30,
                          dimensions=(40, 100))
    child.expect(PROMPT)
    return child


def test_banner_then_cited_answers_in_both_languages_and_a_follow_up(repl_env):
    child = spawn(repl_env)
    assert "2020-08" in child.before and ":help" in child.before
    child.sendline("Wat willen de ministers van Buitenlandse Zaken van de EU?")
    child.expect(PROMPT)
    out = child.before
    assert "sancties" in out and "[1]" in out and "Bronnen:" in out and "alinea 9" in out
    assert "\033[" in out  # colour on a terminal
    child.sendline("Wanneer hebben ze dat besloten?")
    child.expect(PROMPT)
    assert "vrijdag" in child.before
    child.sendline("What share of the vote did the incumbent president get?")
    child.expect(PROMPT)
    assert "80 procent" in child.before and "Sources:" in child.before
    child.sendline(":sources")
    child.expect(PROMPT)
    assert "paragraph 5" in child.before and "[2]" in child.before
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_commands_bad_lines_and_ctrl_c(repl_env):
    child = spawn(repl_env)
    child.sendline(":help")
    child.expect(PROMPT)
    assert ":sources" in child.before and ":reset" in child.before
    child.sendline(":frobnicate")
    child.expect(PROMPT)
    assert "Unknown command :frobnicate" in child.before and ":sources" in child.before
    child.sendline("")
    child.expect(PROMPT)
    child.sendline("x" * 2100)
    child.expect(PROMPT, timeout=30)
    assert "too long" in child.before and "Traceback" not in child.before
    child.send("Hoe lang is Luka")
    time.sleep(0.3)
    child.sendintr()
    child.expect(PROMPT)
    child.sendline(":reset")
    child.expect(PROMPT)
    assert "forgotten" in child.before
    child.sendline(":sources")
    child.expect(PROMPT)
    assert "No sources yet" in child.before
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_history_is_kept_between_runs_outside_the_repo(repl_env):
    _, _, home = repl_env
    child = spawn(repl_env)
    child.sendline("Wat zei het Kremlin?")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    history = home / "state" / "qa-news" / "repl_history"
    assert "Wat zei het Kremlin?" in history.read_text()
    child = spawn(repl_env)
    child.send("\033[A")  # arrow up recalls the last question
    child.send("\r")
    child.expect(PROMPT)
    assert "Kremlin" in child.before and "[1]" in child.before
    child.sendeof()
    child.expect(pexpect.EOF)


def test_piped_questions_answer_without_prompts_or_colour(repl_env):
    env, flags, _ = repl_env
    questions = "Hoe lang is Lukashenko al aan de macht?\n\nWhat is the capital of France?\n" + "y" * 2500 + "\n"
    result = subprocess.run([sys.executable, APP, "repl", *flags], input=questions, capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 0
    assert "26 jaar" in result.stdout and "The article does not say." in result.stdout
    assert "too long" in result.stdout
    assert "\033[" not in result.stdout and "? " not in result.stdout.splitlines()[0]


def test_repl_prints_verified_sentences_as_they_come(engine):
    import io

    from qa.repl import Session
    from tests.test_grounded import scripted, with_model

    model = scripted("Lukashenko is al 26 jaar aan de macht [1]. Hij is 90 jaar oud [1].")
    out = io.StringIO()
    session = Session(with_model(engine, model), out=out, color=False)
    session.handle("Hoe lang is Lukashenko al aan de macht?")
    text = out.getvalue()
    assert text.startswith("Lukashenko is al 26 jaar aan de macht [1].")
    assert "90 jaar" not in text and "Bronnen:" in text and "weggelaten: 1" in text
