-- 0012-grids: the village's grid registry (网格化管理; shared/spec/practice.md "Grid
-- management": grids of 300-500 households, each with a grid worker 网格员).

-- Village-owned and synced: one row per grid of the village (`stele-agent grid
-- add|set|delete`). id is the grid's code (G1, 01-3: the value members' and
-- requests' `grid` name); name its name (第一网格); households the households it
-- covers (empty: not counted yet); worker the grid worker's name (网格员: often not a
-- party member, so a name, never a member id; only the name travels, as for
-- members). Once a village has one grid, a member's or request's grid must be one
-- of them (docs/clerk-guide.md "Grids").
CREATE TABLE grid (
    village_code TEXT NOT NULL,
    id           TEXT NOT NULL,
    name         TEXT,
    households   INTEGER CHECK (households IS NULL OR households BETWEEN 0 AND 100000),
    worker       TEXT,
    PRIMARY KEY (village_code, id)
) STRICT;
