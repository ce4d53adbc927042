"""Facts over combinations of wordings: a per-event headline beside a campaign sentence.

Every headline wording of one event's toll (and survivors) is crossed with every wording of
the campaign's running totals, in each language, at two sizes of the campaign. A reader
expects the same three or four figures from any pairing; a rule that leaks from one sentence
into the other (the event's toll taken for the campaign's, a count of strikes read as deaths)
shows up here as one failing pair. The sentences are invented for these tests.
"""

from __future__ import annotations

import itertools

import pytest

from bot.facts import extract_facts

WORDS = {"en": {2: "two", 3: "three"}, "es": {2: "dos", 3: "tres"}, "fr": {2: "deux", 3: "trois"}}
ORDINALS = {
    "en": {21: "21st", 26: "26th"},
    "en_words": {21: "twenty-first", 26: "twenty-sixth"},
    "es": {21: "vigésimo primer", 26: "vigésimo sexto"},
    "fr": {21: "vingt et unième", 26: "vingt-sixième"},
}
CAMPAIGNS = [(83, 21), (105, 26)]  # (deaths so far, strikes so far)

TOLL_HEADLINES = {
    "en": ["US strike on alleged drug boat kills {d}",
           "{D} killed in US strike on vessel in eastern Pacific",
           "US military says {dw} dead after strike on boat",
           "Hegseth: strike on 'narco' boat kills {dw}",
           "US strikes another boat, killing {d}"],
    "es": ["EE.UU. ataca una lancha en el Pacífico y mata a {dw} personas",
           "Mueren {dw} personas en un nuevo ataque de EE.UU. contra una narcolancha",
           "Un ataque de Estados Unidos deja {d} muertos en el Caribe",
           "Hegseth anuncia un ataque con {d} muertos"],
    "fr": ["Frappe américaine contre un bateau : {dw} morts",
           "Les États-Unis frappent un navire dans le Pacifique, {d} morts",
           "{Dw} personnes tuées dans une nouvelle frappe américaine",
           "Une frappe américaine fait {d} morts dans les Caraïbes"],
}
CAMPAIGN_SENTENCES = {  # (sentence, whether it also gives the number of strikes)
    "en": [("The strike brings the number of people killed in the campaign to at least {T}.",
            False),
           ("At least {T} people have been killed in {S} strikes since September.", True),
           ("It was the {So} strike since early September; the campaign has killed {T} people.",
            True),
           ("The U.S. has now carried out {S} strikes, killing at least {T} people.", True),
           ("The military has conducted {S} known strikes since Sept. 2, with a total of {T} "
            "people killed.", True),
           ("In all, {T} people have died in {S} such strikes.", True),
           ("Since September, U.S. forces have killed {T} people in {S} strikes on alleged drug "
            "boats.", True)],
    "es": [("Con este ataque, ya son al menos {T} los muertos en {S} ataques desde septiembre.",
            True),
           ("La cifra de fallecidos en la campaña asciende a {T}.", False),
           ("Desde septiembre, los ataques de EE.UU. han dejado {T} muertos en {S} operaciones.",
            True),
           ("En total, {T} personas han muerto en {S} ataques.", True),
           ("Es el ataque número {S} desde septiembre, que elevan a {T} el número de muertos.",
            True)],
    "fr": [("Cette frappe porte à au moins {T} le nombre de morts depuis début septembre.", False),
           ("Au total, {T} personnes ont été tuées dans {S} frappes depuis septembre.", True),
           ("C'est la {S}e frappe depuis septembre; le bilan s'élève à {T} morts.", True),
           ("Depuis septembre, les frappes américaines ont fait au moins {T} morts en {S} "
            "frappes.", True),
           ("Le bilan de la campagne atteint désormais {T} morts.", False)],
}

SURVIVOR_HEADLINES = {
    "en": ["US strike on boat in Caribbean leaves {dw} dead and {sw} survivors",
           "{Dw} killed, {sw} survive US strike on alleged drug vessel",
           "US strike kills {dw}; {sw} survivors rescued",
           "Strike on suspected drug boat kills {d}, leaves {s} survivors"],
    "es": ["Un ataque de EE.UU. deja {dw} muertos y {sw} sobrevivientes",
           "{Dw} muertos y {sw} supervivientes en un ataque de EE.UU. contra una lancha",
           "EE.UU. mata a {dw} personas en una lancha; hay {sw} sobrevivientes"],
    "fr": ["Une frappe américaine fait {dw} morts et {sw} survivants",
           "{Dw} morts et {sw} survivants après une frappe américaine",
           "Frappe américaine : {d} morts, {s} survivants"],
}
STRIKE_COUNT_SENTENCES = {
    "en": ["Hegseth said it was the {So} strike of the campaign.",
           "The Pentagon has now announced {S} strikes.",
           "That makes {S} strikes since early September.",
           "The total number of strikes stands at {S}.",
           "It is the {Sw} such strike.",
           "The number of strikes since September rose to {S}."],
    "es": ["Es el {So} ataque desde septiembre.",
           "Con este suman {S} los ataques.",
           "El número de ataques asciende a {S}.",
           "Se trata del ataque número {S} de la campaña.",
           "Ya son {S} los ataques contra lanchas desde septiembre."],
    "fr": ["Il s'agit de la {So} frappe depuis septembre.",
           "C'est la {S}e frappe de la campagne.",
           "Le nombre de frappes s'élève désormais à {S}.",
           "Cela porte à {S} le nombre de frappes depuis septembre."],
}


def _fill(template: str, lang: str, d: int, s: int, deaths: int, strikes: int) -> str:
    ordinal = ORDINALS["en" if lang == "en" else lang][strikes]
    return template.format(d=d, s=s, dw=WORDS[lang][d], sw=WORDS[lang].get(s, ""),
                           D=d, Dw=WORDS[lang][d].capitalize(), T=deaths, S=strikes,
                           So=ordinal, Sw=ORDINALS["en_words"][strikes])


def _read(title: str, summary: str, lang: str) -> dict[str, int]:
    return {f.name: f.value for f in extract_facts(title, summary, lang)}


TOLL_CASES = [(lang, h, c, n) for lang in TOLL_HEADLINES
              for h, (c, n) in itertools.product(TOLL_HEADLINES[lang], CAMPAIGN_SENTENCES[lang])]
SURVIVOR_CASES = [(lang, h, c) for lang in SURVIVOR_HEADLINES
                  for h, c in itertools.product(SURVIVOR_HEADLINES[lang],
                                                STRIKE_COUNT_SENTENCES[lang])]


@pytest.mark.parametrize("lang, headline, sentence, gives_strikes", TOLL_CASES)
def test_an_events_toll_beside_the_campaigns_totals(lang, headline, sentence, gives_strikes):
    for d, (deaths, strikes) in zip((3, 2), CAMPAIGNS, strict=True):
        got = _read(_fill(headline, lang, d, 0, deaths, strikes),
                    _fill(sentence, lang, d, 0, deaths, strikes), lang)
        want = {"deaths": d, "deaths_total": deaths}
        if gives_strikes:
            want["strikes_total"] = strikes
        assert got == want


@pytest.mark.parametrize("lang, headline, sentence", SURVIVOR_CASES)
def test_an_events_toll_and_survivors_beside_the_count_of_strikes(lang, headline, sentence):
    for (d, s), (deaths, strikes) in zip(((3, 2), (2, 3)), CAMPAIGNS, strict=True):
        got = _read(_fill(headline, lang, d, s, deaths, strikes),
                    _fill(sentence, lang, d, s, deaths, strikes), lang)
        assert got == {"deaths": d, "survivors": s, "strikes_total": strikes}
