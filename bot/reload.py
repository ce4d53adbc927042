"""What a config reload (SIGHUP) changes in a running daemon, decided as data.

    running config, new config ─▶ plan() ─▶ Reload: feeds to start, stop and reschedule;
                                             whether the pipeline is rebuilt; what waits for a
                                             restart; the config to run with from now on

The daemon (app.py) applies it: scheduler jobs, the pipeline rebuilt from the store as a
restart would (so nothing already told is told again: every item seen is in the store, and
an item known is never decided twice), the bot's view of the config. What cannot change in a
running process (the store it holds, the bot's token and server, the fetcher's limits, the
Apprise destinations, the metrics port) keeps its running value until a restart, and the
log line says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .config import Config, FeedConfig


@dataclass(frozen=True)
class Reload:
    config: Config  # the new file's, with the restart-only keys as they run
    added: tuple[FeedConfig, ...]
    removed: tuple[FeedConfig, ...]
    changed: tuple[FeedConfig, ...]  # the same URL with another interval, name or language
    pipeline: bool  # watchlists, grouping or alert policy changed: rebuild the pipeline
    watchlists: tuple[str, ...]  # the watchlists added, removed or changed
    later: tuple[str, ...]  # keys whose change waits for a restart


def _restart_only(old: Config, new: Config) -> tuple[Config, tuple[str, ...]]:
    """`new` with every key a running process cannot take back at its running value, and
    the names of those that differed."""
    later = []
    t_old, t_new, f_old, f_new = old.telegram, new.telegram, old.fetch, new.fetch
    for key, a, b in [
        ("storage", old.storage, new.storage),
        ("telegram.token_env", t_old.token_env, t_new.token_env),
        ("telegram.base_url", t_old.base_url, t_new.base_url),
        ("telegram.pacing", t_old.pacing, t_new.pacing),
        ("apprise", old.apprise, new.apprise),
        ("metrics", old.metrics, new.metrics),
        ("fetch.timeout", f_old.timeout, f_new.timeout),
        ("fetch.max_bytes", f_old.max_bytes, f_new.max_bytes),
        ("fetch.allow_private_addresses", f_old.allow_private_addresses,
         f_new.allow_private_addresses),
    ]:
        if a != b:
            later.append(key)
    kept = replace(new, storage=old.storage, apprise=old.apprise, metrics=old.metrics,
                   telegram=replace(t_new, token_env=t_old.token_env,
                                    base_url=t_old.base_url, pacing=t_old.pacing),
                   fetch=replace(f_new, timeout=f_old.timeout, max_bytes=f_old.max_bytes,
                                 allow_private_addresses=f_old.allow_private_addresses))
    return kept, tuple(later)


def plan(old: Config, new: Config) -> Reload:
    config, later = _restart_only(old, new)
    before = {f.url: f for f in old.feeds}
    after = {f.url: f for f in config.feeds}
    w_old = {w.name: w for w in old.watchlists}
    w_new = {w.name: w for w in config.watchlists}
    touched = tuple(sorted(n for n in w_old.keys() | w_new.keys()
                           if w_old.get(n) != w_new.get(n)))
    return Reload(
        config=config,
        added=tuple(f for url, f in after.items() if url not in before),
        removed=tuple(f for url, f in before.items() if url not in after),
        changed=tuple(f for url, f in after.items() if url in before and before[url] != f),
        # topics resolve against the config file's folder: a file moved is a change too
        pipeline=(bool(touched) or old.grouping != config.grouping
                  or old.alerts != config.alerts or old.topics() != config.topics()),
        watchlists=touched, later=later)


def describe(r: Reload) -> str:
    """The one log line a reload gives."""
    from .app import count

    parts = [f"{count(len(r.added), 'feed')} added, {len(r.removed)} removed, "
             f"{len(r.changed)} rescheduled"]
    if r.watchlists:
        parts.append("watchlists changed: " + ", ".join(r.watchlists))
    elif r.pipeline:
        parts.append("grouping or alert policy changed")
    if r.later:
        parts.append("kept until a restart: " + ", ".join(r.later))
    return f"config reloaded from {r.config.source}: " + "; ".join(parts)
