/* cmd-assess.c: `stele-aggregator assess list|approve|adjust`: the county's review
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

enum { OPT_YEAR = 1, OPT_NOTE, OPT_VILLAGE, OPT_PENDING };

static int on_assess_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct assess_opts *o = data;

	switch (opt) {
	case OPT_YEAR: o->year = arg; break;
	case OPT_NOTE: o->note = arg; break;
	case OPT_VILLAGE: o->village = arg; break;
	case OPT_PENDING: o->pending = true; break;
	}
	return 0;
}

static const struct option assess_longopts[] = {
	{ "year", required_argument, NULL, OPT_YEAR },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ 0 },
};

/* The checks approve and adjust share: --year given and valid, the note, the
 * village a registered one of this county. Opens the county. */
static int check_review(int32_t *year, struct stele_ctx *ctx, const char *name,
			const struct assess_opts *o, const char *village)
{
	char county[7];
	bool exists;
	int rc;

	if (!o->year)
		return stele_error(STELE_EUSAGE, "assess %s needs --year YYYY", name);
	if ((rc = stele_parse_year(o->year, year, "--year")) < 0)
		return rc;
	if (o->note && (rc = stele_check_text(o->note, 500, "--note")) < 0)
		return rc;
	/* A malformed code is a usage error; another county's, invalid data. */
	if (stele_check_village_code(village, NULL, "village") < 0)
		return STELE_EUSAGE;
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_county_code(county, ctx)) < 0)
		return rc;
	if ((rc = stele_check_village_code(village, county, "village")) < 0)
		return rc;
	if ((rc = agg_village_exists(&exists, ctx, village)) < 0)
		return rc;
	if (!exists)
		return stele_error(STELE_EINVALID, "village '%s' is not registered", village);
	return 0;
}

static int assess_approve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct assess_opts o = { 0 };
	struct stele_capture *cap = NULL;
	char *pos[1], today[11];
	int32_t year;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, assess_longopts, false,
				  on_assess_opt, &o, pos, 1, 1, &n, &done)) < 0 || done)
		return rc;
	if ((rc = check_review(&year, ctx, "approve", &o, pos[0])) < 0)
		return rc;
	stele_format_date(today, stele_today());
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	if ((rc = stele_review_approve(ctx->db, pos[0], year, today, o.note)) < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	if ((rc = agg_write_commit(NULL, ctx, cap)) < 0)
		return rc;
	fprintf(stderr, _("%s: the self-assessment of village %s for %d is approved (publish "
			  "with 'rules publish')\n"), ctx->prog, pos[0], (int)year);
	return 0;
}

static int assess_adjust(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct assess_opts o = { 0 };
	struct stele_capture *cap = NULL;
	char *pos[3];
	int32_t year;
	int64_t score;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, assess_longopts, false,
				  on_assess_opt, &o, pos, 3, 3, &n, &done)) < 0 || done)
		return rc;
	if (stele_parse_tenths(pos[2], &score, "score") < 0)
		return STELE_EUSAGE;
	if ((rc = check_review(&year, ctx, "adjust", &o, pos[0])) < 0)
		return rc;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	if ((rc = stele_review_adjust(ctx->db, pos[0], year, pos[1], score, o.note)) < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	return agg_write_commit(NULL, ctx, cap);
}

static int assess_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "village", required_argument, NULL, OPT_VILLAGE },
		{ "pending", no_argument, NULL, OPT_PENDING },
		{ 0 },
	};
	struct assess_opts o = { 0 };
	int32_t year;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_assess_opt, &o,
				  NULL, 0, 0, &n, &done)) < 0 || done)
		return rc;
	if (!o.year)
		return stele_error(STELE_EUSAGE, "assess list needs --year YYYY");
	if ((rc = stele_parse_year(o.year, &year, "--year")) < 0)
		return rc;
	if (o.village && stele_check_village_code(o.village, NULL, "--village") < 0)
		return STELE_EUSAGE;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	const char *params[] = { o.year, o.village ? o.village : "", o.pending ? "1" : "", NULL };
	/* One row per item a village declared or the county reviewed for the year. */
	return stele_cli_print_query(ctx,
		"WITH items AS (SELECT village_code, item_code FROM assessment "
		"  WHERE year = CAST(?1 AS INTEGER) UNION "
		"  SELECT village_code, item_code FROM assessment_review WHERE year = CAST(?1 AS INTEGER)) "
		"SELECT i.village_code, v.name AS village_name, CAST(?1 AS INTEGER) AS year, "
		"i.item_code, s.name AS item_name, " SQL_TENTHS("s.max_score") " AS max_score, "
		SQL_TENTHS("a.score") " AS declared, " SQL_TENTHS("r.score") " AS reviewed, "
		"r.note AS review_note, iif(p.village_code IS NULL, 'no', 'yes') AS approved, "
		"p.approved_on FROM items i "
		"JOIN village v ON v.code = i.village_code "
		"LEFT JOIN standard_item s ON s.code = i.item_code "
		"LEFT JOIN assessment a ON a.village_code = i.village_code "
		"  AND a.year = CAST(?1 AS INTEGER) AND a.item_code = i.item_code "
		"LEFT JOIN assessment_review r ON r.village_code = i.village_code "
		"  AND r.year = CAST(?1 AS INTEGER) AND r.item_code = i.item_code "
		"LEFT JOIN assessment_approval p ON p.village_code = i.village_code "
		"  AND p.year = CAST(?1 AS INTEGER) "
		"WHERE (?2 = '' OR i.village_code = ?2) AND (?3 = '' OR (p.village_code IS NULL "
		"  AND EXISTS (SELECT 1 FROM assessment d WHERE d.village_code = i.village_code "
		"  AND d.year = CAST(?1 AS INTEGER)))) "
		"ORDER BY i.village_code, i.item_code", params, "year,max_score,declared,reviewed");
}

const struct stele_cmd assess_subcommands[] = {
	{ "list", assess_list,
	  "assess list --year YYYY [--pending] [--village CODE] [--format table|csv|json] [--bom]",
	  "Each village's self-assessment for the year (declared, 村街申报) beside the\n"
	  "scores the county accepts (reviewed: the township's first review and the\n"
	  "county's check), one row per item, and whether the year is approved.\n"
	  "--pending lists only the villages that declared and are not approved yet.", NULL },
	{ "approve", assess_approve, "assess approve VILLAGE --year YYYY [--note TEXT]",
	  "Approves the village's self-assessment for the year (县级批准): every active\n"
	  "item not reviewed yet gets the declared score as its reviewed score, and from\n"
	  "then on the reviewed scores decide the village's stars; later changes the\n"
	  "village makes to its own assessment do not move them. It reaches the villages\n"
	  "with the next 'rules publish'.", NULL },
	{ "adjust", assess_adjust, "assess adjust VILLAGE ITEM SCORE --year YYYY [--note TEXT]",
	  "Sets the reviewed score of one item (the township's first review, 乡镇初审, or\n"
	  "the county's check), before or after the approval; 0 to the item's maximum.\n"
	  "An adjustment made before the approval is kept by it.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_assess(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
