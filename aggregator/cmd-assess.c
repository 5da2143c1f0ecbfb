/* cmd-assess.c: `stele-aggregator assess list|approve|adjust|review`: the county's review
 * of the villages' self-assessments (村街申报、乡镇初审、县级批准). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "review.h"

/* A score in tenths as text with one decimal, NULL staying NULL. */
#define SQL_TENTHS(c) "iif(" c " IS NULL, NULL, printf('%.1f', " c " / 10.0))"

struct assess_opts {
	const char *year, *note, *village;
	bool pending;
};

/* The checks approve, adjust and review share: --year given and valid, the note,
 * the village a registered one of this county (or township). Opens the directory,
 * which must be the county's (approve, adjust) or a township's (review). */
static int check_review(int32_t *year, struct stele_ctx *ctx, const char *name,
			const struct assess_opts *o, const char *village)
{
	bool township = strcmp(name, "review") == 0;
	char county[10];
	bool exists;
	int rc;

	if (!o->year)
		return stele_error(STELE_EUSAGE, "assess %s needs --year YYYY", name);
	if ((rc = stele_parse_year(year, o->year, "--year")) < 0)
		return rc;
	if (o->note && (rc = stele_check_text(o->note, 500, "--note")) < 0)
		return rc;
	/* A malformed code is a usage error; another county's, invalid data. */
	if (stele_check_village_code(village, NULL, "village") < 0)
		return STELE_EUSAGE;
	if ((rc = agg_open(ctx)) < 0 ||
	    (rc = township ? agg_township_only(ctx) : agg_county_only(ctx)) < 0 ||
	    (rc = agg_scope_code(county, ctx)) < 0)
		return rc;
	if ((rc = stele_check_village_code(village, county, "village")) < 0)
		return rc;
	if ((rc = agg_village_exists(&exists, ctx, village)) < 0)
		return rc;
	if (!exists)
		return stele_error(STELE_EINVALID, "village '%s' is not registered", village);
	return 0;
}

int cmd_assess_approve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct assess_opts o = { 0 };
	struct stele_capture *cap = NULL;
	char **pos, today[11];
	int32_t year;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &o.year),
		STELE_OPT_STRING(0, "note", &o.note),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = check_review(&year, ctx, "approve", &o, pos[0])) < 0)
		return rc;
	stele_format_date(today, stele_today());
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	rc = stele_review_approve(ctx->db, pos[0], year, today, o.note);
	if ((rc = agg_write_end(NULL, ctx, cap, rc)) < 0)
		return rc;
	fprintf(stderr, _("%s: the self-assessment of village %s for %d is approved (publish "
			  "with 'rules publish')\n"), ctx->prog, pos[0], (int)year);
	return 0;
}

/* adjust (the county's reviewed score) and review (a township's first review):
 * VILLAGE ITEM SCORE --year Y [--note], one captured write of one item. */
int cmd_assess_score(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	bool township = strcmp(cmd->name, "review") == 0;
	struct assess_opts o = { 0 };
	struct stele_capture *cap = NULL;
	char **pos;
	int32_t year;
	int64_t score;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &o.year),
		STELE_OPT_STRING(0, "note", &o.note),
		STELE_OPT_ARGS(3, 3),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (stele_parse_tenths(&score, pos[2], "score") < 0)
		return STELE_EUSAGE;
	if ((rc = check_review(&year, ctx, cmd->name, &o, pos[0])) < 0)
		return rc;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	rc = (township ? stele_review_township : stele_review_adjust)(ctx->db, pos[0], year, pos[1],
								       score, o.note);
	return agg_write_end(NULL, ctx, cap, rc);
}

int cmd_assess_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct assess_opts o = { 0 };
	int32_t year;
	char **args;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &o.year),
		STELE_OPT_STRING(0, "village", &o.village),
		STELE_OPT_BOOL(0, "pending", &o.pending),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.year)
		return stele_error(STELE_EUSAGE, "assess list needs --year YYYY");
	if ((rc = stele_parse_year(&year, o.year, "--year")) < 0)
		return rc;
	if (o.village && stele_check_village_code(o.village, NULL, "--village") < 0)
		return STELE_EUSAGE;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	const char *params[] = { o.year, o.village ? o.village : "", o.pending ? "1" : "", NULL };
	/* One row per item a village declared, its township or the county reviewed for
	 * the year: declared, township (乡镇初审) and county (reviewed) side by side. */
	return stele_cli_print_query(ctx,
		"WITH items AS (SELECT village_code, item_code FROM assessment "
		"  WHERE year = CAST(?1 AS INTEGER) UNION "
		"  SELECT village_code, item_code FROM township_review WHERE year = CAST(?1 AS INTEGER) "
		"  UNION "
		"  SELECT village_code, item_code FROM assessment_review WHERE year = CAST(?1 AS INTEGER)) "
		"SELECT i.village_code, v.name AS village_name, CAST(?1 AS INTEGER) AS year, "
		"i.item_code, s.name AS item_name, " SQL_TENTHS("s.max_score") " AS max_score, "
		SQL_TENTHS("a.score") " AS declared, " SQL_TENTHS("t.score") " AS township, "
		SQL_TENTHS("r.score") " AS reviewed, "
		"r.note AS review_note, iif(p.village_code IS NULL, 'no', 'yes') AS approved, "
		"p.approved_on FROM items i "
		"JOIN village v ON v.code = i.village_code "
		"LEFT JOIN standard_item s ON s.code = i.item_code "
		"LEFT JOIN assessment a ON a.village_code = i.village_code "
		"  AND a.year = CAST(?1 AS INTEGER) AND a.item_code = i.item_code "
		"LEFT JOIN township_review t ON t.village_code = i.village_code "
		"  AND t.year = CAST(?1 AS INTEGER) AND t.item_code = i.item_code "
		"LEFT JOIN assessment_review r ON r.village_code = i.village_code "
		"  AND r.year = CAST(?1 AS INTEGER) AND r.item_code = i.item_code "
		"LEFT JOIN assessment_approval p ON p.village_code = i.village_code "
		"  AND p.year = CAST(?1 AS INTEGER) "
		"WHERE (?2 = '' OR i.village_code = ?2) AND (?3 = '' OR (p.village_code IS NULL "
		"  AND EXISTS (SELECT 1 FROM assessment d WHERE d.village_code = i.village_code "
		"  AND d.year = CAST(?1 AS INTEGER)))) "
		"ORDER BY i.village_code, i.item_code", params,
		"year,max_score,declared,township,reviewed");
}
