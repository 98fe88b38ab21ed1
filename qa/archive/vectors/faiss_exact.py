"""FAISS exact search: every passage compared, for collections up to a few hundred thousand."""

from __future__ import annotations

from pathlib import Path

from qa.archive.vectors.faiss_common import FaissIndex, read_index


class FaissExact(FaissIndex):
    """`IndexIDMap2(IndexFlatIP)`: exact inner product under our ids.

    Args:
        dim: the vector size.
    """

    kind = "exact"

    def __init__(self, dim: int, index=None):
        import faiss

        super().__init__(dim, index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    def _add(self, ids, vectors) -> None:
        if len(ids):
            super()._add(ids, vectors)

    @classmethod
    def load(cls, folder: Path, name: str, dim: int, **options) -> "FaissExact":
        return cls(dim, read_index(Path(folder) / f"{name}.faiss", dim))
