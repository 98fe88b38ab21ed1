"""Passages: paragraph-aligned pieces of documents, split on sentence boundaries, with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa import lang
from qa.archive.documents import Document

# A sentence ends at . ! ? (optionally closed by a quote or bracket) before white space and
# a capital, digit or opening quote. Abbreviations and initials ("dr.", "J. Smith") do not end one.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9À-Þ])""")
_ABBREVIATIONS = frozenset().union(*(m.ABBREVIATIONS for m in lang.LANGUAGES.values()))


@dataclass(frozen=True)
class Passage:
    """A citable piece of an article.

    Attributes:
        id: stable id, `<source>#<paragraph>` or `<source>#<paragraph>.<part>` for a split paragraph.
        source: the article's file name.
        paragraph: 1-based paragraph number in the article.
        start, end: character offsets into the article file; `text == file_text[start:end]`.
        text: the passage as it stands in the article.
        sentences: `(start, end)` offsets of each sentence, into the article file.
        title, date: the article's title and date (may be "").
    """

    id: str
    source: str
    paragraph: int
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]
    title: str = ""
    date: str = ""

    def sentence_text(self, index: int) -> str:
        start, end = self.sentences[index]
        return self.text[start - self.start:end - self.start]

    def to_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "paragraph": self.paragraph, "start": self.start,
                "end": self.end, "text": self.text, "sentences": [list(s) for s in self.sentences],
                "title": self.title, "date": self.date}

    @classmethod
    def from_dict(cls, data: dict) -> "Passage":
        data = dict(data)
        data["sentences"] = tuple(tuple(s) for s in data["sentences"])
        return cls(**data)


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split `text` into sentences; returns `(start, end)` offsets shifted by `offset`."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word = re.search(r"(\S+)$", text[start:match.start() + 1])
        token = word.group(1).rstrip(".!?…").lower() if word else ""
        if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token) or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", token):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    # A heading folded into its paragraph stays a sentence of its own.
    result = []
    for s, e in spans:
        for part in re.split(r"(\n\s*\n)", text[s:e]):
            if part.strip() and not part.isspace():
                ps = text.index(part, s)
                result.append((ps + offset, ps + len(part) + offset))
                s = ps + len(part)
            elif part:
                s += len(part)
    return result


def _long_sentence_pieces(text: str, start: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than `max_chars` at clause or word boundaries."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max_chars, chunk_overlap=0, separators=["; ", ", ", " "],
        keep_separator="end", add_start_index=True, strip_whitespace=False,
    )
    pieces = []
    for doc in splitter.create_documents([text]):
        s = doc.metadata["start_index"]
        piece = doc.page_content
        lead = len(piece) - len(piece.lstrip())
        pieces.append((start + s + lead, start + s + len(piece.rstrip())))
    return [p for p in pieces if p[1] > p[0]]


def _group(sentences: list[tuple[int, int]], max_chars: int) -> list[list[tuple[int, int]]]:
    """Group consecutive sentences into balanced runs of at most about `max_chars`."""
    total = sentences[-1][1] - sentences[0][0]
    if total <= max_chars:
        return [sentences]
    parts = -(-total // max_chars)
    target = total / parts
    groups, current = [], []
    for span in sentences:
        if current and (span[1] - current[0][0] > max_chars or current[-1][1] - current[0][0] >= target):
            groups.append(current)
            current = []
        current.append(span)
    groups.append(current)
    return groups


def split_document(document: Document, max_chars: int = 500) -> list[Passage]:
    """Split a document into passages: one per paragraph, or several for a long paragraph.

    Args:
        document: the parsed article.
        max_chars: a paragraph longer than this is split between sentences into balanced parts.

    Returns:
        Passages in reading order, each with the offsets of its sentences.
    """
    passages = []
    for number, block in enumerate(document.blocks, start=1):
        text = document.block_text(block)
        sentences = []
        for s, e in split_sentences(text, block.start):
            if e - s > max_chars:
                sentences.extend(_long_sentence_pieces(document.text[s:e], s, max_chars))
            else:
                sentences.append((s, e))
        groups = _group(sentences, max_chars)
        for part, group in enumerate(groups, start=1):
            start, end = group[0][0], group[-1][1]
            pid = f"{document.source}#{number}" if len(groups) == 1 else f"{document.source}#{number}.{part}"
            passages.append(Passage(
                id=pid, source=document.source, paragraph=number, start=start, end=end,
                text=document.text[start:end], sentences=tuple(group),
                title=document.title, date=document.date,
            ))
    return passages
