"""The terminal REPL, driven through a real pseudo-terminal and through a pipe."""

import os
import re
import subprocess
import sys
import time

import pexpect
import pytest

from qa.settings import PROJECT_ROOT
from tests.conftest import SEEDS, interruptible

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


def spawn(repl_env, *extra: str, columns: int = 100):
    """The REPL in a real pseudo-terminal of `columns` width, at its first prompt."""
    env, flags, _ = repl_env
    child = pexpect.spawn(sys.executable, [APP, "repl", *flags, *extra], env=dict(env, COLUMNS=str(columns)),
                          encoding="utf-8", timeout=30, dimensions=(40, columns), preexec_fn=interruptible)
    child.expect(PROMPT)
    return child


def say(child, line: str) -> str:
    """Type a line, wait for the next prompt, return what the REPL printed in between."""
    child.sendline(line)
    child.expect(PROMPT)
    return child.before


def test_banner_then_cited_answers_in_both_languages_and_a_follow_up(repl_env):
    child = spawn(repl_env)
    assert "2020-08" in child.before and ":help" in child.before
    out = say(child, "Wat willen de ministers van Buitenlandse Zaken van de EU?")
    assert "sancties" in out and "[1]" in out and "Bronnen:" in out and "alinea 9" in out
    assert "\033[" in out  # colour on a terminal
    out = say(child, "Wanneer hebben ze dat besloten?")
    assert "vrijdag" in out
    out = say(child, "What share of the vote did the incumbent president get?")
    assert "80 procent" in out and "Sources:" in out
    out = say(child, ":sources")
    assert "paragraph 5" in out and "[2]" in out
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_commands_bad_lines_and_ctrl_c(repl_env):
    child = spawn(repl_env)
    out = say(child, ":help")
    assert ":sources" in out and ":reset" in out
    out = say(child, ":frobnicate")
    assert "Unknown command :frobnicate" in out and ":sources" in out
    say(child, "")
    child.sendline("x" * 2100)
    child.expect(PROMPT, timeout=30)
    assert "vraag te lang" in child.before and "Traceback" not in child.before  # the question's language
    child.send("Hoe lang is Luka")
    time.sleep(0.3)
    child.sendintr()
    child.expect(PROMPT)
    out = say(child, ":reset")
    assert "forgotten" in out
    out = say(child, ":sources")
    assert "No sources yet" in out
    out = say(child, "/help")  # a slash starts a command too, as in other chat programs
    assert ":sources" in out and "[1]" not in out
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_history_is_kept_between_runs_outside_the_repo(repl_env):
    _, _, home = repl_env
    child = spawn(repl_env)
    say(child, "Wat zei het Kremlin?")
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
    assert "vraag te lang" in result.stdout
    assert "\033[" not in result.stdout and "? " not in result.stdout.splitlines()[0]


def test_repl_prints_verified_sentences_as_they_come(engine):
    import io

    from qa.faces.repl import Session
    from tests.test_grounded import scripted, with_model

    model = scripted("Lukashenko is al 26 jaar aan de macht [1]. Hij is 90 jaar oud [1].")
    out = io.StringIO()
    session = Session(with_model(engine, model), out=out, color=False)
    session.handle("Hoe lang is Lukashenko al aan de macht?")
    text = out.getvalue()
    assert text.startswith("Lukashenko is al 26 jaar aan de macht [1].")
    assert "90 jaar" not in text and "Bronnen:" in text and "weggelaten: 1" in text


def test_a_refusal_shows_the_nearest_passages_as_related_and_arrow_up_recalls_exactly(repl_env):
    child = spawn(repl_env)
    out = say(child, "What is the capital of France?")
    assert "The article does not say." in out
    assert "What comes closest (not the source of an answer)" in out and "[1]" not in out
    out = say(child, ":sources")
    assert "paragraph" in out and "No sources yet" not in out
    # Arrow-up twice brings back the first question exactly: the prompt's colour codes take no room.
    child.send("\x1b[A\x1b[A")
    child.sendline("")
    child.expect(PROMPT)
    assert "What is the capital of France?" in child.before and ":sources?" not in child.before
    child.sendeof()
    child.expect(pexpect.EOF)


@pytest.fixture
def stalling_llm_server():
    """An OpenAI-compatible endpoint (standing in for a hosted model) whose first answer never comes and
    whose later ones fail at once: slow, then down."""
    import http.server
    import threading

    calls = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            calls.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if len(calls) == 1:
                time.sleep(60)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_ctrl_c_cancels_a_slow_answer_not_the_repl(repl_env, stalling_llm_server):
    child = spawn(repl_env, "--llm", "openai", "--llm-base-url", stalling_llm_server, "--llm-timeout", "50")
    child.sendline("Hoe lang is Lukashenko al aan de macht?")
    child.expect(r"\.\.\.")  # a sign of life while the model is slow
    child.sendintr()
    child.expect("answer cancelled")
    child.expect(PROMPT)
    out = say(child, "Hoe lang is Lukashenko al aan de macht?")  # the model is down now: quoted answer
    assert "26 jaar" in out and "taalmodel antwoordde niet" in out
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_banner_wraps_between_words(repl_env):
    child = spawn(repl_env, columns=60)
    banner = re.sub(r"\x1b\[[0-9;]*m", "", child.before)
    lines = [line for line in banner.splitlines() if line.strip()]
    assert all(len(line) <= 60 for line in lines)
    assert "[extractive]" not in banner  # no jargon tag
    child.sendeof()
    child.expect(pexpect.EOF)


def test_short_answer_first_in_bold_then_sources_and_see_also_kept_apart(repl_env):
    child = spawn(repl_env)
    out = say(child, "Hoe lang is Lukashenko al aan de macht?")
    first = next(line for line in out.splitlines()[1:] if line.strip())
    assert "26 jaar" in first and "\033[1m" in first  # the exact words lead, in bold
    out = say(child, ":sources")
    cited, _, rest = out.partition("Zie ook:")
    assert "Bronnen:" in cited and "[1]" in cited and rest  # see-also under its own heading
    assert "[1]" not in rest and "[2]" in rest
    child.sendeof()
    child.expect(pexpect.EOF)


def test_a_subheading_stands_on_its_own_line_in_the_full_sources(repl_env):
    child = spawn(repl_env, columns=120)
    say(child, "Waar begon de demonstratie van zaterdag?")
    out = re.sub(r"\x1b\[[0-9;]*m", "", say(child, ":sources"))
    lines = [line.strip() for line in out.splitlines()]
    assert "Opnieuw duizenden mensen de straat op" in lines  # a line of its own, not run into its paragraph
    child.sendeof()
    child.expect(pexpect.EOF)
