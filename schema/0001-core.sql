-- 0001-core: every table of shared/spec/domain.md, plus the local bookkeeping
-- tables of both programs. Values follow domain.md's units: points and scores are
-- integer tenths, money integer fen, dates ISO text. An absent optional value is
-- NULL, never '' or 0 (rankings.md: missing data is never zero).

-- County-owned: edited by stele-aggregator, published to every village.

CREATE TABLE point_rule (
    code      TEXT PRIMARY KEY NOT NULL,
    category  TEXT NOT NULL CHECK (category IN ('base','merit','bonus','deduction','zeroing')),
    name      TEXT NOT NULL,
    points    INTEGER NOT NULL,            -- tenths
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    CHECK (category <> 'deduction' OR points <= 0),
    CHECK (category <> 'zeroing' OR points = 0)
) STRICT;

-- A standard item that a rules import no longer lists is kept with active = 0, so
-- old assessments still name a known item.
CREATE TABLE standard_item (
    code      TEXT PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL,
    max_score INTEGER NOT NULL CHECK (max_score >= 0),   -- tenths
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))
) STRICT;

CREATE TABLE veto_item (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE veto_event (
    id           TEXT PRIMARY KEY NOT NULL,
    village_code TEXT NOT NULL,
    veto_code    TEXT NOT NULL,
    year         INTEGER NOT NULL,
    note         TEXT
) STRICT;

CREATE TABLE ranking_config (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE village (
    code          TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    township_code TEXT NOT NULL,
    township_name TEXT NOT NULL
) STRICT;

-- Village-owned: edited by stele-agent; keyed across the county by
-- (village_code, id).

CREATE TABLE member (
    village_code TEXT NOT NULL,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    gender       TEXT CHECK (gender IN ('M','F')),
    born         INTEGER,
    joined       TEXT,
    status       TEXT NOT NULL DEFAULT 'active'
                 CHECK (status IN ('active','transferred_out','flowing','deceased')),
    grid         TEXT,
    PRIMARY KEY (village_code, id)
) STRICT;

CREATE TABLE point_event (
    village_code TEXT NOT NULL,
    id           TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    rule_code    TEXT NOT NULL,
    occurred_on  TEXT NOT NULL,
    points       INTEGER NOT NULL,         -- tenths
    stage        TEXT NOT NULL DEFAULT 'recorded'
                 CHECK (stage IN ('recorded','group','committee','assembly','published','rejected')),
    note         TEXT,
    PRIMARY KEY (village_code, id),
    FOREIGN KEY (village_code, member_id) REFERENCES member (village_code, id)
) STRICT;
CREATE INDEX point_event_by_member ON point_event (village_code, member_id, occurred_on);
CREATE INDEX point_event_by_date ON point_event (village_code, occurred_on);

CREATE TABLE task (
    village_code TEXT NOT NULL,
    id           TEXT NOT NULL,
    title        TEXT NOT NULL,
    category     TEXT,
    assignee     TEXT,
    due_on       TEXT NOT NULL,
    closed_on    TEXT,
    PRIMARY KEY (village_code, id)
) STRICT;
CREATE INDEX task_by_due ON task (village_code, due_on);

CREATE TABLE request (
    village_code TEXT NOT NULL,
    id           TEXT NOT NULL,
    received_on  TEXT NOT NULL,
    category     TEXT,
    grid         TEXT,
    resolved_on  TEXT,
    satisfied    INTEGER CHECK (satisfied IN (0,1)),
    PRIMARY KEY (village_code, id)
) STRICT;
CREATE INDEX request_by_received ON request (village_code, received_on);

CREATE TABLE income (
    village_code TEXT NOT NULL,
    id           TEXT NOT NULL,
    period       TEXT NOT NULL,            -- YYYY-MM
    amount       INTEGER NOT NULL,         -- fen
    source       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (village_code, id),
    UNIQUE (village_code, period, source)
) STRICT;

CREATE TABLE assessment (
    village_code TEXT NOT NULL,
    year         INTEGER NOT NULL,
    item_code    TEXT NOT NULL,
    score        INTEGER NOT NULL CHECK (score >= 0),   -- tenths
    note         TEXT,
    PRIMARY KEY (village_code, year, item_code)
) STRICT;

CREATE TABLE period_close (
    village_code TEXT NOT NULL,
    period       TEXT NOT NULL,            -- YYYY-MM
    closed_at    TEXT NOT NULL,            -- the writer's clock, for display
    PRIMARY KEY (village_code, period)
) STRICT;

-- Local bookkeeping, never synced (no capture session is attached to these).

-- Settings of this directory: role ('village' or 'county'), codes, names, remotes,
-- pinned keys. One row per key.
CREATE TABLE stele_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- This writer's own stream: every captured change set, encoded and signed, in
-- the same transaction as the write it records.
CREATE TABLE stele_outbox (
    seq        INTEGER PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL,           -- unix seconds, writer's clock
    summary    TEXT NOT NULL,
    hash       BLOB NOT NULL,              -- SHA-256 of data
    data       BLOB NOT NULL               -- the encoded change set (docs/format.md)
) STRICT;

-- Streams read from other writers: the county's on an agent, every village's on
-- the aggregator. The cursor advances in the transaction that applies.
CREATE TABLE stele_stream (
    writer      TEXT PRIMARY KEY NOT NULL,   -- village code or 'county'
    last_seq    INTEGER NOT NULL DEFAULT 0,
    last_hash   BLOB,
    last_commit TEXT,                        -- git commit id of last_seq
    applied_at  INTEGER,                     -- unix seconds of the last apply
    state       TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok','held','quarantined')),
    state_note  TEXT
) STRICT;

CREATE TABLE stele_applied (
    writer     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    hash       BLOB NOT NULL,
    commit_id  TEXT,
    created_at INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    summary    TEXT NOT NULL,
    PRIMARY KEY (writer, seq)
) STRICT;

CREATE TABLE stele_quarantine (
    id         INTEGER PRIMARY KEY,
    writer     TEXT NOT NULL,
    seq        INTEGER,
    commit_id  TEXT,
    reason     TEXT NOT NULL,              -- a stable word: chain, signature, payload, schema, ownership, ...
    detail     TEXT NOT NULL,              -- one line for people
    data       BLOB,
    at         INTEGER NOT NULL
) STRICT;

-- The county's registry of where each village's repository lives and which key
-- signs for it (the published `village` table carries only public names).
CREATE TABLE stele_village_source (
    village_code TEXT PRIMARY KEY NOT NULL,
    remote       TEXT NOT NULL,
    pubkey       TEXT,                      -- hex Ed25519 public key, pinned
    fetched_at   INTEGER,
    fetch_error  TEXT
) STRICT;
