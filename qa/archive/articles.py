"""Articles: add a file, pasted text or a link to a folder of articles, remove one, list them.

Each addition is checked before anything is written (size, format, article text, a second copy of an
article already there), and written atomically under a safe name, so a bad upload changes nothing.
The engine notices the new file and indexes it alone (`Engine.refresh`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from qa.archive.documents import Document, parse
from qa.archive.files import atomic_write
from qa.archive.ingest import (
    PDF_SUFFIXES,
    SUFFIXES,
    Extracted,
    IngestError,
    extract,
    kind,
    megabytes,
    pasted,
)
from qa.archive.ingest.url import extract_url
from qa.settings import Settings
from qa.text import sentence_count

MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class Added:
    """What an addition wrote: the file's path and the article's name as the engine knows it
    (relative to its folder)."""

    path: Path
    name: str
    title: str


def safe_name(name: str, data: bytes = b"") -> str:
    """A file name that stays in its folder whatever `name` held: no folders (`../`, `/etc/`, `C:\\`),
    no leading dot, no control or odd characters, at most 80 characters, and an article suffix (from
    the bytes when the name has none)."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in SUFFIXES:
        stem = name
        suffix = {"pdf": "pdf", "html": "html"}.get(kind(name, data), "txt")
    stem = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip(".-_") or "article"
    return f"{stem[:MAX_NAME_CHARS]}.{suffix.lower()}"


_WORD = re.compile(r"\w+")
_OPENINGS: dict[str, tuple[str, ...]] = {}  # by file hash: an archive's are read once, not on every upload


def _opening(document: Document, count: int = 8) -> tuple[str, ...]:
    """The first `count` words of an article's body as `fingerprint` sees them (only as much text is read
    as holds them: this runs over every article on each addition)."""
    if document.sha256 in _OPENINGS:
        return _OPENINGS[document.sha256]
    found: list[str] = []
    for block in document.blocks:
        for match in _WORD.finditer(document.text, block.start, block.end):
            found.append(match.group().casefold())
            if len(found) == count:
                break
        if len(found) == count:
            break
    if document.sha256:
        _OPENINGS[document.sha256] = tuple(found)
    return tuple(found)


def fingerprint(document: Document) -> str:
    """A hash of an article's body, blind to layout, case and its title: two copies of one article
    (a saved page and its pasted text, say) share it."""
    body = " ".join(document.block_text(block) for block in document.blocks)
    return hashlib.sha256(" ".join(_WORD.findall(body.casefold())).encode()).hexdigest()


def _write(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as a new file in `folder` (renamed into place, never half-written), taking
    `name-2.txt`, `name-3.txt`… when `name` is taken."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, _, suffix = name.rpartition(".")
    path, number = folder / name, 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.{suffix}"
    atomic_write(path, lambda handle: handle.write(data))
    return path


def _check_new(text: str, existing: list[Document]) -> Document:
    """The article as a document, unless one of `existing` is the same article.

    Raises:
        IngestError: it is there already.
    """
    document = parse("new", text)
    if not document.blocks:
        raise IngestError("no article text found in it")
    mark, opening = fingerprint(document), _opening(document)
    for other in existing:
        # Two copies of an article open with the same words; only those few are hashed whole.
        if _opening(other) == opening and fingerprint(other) == mark:
            raise IngestError(f"this article is already there, as {other.headline!r}")
    return document


def _check_length(text: str, settings: Settings) -> None:
    """Refuse an article too long to index in reasonable time: over the byte or the sentence limit."""
    if len(text.encode("utf-8")) > settings.max_article_bytes:
        raise IngestError(f"the text is over the {megabytes(settings.max_article_bytes)} limit for one article")
    sentences = sentence_count(text)
    if sentences > settings.max_article_sentences:
        raise IngestError(f"the text has about {sentences:,} sentences, over the limit of "
                          f"{settings.max_article_sentences:,} for one article: add it in parts")


def read_file(path: Path, settings: Settings) -> bytes:
    """The bytes of a file to add, read only when it is within the upload cap.

    Raises:
        IngestError: no such file, or over the cap.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError("no such file")
    if path.stat().st_size > settings.max_upload_bytes:
        raise IngestError(f"the file is over the {megabytes(settings.max_upload_bytes)} limit")
    return path.read_bytes()


def add_file(folder: Path, name: str, data: bytes, existing: list[Document], settings: Settings) -> Added:
    """Add an article file (text, web page or PDF) to `folder`, as it came.

    Raises:
        IngestError: over the size cap, no article in it, or already there.
    """
    if len(data) > settings.max_upload_bytes:
        raise IngestError(f"the file is {megabytes(len(data))}, over the "
                          f"{megabytes(settings.max_upload_bytes)} limit")
    extracted = extract(name, data)
    text = extracted.text if kind(name, data) == "text" else extracted.as_article()
    _check_length(text, settings)
    document = _check_new(text, existing)
    filename = safe_name(name, data)
    if kind(name, data) == "text" and not filename.endswith((".txt", ".md")):
        filename = filename.rpartition(".")[0] + ".txt"  # text under a page's or a PDF's name
    if kind(name, data) == "pdf" and not filename.endswith(PDF_SUFFIXES):
        filename = filename.rpartition(".")[0] + ".pdf"
    path = _write(folder, filename, data)
    return Added(path, path.name, document.title or extracted.title)


def add_extracted(folder: Path, extracted: Extracted, existing: list[Document], settings: Settings,
                  name: str = "") -> Added:
    """Add pasted text or a fetched link's article to `folder`, as a text article with front matter.

    Raises:
        IngestError: too long, or already there.
    """
    text = extracted.as_article()
    _check_length(text, settings)
    document = _check_new(text, existing)
    base = name or extracted.title or document.headline
    path = _write(folder, safe_name(re.sub(r"\W+", "-", base.casefold())[:60] + ".md"), text.encode("utf-8"))
    return Added(path, path.name, document.title)


def add_text(folder: Path, text: str, title: str, existing: list[Document], settings: Settings) -> Added:
    """Add pasted text, with an optional title."""
    return add_extracted(folder, pasted(text, title), existing, settings)


def fetch_link(url: str, settings: Settings) -> Extracted:
    """Fetch a link and extract the article it holds. Call it before `qa.archive.library.Library.add` takes its
    locks (with `add_extracted` as the writer): a slow site then holds up no other upload."""
    return extract_url(url, settings.fetch_timeout, settings.max_upload_bytes, settings.allow_private_urls)


def remove(folder: Path, name: str) -> Path:
    """Delete the article file `name` (its name relative to `folder`).

    Raises:
        IngestError: no such article in `folder`.
    """
    root = folder.resolve()
    given = folder / name if name and not name.startswith(("/", "\\")) else None
    # The name the user gave is what goes: a link is removed as a link, never the article it points to.
    inside = given is not None and given.parent.resolve().is_relative_to(root) and given.name not in ("", ".", "..")
    if not inside or not (given.is_file() or given.is_symlink()) or given.suffix.lower() not in SUFFIXES:
        raise IngestError(f"no article named {name!r} in {folder}")
    given.unlink()
    return given
