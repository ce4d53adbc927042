"""Figures of any topic, in three languages: an earthquake whose toll rises, a flood with
people missing, a protest with people hurt, a crash; a running total in a story about
something else; a labour strike that counts no military strikes. Every sentence is written
for these tests."""

from __future__ import annotations

import pytest

from bot.facts import explain, extract_facts, mentions


def facts(summary: str, lang: str, title: str = "") -> dict[str, int]:
    return {f.name: f.value for f in extract_facts(title, summary, lang)}


# -- a toll that rises is the story's own toll -----------------------------------------------


@pytest.mark.parametrize("title, summary, lang, want", [
    ("Andes earthquake death toll rises to 27", "Rescuers are still digging in two towns.",
     "en", 27),
    ("La cifra de muertos por el sismo en los Andes sube a 40",
     "Los rescatistas siguen buscando en dos pueblos.", "es", 40),
    ("Séisme dans les Andes : le bilan s'alourdit à 31 morts",
     "Les secours fouillent encore deux villages.", "fr", 31),
])
def test_a_rising_toll_is_the_storys_toll(title, summary, lang, want):
    assert facts(summary, lang, title) == {"deaths": want}


@pytest.mark.parametrize("title, summary, lang", [
    ("Quake kills 20 in the Andes", "By Tuesday evening the death toll had risen to 27.", "en"),
    ("Un sismo deja 20 muertos en los Andes", "Sube a 27 la cifra de muertos.", "es"),
    ("Un séisme fait 20 morts dans les Andes", "Le bilan s'élève désormais à 27 morts.", "fr"),
])
def test_the_summarys_newer_toll_wins_over_the_titles(title, summary, lang):
    assert facts(summary, lang, title)["deaths"] == 27


@pytest.mark.parametrize("title, summary, lang", [
    ("Forest fires kill 64 in the south",
     "The forest fires have killed 64 people since Friday, the authorities said.", "en"),
    ("Sube a 64 el número de muertos en los incendios del sur",
     "Los incendios forestales dejaron 64 muertos entre el viernes y el lunes, según las "
     "autoridades.", "es"),
    ("64 morts dans les incendies du sud",
     "Les incendies de forêt ont fait 64 morts depuis vendredi, selon les autorités.", "fr"),
])
def test_one_disaster_s_toll_said_over_its_days_is_its_own_toll(title, summary, lang):
    # "in the fires", "since Friday": words that count a series of strikes, said of one
    # disaster's fires, still give that happening's toll, not a campaign's
    assert facts(summary, lang, title) == {"deaths": 64}


@pytest.mark.parametrize("summary, lang", [
    ("The death toll reached 312 and the number of injured rose to 1,480.", "en"),
    ("La cifra de muertos alcanza los 312 y los heridos ascienden a 1.480.", "es"),
    ("Le bilan atteint 312 morts et le nombre de blessés s'élève à 1 480.", "fr"),
])
def test_the_injured_rising_beside_the_toll_are_the_injured_not_the_dead(summary, lang):
    # before, the toll's words reached over "and the injured" to the second figure: a
    # running total of 1,480 dead
    assert facts(summary, lang, "Earthquake") == {"deaths": 312, "injured": 1480}


@pytest.mark.parametrize("title, summary, lang", [
    ("Island weighs asking for more aid after the quake that left more than 1,300 dead",
     "The quake has left 1,312 dead and 2,400 injured.", "en"),
    ("La isla evalúa pedir más ayuda tras el terremoto que dejó más de 1.300 muertos",
     "El terremoto deja 1.312 muertos y 2.400 heridos.", "es"),
    ("L'île envisage de demander plus d'aide après le séisme qui a fait plus de 1 300 morts",
     "Le séisme a fait 1 312 morts et 2 400 blessés.", "fr"),
])
def test_the_toll_of_the_happening_an_aid_report_follows_is_not_its_own(title, summary, lang):
    # the headline reports aid; the quake, named as its context, is whose figures these are
    # (the quake's story has them from its own reports)
    assert facts(summary, lang, title) == {}


@pytest.mark.parametrize("title, summary, lang", [
    ("Navy detains two survivors after the strike on a drug boat",
     "The two men were taken to a base in Puerto Rico.", "en"),
    ("La Armada detiene a dos sobrevivientes tras el ataque a una lancha",
     "Los dos hombres fueron trasladados a una base en Puerto Rico.", "es"),
    ("La Marine arrête deux survivants après la frappe contre un bateau",
     "Les deux hommes ont été conduits dans une base à Porto Rico.", "fr"),
])
def test_the_survivors_of_a_happening_named_as_context_are_still_its_survivors(title, summary,
                                                                                 lang):
    # what follows a strike is often done to its survivors: they stay the story's figure
    assert facts(summary, lang, title) == {"survivors": 2}


@pytest.mark.parametrize("title, summary, lang", [
    ("Survivors of the sinking return home",
     "The two survivors of the sinking returned home on Monday and will be prosecuted. The "
     "sinking left 14 dead.", "en"),
    ("Los sobrevivientes del naufragio vuelven a casa",
     "Los dos sobrevivientes del naufragio volvieron a casa el lunes y serán procesados. El "
     "naufragio dejó 14 muertos.", "es"),
    ("Les survivants du naufrage rentrent chez eux",
     "Les deux survivants du naufrage sont rentrés chez eux lundi et seront inculpés. Le "
     "naufrage a fait 14 morts.", "fr"),
])
def test_the_toll_below_a_headline_of_a_happening_s_survivors_is_its_own(title, summary,
                                                                         lang):
    # the headline tells what became of the sinking's people: the sinking is what the
    # report is about, its toll no recalled one (as an aid report's would be), though the
    # lead tells of a deed (they will be prosecuted)
    assert facts(summary, lang, title).get("deaths") == 14


@pytest.mark.parametrize("title, lang, want", [
    ("Eleven dead and 300 detained after protests over the vote count", "en", 11),
    ("Once muertos y 300 detenidos tras las protestas por el recuento", "es", 11),
    ("Onze morts et 300 interpellés après les manifestations contre le décompte", "fr", 11),
])
def test_a_toll_beside_a_count_of_arrests_after_protests_is_the_protests(title, lang, want):
    # "300 detained" counts people, it reports no arrest; and protests may be whose dead
    # these are: the toll stays
    assert facts("", lang, title) == {"deaths": want}


@pytest.mark.parametrize("text, lang", [
    ("At least 12 dead as a bus plunges into a ravine", "en"),
    ("Al menos 12 muertos al caer un autobús a un barranco", "es"),
    ("Au moins 12 morts dans la chute d'un car dans un ravin", "fr"),
])
def test_a_crash_toll_in_a_headline(text, lang):
    assert facts("", lang, text) == {"deaths": 12}


# -- people missing, injured, survivors ------------------------------------------------------


@pytest.mark.parametrize("text, lang", [
    ("Flash floods swept the valley on Sunday, killing nine people; 20 are still missing.",
     "en"),
    ("Las riadas arrasaron el valle el domingo: nueve muertos y 20 desaparecidos.", "es"),
    ("Des crues ont dévasté la vallée dimanche, faisant neuf morts et 20 disparus.", "fr"),
])
def test_a_flood_with_people_missing(text, lang):
    assert facts(text, lang) == {"deaths": 9, "missing": 20}


@pytest.mark.parametrize("text, lang", [
    ("Police fired tear gas at the march; 35 people were injured, organisers said.", "en"),
    ("La policía lanzó gases contra la marcha; 35 personas resultaron heridas.", "es"),
    ("La police a tiré des gaz sur le cortège ; 35 personnes ont été blessées.", "fr"),
])
def test_a_protest_with_people_injured(text, lang):
    assert facts(text, lang) == {"injured": 35}


@pytest.mark.parametrize("text, lang, want", [
    ("The ferry sank with no survivors.", "en", 0),
    ("El ferry se hundió sin supervivientes.", "es", 0),
    ("Le ferry a sombré sans survivant.", "fr", 0),
    ("The plane crashed; a lone survivor was found in the wreckage.", "en", 1),
])
def test_no_survivors_is_zero_and_a_lone_survivor_one(text, lang, want):
    assert facts(text, lang) == {"survivors": want}


# -- a running total is not the story's toll ------------------------------------------------


@pytest.mark.parametrize("title, summary, lang", [
    ("Parliament votes to extend the state of emergency",
     "The vote came as the protests, now in their fifth week, have left at least 23 dead.",
     "en"),
    ("El Parlamento prorroga el estado de emergencia",
     "La votación llega cuando las protestas, en su quinta semana, han dejado al menos 23 "
     "muertos.", "es"),
    ("Le Parlement prolonge l'état d'urgence",
     "Le vote intervient alors que les manifestations ont fait au moins 23 morts depuis le "
     "début du mouvement.", "fr"),
])
def test_a_running_total_in_a_story_about_something_else(title, summary, lang):
    got = facts(summary, lang, title)
    assert got == {"deaths_total": 23}


@pytest.mark.parametrize("text, lang", [
    ("A new quake killed four people; the three quakes have killed 430 since May.", "en"),
    ("Un nuevo sismo mató a cuatro personas; desde mayo los sismos han dejado 430 muertos.",
     "es"),
    ("Un nouveau séisme a tué quatre personnes ; depuis mai, ces séismes ont fait 430 morts.",
     "fr"),
])
def test_a_storys_toll_beside_the_series_total(text, lang):
    assert facts(text, lang) == {"deaths": 4, "deaths_total": 430}


# -- a labour strike is no military strike ---------------------------------------------------


@pytest.mark.parametrize("text, lang", [
    ("Dock workers walked out again on Monday, the fifth strike this year over pay.", "en"),
    ("It was the 12th strike by teachers since January, the union said.", "en"),
    ("Los maestros cumplen su quinta huelga desde enero por los salarios.", "es"),
    ("Les cheminots entament leur cinquième grève depuis janvier pour les salaires.", "fr"),
])
def test_a_labour_strike_counts_no_strikes(text, lang):
    assert "strikes_total" not in facts(text, lang)


# -- explain and mentions ---------------------------------------------------------------------


def test_explain_gives_each_fact_with_its_sentence_rule_and_scope():
    readings = explain("Quake kills 4 in the Andes",
                       "The three quakes have killed 430 people since May. Rescuers dig on.",
                       "en")
    by_fact = {r.fact: r for r in readings}
    assert by_fact["deaths"].value == 4 and by_fact["deaths"].source == "title"
    total = by_fact["deaths_total"]
    assert total.value == 430
    assert total.sentence == "The three quakes have killed 430 people since May"
    assert total.rule.startswith("en-") and "campaign" in total.scope


def test_mentions_give_every_figure_with_its_noun_and_scope():
    found = mentions("Protest turns violent, 30 injured",
                     "Police said two officers died; the first protest had left 5 dead.", "en")
    got = {(m.kind, m.value, m.scope, m.source) for m in found}
    assert ("injured", 30, "story", "title") in got
    assert ("deaths", 2, "story", "summary") in got
    assert ("deaths", 5, "dropped", "summary") in got
