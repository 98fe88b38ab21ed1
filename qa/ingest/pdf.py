"""PDF files: the text layer through pypdf, in reading order, lines joined into paragraphs."""

from __future__ import annotations

import io
import re
import statistics

from qa.ingest.extracted import Extracted, IngestError

_PAGE_NUMBER = re.compile(r"^(?:page|pagina|p\.)?\s*\d{1,4}(?:\s*(?:of|van|/)\s*\d{1,4})?$", re.IGNORECASE)
_TERMINAL = (".", "!", "?", ":", '"', "”", "’", "'")


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines of a page joined into paragraphs: a blank line, or a short line that ends a sentence, ends
    one; a word hyphenated over a line break is joined (keeping the hyphen before a capital, as in
    "Wit-Russische")."""
    widths = [len(line) for line in lines if line.strip()]
    full = statistics.median(widths) if widths else 0
    paragraphs, current = [], ""
    for line in lines:
        line = line.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current.endswith("-") and current[-2:-1].isalpha() and line[:1].isalpha():
            current = current[:-1] + line if line[0].islower() else current + line
        else:
            current = f"{current} {line}" if current else line
        if line.endswith(_TERMINAL) and len(line) < 0.85 * full:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def extract(data: bytes) -> Extracted:
    """The text of a PDF, page after page, with its title and author from the document's metadata (not
    its creation date, which is when the file was made, not when the article appeared).

    Raises:
        IngestError: not a readable PDF, encrypted, or no text layer (a scan).
    """
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError("this PDF is encrypted")
        paragraphs = []
        for page in reader.pages:
            # Layout mode keeps the vertical gap between paragraphs as a blank line.
            text = page.extract_text(extraction_mode="layout") or ""
            lines = [" ".join(line.split()) for line in text.split("\n")]
            paragraphs += _paragraphs(["" if _PAGE_NUMBER.match(line) else line for line in lines])
        meta = reader.metadata or {}
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise IngestError(f"not a readable PDF ({type(error).__name__})") from None
    if not "".join(paragraphs).strip():
        raise IngestError("this PDF has no text layer (a scan or images only); nothing to answer from")
    return Extracted("\n\n".join(paragraphs), title=str(meta.get("/Title") or "").strip(),
                     author=str(meta.get("/Author") or "").strip())
