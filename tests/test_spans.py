"""Answer types and short answers: what a question asks for, and the exact words of a sentence that answer."""

import pytest

from qa.spans import asked, candidates, holds_answer, spans


@pytest.mark.parametrize("question, kind", [
    ("Hoeveel kost een kaartje voor het concert?", "money"),
    ("What does a ticket for the concert cost?", "money"),
    ("Welk percentage van de kiezers stemde?", "percentage"),
    ("Hoe oud is de burgemeester?", "age"),
    ("Hoe diep is het kanaal?", "length"),
    ("How tall is the tower?", "length"),
    ("In welk jaar sloot de mijn?", "year"),
    ("Hoelang duurde de staking?", "duration"),
    ("Hoe hoog was de hoogste temperatuur van de zomer?", "temperature"),
    ("What was the highest temperature last week?", "temperature"),
    ("How long did the strike last?", "duration"),
    ("Wanneer opent het museum?", "date"),
    ("Hoeveel leerlingen telt de school?", "count"),
    ("How many pupils does the school have?", "count"),
    ("Hoe hoog is de toren?", "amount"),
    ("Hoe hoog is de boete?", "money"),
    ("Waar woont de schrijver?", "place"),
    ("Wie leidt het onderzoek?", "person"),
    ("Waarom staakten de buschauffeurs?", "none"),
    ("Why did the drivers strike?", "none"),
    ("Wat is de hoofdstad van Frankrijk?", ""),
])
def test_a_question_asks_for_a_kind_of_fact(question, kind):
    assert asked(question).kind == kind


def test_words_inside_other_words_are_no_cue():
    assert asked("Welke hoeveelheid water stroomde weg?").kind != "count"  # "hoeveelheid" is no "hoeveel"
    assert asked("Hoe heet de nieuwe directeur?").kind != "temperature"  # "hoe heet" asks for a name


def test_a_count_knows_what_it_counts():
    assert asked("Hoeveel bomen worden er geplant?").focus == "boom"
    assert asked("How many players are in the squad?").focus == "player"


@pytest.mark.parametrize("kind, sentence, expected", [
    ("money", "Een kaartje kost dit jaar 45 euro, vijf euro meer dan vorig jaar.", "45 euro"),
    ("money", "The bridge cost €2.8 million to build.", "€2.8 million"),
    ("percentage", "De partij kreeg 6,4% van de stemmen.", "6,4%"),
    ("length", "De toren is 120 meter hoog.", "120 meter"),
    ("year", "De mijn sloot in 1974 haar poorten.", "1974"),
    ("date", "Het museum opent op 3 maart 2026 zijn deuren.", "3 maart 2026"),
    ("date", "De aanleg begint in het voorjaar van 2027.", "voorjaar van 2027"),
    ("duration", "De staking duurde drie weken.", "drie weken"),
    ("temperature", "Het werd gisteren 31 graden in Maastricht.", "31 graden"),
])
def test_spans_of_each_kind_are_found_whole(kind, sentence, expected):
    assert expected in [s.text for s in spans(sentence, kind)]


def test_a_count_answer_must_count_the_thing_asked_about():
    question = "Hoeveel auto's kunnen er mee op de veerboot?"
    wanted = asked(question)
    assert not candidates("De veerboot vaart sinds 1998 en bespaart 3 miljoen liter diesel per jaar.", question, wanted)
    assert candidates("Op de veerboot kunnen 40 auto's en 200 fietsen mee.", question, wanted)


def test_a_year_is_no_count_but_a_number_before_its_noun_is():
    question = "How many players are in the squad?"
    assert not holds_answer("The squad was formed in 2019.", question, asked(question))
    assert holds_answer("The squad of 23 players was formed in 2019.", question, asked(question))


def test_a_price_question_is_not_answered_by_a_sentence_without_a_price():
    question = "Wat kost een abonnement?"
    assert not holds_answer("Het abonnement geldt voor alle lijnen in de provincie.", question, asked(question))
    assert holds_answer("Een abonnement kost 60 euro per maand.", question, asked(question))


@pytest.mark.parametrize("question, kind", [
    ("How long is the course?", "length"),
    ("Hoe lang is de nieuwe brug?", "length"),
    ("Hoeveel vierkante meter is de bibliotheek?", "area"),
    ("What is the area of the park?", "area"),
])
def test_a_length_and_an_area_are_asked_apart(question, kind):
    assert asked(question).kind == kind


def test_a_length_is_answered_by_a_length_only():
    question = "How long is the course?"
    assert not holds_answer("The ferry saves 1.8 million litres of diesel a year.", question, asked(question))
    assert not holds_answer("The park covers 40 square kilometres.", question, asked(question))
    assert holds_answer("Runners cover the 42.195-kilometre course twice.", question, asked(question))
    assert [s.text for s in spans("Dit gebied beslaat 7.000 vierkante kilometer.", "length")] == []


def test_a_count_may_leave_the_thing_counted_to_the_sentence_before():
    question = "How many runners were taken to hospital?"
    wanted = asked(question)
    assert holds_answer("Eleven were taken to hospital.", question, wanted,
                        before="Last April 312 runners needed medical help.")
    # Without the runners in the sentence before, the number counts something else.
    assert not holds_answer("Eleven were taken to hospital.", question, wanted, before="The heat was fierce.")
    # A number that names its own thing does not borrow one.
    assert not holds_answer("Eleven ambulances were on duty.", question, wanted,
                            before="Last April 312 runners needed medical help.")


def test_a_count_looks_for_its_thing_within_its_own_sentence():
    question = "Hoeveel auto's kunnen er mee op de pont?"
    wanted = asked(question)
    # Two sentences quoted together: the cars of the second are not what the first one's numbers count.
    assert not holds_answer("Er is plaats voor 500 passagiers en 300 fietsen. Auto's kunnen niet mee.",
                            question, wanted)
    assert holds_answer("Er is plaats voor 500 passagiers. Ook 40 auto's kunnen mee.", question, wanted)
    # Within a quote, the sentence before a lone number is the one quoted before it.
    runners = "How many runners were taken to hospital?"
    assert holds_answer("312 runners needed medical help. Eleven were taken to hospital.", runners,
                        asked(runners), before="The heat was fierce.")


@pytest.mark.parametrize("question, focus", [
    ("Hoeveel kost een abonnement voor forensen?", "abonnement"),
    ("Wat kost de nieuwe veerpont?", "veerpont"),
    ("How much does a swimming lesson cost?", "lesson"),
    ("What is the price of a ticket?", "ticket"),
    ("Hoeveel geld kost het?", ""),
])
def test_a_price_question_knows_what_is_priced(question, focus):
    assert asked(question).focus == focus


def test_a_role_or_a_priced_thing_must_be_in_the_article():
    from qa.spans import article_mentions, checks_article
    from qa.text import words

    article = frozenset(words("De nieuwe veerpont kost 38 miljoen euro. Een enkele reis kost 4,50 euro. "
                              "Directeur Jan de Vries van de rederij is blij."))
    for question, mentioned in [("Hoeveel kost een abonnement?", False), ("Wat kost een enkele reis?", True),
                                ("Wie is de kapitein van de veerpont?", False), ("Wie is de directeur?", True)]:
        wanted = asked(question)
        assert checks_article(wanted)
        assert article_mentions(article, "nl", question, wanted) is mentioned, question
    # An English role is looked for in its Dutch form; a word whose form is not known gives no verdict.
    assert not article_mentions(article, "nl", "Who is the captain?", asked("Who is the captain?"))
    assert article_mentions(article, "nl", "Who is the director?", asked("Who is the director?"))
    assert article_mentions(article, "nl", "Who is the race steward?", asked("Who is the race steward?"))


def test_a_weekday_or_a_month_is_no_name():
    found = [s.text for s in spans("The race was moved to October, the organisers said on Monday.", "person")]
    assert "Monday" not in found and "October" not in found


def test_an_initial_belongs_to_the_name():
    assert "M. Theo Kearney" in [s.text for s in spans("Vernoemd naar ondernemer M. Theo Kearney, die rijk werd.",
                                                       "person")]


def test_an_activity_priced_is_no_thing_to_look_for():
    # An article tells an activity in words of its own: "het opknappen" may be its "restauratie".
    assert asked("Wat kostte het opknappen van de beelden?").focus == ""
    assert asked("How much did the rebuilding cost?").focus == ""
    assert asked("Hoeveel kost het zwembad?").focus == "zwembad"


def test_a_year_put_in_time_is_no_count_even_before_a_verb():
    assert [s.text for s in spans("In 1466 stierven in Parijs 40.000 mensen aan de pest.", "count")] == ["40.000"]
    assert [s.text for s in spans("Since 1994 officials counted 1200 ballots.", "count")] == ["1200"]


def test_a_year_answers_how_long_only_as_the_start_of_the_time():
    question = "How long has he been in power?"
    wanted = asked(question)
    assert wanted.kind == "duration"
    assert holds_answer("Het zijn de grootste protesten sinds zijn aantreden in 1994.", question, wanted)
    assert holds_answer("He has ruled the country since 1994.", question, wanted)
    # A year that only dates something says nothing of how long.
    assert not holds_answer("Zijn partij werd in de jaren 1950 opgericht.", question, wanted)


def test_a_date_must_fit_the_tense_of_the_question_against_the_articles_date():
    sworn_in = "Het zijn de grootste demonstraties sinds zijn aantreden in 1994."
    next_vote = "Wanneer zijn de volgende verkiezingen?"
    assert not candidates(sworn_in, next_vote, asked(next_vote), written="2020-08")
    built = "In welk jaar werd de veerpont gebouwd?"
    sails = "De nieuwe pont moet vanaf september 2026 in de vaart komen."
    assert not candidates(sails, built, asked(built), written="2025-06")
    when_sails = "Wanneer gaat de nieuwe pont varen?"
    assert [s.text for s in candidates(sails, when_sails, asked(when_sails), written="2025-06")] == ["september 2026"]
    # Without the article's date, or without a tense in the question, the date may answer.
    assert candidates(sails, built, asked(built))
    assert candidates(sworn_in, "In welk jaar trad hij aan?", asked("In welk jaar trad hij aan?"), written="2020-08")


def test_a_share_is_no_count():
    question = "Hoeveel landen liggen er in het Amazonegebied?"
    assert not holds_answer("Zeventig procent van het land en 91% van het bos wordt gebruikt als weiland.",
                            question, asked(question))
    assert holds_answer("Het gebied ligt in negen landen.", question, asked(question))


@pytest.mark.parametrize("question", ["Hoeveel zwaarder is zuurstof-18 dan zuurstof-16?",
                                      "How much higher was the loss than the year before?",
                                      "Hoeveel van de bossen is verdwenen?"])
def test_a_difference_or_a_part_may_be_any_amount_a_share_included(question):
    wanted = asked(question)
    assert wanted.kind == "amount" and not wanted.focus
    assert holds_answer("Het verlies was 18% hoger dan in de jaren ervoor.", question, wanted)


@pytest.mark.parametrize("question, kind, focus", [
    ("Hoe vaak kwam de pest voor in Venetië?", "amount", ""),
    ("How often did the plague return?", "amount", ""),
    ("Wat is de schatting van het aantal boomsoorten?", "count", "boomsoort"),
    ("What was the estimated number of tree species?", "count", "tree"),
])
def test_how_often_asks_for_a_number_and_the_number_of_a_thing_for_its_count(question, kind, focus):
    assert (asked(question).kind, asked(question).focus) == (kind, focus)


def test_a_count_across_languages_looks_for_the_thing_in_the_sentences_language():
    volunteers = "How many volunteers help at the race?"
    assert not holds_answer("Vorig jaar vervoerde het veer 1,2 miljoen reizigers.", volunteers, asked(volunteers))
    assert holds_answer("Bij de race helpen 1200 vrijwilligers.", volunteers, asked(volunteers))
    rooms = "Hoeveel hotelkamers zijn er in Rotterdam?"
    assert not holds_answer("The marathon attracts around 17,000 runners.", rooms, asked(rooms))
    assert holds_answer("The city has 9,000 hotel rooms.", rooms, asked(rooms))
    # A thing whose form in the other language is not known is not checked.
    goats = "How many goats were there?"
    assert holds_answer("Er waren 300 schapen.", goats, asked(goats))


@pytest.mark.parametrize("question, focus", [
    ("Which opposition candidate ran against the president?", "candidat"),
    ("Welke oppositiekandidaat deed mee aan de verkiezingen?", "oppositiekandidaat"),
    ("Welke Duitse generaal was van hugenootse afkomst?", "neraal"),  # the Snowball stem of "generaal"
])
def test_which_with_a_role_asks_for_a_person_in_that_role(question, focus):
    assert (asked(question).kind, asked(question).focus) == ("person", focus)


def test_which_with_a_thing_that_is_no_role_asks_for_no_person():
    assert asked("Which bridge was built first?").kind == ""


@pytest.mark.parametrize("question, focus", [
    ("Which football club won the match on Sunday?", "club"),
    ("Welke voetbalclub won de wedstrijd?", "voetbalclub"),
    ("Welke partij won de verkiezingen?", "partij"),
])
def test_which_with_a_kind_of_organisation_asks_for_one_its_article_must_name(question, focus):
    wanted = asked(question)
    assert (wanted.kind, wanted.focus) == ("organisation", focus)
    from qa.spans import article_mentions
    from qa.text import words

    about_a_match = frozenset(words("Ajax won zondag met 2-1 van de bezoekende club uit Eindhoven."))
    about_a_protest = frozenset(words("Duizenden mensen gingen zondag de straat op in Minsk."))
    if "club" in focus:
        assert article_mentions(about_a_match, "nl", question, wanted)
    assert not article_mentions(about_a_protest, "nl", question, wanted)


def test_a_capitalised_adjective_is_not_the_thing_counted():
    assert asked("How many Belarusian soldiers were killed?").focus == "soldier"
    assert asked("Hoeveel Duitse toeristen kwamen er?").focus == "toerist"
    assert asked("Hoeveel rode wijn werd er gemaakt?").focus == "rode"  # a lower-case adjective still leads


def test_a_number_with_a_unit_of_its_own_counts_nothing_asked():
    # "goats" has no known Dutch form, so the sentence's nouns are not compared; "26 jaar" is still a
    # span of time, not a number of anything.
    question = "How many goats does the farm keep?"
    assert not candidates("De boerderij bestaat al 26 jaar.", question, asked(question))
    assert [s.text for s in candidates("Op de boerderij lopen 26 geiten.", question, asked(question))] == ["26"]


def test_a_number_of_years_held_for_a_time_or_ago_is_no_age():
    question = "Hoe oud is Lukashenko?"
    held = "De Wit-Russische president, die al 26 jaar aan de macht is, zei dat de demonstraties ook Rusland raken."
    assert not holds_answer(held, question, asked(question))
    assert not holds_answer("He has ruled the country for 26 years.", "How old is he?", asked("How old is he?"))
    assert not spans("Twintig jaar geleden waren dat er nog maar 15.", "age")  # a moment, not an age
    for sentence, age in [("De 65-jarige president zei dat.", "65-jarige"), ("Hij werd 80 jaar oud.", "80 jaar oud"),
                          ("The 65-year-old president spoke.", "65-year-old"), ("Poetin, 67 jaar, zei dat.", "67 jaar")]:
        assert [s.text for s in spans(sentence, "age")] == [age]


def test_a_count_of_people_is_answered_by_a_count_of_any_people():
    # "mensen" and "people" name no kind of person; "demonstranten", "inwoners" and a role are people too.
    for question, sentence, numbers in [
            ("How many people were arrested?", "Duizenden demonstranten zijn opgepakt door de politie.", ["Duizenden"]),
            ("Hoeveel mensen wonen er in de stad?", "De stad telt 1,3 miljoen inwoners.", ["1,3 miljoen"]),
            ("Hoeveel mensen kwamen er?", "Er kwamen 300 bezoekers en 12 ministers.", ["300", "12"])]:
        assert [s.text for s in candidates(sentence, question, asked(question))] == numbers
    # Not a count of firms, cars or hectares.
    question = "Hoeveel mensen werken er in de wijnbouw?"
    assert not candidates("Er liggen 310 hectare wijngaarden, verdeeld over 85 bedrijven.", question, asked(question))
    assert not candidates("Er stonden 300 auto's.", "How many people came?", asked("How many people came?"))


@pytest.mark.parametrize("question, kind", [
    ("Did anyone die during the protests?", "none"), ("Werd alleen in de hoofdstad gedemonstreerd?", "none"),
    ("Mogen boeren nog grondwater oppompen?", "none"), ("Is the restored video in colour?", "none"),
    # a question word after the verb still decides
    ("Is bekend wie de race won?", "person"), ("Does the article say how many people came?", "count")])
def test_a_question_opening_with_its_verb_asks_yes_or_no(question, kind):
    assert asked(question).kind == kind


def test_a_date_marked_past_or_future_must_fit_the_tense_of_the_question():
    # "afgelopen zondag" lies before the article whatever its year; "next week" after it.
    last_vote = "Er waren demonstraties na de verkiezingen van afgelopen zondag."
    for question in ("Wanneer zijn de volgende verkiezingen?", "When will the next election be held?"):
        assert not candidates(last_vote, question, asked(question), written="2020-08")
    past = "Wanneer waren de verkiezingen?"
    assert [s.text for s in candidates(last_vote, past, asked(past), written="2020-08")] == ["zondag"]
    council = "The council will decide next week."
    assert not candidates(council, "When did the council decide?", asked("When did the council decide?"),
                          written="2024-03")
    assert candidates(council, "When will the council decide?", asked("When will the council decide?"),
                      written="2024-03")


def test_since_when_asks_for_the_start_of_a_state_or_how_long_it_lasts():
    election = "Er waren demonstraties na de verkiezingen van afgelopen zondag."
    sworn_in = "Het zijn de grootste demonstraties sinds zijn aantreden in 1994."
    ruled = "De president, die al 26 jaar aan de macht is, zei dat."
    for question in ("Sinds wanneer is hij aan de macht?", "Since when has he been in power?"):
        wanted = asked(question)
        assert not candidates(election, question, wanted)  # a date, but of no start
        assert [s.text for s in candidates(sworn_in, question, wanted)] == ["1994"]
        assert [s.text for s in candidates(ruled, question, wanted)] == ["26 jaar"]
    assert [s.text for s in candidates(election, "Wanneer waren de verkiezingen?",
                                       asked("Wanneer waren de verkiezingen?"))] == ["zondag"]


def test_one_unit_of_time_is_a_span_of_time_in_dutch():
    assert [s.text for s in spans("Op topdagen moeten fietsers soms een uur wachten.", "duration")] == ["een uur"]
    assert [s.text for s in spans("De bouw duurde anderhalf jaar.", "duration")] == ["anderhalf jaar"]
    assert not spans("Een jaar later ging hij weg.", "duration")  # a step from another moment
    assert not spans("The council pays 1.1 million euros a year.", "duration")  # a rate


@pytest.mark.parametrize("question", ["What will happen to the old ferry?", "Wat gaat er met het oude veer gebeuren?",
                                      "What has happened to the detained protesters?"])
def test_what_will_happen_asks_for_no_single_fact(question):
    assert asked(question).kind == "none"


def test_how_many_before_a_verb_names_no_thing_and_any_amount_answers():
    for question in ("Hoeveel waren dat er twintig jaar geleden?", "Hoeveel wil de stad per jaar besparen?",
                     "How many were taken to hospital?"):
        assert asked(question).kind == "amount" and not asked(question).focus
    question = "Hoeveel wil de stad per jaar besparen?"
    sentence = "Met de sluiting wil de stad jaarlijks 1,8 miljoen euro besparen."
    assert [s.text for s in candidates(sentence, question, asked(question))] == ["1,8 miljoen euro"]
    # A named thing still leads: the first word of the phrase, an adjective included ("rode wijn").
    assert asked("Hoeveel rode wijn werd er gemaakt?").focus == "rode"


def test_a_role_opening_a_capitalised_run_is_no_part_of_the_name():
    from qa.spans import names
    assert [n.text for n in names("Voorzitter Thijs Kurvers van de vereniging verwacht groei.")] == ["Thijs Kurvers"]
    assert [n.text for n in names("Directeur Van Gelder zei dat.")] == ["Van Gelder"]
