"""Ingest: saved news pages, PDF files, pasted text and odd files become article text, or a clear refusal."""


import pytest

from qa.archive.ingest import IngestError, extract, pasted
from qa.bench.ingest import PAGES, extraction_quality, truth


def make_pdf(path, paragraphs, title="", lines=()):
    """A real PDF (fpdf2): each paragraph wrapped by the page width, then `lines` set one per line."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    for line in lines:
        pdf.cell(0, 6, line)
        pdf.ln(6)
    pdf.output(str(path))
    return path


def test_a_news_page_gives_its_article_not_its_navigation_ads_or_comments():
    page = PAGES / "nu-verkiezingen.html"
    extracted = extract(page.name, page.read_bytes())
    article, boilerplate = truth(page.read_bytes())
    assert extracted.title == "Opkomst bij gemeenteraadsverkiezingen lager dan vier jaar geleden"
    assert extracted.date == "2022-03-17"
    for sentence in article:
        assert sentence in extracted.text
    for sentence in boilerplate:  # menus, the ad, "most read", three reader comments, the footer
        assert sentence not in extracted.text
    assert "\n\n" in extracted.text  # paragraphs stay paragraphs


def test_every_sample_page_keeps_its_article_and_drops_nearly_all_boilerplate():
    rows = extraction_quality(sorted(PAGES.glob("*.html")))
    assert len(rows) >= 4
    assert all(row["kept"] == 1.0 for row in rows)
    assert sum(row["dropped"] for row in rows) / len(rows) >= 0.9


def test_a_pdf_gives_its_text_in_order_with_paragraphs_and_hyphenation_joined(tmp_path):
    path = make_pdf(tmp_path / "vliegtaks.pdf", [
        "Het kabinet wil de belasting op vliegtickets volgend jaar verhogen van 26 naar 29 euro per ticket. "
        "Dat staat in de plannen die minister Jansen dinsdag presenteerde aan de Tweede Kamer en die "
        "volgende week in stemming komen.",
        "Reisorganisaties reageren teleurgesteld. Volgens hen kiezen reizigers straks voor vliegvelden in "
        "Belgie en Duitsland, waar de taks lager is."],
        title="Vliegtaks omhoog",
        lines=["De opbrengst gaat naar het spoor, zegt de vak-", "bond; de Wit-", "Russische grens blijft dicht."])
    extracted = extract(path.name, path.read_bytes())
    assert extracted.title == "Vliegtaks omhoog" and extracted.date == ""  # no creation date posing as one
    paragraphs = extracted.text.split("\n\n")
    assert paragraphs[0].startswith("Het kabinet") and "Tweede Kamer en die volgende week" in paragraphs[0]
    assert paragraphs[1].startswith("Reisorganisaties")
    assert "zegt de vakbond; de Wit-Russische grens" in extracted.text


def test_a_pdf_without_a_text_layer_is_refused(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a scan: only a picture
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(IngestError, match="no text layer"):
        extract("scan.pdf", (tmp_path / "scan.pdf").read_bytes())


@pytest.mark.parametrize("name, data, reason", [
    ("leeg.txt", b"", "empty"),
    ("spaties.txt", b"  \n\t\n", "empty"),
    ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "it is a PNG image"),
    ("archief.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4, "it is a zip archive"),
    ("programma", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "it is a program"),
    ("ruis.bin", bytes(range(32)) * 100, r"not a text, web page or PDF file$"),
    ("kapot.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", "PDF"),
    ("menu.html", b"<html><body><nav><a href='/'>Home</a> <a href='/x'>Sport</a></nav></body></html>", "no article"),
    ("kort.txt", b"Te kort.", "too little text"),
])
def test_files_that_are_no_article_are_refused_with_the_reason(name, data, reason):
    with pytest.raises(IngestError, match=reason):
        extract(name, data)


def test_text_in_a_legacy_encoding_is_read_in_that_encoding():
    text = "Café De Zwaan in Zeeland heropent na één jaar verbouwing; de eigenaar is dolblij met het resultaat."
    assert extract("cafe.txt", text.encode("cp1252")).text == text


def test_pasted_text_needs_a_few_sentences_and_keeps_its_title():
    with pytest.raises(IngestError):
        pasted("   kort  ")
    article = pasted("Een tekst die lang genoeg is om een artikel te zijn. " * 3, " Mijn titel ")
    assert article.title == "Mijn titel"
    assert article.as_article().startswith("---\ntitle: Mijn titel\n---\n\nEen tekst")


def test_a_hostile_pdf_stops_at_a_named_limit_and_costs_the_server_no_memory():
    import resource

    from qa.archive.ingest import pdf
    from tests.ingest.bombs import bomb_pdf

    bomb, thick, slow = bomb_pdf(200_000_000), bomb_pdf(1000, pages=1001), bomb_pdf(15_000_000, pages=40)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(IngestError, match="inflates past the 20 MB limit"):
        extract("bom.pdf", bomb)  # 200 MB of spaces in a 200 KB file
    with pytest.raises(IngestError, match="1,001 pages, over the limit of 1,000"):
        extract("dik.pdf", thick)
    with pytest.raises(IngestError, match="took over 2 s"):  # forty pages share one slow 15 MB stream
        pdf.extract(slow, timeout=2)
    # The reading happened in a child process: this one's peak memory grew by far less than a stream.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # kB
