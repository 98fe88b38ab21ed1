"""The short answer: the exact words that answer, chosen among a sentence's spans by the fitted model."""

import json

from qa import short
from qa.short import candidates, short_answer
from qa.spans import asked


def test_the_short_answer_is_new_to_the_question_and_stands_in_the_sentence():
    question = "Hoeveel leerlingen telt de school sinds 2019?"
    sentence = "Sinds 2019 telt de school 850 leerlingen, tegen 600 in 2010."
    short = short_answer(sentence, question, asked(question))
    assert short.text == "850" and sentence[short.start:short.end] == "850"


def test_questions_without_a_single_fact_get_no_short_answer():
    question = "Waarom staakten de buschauffeurs?"
    assert short_answer("De chauffeurs staakten omdat hun loon al drie jaar niet steeg.", question,
                        asked(question)) is None


def test_a_place_name_is_told_from_a_person_by_its_preposition_and_a_sentence_end_never_joins_names():
    question = "Waar werd de helm gevonden?"
    sentence = "De politie vond de helm in Ploiești. Het museum in Boekarest leende hem uit."
    short = short_answer(sentence, question, asked(question))
    assert short.text == "Ploiești"


def test_a_count_is_the_number_before_the_thing_counted():
    trees = "Hoeveel bomen worden er geplant?"
    assert short_answer("De gemeente plant 1200 nieuwe bomen.", trees, asked(trees)).text == "1200"


def test_english_questions_get_their_short_answer_too():
    question = "Who designed the new museum?"
    sentence = "The new museum, designed by Renzo Piano, opens in May."
    assert short_answer(sentence, question, asked(question)).text == "Renzo Piano"


def test_candidates_never_cross_punctuation_and_keep_a_currency_sign_with_its_number():
    question = "Wat kost het kaartje?"
    sentence = "Het kaartje kost €12, zegt de organisatie."
    bounds, features = candidates(sentence, question, asked(question))
    found = [sentence[start:end] for start, end in bounds]
    assert features.shape == (len(found), len(short.FEATURES))
    assert "€12" in found
    assert not any("," in text for text in found)


def test_the_fitted_weights_are_read_from_the_file_the_fit_writes(tmp_path, monkeypatch):
    saved = tmp_path / "short.json"
    saved.write_text(json.dumps({"bias": -50.0, "weights": {}, "threshold": 0.5}))
    monkeypatch.setattr(short, "WEIGHTS_FILE", saved)
    short.weights.cache_clear()
    try:
        question = "Hoeveel bomen worden er geplant?"
        # A model sure of nothing gives no short answer: the reader gets the sentence alone.
        assert short_answer("De gemeente plant 1200 nieuwe bomen.", question, asked(question)) is None
    finally:
        short.weights.cache_clear()


def test_an_initial_stays_inside_a_name():
    question = "Wie leidde de commissie?"
    sentence = "De commissie stond onder leiding van zijn assistent Nicholas E. Golovin in juli 1961."
    bounds, _ = candidates(sentence, question, asked(question))
    assert "Nicholas E. Golovin" in [sentence[start:end] for start, end in bounds]
    assert short_answer(sentence, question, asked(question)).text == "Nicholas E. Golovin"
    # A name never ends on its initial.
    assert not [sentence[start:end] for start, end in bounds if sentence[start:end].endswith(" E.")]


def test_what_something_is_called_is_the_quoted_phrase():
    for question, sentence, expected in [
        ("Hoe noemde de wethouder het plan?", "De wethouder noemde het plan 'een gemiste kans' tijdens het debat.",
         "een gemiste kans"),
        ("What did the mayor call the plan?", 'The mayor called the plan "a missed chance" during the debate.',
         "a missed chance"),
    ]:
        assert short_answer(sentence, question, asked(question)).text == expected


def test_the_question_words_preposition_leads_to_the_answer():
    from qa.short import preposition

    assert preposition("Door wie werd de brug ontworpen?") == "door"
    assert preposition("Wie ontwierp de brug?") == ""
    question = "Door wie werd de brug ontworpen?"
    sentence = "De brug, die in 2019 openging, werd ontworpen door het bureau Benthem Crouwel."
    assert "Benthem Crouwel" in short_answer(sentence, question, asked(question)).text


def test_a_count_of_a_substance_keeps_its_unit():
    question = "Hoeveel diesel bespaart de nieuwe pont per jaar?"
    sentence = "De elektrische pont scheelt 1,8 miljoen liter diesel per jaar."
    assert short_answer(sentence, question, asked(question)).text == "1,8 miljoen liter"


def test_a_time_or_a_score_is_one_span():
    sentences = ["The course record of 2:03:36 was set in 2021.", "De Broncos wonnen met 23:16 van de Steelers."]
    for sentence, whole in zip(sentences, ["2:03:36", "23:16"]):
        texts = {sentence[a:b] for a, b in candidates(sentence, "What was it?", asked("What was it?"))[0]}
        assert whole in texts and whole.split(":")[0] not in texts


def test_a_rare_word_weighs_for_a_span_and_the_fit_agrees():
    question = "Welk bureau heeft het ontwerp gemaakt?"
    sentence = "Het ontwerp is gemaakt door Mecanoo uit Delft."
    bounds, x = candidates(sentence, question, asked(question))
    rarest = {sentence[a:b]: row[short.FEATURES.index("rarest word")] for (a, b), row in zip(bounds, x)}
    assert rarest["Mecanoo"] == 1.0 > rarest["ontwerp"]
    assert short.weights()["weights"]["rarest word"] > 0


def test_a_span_the_question_already_holds_is_never_the_short_answer():
    question = "Who did Lukashenko speak with?"
    sentence = "Het gesprek tussen Lukashenko en zijn Russische collega duurde een uur."
    # Weights under which the name is the model's likeliest span: the rule, not the fit, must set it aside.
    names_first = {"weights": {"name: whole name": 5.0}, "threshold": 0.0}
    bounds, features = candidates(sentence, question, asked(question))
    likeliest = bounds[short.probabilities(features, names_first).argmax()]
    assert sentence[likeliest[0]:likeliest[1]] == "Lukashenko"
    found, _ = short.best(sentence, question, asked(question), names_first)
    assert "Lukashenko" not in found.text
    found = short_answer(sentence, question, asked(question))
    assert found is None or "Lukashenko" not in found.text


def test_a_short_answer_never_stops_at_a_names_adjective_before_its_noun():
    question = "Who did Lukashenko speak with?"
    sentence = "Het contact tussen Lukashenko en zijn Russische collega komt op een slecht moment."
    found = short_answer(sentence, question, asked(question))
    assert found is not None and not found.text.endswith("Russische")


def test_the_alternative_a_sentence_sets_aside_is_not_the_short_answer():
    question = "When will the marathon be held from 2027?"
    sentence = "The marathon will be held in October instead of April from 2027, the organisers said."
    assert short_answer(sentence, question, asked(question)).text == "October"
    vraag = "Wanneer wordt de marathon voortaan gelopen?"
    zin = "De marathon wordt voortaan in oktober gelopen in plaats van april."
    assert short_answer(zin, vraag, asked(vraag)).text == "oktober"


def test_how_much_with_no_unit_named_asks_for_any_amount():
    question = "How much does the city contribute?"
    assert asked(question).kind == "amount"
    sentence = "The city council contributes 1.1 million euros a year to the event."
    assert short_answer(sentence, question, asked(question)).text == "1.1 million euros"
