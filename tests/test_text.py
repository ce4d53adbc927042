"""The text layer reads what each language table's example rows say it reads: the counts,
the ordinals and the calendar days of a sentence (bot/data/lang/<code>.yaml, `examples`)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.text import LANGUAGES, NUM, ORD, fold, guess_language, read, read_data

PUBLISHED = date(2025, 11, 3)
ROWS = [(code, row) for code in LANGUAGES
        for row in read_data("lang", f"{code}.yaml").get("examples") or ()]


@pytest.mark.parametrize(("lang", "row"), ROWS, ids=[f"{c}:{r['text'][:40]}" for c, r in ROWS])
def test_each_example_row_reads_as_its_table_says(lang, row):
    text = read(row["text"], lang, PUBLISHED)
    counts = [t.value for t in text.tokens if t.kind == NUM]
    ordinals = [t.value for t in text.tokens if t.kind == ORD]
    assert counts == row.get("counts", []), text.tokens
    assert ordinals == row.get("ordinals", []), text.tokens
    assert [d.day for d in text.days] == [date.fromisoformat(str(d))
                                          for d in row.get("days", [])]


def test_every_language_has_example_rows():
    assert {code for code, _ in ROWS} == set(LANGUAGES)


def test_folding_keeps_every_character_in_its_place():
    for original in ("Caraïbes", "l’armée", "İstanbul", "«Cœur»", "Perú: 40 muertos"):
        folded = fold(original)
        assert len(folded) == len(original)
    assert fold("Pacífico — «Caraïbes»") == 'pacifico - "caraibes"'


def test_a_token_keeps_its_span_in_the_original():
    original = "Séisme au Pérou : le bilan s’alourdit à 31 morts"
    text = read(original, "fr")
    figure = next(t for t in text.tokens if t.kind == NUM)
    assert original[figure.start:figure.end] == "31"
    assert [original[t.start:t.end] for t in text.tokens][:3] == ["Séisme", "au", "Pérou"]


def test_an_initialism_is_one_word_and_does_not_end_the_sentence():
    text = read("Officials in the U.S. said on Monday that EE.UU. struck", "en")
    assert "us" in [t.norm for t in text.tokens]
    assert sum(1 for t in text.tokens if t.first) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("Les forces américaines ont frappé un bateau dans les eaux", "fr"),
    ("Las fuerzas de Estados Unidos atacaron una lancha en el mar", "es"),
    ("The forces struck a boat in the waters of the region", "en"),
])
def test_the_language_is_guessed_from_its_stop_words(text, expected):
    assert guess_language(text) == expected


def test_a_language_hint_wins():
    assert guess_language("The forces struck", "fr-FR") == "fr"


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "Unions announced a new day of strikes on January 9"),
    ("es", "Los sindicatos anunciaron una nueva jornada de huelga el 9 de enero"),
    ("fr", "Les syndicats ont annoncé une nouvelle journée de grève le 9 janvier"),
])
def test_early_january_named_in_late_december_is_next_years(lang, sentence):
    # three weeks ahead, not eleven months back: what unions call for, not what happened
    assert [d.day for d in read(sentence, lang, date(2025, 12, 19)).days] == [date(2026, 1, 9)]
    # named in November, the same day is still January past (plans that far ahead are rare,
    # recalled days are not)
    assert [d.day for d in read(sentence, lang, date(2025, 11, 3)).days] == [date(2025, 1, 9)]


def test_the_word_lists_keep_on_off_yes_and_no_as_words(tmp_path):
    # YAML 1.1 reads them as booleans: "killed on the road" once lost its "on", "off the
    # coast" its "off"; a user's topic file is read the same way
    from bot.text.lexicon import lexicon

    assert "on" in read_data("facts", "en.yaml")["classes"]["killed_then"]
    assert "off" in read_data("lang", "en.yaml")["locatives"]
    topic = tmp_path / "switches.yaml"
    topic.write_text("concepts:\n  cutoff: [off, cut-off]\n", "utf-8")
    assert lexicon((str(topic),)).vocabulary.values.get(("off",)) == "c:cutoff"
