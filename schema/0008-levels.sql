-- 0008-levels: townships as writers (docs/levels.md). The township's first review
-- of its villages' self-assessments (乡镇初审) is township-owned: the township
-- writes it with `stele-aggregator assess review` into its own signed stream, and
-- the county merges that stream like a village's. Only rows of the township's own
-- villages are accepted (the village code starts with the township's 9 digits).
CREATE TABLE township_review (
    village_code TEXT NOT NULL,
    year         INTEGER NOT NULL,
    item_code    TEXT NOT NULL,
    score        INTEGER NOT NULL CHECK (score >= 0),   -- tenths
    note         TEXT,
    PRIMARY KEY (village_code, year, item_code)
) STRICT;

-- The townships a county has registered (`township add`), as stele_village_source
-- holds its villages: where each stream is fetched from and the key pinned for it.
-- Local, never synced.
CREATE TABLE stele_township_source (
    township_code TEXT PRIMARY KEY NOT NULL,
    remote        TEXT NOT NULL,
    pubkey        TEXT NOT NULL
) STRICT;
