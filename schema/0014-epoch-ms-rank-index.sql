-- 0014-epoch-ms-rank-index: the county's states told apart to the millisecond, and
-- an index the rankings read point events from alone.

-- The times of stele_epoch (when each write began) and of stele_run (when each
-- merge run started and finished) were whole unix seconds, so two states could
-- share a time and `--as-of TIME` could not name one of them; they are now unix
-- milliseconds, and each epoch's time is later than the one before (lib/history.c).
-- Times kept so far become the start of their second, in order, one millisecond
-- apart when several states shared a second (`--as-of` of a plain second still
-- means the end of that second, so it names the same state as before).
UPDATE stele_epoch SET at = x.ms
  FROM (SELECT n, at * 1000 + min(row_number() OVER (PARTITION BY at ORDER BY n) - 1, 999) AS ms
          FROM stele_epoch) AS x
 WHERE x.n = stele_epoch.n;
UPDATE stele_run SET started_at = started_at * 1000,
                     finished_at = max(finished_at * 1000,
                                       (SELECT e.at FROM stele_epoch e WHERE e.n = stele_run.epoch));

-- The rankings read a member's point events by (village, member, date) and need
-- only their stage, rule and points: with those in the index, the participation
-- of a month and a member's total are read from the index alone, never from the
-- table (lib/rank.c; docs/performance.md "Rankings").
DROP INDEX point_event_by_member;
CREATE INDEX point_event_by_member ON point_event (village_code, member_id, occurred_on,
                                                   stage, rule_code, points);

-- The tasks in play of a month are read by (village, due date) and need only
-- whether and when each was closed: the same, for the league's task_rate.
DROP INDEX task_by_due;
CREATE INDEX task_by_due ON task (village_code, due_on, closed_on);
