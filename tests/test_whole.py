"""Questions about an article as a whole: recognised in both languages, answered from what the article is."""

import pytest

from qa.answering.answer import answer_kind
from qa.answering.chat import Engine
from qa.answering.whole import asked_about_article


@pytest.mark.parametrize("question, kind", [
    ("Waar gaat dit artikel over?", "topic"),
    ("Wat is het onderwerp van het stuk?", "topic"),
    ("What's this story about?", "topic"),
    ("Kun je het stuk kort samenvatten?", "summary"),
    ("Geef de hoofdpunten", "summary"),
    ("Summarise this article for me", "summary"),
    ("Wie schreef dit artikel?", "author"),
    ("Who is the author?", "author"),
    ("Wanneer verscheen dit artikel?", "date"),
    ("When was the article published?", "date"),
    ("Wat is de kop van het artikel?", "title"),
    ("Which site published this story?", "source"),
    ("Kun je het artikel samenvatten?", "summary"),
    ("In a nutshell?", "summary"),
    ("Door wie is dit geschreven?", "author"),
    ("What is the publication date?", "date"),
    ("Welke personen worden er in het stuk genoemd?", "names"),
])
def test_questions_about_the_article_itself_are_recognised(question, kind):
    assert asked_about_article(question) == kind


@pytest.mark.parametrize("question", [
    "Wie schreef de brief aan de minister?", "Waar gaat de rechtszaak over?",
    "Wanneer werden de verkiezingen gehouden?", "Who wrote the letter?", "What is the law about?",
    "Wat is de titel van het boek?", "When was the bridge opened?",
    "Wie vatte de situatie samen?", "What is the publication date of the new report?",
    # A cue inside another word is no cue ("gist" in "registreerde", "gisteren"; "vat" in "bevat").
    "Hoeveel tackles registreerde Luke Kuechly?", "Wat gebeurde er gisteren?",
    "Wat bevat de samenstelling van het gas?",
])
def test_questions_that_only_look_alike_stay_fact_questions(question):
    assert asked_about_article(question) == ""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The seed and two articles of ours: a Dutch one with an author, an English one."""
    from qa.bench.sets import OWN_DIR
    from tests.conftest import SEED_FILE

    docs = tmp_path_factory.mktemp("whole-docs")
    (docs / SEED_FILE.name).write_bytes(SEED_FILE.read_bytes())
    for name in ("2025-02-windpark-noordzee.txt", "2024-10-school-lunches.txt"):
        (docs / name).write_bytes((OWN_DIR / "docs" / name).read_bytes())
    from qa.settings import Settings

    return Engine.open(Settings(docs_dir=docs, index_dir=tmp_path_factory.mktemp("whole-index")), progress=False)


SEED = "2020-08-wit-rusland-lukashenko-poetin.txt"


def test_a_summary_is_three_to_five_of_the_articles_own_sentences_in_order_each_cited(archive):
    answer = archive.ask("Geef een korte samenvatting.", articles=[SEED]).answer
    assert answer_kind(answer) == "summary" and answer.answerable
    assert 3 <= len(answer.citations) <= 5
    text = archive.document(SEED).text
    positions = [text.index(c.quote) for c in answer.citations]
    assert positions == sorted(positions)  # article order
    for c in answer.citations:
        assert f"{c.quote.strip()} [{c.n}]" in answer.text and c.source == SEED
    assert answer.citations[0].paragraph == 1  # the lead
    assert "Foto" not in answer.text and "(Foto: Pro Shots)" not in " ".join(c.quote for c in answer.citations)


def test_no_summary_sentence_but_the_lead_leans_on_a_sentence_it_does_not_quote(archive):
    from qa import lang

    # The windpark article has "Vissers zijn minder somber. Zij verzetten zich al jaren tegen de windparken".
    for document in archive.documents:
        answer = archive.ask("Geef een korte samenvatting.", articles=[document.source]).answer
        assert len(answer.citations) >= 3, document.source
        assert not any(lang.ANAPHORA.match(c.quote) for c in answer.citations[1:]), document.source


def test_the_topic_is_the_title_and_the_lead(archive):
    answer = archive.ask("Waar gaat het artikel over?", articles=["2025-02-windpark-noordzee.txt"]).answer
    assert answer_kind(answer) == "topic"
    assert "Bouw van windpark Nederwiek uitgesteld" in answer.text and "[1]" in answer.text


def test_date_and_author_come_from_the_metadata_and_an_absent_author_is_said(archive):
    dated = archive.ask("Wanneer verscheen dit artikel?", articles=["2025-02-windpark-noordzee.txt"]).answer
    assert answer_kind(dated) == "metadata" and dated.short == "2025-02-14" and "2025-02-14" in dated.text
    author = archive.ask("Wie heeft dit artikel geschreven?", articles=["2025-02-windpark-noordzee.txt"]).answer
    assert author.short == "Pieter Bakker"
    nobody = archive.ask("Wie heeft dit artikel geschreven?", articles=[SEED]).answer
    assert answer_kind(nobody) == "refusal" and nobody.text == "Het artikel noemt geen auteur."


def test_in_an_archive_a_question_about_the_article_asks_which_one(archive):
    reply = archive.ask("Geef een samenvatting.")
    assert answer_kind(reply.answer) == "clarify" and not reply.answer.citations
    assert "Free school lunches" in reply.answer.text and "Bouw van windpark" in reply.answer.text


def test_the_conversation_or_the_question_says_which_article(archive):
    history = [{"role": "user", "content": "Hoeveel huishoudens krijgen stroom van het windpark?"},
               {"role": "assistant", "content": "4 miljoen"}]
    answer = archive.ask("Wie schreef het artikel?", history).answer
    assert answer.short == "Pieter Bakker"
    named = archive.ask("Geef een samenvatting van het artikel over gratis schoollunches").answer
    assert answer_kind(named) == "summary" and named.citations[0].source == "2024-10-school-lunches.txt"


def test_an_english_question_about_a_dutch_article_says_the_quotes_are_dutch(archive):
    answer = archive.ask("Can you give me a summary in English?", articles=[SEED]).answer
    assert answer_kind(answer) == "summary" and answer.notice == "Quoted from the Dutch article."
    fact = archive.ask("What share of the vote did the incumbent president get?", articles=[SEED]).answer
    assert "80 procent" in fact.short and fact.notice == "Quoted from the Dutch article."


def test_names_are_grouped_and_cited(archive):
    answer = archive.ask("Welke personen worden in het artikel genoemd?", articles=[SEED]).answer
    assert answer_kind(answer) == "names"
    assert "Alexander Lukashenko" in answer.text and "Vladimir Poetin" in answer.text
    people = answer.text.split("Personen:")[1].split(".")[0]
    assert "Russische" not in people and "Kremlin" not in people  # adjectives and institutions are no people


def test_a_summary_of_the_seed_is_fast(archive):
    import time

    archive.ask("Geef een samenvatting.", articles=[SEED])
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        archive.ask("Geef een samenvatting.", articles=[SEED])
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[2] < 0.1
