"""Index: build, load and refresh the passage store so it always matches the articles and settings."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass

import numpy as np

from qa import embeddings as embedding_models
from qa.documents import Document, folder_state, load_documents
from qa.passages import Passage, split_document
from qa.settings import Settings
from qa.store import CorruptIndexError, PassageStore

log = logging.getLogger(__name__)

SPLITTER_VERSION = 3  # bump when passage or sentence splitting changes, to force a rebuild


@dataclass
class IndexStatus:
    """What `open_index` did: `action` is "loaded", "built" or "updated"; counts of what was embedded."""

    action: str
    embedded_sentences: int
    reused_files: int
    changed_files: int
    seconds: float


UPLOADS_PREFIX = "uploads/"


def load_articles(settings: Settings) -> list[Document]:
    """The articles the engine answers from: the articles folder's, then the uploads (named `uploads/…`).

    Raises:
        qa.documents.DocumentsError: the articles folder is missing, or neither folder holds an article.
    """
    uploads = load_documents(settings.uploads, settings.max_article_bytes, settings.extracted_dir,
                             prefix=UPLOADS_PREFIX, max_file_bytes=settings.max_upload_bytes, required=False)
    documents = load_documents(settings.docs_dir, settings.max_article_bytes, settings.extracted_dir,
                               max_file_bytes=settings.max_upload_bytes, required=not uploads)
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
    chunks = []
    for start in range(0, len(texts), 32):
        batch = texts[start:start + 32]
        chunks.append(embedder.embed_passages(batch))
        bar.update(len(batch))
    bar.close()
    if not chunks:
        return np.zeros((0, 384), dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32)


def build_store(documents: list[Document], embedder, settings: Settings,
                previous: tuple[PassageStore, dict] | None = None, progress: bool = False) -> tuple[PassageStore, dict, int]:
    """Split and embed `documents`, reusing the vectors of files unchanged since `previous`.

    Returns:
        `(store, manifest, number of sentences embedded)`.
    """
    reusable: dict[str, tuple[list[Passage], np.ndarray]] = {}
    if previous:
        old_store, old_manifest = previous
        old_files = old_manifest.get("files", {})
        for row, passage in enumerate(old_store.passages):
            first = old_store.first_sentence[row]
            vectors = old_store.sentence_vectors[first:first + len(passage.sentences)]
            entry = reusable.setdefault(passage.source, ([], []))
            entry[0].append(passage)
            entry[1].append(vectors)
        reusable = {src: (ps, np.concatenate(vs)) for src, (ps, vs) in reusable.items()
                    if any(d.source == src and d.sha256 == old_files.get(src) for d in documents)}

    passages: list[Passage] = []
    vectors: list[np.ndarray] = []
    fresh: list[Passage] = []
    fresh_slots = []
    for document in documents:
        if document.source in reusable:
            old_passages, old_vectors = reusable[document.source]
            passages += old_passages
            vectors.append(old_vectors)
        else:
            new = split_document(document, settings.max_passage_chars)
            fresh_slots.append((len(vectors), len(passages), new))
            passages += new
            vectors.append(None)
            fresh += new
    embedded = _embed_sentences(embedder, fresh, progress)
    offset = 0
    for slot, _, new in fresh_slots:
        count = sum(len(p.sentences) for p in new)
        vectors[slot] = embedded[offset:offset + count]
        offset += count
    dim = embedded.shape[1] if len(embedded) else (vectors[0].shape[1] if vectors else 384)
    matrix = np.concatenate([v.reshape(-1, dim) for v in vectors]) if vectors else np.zeros((0, dim), np.float32)
    manifest = {
        "model": embedding_models.model_id(settings.embeddings),
        "splitter": _splitter_settings(settings),
        "files": {d.source: d.sha256 for d in documents},
        "passages": len(passages),
        "sentences": int(len(matrix)),
    }
    return PassageStore(embedder, passages, matrix), manifest, int(len(embedded))


def open_index(settings: Settings, embedder=None, documents: list[Document] | None = None,
               rebuild: bool = False, progress: bool = True) -> tuple[PassageStore, list[Document], IndexStatus]:
    """Load the index under `settings.index_dir`, rebuilding as far as needed first.

    The index is rebuilt when the model or splitter settings changed, re-embedded only for files
    that were added or changed, and rebuilt whole (with a warning) when its files are damaged.

    Returns:
        `(store, documents, status)`.

    Raises:
        qa.documents.DocumentsError: the articles folder is missing or empty.
    """
    started = time.perf_counter()
    if settings.index_dir.exists() and not settings.index_dir.is_dir():
        raise ValueError(f"--index-dir names a file, not a folder: {settings.index_dir}")
    documents = documents if documents is not None else load_articles(settings)
    embedder = embedder or embedding_models.create_embeddings(settings.embeddings)
    previous = None
    if not rebuild:
        try:
            previous = PassageStore.load(settings.index_dir, embedder)
        except FileNotFoundError:
            previous = None
        except CorruptIndexError as error:
            log.warning("index in %s is damaged (%s); rebuilding it", settings.index_dir, error)
            previous = None
    if previous:
        store, manifest = previous
        same_settings = (manifest.get("model") == embedding_models.model_id(settings.embeddings)
                         and manifest.get("splitter") == _splitter_settings(settings))
        if not same_settings:
            previous = None
        elif manifest.get("files") == {d.source: d.sha256 for d in documents}:
            return store, documents, IndexStatus("loaded", 0, len(documents), 0, time.perf_counter() - started)
    store, manifest, embedded = build_store(documents, embedder, settings, previous, progress)
    store.save(settings.index_dir, manifest)
    _prune_extracted(settings, documents)
    reused = sum(1 for d in documents if previous and previous[1].get("files", {}).get(d.source) == d.sha256)
    action = "updated" if previous else "built"
    return store, documents, IndexStatus(action, embedded, reused, len(documents) - reused, time.perf_counter() - started)
