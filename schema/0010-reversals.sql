-- 0010-reversals: a published point event corrected the way ledgers are (红字冲销)
-- (docs/rankings.md "Reversals", docs/clerk-guide.md "Correcting mistakes").

-- Village-owned and synced: event_id is a point event that reverses event
-- `reverses` ('points reverse'): the same member and rule, the opposite points,
-- recorded in an open month and reviewed like any event. Once it is counted
-- (assembly or published), neither it nor the event it reverses counts anywhere;
-- a reversing event never counts by itself. An event is reversed at most once,
-- and a reversal is not reversed. Rows are only ever added (a revert of the
-- change set that added one removes it with its event).
CREATE TABLE point_reversal (
    village_code TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    reverses     TEXT NOT NULL CHECK (reverses <> event_id),
    PRIMARY KEY (village_code, event_id),
    UNIQUE (village_code, reverses),
    FOREIGN KEY (village_code, event_id) REFERENCES point_event (village_code, id),
    FOREIGN KEY (village_code, reverses) REFERENCES point_event (village_code, id)
) STRICT;
