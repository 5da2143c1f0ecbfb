/* area.c: the --county and --township filters of the rankings at a city (or a
 * county): the villages whose codes start with an area's code (docs/levels.md). */
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "table.h"

int agg_area_pick(const char **area, const char *county, const char *township)
{
	*area = NULL;
	if (county && township)
		return stele_error(STELE_EUSAGE, "--county and --township do not go together: a "
				   "township's code names its county");
	if (county && stele_check_county_code(county, "--county") < 0)
		return STELE_EUSAGE;
	if (township && stele_check_township_code(township, NULL, "--township") < 0)
		return STELE_EUSAGE;
	*area = county ? county : township;
	return 0;
}

int agg_area_known(struct stele_ctx *ctx, const char *area)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if (!area)
		return 0;
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT 1 FROM village WHERE "
				   "substr(code, 1, length(?1)) = ?1 LIMIT 1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, area, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE)
		rc = stele_error(STELE_EINVALID, strlen(area) == STELE_LEVEL_COUNTY ?
				 "county %s has no registered village" :
				 "township %s has no registered village", area);
	else if (step != SQLITE_ROW)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the village registry");
	sqlite3_finalize(stmt);
	return rc;
}

int agg_area_filter(struct stele_table *t, const char *area)
{
	size_t col = t->ncols, kept = 0, len;

	if (!area)
		return 0;
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->names[c], "village_code") == 0)
			col = c;
	if (col == t->ncols)
		return stele_error(STELE_EFAIL, "this ranking has no village_code column to filter");
	len = strlen(area);
	for (size_t r = 0; r < t->nrows; r++) {
		char **row = t->cells + r * t->ncols;
		const char *code = row[col];

		if (code && strncmp(code, area, len) == 0) {
			if (kept != r)
				memmove(t->cells + kept * t->ncols, row, t->ncols * sizeof(*row));
			kept++;
			continue;
		}
		for (size_t c = 0; c < t->ncols; c++)
			free(row[c]);
	}
	t->nrows = kept;
	return 0;
}
