"""An invented story in a real store file, saved through the store's decision path: six
reports in three languages whose toll rises 3 -> 4 -> 6 and whose campaign total rises
80 -> 86, beside two quieter stories. Invented outlets and events, no corpus text.

    python tests/storydata.py DIR    # DIR/vigia.db and DIR/vigia.yaml, for `vigia story`

(docs/story-chart.png was drawn from it: `vigia story --config DIR/vigia.yaml sf3rrycapsz1
--chart docs/story-chart.png`.)
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.model import Alert, Decision, Fact, Item, Story
from bot.store import Store

T0 = datetime(2025, 10, 14, 6, 30, tzinfo=UTC)
STORY = "sf3rrycapsz1"
TITLE = "Patrol boat fires on a launch off Isla Verde; three dead"

# (hours after T0, outlet, language, title, facts)
REPORTS = [
    (0.0, "Harbour Wire", "en", TITLE, {"deaths": 3, "deaths_total": 80}),
    (1.5, "Diario del Sur", "es", "Tres muertos en el ataque a una lancha frente a Isla Verde",
     {"deaths": 3}),
    (4.0, "Le Quotidien", "fr", "Isla Verde : le bilan passe à quatre morts",
     {"deaths": 4, "deaths_total": 81}),
    (7.25, "Harbour Wire", "en", "Isla Verde launch: a fourth body is found", {}),
    (20.0, "Coast Post", "en", "Isla Verde toll rises to six as two more bodies are recovered",
     {"deaths": 6, "deaths_total": 83}),
    (26.0, "Diario del Sur", "es", "La fiscalía cuenta cinco muertos; la campaña suma 86",
     {"deaths": 5, "deaths_total": 86}),
]

OTHERS = [  # (story id, hours after T0, title, facts)
    ("squiet000001", 10.0, "Fishermen's union calls a strike in Puerto Azul", {}),
    ("squiet000002", 30.0, "Second launch struck off Cabo Gris, two dead", {"deaths": 2}),
]


def save(store: Store, story_id: str, reports: list, watchlist: str = "venezuela") -> None:
    """Each report saved as the pipeline would: its item, the story as it then stood, its
    facts, and a new-story alert for the first one."""
    story: Story | None = None
    for n, (hours, outlet, language, title, facts) in enumerate(reports):
        at = T0 + timedelta(hours=hours)
        item = Item(id=f"https://{outlet.lower().replace(' ', '')}.test/{story_id}/{n}",
                    link=f"https://{outlet.lower().replace(' ', '')}.test/{story_id}/{n}",
                    feed=f"https://{outlet.lower().replace(' ', '')}.test/rss", outlet=outlet,
                    title=title, summary=title + ".", published=at, language=language)
        if story is None:
            story = Story(id=story_id, title=title, first_seen=at, last_seen=at,
                          watchlists=[watchlist])
        story.last_seen = at
        if outlet not in story.outlets:
            story.outlets.append(outlet)
            story.links.append((outlet, item.link))
        if language not in story.languages:
            story.languages.append(language)
        alerts = [Alert(at=at, kind="new_story", watchlist=watchlist, story=story_id,
                        items=(item.id,), changes=(), text=f"New story [{watchlist}]: {title}",
                        title=title, links=((outlet, item.link),))] if n == 0 else []
        store.items.save(Decision(item=item, story=story, story_is_new=n == 0,
                                  watchlists=[watchlist],
                                  facts=[Fact(k, v, f"{k} {v}") for k, v in facts.items()],
                                  changes=[], alerts=alerts), at)


def build(store: Store) -> None:
    save(store, STORY, REPORTS)
    for story_id, hours, title, facts in OTHERS:
        save(store, story_id, [(hours, "Harbour Wire", "en", title, facts)])


def write(folder: Path) -> Path:
    """DIR/vigia.db with the stories, and DIR/vigia.yaml pointing at it; returns the config."""
    folder.mkdir(parents=True, exist_ok=True)
    store = Store.open(folder / "vigia.db")
    try:
        build(store)
        for pending in store.outbox.pending():  # told already: nothing waits in the outbox
            store.outbox.mark_dispatched(pending.id)
    finally:
        store.close()
    config = folder / "vigia.yaml"
    config.write_text(f"storage:\n  path: {folder / 'vigia.db'}\nwatchlists:\n"
                      "  - name: venezuela\n    include: [isla verde, launch, lancha]\n",
                      encoding="utf-8")
    return config


if __name__ == "__main__":
    print(write(Path(sys.argv[1])))
