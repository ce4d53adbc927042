"""When a chat's alerts go out: one by one, or held for a digest (/digest) or past quiet
hours (/quiet), in the chat's time zone (/timezone).

    plan = Plan.of(digest="daily 08:00", quiet="22:00-07:00", timezone="Europe/Madrid")
    decide(plan, since, now)    # ("send", None) | ("wait", until) | ("digest", None)

`since` is when the oldest alert still queued for the chat was decided. Nothing else is
kept: the deliveries queued in the outbox are the state, so a restart in the middle of a
period changes nothing. A digest period is cut at fixed local times — each day at HH:MM, or
every N hours from local midnight — and its digest is due at the first cut after `since`.
Nothing goes out in quiet hours; what they held goes out as one digest at their end. Times
are compared in UTC; wall-clock times are built in the zone (zoneinfo), so a daylight-saving
change moves no cut by an hour and skips none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CLOCK = re.compile(r"([01]?\d|2[0-3])[:h.]?([0-5]\d)?")


def clock_time(text: str) -> time:
    """"22:00", "7:30", "07h30", "7" -> a time of day."""
    match = _CLOCK.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(text)
    return time(int(match[1]), int(match[2] or 0))


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(name) from None


@dataclass(frozen=True)
class Digest:
    at: time | None = None  # each day at this local time...
    every: int | None = None  # ...or every this many hours from local midnight

    @classmethod
    def parse(cls, text: str, min_every: int = 1) -> Digest | None:
        """"off", "daily 08:00", "every 6h" (the form /digest takes and the store keeps); None
        for off. ValueError when it is none of these, or more often than `min_every` hours."""
        words = text.strip().lower().split()
        if words == ["off"]:
            return None
        if len(words) == 2 and words[0] == "daily":
            return cls(at=clock_time(words[1]))
        if len(words) == 2 and words[0] == "every" and re.fullmatch(r"\d{1,2}h?", words[1]):
            hours = int(words[1].rstrip("h"))
            if min_every <= hours <= 24:
                return cls(every=hours)
        raise ValueError(text)

    def __str__(self) -> str:
        return f"daily {self.at:%H:%M}" if self.at is not None else f"every {self.every}h"

    def cuts(self) -> list[time]:
        """The local times of day at which a period ends."""
        if self.at is not None:
            return [self.at]
        return [time(h) for h in range(0, 24, self.every or 24)]


@dataclass(frozen=True)
class Quiet:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> Quiet | None:
        """"22:00-07:00" (across midnight), "13:00-15:00", or "off" (None)."""
        if text.strip().lower() == "off":
            return None
        start, sep, end = text.replace("–", "-").partition("-")
        if not sep:
            raise ValueError(text)
        quiet = cls(clock_time(start), clock_time(end))
        if quiet.start == quiet.end:
            raise ValueError(text)
        return quiet

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Plan:
    """A chat's delivery times: its digest, its quiet hours, its zone."""

    tz: ZoneInfo
    digest: Digest | None = None
    quiet: Quiet | None = None

    @classmethod
    def of(cls, *, digest: str | None, quiet: str | None, timezone: str) -> Plan:
        """From the specs the store keeps (each as `parse` writes it)."""
        return cls(zone(timezone), Digest.parse(digest) if digest else None,
                   Quiet.parse(quiet) if quiet else None)


def _at(day: datetime, t: time, tz: ZoneInfo) -> datetime:
    """`t` on the local date of `day`, in UTC. A time that does not exist that day (clocks
    sprang forward over it) is read with the offset before the change: a little later."""
    return datetime.combine(day.date(), t, tzinfo=tz).astimezone(UTC)


def next_cut(digest: Digest, tz: ZoneInfo, after: datetime) -> datetime:
    """The end of the digest period holding `after`: the first cut strictly after it."""
    local = after.astimezone(tz)
    for day in (local, local + timedelta(days=1)):
        for t in digest.cuts():
            cut = _at(day, t, tz)
            if cut > after:
                return cut
    raise AssertionError("a day always has a cut")  # every day lists one at least


def quiet_end(quiet: Quiet, tz: ZoneInfo, t: datetime) -> datetime | None:
    """The end of the quiet hours `t` falls in, or None when it falls outside them."""
    local = t.astimezone(tz)
    now = local.time().replace(tzinfo=None)
    if quiet.start < quiet.end:  # within one day: 13:00-15:00
        return _at(local, quiet.end, tz) if quiet.start <= now < quiet.end else None
    if now >= quiet.start:  # across midnight: 22:00-07:00, before midnight
        return _at(local + timedelta(days=1), quiet.end, tz)
    return _at(local, quiet.end, tz) if now < quiet.end else None


def quiet_start(quiet: Quiet, tz: ZoneInfo, after: datetime) -> datetime:
    """When the first quiet hours after `after` begin."""
    local = after.astimezone(tz)
    start = _at(local, quiet.start, tz)
    return start if start > after else _at(local + timedelta(days=1), quiet.start, tz)


def decide(plan: Plan | None, since: datetime, now: datetime) -> tuple[str, datetime | None]:
    """What to do with a chat's queue whose oldest alert was decided at `since`: "send" its
    head as usual, "wait" until the time given, or send all of it as one "digest" now.

    - In quiet hours nothing goes out: wait for their end.
    - With a digest, the queue waits for the first cut after `since`; a cut inside quiet
      hours moves to their end.
    - Without one, a queue that was waiting when quiet hours began, or began in them, goes
      out as one digest once they are over; any other is sent as usual."""
    if plan is None:
        return "send", None
    quiet = plan.quiet
    if quiet is not None and (end := quiet_end(quiet, plan.tz, now)):
        return "wait", end
    if plan.digest is not None:
        due = next_cut(plan.digest, plan.tz, since)
        if quiet is not None:
            due = quiet_end(quiet, plan.tz, due) or due
        return ("wait", due) if due > now else ("digest", None)
    if quiet is not None and (quiet_end(quiet, plan.tz, since)
                              or quiet_start(quiet, plan.tz, since) <= now):
        return "digest", None
    return "send", None
