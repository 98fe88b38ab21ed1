"""How common a word is in each language: its Zipf frequency, from wordfreq's lists (data CC BY-SA 4.0, Robyn
Speer and contributors), kept as one small text file per language (`frequent-<code>.txt`, written by
`python -m qa.lang.frequency`, which needs wordfreq from requirements-dev.txt).

A question none of whose words is in the articles nor common in its language ("xyzzy", "Wat is een
flurbel?") is about nothing the articles hold (`qa.answering.answer.names_nothing_there`). The file holds only the
common words, so that reading it costs milliseconds where loading wordfreq itself costs about a second.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from qa.text import fold

FOLDER = Path(__file__).parent
COMMON = 3.5  # Zipf frequency (log10 of uses per billion words) from which a word is kept: ~15,000 a language


def _path(code: str) -> Path:
    return FOLDER / f"frequent-{code}.txt"


@functools.lru_cache(maxsize=None)
def _table(code: str) -> dict[str, float]:
    try:
        lines = _path(code).read_text("utf-8").splitlines()
    except OSError:
        return {}  # no list for this language: every word counts as rare
    table = {}
    for line in lines:
        word, _, zipf = line.rpartition(" ")
        table[word] = float(zipf)
    return table


def zipf(word: str, code: str) -> float:
    """The Zipf frequency of a folded word in language `code`; 0 for a rare one."""
    return _table(code).get(word, 0.0)


def write(code: str) -> Path:
    """Write language `code`'s list of common words from wordfreq (a fitting-time dependency only)."""
    import wordfreq

    best: dict[str, float] = {}
    for word, share in wordfreq.get_frequency_dict(code).items():
        value = math.log10(share * 1e9)
        if value >= COMMON:
            folded = fold(word)
            best[folded] = max(best.get(folded, 0.0), round(value, 1))
    path = _path(code)
    path.write_text("".join(f"{w} {z}\n" for w, z in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))),
                    "utf-8")
    return path


if __name__ == "__main__":
    from qa import lang

    for code in lang.LANGUAGES:
        print(f"wrote {write(code)}")
