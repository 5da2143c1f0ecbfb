/* cmd-grids.c: `stele-aggregator rank grids`: every village's grids (网格) of a month
 * (lib/grids.c; docs/rankings.md "Grids"), an entry of the rank subcommands. */
#include <stdbool.h>
#include <string.h>

#include "aggregator.h"
#include "db.h"
#include "error.h"
#include "grids.h"
#include "history.h"
#include "parse.h"
#include "rank.h"
#include "suggest.h"

struct grids_opts {
	const char *month, *village, *as_of;
	bool draft;
};

/* Refuses a --village the registry does not have (exit 3, with a did-you-mean). */
static int check_registered(struct stele_ctx *ctx, const char *village)
{
	sqlite3_stmt *stmt = NULL;
	char hint[96];
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT 1 FROM village WHERE code = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, village, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (step == SQLITE_ROW)
		return 0;
	if (step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, ctx->db, "reading the village registry");
	agg_did_you_mean(hint, sizeof(hint), ctx, AGG_VILLAGE_CODES_SQL, village);
	rc = stele_error(STELE_EINVALID, "village %s is not registered", village);
	stele_suggest_hint(hint);
	return rc;
}

int cmd_rank_grids(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct grids_opts o = { 0 };
	struct stele_table *t = NULL;
	struct rank_view view;
	char **args;
	int rc, n, year, month;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "month", &o.month),
		STELE_OPT_STRING(0, "village", &o.village),
		STELE_OPT_STRING(0, "as-of", &o.as_of),
		STELE_OPT_BOOL(0, "draft", &o.draft),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.month)
		return stele_error(STELE_EUSAGE, "rank grids needs --month YYYY-MM");
	if ((rc = stele_rank_period(&year, &month, NULL, o.month)) < 0)
		return rc;
	if (o.village && stele_check_village_code(o.village, NULL, "--village") < 0)
		return STELE_EUSAGE;
	if ((rc = rank_open_county(ctx)) < 0 ||
	    (o.village && (rc = check_registered(ctx, o.village)) < 0) ||
	    (rc = rank_view_open(&view, ctx, o.as_of, o.draft)) < 0)
		return rc;
	rc = stele_rank_grids(&t, ctx->db, year, month, o.village);
	rank_view_close(&view, ctx);
	if (rc == 0)
		rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}
