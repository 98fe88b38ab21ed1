"""Documents: load articles from a folder, with their metadata and character offsets."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")

# Some article dumps glue a ` date 2020-08 ` marker before the first sentence.
_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+")
# ... or put it on a line of its own after a `# Title` line.
_DATE_LINE = re.compile(r"^\s*date:?\s+(\d{4}-\d{2}(?:-\d{2})?)\s*$", re.IGNORECASE)
# Front matter, as static-site and note tools write it: `---`, `key: value` lines, `---`.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
# A photo or image credit closing a caption, e.g. "(Foto: Pro Shots)": not content.
_CREDIT = re.compile(r"\s*\((?:foto|beeld|photo|image|afbeelding)\s*:[^()]*\)\s*$", re.IGNORECASE)
_BLOCK = re.compile(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", re.MULTILINE)
_TERMINAL = ('.', '!', '?', '"', "'", ':', '”', '’', ';')


class DocumentsError(Exception):
    """The articles folder is missing or holds no readable article."""


@dataclass(frozen=True)
class Block:
    """A paragraph of a document: `text == document.text[start:end]`."""

    start: int
    end: int
    heading: str = ""


@dataclass(frozen=True)
class Document:
    """One article file.

    Attributes:
        source: file name relative to the articles folder (stable across machines).
        text: the whole file as read, so offsets can be shown and highlighted.
        title: a title line, or "" when the article has none.
        date: the article's date (`YYYY-MM` or `YYYY-MM-DD`), or "".
        blocks: its paragraphs, in order; a subheading is folded into the paragraph after it.
        sha256: hash of the file's bytes, to see whether it changed.
    """

    source: str
    text: str
    title: str
    date: str
    blocks: tuple[Block, ...]
    sha256: str

    @property
    def label(self) -> str:
        """A human name: the title, else the file name."""
        return self.title or self.source

    @property
    def headline(self) -> str:
        """What a reader recognises the article by: its title, else its opening words."""
        if self.title or not self.blocks:
            return self.label
        opening = " ".join(self.block_text(self.blocks[0]).split())
        return opening if len(opening) <= 90 else opening[:opening.rfind(" ", 0, 88)] + " …"

    def block_text(self, block: Block) -> str:
        return self.text[block.start:block.end]


def _is_heading(line: str) -> bool:
    # A short line without closing punctuation, followed by a paragraph, reads as a heading.
    return "\n" not in line and len(line) <= 100 and not line.rstrip().endswith(_TERMINAL)


def parse(source: str, text: str, sha256: str = "") -> Document:
    """Parse one article's text into a `Document` (date marker, title, paragraphs)."""
    body_start = 0
    date = title = ""
    front = _FRONT_MATTER.match(text)
    if front:
        fields = dict(line.partition(":")[::2] for line in front.group(1).splitlines() if ":" in line)
        fields = {k.strip().lower(): v.strip().strip("'\"") for k, v in fields.items()}
        title, date, body_start = fields.get("title", ""), fields.get("date", "")[:10], front.end()
    marker = _DATE_MARKER.match(text, body_start)
    if marker:
        date, body_start = marker.group(1), marker.end()

    raw = [(m.start() + body_start, m.end() + body_start) for m in _BLOCK.finditer(text[body_start:])]
    if raw and len(raw) > 1 and not title:
        first = text[raw[0][0]:raw[0][1]]
        lines = first.split("\n")
        if first.startswith("#") and len(lines) == 2 and _DATE_LINE.match(lines[1]):
            # "# Title" with "date 2023-11" on the next line, in one block.
            title, date, raw = lines[0].lstrip("#").strip(), _DATE_LINE.match(lines[1]).group(1), raw[1:]
        elif first.startswith("#"):
            title, raw = first.lstrip("#").strip(), raw[1:]
        elif _is_heading(first) and not date:
            title, raw = first.strip(), raw[1:]
    if raw and not date:
        line = _DATE_LINE.match(text[raw[0][0]:raw[0][1]])
        if line:  # a date line of its own, before the body
            date, raw = line.group(1), raw[1:]

    blocks: list[Block] = []
    pending_heading: tuple[int, str] | None = None
    for start, end in raw:
        chunk = text[start:end]
        heading = chunk.lstrip("#").strip()
        if chunk.startswith("#") or (_is_heading(chunk) and (start, end) != raw[-1]):
            pending_heading = (start, heading)
            continue
        credit = _CREDIT.search(chunk)
        if credit and credit.start() > 0:
            end = start + credit.start()
        if pending_heading:
            blocks.append(Block(pending_heading[0], end, pending_heading[1]))
            pending_heading = None
        else:
            blocks.append(Block(start, end))
    return Document(source, text, title, date, tuple(blocks), sha256)


def decode(data: bytes) -> str | None:
    """The text of a file: UTF-8 when it is, else the encoding that fits best, the articles' language's
    legacy encodings first (Windows-1252, Latin-1); None when none fits (a binary file)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    from qa import lang

    # Short texts fit several code pages; the articles' own language's legacy encodings come first.
    best = from_bytes(data, cp_isolation=list(lang.ARTICLES.LEGACY_ENCODINGS)).best() or from_bytes(data).best()
    return str(best) if best is not None else None


def article_paths(folder: Path) -> list[Path]:
    """The `.txt`/`.md` files under `folder`, sorted by path."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def folder_state(folder: Path) -> tuple:
    """What the articles folder holds, as (path, size, modification time) of each article file: a cheap
    way to notice that an article was added, changed or removed."""
    try:
        return tuple((str(p), st.st_size, st.st_mtime_ns) for p in article_paths(folder) for st in [p.stat()])
    except OSError:
        return ()


def load_documents(folder: Path, max_bytes: int = 2_000_000) -> list[Document]:
    """Load every `.txt`/`.md` article under `folder`, sorted by path.

    Files not in UTF-8 are decoded in the encoding that fits; files no encoding fits, files over
    `max_bytes`, and links that lead out of `folder` are skipped with a warning naming them.

    Raises:
        DocumentsError: the folder is missing, or holds no readable article.
    """
    import hashlib

    folder = Path(folder)
    if folder.is_file():
        raise DocumentsError(f"--docs names a file, not a folder: {folder} (give the folder that holds it)")
    if not folder.is_dir():
        raise DocumentsError(f"articles folder not found: {folder}")
    documents = []
    root = folder.resolve()
    for path in article_paths(folder):
        if not path.resolve().is_relative_to(root):
            # A link to /etc/passwd must not become an article that anyone can read in the chat.
            log.warning("skipping %s: a link that leads out of the articles folder", path)
            continue
        if path.stat().st_size > max_bytes:
            log.warning("skipping %s: %d bytes, over the %d-byte limit for one article", path,
                        path.stat().st_size, max_bytes)
            continue
        data = path.read_bytes()
        text = decode(data)
        if text is None:
            log.warning("skipping %s: not text in any encoding that fits", path)
            continue
        if not text.strip():
            log.warning("skipping %s: empty", path)
            continue
        text = text.replace("\r\n", "\n")
        documents.append(parse(path.relative_to(folder).as_posix(), text, hashlib.sha256(data).hexdigest()))
    if not documents:
        raise DocumentsError(f"no .txt or .md articles in {folder}")
    return documents
