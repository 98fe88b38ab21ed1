"""Terminal: how an answer and its sources look in a terminal, with or without colour."""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import textwrap
import threading

from qa import lang
from qa.answering.answer import Answer
from qa.settings import color_allowed
from qa.text import opening_words

# Control characters in an article (or a file name) would be obeyed by the terminal, not shown: an escape
# sequence can clear the screen, retitle the window or hide text, a carriage return can overwrite a line,
# and the explicit bidirectional marks can reorder it. Each becomes U+FFFD, one character for one, so
# offsets into the text stay right. Newlines and tabs are text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, one_line: bool = False) -> str:
    """`text` with every character a terminal would obey rather than show replaced by U+FFFD; with
    `one_line`, its line breaks and tabs too (a file name in a listing)."""
    text = _CONTROL.sub("\ufffd", text)
    return re.sub("[\n\t]", "\ufffd", text) if one_line else text


class PrintableFormatter(logging.Formatter):
    """Log lines name files and quote articles: shown, never obeyed (see `printable`)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def _printable_answer(answer: Answer) -> Answer:
    """A copy of `answer` whose every piece of text is `printable`."""
    def clean(item):
        return dataclasses.replace(item, **{f.name: printable(getattr(item, f.name)) for f in dataclasses.fields(item)
                                            if isinstance(getattr(item, f.name), str)})

    return dataclasses.replace(clean(answer), citations=[clean(c) for c in answer.citations],
                               related=[clean(c) for c in answer.related])


class Style:
    """ANSI styles, or none when `color` is False."""

    def __init__(self, color: bool):
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def quote(self, text: str) -> str:
        return self._wrap("1;33", text)

    def marker(self, text: str) -> str:
        return self._wrap("36", text)

    def refusal(self, text: str) -> str:
        return self._wrap("35", text)


def use_color(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return hasattr(stream, "isatty") and stream.isatty() and color_allowed()


def width() -> int:
    return max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))


def _fill(text: str, indent: str, columns: int) -> str:
    return textwrap.fill(" ".join(text.split()), columns, initial_indent=indent, subsequent_indent=indent)


ARTICLE_NAME_CHARS = 60  # a terminal line names the article and still fits beside its paragraph and date


def _article_name(citation) -> str:
    return opening_words(citation.article or citation.title or citation.source, ARTICLE_NAME_CHARS)


def source_line(citation, language: str) -> str:
    label = lang.get(language).LABELS["paragraph"]
    where = f"{_article_name(citation)}, {label} {citation.paragraph}"
    return f"{where} ({citation.date})" if citation.date else where


def _see_also(related, language: str) -> str:
    """Related passages grouped by article, each article named once: "file: [2] alinea 5, [3] alinea 6"."""
    label = lang.get(language).LABELS["paragraph"]
    groups: dict[str, list[str]] = {}
    for c in related:
        groups.setdefault(_article_name(c), []).append(f"[{c.n}]\u00a0{label}\u00a0{c.paragraph}")  # wraps whole
    return "; ".join(f"{article}: {', '.join(entries)}" for article, entries in groups.items())


def format_text(answer: Answer, style: Style, columns: int | None = None) -> str:
    """The answer's text alone, markers coloured, wrapped to the terminal."""
    return _text(_printable_answer(answer), style, columns or width())


def _text(answer: Answer, style: Style, columns: int) -> str:
    """`format_text` of an answer already made printable."""
    if not answer.answerable:
        return style.refusal(_fill(answer.text, "", columns))
    body = _fill(answer.text, "", columns)
    for c in answer.citations:
        body = body.replace(f"[{c.n}]", style.marker(f"[{c.n}]"))
    if answer.short and answer.citations:  # the exact words first, in bold; the sentence that says them below
        return f"{style.bold(_fill(answer.short, '', columns))}\n{body}"
    return body


def format_answer(answer: Answer, style: Style, full: bool = False, columns: int | None = None,
                  text: bool = True) -> str:
    """The answer (unless `text` is False), then each source with its supporting sentence (or the
    whole passage when `full`), then what the language model's verifier removed, if anything."""
    columns = columns or width()
    answer = _printable_answer(answer)
    lines = [_text(answer, style, columns)] if text else []
    if answer.notice:
        lines.append(style.dim(_fill(answer.notice, "", columns)))
    if answer.dropped:
        lines.append(style.dim(f"({lang.get(answer.language).LABELS['dropped']}: {len(answer.dropped)})"))
    labels = lang.get(answer.language).LABELS
    if not answer.answerable:
        if answer.related:
            # The nearest passages, for the reader to judge: related, not support.
            lines += ["", style.dim(labels["near"] + ":")]
            for c in answer.related[:3]:
                lines.append(style.dim(f"- {source_line(c, answer.language)}"))
                lines.append(style.dim(_fill(c.quote if not full else c.text, "    ", columns)))
        return "\n".join(lines)
    cited = [c for c in answer.citations if f"[{c.n}]" in answer.text]
    related = [c for c in answer.citations if c not in cited]
    if not answer.citations:  # an answer from the article's metadata (its date, its author) cites no passage
        return "\n".join(lines)
    lines += ["", style.bold(labels["sources"] + ":")]
    for c in cited:
        lines.append(f"{style.marker(f'[{c.n}]')} {style.dim(source_line(c, answer.language))}")
        if full:
            lines.append(_passage(c.text, style, columns, (c.quote_start - c.start, c.quote_end - c.start)))
        else:
            lines.append(style.quote(_fill(c.quote, "    ", columns)))
    if related and not full:
        see_also = textwrap.fill(f"{labels['see_also']}: {_see_also(related, answer.language)}", columns,
                                 break_long_words=False, break_on_hyphens=False)
        lines.append(style.dim(see_also.replace("\u00a0", " ")))
    elif related:
        # Passages found but not cited are not support: apart, under their own heading.
        lines += ["", style.bold(labels["see_also"] + ":")]
        for c in related:
            lines.append(f"{style.marker(f'[{c.n}]')} {style.dim(source_line(c, answer.language))}")
            lines.append(_passage(c.text, style, columns))
    return "\n".join(lines)


def _passage(text: str, style: Style, columns: int, mark: tuple[int, int] | None = None) -> str:
    """A whole passage, indented; a subheading folded into it stands on a line of its own, in bold,
    not run into the paragraph ("Opnieuw duizenden mensen de straat op Duizenden mensen gingen…")."""
    head, gap, body = text.partition("\n\n")
    heading = ""
    if gap and body.strip() and not head.rstrip().endswith((".", "!", "?", ":", '"', "”")) and len(head) < 120:
        heading, text = head.strip(), body
        if mark:
            mark = (mark[0] - len(head) - len(gap), mark[1] - len(head) - len(gap))
    if mark and 0 <= mark[0] <= mark[1] <= len(text):
        text = f"{text[:mark[0]]}\x00{text[mark[0]:mark[1]]}\x01{text[mark[1]:]}"
    wrapped = _fill(text, "    ", columns).replace("\x00", "\033[1;33m" if style.color else "").replace(
        "\x01", "\033[0m" if style.color else "")
    return (f"    {style.bold(heading)}\n" if heading else "") + wrapped


class Spinner:
    """A sign of life while a slow answer is prepared: dots on the current line, cleared by `stop()`.

    Args:
        out: the terminal stream.
        interval: seconds between frames.
    """

    FRAMES = (".  ", ".. ", "...", " ..", "  .", "   ")

    def __init__(self, out, interval: float = 0.25):
        self.out = out
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        frame = 0
        while not self._stopped.wait(self.interval if frame else 0):
            self.out.write("\r" + self.FRAMES[frame % len(self.FRAMES)])
            self.out.flush()
            frame += 1

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()
        self.out.write("\r   \r")
        self.out.flush()
