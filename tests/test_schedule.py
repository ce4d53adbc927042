"""Quiet hours and digest periods in a chat's time zone: pure arithmetic with `now` passed
in (bot/subscribers/schedule.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.subscribers.schedule import Digest, Plan, Quiet, clock_time, decide, next_cut

MADRID = ZoneInfo("Europe/Madrid")


def local(text: str, tz: ZoneInfo = MADRID) -> datetime:
    """A local wall-clock time, as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


@pytest.mark.parametrize("text, spec", [
    ("daily 08:00", "daily 08:00"), ("DAILY 8", "daily 08:00"), ("daily 7h30", "daily 07:30"),
    ("every 6h", "every 6h"), ("every 6", "every 6h"), ("every 24h", "every 24h"),
])
def test_digest_specs_read_and_write_back(text: str, spec: str) -> None:
    assert str(Digest.parse(text)) == spec
    assert str(Digest.parse(spec)) == spec


@pytest.mark.parametrize("text", ["daily", "daily 25:00", "every 0h", "every 25h", "weekly",
                                  "every 30m", "daily 08:00 09:00"])
def test_what_is_no_digest(text: str) -> None:
    with pytest.raises(ValueError):
        Digest.parse(text)


def test_a_digest_more_often_than_the_config_allows_is_refused() -> None:
    assert Digest.parse("every 3h", min_every=3).every == 3
    with pytest.raises(ValueError):
        Digest.parse("every 2h", min_every=3)
    assert Digest.parse("off") is None and Quiet.parse("OFF") is None


@pytest.mark.parametrize("text, spec", [("22:00-07:00", "22:00-07:00"), ("22-7", "22:00-07:00"),
                                        ("13:30–15:00", "13:30-15:00")])
def test_quiet_hours_read_and_write_back(text: str, spec: str) -> None:
    assert str(Quiet.parse(text)) == spec


@pytest.mark.parametrize("text", ["22:00", "22:00-22:00", "25:00-07:00", "night"])
def test_what_are_no_quiet_hours(text: str) -> None:
    with pytest.raises(ValueError):
        Quiet.parse(text)


def test_clock_times() -> None:
    assert clock_time("7") == time(7) and clock_time("07.45") == time(7, 45)
    with pytest.raises(ValueError):
        clock_time("7pm")


@pytest.mark.parametrize("spec, after, cut", [
    ("daily 08:00", "2030-01-07 07:59", "2030-01-07 08:00"),
    ("daily 08:00", "2030-01-07 08:00", "2030-01-08 08:00"),  # a cut ends the period before it
    ("daily 08:00", "2030-01-07 23:30", "2030-01-08 08:00"),
    ("every 6h", "2030-01-07 00:00", "2030-01-07 06:00"),
    ("every 6h", "2030-01-07 13:10", "2030-01-07 18:00"),
    ("every 6h", "2030-01-07 19:00", "2030-01-08 00:00"),
    ("every 5h", "2030-01-07 21:00", "2030-01-08 00:00"),  # the day's last period is short
])
def test_a_digest_is_due_at_the_first_cut_after_its_oldest_alert(spec: str, after: str,
                                                                   cut: str) -> None:
    assert next_cut(Digest.parse(spec), MADRID, local(after)) == local(cut)


def test_a_daylight_saving_change_moves_no_cut_and_skips_none() -> None:
    # Europe/Madrid springs forward on 2030-03-31 at 02:00 (to 03:00) and falls back on
    # 2030-10-27 at 03:00 (to 02:00).
    for start in ("2030-03-29 09:00", "2030-10-25 09:00"):
        cuts, t = [], local(start)
        for _ in range(4):
            t = next_cut(Digest.parse("daily 08:00"), MADRID, t)
            cuts.append(t)
        day = datetime.fromisoformat(start).date()
        assert [c.astimezone(MADRID).strftime("%m-%d %H:%M") for c in cuts] == [
            f"{day + timedelta(days=k):%m-%d} 08:00" for k in range(1, 5)]
    # A cut at a time the spring-forward day skips still happens, once, that day.
    cut = next_cut(Digest.parse("daily 02:30"), MADRID, local("2030-03-30 12:00"))
    assert cut.astimezone(MADRID).date().isoformat() == "2030-03-31"
    assert next_cut(Digest.parse("daily 02:30"), MADRID, cut).astimezone(MADRID).strftime(
        "%d %H:%M") == "01 02:30"
    # every 6h on the short day: 00, 06, 12, 18 local, each once.
    t, seen = local("2030-03-31 00:00"), []
    while t < local("2030-04-01 00:00"):
        t = next_cut(Digest.parse("every 6h"), MADRID, t)
        seen.append(t.astimezone(MADRID).strftime("%H:%M"))
    assert seen == ["06:00", "12:00", "18:00", "00:00"]


QUIET = Plan(MADRID, quiet=Quiet.parse("22:00-07:00"))
DAILY = Plan(MADRID, digest=Digest.parse("daily 18:00"))
BOTH = Plan(MADRID, digest=Digest.parse("daily 23:00"), quiet=Quiet.parse("22:00-07:00"))
AFTERNOON = Plan(MADRID, quiet=Quiet.parse("13:00-15:00"))


@pytest.mark.parametrize("plan, since, now, expected", [
    (None, "2030-01-07 23:00", "2030-01-07 23:00", ("send", None)),
    # Quiet hours across midnight: nothing goes out in them...
    (QUIET, "2030-01-07 21:00", "2030-01-07 21:00", ("send", None)),
    (QUIET, "2030-01-07 23:00", "2030-01-07 23:00", ("wait", "2030-01-08 07:00")),
    (QUIET, "2030-01-08 03:00", "2030-01-08 06:59", ("wait", "2030-01-08 07:00")),
    # ...and what they held goes out as one message at their end...
    (QUIET, "2030-01-07 23:00", "2030-01-08 07:00", ("digest", None)),
    # ...with what was still waiting when they began (a retry, a long queue).
    (QUIET, "2030-01-07 21:59", "2030-01-08 07:05", ("digest", None)),
    (QUIET, "2030-01-08 07:30", "2030-01-08 07:30", ("send", None)),
    (AFTERNOON, "2030-01-07 14:00", "2030-01-07 14:59", ("wait", "2030-01-07 15:00")),
    (AFTERNOON, "2030-01-07 12:00", "2030-01-07 12:30", ("send", None)),
    # A digest waits for its cut...
    (DAILY, "2030-01-07 09:00", "2030-01-07 17:59", ("wait", "2030-01-07 18:00")),
    (DAILY, "2030-01-07 09:00", "2030-01-07 18:00", ("digest", None)),
    (DAILY, "2030-01-07 18:30", "2030-01-07 19:00", ("wait", "2030-01-08 18:00")),
    # ...a restart or an outage past it sends it at once...
    (DAILY, "2030-01-05 09:00", "2030-01-07 12:00", ("digest", None)),
    # ...and a cut in quiet hours moves to their end.
    (BOTH, "2030-01-07 20:00", "2030-01-07 23:30", ("wait", "2030-01-08 07:00")),
    (BOTH, "2030-01-07 20:00", "2030-01-08 07:00", ("digest", None)),
])
def test_when_a_chats_queue_goes_out(plan: Plan | None, since: str, now: str,
                                     expected: tuple) -> None:
    what, until = decide(plan, local(since), local(now))
    assert (what, until) == (expected[0], local(expected[1]) if expected[1] else None)


def test_the_same_instant_is_judged_alike_in_any_zone_it_is_written_in() -> None:
    since = local("2030-01-07 23:00")
    for tz in (UTC, ZoneInfo("America/Caracas"), ZoneInfo("Asia/Tokyo")):
        assert decide(QUIET, since.astimezone(tz), (since + timedelta(hours=8)).astimezone(tz)
                      ) == ("digest", None)
