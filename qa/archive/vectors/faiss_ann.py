"""FAISS approximate search (IVF): past a few hundred thousand passages, where exact search gets slow."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from qa.archive.vectors.faiss_common import FaissIndex, read_index

DEFAULT_NPROBE = 64


class FaissANN(FaissIndex):
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

    @classmethod
    def new(cls, dim: int, nprobe: int | None = None, **options) -> "FaissANN":
        return cls(dim, nprobe=nprobe or DEFAULT_NPROBE)

    def __init__(self, dim: int, index=None, nprobe: int = DEFAULT_NPROBE):
        super().__init__(dim, index)
        self.nprobe = nprobe

    @staticmethod
    def lists_for(n: int) -> int:
        """Centroids for `n` vectors: about 4√n, with at least 39 training vectors each."""
        return max(1, min(int(4 * math.sqrt(max(n, 1))), n // 39))

    def _add(self, ids, vectors) -> None:
        import faiss

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
            super()._add(ids, vectors)

    def _search_params(self, ids):
        import faiss

        params = faiss.SearchParametersIVF(nprobe=min(self.nprobe, self.index.nlist))
        if ids is not None:
            params.sel = faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64))
            params.nprobe = self.index.nlist  # a few articles' passages may sit anywhere: look everywhere
        return params

    @classmethod
    def load(cls, folder: Path, name: str, dim: int, nprobe: int = DEFAULT_NPROBE, **options) -> "FaissANN":
        path = Path(folder) / f"{name}.faiss"
        return cls(dim, read_index(path, dim) if path.exists() else None, nprobe)
