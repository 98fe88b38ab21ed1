"""What every reader of a format gives back (`Extracted`), and how it says no (`IngestError`)."""

from __future__ import annotations

from dataclasses import dataclass


def megabytes(size: int) -> str:
    """A byte count as a reader reads a limit: "20 MB", "0.5 MB"."""
    return f"{size / 1e6:.3g} MB"


class IngestError(ValueError):
    """A file, text or link that cannot become an article; the message says why, for the user."""


@dataclass(frozen=True)
class Extracted:
    """An article's text and what its source said about it (any field may be "")."""

    text: str
    title: str = ""
    date: str = ""
    author: str = ""
    url: str = ""

    def as_article(self) -> str:
        """The article as a text file: front matter (title, date, author, url), a blank line, the body."""
        fields = [(k, " ".join(v.split())) for k, v in
                  (("title", self.title), ("date", self.date), ("author", self.author), ("url", self.url)) if v]
        body = self.text.strip() + "\n"
        if not fields:
            return body
        return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields) + "---\n\n" + body
