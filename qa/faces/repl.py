"""REPL: a terminal chat over the engine, with line editing, history and the last answer's sources."""

from __future__ import annotations

import logging
import sys
import textwrap

from qa import lang
from qa.answering.chat import Engine, QuestionError, Turn
from qa.faces import terminal
from qa.settings import Settings, history_file

log = logging.getLogger(__name__)

COMMANDS = lang.INTERFACE.COMMANDS
_SAY = lang.INTERFACE.TERMINAL
_ALIASES = {":bronnen": ":sources", ":help": ":help", ":h": ":help", "?": ":help", "quit": "exit", ":quit": "exit",
            ":exit": "exit", ":q": "exit"}


class Session:
    """One conversation in the terminal: the engine, the history and the last answer.

    Args:
        engine: the question-answering engine.
        out: where to write (stdout).
        color: whether to use ANSI colours.
    """

    def __init__(self, engine: Engine, out=sys.stdout, color: bool = False, articles: list[str] | None = None):
        self.engine = engine
        self.articles = articles  # answer only from these (--article), or from all
        self.out = out
        self.style = terminal.Style(color)
        self.history: list[Turn] = []
        self.last = None

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def banner(self) -> str:
        docs = self.engine.documents
        names = terminal.printable(", ".join(f"{d.headline} ({d.date})" if d.date else d.headline for d in docs[:3]))
        more = _SAY["and_more"].format(n=len(docs) - 3) if len(docs) > 3 else ""
        heading = _SAY["heading_many" if len(docs) > 1 else "heading"]
        if not docs:
            names = _SAY["no_articles"]

        # Wrapped here, between words: a terminal wraps long lines in the middle of one.
        def wrap(text: str) -> list[str]:
            return textwrap.wrap(text, terminal.width(), break_long_words=False, break_on_hyphens=False)

        lines = wrap(f"{heading} {names}{more}")
        lines[0] = lines[0].replace(heading, self.style.bold(heading), 1)
        if self.engine.chat_model is not None:  # in words a reader knows, not the generator's tag
            lines += [self.style.dim(line) for line in wrap(_SAY["llm"])]
        lines += wrap(lang.both("TERMINAL", "ask_in"))
        lines += [self.style.dim(line) for line in wrap(_SAY["keys"])]
        return "\n".join(lines)

    def handle(self, line: str) -> bool:
        """Act on one input line; returns False when the user wants to leave."""
        text = line.strip()
        if not text:
            return True
        command = text.lower()
        if command.startswith("/") and " " not in command:  # "/quit", as other chat programs spell commands
            command = ":" + command[1:]
        command = _ALIASES.get(command, command)
        if command == "exit":
            return False
        if command.startswith(":") and " " not in command:
            self.command(command)
            return True
        waiting = terminal.Spinner(self.out) if self.engine.chat_model is not None and self.style.color else None
        try:
            reply, streamed = None, False
            if waiting:
                waiting.start()
            for event in self.engine.stream(text, self.history, self.articles):
                if waiting:
                    waiting.stop()
                if isinstance(event, str):  # a verified sentence of a generated answer, shown at once
                    self.out.write(terminal.printable(event) + " ")
                    self.out.flush()
                    streamed = True
                else:
                    reply = event
        except KeyboardInterrupt:  # Ctrl-C cancels this answer, not the REPL (as `llm chat` does)
            if waiting:
                waiting.stop()
            self.say(self.style.dim("^C (answer cancelled)"))
            return True
        except QuestionError as error:
            self.say(self.style.refusal(f"{error.for_user}."))
            return True
        except Exception as error:  # the REPL must keep going whatever one question does
            if waiting:
                waiting.stop()
            log.debug("answer failed", exc_info=True)
            self.say(self.style.refusal(terminal.printable(f"Sorry, that question failed: {error}")))
            return True
        self.last = reply.answer
        self.history += [Turn("user", text), Turn("assistant", reply.answer.text)]
        if streamed:
            self.say()
        self.say(terminal.format_answer(reply.answer, self.style, text=not streamed))
        self.say()
        return True

    def command(self, command: str) -> None:
        if command == ":help":
            for name, text in COMMANDS.items():
                self.say(f"  {name:<10} {text}")
        elif command == ":sources":
            if self.last is None or not (self.last.citations or self.last.related):
                self.say(_SAY["no_sources"])
            else:
                self.say(terminal.format_answer(self.last, self.style, full=True))
        elif command == ":reset":
            self.history, self.last = [], None
            self.say(lang.both("TERMINAL", "forgotten"))
        else:
            self.say(_SAY["unknown"].format(command=command) + ", ".join(COMMANDS))


def _setup_readline():
    try:
        import readline
    except ImportError:  # not on every platform; the REPL works without it
        return None
    path = history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            readline.read_history_file(path)
    except OSError as error:
        log.warning("cannot read prompt history %s: %s", path, error)
    readline.set_history_length(1000)
    return readline, path


def interactive(session: Session) -> int:
    editing = _setup_readline()
    session.say(session.banner())
    # readline must know the colour codes take no room (\001…\002), or arrow-up garbles the line.
    prompt = "\001\033[1m\002? \001\033[0m\002" if session.style.color else "? "
    try:
        while True:
            try:
                line = input(prompt)
            except KeyboardInterrupt:  # Ctrl-C drops the half-typed line, not the program
                session.say("^C")
                continue
            except EOFError:
                session.say()
                return 0
            if not session.handle(line):
                if editing and editing[0].get_current_history_length():
                    # Leaving is not worth recalling: arrow-up should bring back the last question.
                    editing[0].remove_history_item(editing[0].get_current_history_length() - 1)
                return 0
    finally:
        if editing:
            readline, path = editing
            try:
                readline.write_history_file(path)
            except OSError as error:
                log.warning("cannot save prompt history %s: %s", path, error)


def piped(session: Session, lines) -> int:
    """Each input line is a question; answers only, no prompts or colour; exit 0 at the end."""
    for line in lines:
        if not session.handle(line):
            break
    return 0


def main(settings: Settings, articles: list[str] | None = None) -> int:
    tty = sys.stdin.isatty()
    engine = Engine.open(settings, progress=sys.stderr.isatty())
    if articles:
        engine.resolve(articles)  # an unknown name stops here, before the first question
    if not tty:
        return piped(Session(engine, color=False, articles=articles), sys.stdin)
    return interactive(Session(engine, color=terminal.use_color(sys.stdout), articles=articles))
