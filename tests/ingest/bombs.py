"""Hostile files, built in the test: PDFs whose content stream inflates far past any limit, or whose many
pages share one slow stream."""

import zlib


def bomb_pdf(size: int = 200_000_000, pages: int = 1, text: bytes = b"") -> bytes:
    """A PDF of `pages` pages sharing one content stream: `size` spaces (deflated about 1,000 times
    smaller), then `text` (content-stream operators, if any)."""
    stream = zlib.compress(b" " * size + text, 9)
    kids = b" ".join(b"%d 0 R" % (5 + k) for k in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
             b"/Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
