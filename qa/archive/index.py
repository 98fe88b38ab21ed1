"""Index: build, load and refresh the passage store so it always matches the articles and settings."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import time
from dataclasses import dataclass

import numpy as np

from qa import lang
from qa.archive import embeddings as embedding_models
from qa.archive import vectors as backends
from qa.archive.documents import Document, DocumentsError, folder_state, load_documents
from qa.archive.files import folder_lock
from qa.archive.passages import Passage, split_document
from qa.archive.store import (
    MANIFEST,
    CorruptIndexError,
    OutdatedIndexError,
    PassageStore,
    sweep,
)
from qa.settings import Settings

log = logging.getLogger(__name__)

SPLITTER_VERSION = 3  # bump when passage or sentence splitting changes, to force a rebuild


@dataclass
class IndexStatus:
    """What `open_index` did: `action` is "loaded", "built" or "updated"; counts of what was embedded;
    the articles added, changed and removed since the index on disk (by name)."""

    action: str
    embedded_sentences: int
    reused_files: int
    changed_files: int
    seconds: float
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


UPLOADS_PREFIX = "uploads/"


def load_articles(settings: Settings, known: dict | None = None) -> list[Document]:
    """The articles the engine answers from: the articles folder's, then the uploads (named `uploads/…`).
    `known`: articles read before, not read again while their files are unchanged (see `load_documents`).

    Raises:
        qa.archive.documents.DocumentsError: the articles folder is missing (an empty one is an empty archive).
    """
    if not settings.docs_dir.exists():
        raise DocumentsError(f"articles folder not found: {settings.docs_dir} (`python app.py add FILE --docs "
                             f"{settings.docs_dir}` creates it)")
    uploads = load_documents(settings.uploads, settings.max_article_bytes, settings.extracted_dir,
                             prefix=UPLOADS_PREFIX, max_file_bytes=settings.max_upload_bytes, required=False,
                             known=known, max_sentences=settings.max_article_sentences)
    documents = load_documents(settings.docs_dir, settings.max_article_bytes, settings.extracted_dir,
                               max_file_bytes=settings.max_upload_bytes, required=False, known=known,
                               max_sentences=settings.max_article_sentences)
    return documents + uploads


def articles_state(settings: Settings) -> tuple:
    """A cheap look at both folders (names, sizes, times), to notice an added, changed or removed article."""
    return folder_state(settings.docs_dir) + folder_state(settings.uploads)


def _prune_extracted(settings: Settings, documents: list[Document]) -> None:
    """Forget the extracted text of pages and PDF files that are no longer among the articles."""
    if settings.extracted_dir.is_dir():
        keep = {f"{d.sha256}.md" for d in documents}
        for path in settings.extracted_dir.glob("*.md"):
            if path.name not in keep:
                path.unlink(missing_ok=True)


def _splitter_settings(settings: Settings) -> dict:
    return {"version": SPLITTER_VERSION, "max_passage_chars": settings.max_passage_chars}


def _progress(total: int, enabled: bool):
    """A tqdm bar on stderr for builds that take more than a moment, or a silent stand-in."""
    if enabled and total > 64:
        from tqdm import tqdm

        return tqdm(total=total, desc="Embedding sentences", unit="sent", file=sys.stderr,
                    mininterval=0.5, leave=False)

    class _Silent:
        def update(self, n):
            pass

        def close(self):
            pass

    return _Silent()


def _embed_sentences(embedder, passages: list[Passage], progress: bool) -> np.ndarray:
    texts = []
    for passage in passages:
        # The title gives each sentence the context it lacks on its own ("he", "the city").
        prefix = f"{passage.title}: " if passage.title else ""
        texts += [prefix + passage.sentence_text(i) for i in range(len(passage.sentences))]
    bar = _progress(len(texts), progress)
    chunks = [np.zeros((0, embedding_models.dimension(embedder)), dtype=np.float16)]
    for start in range(0, len(texts), 32):
        batch = texts[start:start + 32]
        chunks.append(np.asarray(embedder.embed_passages(batch), dtype=np.float16))
        bar.update(len(batch))
    bar.close()
    return np.concatenate(chunks)


def _vector_options(settings: Settings) -> dict:
    return {"uri": settings.milvus_uri} if settings.milvus_uri else {}


def build_store(documents: list[Document], embedder, settings: Settings,
                previous: tuple[PassageStore, dict] | None = None, progress: bool = False) -> tuple[PassageStore, dict, int]:
    """Split and embed `documents`, reusing the vectors of files unchanged since `previous`.

    The vector index of `previous` is updated in place when it is of the kind the settings ask for:
    only the passages of added, changed and removed articles go in or out.

    Returns:
        `(store, manifest, number of sentences embedded)`.
    """
    old_store, old_files = (previous[0], previous[1].get("files", {})) if previous else (None, {})
    reused = {d.source for d in documents if old_store is not None and old_files.get(d.source) == d.sha256}
    old_rows = old_store.article_rows if old_store is not None else {}

    passages: list[Passage] = []
    rows: list[int | None] = []  # each passage's row in the old store, None for a new one
    fresh: list[Passage] = []
    for document in documents:
        if document.source in reused:
            found = old_rows.get(document.source, range(0))
            passages += old_store.passages[found.start:found.stop]
            rows += found
        else:
            new = split_document(document, settings.max_passage_chars)
            passages += new
            rows += [None] * len(new)
            fresh += new
    embedded = _embed_sentences(embedder, fresh, progress)

    kind = backends.resolve(settings.vector_index, len(passages))
    # IVF centroids learnt on the old collection still fit it up to about four times its size.
    keep_backend = old_store is not None and old_store.vectors.kind == kind and (
        kind != "ann" or len(passages) < 4 * max(len(old_store.passages), 1))
    if keep_backend:
        vectors = old_store.vectors
        vectors.delete(old_store.ids_of(set(old_rows) - reused))
    else:
        vectors = backends.create(kind, embedded.shape[1], settings.index_dir, settings.milvus_uri)
    if old_store is not None:
        store = old_store.extended(passages, rows, embedded, vectors)
    else:
        store = PassageStore(embedder, passages, embedded, vectors)
    added = [r for r, p in enumerate(passages) if not keep_backend or p.source not in reused]
    vectors.add(store.ids[added], store.passage_vectors(added), [passages[r].source for r in added],
                store.lexical_texts(added))
    manifest = {
        "model": embedding_models.model_id(settings.embeddings),
        "splitter": _splitter_settings(settings),
        "files": {d.source: d.sha256 for d in documents},
        "passages": len(passages),
        "sentences": int(sum(len(p.sentences) for p in passages)),
    }
    return store, manifest, int(len(embedded))


def open_index(settings: Settings, embedder=None, documents: list[Document] | None = None,
               rebuild: bool = False, progress: bool = True, current: PassageStore | None = None,
               known: dict | None = None) -> tuple[PassageStore, list[Document], IndexStatus]:
    """Load the index under `settings.index_dir`, rebuilding as far as needed first.

    The index is rebuilt when the model or splitter settings changed, re-embedded only for files
    that were added or changed, and rebuilt whole (with a warning) when its files are damaged.

    Args:
        current: the store in use, updated in place of the one on disk while the index folder still
            holds what it saved (an archive is not read again for each article added).
        known: articles read before (see `load_articles`).

    Returns:
        `(store, documents, status)`.

    Raises:
        qa.archive.documents.DocumentsError: the articles folder is missing or empty.
    """
    started = time.perf_counter()
    if settings.index_dir.exists() and not settings.index_dir.is_dir():
        raise ValueError(f"--index-dir names a file, not a folder: {settings.index_dir}")
    blocking = settings.index_dir / MANIFEST
    if blocking.exists() and not blocking.is_file():
        raise ValueError(f"{blocking} is a folder, where the index keeps its manifest: move it out of the "
                         "index folder (nothing in it was changed)")
    documents = documents if documents is not None else load_articles(settings, known)
    embedder = embedder or embedding_models.create_embeddings(settings.embeddings)
    wanted = {d.source: d.sha256 for d in documents}
    previous = None if rebuild else _previous(settings, embedder, current)
    if previous and previous[1].get("files") == wanted:
        with folder_lock(settings.index_dir, wait=False) as alone:
            if alone:  # no writer is between its new files and its manifest right now
                _sweep(settings)
        return previous[0], documents, IndexStatus("loaded", 0, len(documents), 0, time.perf_counter() - started)
    # A writer holds the folder's lock from reading the manifest to writing the next one, so two processes
    # on one index never build on the same manifest, and no file another process maps is cut short.
    with folder_lock(settings.index_dir):
        previous = None if rebuild else _previous(settings, embedder, current, sweep_leftovers=True)
        if previous and previous[1].get("files") == wanted:  # another process brought it up to date
            return previous[0], documents, IndexStatus("loaded", 0, len(documents), 0, time.perf_counter() - started)
        return _write(settings, documents, embedder, previous, progress, started)


def _sweep(settings: Settings) -> None:
    """Delete what an interrupted update left (the caller holds the folder's lock)."""
    swept = sweep(settings.index_dir)
    if swept:
        log.info("removed %d files an interrupted update left in %s", len(swept), settings.index_dir)


def _previous(settings: Settings, embedder, current: PassageStore | None,
              sweep_leftovers: bool = False) -> tuple[PassageStore, dict] | None:
    """The store the index folder holds now and its manifest (`current` when it is still what the folder
    holds), or None when there is none, it is damaged, or it was built with other settings."""
    previous = None
    if current is not None and current.saved_in(settings.index_dir):
        previous = (current, current.manifest)
    else:
        try:
            previous = PassageStore.load(settings.index_dir, embedder, **_vector_options(settings))
        except FileNotFoundError:
            return None
        except OutdatedIndexError as error:
            log.warning("index in %s was written by an earlier version (%s); rebuilding it", settings.index_dir,
                        error)
            return None
        except CorruptIndexError as error:
            log.warning("index in %s is damaged (%s); rebuilding it", settings.index_dir, error)
            return None
    if sweep_leftovers:  # the caller holds the folder's lock: no writer is between its files and its manifest
        _sweep(settings)
    store, manifest = previous
    same_settings = (manifest.get("model") == embedding_models.model_id(settings.embeddings)
                     and manifest.get("splitter") == _splitter_settings(settings)
                     and _backend_fits(settings, store))
    return previous if same_settings else None


def _write(settings: Settings, documents: list[Document], embedder, previous, progress: bool,
           started: float) -> tuple[PassageStore, list[Document], IndexStatus]:
    """Build the store from `previous` (re-embedding only what changed) and save it; the caller holds the
    folder's lock."""
    old_files = previous[1].get("files", {}) if previous else {}
    todo = sum(1 for d in documents if old_files.get(d.source) != d.sha256)
    # More than a few articles take a while: every face says so first (on stderr, or in the server's log).
    log.log(logging.WARNING if todo > FEW_ARTICLES else logging.INFO, lang.INTERFACE.LABELS["indexing"].format(
        count=todo, folder=settings.docs_dir, index=settings.index_dir))
    store, manifest, embedded = build_store(documents, embedder, settings, previous, progress)
    store.save(settings.index_dir, manifest)
    _prune_extracted(settings, documents)
    reused = sum(1 for d in documents if old_files.get(d.source) == d.sha256)
    action = "updated" if previous else "built"
    names = {d.source for d in documents}
    return store, documents, IndexStatus(
        action, embedded, reused, len(documents) - reused, time.perf_counter() - started,
        added=tuple(sorted(names - set(old_files))),
        changed=tuple(sorted(d.source for d in documents if d.source in old_files and old_files[d.source] != d.sha256)),
        removed=tuple(sorted(set(old_files) - names)))


def _backend_fits(settings: Settings, store: PassageStore) -> bool:
    """Whether the index on disk uses the backend the settings ask for."""
    wanted = backends.resolve(settings.vector_index, len(store.passages))
    if settings.vector_index == "auto" and store.vectors.kind in ("exact", "ann"):
        return True  # auto moves between exact and approximate on its own as the archive grows
    return store.vectors.kind == wanted


FEW_ARTICLES = 2  # re-indexing more than this many articles is announced
STEP_ARTICLES = 8  # an interrupted build keeps what it finished: the index is saved after each few articles


def build_in_steps(settings: Settings, rebuild: bool = False, progress: bool = True):
    """Bring the index up to date a few articles at a time, saving after each step, so that a build cut
    short (Ctrl-C, a kill) resumes where it stopped. Yields `(done, total)` after each step; the last
    item is what `open_index` returns.

    Raises:
        qa.archive.documents.DocumentsError: the articles folder is missing.
    """
    documents = load_articles(settings)
    embedder = embedding_models.create_embeddings(settings.embeddings)
    indexed: dict = {}
    if not rebuild:
        # Only which articles the index holds: its manifest, not the whole store (open_index loads that).
        try:
            manifest = json.loads((settings.index_dir / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            manifest = {}
        if (isinstance(manifest, dict) and manifest.get("model") == embedding_models.model_id(settings.embeddings)
                and manifest.get("splitter") == _splitter_settings(settings)
                and isinstance(manifest.get("files"), dict)):
            indexed = manifest["files"]
    done = [d for d in documents if indexed.get(d.source) == d.sha256]
    todo = [d for d in documents if indexed.get(d.source) != d.sha256]
    result, embedded, action = None, 0, ""
    for start in range(0, max(len(todo), 1), STEP_ARTICLES):
        step = done + todo[:start + STEP_ARTICLES]
        result = open_index(settings, embedder=embedder, documents=step, rebuild=rebuild and start == 0,
                            progress=progress and len(todo) <= STEP_ARTICLES)
        embedded += result[2].embedded_sentences
        action = action or result[2].action
        yield min(len(done) + start + STEP_ARTICLES, len(documents)), len(documents)
    store, documents, status = result
    yield store, documents, dataclasses.replace(status, action=action, embedded_sentences=embedded)
