"""Saved web pages: the article body through trafilatura, without navigation, ads and comments."""

from __future__ import annotations

import json
import logging

from qa.archive.ingest.extracted import Extracted, IngestError


def extract(data: bytes, url: str = "") -> Extracted:
    """The article in a page's HTML, with the title, date and author its metadata gives.

    Raises:
        IngestError: the page holds no article body.
    """
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it warns about every short page
    found = trafilatura.extract(data, url=url or None, output_format="json", with_metadata=True,
                                include_comments=False, include_tables=False, favor_precision=True)
    if not found:
        raise IngestError("no article body found in this web page")
    fields = json.loads(found)
    # trafilatura ends each paragraph with one newline; articles here separate them by a blank line.
    paragraphs = [line.strip() for line in (fields.get("text") or "").split("\n") if line.strip()]
    title = fields.get("title") or ""
    if paragraphs and title and " ".join(paragraphs[0].split()) == " ".join(title.split()):
        paragraphs = paragraphs[1:]  # the headline, which the title already holds
    return Extracted("\n\n".join(paragraphs), title=title, date=(fields.get("date") or "")[:10],
                     author=fields.get("author") or "", url=url)
