/* cmd-requests.c: `stele-aggregator requests villages|escalations|open`: residents'
 * requests across the county: satisfaction per village, escalations (吹哨报到) per
 * township and their days to resolution, requests open too long (督办). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "requests.h"
#include "rules.h"

struct requests_opts {
	const char *year, *month, *days, *date, *as_of;
};

/* The period of --year/--month as [first, next) day texts (24 bytes each). */
static int parse_period(char *first, char *next, struct requests_opts *o,
			struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &o->year),
		STELE_OPT_STRING(0, "month", &o->month),
		STELE_OPT_STRING(0, "as-of", &o->as_of),
		STELE_OPT_LISTING(), STELE_OPT_END()
	};
	char **args;
	int rc, n, year, month;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o->year && !o->month)
		return stele_error(STELE_EUSAGE, "requests %s needs --year YYYY (and may take "
				   "--month YYYY-MM)", cmd->name);
	if ((rc = stele_rank_period(&year, &month, o->year, o->month)) < 0)
		return rc;
	if (month) {
		snprintf(first, 24, "%04d-%02d-01", year, month);
		snprintf(next, 24, "%04d-%02d-01", month == 12 ? year + 1 : year,
			 month == 12 ? 1 : month + 1);
	} else {
		snprintf(first, 24, "%04d-01-01", year);
		snprintf(next, 24, "%04d-01-01", year + 1);
	}
	return 0;
}

/* One listing of the requests between first and next (days; open: first is the date). */
typedef int (*compute_fn)(struct stele_table **out, sqlite3 *db, const char *first,
			  const char *next, const struct requests_opts *o);

/* Computes one listing in the view --as-of asks for, and prints it. */
static int print_in_view(struct stele_ctx *ctx, const struct requests_opts *o,
			 compute_fn compute, const char *first, const char *next)
{
	struct stele_table *t = NULL;
	struct rank_view view;
	int rc;

	if ((rc = rank_open_county(ctx)) < 0 ||
	    (rc = rank_view_open(&view, ctx, o->as_of, false)) < 0)
		return rc;
	rc = compute(&t, ctx->db, first, next, o);
	rank_view_close(&view, ctx);
	if (rc == 0)
		rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}

static int compute_villages(struct stele_table **out, sqlite3 *db, const char *first,
			    const char *next, const struct requests_opts *o)
{
	long long days;
	int rc;

	if ((rc = stele_config_get(&days, db, "request.days")) < 0)
		return rc;
	return stele_rank_requests(out, db, first, next, days);
}

static int compute_escalations(struct stele_table **out, sqlite3 *db, const char *first,
			       const char *next, const struct requests_opts *o)
{
	return stele_rank_escalations(out, db, first, next);
}

static int compute_open(struct stele_table **out, sqlite3 *db, const char *date,
			const char *unused, const struct requests_opts *o)
{
	int64_t days;
	long long deflt;
	int rc;

	if (o->days) {
		if (stele_parse_int(&days, o->days, 0, 36500, "--days") < 0)
			return STELE_EUSAGE;
	} else {
		if ((rc = stele_config_get(&deflt, db, "request.days")) < 0)
			return rc;
		days = deflt;
	}
	return stele_rank_open_requests(out, db, days, date);
}

/* villages and escalations: compute over the period of --year/--month. */
static int requests_period(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			   char **argv, compute_fn compute)
{
	struct requests_opts o = { 0 };
	char first[24], next[24];
	int rc;

	if ((rc = parse_period(first, next, &o, ctx, cmd, argc, argv)) != 0)
		return rc;
	return print_in_view(ctx, &o, compute, first, next);
}

int cmd_requests_villages(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return requests_period(ctx, cmd, argc, argv, compute_villages);
}

int cmd_requests_escalations(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			     char **argv)
{
	return requests_period(ctx, cmd, argc, argv, compute_escalations);
}

int cmd_requests_open(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct requests_opts o = { 0 };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "days", &o.days),
		STELE_OPT_STRING(0, "date", &o.date),
		STELE_OPT_STRING(0, "as-of", &o.as_of),
		STELE_OPT_LISTING(), STELE_OPT_END()
	};
	char today[16], **args;
	int32_t date;
	int64_t days;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (o.days && stele_parse_int(&days, o.days, 0, 36500, "--days") < 0)
		return STELE_EUSAGE;
	if (o.date && stele_parse_date(&date, o.date, "--date") < 0)
		return STELE_EUSAGE;
	if (!o.date) {
		stele_format_date(today, stele_today());
		o.date = today;
	}
	return print_in_view(ctx, &o, compute_open, o.date, NULL);
}
