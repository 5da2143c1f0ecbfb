/* grids.c: the villages' grid registries (网格): the registry's check of a grid
 * value, and the monthly grid listing (rank grids) in integer arithmetic. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "grids.h"
#include "parse.h"
#include "rank.h"
#include "rules.h"

const char stele_grid_check_sql[] =
	"SELECT EXISTS (SELECT 1 FROM grid WHERE village_code = ?1 AND id = ?2), "
	"EXISTS (SELECT 1 FROM grid WHERE village_code = ?1)";

int stele_grid_check(sqlite3_stmt *stmt, const char *village, const char *grid,
		     const char *kept)
{
	bool known = false, any = false;
	int rc = 0;

	if (!grid || !*grid || (kept && strcmp(kept, grid) == 0))
		return 0;
	sqlite3_reset(stmt);
	sqlite3_bind_text(stmt, 1, village, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, grid, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		known = sqlite3_column_int(stmt, 0) != 0;
		any = sqlite3_column_int(stmt, 1) != 0;
	} else {
		rc = stele_error_db(STELE_EFAIL, sqlite3_db_handle(stmt), "reading the grid registry");
	}
	sqlite3_reset(stmt);
	if (rc == 0 && any && !known)
		rc = stele_error(STELE_EINVALID, "grid '%s' is not in the village's grid registry",
				 grid);
	return rc;
}

/*
 * ?1 the month's first day, ?2 the next month's first day, ?3 request.days in
 * seconds, ?4 the village or NULL. Ranked members (active, flowing) per grid;
 * requests per grid: received in the month, of those resolved within request.days,
 * and open at the month's end (received before ?2, not resolved before ?2). A
 * village's name is the registry's, else (an agent before the county published
 * it) its own directory's.
 */
static const char grids_sql[] =
	"WITH m AS (SELECT village_code, grid, count(*) AS n FROM member "
	"  WHERE status IN ('active', 'flowing') AND grid IS NOT NULL AND grid <> '' "
	"  AND (?4 IS NULL OR village_code = ?4) GROUP BY village_code, grid), "
	"r AS (SELECT village_code, grid, "
	"  sum(received_on >= ?1) AS received, "
	"  sum(received_on >= ?1 AND resolved_on IS NOT NULL "
	"      AND unixepoch(resolved_on) - unixepoch(received_on) <= ?3) AS in_time, "
	"  sum(resolved_on IS NULL OR resolved_on >= ?2) AS open "
	"  FROM request WHERE received_on < ?2 AND grid IS NOT NULL AND grid <> '' "
	"  AND (?4 IS NULL OR village_code = ?4) GROUP BY village_code, grid), "
	"k AS (SELECT village_code, id AS grid FROM grid WHERE ?4 IS NULL OR village_code = ?4 "
	"  UNION SELECT village_code, grid FROM m "
	"  UNION SELECT village_code, grid FROM r WHERE received > 0 OR open > 0) "
	"SELECT k.village_code, coalesce(v.name, (SELECT value FROM stele_meta "
	"  WHERE key = 'village_name' AND k.village_code = (SELECT value FROM stele_meta "
	"  WHERE key = 'village_code'))), k.grid, g.name, g.households, g.worker, g.id IS NOT NULL, "
	"  coalesce(m.n, 0), coalesce(r.received, 0), coalesce(r.in_time, 0), coalesce(r.open, 0) "
	"FROM k LEFT JOIN grid g ON g.village_code = k.village_code AND g.id = k.grid "
	"LEFT JOIN m ON m.village_code = k.village_code AND m.grid = k.grid "
	"LEFT JOIN r ON r.village_code = k.village_code AND r.grid = k.grid "
	"LEFT JOIN village v ON v.code = k.village_code "
	"ORDER BY k.village_code, k.grid";

#define GRID_COLS 14

int stele_rank_grids(struct stele_table **out, sqlite3 *db, int year, int month,
		     const char *village)
{
	static const char *const names[GRID_COLS] = {
		"village_code", "village_name", "grid", "grid_name", "households", "worker",
		"registered", "members", "requests", "resolved_in_time", "request_rate", "still_open",
		"households_range", "no_member",
	};
	static const enum stele_col_kind kinds[GRID_COLS] = {
		STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER,
		STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_TEXT,
		STELE_COL_TEXT,
	};
	struct stele_table *t = NULL;
	sqlite3_stmt *stmt = NULL;
	char from[16], next[16];
	long long days = 0, lo = 0, hi = 0;
	int rc, step = SQLITE_DONE;

	if (month < 1 || month > 12)
		return stele_error(STELE_EUSAGE, "month %d is not 1..12", month);
	snprintf(from, sizeof(from), "%04d-%02d-01", year % 10000, month);
	snprintf(next, sizeof(next), "%04d-%02d-01", (month == 12 ? year + 1 : year) % 10000,
		 month == 12 ? 1 : month + 1);
	if ((rc = stele_config_get(&days, db, "request.days")) < 0 ||
	    (rc = stele_config_get(&lo, db, "grid.households_min")) < 0 ||
	    (rc = stele_config_get(&hi, db, "grid.households_max")) < 0 ||
	    (rc = stele_table_new(&t, GRID_COLS, names, kinds)) < 0 ||
	    (rc = stele_db_prepare(db, &stmt, grids_sql)) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, next, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)days * 86400);
	if (village)
		sqlite3_bind_text(stmt, 4, village, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		bool registered = sqlite3_column_int(stmt, 6) != 0;
		bool counted = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
		int64_t households = sqlite3_column_int64(stmt, 4);
		int64_t members = sqlite3_column_int64(stmt, 7);
		int64_t received = sqlite3_column_int64(stmt, 8);
		int64_t in_time = sqlite3_column_int64(stmt, 9);
		int64_t open = sqlite3_column_int64(stmt, 10);
		char hh[24], nm[24], nr[24], nt[24], rate[24], no[24];

		snprintf(hh, sizeof(hh), "%lld", (long long)households);
		snprintf(nm, sizeof(nm), "%lld", (long long)members);
		snprintf(nr, sizeof(nr), "%lld", (long long)received);
		snprintf(nt, sizeof(nt), "%lld", (long long)in_time);
		snprintf(no, sizeof(no), "%lld", (long long)open);
		if (received > 0)
			stele_format_fixed(rate, stele_rank_share(in_time, received), 4);
		const char *range = !counted ? NULL : households < lo ? "below"
				    : households > hi ? "above" : "within";
		const char *cells[GRID_COLS] = {
			(const char *)sqlite3_column_text(stmt, 0),
			(const char *)sqlite3_column_text(stmt, 1),
			(const char *)sqlite3_column_text(stmt, 2),
			(const char *)sqlite3_column_text(stmt, 3),
			counted ? hh : NULL,
			(const char *)sqlite3_column_text(stmt, 5),
			registered ? "yes" : "no", nm, nr, nt, received > 0 ? rate : NULL, no,
			range, members == 0 ? "yes" : "no",
		};
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
done:
	return stele_table_end(out, t, stmt, rc, step, db, "reading the grids");
}
