"""Milvus through pymilvus: a local milvus-lite file, or a Milvus server shared by several app processes.

Milvus also ranks lexically (BM25 over a text field), so both halves of the hybrid search live in the
shared engine. milvus-lite 3.2.2 accepts a Dutch stemmer filter in its analyser but does not apply it
("sanctie" does not find "sancties"), so the text it indexes is already stemmed, by the same Snowball
stemmer the rest of the engine uses.
"""

from __future__ import annotations

import logging
from pathlib import Path

from qa.archive.vectors.base import BackendUnavailable, VectorIndex, as_matrix

COLLECTION = "qa_passages"
BATCH = 2000


class MilvusIndex(VectorIndex):
    """Passages in a Milvus collection: id, source, stemmed text (BM25), dense vector (inner product).

    Args:
        dim: the vector size.
        uri: a file path (milvus-lite, embedded, one process) or `http://host:19530` (a server).
        collection: the collection's name; several indexes may share one server under different names.
    """

    kind = "milvus"

    @classmethod
    def new(cls, dim: int, folder=None, milvus_uri: str = "", collection: str = "", **options) -> "MilvusIndex":
        """A new, empty collection: an old collection of that name is replaced. A milvus-lite file in
        `folder` when no URI is given."""
        index = cls(dim, milvus_uri or str(Path(folder) / "milvus.db"), collection or COLLECTION)
        index.drop()
        return cls(dim, index.uri, index.collection)

    def __init__(self, dim: int, uri: str, collection: str = COLLECTION, token: str = ""):
        from pymilvus import MilvusClient

        # milvus-lite answers some of pymilvus's calls with "not implemented", which its gRPC server logs
        # as errors; nothing is wrong.
        for name in ("pymilvus", "grpc._server"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        super().__init__(dim)
        self.uri, self.collection = uri, collection
        if "://" not in uri:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.client = MilvusClient(uri, token=token) if token else MilvusClient(uri)
            exists = self.client.has_collection(collection)
        except Exception as error:  # pymilvus raises its own kinds for every way a connection fails
            hint = "" if "://" in uri else " (a milvus-lite file takes one process at a time)"
            raise BackendUnavailable(f"cannot open Milvus at {uri}{hint}: {str(error).splitlines()[0][:200]}") from None
        if not exists:
            self._create()
        else:
            self.client.load_collection(collection)  # a reopened collection starts released
            described = self.client.describe_collection(collection)
            dims = [f.get("params", {}).get("dim") for f in described.get("fields", []) if f.get("name") == "dense"]
            if dims and int(dims[0]) != dim:
                raise ValueError(f"Milvus collection {collection} holds vectors of size {dims[0]}, not {dim}")

    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("source", DataType.VARCHAR, max_length=4096)
        schema.add_field("text", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                         analyzer_params={"tokenizer": "standard", "filter": ["lowercase"]})
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                     input_field_names=["text"], output_field_names=["sparse"]))
        params = self.client.prepare_index_params()
        params.add_index("dense", index_type="AUTOINDEX", metric_type="IP")
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        self.client.create_collection(self.collection, schema=schema, index_params=params)

    def add(self, ids, vectors, sources, texts) -> None:
        vectors = as_matrix(vectors, self.dim)
        for start in range(0, len(ids), BATCH):
            rows = [{"id": int(i), "source": s, "text": (t or "∅")[:60000], "dense": v.tolist()}
                    for i, s, t, v in zip(ids[start:start + BATCH], sources[start:start + BATCH],
                                          texts[start:start + BATCH], vectors[start:start + BATCH])]
            self.client.upsert(self.collection, rows)
        # Sealed and indexed segments: searching rows still in memory is ten times slower (measured).
        self.client.flush(self.collection)

    def delete(self, ids) -> None:
        ids = [int(i) for i in ids]
        for start in range(0, len(ids), BATCH):
            self.client.delete(self.collection, ids=ids[start:start + BATCH])
        if ids:
            self.client.flush(self.collection)

    @staticmethod
    def _filter(ids) -> str:
        return "" if ids is None else f"id in [{','.join(str(int(i)) for i in ids)}]"

    def search(self, vector, k, ids=None) -> list[tuple[int, float]]:
        if k <= 0 or (ids is not None and not len(ids)):
            return []
        found = self.client.search(self.collection, data=[as_matrix(vector, self.dim)[0].tolist()],
                                   anns_field="dense", limit=min(k, 16384), filter=self._filter(ids),
                                   search_params={"metric_type": "IP"}, output_fields=["id"])
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0]]

    def lexical(self, terms, k, ids=None) -> list[tuple[int, float]] | None:
        if not terms or k <= 0 or (ids is not None and not len(ids)):
            return []
        found = self.client.search(self.collection, data=[" ".join(terms)], anns_field="sparse",
                                   limit=min(k, 16384), filter=self._filter(ids),
                                   search_params={"metric_type": "BM25"}, output_fields=["id"])
        return [(int(hit["id"]), abs(float(hit["distance"]))) for hit in found[0]]

    def __len__(self) -> int:
        # Counted by a query: the collection's statistics lag behind deletions.
        rows = self.client.query(self.collection, filter="id >= 0 or id < 0", output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def save(self, folder: Path, name: str) -> list[str]:
        return []  # Milvus keeps its data itself

    @classmethod
    def load(cls, folder: Path, name: str, dim: int, uri: str = "", collection: str = COLLECTION,
             **options) -> "MilvusIndex":
        return cls(dim, uri or str(Path(folder) / "milvus.db"), collection)

    def drop(self) -> None:
        """Delete the collection and everything in it."""
        self.client.drop_collection(self.collection)

    def close(self) -> None:
        self.client.close()
