-- 0017-township-county: a township follows its county's rules catalogue (docs/levels.md
-- "Townships"). The township registers its county once (`county join`), as one row of
-- stele_county_source (a city's counties live there too); the county's stream is
-- fetched and verified beside the villages', its vetoes, reviews and issued tasks taken,
-- and its catalogue applied as the township's own, up to catalogue_seq.

-- At a township: the county's seq up to which the township's catalogue follows the
-- county's (0 at a city, which keeps its own).
ALTER TABLE stele_county_source ADD COLUMN catalogue_seq INTEGER NOT NULL DEFAULT 0;
