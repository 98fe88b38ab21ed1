"""Ingest: files, pasted text and links to article text (title, date, author, body), whatever the format.

`extract(name, data)` reads `.txt`/`.md` as they are, saved web pages through trafilatura and PDF files
through pypdf. What comes out of a page or a PDF is written as a text article with front matter
(`as_article`), and that text is what passages, offsets and the article view refer to.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from qa import lang
from qa.archive.ingest import html, pdf
from qa.archive.ingest.extracted import (  # the package's own, re-exported
    Extracted,
    IngestError,
    megabytes,
)

__all__ = ["Extracted", "IngestError", "megabytes", "extract", "kind", "pasted", "SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".md")
PAGE_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + PAGE_SUFFIXES + PDF_SUFFIXES
MIN_ARTICLE_CHARS = 80  # less than a sentence or two is no article


def kind(name: str, data: bytes) -> str:
    """"pdf", "html" or "text": by the bytes where they tell (a PDF or a page saved under any name), else
    by the name's suffix."""
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or name.lower().endswith(PAGE_SUFFIXES):
        return "html"
    if name.lower().endswith(PDF_SUFFIXES):
        return "pdf"
    return "text"


def extract(name: str, data: bytes, url: str = "") -> Extracted:
    """Read one file's bytes as an article.

    Args:
        name: its file name (the suffix decides when the bytes do not).
        data: its bytes.
        url: where it was fetched from, if anywhere (kept as metadata).

    Raises:
        IngestError: empty, not an article (an image, a zip, a PDF with no text layer, a page with no
            article body), or text in no encoding that fits.
    """
    if not data.strip():
        raise IngestError("the file is empty")
    found = kind(name, data)
    try:
        if found == "pdf":
            extracted = pdf.extract(data)
        elif found == "html":
            extracted = html.extract(data, url)
        else:
            extracted = _text(data)
    except IngestError:
        raise
    except Exception as error:  # a damaged or hostile file (pypdf's LimitReachedError, ...) is one bad file
        raise IngestError(f"the {found if found in ('pdf', 'html') else 'file'} could not be read "
                          f"({type(error).__name__})") from None
    if len(extracted.text.strip()) < MIN_ARTICLE_CHARS:
        raise IngestError("no article text found in it (too little text to answer from)")
    return extracted


_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_KINDS = ((b"\x7fELF", "a program"), (b"MZ", "a Windows program"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a zip archive"),
          (b"\x1f\x8b", "a gzip archive"), (b"%PDF", "a PDF"))


def _text(data: bytes) -> Extracted:
    # Images, archives, programs and other binaries are full of control bytes that no text holds.
    if len(_BINARY.findall(data[:4096])) > 8:
        kind = next((name for magic, name in _KINDS if data.startswith(magic)), "")
        raise IngestError(f"not a text, web page or PDF file{f' (it is {kind})' if kind else ''}")
    text = decode(data)
    if text is None:
        raise IngestError("not text in any encoding that fits")
    return Extracted(text.replace("\r\n", "\n"))


def decode(data: bytes) -> str | None:
    """The text of a file: UTF-8 when it is, else the encoding that fits best, the articles' language's
    legacy encodings first (Windows-1252, Latin-1); None when none fits (a binary file)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass

    # Short texts fit several code pages; the articles' own language's legacy encodings come first.
    best = from_bytes(data, cp_isolation=list(lang.ARTICLES.LEGACY_ENCODINGS)).best() or from_bytes(data).best()
    return str(best) if best is not None else None



def pasted(text: str, title: str = "") -> Extracted:
    """Text pasted by a reader, with an optional title.

    Raises:
        IngestError: too little text to be an article.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) < MIN_ARTICLE_CHARS:
        raise IngestError("paste the article's text (at least a few sentences)")
    return Extracted(text, title=(title or "").strip())
