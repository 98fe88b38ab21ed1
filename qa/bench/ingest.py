"""Ingest figures: how well article text is extracted from news pages, and how long an added article
takes to its first answer."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from qa.answering.chat import Engine
from qa.archive import articles
from qa.archive.ingest import extract
from qa.archive.library import Library
from qa.archive.passages import split_sentences
from qa.bench import print_table, sets
from qa.settings import Settings

PAGES = sets.DATA / "pages"
# News pages printed to PDF by Chromium (its print header and URL line included), beside the HTML they were
# printed from, whose `data-truth` marks are their ground truth.
PRINTED = sets.DATA / "print"
# Printed pages of six other site layouts, made after the rules were written and never used to change them.
HELD_OUT = sets.DATA / "print-heldout"


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def truth(html: bytes) -> tuple[list[str], list[str]]:
    """The sentences a page marks as article (`data-truth="article"`) and as boilerplate
    (`data-truth="boilerplate"`); the marks are for this measurement only, extraction never sees them."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    found: dict[str, list[str]] = {"article": [], "boilerplate": []}
    for element in tree.xpath("//*[@data-truth]"):
        for block in element.xpath(".//p|.//li|.//a|.//h2|.//h3|.//figcaption|.//span") or [element]:
            text = " ".join(block.text_content().split())
            found[element.get("data-truth")] += [text[s:e] for s, e in split_sentences(text)]
    # A sentence has three words at least: a lone menu item ("Sport") is in any text.
    return [[s for s in dict.fromkeys(found[key]) if len(s.split()) >= 3] for key in ("article", "boilerplate")]


def extraction_quality(pages: list[Path]) -> list[dict]:
    """Per page: the share of article sentences kept and of boilerplate sentences dropped."""
    rows = []
    for page in pages:
        data = page.read_bytes()
        article, boilerplate = truth(page.with_suffix(".html").read_bytes())
        text = _normal(extract(page.name, data).text)
        kept = sum(_normal(s) in text for s in article) / len(article)
        dropped = sum(_normal(s) not in text for s in boilerplate) / len(boilerplate)
        rows.append({"page": page.name, "article sentences": len(article), "kept": kept,
                     "boilerplate sentences": len(boilerplate), "dropped": dropped})
    return rows


def twenty_page_pdf(path: Path, pages: int = 20) -> Path:
    """A PDF of `pages` pages of real Dutch text (XQuAD-nl articles), made with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("XQuAD-nl articles as one report")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for source in sorted((sets.XQUAD_DIR / "docs").glob("*.txt")):
        for paragraph in source.read_text("utf-8").split("\n\n"):
            # The core fonts hold Latin-1; the few characters beyond it are left out of the test text.
            pdf.multi_cell(0, 5.5, paragraph.strip().encode("latin-1", "ignore").decode("latin-1"))
            pdf.ln(3)
            if pdf.page_no() > pages:
                break
        if pdf.page_no() > pages:
            break
    pdf.output(str(path))
    return path


def upload_to_answer(settings: Settings) -> list[dict]:
    """Seconds from handing an article to the engine to its first answer: a seed-sized text and a 20-page
    PDF, each added to an index of one other article (the embedding is most of it)."""
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        seed = next(sets.SEED_DIR.glob("*.txt"))
        pdf = twenty_page_pdf(scratch / "rapport-20-paginas.pdf")
        for name, data, question in ((seed.name, seed.read_bytes(), "Hoe lang is Lukashenko al aan de macht?"),
                                     (pdf.name, pdf.read_bytes(), "Wat is de Super Bowl?")):
            docs = sets.materialise("xquad", scratch / f"{name}-run" / "docs")
            for extra in sorted(docs.glob("*.txt"))[1:]:
                extra.unlink()
            engine = Engine.open(settings.replace(docs_dir=docs, index_dir=scratch / f"{name}-run" / "index"),
                                 rebuild=True, progress=False)
            started = time.perf_counter()
            document, passages = Library(engine).add(lambda existing: articles.add_file(
                engine.settings.uploads, name, data, existing, engine.settings))
            added = time.perf_counter() - started
            engine.ask(question, articles=[document.source])
            rows.append({"set": name[:16], "split": f"{len(data) // 1000} kB", "passages": passages,
                         "sentences embedded": engine.status.embedded_sentences,
                         "add s": added, "to first answer s": time.perf_counter() - started})
    return rows


def main(settings: Settings) -> int:
    """`python app.py bench --ingest`: extraction quality on the sample pages, then upload-to-answer times."""
    for label, pages in (("HTML pages", sorted(PAGES.glob("*.html"))), ("printed PDFs", sorted(PRINTED.glob("*.pdf"))),
                         ("held-out printed PDFs", sorted(HELD_OUT.glob("*.pdf")))):
        rows = extraction_quality(pages)
        print(f"{'page':34}{'article sentences kept':>26}{'furniture dropped':>22}")
        for row in rows:
            print(f"{row['page']:34}{row['kept']:>18.3f} of {row['article sentences']:<4}"
                  f"{row['dropped']:>14.3f} of {row['boilerplate sentences']:<4}")
        kept = sum(r["kept"] * r["article sentences"] for r in rows) / sum(r["article sentences"] for r in rows)
        dropped = sum(r["dropped"] * r["boilerplate sentences"] for r in rows) / sum(r["boilerplate sentences"] for r in rows)
        print(f"{'all ' + label:34}{kept:>18.3f}{dropped:>22.3f}\n")
    print_table(upload_to_answer(settings))
    return 0
