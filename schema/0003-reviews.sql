-- 0003-reviews: the county's review of the villages' self-assessments
-- (村街申报、乡镇初审、县级批准; shared/spec/domain.md, rankings.md). Both tables
-- are county-owned and travel to the villages in the county stream.

-- The score the county accepts for one item of a village's self-assessment for a
-- year: set by `stele-aggregator assess adjust` (the township's first review or the
-- county's check), or copied from the declared score by `assess approve`.
CREATE TABLE assessment_review (
    village_code TEXT NOT NULL,
    year         INTEGER NOT NULL,
    item_code    TEXT NOT NULL,
    score        INTEGER NOT NULL CHECK (score >= 0),   -- tenths
    note         TEXT,
    PRIMARY KEY (village_code, year, item_code)
) STRICT;

-- The county's approval of a village's self-assessment for a year: from then on
-- the reviewed scores, not the declared ones, decide its stars.
CREATE TABLE assessment_approval (
    village_code TEXT NOT NULL,
    year         INTEGER NOT NULL,
    approved_on  TEXT NOT NULL,                         -- YYYY-MM-DD, the county's clock
    note         TEXT,
    PRIMARY KEY (village_code, year)
) STRICT;

-- Local bookkeeping of the county, never synced: what a published ranking was
-- computed from (docs/rankings.md "Past states and drafts").

-- Every write to the county database opens an epoch: a county command's captured
-- write, or a merge run (all its batches). The shadow history of the county
-- (lib/history.c) stamps each row version with the epoch that wrote it, so the
-- database as it was at the end of epoch N is the versions with from <= N < to.
CREATE TABLE stele_epoch (
    n     INTEGER PRIMARY KEY NOT NULL,
    at    INTEGER NOT NULL,                 -- unix seconds, this computer's clock
    what  TEXT NOT NULL                     -- 'merge', or the county write's summary
) STRICT;

-- Every merge run, numbered: `stele-aggregator log`, `rank ... --as-of ID`.
CREATE TABLE stele_run (
    id          INTEGER PRIMARY KEY NOT NULL,
    epoch       INTEGER NOT NULL,           -- its stele_epoch
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,                    -- NULL while running, or if it was cut short
    change_sets INTEGER NOT NULL DEFAULT 0, -- merged in the run
    villages    INTEGER NOT NULL DEFAULT 0  -- villages with a change set merged in the run
) STRICT;

-- The merge run that applied each change set (NULL: before runs were numbered).
ALTER TABLE stele_applied ADD COLUMN run INTEGER;

-- Rules imported but not published yet (`rules import` writes a draft; `rules
-- publish` makes it live, `rules discard` drops it): one validated CSV per kind.
CREATE TABLE stele_rules_draft (
    kind        TEXT PRIMARY KEY NOT NULL,  -- point-rules, standard-items, veto-items, config
    file        TEXT NOT NULL,              -- the file it was imported from, for people
    csv         BLOB NOT NULL,
    imported_at INTEGER NOT NULL
) STRICT;
