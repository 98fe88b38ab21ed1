"""FAISS exact search: every passage compared, for collections up to a few hundred thousand."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.vectors.base import VectorIndex, as_matrix


class FaissExact(VectorIndex):
    """`IndexIDMap2(IndexFlatIP)`: exact inner product under our ids.

    Args:
        dim: the vector size.
    """

    kind = "exact"

    def __init__(self, dim: int, index=None):
        import faiss

        super().__init__(dim)
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def add(self, ids, vectors, sources, texts) -> None:
        if len(ids):
            self.index.add_with_ids(as_matrix(vectors, self.dim), np.asarray(ids, dtype=np.int64))

    def delete(self, ids) -> None:
        import faiss

        if len(ids):
            self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))

    def _params(self, ids):
        import faiss

        return None if ids is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(ids, np.int64)))

    def search(self, vector, k, ids=None) -> list[tuple[int, float]]:
        k = min(k, len(self) if ids is None else len(ids))
        if k <= 0:
            return []
        scores, found = self.index.search(as_matrix(vector, self.dim), k, params=self._params(ids))
        return [(int(i), float(s)) for i, s in zip(found[0], scores[0]) if i >= 0]

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def save(self, folder: Path, name: str) -> list[str]:
        import faiss

        from qa.files import atomic_write

        data = faiss.serialize_index(self.index).tobytes()
        atomic_write(Path(folder) / f"{name}.faiss", lambda handle: handle.write(data))
        return [f"{name}.faiss"]

    @classmethod
    def load(cls, folder: Path, name: str, dim: int, **options) -> "FaissExact":
        return cls(dim, _read(Path(folder) / f"{name}.faiss", dim))


def _read(path: Path, dim: int):
    """A FAISS index from its bytes (no pickle involved), checked for its vector size."""
    import faiss

    try:
        index = faiss.deserialize_index(np.frombuffer(path.read_bytes(), dtype=np.uint8))
    except (OSError, RuntimeError) as error:
        raise ValueError(f"cannot read {path.name}: {error}") from error
    if index.d != dim:
        raise ValueError(f"{path.name} holds vectors of size {index.d}, not {dim}")
    return index
