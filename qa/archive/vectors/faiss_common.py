"""FAISS common: what the exact and approximate FAISS indexes share (delete, search, save, read), and the
lock that lets questions search while an upload's passages go in."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from qa.archive.files import atomic_write
from qa.archive.vectors.base import VectorIndex, as_matrix


class ReadWriteLock:
    """Many searches at once, or one change alone: FAISS may search from several threads, but adding or
    removing vectors reallocates what a search reads."""

    def __init__(self):
        self._readers = 0
        self._changing = threading.Condition()

    @contextmanager
    def reading(self):
        with self._changing:
            self._readers += 1
        try:
            yield
        finally:
            with self._changing:
                self._readers -= 1
                if not self._readers:
                    self._changing.notify_all()

    @contextmanager
    def writing(self):
        with self._changing:
            self._changing.wait_for(lambda: self._readers == 0)
            yield


class FaissIndex(VectorIndex):
    """A FAISS index under our ids (`self.index`, None before the first vectors for IVF)."""

    def __init__(self, dim: int, index=None):
        super().__init__(dim)
        self.index = index
        self.lock = ReadWriteLock()

    def _search_params(self, ids):
        """FAISS search parameters: limited to `ids` when given."""
        import faiss

        return None if ids is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(ids, np.int64)))

    def _add(self, ids, vectors) -> None:
        self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def add(self, ids, vectors, sources, texts) -> None:
        with self.lock.writing():
            self._add(ids, as_matrix(vectors, self.dim))

    def delete(self, ids) -> None:
        import faiss

        if self.index is not None and len(ids):
            with self.lock.writing():
                self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))

    def search(self, vector, k, ids=None) -> list[tuple[int, float]]:
        with self.lock.reading():
            k = min(k, len(self) if ids is None else len(ids))
            if k <= 0:
                return []
            scores, found = self.index.search(as_matrix(vector, self.dim), k, params=self._search_params(ids))
        return [(int(i), float(s)) for i, s in zip(found[0], scores[0]) if i >= 0]

    def __len__(self) -> int:
        return 0 if self.index is None else int(self.index.ntotal)

    def save(self, folder: Path, name: str) -> list[str]:
        import faiss

        if self.index is None:
            return []
        with self.lock.reading():
            data = faiss.serialize_index(self.index).tobytes()
        atomic_write(Path(folder) / f"{name}.faiss", lambda handle: handle.write(data))
        return [f"{name}.faiss"]


def read_index(path: Path, dim: int):
    """A FAISS index from its bytes (no pickle involved), checked for its vector size.

    Raises:
        ValueError: the file cannot be read, or holds vectors of another size.
    """
    import faiss

    try:
        index = faiss.deserialize_index(np.frombuffer(path.read_bytes(), dtype=np.uint8))
    except (OSError, RuntimeError) as error:
        raise ValueError(f"cannot read {path.name}: {error}") from error
    if index.d != dim:
        raise ValueError(f"{path.name} holds vectors of size {index.d}, not {dim}")
    return index
