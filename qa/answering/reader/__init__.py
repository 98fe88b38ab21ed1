"""The extractive reader: reads a question with candidate sentences, finds each one's best span and its
"no answer" score. One small interface, one registry: "e5" (trained here, shipped in the repo) and any
stand-in a test registers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from qa.answering.reader import model
from qa.answering.reader.model import Reading


class Reads(Protocol):
    """A reader: `read(question, sentences)` -> one `Reading` per sentence, in order."""

    def read(self, question: str, sentences: list[str]) -> list[Reading]: ...


def _e5() -> Reads:
    return model.shared()


READERS: dict[str, Callable[[], Reads]] = {"e5": _e5}
_loaded: dict[str, Reads] = {}
_loading = threading.Lock()


def register(name: str, factory: Callable[[], Reads]) -> None:
    """Make a reader available under `name` (a test's stand-in, another model)."""
    READERS[name] = factory
    _loaded.pop(name, None)


def get(name: str = "e5") -> Reads:
    """The reader called `name`, loaded once per process and kept warm.

    Raises:
        KeyError: no reader has that name.
    """
    if name not in READERS:
        raise KeyError(f"unknown reader {name!r}; known: {', '.join(sorted(READERS))}")
    with _loading:
        if name not in _loaded:
            _loaded[name] = READERS[name]()
        return _loaded[name]


def warm(name: str = "e5") -> threading.Thread:
    """Load the reader in the background (while the index opens), so the first question does not wait
    for all of it. A failure is left for the first question to report."""

    def load():
        try:
            get(name)
        except Exception:  # noqa: BLE001 - reported when a question needs the reader
            pass

    thread = threading.Thread(target=load, name="reader-warm", daemon=True)
    thread.start()
    return thread


class Remembering:
    """A reader that remembers its recent readings, so a question many readers ask about the same
    sentences is read once (as `QuestionCache` embeds it once). A reading depends only on its question
    and its sentence, so each pair is remembered on its own.

    Args:
        name: the reader (`get(name)`), loaded on the first read.
        size: how many (question, sentence) readings are kept, least recently used forgotten first;
            0 reads every time.
    """

    def __init__(self, name: str = "e5", size: int = 16384):
        self.name, self.size = name, size
        self._memory: OrderedDict[tuple[str, str], Reading] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, question: str, sentences: list[str]) -> list[Reading]:
        if self.size <= 0:
            return get(self.name).read(question, sentences)
        with self._lock:
            known = {s: self._memory[(question, s)] for s in sentences if (question, s) in self._memory}
            for s in known:
                self._memory.move_to_end((question, s))
        missing = list(dict.fromkeys(s for s in sentences if s not in known))
        if missing:
            fresh = dict(zip(missing, get(self.name).read(question, missing)))
            with self._lock:
                for s, reading in fresh.items():
                    self._memory[(question, s)] = reading
                while len(self._memory) > self.size:
                    self._memory.popitem(last=False)
            known.update(fresh)
        return [known[s] for s in sentences]


__all__ = ["READERS", "Reading", "Reads", "Remembering", "get", "register"]
