-- 0011-weak-requests: two items of the county's governance toolkit (issue #16;
-- docs/rankings.md "Weak organisations" and "Requests taken and escalated").

-- 软弱涣散整顿: the county's list of weak village organisations, one entry per village
-- and year of the ranking it was drawn from ('stele-aggregator weak add'), and its
-- turnaround (整顿转化, 'weak convert'). County-local: it is not synced (not in
-- lib/domain.c's tables), so it never travels to villages and an older agent never
-- sees it; the county keeps its past states like the synced tables' (lib/history.c).
-- A village is on the list at most once at a time (one entry not yet converted).
CREATE TABLE weak_village (
    village_code TEXT NOT NULL,
    year         INTEGER NOT NULL,           -- the year whose ranking listed it
    listed_on    TEXT NOT NULL,              -- YYYY-MM-DD
    reason       TEXT NOT NULL,
    converted_on TEXT,                       -- YYYY-MM-DD, when turned around
    note         TEXT,                       -- what the turnaround was
    PRIMARY KEY (village_code, year),
    CHECK (converted_on IS NULL OR converted_on >= listed_on)
) STRICT;
CREATE UNIQUE INDEX weak_village_open ON weak_village (village_code)
    WHERE converted_on IS NULL;

-- 群众点单、党员接单、吹哨报到: who took a resident's request (a member of the village),
-- where it was escalated to (a department or level called in) and when, and the
-- resident's feedback on how it was handled. Village-owned and synced: one row per
-- request that has any of them ('request add|set --handler', 'request escalate',
-- 'request feedback'); a request without one has no row. Kept out of `request`,
-- whose import/export columns (cli.md) stay as they are.
CREATE TABLE request_followup (
    village_code TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    handler      TEXT,                       -- member id
    escalated_to TEXT,
    escalated_on TEXT,                       -- YYYY-MM-DD
    feedback     TEXT,
    PRIMARY KEY (village_code, request_id),
    FOREIGN KEY (village_code, request_id) REFERENCES request (village_code, id),
    CHECK ((escalated_to IS NULL) = (escalated_on IS NULL))
) STRICT;
