"""The ledger: a figure is news only when it rises above the highest seen, and only once."""

from __future__ import annotations

from bot.ledger import Ledger, watchlist_scope
from bot.model import Change

W = watchlist_scope("venezuela")


def test_first_value_is_news_with_no_previous():
    ledger = Ledger()
    assert ledger.observe(W, "deaths_total", 80, "Wire") == Change("deaths_total", None, 80,
                                                                     ("Wire",))


def test_a_rise_is_news_once_and_says_what_it_was():
    ledger = Ledger()
    ledger.observe(W, "deaths_total", 80, "Wire")
    change = ledger.observe(W, "deaths_total", 83, "Diario")
    assert (change.old, change.new) == (80, 83)
    assert ledger.observe(W, "deaths_total", 83, "Journal") is None


def test_lower_or_equal_values_are_stale_never_news():
    ledger = Ledger()
    ledger.observe(W, "deaths_total", 83, "Wire")
    assert ledger.observe(W, "deaths_total", 80, "Late Paper") is None
    assert ledger.observe(W, "deaths_total", 83, "Other") is None
    assert ledger.best(W, "deaths_total") == 83


def test_facts_and_scopes_are_independent():
    ledger = Ledger()
    ledger.observe(W, "deaths_total", 83, "Wire")
    assert ledger.observe(W, "strikes_total", 21, "Wire") is not None
    assert ledger.observe(watchlist_scope("other"), "deaths_total", 5, "Wire") is not None


def test_corroboration_holds_a_rise_until_enough_distinct_outlets_report_it():
    ledger = Ledger(corroboration=2)
    assert ledger.observe(W, "deaths_total", 83, "Wire") is None
    assert ledger.observe(W, "deaths_total", 83, "Wire") is None  # same outlet twice: still one
    change = ledger.observe(W, "deaths_total", 83, "Diario")
    assert change is not None and change.sources == ("Diario", "Wire")
    assert ledger.observe(W, "deaths_total", 83, "Journal") is None


def test_state_survives_a_round_trip_through_rows():
    ledger = Ledger(corroboration=2)
    ledger.observe(W, "deaths_total", 83, "Wire")
    ledger.observe(W, "deaths_total", 83, "Diario")
    ledger.observe(W, "deaths_total", 87, "Wire")  # pending: one outlet so far
    again = Ledger(corroboration=2)
    again.restore(ledger.rows())
    assert again.best(W, "deaths_total") == 83
    change = again.observe(W, "deaths_total", 87, "Journal")
    assert change is not None and (change.old, change.new) == (83, 87)


def test_forget_drops_a_closed_story():
    ledger = Ledger()
    ledger.observe("story:s1", "deaths", 3, "Wire")
    ledger.forget("story:s1")
    assert ledger.best("story:s1", "deaths") is None
    assert ledger.rows("story:s1") == []


def test_a_leap_of_a_campaign_total_waits_for_a_second_outlet_and_blocks_nothing():
    ledger = Ledger()
    ledger.observe(W, "deaths_total", 83, "Wire")
    # a misread "1 105" from one outlet: held, and true rises after it are still news
    assert ledger.observe(W, "deaths_total", 1105, "Careless Daily") is None
    assert ledger.best(W, "deaths_total") == 83
    change = ledger.observe(W, "deaths_total", 87, "Diario")
    assert change is not None and (change.old, change.new) == (83, 87)
    # a second outlet with the same figure makes it news (a real jump is told, only later)
    assert ledger.observe(W, "deaths_total", 1105, "Careless Daily") is None
    change = ledger.observe(W, "deaths_total", 1105, "Journal")
    assert change is not None and (change.old, change.new) == (87, 1105)


def test_ordinary_steps_and_story_figures_are_told_on_one_outlet():
    ledger = Ledger()
    ledger.observe(W, "deaths_total", 34, "Wire")
    assert ledger.observe(W, "deaths_total", 46, "Wire") is not None  # the largest real step
    ledger.observe("story:s1", "deaths", 3, "Wire")
    assert ledger.observe("story:s1", "deaths", 11, "Wire") is not None  # an event's toll grows
