"""Store: passages, their sentence vectors and a vector index, persisted without pickle (JSON + npy + the
index's own files)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.files import atomic_write
from qa.passages import Passage

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

FORMAT_VERSION = 4  # 3: each save writes files of its own generation; 4: float16 sentences, any vector index
MANIFEST = "manifest.json"
PASSAGES = "passages.json"
PASSAGE_VECTORS = "passages.faiss"
SENTENCE_VECTORS = "sentences.npy"


class CorruptIndexError(Exception):
    """The files under the index folder are missing, truncated or do not match their manifest."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    if not isinstance(files, dict) or not {PASSAGES, SENTENCE_VECTORS} <= set(files) <= {PASSAGES, SENTENCE_VECTORS,
                                                                                        PASSAGE_VECTORS} \
            or not isinstance(checksums, dict) or set(checksums) != set(files.values()) \
            or not all(isinstance(v, str) and "/" not in v and "\\" not in v and not v.startswith(".")
                       for v in [*files.values(), *checksums.values()]):
        raise CorruptIndexError("manifest does not name the index files and their checksums")
    return files


class PassageStore:
    """Passages, one vector per sentence, and a vector index over passage vectors (any backend of
    `qa.vectors`).

    A passage's vector is the normalised mean of its sentences', so building embeds each sentence once
    and choosing the answering sentence later needs no model call. Sentence vectors are kept as float16
    (half the memory, the same answers) and read from disk as they are needed (memory-mapped).

    Args:
        embeddings: the embedder used for questions.
        passages: the passages; row `i` of the sentence matrix belongs to them in order.
        sentence_vectors: `(total sentences, dim)` unit vectors, in passage order.
        vectors: the vector index holding these passages under `qa.vectors.passage_id(passage.id)`;
            None builds an exact FAISS index from the sentence vectors.
    """

    def __init__(self, embeddings: Embeddings | None, passages: list[Passage], sentence_vectors: np.ndarray,
                 vectors=None):
        from qa import vectors as backends

        self._embeddings = embeddings
        self.passages = list(passages)
        self.sentence_vectors = sentence_vectors if sentence_vectors.dtype == np.float16 \
            else np.asarray(sentence_vectors, dtype=np.float16)
        counts = [len(p.sentences) for p in self.passages]
        if sum(counts) != len(self.sentence_vectors):
            raise CorruptIndexError(f"{len(self.sentence_vectors)} sentence vectors for {sum(counts)} sentences")
        self.dim = int(self.sentence_vectors.shape[1]) if self.sentence_vectors.ndim == 2 else 0
        # first_sentence[i] is passage i's first sentence.
        self.first_sentence = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if counts \
            else np.zeros(0, np.int64)
        self.ids = backends.passage_ids([p.id for p in self.passages])
        self.row_of = {int(i): row for row, i in enumerate(self.ids)}
        self._first_row: dict[str, int] = {}
        for row, passage in enumerate(self.passages):
            self._first_row.setdefault(passage.source, row)
        if len(self.row_of) != len(self.passages):
            raise CorruptIndexError("two passages share an id")
        if vectors is None:
            vectors = backends.create("exact", self.dim)
            vectors.add(self.ids, self.passage_vectors(), [p.source for p in self.passages], self.lexical_texts())
        self.vectors = vectors

    def sentences_of(self, row: int) -> np.ndarray:
        """The sentence vectors of passage `row`, as float32."""
        first = self.first_sentence[row]
        return np.asarray(self.sentence_vectors[first:first + len(self.passages[row].sentences)], dtype=np.float32)

    def passage_vectors(self, rows: list[int] | None = None) -> np.ndarray:
        """Normalised mean sentence vectors of passages `rows` (all when None), float32."""
        rows = range(len(self.passages)) if rows is None else rows
        pooled = [self.sentences_of(r).sum(axis=0) for r in rows]
        if not pooled:
            return np.zeros((0, self.dim), dtype=np.float32)
        pooled = np.asarray(pooled, dtype=np.float32)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def lexical_texts(self, rows: list[int] | None = None) -> list[str]:
        """Each passage's title and text as content-word stems, for backends with BM25 of their own."""
        from qa.text import stems

        rows = range(len(self.passages)) if rows is None else rows
        return [" ".join(stems(f"{self.passages[r].title} {self.passages[r].text}")) for r in rows]

    def headline(self, source: str) -> str:
        """What a reader recognises an article by: its title, else its opening words."""
        from qa.documents import opening_words

        first = self._first_row.get(source)
        if first is None:
            return source
        passage = self.passages[first]
        return passage.title or opening_words(passage.text)

    def ids_of(self, sources: set[str]) -> np.ndarray:
        """The ids of the passages of these articles."""
        return np.array([i for i, p in zip(self.ids, self.passages) if p.source in sources], dtype=np.int64)

    @property
    def embeddings(self) -> Embeddings | None:
        return self._embeddings

    def as_vectorstore(self):
        """This store as a LangChain `VectorStore` (`qa.vectorstore.PassageVectorStore`). Imported only when
        asked for: LangChain's `VectorStore` brings its tracing stack, about a second of start-up."""
        from qa.vectorstore import PassageVectorStore

        return PassageVectorStore(self)

    def search_vector(self, vector: np.ndarray, k: int, ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` passages nearest `vector` (among passages `ids` only, if given; see `ids_of`), as
        `(row, cosine)`, best first."""
        found = self.vectors.search(vector, k, ids)
        return [(self.row_of[i], score) for i, score in found if i in self.row_of]

    def save(self, folder: Path, manifest: dict) -> None:
        """Write the store to `folder` so that a crash at any point leaves the previous store loadable.

        Each save writes files of its own generation; the manifest, written last by an atomic rename,
        names them with their hashes, and only then are the previous generation's files removed. (A Milvus
        index lives in Milvus; the manifest records where.)
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(".*.tmp"):  # from a save that was killed before its rename
            leftover.unlink(missing_ok=True)
        payload = json.dumps([p.to_dict() for p in self.passages], ensure_ascii=False).encode("utf-8")
        vectors = np.ascontiguousarray(self.sentence_vectors)
        generation = hashlib.sha256(payload + vectors.tobytes()).hexdigest()[:12]
        files = {PASSAGES: f"passages-{generation}.json", SENTENCE_VECTORS: f"sentences-{generation}.npy"}
        atomic_write(folder / files[PASSAGES], lambda h: h.write(payload))
        atomic_write(folder / files[SENTENCE_VECTORS], lambda h: np.save(h, vectors, allow_pickle=False))
        written = self.vectors.save(folder, f"passages-{generation}")
        if written:
            files[PASSAGE_VECTORS] = written[0]
        manifest = dict(manifest, format=FORMAT_VERSION, data_files=files, vector_index=self.vectors.kind,
                        checksums={name: _sha256(folder / name) for name in files.values()})
        text = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
        atomic_write(folder / MANIFEST, lambda h: h.write(text))
        for stale in [*folder.glob("passages*"), *folder.glob("sentences*")]:
            if stale.name not in files.values():
                stale.unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path, embeddings: Embeddings | None, **vector_options) -> tuple["PassageStore", dict]:
        """Load a saved store and its manifest, checking every file against the manifest.

        Args:
            vector_options: for the vector index (`uri`, `collection` for Milvus; `nprobe`).

        Raises:
            FileNotFoundError: there is no index in `folder`.
            CorruptIndexError: the files are damaged or do not belong together.
        """
        from qa import vectors as backends

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
            # allow_pickle=False: a tampered index folder must not be able to run code. Memory-mapped:
            # only the sentences of the passages a question touches are read.
            sentence_vectors = np.load(folder / files[SENTENCE_VECTORS], allow_pickle=False, mmap_mode="r")
            if sentence_vectors.dtype != np.float16 or sentence_vectors.ndim != 2:
                raise CorruptIndexError("sentence vectors are not a float16 matrix")
            kind = manifest.get("vector_index", "exact")
            dim = int(sentence_vectors.shape[1])
            name = files.get(PASSAGE_VECTORS, "").removesuffix(".faiss") or "none"
            vectors = backends.backend(kind).load(folder, name, dim, **vector_options)
        except (CorruptIndexError, backends.BackendUnavailable):
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            raise CorruptIndexError(f"cannot read index in {folder}: {error}") from error
        store = cls(embeddings, passages, sentence_vectors, vectors)
        # A Milvus collection shared by several app processes may hold more than this index knows of; a
        # search skips ids it does not know.
        if kind != "milvus" and len(vectors) != len(passages):
            raise CorruptIndexError(f"the {kind} vector index holds {len(vectors)} passages, not {len(passages)}")
        return store, manifest
