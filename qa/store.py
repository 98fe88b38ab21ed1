"""Store: passages and their vectors in FAISS, persisted without pickle (JSON + faiss + npy)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from qa.passages import Passage

FORMAT_VERSION = 3  # 3: each save writes files of its own generation
MANIFEST = "manifest.json"
PASSAGES = "passages.json"
PASSAGE_VECTORS = "passages.faiss"
SENTENCE_VECTORS = "sentences.npy"


class CorruptIndexError(Exception):
    """The files under the index folder are missing, truncated or do not match their manifest."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, write) -> None:
    """Write through a temp file in the same folder, then rename: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_manifest(manifest: object) -> dict[str, str]:
    """The data file names a manifest vouches for; `CorruptIndexError` when its shape is wrong."""
    if not isinstance(manifest, dict):
        raise CorruptIndexError("manifest is not a JSON object")
    if manifest.get("format") != FORMAT_VERSION:
        raise CorruptIndexError(f"index format {manifest.get('format')!r} is not {FORMAT_VERSION}")
    if not isinstance(manifest.get("files", {}), dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in manifest.get("files", {}).items()):
        raise CorruptIndexError("manifest's list of articles is not a mapping of names to hashes")
    files, checksums = manifest.get("data_files"), manifest.get("checksums")
    if not isinstance(files, dict) or set(files) != {PASSAGES, SENTENCE_VECTORS, PASSAGE_VECTORS} \
            or not isinstance(checksums, dict) or set(checksums) != set(files.values()) \
            or not all(isinstance(v, str) and "/" not in v and "\\" not in v and not v.startswith(".")
                       for v in [*files.values(), *checksums.values()]):
        raise CorruptIndexError("manifest does not name the index files and their checksums")
    return files


class PassageStore(VectorStore):
    """A FAISS inner-product index over passage vectors, plus one vector per sentence.

    Passage vectors are the normalised mean of their sentence vectors, so building embeds each
    sentence once and choosing the answering sentence later needs no model call.

    Args:
        embeddings: the embedder used for questions (and for `add_texts`).
        passages: the passages, row `i` of each matrix belongs to `passages[i]`.
        sentence_vectors: `(total sentences, dim)` unit vectors, in passage order.
    """

    def __init__(self, embeddings: Embeddings | None, passages: list[Passage], sentence_vectors: np.ndarray):
        import faiss

        self._embeddings = embeddings
        self.passages = list(passages)
        self.sentence_vectors = np.ascontiguousarray(sentence_vectors, dtype=np.float32)
        counts = [len(p.sentences) for p in self.passages]
        if sum(counts) != len(self.sentence_vectors):
            raise CorruptIndexError(f"{len(self.sentence_vectors)} sentence vectors for {sum(counts)} sentences")
        # sentence_owner[j] is the passage row of sentence j; first_sentence[i] is passage i's first.
        self.sentence_owner = np.repeat(np.arange(len(counts)), counts)
        self.first_sentence = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int) if counts else np.zeros(0, int)
        dim = self.sentence_vectors.shape[1] if self.sentence_vectors.ndim == 2 else 384
        self.passage_vectors = self._pool(counts, dim)
        self.index = faiss.IndexFlatIP(dim)
        if len(self.passage_vectors):
            self.index.add(self.passage_vectors)

    def _pool(self, counts: list[int], dim: int) -> np.ndarray:
        if not counts:
            return np.zeros((0, dim), dtype=np.float32)
        sums = np.add.reduceat(self.sentence_vectors, self.first_sentence, axis=0)
        return (sums / np.linalg.norm(sums, axis=1, keepdims=True)).astype(np.float32)

    # -- LangChain's VectorStore interface ------------------------------------------------
    @property
    def embeddings(self) -> Embeddings | None:
        return self._embeddings

    def add_texts(self, texts: Iterable[str], metadatas: list[dict] | None = None, **kwargs: Any) -> list[str]:
        raise NotImplementedError("PassageStore is built from articles: use qa.index.build_index")

    @classmethod
    def from_texts(cls, texts, embedding, metadatas=None, **kwargs):
        raise NotImplementedError("PassageStore is built from articles: use qa.index.build_index")

    def similarity_search_with_score(self, query: str, k: int = 4, **kwargs: Any) -> list[tuple[LCDocument, float]]:
        vector = np.asarray(self._embeddings.embed_query(query), dtype=np.float32)
        return [(self.as_document(i), score) for i, score in self.search_vector(vector, k)]

    def similarity_search(self, query: str, k: int = 4, **kwargs: Any) -> list[LCDocument]:
        return [doc for doc, _ in self.similarity_search_with_score(query, k)]

    # -- our own API ----------------------------------------------------------------------
    def as_document(self, row: int) -> LCDocument:
        passage = self.passages[row]
        meta = passage.to_dict()
        return LCDocument(page_content=meta.pop("text"), metadata=meta, id=passage.id)

    def search_vector(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The `k` passages nearest `vector`, as `(row, cosine)` pairs, best first."""
        k = min(k, len(self.passages))
        if k == 0:
            return []
        scores, rows = self.index.search(vector.reshape(1, -1).astype(np.float32), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def save(self, folder: Path, manifest: dict) -> None:
        """Write the store to `folder` so that a crash at any point leaves the previous store loadable.

        Each save writes files of its own generation; the manifest, written last by an atomic rename,
        names them with their hashes, and only then are the previous generation's files removed.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(".*.tmp"):  # from a save that was killed before its rename
            leftover.unlink(missing_ok=True)
        import faiss

        payload = json.dumps([p.to_dict() for p in self.passages], ensure_ascii=False).encode("utf-8")
        index_bytes = faiss.serialize_index(self.index).tobytes()
        generation = hashlib.sha256(payload + self.sentence_vectors.tobytes()).hexdigest()[:12]
        files = {PASSAGES: f"passages-{generation}.json", SENTENCE_VECTORS: f"sentences-{generation}.npy",
                 PASSAGE_VECTORS: f"passages-{generation}.faiss"}
        _atomic_write(folder / files[PASSAGES], lambda h: h.write(payload))
        _atomic_write(folder / files[SENTENCE_VECTORS],
                      lambda h: np.save(h, self.sentence_vectors, allow_pickle=False))
        _atomic_write(folder / files[PASSAGE_VECTORS], lambda h: h.write(index_bytes))
        manifest = dict(manifest, format=FORMAT_VERSION, data_files=files,
                        checksums={name: _sha256(folder / name) for name in files.values()})
        text = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
        _atomic_write(folder / MANIFEST, lambda h: h.write(text))
        for stale in folder.glob("passages*"):
            if stale.name not in files.values():
                stale.unlink(missing_ok=True)
        for stale in folder.glob("sentences*"):
            if stale.name not in files.values():
                stale.unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path, embeddings: Embeddings | None) -> tuple["PassageStore", dict]:
        """Load a saved store and its manifest, checking every file against the manifest.

        Raises:
            FileNotFoundError: there is no index in `folder`.
            CorruptIndexError: the files are damaged or do not belong together.
        """
        folder = Path(folder)
        manifest_path = folder / MANIFEST
        if not manifest_path.exists():
            raise FileNotFoundError(f"no index in {folder}")
        try:
            manifest = json.loads(manifest_path.read_text("utf-8"))
            files = check_manifest(manifest)
            for name, digest in manifest["checksums"].items():
                if _sha256(folder / name) != digest:
                    raise CorruptIndexError(f"{name} does not match the manifest")
            passages = [Passage.from_dict(d) for d in json.loads((folder / files[PASSAGES]).read_text("utf-8"))]
            # allow_pickle=False: a tampered index folder must not be able to run code.
            vectors = np.load(folder / files[SENTENCE_VECTORS], allow_pickle=False)
            import faiss

            raw = np.frombuffer((folder / files[PASSAGE_VECTORS]).read_bytes(), dtype=np.uint8)
            index = faiss.deserialize_index(raw)
        except CorruptIndexError:
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            raise CorruptIndexError(f"cannot read index in {folder}: {error}") from error
        store = cls(embeddings, passages, vectors)
        if index.ntotal != len(passages) or index.d != store.index.d:
            raise CorruptIndexError(f"{PASSAGE_VECTORS} holds {index.ntotal} vectors for {len(passages)} passages")
        store.index = index
        return store, manifest
