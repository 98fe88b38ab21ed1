"""FAISS approximate search (IVF): past a few hundred thousand passages, where exact search gets slow."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from qa.vectors.base import VectorIndex, as_matrix
from qa.vectors.faiss_exact import _read

DEFAULT_NPROBE = 64


class FaissANN(VectorIndex):
    """An inverted-file index (`IndexIVFFlat`, inner product): vectors are grouped around `nlist`
    centroids and a search looks only in the `nprobe` groups nearest the question. Vectors are kept
    whole (no quantisation), so recall depends on `nprobe` alone; deletions are exact.

    It learns its centroids from the first vectors it is given (at least 39 per centroid, as FAISS asks),
    so build it with `add` on the whole collection, then add and delete articles as they change.

    Args:
        dim: the vector size.
        nprobe: groups searched per question (more: better recall, slower).
    """

    kind = "ann"

    def __init__(self, dim: int, index=None, nprobe: int = DEFAULT_NPROBE):
        super().__init__(dim)
        self.index = index
        self.nprobe = nprobe

    @staticmethod
    def lists_for(n: int) -> int:
        """Centroids for `n` vectors: about 4√n, with at least 39 training vectors each."""
        return max(1, min(int(4 * math.sqrt(max(n, 1))), n // 39))

    def add(self, ids, vectors, sources, texts) -> None:
        import faiss

        vectors = as_matrix(vectors, self.dim)
        if self.index is None:
            nlist = self.lists_for(len(vectors))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dim), self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
            sample = vectors if len(vectors) <= 256 * nlist else vectors[
                np.random.default_rng(0).choice(len(vectors), 256 * nlist, replace=False)]
            if len(sample) < 39 * nlist:  # a tiny collection: repeated, so FAISS has the points it asks for
                sample = np.resize(sample, (39 * nlist, self.dim))
            index.train(sample)
            self.index = index
        if len(ids):
            self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def delete(self, ids) -> None:
        import faiss

        if self.index is not None and len(ids):
            self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))

    def search(self, vector, k, ids=None) -> list[tuple[int, float]]:
        import faiss

        k = min(k, len(self) if ids is None else len(ids))
        if k <= 0:
            return []
        params = faiss.SearchParametersIVF(nprobe=min(self.nprobe, self.index.nlist))
        if ids is not None:
            params.sel = faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64))
            params.nprobe = self.index.nlist  # a few articles' passages may sit anywhere: look everywhere
        scores, found = self.index.search(as_matrix(vector, self.dim), k, params=params)
        return [(int(i), float(s)) for i, s in zip(found[0], scores[0]) if i >= 0]

    def __len__(self) -> int:
        return 0 if self.index is None else int(self.index.ntotal)

    def save(self, folder: Path, name: str) -> list[str]:
        import faiss

        from qa.files import atomic_write

        if self.index is None:
            return []
        data = faiss.serialize_index(self.index).tobytes()
        atomic_write(Path(folder) / f"{name}.faiss", lambda handle: handle.write(data))
        return [f"{name}.faiss"]

    @classmethod
    def load(cls, folder: Path, name: str, dim: int, nprobe: int = DEFAULT_NPROBE, **options) -> "FaissANN":
        path = Path(folder) / f"{name}.faiss"
        return cls(dim, _read(path, dim) if path.exists() else None, nprobe)
