"""Documents: load articles from a folder, with their metadata and character offsets."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

import hashlib

from qa import lang
from qa.archive.ingest import SUFFIXES, IngestError, decode, extract, kind
from qa.text import opening_words, sentence_count

# Some article dumps glue a ` date 2020-08 ` marker before the first sentence.
_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+")
# ... or put it on a line of its own after a `# Title` line.
_DATE_LINE = re.compile(r"^\s*date:?\s+(\d{4}-\d{2}(?:-\d{2})?)\s*$", re.IGNORECASE)
# Front matter, as static-site and note tools write it: `---`, `key: value` lines, `---`.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
# A photo or image credit closing a caption, e.g. "(Foto: Pro Shots)": not content.
# A byline opening the body: "Door Anna Jansen | woensdag 2 april 2025, 09:15", "By Jane Doe, 3 May 2024".
_PARTICLES = "|".join(sorted({p for module in lang.LANGUAGES.values() for p in module.NAME_PARTICLES}, key=len, reverse=True))
_BYLINE = re.compile(r"\A\s*(?:[Dd]oor|[Bb]y|DOOR|BY)\s+((?:[A-ZÀ-Þ][\w'’.-]*\s?(?:(?:" + _PARTICLES + r")\s)*){1,5})"
                     r"\s*(?:[|·,–—-]\s*(.{0,80}))?\s*\Z")
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
        author, site: who wrote it and where it appeared, when the article says so; else "".
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
    author: str = ""  # from front matter or a byline ("Door Anna Jansen | 2 april 2025"), or ""
    site: str = ""  # where it was published: front matter's `site`, else its `url`'s host, or ""

    @property
    def label(self) -> str:
        """A human name: the title, else the file name."""
        return self.title or self.source

    @property
    def headline(self) -> str:
        """What a reader recognises the article by: its title, else its opening words."""
        if self.title or not self.blocks:
            return self.label
        return opening_words(self.block_text(self.blocks[0]))

    def block_text(self, block: Block) -> str:
        return self.text[block.start:block.end]


def _is_heading(line: str) -> bool:
    # A short line without closing punctuation, followed by a paragraph, reads as a heading.
    return "\n" not in line and len(line) <= 100 and not line.rstrip().endswith(_TERMINAL)


def parse(source: str, text: str, sha256: str = "") -> Document:
    """Parse one article's text into a `Document` (date marker, title, paragraphs)."""
    body_start = 0
    date = title = author = site = ""
    front = _FRONT_MATTER.match(text)
    if front:
        fields = dict(line.partition(":")[::2] for line in front.group(1).splitlines() if ":" in line)
        fields = {k.strip().lower(): v.strip().strip("'\"") for k, v in fields.items()}
        title, date, body_start = fields.get("title", ""), fields.get("date", "")[:10], front.end()
        author = fields.get("author", "")
        site = fields.get("site", "") or urlsplit(fields.get("url", "")).hostname or ""
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

    if raw:
        byline = _BYLINE.match(text[raw[0][0]:raw[0][1]])
        if byline and "\n" not in byline.group(0).strip():  # "Door Anna Jansen | 2 april 2025": not the story
            author = author or byline.group(1).strip()
            date = date or byline_date(byline.group(2) or "")
            raw = raw[1:]
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
    return Document(source, text, title, date, tuple(blocks), sha256, author, site)


def byline_date(text: str) -> str:
    """`YYYY-MM-DD` (or `YYYY-MM`) from a byline's "woensdag 2 april 2025, 09:15"; "" when it has none."""
    months = {m: i for module in lang.LANGUAGES.values() for i, m in enumerate(module.MONTHS, start=1)}
    found = re.search(r"(?:(\d{1,2})\s+)?([A-Za-z]+)\s+(\d{4})", text)
    if found and found.group(2).lower() in months:
        month = f"{found.group(3)}-{months[found.group(2).lower()]:02d}"
        return f"{month}-{int(found.group(1)):02d}" if found.group(1) else month
    numeric = re.search(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b", text)
    return numeric.group(0) if numeric else ""


def _walk(folder: Path) -> list[tuple[str, bool]]:
    """The article files under `folder` sorted by path, each with whether a link is on its way (a file
    that is a link, or one in a linked folder): only those need resolving to see where they lead."""
    found: list[tuple[str, bool]] = []
    seen: set[str] = set()

    root = os.path.realpath(folder)

    def visit(directory: str, linked: bool) -> None:
        real = os.path.realpath(directory)
        if real in seen:  # a link back up the tree
            return
        seen.add(real)
        try:
            entries = list(os.scandir(directory))
        except OSError as error:  # a folder we may not read is skipped, not the archive
            log.warning("skipping folder %s: %s", directory, error.strerror or error)
            return
        for entry in entries:
            try:
                if entry.is_dir():
                    if entry.is_symlink() and not _inside(os.path.realpath(entry.path), root):
                        continue  # a link to a folder out of the archive ("/"): not followed, not walked
                    visit(entry.path, linked or entry.is_symlink())
                elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file():
                    found.append((entry.path, linked or entry.is_symlink()))
            except OSError:
                continue

    if os.path.isdir(folder):
        visit(os.fspath(folder), False)
    return sorted(found, key=lambda item: item[0].split(os.sep))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def folder_state(folder: Path) -> tuple:
    """What the articles folder holds, as (path, size, modification time) of each article file: a cheap
    way to notice that an article was added, changed or removed."""
    try:
        return tuple((path, st.st_size, st.st_mtime_ns) for path, _ in _walk(folder) for st in [os.stat(path)])
    except OSError:
        return ()


def read_article(path: Path, data: bytes, extracted_dir: Path | None = None) -> str:
    """The text of one article file: a text file as it is; a web page or PDF as extracted, which is kept
    in `extracted_dir` (beside the index) by the file's hash, so offsets keep pointing into the same text.

    Raises:
        qa.archive.ingest.IngestError: the file holds no article.
    """
    if kind(path.name, data) == "text":
        text = decode(data)
        if text is None:
            raise IngestError("not text in any encoding that fits")
        if not text.strip():
            raise IngestError("empty")
        return text.replace("\r\n", "\n")
    cached = extracted_dir / f"{hashlib.sha256(data).hexdigest()}.md" if extracted_dir else None
    if cached is not None and cached.is_file():
        return cached.read_text("utf-8")
    text = extract(path.name, data).as_article()
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(".tmp")
        temporary.write_text(text, "utf-8")
        temporary.replace(cached)
    return text


def load_documents(folder: Path, max_bytes: int = 2_000_000, extracted_dir: Path | None = None,
                   prefix: str = "", max_file_bytes: int = 20_000_000, required: bool = True,
                   known: dict | None = None, max_sentences: int = 3_000) -> list[Document]:
    """Load every article (`.txt`, `.md`, `.html`, `.htm`, `.pdf`) under `folder`, sorted by path.

    Args:
        folder: the articles folder.
        max_bytes: the largest article text; larger ones are skipped with a warning.
        max_sentences: so are articles of more sentences (see `Settings.max_article_sentences`).
        extracted_dir: where the text of web pages and PDF files is kept (None: extract on every load).
        prefix: put before each file's name in `Document.source` (to tell folders apart).
        max_file_bytes: the largest web page or PDF file.
        required: raise when the folder holds no article (else return []).
        known: articles read before, by (path, size, modification time); a file that has not changed
            since is not read again (so looking at an archive of thousands costs a stat of each). Filled in.

    Files not in UTF-8 are decoded in the encoding that fits; files no encoding fits, files over the
    limits, pages and PDF files with no article text, and links that lead out of `folder` are skipped
    with a warning naming them.

    Raises:
        DocumentsError: the folder is missing, or holds no readable article (when `required`).
    """
    folder = Path(folder)
    if folder.is_file():
        raise DocumentsError(f"--docs names a file, not a folder: {folder} (give the folder that holds it)")
    if not folder.is_dir():
        if not required:
            return []
        raise DocumentsError(f"articles folder not found: {folder}")
    documents = []
    root = folder.resolve()
    walked = _walk(folder)
    # An article reached under two names (a file and a link to it) is one article: indexed once, by its
    # own name.
    real_files = {os.path.realpath(name) for name, linked in walked if not linked}
    for name, linked in walked:
        if linked and os.path.realpath(name) in real_files:
            continue
        try:
            stat = os.stat(name)
        except OSError:  # a dangling link
            continue
        key = (name, prefix, stat.st_size, stat.st_mtime_ns)
        if known is not None and key in known:
            documents.append(known[key])
            continue
        path = Path(name)
        if linked and not path.resolve().is_relative_to(root):
            # A link to /etc/passwd must not become an article that anyone can read in the chat.
            log.warning("skipping %s: a link that leads out of the articles folder", path)
            continue
        size = stat.st_size
        limit = max_bytes if path.suffix.lower() in (".txt", ".md") else max(max_bytes, max_file_bytes)
        if size > limit:
            log.warning("skipping %s: %d bytes, over the %d-byte limit for one article", path, size, limit)
            continue
        try:
            data = path.read_bytes()
            text = read_article(path, data, extracted_dir)
        except (IngestError, OSError) as error:  # one bad file never stops the others from loading
            log.warning("skipping %s: %s", path, error)
            continue
        if len(text.encode("utf-8")) > max_bytes:
            log.warning("skipping %s: its text is over the %d-byte limit for one article", path, max_bytes)
            continue
        if sentence_count(text) > max_sentences:
            log.warning("skipping %s: about %d sentences, over the limit of %d for one article (QA_MAX_ARTICLE_"
                        "SENTENCES)", path, sentence_count(text), max_sentences)
            continue
        source = prefix + path.relative_to(folder).as_posix()
        documents.append(parse(source, text, hashlib.sha256(data).hexdigest()))
        if known is not None:
            known[key] = documents[-1]
    if not documents and required:
        raise DocumentsError(f"no articles (.txt, .md, .html, .pdf) in {folder}")
    return documents
