-- 0004-harden: forks of a village's stream, kept at the county (docs/county-guide.md
-- "A forked village"). Two computers signing with the village's key each wrote
-- their own change set for one seq; the county merges one branch and keeps the
-- other in the village's mirror at `ref`, never dropping it. Local, never synced.
CREATE TABLE stele_fork (
    village_code TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),  -- the first seq the branches disagree on
    commit_id    TEXT NOT NULL,      -- the tip of the branch that is not merged
    ref          TEXT NOT NULL,      -- where the mirror keeps it: refs/stele/fork/COMMIT
    merged_summary TEXT,             -- what the merged branch's change set at seq says
    other_summary  TEXT,             -- what the kept branch's says
    detected_at  INTEGER NOT NULL,   -- unix seconds
    resolved_at  INTEGER,            -- set by 'quarantine retry' after the replay
    PRIMARY KEY (village_code, commit_id)
) STRICT;
