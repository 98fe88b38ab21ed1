"""Library: the articles an engine answers from, and changes to them: adding and removing articles, the
uploads folder (shared, or one browser's own under `--private-uploads`), and who added what."""

from __future__ import annotations

import json
import re
import threading
from functools import partial
from pathlib import Path

from qa import lang
from qa.archive import articles
from qa.archive.articles import remove
from qa.archive.documents import Document
from qa.archive.embeddings import Cancelled, cancellable
from qa.archive.files import atomic_write, folder_lock
from qa.archive.index import UPLOADS_PREFIX
from qa.archive.ingest import IngestError

__all__ = ["IngestError", "Library", "UPLOADS_PREFIX", "own_sources", "public_sources", "visible_to"]

OWNERS = ".owners.json"  # in the uploads folder: who added each shared upload from the web chat
PRIVATE = "private"  # the uploads subfolder of `--private-uploads`, one folder per web session


def _folder_name(session: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", session or "")[:64]  # session keys are hex already


PRIVATE_SOURCES = f"{UPLOADS_PREFIX}{PRIVATE}/"  # how every private upload's `Document.source` begins


def own_sources(session: str | None) -> str:
    """How the `Document.source` of each of `session`'s private uploads begins ("" for no session)."""
    return f"{PRIVATE_SOURCES}{_folder_name(session)}/" if session and _folder_name(session) else ""


def visible_to(documents: list[Document], session: str | None) -> list[Document]:
    """The articles a web session sees: all but other sessions' private uploads."""
    own = own_sources(session)
    return [d for d in documents if not d.source.startswith(PRIVATE_SOURCES) or (own and d.source.startswith(own))]


def public_sources(sources) -> set[str] | None:
    """The articles of `sources` that are no one's private upload; None when that is all of them."""
    public = {s for s in sources if not s.startswith(PRIVATE_SOURCES)}
    return None if len(public) == len(sources) else public


class Library:
    """Adds and removes the articles of an engine (`qa.answering.chat.Engine`), then has it look again.

    One change at a time: in this process (a lock) and across processes on the same index folder (a
    file lock), so that a second copy of an article is recognised and no two writers meet.
    """

    _locks: dict[Path, threading.Lock] = {}

    def __init__(self, engine):
        self.engine = engine
        key = engine.settings.index_dir.resolve()
        self._adding = Library._locks.setdefault(key, threading.Lock())

    @property
    def settings(self):
        return self.engine.settings

    def folder_for(self, session: str | None = None) -> Path:
        """Where uploads go: the uploads folder, or this session's own under `--private-uploads`."""
        uploads = self.settings.uploads
        if self.settings.private_uploads and session:
            return uploads / PRIVATE / _folder_name(session)
        return uploads

    def source_of(self, path: Path) -> str:
        """The `Document.source` an article file gets."""
        path = path.resolve()
        uploads = self.settings.uploads.resolve()
        if path.is_relative_to(uploads):
            return UPLOADS_PREFIX + path.relative_to(uploads).as_posix()
        return path.relative_to(self.settings.docs_dir.resolve()).as_posix()

    def _owners(self) -> dict:
        try:
            owners = json.loads((self.settings.uploads / OWNERS).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return owners if isinstance(owners, dict) else {}

    def owner_of(self, source: str) -> str | None:
        """Who added a shared upload from the web chat (see `add`); None when no one is recorded."""
        return self._owners().get(source)

    def _record_owner(self, source: str, owner: str) -> None:
        present = {d.source for d in self.engine.documents}
        owners = {s: o for s, o in self._owners().items() if s in present} | {source: owner}
        self.settings.uploads.mkdir(parents=True, exist_ok=True)
        atomic_write(self.settings.uploads / OWNERS, lambda h: h.write(json.dumps(owners).encode("utf-8")))

    def add(self, write, session: str | None = None, owner: str | None = None,
            cancel: threading.Event | None = None) -> tuple[Document, int]:
        """Add an article and index it (alone; the others keep their vectors).

        Args:
            write: one of `qa.archive.articles`' add functions with its input bound; called with the articles
                already there, it writes the new file and returns `qa.archive.articles.Added`.
            session: whose article it is, under `--private-uploads` (duplicates are looked for among
                what that session sees).
            owner: who may remove it again from the web chat (a session key, or the logged-in user).
            cancel: set it to stop the embedding; the article is then not added, and nothing changes.

        Returns:
            `(the new article, its number of passages)`.

        Raises:
            qa.archive.ingest.IngestError: the input is no article, too large, or already there, or the add was
                cancelled.
        """
        engine = self.engine
        with self._adding, folder_lock(self.settings.index_dir):
            engine.refresh(announce=False)  # the lock first, then a fresh look
            added = write(engine.visible(session))
            try:
                with cancellable(cancel):
                    engine.refresh(announce=False)
            except (Cancelled, KeyboardInterrupt) as stopped:
                added.path.unlink(missing_ok=True)  # as if it had never been added: the index stays as it was
                engine.refresh(announce=False)
                if isinstance(stopped, KeyboardInterrupt):
                    raise
                raise IngestError(lang.WEB_LABELS["cancelled"]) from None
            source = self.source_of(added.path)
            document = engine.document(source)
            if document is None:
                added.path.unlink(missing_ok=True)
                engine.refresh(announce=False)
                raise IngestError("the file could not be read as an article")
            if owner is not None and source.startswith(UPLOADS_PREFIX):
                self._record_owner(source, owner)
            return document, len(engine.retriever.store.article_rows.get(source, ()))

    def add_file(self, path: Path, session: str | None = None, owner: str | None = None,
                 cancel: threading.Event | None = None, into: Path | None = None,
                 delete_after_reading: bool = False) -> tuple[Document, int]:
        """Add a file (text, web page or PDF) as it came; `add`'s arguments, and `into` a folder other
        than the uploads (the command line adds to the articles folder). `delete_after_reading` removes
        the file given once it is read (the web chat's temporary copy), whatever then happens."""
        try:
            data = articles.read_file(path, self.settings)
        finally:
            if delete_after_reading:
                path.unlink(missing_ok=True)
        folder = into or self.folder_for(session)
        return self.add(partial(articles.add_file, folder, path.name, data, settings=self.settings),
                        session, owner, cancel)

    def add_text(self, text: str, title: str = "", session: str | None = None, owner: str | None = None,
                 cancel: threading.Event | None = None, into: Path | None = None) -> tuple[Document, int]:
        """Add pasted text, with an optional title."""
        folder = into or self.folder_for(session)
        return self.add(partial(articles.add_text, folder, text, title, settings=self.settings),
                        session, owner, cancel)

    def add_link(self, url: str, session: str | None = None, owner: str | None = None,
                 cancel: threading.Event | None = None, into: Path | None = None) -> tuple[Document, int]:
        """Fetch a link and add the article it holds. The page is fetched before the add takes its
        locks: a slow site holds up no other upload."""
        extracted = articles.fetch_link(url.strip(), self.settings)
        folder = into or self.folder_for(session)
        return self.add(partial(articles.add_extracted, folder, extracted, settings=self.settings),
                        session, owner, cancel)

    def remove(self, source: str, session: str | None = None, owner: str | None = None) -> None:
        """Delete an article's file and drop it from the index.

        Args:
            session: the web session asking (a private upload is seen by its own session only).
            owner: who asks, from the web chat: an upload there is removed only by who added it. None
                (the command line, the archive's keeper) may remove any article.

        Raises:
            qa.archive.ingest.IngestError: no such article (or not this session's to remove).
        """
        if source not in {d.source for d in self.engine.visible(session)}:
            raise IngestError(f"no article named {source!r}")
        if owner is not None and self.owner_of(source) != owner:
            raise IngestError(lang.WEB_LABELS["not_yours"])
        with self._adding, folder_lock(self.settings.index_dir):
            if source.startswith(UPLOADS_PREFIX):
                remove(self.settings.uploads, source[len(UPLOADS_PREFIX):])
            else:
                remove(self.settings.docs_dir, source)
            self.engine.refresh(announce=False)
