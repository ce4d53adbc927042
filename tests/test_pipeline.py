"""The alert policy, end to end through the pure core: once per story, again only on a rise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import parse_config
from bot.grouping import Grouper
from bot.grouping.grouper import Explanation
from bot.model import Item
from bot.pipeline import Pipeline, _is_repeat
from bot.service import Service

T0 = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)

CONFIG = """
watchlists:
  - name: venezuela
    include: [venezuela, caribbean, hegseth, tren de aragua]
    exclude: [baseball]
  - name: deaths-only
    include: [caribbean]
    track: [deaths]
"""


def item(n: int, title: str, summary: str = "", *, outlet: str = "Wire", minutes: int = 0,
         language: str = "en", item_id: str | None = None) -> Item:
    return Item(id=item_id or f"{outlet}-{n}", link=f"https://{outlet.lower()}.test/{n}",
                feed=f"https://{outlet.lower()}.test/rss", outlet=outlet, title=title,
                summary=summary, published=T0 + timedelta(minutes=minutes), language=language)


STRIKE = ("US strike on a boat in the Caribbean kills four, Hegseth says",
          "Hegseth said the strike on Tuesday killed four people aboard a vessel tied to "
          "Tren de Aragua.")
STRIKE_AGAIN = ("Hegseth says US strike on Caribbean boat killed four",
                "Four people aboard a vessel tied to Tren de Aragua were killed in the strike "
                "on Tuesday, Hegseth said.")


@pytest.fixture
def pipeline() -> Pipeline:
    return Pipeline(parse_config(CONFIG))


def test_a_story_alerts_each_watchlist_once(pipeline):
    first = pipeline.decide(item(1, *STRIKE), T0)
    assert sorted((a.kind, a.watchlist) for a in first.alerts) == [
        ("new_story", "deaths-only"), ("new_story", "venezuela")]
    second = pipeline.decide(item(2, *STRIKE_AGAIN, outlet="Post", minutes=30), T0 + timedelta(
        minutes=30))
    assert second.story.id == first.story.id
    assert second.alerts == []
    assert second.story.outlets == ["Wire", "Post"]


def test_an_item_matching_no_watchlist_gets_a_story_but_no_alert(pipeline):
    d = pipeline.decide(item(1, "Copper exports from Chile rise for a third month"), T0)
    assert d.story.id and d.alerts == [] and d.watchlists == []


def test_exclude_terms_win_for_their_own_watchlist(pipeline):
    d = pipeline.decide(item(1, "Venezuela wins the Caribbean baseball series"), T0)
    assert d.watchlists == ["deaths-only"]  # "baseball" is excluded by venezuela only


def test_a_rising_campaign_total_is_an_update_saying_what_it_was(pipeline):
    pipeline.decide(item(1, "Hegseth: strikes have killed at least 83 people since September"),
                    T0)
    later = T0 + timedelta(hours=5)
    d = pipeline.decide(item(2, "US strike in the Caribbean brings campaign toll to 87",
                             "The strike killed four people, bringing the number killed since "
                             "September to at least 87.", outlet="Post", minutes=300), later)
    changes = [(c.fact, c.old, c.new) for a in d.alerts for c in a.changes]
    assert ("deaths_total", 83, 87) in changes
    told = [a for a in d.alerts if a.watchlist == "venezuela"][0]
    assert "now 87 (+4, was 83)" in told.text


def test_an_older_lower_total_quoted_later_is_not_news(pipeline):
    pipeline.decide(item(1, "Venezuela: at least 87 killed in US strikes since September"), T0)
    d = pipeline.decide(item(2, "Venezuela recalls that at least 80 people have been killed in "
                                "US strikes since September", outlet="Post", minutes=600),
                        T0 + timedelta(hours=10))
    assert all(c.fact != "deaths_total" for a in d.alerts for c in a.changes)


def test_a_watchlist_only_hears_of_the_facts_it_tracks(pipeline):
    d = pipeline.decide(item(1, "Hegseth: strikes have killed at least 83 people since September",
                             "Caribbean operations go on."), T0)
    by_watchlist = {a.watchlist: a for a in d.alerts}
    assert [c.fact for c in by_watchlist["venezuela"].changes] == ["deaths_total"]
    assert by_watchlist["deaths-only"].changes == ()


def test_corroboration_waits_for_a_second_outlet():
    p = Pipeline(parse_config(CONFIG + "alerts:\n  corroboration: 2\n"))
    p.decide(item(1, "Venezuela: US strikes have killed at least 83 since September"), T0)
    d1 = p.decide(item(2, "Venezuela: US strikes have killed at least 87 since September",
                       outlet="Post", minutes=60), T0 + timedelta(hours=1))
    assert not any(a.changes for a in d1.alerts)
    d2 = p.decide(item(3, "At least 87 killed in US strikes since September, Venezuela says",
                       outlet="Diario", minutes=120), T0 + timedelta(hours=2))
    changes = [(c.fact, c.new) for a in d2.alerts for c in a.changes]
    assert ("deaths_total", 87) in changes


def test_after_a_restart_a_known_story_is_not_alerted_again(tmp_path):
    config = parse_config(CONFIG + f"storage:\n  path: {tmp_path / 'v.db'}\n")
    service = Service.open(config, now=T0)
    first = service.ingest(item(1, *STRIKE), T0)
    assert first.alerts
    service.close()

    later = T0 + timedelta(hours=2)
    service = Service.open(config, now=later)
    assert service.ingest(item(1, *STRIKE), later) is None  # the same entry again: nothing
    again = service.ingest(item(2, *STRIKE_AGAIN, outlet="Post", minutes=120), later)
    assert again.story.id == first.story.id
    assert again.alerts == []
    service.close()


def test_an_edited_entry_stays_in_its_story_and_its_new_figure_is_told(tmp_path):
    config = parse_config(CONFIG + f"storage:\n  path: {tmp_path / 'v.db'}\n")
    service = Service.open(config, now=T0)
    first = service.ingest(item(1, *STRIKE), T0)
    edited = item(1, STRIKE[0].replace("four", "six"), STRIKE[1].replace("four", "six"))
    d = service.ingest(edited, T0 + timedelta(minutes=20))
    assert d.story.id == first.story.id
    assert d.story.items == [edited.id]
    assert [(c.fact, c.old, c.new) for a in d.alerts if a.watchlist == "venezuela"
            for c in a.changes] == [("deaths", 4, 6)]
    assert service.store.counts()["items"] == 1
    service.close()


def test_look_alike_strikes_on_consecutive_days_with_other_tolls_are_both_told(pipeline):
    first = pipeline.decide(item(1, "US strike kills two aboard alleged drug boat in eastern "
                                 "Pacific, Hegseth says"), T0)
    later = T0 + timedelta(hours=20)
    second = pipeline.decide(item(2, "US strike kills three aboard another alleged drug boat in "
                                  "eastern Pacific, Hegseth says", outlet="Post", minutes=1200),
                             later)
    assert second.story.id != first.story.id
    assert [a.kind for a in second.alerts if a.watchlist == "venezuela"] == ["new_story"]


def test_the_same_template_two_days_later_is_told_as_a_new_strike(pipeline):
    text = ("US strike on a boat in the Caribbean kills four, Southern Command says",
            "Four people were killed on {} when US forces struck a vessel tied to Tren de "
            "Aragua in the Caribbean, Southern Command said.")
    first = pipeline.decide(item(1, text[0], text[1].format("Tuesday")), T0)
    later = T0 + timedelta(days=2)
    second = pipeline.decide(item(2, text[0], text[1].format("Thursday"), outlet="Post",
                                  minutes=2 * 24 * 60), later)
    assert second.story.id != first.story.id
    assert [a.kind for a in second.alerts if a.watchlist == "venezuela"] == ["new_story"]


def test_one_event_told_over_two_days_in_three_languages_is_one_new_story(pipeline):
    # Tuesday: the commander of the strikes in the Caribbean is to retire; Wednesday's reports
    # give the day it takes effect, weeks ahead (a plan, not another event's day)
    reports = [
        (0, "en", "Wire", "Commander of US forces in the Caribbean to retire, Hegseth says",
         "Hegseth said on Tuesday the admiral leading the boat strikes in the Caribbean will "
         "step down after less than a year."),
        (90, "es", "Diario", "Se retira el jefe del Comando Sur a cargo de los ataques en el "
         "Caribe", "Hegseth anunció el martes el retiro del almirante que dirige los ataques "
         "en el Caribe."),
        (180, "fr", "Journal", "Caraïbes : le chef des frappes américaines prend sa retraite",
         "Pete Hegseth a annoncé mardi le départ à la retraite de l'amiral qui dirige les "
         "frappes dans les Caraïbes."),
        (26 * 60, "en", "Post", "Admiral overseeing Caribbean boat strikes confirms he will retire",
         "The head of Southern Command said he will retire on 1 April, after less than a year "
         "in the post; Hegseth thanked him."),
    ]
    kinds = []
    for n, (minutes, lang, outlet, title, summary) in enumerate(reports):
        d = pipeline.decide(item(n, title, summary, outlet=outlet, minutes=minutes, language=lang),
                            T0 + timedelta(minutes=minutes))
        kinds += [a.kind for a in d.alerts if a.watchlist == "venezuela"]
    assert kinds.count("new_story") == 1, kinds


def test_a_seizure_hours_after_a_strike_at_the_same_place_is_told(pipeline):
    # the place, the country and the president in common: not a repeat of the strike
    first = pipeline.decide(item(1, "US strike kills four on boat off Venezuela coast",
                                 "Four people died on Tuesday when US forces struck a boat off "
                                 "the coast of Venezuela, Trump said."), T0)
    seizure = pipeline.decide(item(2, "US seizes oil tanker off the coast of Venezuela, Trump "
                                   "says", "Trump said on Tuesday US forces had seized a very "
                                   "large tanker off the coast of Venezuela.", outlet="Post",
                                   minutes=300), T0 + timedelta(minutes=300))
    assert seizure.story.id != first.story.id
    assert [a.kind for a in seizure.alerts if a.watchlist == "venezuela"] == ["new_story"]


SEARCH_DAY = [  # a strike, then a search for its survivor: a second event told in its words
    (0, "Wire", "US strikes on four boats in the Caribbean kill 14, Hegseth says",
     "Hegseth said on Monday that three strikes on four boats in the Caribbean killed 14 "
     "people; one person survived and Mexico's navy was asked to search."),
    (20 * 60, "Post", "Sheinbaum says Mexico's navy is looking for a survivor",
     "The Mexican president said on Tuesday her navy was searching the Caribbean for a man who "
     "survived a US attack on boats that killed 14."),
    (44 * 60, "Diario", "Sheinbaum says Mexico's navy ends its search for the survivor",
     "The Mexican president said on Wednesday her navy had called off its search in the "
     "Caribbean for the man after two days at sea."),
]


def test_a_search_for_a_survivor_is_told_as_an_event_of_its_own(tmp_path):
    config = parse_config(CONFIG + f"storage:\n  path: {tmp_path / 'v.db'}\n")
    service = Service.open(config, now=T0)
    told = []
    for n, (minutes, outlet, title, summary) in enumerate(SEARCH_DAY):
        d = service.ingest(item(n, title, summary, outlet=outlet, minutes=minutes),
                           T0 + timedelta(minutes=minutes))
        told.append([(a.kind, a.story) for a in d.alerts if a.watchlist == "venezuela"])
    service.close()
    assert told[0] == [("new_story", told[0][0][1])]
    # the search (the same kind of event? no: a search, after the strike) is told at once,
    # and the end of the search joins the search's story
    assert [kind for kind, _ in told[1]] == ["new_story"] and told[1][0][1] != told[0][0][1]
    assert told[2] == []


def test_a_story_held_back_as_a_repeat_is_told_when_a_later_report_shows_its_own_event(
        tmp_path):
    # a grouper stricter than the default keeps apart what it is not sure of; the alert
    # policy holds the second report back as a repeat of the strike told two hours before
    # (the same kind of event, sea and day), and tells it when a report of it gives its own
    # toll; a restart in between remembers what was held
    config = parse_config(CONFIG + f"storage:\n  path: {tmp_path / 'v.db'}\n")

    def open_service(now: datetime) -> Service:
        return Service.open(config, now=now,
                            make_pipeline=lambda c: Pipeline(c, grouper=Grouper(threshold=1.5)))

    service = open_service(T0)
    first = service.ingest(item(1, "US strike on a boat in the Caribbean kills 14, Hegseth "
                                "says", "Hegseth said the strike on Monday killed 14 people "
                                "aboard a vessel in the Caribbean."), T0)
    held = service.ingest(item(2, "Officials confirm attack on a vessel in the Caribbean",
                               "The Defense Department confirmed a military operation against a "
                               "suspected smuggling vessel in the Caribbean on Monday.",
                               outlet="Post", minutes=120), T0 + timedelta(hours=2))
    assert held.story.held.get("venezuela") == first.story.id
    assert [a for a in held.alerts if a.watchlist == "venezuela"] == []
    service.close()
    service = open_service(T0 + timedelta(hours=3))
    own = service.ingest(item(3, "Officials confirm attack on a vessel in the Caribbean, two "
                              "dead", "The Defense Department confirmed a military operation "
                              "against a suspected smuggling vessel in the Caribbean on Monday, "
                              "killing two people.", outlet="Herald", minutes=180),
                         T0 + timedelta(hours=3))
    service.close()
    assert own.story.id == held.story.id
    assert [a.kind for a in own.alerts if a.watchlist == "venezuela"] == ["new_story"]


def test_a_held_repeat_stays_held_when_its_told_story_leaves_the_grouper():
    # a grouper stricter than the default keeps the repeat apart, as it keeps apart what it
    # is not sure of; the alert policy still finds the same kind of event at the same place
    # on the same day, and holds it back
    pipeline = Pipeline(parse_config(CONFIG), grouper=Grouper(threshold=1.5))
    first = pipeline.decide(item(1, "US strike on a boat in the Caribbean kills 14, Hegseth "
                                 "says", "Hegseth said the strike on Monday killed 14 people "
                                 "aboard a vessel in the Caribbean."), T0)
    repeat = ("Officials confirm attack on a vessel in the Caribbean",
              "The Defense Department confirmed a military operation against a suspected "
              "smuggling vessel in the Caribbean on Monday.")
    kinds = []
    for n, hours in enumerate([2, 30, 60, 80]):  # 80 h: past the grouper's 3-day window
        d = pipeline.decide(item(10 + n, *repeat, outlet=f"Paper{n}", minutes=hours * 60),
                            T0 + timedelta(hours=hours))
        assert d.story.held.get("venezuela") == first.story.id, hours
        kinds += [a.kind for a in d.alerts if a.watchlist == "venezuela"]
    assert kinds == []  # nothing new was reported: the strike is not told again


def test_a_reaction_is_not_held_back_as_a_repeat():
    # the same kind of event at the same place on the same day, but someone else at the
    # head of the headline: another event, told
    pipeline = Pipeline(parse_config(CONFIG), grouper=Grouper(threshold=1.5))
    pipeline.decide(item(1, "US strike on a boat in the Caribbean kills 14, Hegseth says",
                         "Hegseth said the strike on Monday killed 14 people aboard a vessel in "
                         "the Caribbean."), T0)
    reaction = pipeline.decide(item(2, "Venezuela condemns US attack in the Caribbean",
                                    "Caracas denounced on Monday the US attack in Caribbean "
                                    "waters.", outlet="Post", minutes=120),
                               T0 + timedelta(hours=2))
    assert [a.kind for a in reaction.alerts if a.watchlist == "venezuela"] == ["new_story"]


@pytest.mark.parametrize(("language", "title", "summary"), [
    ("en", "Officials confirm US attack on a vessel in the Caribbean",
     "The Defense Department confirmed a military strike against a vessel in the Caribbean "
     "on Tuesday, Hegseth said."),
    ("es", "Confirman un ataque de EE.UU. contra una embarcación en el Caribe",
     "El Departamento de Defensa confirmó un ataque militar contra una embarcación en el "
     "Caribe el martes, dijo Hegseth."),
    ("fr", "Confirmation d'une frappe américaine contre un navire dans les Caraïbes",
     "Le département de la Défense a confirmé une frappe militaire contre un navire dans "
     "les Caraïbes mardi, a dit Hegseth."),
])
def test_a_report_of_another_day_is_told_at_once_not_held_as_a_repeat(language, title,
                                                                        summary):
    # alike enough to be held as a repeat (same kind of event, same sea, reported the same
    # day), but it names another day than the told strike's: that is evidence of another
    # event, the very evidence that would release it, so it is not held back at all
    pipeline = Pipeline(parse_config(CONFIG), grouper=Grouper(threshold=1.5))
    first = pipeline.decide(item(1, "US strike on a boat in the Caribbean kills 14, Hegseth "
                                 "says", "Hegseth said the strike on Monday killed 14 people "
                                 "aboard a vessel in the Caribbean."), T0)
    later = pipeline.decide(item(2, title, summary, outlet="Post", minutes=120,
                                 language=language), T0 + timedelta(hours=2))
    assert later.story.id != first.story.id and later.story.held == {}
    assert [a.kind for a in later.alerts if a.watchlist == "venezuela"] == ["new_story"]


def test_an_entry_dated_days_ago_joins_the_same_report_from_another_outlet(pipeline):
    # a live page keeping its first pubDate, 4 days old, and the same report minutes later
    report = ("US strike on a boat in the Caribbean kills four, Hegseth says",
              "Hegseth said the strike killed four people aboard a vessel tied to Tren de "
              "Aragua.")
    old = Item(id="a", link="https://a.test/1", feed="https://a.test/rss", outlet="A",
               title=report[0], summary=report[1], published=T0 - timedelta(days=4),
               language="en")
    first = pipeline.decide(old, T0)
    assert [a.kind for a in first.alerts if a.watchlist == "venezuela"] == ["new_story"]
    again = pipeline.decide(item(2, *report, outlet="Post", minutes=5),
                            T0 + timedelta(minutes=5))
    assert again.story.id == first.story.id
    assert [a.kind for a in again.alerts if a.watchlist == "venezuela"] == []


def test_a_restart_gives_the_grouper_its_items_in_the_order_they_were_seen(tmp_path):
    # the members a story keeps, and so every later score, depend on that order: a restart
    # must rebuild what a run that never stopped would hold
    config = parse_config(CONFIG + f"storage:\n  path: {tmp_path / 'v.db'}\n")
    service = Service.open(config, now=T0)
    late = item(1, *STRIKE, outlet="Slow", minutes=-120)     # published first, seen second
    early = item(2, *STRIKE_AGAIN, outlet="Fast", minutes=-30)
    service.ingest(early, T0)
    service.ingest(late, T0 + timedelta(minutes=10))
    service.close()
    store_items = Service.open(config, now=T0 + timedelta(minutes=20)).store.items.window(
        T0 - timedelta(days=1)).items
    assert [stored.item.id for stored in store_items] == [early.id, late.id]


def test_a_restart_keeps_every_member_of_a_story_still_open(tmp_path):
    # a story told over a week: its first report was seen before the restart's window, but
    # the story is open, and a run that never stopped would still compare with that report
    config = parse_config(CONFIG + f"storage:\n  path: {tmp_path / 'v.db'}\n")
    service = Service.open(config, now=T0)
    report = ("Hegseth says strikes on Tren de Aragua boats in the Caribbean will go on",
              "Hegseth said the US military would keep striking boats of Tren de Aragua in the "
              "Caribbean.")
    ids = []
    for n, hours in enumerate([0, 30, 60, 90, 120, 150]):
        when = T0 + timedelta(hours=hours)
        d = service.ingest(item(n, *report, outlet=f"Paper{n}", minutes=hours * 60), when)
        ids.append((d.item.id, d.story.id))
    assert len({sid for _, sid in ids}) == 1
    service.close()
    restart = T0 + timedelta(hours=151)
    items = Service.open(config, now=restart).store.items.window(restart - timedelta(days=6)).items
    assert [stored.item.id for stored in items] == [iid for iid, _ in ids]


# Twenty-four distinct local events in one feed, in one template: towns, kinds of events and
# outlets' wording alike, the happenings all different. Every one must be told: an event
# that is never told is the worst failure an alert bot has.
EVENTS = [
    ("Barquisimeto", "teachers strike over unpaid wages",
     "Teachers walked out of schools on Monday demanding months of unpaid wages."),
    ("Cumaná", "floods destroy a bridge",
     "Heavy rain swept away the main bridge over the river on Monday."),
    ("Maracaibo", "protest over water shortages blocks avenue",
     "Residents blocked an avenue on Monday to protest weeks without running water."),
    ("Mérida", "fire destroys a market",
     "A fire destroyed dozens of stalls at the central market on Monday."),
    ("Ciudad Bolívar", "miners protest against police raid",
     "Small-scale miners marched on Monday against a police raid on their camp."),
    ("Maturín", "nurses strike for better pay",
     "Nurses at the main hospital stopped work on Monday over pay."),
    ("Barinas", "bus crash kills four",
     "A bus overturned on the highway on Monday, killing four passengers."),
    ("San Cristóbal", "mayor arrested on corruption charges",
     "Police arrested the city's mayor on Monday over alleged embezzlement."),
    ("Puerto La Cruz", "oil spill reaches beaches",
     "Crude oil from a leaking pipeline reached tourist beaches on Monday."),
    ("Coro", "landslide buries homes",
     "A landslide after days of rain buried five homes on Monday."),
    ("Los Teques", "court orders release of activists",
     "A judge ordered the release of three jailed activists on Monday."),
    ("Guanare", "farmers protest fuel shortages",
     "Farmers drove tractors into the city on Monday to protest fuel shortages."),
    ("Acarigua", "explosion at a gas station injures six",
     "A blast at a gas station injured six people on Monday."),
    ("Cabimas", "power blackout hits the city",
     "A blackout left the city without electricity for hours on Monday."),
    ("Punto Fijo", "refinery workers strike",
     "Workers at the refinery went on strike on Monday over safety."),
    ("Porlamar", "fishermen rescued at sea",
     "The coast guard rescued nine fishermen whose boat drifted on Monday."),
    ("Tucupita", "flooding forces evacuations",
     "Rising river waters forced hundreds of families from their homes on Monday."),
    ("Puerto Ayacucho", "students protest university budget cuts",
     "Students marched on Monday against cuts to the university's budget."),
    ("Carúpano", "carnival cancelled after shooting",
     "Authorities cancelled carnival events after a shooting on Monday."),
    ("El Tigre", "doctors strike over hospital conditions",
     "Doctors stopped work on Monday over shortages at the hospital."),
    ("Valera", "earthquake damages churches",
     "A moderate earthquake damaged two churches on Monday."),
    ("Calabozo", "drought kills cattle",
     "Ranchers said on Monday that the drought has killed hundreds of cattle."),
    ("San Fernando de Apure", "protest over power cuts",
     "Residents protested on Monday against daily power cuts."),
    ("Valencia", "factory fire injures workers",
     "A fire at a factory injured eleven workers on Monday."),
]


def test_distinct_local_events_in_one_feed_are_each_told(pipeline):
    told = []
    for n, (town, what, summary) in enumerate(EVENTS):
        d = pipeline.decide(item(n, f"Venezuela: in {town}, {what}", summary, minutes=10 * n),
                            T0 + timedelta(minutes=10 * n))
        if "new_story" in [a.kind for a in d.alerts if a.watchlist == "venezuela"]:
            told.append(town)
    assert told == [town for town, _, _ in EVENTS]


def test_a_labour_strike_is_not_a_military_strike(pipeline):
    military = pipeline.decide(item(1, "US strike on a boat in the Caribbean kills four, "
                                    "Hegseth says", "Hegseth said a strike on Monday killed "
                                    "four people aboard a vessel in the Caribbean."), T0)
    for n, (title, summary, lang) in enumerate([
            ("Dockers strike in Caribbean ports over pay, Venezuela's unions say",
             "Port workers in the Caribbean stopped work on Monday over unpaid wages.", "en"),
            ("Huelga de trabajadores portuarios en el Caribe venezolano",
             "Los trabajadores de los puertos del Caribe venezolano iniciaron el lunes una "
             "huelga por salarios impagos.", "es"),
            ("Venezuela : grève des dockers dans les ports des Caraïbes",
             "Les dockers des ports vénézuéliens des Caraïbes ont cessé le travail lundi.",
             "fr")]):
        d = pipeline.decide(item(10 + n, title, summary, outlet=f"Paper{n}", minutes=60 + n,
                                 language=lang), T0 + timedelta(minutes=60 + n))
        assert d.story.id != military.story.id, title
        assert "e:labour_strike" in pipeline.grouper.analyze(d.item).kinds, title


def test_distinct_events_on_the_same_day_in_the_same_city_are_kept_apart(pipeline):
    fire = pipeline.decide(item(1, "Venezuela: fire destroys a market in Maracaibo",
                                "A fire destroyed dozens of stalls at the central market of "
                                "Maracaibo on Monday, firefighters said."), T0)
    protest = pipeline.decide(item(2, "Venezuela: residents protest water shortages in "
                                   "Maracaibo", "Hundreds of residents of Maracaibo blocked an "
                                   "avenue on Monday to protest weeks without water.",
                                   outlet="Post", minutes=45), T0 + timedelta(minutes=45))
    assert protest.story.id != fire.story.id
    assert [a.kind for a in protest.alerts if a.watchlist == "venezuela"] == ["new_story"]


QUAKE = """
watchlists:
  - name: quake
    include: [earthquake, quake, sismo, terremoto, séisme, seisme]
"""


def test_a_toll_that_rises_across_outlets_and_languages_is_one_story_with_updates():
    pipeline = Pipeline(parse_config(QUAKE))
    reports = [
        (0, "en", "Wire", "Peru earthquake: at least 12 people killed",
         "A magnitude 7.5 earthquake struck northern Peru on Sunday, killing at least 12 "
         "people, officials said."),
        (5 * 60, "en", "Post", "Peru earthquake death toll rises to 27",
         "The toll of Sunday's magnitude 7.5 earthquake in northern Peru rose to 27 as "
         "rescuers searched collapsed homes."),
        (20 * 60, "es", "Diario", "Terremoto en Perú: la cifra de muertos sube a 40",
         "La cifra de fallecidos por el sismo de magnitud 7,5 del domingo en el norte de Perú "
         "subió a 40, según Defensa Civil."),
        (30 * 60, "fr", "Journal", "Séisme au Pérou : le bilan s'alourdit à 52 morts",
         "Le bilan du séisme de magnitude 7,5 qui a frappé dimanche le nord du Pérou s'est "
         "alourdi à 52 morts."),
    ]
    stories, told = set(), []
    for n, (minutes, lang, outlet, title, summary) in enumerate(reports):
        d = pipeline.decide(item(n, title, summary, outlet=outlet, minutes=minutes,
                                 language=lang), T0 + timedelta(minutes=minutes))
        stories.add(d.story.id)
        told += [(a.kind, [(c.fact, c.old, c.new) for c in a.changes]) for a in d.alerts]
    assert len(stories) == 1
    assert told == [("new_story", [("deaths", None, 12)]),
                    ("update", [("deaths", 12, 27)]),
                    ("update", [("deaths", 27, 40)]),
                    ("update", [("deaths", 40, 52)])]


@pytest.mark.parametrize(("title", "summary", "lang"), [
    ("Trump says Venezuela's airspace should be considered closed",
     "Trump's post came after US strikes on boats in the Caribbean killed at least 83 people "
     "since September.", "en"),
    ("Trump declara cerrado el espacio aéreo de Venezuela",
     "Los ataques de Estados Unidos contra lanchas en el Caribe han dejado al menos 83 muertos "
     "desde septiembre.", "es"),
    ("Trump déclare fermé l'espace aérien du Venezuela",
     "Depuis septembre, les frappes américaines contre des bateaux dans les Caraïbes ont fait "
     "au moins 83 morts.", "fr"),
])
def test_a_campaign_total_in_a_story_about_something_else_is_not_its_toll(pipeline, title,
                                                                         summary, lang):
    d = pipeline.decide(item(1, title, summary, language=lang), T0)
    assert {f.name: f.value for f in d.facts}.get("deaths") is None
    assert {f.name: f.value for f in d.facts}.get("deaths_total") == 83
    [alert] = [a for a in d.alerts if a.watchlist == "venezuela"]
    assert "killed: 83" not in alert.text and "campaign toll: 83" in alert.text


def _explained(score: float, *reasons: str, new_subject: bool = False,
               new_deed: bool = False) -> Explanation:
    return Explanation(story="s-told", score=score, threshold=0.0, members=2,
                       reasons=tuple((name, 0.5) for name in reasons), new_subject=new_subject,
                       new_deed=new_deed)


@pytest.mark.parametrize(("found", "repeat"), [
    # alike, if less than the grouper asks, with the same kind at the same place and day
    (_explained(-0.8, "recurring_kind_place_day", "lead_words"), True),
    (_explained(-0.8, "rare_kind_and_place"), True),
    (_explained(-0.8, "same_town", "lead_words"), True),
    # far less alike: another event as likely as not
    (_explained(-1.4, "recurring_kind_place_day"), False),
    # no positive evidence of one happening
    (_explained(-0.2, "lead_words", "text_words"), False),
    # evidence of another event, whatever the likeness
    (_explained(-0.2, "recurring_kind_place_day", "days_differ"), False),
    (_explained(-0.2, "recurring_kind_place_day", new_subject=True), False),
    (_explained(-0.2, "recurring_kind_place_day", new_deed=True), False),
])
def test_what_the_alert_policy_holds_back_as_a_repeat(found, repeat):
    assert _is_repeat(found) is repeat


FIRES = """
watchlists:
  - name: fires
    include: [wildfire, incendio, incendie]
    track: [deaths]
"""
FIRE_REPORTS = [
    ("Kellerton wildfire kills five",
     "Five people died in the wildfire that forced thousands to flee Kellerton, in northern "
     "Portugal, on Monday.", "en"),
    ("El incendio forestal de Kellerton deja cinco muertos",
     "Cinco personas murieron en el incendio forestal que obligó a miles de vecinos a huir de "
     "Kellerton, en el norte de Portugal.", "es"),
]


@pytest.mark.parametrize("restart", [False, True])
def test_a_fires_toll_revised_twelve_days_later_is_an_update_not_a_new_story(tmp_path, restart):
    # the story left the three-day window long before: a rare event's story is kept, and the
    # revised toll is told as its update, across a restart too (rebuilt from the store)
    config = parse_config(FIRES + f"storage:\n  path: {tmp_path / 'v.db'}\n")
    service = Service.open(config, now=T0)
    first = [service.ingest(item(n, t, s, outlet=f"O{n}", minutes=n * 30, language=la),
                            T0 + timedelta(minutes=n * 30))
             for n, (t, s, la) in enumerate(FIRE_REPORTS)]
    assert [a.kind for d in first for a in d.alerts] == ["new_story"]
    # other news meanwhile, days apart: the fire's story leaves the window
    for day in (4, 8):
        when = T0 + timedelta(days=day)
        service.ingest(item(10 + day, f"Wildfire season opens with new rules, day {day}",
                            "Officials in Lisbon presented rules for the season.",
                            outlet="Other", minutes=day * 1440), when)
    later = T0 + timedelta(days=12)
    if restart:
        service.close()
        service = Service.open(config, now=later)
    d = service.ingest(item(3, "Death toll from Kellerton wildfire rises to twelve",
                            "Twelve people have now died in the Kellerton fire.",
                            outlet="Gazette", minutes=12 * 1440), later)
    assert d.story.id == first[0].story.id
    assert [a.kind for a in d.alerts] == ["update"]
    assert [(c.fact, c.old, c.new) for c in d.alerts[0].changes] == [("deaths", 5, 12)]
    service.close()


def test_a_fires_story_outlives_a_long_stop_of_the_daemon(tmp_path):
    # stopped the day after the fire, started again eleven days on: the story was never let
    # go (no item came while it left the window), so the restart rebuilds it and the grouper
    # keeps it; the revised toll is its update
    config = parse_config(FIRES + f"storage:\n  path: {tmp_path / 'v.db'}\n")
    service = Service.open(config, now=T0)
    first = service.ingest(item(0, *FIRE_REPORTS[0][:2]), T0)
    service.close()
    later = T0 + timedelta(days=12)
    service = Service.open(config, now=later)
    d = service.ingest(item(3, "Death toll from Kellerton wildfire rises to twelve",
                            "Twelve people have now died in the Kellerton fire.",
                            outlet="Gazette", minutes=12 * 1440), later)
    assert d.story.id == first.story.id
    assert [(a.kind, [(c.old, c.new) for c in a.changes]) for a in d.alerts] == [
        ("update", [(5, 12)])]
    # once let go (its rare window over, the next item evicts it), the store marks it closed
    # and no restart rebuilds it, however far back one looks
    end = later + timedelta(days=45)
    service.ingest(item(4, "Copper exports rise for a third month", outlet="Other",
                        minutes=57 * 1440), end)
    window = service.store.items.window(end - timedelta(days=6), end - timedelta(days=90))
    assert first.story.id not in {s.id for s in window.stories}
    service.close()


FLOODS = """
watchlists:
  - name: floods
    include: [flood, inund, valencia, valence]
    track: [deaths, injured, missing]
"""


@pytest.mark.parametrize("later", [
    ("en", "Paiporta residents pelt King Felipe and Queen Letizia with mud over the floods",
     "Residents shouted at the royals in Paiporta, where 62 of the 217 people killed by the "
     "floods died."),
    ("es", "Vecinos de Paiporta reciben con barro a los reyes Felipe y Letizia por las "
     "inundaciones", "En Paiporta murieron 62 de las 217 víctimas de las inundaciones en "
     "Valencia."),
])
def test_a_visit_s_story_tells_no_toll_of_the_floods_it_is_about(later):
    """A visit is news of its own; the dead its reports count are the floods', told in the
    floods' story: a count there is no update of the visit."""
    pipeline = Pipeline(parse_config(FLOODS))
    visit = [("en", "Wire", "King and queen visit Paiporta near Valencia",
              "Felipe VI and Letizia met residents of Paiporta, where the floods killed 62 of "
              "the 214 dead in the region."),
             ("en", "Post", "Spanish king and queen visit Paiporta",
              "Felipe VI and Letizia met residents of Paiporta, near Valencia, on Sunday."),
             ("es", "Diario", "Los reyes Felipe VI y Letizia visitan Paiporta, en Valencia",
              "Felipe VI y Letizia se reunieron el domingo con vecinos de Paiporta.")]
    told, stories = [], set()
    for n, (lang, outlet, title, summary) in enumerate([*visit, (later[0], "Journal",
                                                                 *later[1:])]):
        d = pipeline.decide(item(n, title, summary, outlet=outlet, minutes=30 * n,
                                 language=lang), T0 + timedelta(minutes=30 * n))
        stories.add(d.story.id)
        told += [(a.kind, [(c.fact, c.old, c.new) for c in a.changes]) for a in d.alerts]
    assert len(stories) == 1
    assert told == [("new_story", [])]


def test_only_peaceful_deeds_leave_the_dead_to_another_story():
    """A coup or a seizure may kill: the dead its story counts are its own."""
    info = Grouper().lex.kind_info
    assert info["e:visit"].peaceful and info["e:aid"].peaceful and info["e:arrest"].peaceful
    assert not info["e:coup"].peaceful and not info["e:seizure"].peaceful
    assert not info["e:flood"].peaceful and not info["e:protest"].peaceful


@pytest.mark.parametrize("title", [
    "Israeli strikes kill 40 in Gaza as Netanyahu visits Washington",
    "Russian missiles kill 14 in Kyiv as Zelensky meets Trump envoy",
    "Bandits kill 40 villagers in northwest Nigeria as governor visits",
])
def test_a_killing_told_beside_a_visit_keeps_its_toll(title):
    """A headline that counts the dead beside a deed tells a killing: its story is no story
    of peaceful deeds, and its toll is told."""
    config = ("watchlists:\n  - name: w\n    include: [gaza, kyiv, nigeria]\n"
              "    track: [deaths]\n")
    d = Pipeline(parse_config(config)).decide(item(1, title), T0)
    assert [(a.kind, [(c.fact, c.new) for c in a.changes]) for a in d.alerts] == [
        ("new_story", [("deaths", int(title.split(" kill ")[1].split()[0]))])]
