-- 0005-corrections: who made each change set, and what a correction undoes
-- (docs/clerk-guide.md "Correcting mistakes", docs/format.md "Summaries").

-- Village-owned and synced: one row in a change set of the village's stream,
-- about that change set (seq is its own seq). Capture adds it to a change set
-- that changes anything else, when the directory has a clerk ('clerk set') or
-- the change set is a revert, or when the stream has not yet said the village's
-- name. clerk: the name the clerk set (NULL if none); reverts: the seq of the
-- change set this one undoes ('revert'); note: why; village_name: the village's
-- name as 'init' was given it, said once (again after a change), so 'restore'
-- brings it back.
-- It is signed with the rest of the change set, and the change set's summary
-- names it ("... (clerk 张三)"), so the village's git log and the county's log
-- show it. Rows are only ever added.
CREATE TABLE change_note (
    village_code TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    clerk        TEXT,
    reverts      INTEGER CHECK (reverts IS NULL OR (reverts >= 1 AND reverts < seq)),
    note         TEXT,
    village_name TEXT,
    PRIMARY KEY (village_code, seq)
) STRICT;
