-- 0015-city: cities over counties (docs/levels.md "Cities"). A county publishes, in
-- its own signed stream, the registry of the villages and townships it vouches
-- for; a city registers its counties and fetches every stream that registry lists.

-- The county's registry, county-owned and synced (the county's `rules publish`
-- refreshes it from stele_village_source, stele_township_source and
-- stele_key_override): for each village (12 digits) and township (9 digits) of
-- the county, where its stream is fetched from (never a credential: no user
-- name, no password) and the key pinned for its seq 1 (NULL while none is pinned:
-- a city merges nothing of it until one is).
CREATE TABLE registry_source (
    code    TEXT PRIMARY KEY NOT NULL,
    remote  TEXT NOT NULL,
    pubkey  TEXT CHECK (pubkey IS NULL OR
                        (length(pubkey) = 64 AND NOT pubkey GLOB '*[^0-9a-f]*'))
) STRICT;

-- The county's own word on each stream's keys after seq 1 (`village revoke`,
-- stele_key_override): from seq_from on, new_key signs (NULL: no replacement),
-- and with revokes = 1 the key in force before it is revoked from there.
-- Rotations the clerks made are in the village streams themselves (writer_key).
CREATE TABLE registry_key (
    code     TEXT NOT NULL,
    seq_from INTEGER NOT NULL CHECK (seq_from >= 1),
    new_key  TEXT CHECK (new_key IS NULL OR
                         (length(new_key) = 64 AND NOT new_key GLOB '*[^0-9a-f]*')),
    revokes  INTEGER NOT NULL DEFAULT 0 CHECK (revokes IN (0, 1)),
    PRIMARY KEY (code, seq_from)
) STRICT;

-- The counties a city has registered (`county add`): their streams, the keys
-- pinned for them and how the last fetch went. Local, never synced.
CREATE TABLE stele_county_source (
    county_code TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    remote      TEXT NOT NULL,
    pubkey      TEXT NOT NULL,
    fetched_at  INTEGER,
    fetch_error TEXT
) STRICT;

-- Two counties both number their vetoes VE0001, ...: at a city the key of a veto
-- event is (village_code, id), as every village-owned row's is. The rows keep
-- their ids; a county change set written before this (key id alone) is read with
-- the new key (lib/rekey.c).
CREATE TABLE veto_event_new (
    id           TEXT NOT NULL,
    village_code TEXT NOT NULL,
    veto_code    TEXT NOT NULL,
    year         INTEGER NOT NULL,
    note         TEXT,
    PRIMARY KEY (village_code, id)
) STRICT;
INSERT INTO veto_event_new (id, village_code, veto_code, year, note)
    SELECT id, village_code, veto_code, year, note FROM veto_event;
DROP TABLE veto_event;
ALTER TABLE veto_event_new RENAME TO veto_event;

-- How the last fetch of each township's stream went, as for villages (`status`).
ALTER TABLE stele_township_source ADD COLUMN fetched_at INTEGER;
ALTER TABLE stele_township_source ADD COLUMN fetch_error TEXT;
