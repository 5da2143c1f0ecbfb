/* cmd-assess.c: `stele-agent assess set|list` (the yearly self-assessment, 自评申报). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "rank.h"
#include "records.h"

int cmd_assess_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *note = NULL;
	struct agent_batch b;
	char **pos;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "note", &note),
		STELE_OPT_ARGS(3, 3),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	struct assessment_row row = { .year = pos[0], .item_code = pos[1], .score = pos[2],
				      .note = note };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, assessment_put(&b, &row));
}

/* Under the table: each year's total and the stars it would earn under the
 * county's thresholds (the county's review and vetoes still decide). */
static int print_totals(struct stele_ctx *ctx, const char *year)
{
	struct stele_rank_config cfg;
	sqlite3_stmt *stmt = NULL;
	char total[32], max[32];
	int rc, step;

	if ((rc = stele_rank_config_load(&cfg, ctx->db)) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &stmt,
				   "SELECT a.year, sum(a.score), (SELECT coalesce(sum(max_score), 0) "
				   "FROM standard_item WHERE active = 1) FROM assessment a "
				   "WHERE a.village_code = ?1 AND (?2 = '' OR a.year = CAST(?2 AS "
				   "INTEGER)) GROUP BY a.year ORDER BY a.year")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, year, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t score = sqlite3_column_int64(stmt, 1);
		int stars = stele_rank_stars_for(&cfg, score);
		stele_format_fixed(total, score, 1);
		stele_format_fixed(max, sqlite3_column_int64(stmt, 2), 1);
		printf(P_("%d: total %s of %s, %d star by the county's thresholds "
			  "(5: %lld, 4: %lld, 3: %lld, 2: %lld)\n",
			  "%d: total %s of %s, %d stars by the county's thresholds "
			  "(5: %lld, 4: %lld, 3: %lld, 2: %lld)\n", stars),
		       sqlite3_column_int(stmt, 0), total, max, stars, cfg.star[0], cfg.star[1],
		       cfg.star[2], cfg.star[3]);
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading assessments");
	sqlite3_finalize(stmt);
	return rc;
}

int cmd_assess_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *year = NULL;
	int32_t y;
	char **args;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &year),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (year && stele_parse_year(&y, year, "--year") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), year ? year : "", NULL };
	/* One row per item the village declared or the county reviewed; reviewed and
	 * approved come from the county stream (assessment_review, _approval). */
	if ((rc = stele_cli_print_query(ctx,
		"WITH items AS (SELECT year, item_code FROM assessment WHERE village_code = ?1 "
		"  UNION SELECT year, item_code FROM assessment_review WHERE village_code = ?1) "
		"SELECT i.year, i.item_code, s.name AS item_name, "
		AGENT_SQL_TENTHS("a.score") " AS score, " AGENT_SQL_TENTHS("s.max_score")
		" AS max_score, a.note, " AGENT_SQL_TENTHS("r.score") " AS reviewed, "
		"r.note AS review_note, iif(p.village_code IS NULL, 'no', 'yes') AS approved "
		"FROM items i LEFT JOIN standard_item s ON s.code = i.item_code "
		"LEFT JOIN assessment a ON a.village_code = ?1 AND a.year = i.year "
		"  AND a.item_code = i.item_code "
		"LEFT JOIN assessment_review r ON r.village_code = ?1 AND r.year = i.year "
		"  AND r.item_code = i.item_code "
		"LEFT JOIN assessment_approval p ON p.village_code = ?1 AND p.year = i.year "
		"WHERE (?2 = '' OR i.year = CAST(?2 AS INTEGER)) "
		"ORDER BY i.year, i.item_code", params, "year,score,max_score,reviewed")) < 0)
		return rc;
	/* What scripts read stays the items; a person also sees each year's total. */
	return ctx->format == STELE_FORMAT_TABLE ? print_totals(ctx, year ? year : "") : 0;
}
