"""PDF files: the text layer through pypdf, in reading order, lines joined into paragraphs."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from qa.archive.ingest import furniture
from qa.archive.ingest.extracted import Extracted, IngestError

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


# What reading one PDF may cost. It runs in a child process, so a hostile file (a stream that inflates to
# gigabytes, a thousand pages sharing one slow stream) costs the server neither memory nor a stuck worker.
PDF_SECONDS = 60.0
PDF_MAX_PAGES = 1_000
PDF_MAX_STREAM_BYTES = 20_000_000  # decoded bytes of one content stream; a news page has well under 1 MB
PDF_MEMORY_BYTES = 1_500_000_000  # the child's address space


def extract(data: bytes, timeout: float = PDF_SECONDS, max_pages: int = PDF_MAX_PAGES,
            max_stream_bytes: int = PDF_MAX_STREAM_BYTES) -> Extracted:
    """The text of a PDF, page after page, with its title and author from the document's metadata (not
    its creation date, which is when the file was made, not when the article appeared). Read in a child
    process held to `timeout` seconds, `max_pages` pages and `max_stream_bytes` per decoded stream.

    Raises:
        IngestError: not a readable PDF, encrypted, no text layer (a scan), or over a limit (which one).
    """
    root = str(Path(__file__).resolve().parents[3])
    command = [sys.executable, "-c", "from qa.archive.ingest.pdf import _child; _child()", str(max_pages),
               str(max_stream_bytes)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout,
                              env={**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")})
    except subprocess.TimeoutExpired:
        raise IngestError(f"reading the PDF took over {timeout:g} s, the limit for one file") from None
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        reason = "out of memory" if b"MemoryError" in done.stderr else f"exit code {done.returncode}"
        raise IngestError(f"not a readable PDF (the reader stopped: {reason})") from None
    if "error" in result:
        raise IngestError(result["error"])
    return Extracted(result["text"], title=result["title"], author=result["author"])


def _child() -> None:
    """The child's side of `extract`: the PDF on stdin, one JSON object on stdout."""
    # The memory limit is set here, by the child itself: a `preexec_fn` runs Python between fork and exec,
    # which can deadlock or abort when the parent has other threads (a web server always has).
    resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY_BYTES, PDF_MEMORY_BYTES))
    max_pages, max_stream_bytes = int(sys.argv[1]), int(sys.argv[2])
    try:
        found = _read(sys.stdin.buffer.read(), max_pages, max_stream_bytes)
        result = {"text": found.text, "title": found.title, "author": found.author}
    except IngestError as error:
        result = {"error": str(error)}
    except MemoryError:
        result = {"error": "not a readable PDF (it needs more memory than one file may have)"}
    sys.stdout.write(json.dumps(result))


def _read(data: bytes, max_pages: int, max_stream_bytes: int) -> Extracted:
    from pypdf import PdfReader, overwrite_configuration
    from pypdf.errors import LimitReachedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    limits = ("zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
              "array_based_stream_maximum_output_length", "jbig2_maximum_output_length")
    overwrite_configuration(**{name: max_stream_bytes for name in limits})
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError("this PDF is encrypted")
        if len(reader.pages) > max_pages:
            raise IngestError(f"the PDF has {len(reader.pages):,} pages, over the limit of {max_pages:,} for one file")
        pages = []
        for page in reader.pages:
            # Layout mode keeps the vertical gap between paragraphs as a blank line.
            text = page.extract_text(extraction_mode="layout") or ""
            lines = [" ".join(line.split()) for line in text.split("\n")]
            pages.append(["" if _PAGE_NUMBER.match(line) else line for line in lines])
        # A paragraph may run on over a page break: the pages' lines are joined once the furniture is out.
        meta = reader.metadata or {}
        paragraphs = _paragraphs([line for page in furniture.strip(pages, str(meta.get("/Title") or ""))
                                  for line in page])
    except IngestError:
        raise
    except LimitReachedError:
        raise IngestError(f"a stream in the PDF inflates past the {max_stream_bytes // 1_000_000} MB limit "
                          "for one stream") from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise IngestError(f"not a readable PDF ({type(error).__name__})") from None
    if not "".join(paragraphs).strip():
        raise IngestError("this PDF has no text layer (a scan or images only); nothing to answer from")
    title = str(meta.get("/Title") or "").strip()
    # A printed page's title is "Headline | Site"; the headline then opens the text, and is the title.
    if title and " ".join(furniture.headline(title).casefold().split()) == " ".join(paragraphs[0].casefold().split()):
        title, paragraphs = paragraphs[0], paragraphs[1:]
    return Extracted("\n\n".join(paragraphs), title=title, author=str(meta.get("/Author") or "").strip())
