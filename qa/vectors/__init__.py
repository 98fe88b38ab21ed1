"""Vectors: the vector-index seam. `create` makes the backend a setting names; all share `VectorIndex`.

Backends: "exact" (FAISS, every passage compared), "ann" (FAISS IVF, approximate) and "milvus"
(pymilvus: a milvus-lite file or a Milvus server, with BM25 of its own). "auto" takes exact search up to
`ANN_FROM` passages and approximate search past it. pymilvus is imported only when Milvus is chosen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from qa.vectors.base import BackendUnavailable, VectorIndex
from qa.vectors.faiss_ann import DEFAULT_NPROBE, FaissANN
from qa.vectors.faiss_exact import FaissExact
from qa.vectors.milvus import COLLECTION, MilvusIndex

__all__ = ["BackendUnavailable", "VectorIndex", "create", "backend", "resolve", "passage_id", "passage_ids"]

KINDS = ("auto", "exact", "ann", "milvus")
ANN_FROM = 200_000  # passages; exact search over more takes longer than a question should (see bench --scale)


def resolve(kind: str, passages: int) -> str:
    """The backend "auto" means for `passages` passages; other kinds as they are.

    Raises:
        ValueError: an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown vector index {kind!r}: use one of {', '.join(KINDS)}")
    if kind == "auto":
        return "ann" if passages >= ANN_FROM else "exact"
    return kind


def backend(kind: str) -> type[VectorIndex]:
    """The class of a (resolved) kind."""
    if kind == "exact":
        return FaissExact
    if kind == "ann":
        return FaissANN
    if kind == "milvus":
        return MilvusIndex
    raise ValueError(f"unknown vector index {kind!r}")


def create(kind: str, dim: int, folder: Path | None = None, milvus_uri: str = "", nprobe: int | None = None,
           collection: str = "") -> VectorIndex:
    """A new, empty index of a resolved kind.

    Args:
        kind: "exact", "ann" or "milvus".
        dim: the vector size.
        folder: the index folder (a milvus-lite file goes there when no URI is given).
        milvus_uri: a Milvus server (`http://host:19530`) or milvus-lite file.
        nprobe: groups searched by "ann".
        collection: the Milvus collection name.
    """
    if kind == "milvus":
        index = MilvusIndex(dim, milvus_uri or str(Path(folder) / "milvus.db"), collection or COLLECTION)
        index.drop()  # a new index starts empty; an old collection of that name is replaced
        return MilvusIndex(dim, index.uri, index.collection)
    if kind == "ann":
        return FaissANN(dim, nprobe=nprobe or DEFAULT_NPROBE)
    return backend(kind)(dim)


def passage_id(passage_key: str) -> int:
    """A stable 63-bit id for a passage's string id, the same in every backend and process."""
    return int.from_bytes(hashlib.blake2b(passage_key.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def passage_ids(keys: list[str]) -> np.ndarray:
    return np.array([passage_id(k) for k in keys], dtype=np.int64)
