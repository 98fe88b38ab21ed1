"""Vectors: the vector-index seam. `create` makes the backend a setting names; all share `VectorIndex`.

Backends: "exact" (FAISS, every passage compared), "ann" (FAISS IVF, approximate) and "milvus"
(pymilvus: a milvus-lite file or a Milvus server, with BM25 of its own). "auto" takes exact search up to
`ANN_FROM` passages and approximate search past it. pymilvus is imported only when Milvus is chosen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from qa.archive.vectors.base import BackendUnavailable, VectorIndex
from qa.archive.vectors.faiss_ann import FaissANN
from qa.archive.vectors.faiss_exact import FaissExact
from qa.archive.vectors.milvus import MilvusIndex

__all__ = ["BACKENDS", "BackendUnavailable", "VectorIndex", "backend", "create", "kinds", "passage_id",
           "passage_ids", "register", "resolve"]

# The one registry of backends, by the name the `QA_VECTOR_INDEX` setting gives them. The command line's
# choices, `backend` and `create` all read it; a new backend is one `register` call.
BACKENDS: dict[str, type[VectorIndex]] = {}
ANN_FROM = 200_000  # passages; exact search over more takes longer than a question should (see bench --scale)


def register(cls: type[VectorIndex]) -> type[VectorIndex]:
    """Make a backend class available under its `kind` (usable as a class decorator)."""
    BACKENDS[cls.kind] = cls
    return cls


for _cls in (FaissExact, FaissANN, MilvusIndex):
    register(_cls)


def kinds() -> tuple[str, ...]:
    """Every setting `QA_VECTOR_INDEX` takes: "auto" and each registered backend."""
    return ("auto", *BACKENDS)


KINDS = kinds()  # as the command line offers them


def resolve(kind: str, passages: int) -> str:
    """The backend "auto" means for `passages` passages; other kinds as they are.

    Raises:
        ValueError: an unknown kind.
    """
    if kind not in kinds():
        raise ValueError(f"unknown vector index {kind!r}: use one of {', '.join(kinds())}")
    if kind == "auto":
        return "ann" if passages >= ANN_FROM else "exact"
    return kind


def backend(kind: str) -> type[VectorIndex]:
    """The class of a (resolved) kind."""
    if kind not in BACKENDS:
        raise ValueError(f"unknown vector index {kind!r}")
    return BACKENDS[kind]


def create(kind: str, dim: int, folder: Path | None = None, milvus_uri: str = "", nprobe: int | None = None,
           collection: str = "") -> VectorIndex:
    """A new, empty index of a resolved kind (each backend's `new` takes the options it uses).

    Args:
        kind: a registered backend: "exact", "ann", "milvus", …
        dim: the vector size.
        folder: the index folder (a milvus-lite file goes there when no URI is given).
        milvus_uri: a Milvus server (`http://host:19530`) or milvus-lite file.
        nprobe: groups searched by "ann".
        collection: the Milvus collection name.
    """
    return backend(kind).new(dim, folder=folder, milvus_uri=milvus_uri, nprobe=nprobe, collection=collection)


def passage_id(passage_key: str) -> int:
    """A stable 63-bit id for a passage's string id, the same in every backend and process."""
    return int.from_bytes(hashlib.blake2b(passage_key.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def passage_ids(keys: list[str]) -> np.ndarray:
    return np.array([passage_id(k) for k in keys], dtype=np.int64)
