-- A store left by the code of commit 5881b0d (schema 5), made by
-- tests/data/make_schema5_store.py (see there); do not edit.
PRAGMA user_version = 5;
BEGIN TRANSACTION;
CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        watchlist TEXT NOT NULL,
        story TEXT NOT NULL,
        items TEXT NOT NULL,
        changes TEXT NOT NULL,
        text TEXT NOT NULL,
        title TEXT NOT NULL,
        links TEXT NOT NULL,
        dispatched INTEGER NOT NULL DEFAULT 0
    );
INSERT INTO "alerts" VALUES(1,'2026-03-10T12:00:00+00:00','new_story','venezuela','s1','["https://wire.test/1"]','[]','New story [venezuela]: Strike 1 on a boat kills 3
https://wire.test/1','Strike 1 on a boat kills 3','[["Wire", "https://wire.test/1"]]',1);
INSERT INTO "alerts" VALUES(2,'2026-03-10T13:00:00+00:00','update','venezuela','s1','["https://wire.test/2"]','[{"fact": "deaths", "old": 3, "new": 4, "sources": ["Wire"]}]','Update [venezuela]: Strike 2 on a boat kills 4
https://wire.test/2','Strike 2 on a boat kills 4','[["Wire", "https://wire.test/2"]]',1);
INSERT INTO "alerts" VALUES(3,'2026-03-10T14:00:00+00:00','new_story','venezuela','s2','["https://wire.test/3"]','[]','New story [venezuela]: Strike 3 on a boat kills 5
https://wire.test/3','Strike 3 on a boat kills 5','[["Wire", "https://wire.test/3"]]',1);
INSERT INTO "alerts" VALUES(4,'2026-03-10T15:00:00+00:00','new_story','sahel','s3','["https://wire.test/4"]','[]','New story [sahel]: Strike 4 on a boat kills 6
https://wire.test/4','Strike 4 on a boat kills 6','[["Wire", "https://wire.test/4"]]',0);
CREATE TABLE apprise_deliveries (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        destination TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        error TEXT,
        sent_at TEXT,
        PRIMARY KEY (alert_id, destination)
    );
INSERT INTO "apprise_deliveries" VALUES(1,'dest-now','sent',1,NULL,NULL,'2026-03-10T12:00:00+00:00');
INSERT INTO "apprise_deliveries" VALUES(1,'dest-gone','queued',0,NULL,NULL,NULL);
INSERT INTO "apprise_deliveries" VALUES(2,'dest-now','queued',0,NULL,NULL,NULL);
INSERT INTO "apprise_deliveries" VALUES(3,'dest-now','failed',1,NULL,'HTTP 500',NULL);
CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        muted_until TEXT
    );
INSERT INTO "chats" VALUES(43,'2099-01-01T00:00:00+00:00');
CREATE TABLE deliveries (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        chat_id INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        message_id INTEGER,
        error TEXT, sent_at TEXT,
        PRIMARY KEY (alert_id, chat_id)
    );
INSERT INTO "deliveries" VALUES(1,42,'sent',1,NULL,501,NULL,'2026-03-10T12:00:00+00:00');
INSERT INTO "deliveries" VALUES(1,-1001234567890,'sent',1,NULL,601,NULL,'2026-03-10T12:00:00+00:00');
INSERT INTO "deliveries" VALUES(2,42,'queued',1,'2026-03-10T13:00:05.000+00:00',NULL,'Bad Gateway',NULL);
INSERT INTO "deliveries" VALUES(2,-1001234567890,'sent',1,NULL,602,NULL,'2026-03-10T13:00:00+00:00');
INSERT INTO "deliveries" VALUES(3,42,'failed',1,NULL,NULL,'bad request: not enough rights to send text messages',NULL);
INSERT INTO "deliveries" VALUES(3,-1001234567890,'sent',1,NULL,603,NULL,'2026-03-10T14:00:00+00:00');
CREATE TABLE edits (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        html TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        error TEXT,
        PRIMARY KEY (chat_id, message_id)
    );
INSERT INTO "edits" VALUES(42,501,1,'<b>Strike 1</b> reported by 2 outlets',1,'sent',1,NULL,NULL);
CREATE TABLE facts (
        item TEXT NOT NULL,
        name TEXT NOT NULL,
        value INTEGER NOT NULL,
        span TEXT NOT NULL,
        story TEXT NOT NULL,
        PRIMARY KEY (item, name)
    );
INSERT INTO "facts" VALUES('https://wire.test/1','deaths',3,'killed','s1');
INSERT INTO "facts" VALUES('https://wire.test/2','deaths',4,'killed','s1');
INSERT INTO "facts" VALUES('https://wire.test/3','deaths',5,'killed','s2');
INSERT INTO "facts" VALUES('https://wire.test/4','deaths',6,'killed','s3');
CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        title TEXT,
        etag TEXT,
        last_modified TEXT,
        last_fetch TEXT,
        last_ok TEXT,
        next_fetch TEXT,
        errors INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        items_seen INTEGER NOT NULL DEFAULT 0
    );
INSERT INTO "feeds" VALUES('https://wire.test/rss','Wire','"v5"',NULL,'2026-03-10T12:00:00+00:00','2026-03-10T12:00:00+00:00',NULL,0,NULL,0,4);
CREATE TABLE items (
        id TEXT PRIMARY KEY,
        feed TEXT NOT NULL,
        outlet TEXT NOT NULL,
        link TEXT NOT NULL,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        published TEXT NOT NULL,
        language TEXT,
        story TEXT NOT NULL,
        watchlists TEXT NOT NULL,
        digest TEXT NOT NULL,
        seen_at TEXT NOT NULL
    , guid TEXT);
INSERT INTO "items" VALUES('https://wire.test/1','https://wire.test/rss','Wire','https://wire.test/1','Strike 1 on a boat kills 3','3 people were killed.','2026-03-10T12:00:00+00:00','en','s1','["venezuela"]','fe0ec559678c5cbe6644abbdf5bf46f332f1759b','2026-03-10T12:00:00+00:00',NULL);
INSERT INTO "items" VALUES('https://wire.test/2','https://wire.test/rss','Wire','https://wire.test/2','Strike 2 on a boat kills 4','4 people were killed.','2026-03-10T13:00:00+00:00','en','s1','["venezuela"]','b03b3858d42c1fc303855039c6889436a2710585','2026-03-10T13:00:00+00:00',NULL);
INSERT INTO "items" VALUES('https://wire.test/3','https://wire.test/rss','Wire','https://wire.test/3','Strike 3 on a boat kills 5','5 people were killed.','2026-03-10T14:00:00+00:00','en','s2','["venezuela"]','b606ff3b613b33a677f711bc162392237b23d2f2','2026-03-10T14:00:00+00:00',NULL);
INSERT INTO "items" VALUES('https://wire.test/4','https://wire.test/rss','Wire','https://wire.test/4','Strike 4 on a boat kills 6','6 people were killed.','2026-03-10T15:00:00+00:00','en','s3','["sahel"]','edec160d533b18f50c4e0b28b8023ec3fdc6276d','2026-03-10T15:00:00+00:00',NULL);
CREATE TABLE ledger (
        scope TEXT NOT NULL,
        fact TEXT NOT NULL,
        value INTEGER NOT NULL,
        outlet TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (scope, fact, value, outlet)
    );
INSERT INTO "ledger" VALUES('story:s1','deaths',4,'');
INSERT INTO "ledger" VALUES('story:s2','deaths',5,'');
INSERT INTO "ledger" VALUES('story:s3','deaths',6,'');
CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        data TEXT NOT NULL
    );
INSERT INTO "stories" VALUES('s1','Strike 1 on a boat kills 3','2026-03-10T12:00:00+00:00','2026-03-10T13:00:00+00:00','{"outlets": ["Wire"], "links": [["Wire", "https://wire.test/2"]], "languages": ["en"], "watchlists": ["venezuela"], "held": {}}');
INSERT INTO "stories" VALUES('s2','Strike 3 on a boat kills 5','2026-03-10T14:00:00+00:00','2026-03-10T14:00:00+00:00','{"outlets": ["Wire"], "links": [["Wire", "https://wire.test/3"]], "languages": ["en"], "watchlists": ["venezuela"], "held": {}}');
INSERT INTO "stories" VALUES('s3','Strike 4 on a boat kills 6','2026-03-10T15:00:00+00:00','2026-03-10T15:00:00+00:00','{"outlets": ["Wire"], "links": [["Wire", "https://wire.test/4"]], "languages": ["en"], "watchlists": ["sahel"], "held": {}}');
CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL,
        watchlist TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        PRIMARY KEY (chat_id, watchlist)
    );
INSERT INTO "subscriptions" VALUES(42,'venezuela',1,'2026-03-10T12:00:00+00:00');
INSERT INTO "subscriptions" VALUES(43,'venezuela',1,'2026-03-10T12:00:00+00:00');
INSERT INTO "subscriptions" VALUES(44,'sahel',1,'2026-03-10T12:00:00+00:00');
INSERT INTO "subscriptions" VALUES(45,'venezuela',0,'2026-03-10T12:00:00+00:00');
CREATE INDEX stories_last_seen ON stories(last_seen);
CREATE INDEX items_seen_at ON items(seen_at);
CREATE INDEX items_story ON items(story);
CREATE INDEX alerts_pending ON alerts(dispatched, id);
CREATE INDEX deliveries_queue ON deliveries(state, next_attempt);
CREATE INDEX edits_queue ON edits(state);
CREATE INDEX alerts_story ON alerts(story, kind);
CREATE INDEX deliveries_chat ON deliveries(chat_id, state);
CREATE INDEX apprise_queue ON apprise_deliveries(state, destination, alert_id)
    ;
CREATE INDEX edits_alert ON edits(alert_id)
    ;
CREATE INDEX items_guid ON items(guid) WHERE guid IS NOT NULL
    ;
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('alerts',4);
COMMIT;
