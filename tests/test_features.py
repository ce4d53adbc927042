"""What the grouper reads in a report: what two reports of one event in English, Spanish and
French have in common once their text is read through the text layer and the lexicon. The
sentences are invented for these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.grouping.features import analyze, tokens
from bot.text import read_data, words_of
from bot.text.tables import all_stop_words

# A Tuesday: "Monday" in its text is the day before.
TUESDAY = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
TOPIC = ("us-venezuela",)


@pytest.mark.parametrize(("text", "lang"), [
    ("Three people were killed", "en"),
    ("Murieron tres personas", "es"),
    ("Trois personnes ont été tuées", "fr"),
])
def test_numbers_in_words_become_figures_and_tolls(text, lang):
    doc = analyze(text, "", lang)
    assert doc.numbers == {3}
    assert doc.title_killed == {3}
    assert "k:3" in doc.title


def test_eleven_in_three_languages_is_the_same_number():
    for text, lang in (("eleven dead", "en"), ("once muertos", "es"), ("onze morts", "fr")):
        assert "#11" in tokens(text, lang), text


def test_stop_words_are_dropped_and_content_words_kept():
    toks = tokens("El ejército de los Estados Unidos atacó una lancha en el mar", "es")
    for stop in ("el", "de", "los", "una", "en"):
        assert stop not in toks
    assert "e:attack" in toks and "c:boat" in toks and "p:us" in toks


def test_words_of_three_languages_meet_in_one_concept():
    en = set(tokens("A US strike on a boat in the Caribbean killed four people", "en"))
    es = set(tokens("Un ataque de EEUU contra una lancha en el Caribe dejó cuatro muertos", "es"))
    fr = set(tokens("Une frappe américaine contre un bateau dans les Caraïbes a tué quatre "
                    "personnes", "fr"))
    shared = {"e:attack", "c:boat", "p:caribbean", "c:killed", "p:us", "#4"}
    assert shared <= en and shared <= es and shared <= fr


def test_names_are_kept_as_anchors():
    doc = analyze("Hegseth says the boat belonged to Tren de Aragua",
                  "The operation, called Southern Spear by Pete Hegseth, goes on.", "en",
                  topics=TOPIC)
    assert "n:tren_de_aragua" in doc.names and "n:southern_spear" in doc.names
    assert "hegset" in doc.names  # capitalised inside a sentence: a name
    assert "hegset" in tokens("hegseth", "en")  # the same token in lower case


def test_weekdays_and_dates_become_calendar_days():
    iso = "d:2026-03-16"
    assert iso in tokens("The strike took place on Monday", "en", TUESDAY)
    assert iso in tokens("Le lundi 16 mars, une frappe", "fr", TUESDAY)
    assert iso in tokens("el 16 de marzo hubo un ataque", "es", TUESDAY)
    assert iso in tokens("yesterday's attack", "en", TUESDAY)


def test_years_are_not_figures():
    assert analyze("Five strikes in 2026", "", "en").numbers == {5}


@pytest.mark.parametrize(("text", "lang"), [
    ("the second strike", "en"), ("el segundo ataque", "es"), ("la deuxième frappe", "fr"),
    ("the 2nd strike", "en"),
])
def test_ordinals(text, lang):
    assert analyze(text, "", lang).ordinals == {2}


@pytest.mark.parametrize(("title", "lang", "toll"), [
    ("Turkey earthquake death toll surpasses 9,000", "en", {9000}),
    ("Peru quake: toll rises to 27", "en", {27}),
    ("Terremoto en Turquía: la cifra de muertos supera los 9.000", "es", {9000}),
    ("Séisme : le bilan s'alourdit à 31 morts", "fr", {31}),
    ("Death toll from Spain floods rises to 158", "en", {158}),
    ("La cifra de muertos por la dana supera los 200", "es", {200}),
    ("Inondations : le bilan humain grimpe à 12", "fr", {12}),
    # a rise of something else, in a headline with no toll, is no toll
    ("Flood-hit Valencia: number of volunteers rises to 5,000", "en", set()),
    # a figure before the word for a toll is no toll ("3 trains cancelled, toll unclear")
    ("Storm: 3 trains cancelled, toll still unclear", "en", set()),
])
def test_a_headline_s_figure_after_its_word_for_a_toll_is_a_toll(title, lang, toll):
    assert analyze(title, "", lang).title_killed == toll


def test_toll_and_survivors_are_told_apart():
    doc = analyze("Once muertos y dos sobrevivientes tras el ataque", "", "es")
    assert doc.killed == {11}
    assert "v:2" in doc.title and "k:2" not in doc.title


@pytest.mark.parametrize(("title", "lang", "toll"), [
    ("Five killed, 30 injured as bus leaves the road", "en", {5}),
    ("Choques dejan 8 muertos, 115 heridos y 200 detenidos", "es", {8}),
    ("Séisme : 12 morts, 40 disparus dans les villages", "fr", {12}),
])
def test_a_figure_with_its_own_noun_is_no_toll_however_near(title, lang, toll):
    # the injured, the missing, the detained are counted by the figure before their noun,
    # even beside the word for the dead: a story's toll is not 115 for its 115 injured
    assert analyze(title, "", lang).title_killed == toll


def test_seas_are_places():
    assert "p:pacific" in tokens("en el Pacífico oriental", "es")
    assert "p:pacific" in tokens("dans le Pacifique est", "fr")
    assert "p:caribbean" in tokens("in the southern Caribbean", "en")


def test_a_town_after_a_locative_is_a_place_of_its_own():
    doc = analyze("Venezuela: in Barquisimeto, teachers strike over unpaid wages", "", "en")
    assert doc.locals == {"p:barquisimeto"} and "p:ve" in doc.places
    assert analyze("Venezuela: en Cumaná, inundaciones destruyen un puente", "", "es"
                   ).locals == {"p:cumana"}


@pytest.mark.parametrize("title, lang, towns", [
    ("The deposed president lands in Maracay to face trial", "en", set()),
    ("El presidente depuesto aterriza en Maracay", "es", set()),
    ("Le président déchu atterrit à Maracay", "fr", set()),
    ("Survivors arrive in Port Elizabeth after the sinking", "en", set()),
    # a plane that crash-lands, or lands in an emergency, does so where the report happened
    ("Plane crash-lands in Pokhara, twelve dead", "en", {"p:pokhara"}),
    ("Airliner makes emergency landing in Pokhara", "en", {"p:pokhara"}),
])
def test_a_town_someone_arrives_in_is_no_place_of_the_event(title, lang, towns):
    assert analyze(title, "", lang).locals == towns


def test_a_title_cased_headline_names_a_town_only_as_its_text_does():
    # title case capitalises every word: what follows "in" is a town only when the text
    # writes it as a name too
    doc = analyze("Navy Seizes Cargo Ship off Haiti in Escalating Diplomatic Standoff",
                  "The US Navy seized a cargo ship off Haiti on Friday as a diplomatic "
                  "standoff escalated.", "en")
    assert doc.title_locals == frozenset()
    doc = analyze("At Least Nine Dead in Flash Floods in San Felipe",
                  "Flash floods killed at least nine people in San Felipe on Sunday.", "en")
    assert doc.title_locals == {"p:san_felipe"}


@pytest.mark.parametrize(("lang", "text", "towns"), [
    ("en", "Chile will hold the referendum in April, the government said", set()),
    ("en", "The storm made landfall on Friday in Tulum", {"p:tulum"}),
    ("fr", "Le texte a été adopté au Parlement puis au Congrès", set()),
    ("es", "Las lluvias dejaron daños en la Costa del Sol y en Ciudad Bolívar",
     {"p:ciudad_bolivar"}),
])
def test_a_month_or_a_word_of_the_vocabulary_is_no_town(lang, text, towns):
    assert analyze(text, "", lang).locals == towns


@pytest.mark.parametrize(("lang", "text", "places"), [
    ("es", "Maduro y Petro celebran una reunión en Caracas", {"p:ve"}),
    ("en", "Airports in France braced for Christmas strikes", {"p:fr"}),
    ("es", "La dana deja inundaciones en Granada y Almería", set()),
    ("es", "El gobierno y la oposición firman un acuerdo por la paz social", set()),
    ("es", "Miles de maestros marchan en La Paz", {"p:bo"}),
    ("es", "Un puesto de chile relleno en la feria de Puebla", set()),
])
def test_a_word_that_is_mostly_no_country_names_none(lang, text, places):
    # "reunión" is a meeting before it is Réunion; Granada is Spain's before Grenada
    assert {p for p in analyze(text, "", lang).places if len(p) == 4} == places


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Africa CDC confirms nine deaths from Marburg in Tanzania"),
    ("es", "Nueve muertos en Tanzania por Marburgo, según el CDC de África"),
    ("fr", "Neuf morts du virus de Marburg en Tanzanie, selon le CDC africain"),
])
def test_an_agency_named_after_a_continent_places_nothing_there(lang, text):
    # the outbreak is in Tanzania: a continent beside it would be a place no earlier
    # report of the outbreak named
    assert analyze(text, "", lang).places == {"p:tz"}


def test_who_the_pronoun_is_no_health_agency():
    assert "c:who" not in tokens("Relatives of those who died in the fire", "en")
    assert "c:who" in tokens("WHO says the fire's smoke harmed thousands", "en")


def test_us_the_pronoun_is_no_country():
    assert "p:us" not in tokens("They told us the strike killed four", "en")
    assert "p:us" in tokens("The US said the strike killed four", "en")


def test_a_whole_article_in_the_summary_is_cut_to_its_start():
    lead = "Hegseth said a strike in the Caribbean killed four people. "
    doc = analyze("Strike kills four", lead + "Filler words again and again. " * 2000, "en")
    assert "hegset" in doc.body  # the first sentences are read
    assert len(doc.body) < 120  # the rest is not: bounded time and memory per item


@pytest.mark.parametrize(("title", "lang", "new"), [
    ("US strikes another suspected drug boat off the coast", "en", True),
    ("Estados Unidos ataca otra narcolancha en el Pacífico", "es", True),
    ("Nueva ofensiva: un nuevo ataque deja tres muertos", "es", True),
    ("Nouvelle frappe américaine contre un bateau", "fr", True),
    ("Nouveau séisme de 6,4 dans le sud de la Turquie", "fr", True),
    ("New York mayor speaks about the economy", "en", False),
    ("Nuevos detalles sobre el operativo", "es", False),
    ("Turkey finds new survivors as quake death toll rises", "en", False),
    # a figure between the marker and the kind counts no word
    ("New 6.4-magnitude quake hits the south of the country", "en", True),
    ("Another 5.9 magnitude earthquake shakes the coast", "en", True),
    ("Un nuevo 6,1 sacude la costa: otro sismo en dos días", "es", True),
    ("Ebola update: 11 new cases, 35 deaths confirmed", "en", False),
    # nor across punctuation
    ("Shooting latest: 22 victims identified", "en", False),
    # one more victim is one more dead of the same happening, no new happening
    ("Dunmore shooting claims another victim Monday", "en", False),
    ("Otra víctima mortal del tiroteo de Dunmore", "es", False),
    ("Fusillade de Dunmore : une autre victime succombe", "fr", False),
    # "latest" is one more of a kind that recurs; of a rare kind, the one going on
    ("Three dead in latest US strike on a boat", "en", True),
    ("Agency raises to 40 the deaths from the latest cholera outbreak in Chad", "en", False),
])
def test_a_headline_that_reports_one_more_event_of_a_series(title, lang, new):
    assert analyze(title, "", lang, topics=TOPIC).title_new is new


@pytest.mark.parametrize(("title", "lang", "tally"), [
    ("US hits boat in Pacific, 64 dead since September", "en", True),
    ("Peru earthquake death toll rises to 27", "en", True),
    ("Otra lancha destruida: van 25 muertos", "es", True),
    ("Séisme au Pérou : le bilan s'alourdit à 31 morts", "fr", True),
    ("Aumentan a 11 los muertos en las protestas en Venezuela", "es", True),
    ("Number killed in Venezuela protests reaches 24", "en", True),
    ("Le nombre de morts dans les manifestations augmente à 12", "fr", True),
    ("US strike kills three aboard drug boat", "en", False),
    ("Un ataque deja tres muertos en el Caribe", "es", False),
    # a word of a rise with no figure and no dead, injured or missing tells of no toll
    ("Union reaches tentative deal with carmaker to end strike", "en", False),
    ("El sindicato alcanza un acuerdo con la automotriz y pone fin a la huelga", "es", False),
    ("Le syndicat atteint un accord avec le constructeur et met fin à la grève", "fr", False),
    ("Cholera cases rise in Haiti", "en", True),
])
def test_a_headline_figure_that_may_be_a_running_total(title, lang, tally):
    assert analyze(title, "", lang).title_tally is tally


@pytest.mark.parametrize(("title", "lang", "revised"), [
    # one happening's toll, revised: the toll rises by itself
    ("Stadium bombing toll rises to 41", "en", True),
    ("Asciende a 41 la cifra de muertos del atentado en el estadio", "es", True),
    ("Attentat du stade : le bilan s'alourdit à 41 morts", "fr", True),
    # a running total: a count since a day, a new happening bringing a total up, or a kind
    # named in the plural (a series)
    ("US hits boat in Pacific, 64 dead since September", "en", False),
    ("Navy strike on a skiff raises death toll to 70", "en", False),
    ("Death toll from the bombings rises to 41", "en", False),
    # ... but a disaster's name is often plural: one flood's toll
    ("Death toll from the floods rises to 41", "en", True),
    ("Asciende a 41 la cifra de muertos por los incendios", "es", True),
    ("Ya son 41 los muertos en los atentados", "es", False),
    ("Une frappe porte le bilan à 70 morts", "fr", False),
    ("Another bombing: toll rises to 41", "en", False),
    ("Stadium bombing kills 41", "en", False),
])
def test_a_headline_that_tells_one_happening_s_toll_revised(title, lang, revised):
    assert analyze(title, "", lang).title_revised is revised


@pytest.mark.parametrize(("text", "lang", "magnitude"), [
    ("Magnitude 7.8 earthquake hits Turkey", "en", 7.8),
    ("Un sismo de magnitud 7,1 sacude México", "es", 7.1),
    ("Nouveau séisme de 6,4 dans le sud de la Turquie", "fr", 6.4),
    ("A 7.6-magnitude quake struck Michoacán", "en", 7.6),
])
def test_a_magnitude_is_a_figure_with_its_noun(text, lang, magnitude):
    assert analyze(text, "", lang).magnitudes == {magnitude}


@pytest.mark.parametrize(("title", "summary", "lang", "magnitudes"), [
    ("Peru quake toll rises to 12", "A magnitude 5.2 aftershock shook Arequipa on Wednesday.",
     "en", set()),
    ("Sube a 12 la cifra de muertos del sismo en Perú",
     "Una réplica de magnitud 5,2 sacudió Arequipa el miércoles.", "es", set()),
    ("Séisme au Pérou : le bilan s'alourdit à 12 morts",
     "Une réplique de magnitude 5,2 a secoué Arequipa mercredi.", "fr", set()),
    # the aftershock's own report: its headline says so, its magnitude is the one it tells of
    ("Strong aftershock rattles southern Peru", "A magnitude 5.2 aftershock shook Arequipa.",
     "en", {5.2}),
    # an aftershock named, and the main quake's magnitude further on: that one stays
    ("Strong quake hits Peru", "A magnitude 5.2 aftershock followed the 7.1 quake.", "en",
     {7.1}),
])
def test_an_aftershock_the_text_recalls_does_not_give_the_report_s_magnitude(
        title, summary, lang, magnitudes):
    assert analyze(title, summary, lang).magnitudes == magnitudes


def test_a_kind_named_as_the_context_is_not_what_the_headline_reports():
    doc = analyze("Morocco accepts aid from four countries after quake", "", "en")
    assert doc.kinds == {"e:aid"} and doc.context_kinds == {"e:earthquake"}


def test_a_strike_on_land_meets_across_languages_with_the_topic():
    en = set(tokens("Trump says the US hit a dock on Venezuelan soil with a drone", "en",
                    topics=TOPIC))
    es = set(tokens("EE.UU. bombardeó con un dron un muelle en territorio venezolano", "es",
                    topics=TOPIC))
    fr = set(tokens("Un drone américain a frappé un quai sur le sol vénézuélien", "fr",
                    topics=TOPIC))
    shared = {"e:attack", "c:dock", "c:drone", "c:land", "p:ve"}
    assert shared <= en and shared <= es and shared <= fr
    assert "c:dock" not in tokens("Trump says the US hit a dock", "en")  # the topic's word


def test_carrying_out_a_strike_is_no_cargo():
    for text, lang in (("The US military carried out a strike", "en"),
                       ("Estados Unidos llevó a cabo un ataque", "es"),
                       ("Les États-Unis ont mené une frappe", "fr")):
        toks = tokens(text, lang)
        assert "c:conduct" in toks and "c:carry" not in toks, text
    for text, lang in (("a boat carrying drugs", "en"), ("una lancha que llevaba droga", "es"),
                       ("un bateau qui transportait de la drogue", "fr")):
        assert "c:carry" in tokens(text, lang), text


# The lexicon's own example rows (bot/data/events.yaml, concepts.yaml, news.yaml, places.yaml):
# each row is a headline, its language and what the grouper must read in it.
KIND_ROWS = read_data("events.yaml")["examples"]
TOKEN_ROWS = (read_data("concepts.yaml")["examples"] + read_data("news.yaml")["examples"]
              + read_data("places.yaml")["examples"]
              + read_data("events.yaml")["told_apart_examples"])


@pytest.mark.parametrize(("lang", "title", "kinds"), KIND_ROWS,
                         ids=[r[1][:40] for r in KIND_ROWS])
def test_each_kind_row_reads_as_the_table_says(lang, title, kinds):
    assert analyze(title, "", lang).kinds == {f"e:{k}" for k in kinds}


@pytest.mark.parametrize(("lang", "text", "expected"), TOKEN_ROWS,
                         ids=[r[1][:40] for r in TOKEN_ROWS])
def test_each_vocabulary_row_reads_as_the_table_says(lang, text, expected):
    assert set(expected) <= set(tokens(text, lang))


# -- a user's own topic file ---------------------------------------------------------------------

MINING_TOPIC = """
concepts:
  mine: [mine, mines, mina, minas]
  tailings_dam: [tailings dam, presa de relaves, barrage de residus]
names:
  codelco: [codelco, national copper corporation, corporacion nacional del cobre]
places:
  atacama: [atacama]
event_words:
  collapse:
    en: [cave-in, caved in]
    es: [hundimiento, hundimientos]
  closure:
    en: ["idles # mines"]
"""


def test_a_topic_file_of_ones_own_is_read_beside_the_general_tables(cli, config_file, tmp_path):
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "mining.yaml").write_text(MINING_TOPIC, encoding="utf-8")
    config = config_file("watchlists:\n  - name: mining\n    include: [mine, mina]\n"
                         "    topic: topics/mining.yaml\n")
    assert cli("check", "--config", str(config)).code == 0
    from bot.config import load_config

    topics = load_config(config).topics()
    en = set(tokens("Cave-in at Codelco mine in Atacama traps workers", "en", topics=topics))
    es = set(tokens("Hundimiento en una mina de la Corporación Nacional del Cobre en Atacama",
                    "es", topics=topics))
    assert {"e:collapse", "n:codelco", "p:atacama", "c:mine"} <= en & es
    assert "n:codelco" not in tokens("Codelco mine", "en")  # without the topic: a plain word
    # "#" in a phrase is any figure
    assert "e:closure" in tokens("Regulator idles 12 mines in Atacama", "en", topics=topics)
    assert "e:closure" not in tokens("Regulator idles 12 mines in Atacama", "en")


def test_a_broken_topic_file_is_one_line_naming_it(cli, config_file, tmp_path):
    (tmp_path / "bad.yaml").write_text("concepts: [not, a, mapping", encoding="utf-8")
    config = config_file("watchlists:\n  - name: w\n    include: [x]\n    topic: bad.yaml\n")
    result = cli("check", "--config", str(config))
    assert result.code == 2 and "watchlists[0].topic" in result.err and "bad.yaml" in result.err
    missing = config_file("watchlists:\n  - name: w\n    include: [x]\n    topic: nowhere\n",
                          "m.yaml")
    result = cli("check", "--config", str(missing))
    assert result.code == 2 and "no such topic" in result.err


def test_the_news_vocabulary_names_no_stop_word():
    """A stop word is dropped before the vocabulary is read (bot/data/lang/<code>.yaml),
    unless it is read only in capitals (`acronyms`: "WHO")."""
    stop = all_stop_words()
    news = read_data("news.yaml")
    acronyms = {words_of(str(w)) for w in news["acronyms"]}
    for key, forms in news["concepts"].items():
        for form in forms:
            words = words_of(str(form).rstrip("*"))
            assert words in acronyms or not (len(words) == 1 and words[0] in stop), (key, form)


@pytest.mark.parametrize(("text", "lang", "absent"), [
    ("au cœur de la ville", "fr", "c:court"),  # "cœur" folds to "cour"
    ("la mayor parte de los heridos", "es", "c:mayor"),
    ("il est en train de partir car il pleut", "fr", "c:vehicle"),
    ("fifty miles from the coast", "en", "c:thousands"),
    ("hundreds of people", "en", "c:sink"),  # "hund*" (hundir) is no "hundreds"
    ("the US Geological Survey said", "en", "c:survey"),
    ("a drug interdiction operation", "en", "c:ban"),
    ("Caen et Rennes", "fr", "c:decrease"),
    ("Nevada", "en", "c:snow"),
    # "penal" is a prison only as a noun ("el penal"), never the adjective of the law
    ("El código penal y la responsabilidad penal del juez", "es", "c:prison"),
])
def test_words_of_another_meaning_stay_out_of_the_news_vocabulary(text, lang, absent):
    assert absent not in tokens(text, lang)


@pytest.mark.parametrize(("title", "lang", "kinds"), [
    ("Navy holds two survivors after the strike on a drug boat", "en", {"e:attack"}),
    ("Dos sobrevivientes en un buque de la Armada tras el ataque a una lancha", "es",
     {"e:attack"}),
    ("Deux survivants à bord d'un navire après la frappe contre un bateau", "fr",
     {"e:attack"}),
    # "since" names an earlier happening: the survivors are not the capture's
    ("Two survivors, the first since the capture of the president", "en", set()),
])
def test_a_headline_of_survivors_after_a_happening_reports_it(title, lang, kinds):
    assert analyze(title, "", lang).kinds == kinds


@pytest.mark.parametrize(("title", "lang", "earlier"), [
    ("First boat strike since the capture of the rebel leader", "en", {"e:arrest"}),
    ("Primer ataque a una lancha desde la captura del líder rebelde", "es", {"e:arrest"}),
    ("Première frappe contre un bateau depuis la capture du chef rebelle", "fr", {"e:arrest"}),
    # a span, not an earlier happening: the running total of the protests
    ("15 dead since the start of the protests", "en", set()),
    ("15 muertos desde el inicio de las protestas", "es", set()),
    ("15 morts depuis le début des manifestations", "fr", set()),
])
def test_a_kind_after_since_dates_the_headline(title, lang, earlier):
    assert analyze(title, "", lang).earlier_kinds == earlier


@pytest.mark.parametrize(("title", "lang", "kinds", "context"), [
    # a happening dated by an earlier year is what the report's news is about, not its news
    ("Ex-president sentenced over the 2022 coup attempt", "en", {"e:trial"}, {"e:coup"}),
    ("Condenan al expresidente por las protestas de 2019", "es", {"e:trial"}, {"e:protest"}),
    ("L'ex-président condamné pour la tentative de coup d'État de 2022", "fr", {"e:trial"},
     {"e:coup"}),
    ("Survivors of the 2010 quake rebuild their homes", "en", {"e:aid"}, {"e:earthquake"}),
    # ... not by the report's own year
    ("2025 election: the opposition wins", "en", {"e:election"}, set()),
])
def test_a_happening_of_an_earlier_year_is_the_headline_s_context(title, lang, kinds, context):
    doc = analyze(title, "", lang, published=datetime(2025, 11, 27, tzinfo=UTC))
    assert (doc.kinds, doc.context_kinds) == (kinds, context)


def test_the_facts_read_the_same_kinds_of_a_headline_as_the_grouper():
    from bot.text import read
    from bot.text.happenings import headline
    from bot.text.lexicon import lexicon

    title = read("Ex-president sentenced over the 2022 coup attempt", "en").tokens
    head = headline(title, [], "en", lexicon(), 2025)
    assert (head.reported, head.context) == ({"e:trial"}, {"e:coup"})


@pytest.mark.parametrize(("title", "lang", "revised"), [
    ("Police say two more people have died in the Dunmore shooting", "en", True),
    ("Dos muertos más en el tiroteo de Dunmore", "es", True),
    ("Fusillade de Dunmore : deux morts de plus", "fr", True),
    # the dead of a new deed, and more of others, revise no toll
    ("US kill three more in Caribbean airstrike", "en", False),
    ("Sánchez envía 5.000 militares y 5.000 policías más a Valencia", "es", False),
])
def test_more_dead_counted_again_revise_a_toll(title, lang, revised):
    assert analyze(title, "", lang).title_revised is revised
