"""SQLite schema of the local cache, and its migrations.

One file per profile. Every entity table keeps the columns the screens filter, join and
sort by, plus `data`: the server's JSON object as last seen (or as edited locally), so a
model can always be rebuilt with `Model.model_validate_json(row["data"])`.

Conventions
- Times in columns are normalised UTC strings `YYYY-MM-DDTHH:MM:SSZ` (v1's
  `YYYY-MM-DD HH:MM:SS` is converted on ingest, see ingest.py); dates stay `YYYY-MM-DD`.
- Booleans are 0/1.
- Ids of entities created locally and not yet acknowledged by the server are negative;
  the outbox replaces them with the server id everywhere once the create lands.
- The schema version lives in `PRAGMA user_version`; MIGRATIONS[n] brings n -> n+1.
"""

from __future__ import annotations

import sqlite3

from tui.store.queries.kept import KeptConnection
from tui.store import search_index
from tui.store.registry import TABLES
from tui.store.rows import fold

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE IF NOT EXISTS users (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    email     TEXT,
    is_you    INTEGER NOT NULL DEFAULT 0,
    active    INTEGER NOT NULL DEFAULT 1,
    data      TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS currencies (
    code            TEXT PRIMARY KEY,
    name            TEXT,
    symbol          TEXT,
    decimal_points  INTEGER NOT NULL DEFAULT 2,
    active          INTEGER NOT NULL DEFAULT 1,
    data            TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS activity_types (
    id          INTEGER PRIMARY KEY,
    key_string  TEXT NOT NULL,
    name        TEXT NOT NULL,
    icon_key    TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    order_nr    INTEGER NOT NULL DEFAULT 0,
    data        TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS activity_types_key ON activity_types(key_string);

CREATE TABLE IF NOT EXISTS pipelines (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    order_nr             INTEGER NOT NULL DEFAULT 0,
    probability_enabled  INTEGER NOT NULL DEFAULT 0,
    is_deleted           INTEGER NOT NULL DEFAULT 0,
    data                 TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS stages (
    id                INTEGER PRIMARY KEY,
    pipeline_id       INTEGER NOT NULL,
    name              TEXT NOT NULL,
    order_nr          INTEGER NOT NULL DEFAULT 0,
    deal_probability  INTEGER,
    rot_enabled       INTEGER NOT NULL DEFAULT 0,
    days_to_rotten    INTEGER,
    is_deleted        INTEGER NOT NULL DEFAULT 0,
    data              TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stages_pipeline ON stages(pipeline_id, order_nr);

CREATE TABLE IF NOT EXISTS organizations (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    owner_id     INTEGER,
    address      TEXT,
    add_time     TEXT,
    update_time  TEXT,
    data         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS organizations_name ON organizations(name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS organizations_owner ON organizations(owner_id);

CREATE TABLE IF NOT EXISTS persons (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    org_id         INTEGER,
    owner_id       INTEGER,
    primary_email  TEXT,
    primary_phone  TEXT,
    add_time       TEXT,
    update_time    TEXT,
    data           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS persons_name ON persons(name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS persons_org ON persons(org_id);
CREATE INDEX IF NOT EXISTS persons_owner ON persons(owner_id);

CREATE TABLE IF NOT EXISTS deals (
    id                   INTEGER PRIMARY KEY,
    title                TEXT NOT NULL,
    value                REAL NOT NULL DEFAULT 0,
    currency             TEXT,
    status               TEXT NOT NULL DEFAULT 'open',
    pipeline_id          INTEGER,
    stage_id             INTEGER,
    owner_id             INTEGER,
    person_id            INTEGER,
    org_id               INTEGER,
    probability          REAL,
    expected_close_date  TEXT,
    add_time             TEXT,
    update_time          TEXT,
    stage_change_time    TEXT,
    won_time             TEXT,
    lost_time            TEXT,
    close_time           TEXT,
    lost_reason          TEXT,
    data                 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deals_board ON deals(pipeline_id, status, stage_id);
CREATE INDEX IF NOT EXISTS deals_stage ON deals(stage_id, status);
CREATE INDEX IF NOT EXISTS deals_person ON deals(person_id);
CREATE INDEX IF NOT EXISTS deals_org ON deals(org_id);
CREATE INDEX IF NOT EXISTS deals_owner ON deals(owner_id, status);
CREATE INDEX IF NOT EXISTS deals_lost_reason ON deals(lost_reason) WHERE lost_reason IS NOT NULL;

CREATE TABLE IF NOT EXISTS activities (
    id                   INTEGER PRIMARY KEY,
    subject              TEXT NOT NULL DEFAULT '',
    type                 TEXT NOT NULL DEFAULT 'task',
    owner_id             INTEGER,
    deal_id              INTEGER,
    person_id            INTEGER,  -- the primary participant (v2 `participants`), else person_id
    org_id               INTEGER,
    due_date             TEXT,     -- YYYY-MM-DD
    due_time             TEXT,     -- HH:MM or HH:MM:SS, UTC as Pipedrive stores it; NULL = all day
    duration             TEXT,     -- HH:MM or HH:MM:SS
    done                 INTEGER NOT NULL DEFAULT 0,
    marked_as_done_time  TEXT,
    add_time             TEXT,
    update_time          TEXT,
    data                 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activities_agenda ON activities(done, due_date, due_time);
CREATE INDEX IF NOT EXISTS activities_owner ON activities(owner_id, done, due_date);
CREATE INDEX IF NOT EXISTS activities_deal ON activities(deal_id, done, due_date, due_time);
CREATE INDEX IF NOT EXISTS activities_person ON activities(person_id);
CREATE INDEX IF NOT EXISTS activities_org ON activities(org_id);

CREATE TABLE IF NOT EXISTS notes (
    id             INTEGER PRIMARY KEY,
    content        TEXT NOT NULL DEFAULT '',
    deal_id        INTEGER,
    person_id      INTEGER,
    org_id         INTEGER,
    user_id        INTEGER,
    pinned_deal    INTEGER NOT NULL DEFAULT 0,
    pinned_person  INTEGER NOT NULL DEFAULT 0,
    pinned_org     INTEGER NOT NULL DEFAULT 0,
    add_time       TEXT,
    update_time    TEXT,
    data           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_deal ON notes(deal_id);
CREATE INDEX IF NOT EXISTS notes_person ON notes(person_id);
CREATE INDEX IF NOT EXISTS notes_org ON notes(org_id);

-- Field definitions from the v2 Fields API (dealFields, personFields, organizationFields):
-- names of custom fields for detail screens.
CREATE TABLE IF NOT EXISTS fields (
    entity      TEXT NOT NULL,           -- 'deal' | 'person' | 'organization'
    field_code  TEXT NOT NULL,
    field_name  TEXT NOT NULL,
    field_type  TEXT,
    is_custom   INTEGER NOT NULL DEFAULT 0,
    data        TEXT NOT NULL,
    PRIMARY KEY (entity, field_code)
);

-- One row per synced collection: the incremental-sync high-water mark.
CREATE TABLE IF NOT EXISTS sync_state (
    collection   TEXT PRIMARY KEY,
    high_water   TEXT,      -- max server update_time seen (UTC, normalised)
    last_full    TEXT,      -- when the last full fetch of this collection finished
    last_sync    TEXT       -- when the last successful sync of it finished
);

-- The server's copy of an entity at the time of the first pending local edit to it:
-- what a permanent failure rolls back to, and the base a conflict check compares with.
CREATE TABLE IF NOT EXISTS server_copy (
    entity  TEXT NOT NULL,
    id      INTEGER NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (entity, id)
);

-- Durable queue of local edits, pushed in `seq` order by the store's background pusher.
CREATE TABLE IF NOT EXISTS outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    op           TEXT NOT NULL,       -- create | update | delete | convert (a lead into a deal, v5)
    entity       TEXT NOT NULL,       -- deal | person | organization | activity | note | lead (v5)
    entity_id    INTEGER NOT NULL,    -- local (negative) id for creates until acknowledged;
                                      -- a lead's UUID as TEXT (SQLite keeps a non-numeric text as is)
    payload      TEXT NOT NULL,       -- JSON: only the changed fields (update), the body (create)
    base         TEXT,                -- JSON: the changed fields' values before the edit (conflict check)
    base_update_time TEXT,            -- the entity's update_time when the edit was made
    idempotency_key TEXT,             -- creates: marker used to find a create whose response was lost;
                                      -- convert: Pipedrive's conversion id, written before the first poll
    sent_at      TEXT,                -- set (durably) before a create/convert is sent: a later attempt reconciles first
    known_max_id INTEGER,             -- largest server id of that entity type (convert: of deals) at the first send
    force        INTEGER NOT NULL DEFAULT 0,  -- 1: the user chose "keep mine" on a conflict: skip the check
    created_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    state        TEXT NOT NULL DEFAULT 'pending',  -- pending | conflict | failed
    last_error   TEXT
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, seq);

-- Edits the server refused (permanent failures), with the human reason, for the UI.
CREATE TABLE IF NOT EXISTS rejections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    op          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL,
    seen        INTEGER NOT NULL DEFAULT 0
);
"""

# v2: the first sync is resumable (a cursor and a done flag per listing) and the app counts
# the tokens it spends per day (the budget guard, `pipedrive-tui status`).
SCHEMA_V2 = """
ALTER TABLE sync_state ADD COLUMN cursor TEXT;
ALTER TABLE sync_state ADD COLUMN complete INTEGER NOT NULL DEFAULT 0;
UPDATE sync_state SET complete = 1;
INSERT OR REPLACE INTO meta (key, value) SELECT 'first_sync_done', '1' WHERE EXISTS (SELECT 1 FROM sync_state);
INSERT OR REPLACE INTO sync_state (collection, high_water, complete)
    SELECT 'recents', MAX(high_water), 1 FROM sync_state WHERE high_water IS NOT NULL HAVING COUNT(*) > 0;
CREATE TABLE IF NOT EXISTS token_log (
    day       TEXT PRIMARY KEY,          -- YYYY-MM-DD (UTC)
    tokens    INTEGER NOT NULL DEFAULT 0,
    requests  INTEGER NOT NULL DEFAULT 0
);
"""

# v3: deals the user snoozed in the triage section (local only, never sent to Pipedrive):
# hidden from the triage queue until `until` (the user's local date, YYYY-MM-DD).
SCHEMA_V3 = """
CREATE TABLE IF NOT EXISTS triage_snoozes (
    deal_id     INTEGER PRIMARY KEY,
    until       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
"""

# v4: items from the API that did not validate against the models (tui/store/boundary.py).
SCHEMA_V4 = """
CREATE TABLE IF NOT EXISTS sync_problems (
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    field      TEXT NOT NULL,
    message    TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
"""

# v5: each deal's next undone activity kept in `next_due` by triggers (the board sorts and
# windows its columns by it without a subquery per deal; DealCard's activity mark reads it).
# `next_due` is "YYYY-MM-DD HH:MM" (the UTC date and time Pipedrive stores) or "YYYY-MM-DD "
# for an all-day activity; `next_due_key` sorts a day's timed activities before its all-day
# ones (a passed time today is overdue, an all-day one only due today) and deals without one
# last: Pipedrive's urgency order (overdue, today, later, none).
NEXT_DUE = """(SELECT MIN(a.due_date || ' ' || COALESCE(substr(a.due_time, 1, 5), ''))
                 FROM activities a WHERE a.deal_id = {deal} AND a.done = 0 AND a.due_date IS NOT NULL)"""
SCHEMA_V5 = f"""
ALTER TABLE deals ADD COLUMN next_due TEXT;
ALTER TABLE deals ADD COLUMN next_due_key TEXT GENERATED ALWAYS AS (CASE WHEN next_due IS NULL THEN '~'
    WHEN length(next_due) = 11 THEN next_due || '~' ELSE next_due END) VIRTUAL;
UPDATE deals SET next_due = {NEXT_DUE.format(deal="deals.id")};
CREATE INDEX IF NOT EXISTS deals_column ON deals(pipeline_id, status, stage_id, next_due_key, add_time DESC, id);
CREATE INDEX IF NOT EXISTS deals_summary ON deals(pipeline_id, status, stage_id, owner_id, currency, value, probability);
CREATE TRIGGER IF NOT EXISTS deals_next_due_new AFTER INSERT ON deals BEGIN
    UPDATE deals SET next_due = {NEXT_DUE.format(deal="NEW.id")} WHERE id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS activities_next_due_add AFTER INSERT ON activities WHEN NEW.deal_id IS NOT NULL BEGIN
    UPDATE deals SET next_due = {NEXT_DUE.format(deal="NEW.deal_id")} WHERE id = NEW.deal_id;
END;
CREATE TRIGGER IF NOT EXISTS activities_next_due_del AFTER DELETE ON activities WHEN OLD.deal_id IS NOT NULL BEGIN
    UPDATE deals SET next_due = {NEXT_DUE.format(deal="OLD.deal_id")} WHERE id = OLD.deal_id;
END;
CREATE TRIGGER IF NOT EXISTS activities_next_due_upd AFTER UPDATE OF deal_id, done, due_date, due_time ON activities
BEGIN
    UPDATE deals SET next_due = {NEXT_DUE.format(deal="OLD.deal_id")} WHERE id = OLD.deal_id;
    UPDATE deals SET next_due = {NEXT_DUE.format(deal="NEW.deal_id")} WHERE id = NEW.deal_id;
END;
"""

# v6: leads (v1, UUID ids: a TEXT key), their labels, notes and activities on leads, saved
# filters (the board's views) with the deals a server-side filter selected, and the
# conversions of leads into deals (tui/store/leads.py, tui/store/conversion.py).
SCHEMA_V6 = """
CREATE TABLE IF NOT EXISTS leads (
    id                   TEXT PRIMARY KEY,   -- Pipedrive's UUID
    title                TEXT NOT NULL,
    owner_id             INTEGER,
    person_id            INTEGER,
    org_id               INTEGER,            -- the API's organization_id
    value                REAL,               -- value.amount
    currency             TEXT,
    expected_close_date  TEXT,
    source_name          TEXT,
    label_ids            TEXT NOT NULL DEFAULT '[]',  -- JSON list of label UUIDs
    is_archived          INTEGER NOT NULL DEFAULT 0,
    was_seen             INTEGER NOT NULL DEFAULT 0,
    add_time             TEXT,
    update_time          TEXT,
    data                 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leads_inbox ON leads(is_archived, add_time);
CREATE INDEX IF NOT EXISTS leads_owner ON leads(owner_id);

CREATE TABLE IF NOT EXISTS lead_labels (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    color  TEXT,
    data   TEXT NOT NULL
);

ALTER TABLE notes ADD COLUMN lead_id TEXT;
ALTER TABLE notes ADD COLUMN pinned_lead INTEGER NOT NULL DEFAULT 0;
UPDATE notes SET lead_id = json_extract(data, '$.lead_id'),
                 pinned_lead = COALESCE(json_extract(data, '$.pinned_to_lead_flag'), 0) = 1;
CREATE INDEX IF NOT EXISTS notes_lead ON notes(lead_id) WHERE lead_id IS NOT NULL;
ALTER TABLE activities ADD COLUMN lead_id TEXT;
UPDATE activities SET lead_id = json_extract(data, '$.lead_id');
CREATE INDEX IF NOT EXISTS activities_lead ON activities(lead_id, done) WHERE lead_id IS NOT NULL;

-- Saved filters (v1 /filters): `data` holds the conditions (GET /filters/{id}).
CREATE TABLE IF NOT EXISTS filters (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL,
    user_id      INTEGER,
    update_time  TEXT,
    data         TEXT NOT NULL
);

-- The deals a filter selected on the server (v2 /deals?filter_id=), for filters whose
-- conditions the cache cannot evaluate; `filter_runs` says when each was fetched.
CREATE TABLE IF NOT EXISTS filter_results (
    filter_id  INTEGER NOT NULL,
    deal_id    INTEGER NOT NULL,
    PRIMARY KEY (filter_id, deal_id)
);
CREATE TABLE IF NOT EXISTS filter_runs (
    filter_id   INTEGER PRIMARY KEY,
    fetched_at  TEXT NOT NULL,
    count       INTEGER NOT NULL
);

-- Leads converted into deals (the outbox's `convert` rows, once Pipedrive finished them).
CREATE TABLE IF NOT EXISTS lead_conversions (
    lead_id     TEXT PRIMARY KEY,
    deal_id     INTEGER NOT NULL,
    title       TEXT,
    at          TEXT NOT NULL
);
"""

# v7: the global search index (FTS5, trigram) over deals, persons and organizations, kept
# current by triggers; see tui/store/search_index.py.
SCHEMA_V7 = search_index.SCHEMA

# v8: the whole deal. The product catalogue (v2 /products, synced) and the products on deals
# (v2 /deals/{id}/products, fetched when a deal is opened; edited through the outbox, whose
# rows now name the parent of such items); deal/person/organization history (v1 flow, fetched
# when opened) and archived deals (v2 /deals/archived, fetched when shown), both cached;
# fetch_marks: what was fetched on demand for which version (update_time) of its parent.
SCHEMA_V8 = """
CREATE TABLE IF NOT EXISTS products (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    code         TEXT,
    unit         TEXT,
    tax          REAL NOT NULL DEFAULT 0,
    linkable     INTEGER NOT NULL DEFAULT 1,
    add_time     TEXT,
    update_time  TEXT,
    data         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS products_name ON products(name COLLATE NOCASE);

CREATE TABLE IF NOT EXISTS deal_products (
    id           INTEGER PRIMARY KEY,
    deal_id      INTEGER,
    product_id   INTEGER,
    name         TEXT NOT NULL DEFAULT '',
    quantity     REAL NOT NULL DEFAULT 0,
    item_price   REAL NOT NULL DEFAULT 0,
    discount     REAL NOT NULL DEFAULT 0,
    tax          REAL NOT NULL DEFAULT 0,
    sum          REAL NOT NULL DEFAULT 0,
    enabled      INTEGER NOT NULL DEFAULT 1,
    order_nr     INTEGER NOT NULL DEFAULT 0,
    update_time  TEXT,
    data         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deal_products_deal ON deal_products(deal_id, order_nr);

ALTER TABLE outbox ADD COLUMN parent_id INTEGER;

CREATE TABLE IF NOT EXISTS history (
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    mark        TEXT,             -- the entity's update_time when fetched
    fetched_at  TEXT NOT NULL,
    items       TEXT NOT NULL,    -- JSON: the flow items as Pipedrive sent them
    PRIMARY KEY (entity, entity_id)
);

CREATE TABLE IF NOT EXISTS archived_deals (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    archive_time  TEXT,
    data          TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS fetch_marks (
    kind   TEXT NOT NULL,
    key    INTEGER NOT NULL,
    mark   TEXT,
    at     TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
"""

SCHEMA_V9 = """
-- one-currency totals (issue 27): each currency's rate to the user's default currency, from
-- GET /v1/deals/summary (value_converted / value), with the day they were fetched
CREATE TABLE IF NOT EXISTS rates (
    currency    TEXT PRIMARY KEY,
    rate        REAL NOT NULL,
    base        TEXT NOT NULL,
    fetched_on  TEXT NOT NULL
);
-- answers kept for a day (goals and their results): the day they were fetched and the JSON
CREATE TABLE IF NOT EXISTS day_cache (
    key         TEXT PRIMARY KEY,
    fetched_on  TEXT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deals_forecast ON deals(pipeline_id, status, expected_close_date);
CREATE INDEX IF NOT EXISTS deals_won_time ON deals(status, won_time);
CREATE INDEX IF NOT EXISTS deals_lost_time ON deals(status, lost_time);
"""

# proposals: changes an agent asked for over MCP (tui/agent/), waiting for a person's review
# (tui/store/proposals.py); agent_spend: the tokens the MCP side caused, for its hourly cap.
SCHEMA_V10 = """
CREATE TABLE IF NOT EXISTS proposals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tool        TEXT NOT NULL,             -- the MCP tool that proposed it (add_note, move_stage ...)
    client      TEXT NOT NULL,             -- the MCP client's name, as it introduced itself
    created_at  TEXT NOT NULL,             -- UTC
    op          TEXT NOT NULL,             -- create | update
    entity      TEXT NOT NULL,             -- deal, person, organization, activity, note
    entity_id   INTEGER,                   -- update: the row changed
    fields      TEXT NOT NULL,             -- JSON: validated fields, as the store takes them
    summary     TEXT NOT NULL,             -- one line: what it does
    diff        TEXT NOT NULL,             -- JSON: [[label, before, after], ...]
    state       TEXT NOT NULL DEFAULT 'waiting',  -- waiting | approved | rejected | failed
    reason      TEXT,                      -- why rejected (optional) or failed
    decided_at  TEXT,
    result_id   INTEGER                    -- the created row's id (negative until pushed) or the edited one
);
CREATE INDEX IF NOT EXISTS proposals_state ON proposals(state, id);

CREATE TABLE IF NOT EXISTS agent_spend (
    at      TEXT NOT NULL,                 -- UTC
    tokens  INTEGER NOT NULL,
    what    TEXT NOT NULL                  -- refresh, first sync, remote search
);
CREATE INDEX IF NOT EXISTS agent_spend_at ON agent_spend(at);
"""

# call logs (v1 /callLogs; tui/store/calls.py): the ones logged here (id 'local-<n>' until
# Pipedrive answers with its id) and the user's latest ones fetched for the detail screens.
SCHEMA_V11 = (
    """
CREATE TABLE IF NOT EXISTS call_logs (
    id              TEXT PRIMARY KEY,      -- Pipedrive's id (a string), or 'local-<n>' until sent
    deal_id         INTEGER,
    person_id       INTEGER,
    org_id          INTEGER,
    lead_id         TEXT,
    activity_id     INTEGER,               -- the done call activity Pipedrive records with it
    outcome         TEXT NOT NULL,
    subject         TEXT,
    start_time      TEXT,                  -- UTC, ISO
    duration        INTEGER,               -- seconds
    to_phone_number TEXT,
    data            TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS call_logs_deal ON call_logs(deal_id);
CREATE INDEX IF NOT EXISTS call_logs_person ON call_logs(person_id);
CREATE INDEX IF NOT EXISTS call_logs_org ON call_logs(org_id);

-- users following a deal, person or organization (v2 .../followers) and the persons taking
-- part in a deal (v1 /deals/{id}/participants); fetched when an item's screen opens, changed
-- through the outbox (tui/store/followers.py). pending: 'add' | 'remove' until Pipedrive answers.
CREATE TABLE IF NOT EXISTS item_followers (
    entity      TEXT NOT NULL,             -- deal | person | organization
    entity_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    add_time    TEXT,
    pending     TEXT,
    PRIMARY KEY (entity, entity_id, user_id)
);
CREATE TABLE IF NOT EXISTS deal_participants (
    id          INTEGER PRIMARY KEY,       -- Pipedrive's participant id; negative until added
    deal_id     INTEGER NOT NULL,
    person_id   INTEGER NOT NULL,
    add_time    TEXT,
    pending     TEXT
);
CREATE INDEX IF NOT EXISTS deal_participants_deal ON deal_participants(deal_id);
"""
    + search_index.LEADS_AND_NOTES
)
# Mail (read-only, fetched on demand: tui/store/mail.py). mail_messages: every message seen in
# an item's list or a thread; mail_links: which item's list showed which message (replaced on
# each fetch of that list); mail_bodies: bodies fetched when a message was opened. What was
# fetched for which item figures (count, last mail times) is kept in fetch_marks.
SCHEMA_V12 = """
CREATE TABLE IF NOT EXISTS mail_messages (
    id            INTEGER PRIMARY KEY,
    thread_id     INTEGER,
    subject       TEXT NOT NULL DEFAULT '',
    sender        TEXT NOT NULL DEFAULT '',   -- the first sender's address
    sender_name   TEXT NOT NULL DEFAULT '',
    recipients    TEXT NOT NULL DEFAULT '',   -- "Name <address>, ..." of to and cc
    message_time  TEXT,                       -- UTC, RFC 3339
    snippet       TEXT NOT NULL DEFAULT '',
    sent          INTEGER NOT NULL DEFAULT 0, -- 1: the user's own
    data          TEXT NOT NULL               -- the server's object (without the body)
);
CREATE INDEX IF NOT EXISTS mail_messages_thread ON mail_messages(thread_id, message_time);

CREATE TABLE IF NOT EXISTS mail_links (
    entity      TEXT NOT NULL,                -- deal | person | organization
    entity_id   INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id, message_id)
);

CREATE TABLE IF NOT EXISTS mail_bodies (
    message_id  INTEGER PRIMARY KEY,
    body        TEXT NOT NULL,                -- as the server sent it (HTML)
    fetched_at  TEXT NOT NULL
);
"""

# v13: the Forecast's reads at 100k deals (230 ms -> 75 ms): its open cards walk deals_forecast
# in their order (expected close date, value, id) and stop at a block instead of sorting a whole
# column; its per-column totals read a covering index instead of every deal's row (and its JSON).
SCHEMA_V13 = """
DROP INDEX IF EXISTS deals_forecast;
CREATE INDEX IF NOT EXISTS deals_forecast ON deals(pipeline_id, status, expected_close_date, value DESC, id);
CREATE INDEX IF NOT EXISTS deals_forecast_sums ON deals(pipeline_id, status, expected_close_date, won_time, currency, value,
                                                        probability, stage_id, owner_id);
"""

# v14: files on deals, persons and organizations (v1 /{items}/{id}/files, fetched when shown,
# tui/store/files.py); a local upload waits with a negative id and an outbox row op='upload'
# (tui/store/file_upload.py) whose payload names its copy under <data dir>/uploads/.
SCHEMA_V14 = """
CREATE TABLE IF NOT EXISTS files (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL DEFAULT '',
    file_size    INTEGER NOT NULL DEFAULT 0,
    deal_id      INTEGER,
    person_id    INTEGER,
    org_id       INTEGER,
    user_id      INTEGER,
    add_time     TEXT,
    update_time  TEXT,
    data         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_deal ON files(deal_id);
CREATE INDEX IF NOT EXISTS files_person ON files(person_id);
CREATE INDEX IF NOT EXISTS files_org ON files(org_id);
-- server files an upload was acknowledged with: a lost upload's look-up never takes one of
-- these for its own (two uploads of the same file to the same item)
CREATE TABLE IF NOT EXISTS file_uploads (
    file_id  INTEGER PRIMARY KEY,
    seq      INTEGER NOT NULL,
    at       TEXT NOT NULL
);
"""

# v15: Insights' charts at 100k deals and 200k activities: activities done per week read a
# covering range of the done ones (a table lookup for each of 40k rows before: 115 -> 37 ms;
# a partial index WHERE done = 1 was not chosen by the planner); won and lost per month read
# covering indices (45 -> 8 ms), and so do win rates by owner and days to win (the two over a
# year: 68 -> 17 ms).
SCHEMA_V15 = """
DROP INDEX IF EXISTS activities_done_time;
CREATE INDEX activities_done_time ON activities(done, marked_as_done_time, owner_id, type);
DROP INDEX IF EXISTS deals_won_time;
CREATE INDEX deals_won_time ON deals(status, won_time, pipeline_id, owner_id, currency, value, add_time);
DROP INDEX IF EXISTS deals_closed;
CREATE INDEX deals_closed ON deals(pipeline_id, status, close_time, owner_id, won_time, add_time);
DROP INDEX IF EXISTS deals_lost_time;
CREATE INDEX deals_lost_time ON deals(status, lost_time, pipeline_id, owner_id, currency, value);
"""

SCHEMA_VERSION = 15

# MIGRATIONS[n] upgrades a database at version n to n + 1. Version 0 is an empty file.
MIGRATIONS: dict[int, str] = {
    0: SCHEMA_V1,
    1: SCHEMA_V2,
    2: SCHEMA_V3,
    3: SCHEMA_V4,
    4: SCHEMA_V5,
    5: SCHEMA_V6,
    6: SCHEMA_V7,
    7: SCHEMA_V8,
    8: SCHEMA_V9,
    9: SCHEMA_V10,
    10: SCHEMA_V11,
    11: SCHEMA_V12,
    12: SCHEMA_V13,
    13: SCHEMA_V14,
    14: SCHEMA_V15,
}

ENTITY_TABLES: dict[str, str] = TABLES  # entity -> table, from the registry (tui/store/registry.py)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to SCHEMA_VERSION (and register the SQL functions the queries use).
    Returns the version found before."""
    conn.create_function("fold", 1, fold, deterministic=True)
    search_index.register(conn)
    (found,) = conn.execute("PRAGMA user_version").fetchone()
    if found > SCHEMA_VERSION:
        raise RuntimeError(
            f"cache schema version {found} is newer than this app ({SCHEMA_VERSION}); upgrade pipedrive-tui or remove the cache file"
        )
    version = found
    while version < SCHEMA_VERSION:
        with conn:
            conn.executescript(MIGRATIONS[version])
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
    return int(found)


def connect(path: str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a cache connection with the pragmas the app relies on.

    `check_same_thread=False`: connections are created on one thread and used on the
    store's dedicated reader/writer threads; each connection is used by one thread at a time.
    """
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, factory=KeptConnection)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, factory=KeptConnection)
    conn.row_factory = sqlite3.Row
    conn.create_function("fold", 1, fold, deterministic=True)
    search_index.register(conn)
    if not readonly:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn
