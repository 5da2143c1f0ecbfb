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
