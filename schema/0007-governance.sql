-- 0007-governance: tasks issued from above (上级交办; shared/spec/practice.md "Task
-- lists issued from above"). The county issues a task to villages (issued_task and
-- its targets, county-owned, travelling to the villages in the county stream); each
-- village closes it out (销号) as it closes its own tasks (issued_task_close,
-- village-owned, travelling to the county in the village's stream).

-- A task the county issues: `stele-aggregator task issue`. id J0001, J0002, ...
CREATE TABLE issued_task (
    id        TEXT PRIMARY KEY NOT NULL,
    title     TEXT NOT NULL,
    category  TEXT,
    due_on    TEXT NOT NULL,                 -- YYYY-MM-DD
    issued_on TEXT NOT NULL                  -- YYYY-MM-DD, the county's clock
) STRICT;

-- The villages a task is issued to, fixed when it is issued (a township's villages
-- are those registered then).
CREATE TABLE issued_task_village (
    task_id      TEXT NOT NULL,
    village_code TEXT NOT NULL,
    PRIMARY KEY (task_id, village_code)
) STRICT;
CREATE INDEX issued_task_village_by_village ON issued_task_village (village_code);

-- A village's closing out (销号) of a task issued to it: `stele-agent task close`.
CREATE TABLE issued_task_close (
    village_code TEXT NOT NULL,
    task_id      TEXT NOT NULL,
    closed_on    TEXT NOT NULL,              -- YYYY-MM-DD
    PRIMARY KEY (village_code, task_id)
) STRICT;

-- Every task of a village's ledger: its own (origin 'village') and those issued to
-- it (origin 'county'), as the clerk's `task list` and the league's task_rate see them.
CREATE VIEW task_ledger AS
    SELECT village_code, id, title, category, assignee, due_on, closed_on,
           'village' AS origin
      FROM task
    UNION ALL
    SELECT g.village_code, i.id, i.title, i.category, NULL, i.due_on, c.closed_on,
           'county'
      FROM issued_task_village g
      JOIN issued_task i ON i.id = g.task_id
      LEFT JOIN issued_task_close c ON c.village_code = g.village_code AND c.task_id = g.task_id;
