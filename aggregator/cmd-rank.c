/* cmd-rank.c: `stele-aggregator rank villages|stars|members|member-stars|income|grids`: the county's
 * rankings (shared/spec/rankings.md) as a table, CSV or JSON. */
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "history.h"
#include "parse.h"
#include "collective.h"
#include "rank.h"
#include "suggest.h"

/* Options of the rank subcommands; NULL when not given. */
struct rank_opts {
	const char *year, *month, *township, *village, *as_of, *county;
	const char *area; /* --county or --township (agg_area_pick) */
	bool draft;
};

/* Parses the options, refusing those the subcommand does not take. */
static int parse_rank(struct rank_opts *o, struct stele_ctx *ctx, const struct stele_cmd *cmd,
		      int argc, char **argv, const char *allowed)
{
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &o->year),
		STELE_OPT_STRING(0, "month", &o->month),
		STELE_OPT_STRING(0, "township", &o->township),
		STELE_OPT_STRING(0, "county", &o->county),
		STELE_OPT_STRING(0, "village", &o->village),
		STELE_OPT_STRING(0, "as-of", &o->as_of),
		STELE_OPT_BOOL(0, "draft", &o->draft),
		STELE_OPT_LISTING(), STELE_OPT_END()
	};
	char **args;
	int rc, n;

	memset(o, 0, sizeof(*o));
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((o->year && !strchr(allowed, 'y')) || (o->month && !strchr(allowed, 'm')) ||
	    (o->township && !strchr(allowed, 't')) || (o->village && !strchr(allowed, 'v')) ||
	    (o->as_of && !strchr(allowed, 'a')) || (o->draft && !strchr(allowed, 'd')) ||
	    (o->county && !strchr(allowed, 'c')))
		return stele_error(STELE_EUSAGE, "%s: option not taken here (usage: %s %s)",
				   cmd->name, ctx->prog, cmd->usage);
	return agg_area_pick(&o->area, o->county, o->township);
}

/* Whether the registry has a village with code, or a township with that code. */
static int registered(bool *found, sqlite3 *db, const char *sql, const char *code)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		*found = step == SQLITE_ROW;
	else
		rc = stele_error_db(STELE_EFAIL, db, "reading the village registry");
	sqlite3_finalize(stmt);
	return rc;
}

/* Computes one ranking in the view the options ask for, and prints it. */
static int rank_in_view(struct stele_ctx *ctx, const struct rank_opts *o,
			int (*compute)(struct stele_table **out, struct stele_ctx *ctx,
				       const struct rank_opts *o, int year, int month),
			int year, int month)
{
	struct rank_view view;
	struct stele_table *t = NULL;
	int rc;

	if ((rc = rank_open_county(ctx)) < 0 ||
	    (rc = rank_view_open(&view, ctx, o->as_of, o->draft)) < 0)
		return rc;
	rc = compute(&t, ctx, o, year, month);
	rank_view_close(&view, ctx);
	if (rc == 0)
		rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}

static int compute_villages(struct stele_table **out, struct stele_ctx *ctx,
			    const struct rank_opts *o, int year, int month)
{
	bool found;
	int rc;

	if (o->township) {
		if ((rc = registered(&found, ctx->db, "SELECT 1 FROM village WHERE township_code = ?",
				     o->township)) < 0)
			return rc;
		if (!found)
			return stele_error(STELE_EINVALID, "township %s has no registered village",
					   o->township);
	}
	/* A county's villages are ranked and graded among themselves, as a township's. */
	if (o->county && (rc = agg_area_known(ctx, o->county)) < 0)
		return rc;
	return stele_rank_league(out, ctx->db, year, month, o->area);
}

static int compute_stars(struct stele_table **out, struct stele_ctx *ctx,
			 const struct rank_opts *o, int year, int month)
{
	int rc;

	if ((rc = agg_area_known(ctx, o->area)) < 0 ||
	    (rc = stele_rank_stars(out, ctx->db, year)) < 0)
		return rc;
	return agg_area_filter(*out, o->area);
}

/* The --village of o, refused unless registered (with a did-you-mean hint). */
static int check_village(struct stele_ctx *ctx, const struct rank_opts *o)
{
	char hint[96];
	bool found;
	int rc;

	if (!o->village)
		return 0;
	if ((rc = registered(&found, ctx->db, "SELECT 1 FROM village WHERE code = ?",
			     o->village)) < 0)
		return rc;
	if (found)
		return 0;
	agg_did_you_mean(hint, sizeof(hint), ctx, AGG_VILLAGE_CODES_SQL, o->village);
	rc = stele_error(STELE_EINVALID, "village %s is not registered", o->village);
	stele_suggest_hint(hint);
	return rc;
}

static int compute_members(struct stele_table **out, struct stele_ctx *ctx,
			   const struct rank_opts *o, int year, int month)
{
	int rc;

	if ((rc = check_village(ctx, o)) < 0 || (rc = agg_area_known(ctx, o->area)) < 0 ||
	    (rc = stele_rank_members(out, ctx->db, year, month, o->village)) < 0)
		return rc;
	return agg_area_filter(*out, o->area);
}

static int compute_member_stars(struct stele_table **out, struct stele_ctx *ctx,
				const struct rank_opts *o, int year, int month)
{
	int rc;

	if ((rc = check_village(ctx, o)) < 0)
		return rc;
	return stele_rank_member_stars(out, ctx->db, year, o->village);
}

static int compute_income(struct stele_table **out, struct stele_ctx *ctx,
			  const struct rank_opts *o, int year, int month)
{
	return stele_rank_income(out, ctx->db, year, month);
}

int cmd_rank_villages(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct rank_opts o;
	int rc, year, month;

	if ((rc = parse_rank(&o, ctx, cmd, argc, argv, "mtcad")) != 0)
		return rc;
	if (!o.month)
		return stele_error(STELE_EUSAGE, "rank villages needs --month YYYY-MM");
	if ((rc = stele_rank_period(&year, &month, NULL, o.month)) < 0)
		return rc;
	if (o.township && (strlen(o.township) != 9 || strspn(o.township, "0123456789") != 9))
		return stele_error(STELE_EUSAGE, "--township '%s' is not a 9-digit township code",
				   o.township);
	return rank_in_view(ctx, &o, compute_villages, year, month);
}

int cmd_rank_stars(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct rank_opts o;
	int rc, year, month;

	if ((rc = parse_rank(&o, ctx, cmd, argc, argv, "ytcad")) != 0)
		return rc;
	if (!o.year)
		return stele_error(STELE_EUSAGE, "rank stars needs --year YYYY");
	if ((rc = stele_rank_period(&year, &month, o.year, NULL)) < 0)
		return rc;
	return rank_in_view(ctx, &o, compute_stars, year, month);
}

int cmd_rank_members(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct rank_opts o;
	int rc, year, month;

	if ((rc = parse_rank(&o, ctx, cmd, argc, argv, "ymvtcad")) != 0)
		return rc;
	if (!o.year && !o.month)
		return stele_error(STELE_EUSAGE, "rank members needs --year YYYY (and may take "
				   "--month YYYY-MM)");
	if ((rc = stele_rank_period(&year, &month, o.year, o.month)) < 0)
		return rc;
	if (o.village && stele_check_village_code(o.village, NULL, "--village") < 0)
		return STELE_EUSAGE;
	return rank_in_view(ctx, &o, compute_members, year, month);
}

int cmd_rank_member_stars(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct rank_opts o;
	int rc, year, month;

	if ((rc = parse_rank(&o, ctx, cmd, argc, argv, "yvad")) != 0)
		return rc;
	if (!o.year)
		return stele_error(STELE_EUSAGE, "rank member-stars needs --year YYYY");
	if ((rc = stele_rank_period(&year, &month, o.year, NULL)) < 0)
		return rc;
	if (o.village && stele_check_village_code(o.village, NULL, "--village") < 0)
		return STELE_EUSAGE;
	return rank_in_view(ctx, &o, compute_member_stars, year, month);
}

int cmd_rank_income(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct rank_opts o;
	int rc, year, month, yy, mm, dd;

	if ((rc = parse_rank(&o, ctx, cmd, argc, argv, "ymad")) != 0)
		return rc;
	if (!o.year && !o.month)
		return stele_error(STELE_EUSAGE, "rank income needs --year YYYY (and may take "
				   "--month YYYY-MM)");
	if ((rc = stele_rank_period(&year, &month, o.year, o.month)) < 0)
		return rc;
	/* Year to date: through the current month in the current year, else December. */
	stele_civil_from_days(&yy, &mm, &dd, stele_today());
	if (!month)
		month = year == yy ? mm : 12;
	return rank_in_view(ctx, &o, compute_income, year, month);
}
