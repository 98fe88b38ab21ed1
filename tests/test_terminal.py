"""How answers look in a terminal: what an article says is shown, never obeyed."""

import re

from qa.answering.answer import Answer, Citation
from qa.faces.terminal import Style, format_answer, printable

HOSTILE = "Het museum\x1b[2J in Zwolle.\x1b]0;pwned\x07 De directeur is\r Anna\u202e de Vries."


def _answer(text: str) -> Answer:
    citation = Citation(1, f"m{text[:12]}.txt", "m.txt#1", 0, len(text), text, text, 1.0, paragraph=1,
                        quote_end=len(text), article=text)
    return Answer(f"{text} [1]", True, "nl", [citation], short="Anna", related=[citation])


def test_control_characters_become_visible_one_for_one_and_lines_stay_lines():
    shown = printable(HOSTILE + "\nTweede regel\tmet tab")
    assert len(shown) == len(HOSTILE) + len("\nTweede regel\tmet tab")  # offsets into the text still hold
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", shown)
    assert "\nTweede regel\tmet tab" in shown and "Anna" in shown
    assert printable("naam\nmet regel.txt", one_line=True) == "naam\ufffdmet regel.txt"


def test_an_answer_without_colour_holds_no_escape_character_from_the_article():
    out = format_answer(_answer(HOSTILE), Style(False), full=True)
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "De directeur is" in out


def test_with_colour_the_only_escapes_are_the_styles_own():
    for full in (False, True):
        out = format_answer(_answer(HOSTILE), Style(True), full=full)
        assert "\x1b" in out  # coloured
        assert all(re.match(r"\x1b\[[0-9;]*m", out[m.start():]) for m in re.finditer("\x1b", out))
        assert "\x07" not in out and "]0;pwned\x07" not in out
