"""Text helpers: folding accents away exactly as Unicode decomposition says, stems without stopwords."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.text import fold, stems


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_drops_exactly_the_combining_marks_after_decomposition(text):
    decomposed = unicodedata.normalize("NFKD", text.lower())
    assert fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c))


def test_accents_fold_and_stopwords_go():
    assert fold("Financiële café") == "financiele cafe"
    assert stems("De financiële sancties van de EU") == stems("financiele sanctie EU")
