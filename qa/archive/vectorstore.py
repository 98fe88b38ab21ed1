"""Vectorstore: the passage store seen through LangChain's `VectorStore` interface, for LangChain code."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from qa.archive.embeddings import Embedder
from qa.archive.store import PassageStore

Embeddings.register(Embedder)  # every model of the registry speaks LangChain's interface


class PassageVectorStore(VectorStore):
    """A LangChain `VectorStore` over a `PassageStore`: similarity search returns passages as LangChain
    `Document`s (text as `page_content`, the passage's fields as metadata, its id as `id`).

    The store is built from articles, so adding texts here is refused: add an article
    (`python app.py add`, or `qa.archive.articles`) and it is indexed.

    Args:
        store: the passage store.
    """

    def __init__(self, store: PassageStore):
        self.store = store

    @property
    def embeddings(self) -> Embeddings | None:
        return self.store.embeddings

    def add_texts(self, texts: Iterable[str], metadatas: list[dict] | None = None, **kwargs: Any) -> list[str]:
        raise NotImplementedError("the store is built from articles: add a file with `python app.py add` "
                                  "(or qa.archive.articles), and it is indexed")

    @classmethod
    def from_texts(cls, texts, embedding, metadatas=None, **kwargs):
        raise NotImplementedError("the store is built from articles: use qa.archive.index.open_index")

    def as_document(self, row: int) -> Document:
        """Passage `row` as a LangChain `Document`."""
        passage = self.store.passages[row]
        meta = passage.to_dict()
        return Document(page_content=meta.pop("text"), metadata=meta, id=passage.id)

    def similarity_search_with_score(self, query: str, k: int = 4, **kwargs: Any) -> list[tuple[Document, float]]:
        vector = np.asarray(self.store.embeddings.embed_query(query), dtype=np.float32)
        return [(self.as_document(row), score) for row, score in self.store.search_vector(vector, k)]

    def similarity_search(self, query: str, k: int = 4, **kwargs: Any) -> list[Document]:
        return [document for document, _ in self.similarity_search_with_score(query, k)]
