"""Names in a sentence: people, places, organisations and quoted titles, as the whole-article answers list them."""

from qa.answering.spans import names


def _texts(sentence: str, kind: str | None = None) -> list[str]:
    return [s.text for s in names(sentence) if kind is None or s.kind == kind]


def test_a_weekday_or_a_month_is_no_name():
    found = _texts("The race was moved to October, the organisers said on Monday.")
    assert "Monday" not in found and "October" not in found


def test_an_initial_belongs_to_the_name():
    assert "M. Theo Kearney" in _texts("Vernoemd naar ondernemer M. Theo Kearney, die rijk werd.", "person")


def test_a_role_opening_a_capitalised_run_is_no_part_of_the_name():
    assert _texts("Voorzitter Thijs Kurvers van de vereniging verwacht groei.") == ["Thijs Kurvers"]
    assert _texts("Directeur Van Gelder zei dat.") == ["Van Gelder"]


def test_places_organisations_and_people_are_told_apart():
    sentence = "Volgens president Alexander Lukashenko en de EU kwamen duizenden mensen bijeen in Minsk."
    assert _texts(sentence, "person") == ["Alexander Lukashenko"]
    assert _texts(sentence, "organisation") == ["EU"]
    assert _texts(sentence, "place") == ["Minsk"]


def test_an_adjective_made_from_a_name_and_a_capital_opening_the_sentence_are_no_names():
    assert _texts("Russische diplomaten waren er niet.") == []
    assert "Belarusian" not in _texts("He met the Belarusian leader in Moscow.")


def test_a_quoted_title_is_found():
    assert "De Avond" in _texts("Het boek \u201cDe Avond\u201d verscheen in 1947.", "title")
