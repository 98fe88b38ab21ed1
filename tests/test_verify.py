"""The verifier, on hand-written model outputs about the seed article."""

import pytest

from qa.answering.verify import Verifier, check_facts, split_generated


@pytest.fixture(scope="module")
def verifier_for(engine):
    """A verifier over given seed paragraphs, numbered [1], [2], ... in the order asked."""
    store = engine.retriever.store

    def make(*paragraphs):
        rows = [next(i for i, p in enumerate(store.passages) if p.paragraph == n) for n in paragraphs]
        vectors = [store.sentence_vectors[store.first_sentence[r]:store.first_sentence[r] + len(store.passages[r].sentences)]
                   for r in rows]
        return Verifier(engine.embedder.embed_question, [store.passages[r].text for r in rows], vectors)

    return make


def test_correct_dutch_paraphrase_is_kept(verifier_for):
    verdict = verifier_for(3, 5).check("Lukashenko is al 26 jaar aan de macht [1].")
    assert verdict.kept and verdict.cites == [1]


def test_english_answer_over_a_dutch_passage_is_kept(verifier_for):
    verdict = verifier_for(9).check("The EU foreign ministers want to impose sanctions on Belarusian officials [1].")
    assert verdict.kept, verdict.reason


def test_a_marker_naming_no_given_passage_is_dropped_or_recited(verifier_for):
    verifier = verifier_for(8, 9)
    verdict = verifier.check("BELZY - 2.2 million [3]")
    assert not verdict.kept and ("2.2" in verdict.reason or "[3]" in verdict.reason)
    recited = verifier.check("De ministers willen sancties opleggen aan de Wit-Russische functionarissen [1].")
    assert recited.kept and recited.cites == [2] and recited.reason == "re-cited"


def test_a_missing_marker_gets_the_supporting_passage_or_the_sentence_goes(verifier_for):
    verifier = verifier_for(7, 5)
    added = verifier.check("De zittende president kreeg ruim 80 procent van de stemmen.")
    assert added.kept and added.cites == [2] and added.reason == "citation added"
    gone = verifier.check("The protesters elected a new parliament.")
    assert not gone.kept


def test_an_invented_number_is_dropped(verifier_for):
    verdict = verifier_for(3).check("Lukashenko is al 31 jaar aan de macht [1].")
    assert not verdict.kept and "31" in verdict.reason


def test_questions_repeats_denials_and_talk_about_passages_are_dropped(verifier_for):
    verifier = verifier_for(1, 3)
    assert "question" in verifier.check("Hoe lang is Lukashenko al aan de macht [2]?").reason
    assert verifier.check("Lukashenko had contact with Putin about the unrest [1].").kept
    assert "repeats" in verifier.check("Lukashenko had contact with Putin about the unrest [1].").reason
    assert not verifier.check("Lukashenko refused to speak with Putin [1].").kept
    assert "passages" in verifier.check("The passage is about Lukashenko's political career [2].").reason


SUPPORTED = [(3, "Lukashenko has been in power for 26 years."),
             (5, "De zittende president kreeg meer dan 80 procent van de stemmen."),
             (5, "The incumbent won over 80 percent of the vote."),
             (9, "They decided this on Friday at an emergency meeting."),
             (7, "Released protesters say they were mistreated in prison."),
             (7, "De oproerpolitie heeft duizenden demonstranten opgepakt."),
             (2, "The Kremlin expects the situation in Belarus to be resolved quickly."),
             (8, "Lukashenko warned Belarusians to stay at home."),
             (6, "The demonstration started at a metro station in Minsk."),
             (4, "Minsk receives less and less financial support from Russia."),
             (1, "Lukashenko spoke with Putin about the unrest.")]
UNSUPPORTED = [(3, "Belarus is a member state of the European Union."),
               (2, "The Kremlin announced it will send troops to Minsk."),
               (1, "Lukashenko refused to speak with Putin."),
               (6, "Het was de kleinste demonstratie in jaren."),
               (5, "De verkiezingen werden als eerlijk beschouwd door waarnemers."),
               (9, "De EU-ministers willen Wit-Rusland toelaten tot de Unie."),
               (5, "The opposition won the election with 60 percent."),
               (8, "Lukashenko zal volgend jaar aftreden.")]


def test_calibration_keeps_most_supported_and_few_unsupported_claims(verifier_for):
    kept = sum(verifier_for(n).check(f"{text[:-1]} [1].").kept for n, text in SUPPORTED)
    leaked = sum(verifier_for(n).check(f"{text[:-1]} [1].").kept for n, text in UNSUPPORTED)
    assert kept >= len(SUPPORTED) - 2
    assert leaked <= 1


# Claims written after the threshold was set and never used to choose it: held out, so the test of the
# calibration does not grade it on the claims it was fitted to.
HELD_OUT_SUPPORTED = [(3, "Belarus lies between Russia and the EU as a strategic buffer zone."),
                      (4, "Lukashenko turned down a request from Moscow for more interference in Belarusian politics."),
                      (5, "The protests are the largest in Belarus since Lukashenko took office in 1994."),
                      (7, "De regering liet veel betogers na korte tijd weer vrij."),
                      (9, "De EU wil sancties tegen Wit-Russische functionarissen."),
                      (8, "Lukashenko threatened to end the protests harshly.")]
HELD_OUT_UNSUPPORTED = [(3, "Lukashenko has been in power for 10 years."),
                        (4, "Russia has increased its financial support to Minsk."),
                        (7, "De oproerpolitie heeft geen enkele demonstrant opgepakt."),
                        (9, "The EU ministers decided to lift all sanctions on Belarus."),
                        (2, "Het Kremlin noemde de verkiezingen eerlijk."),
                        (8, "Lukashenko invited the protesters to the presidential palace.")]


def test_the_calibration_keeps_supported_claims_it_was_not_fitted_to(verifier_for):
    kept = [text for n, text in HELD_OUT_SUPPORTED if verifier_for(n).check(f"{text[:-1]} [1].").kept]
    assert len(kept) >= len(HELD_OUT_SUPPORTED) - 2, kept


@pytest.mark.xfail(strict=True, reason="a contradiction in other words ('increased' for 'less and less', 'lift' "
                   "for 'impose') passes the cosine check: README, 'Where targets are missed'")
def test_the_calibration_drops_unsupported_claims_it_was_not_fitted_to(verifier_for):
    leaked = [text for n, text in HELD_OUT_UNSUPPORTED if verifier_for(n).check(f"{text[:-1]} [1].").kept]
    assert len(leaked) <= 1, leaked


def test_split_generated_keeps_markers_with_their_sentence():
    assert split_generated("Het is 26 jaar. [1] Hij kreeg 80 procent [2][3]. Klaar") == [
        "Het is 26 jaar [1].", "Hij kreeg 80 procent [2][3].", "Klaar"]


def test_facts_check_knows_exonyms_and_calendars():
    passage = "Poetin sprak vrijdag in Moskou over Wit-Rusland."
    assert check_facts("Putin spoke on Friday in Moscow about Belarus.", passage) == ""
    assert "Berlin" in check_facts("Putin spoke in Berlin.", passage)
