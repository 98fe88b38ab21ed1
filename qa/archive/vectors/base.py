"""The vector-index interface every backend implements: passages in, nearest passages out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np


class BackendUnavailable(ValueError):
    """The backend cannot be reached (a Milvus server down, a milvus-lite file held by another process):
    not damage, so the index is not rebuilt; the message says what to do."""


class VectorIndex(ABC):
    """Unit vectors of passages under stable 64-bit ids, searched by inner product (cosine).

    Each id belongs to one article (`source`), so that an article's passages can be added, replaced
    or removed alone, and a search can be limited to some articles.

    Attributes:
        kind: the backend's name, as the `QA_VECTOR_INDEX` setting gives it.
        dim: the vector size.
    """

    kind: str = ""

    def __init__(self, dim: int):
        self.dim = dim

    @abstractmethod
    def add(self, ids: np.ndarray, vectors: np.ndarray, sources: list[str], texts: list[str]) -> None:
        """Add passages: `ids[i]` has unit vector `vectors[i]`, belongs to `sources[i]`, and reads
        `texts[i]` (its content-word stems, for backends that rank lexically themselves)."""

    @abstractmethod
    def delete(self, ids: np.ndarray) -> None:
        """Remove these passages (unknown ids are ignored)."""

    @abstractmethod
    def search(self, vector: np.ndarray, k: int, ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` passages nearest `vector`, best first, as `(id, cosine)`; only among `ids` if given."""

    def lexical(self, terms: list[str], k: int, ids: np.ndarray | None = None) -> list[tuple[int, float]] | None:
        """BM25 ranking by the backend itself, as `(id, score)` best first; None when it has none (the
        retriever then ranks with its own BM25)."""
        return None

    @abstractmethod
    def __len__(self) -> int:
        """How many passages it holds."""

    @abstractmethod
    def save(self, folder: Path, name: str) -> list[str]:
        """Persist to `folder` (file names starting with `name`); returns the files written."""

    @classmethod
    def new(cls, dim: int, **options) -> "VectorIndex":
        """A new, empty index; `options` are the `qa.archive.vectors.create` ones, each backend taking what it uses."""
        return cls(dim)

    @classmethod
    @abstractmethod
    def load(cls, folder: Path, name: str, dim: int, **options) -> "VectorIndex":
        """Open what `save` wrote. Raises `ValueError` when it is damaged."""

    def close(self) -> None:
        """Let go of connections and files."""


def as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    """`vectors` as a C-contiguous float32 `(n, dim)` array, as FAISS wants."""
    return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))
