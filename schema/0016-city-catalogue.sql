-- 0016-city-catalogue: a county that belongs to a city (docs/levels.md "The rules
-- catalogue at a city"). The city publishes its catalogue in its own signed stream;
-- the county fetches it (`city join` names where from and pins the city's key),
-- verifies it and publishes it on to its villages in its own stream.

-- The county's city: at most one row. Local, never synced.
CREATE TABLE stele_city_source (
    city_code   TEXT PRIMARY KEY NOT NULL CHECK (length(city_code) = 4),
    remote      TEXT NOT NULL,
    pubkey      TEXT NOT NULL CHECK (length(pubkey) = 64 AND NOT pubkey GLOB '*[^0-9a-f]*'),
    joined_at   INTEGER NOT NULL,
    fetched_at  INTEGER,
    fetch_error TEXT,
    -- the city's seq up to which the county's catalogue follows the city's
    catalogue_seq INTEGER NOT NULL DEFAULT 0
) STRICT;
