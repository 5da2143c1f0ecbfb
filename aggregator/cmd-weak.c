/* cmd-weak.c: `stele-aggregator weak suggest|add|convert|list`: the county's list of
 * weak village organisations (软弱涣散整顿) and their turnaround (整顿转化). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "rowcheck.h"
#include "weak.h"

struct weak_opts {
	const char *year, *pct, *reason, *date, *note, *as_of;
};

/* The options of the subcommands, bound to o. */
#define WEAK_YEAR(o) STELE_OPT_STRING(0, "year", &(o).year)
#define WEAK_DATE(o) STELE_OPT_STRING(0, "date", &(o).date)
#define WEAK_AS_OF(o) STELE_OPT_STRING(0, "as-of", &(o).as_of)

/* The --year of o (needed), checked: *year, or STELE_EUSAGE. */
static int year_of(int *year, const struct weak_opts *o, const char *what)
{
	int month;

	if (!o->year)
		return stele_error(STELE_EUSAGE, "%s needs --year YYYY", what);
	return stele_rank_period(year, &month, o->year, NULL);
}

/* --date of o, checked, or today (into buf); STELE_EUSAGE for a bad one. A date
 * after today is refused: the list records what has happened. */
static int date_of(const char **out, char buf[16], const struct weak_opts *o)
{
	int32_t days;

	if (!o->date) {
		stele_format_date(buf, stele_today());
		*out = buf;
		return 0;
	}
	if (stele_parse_date(&days, o->date, "--date") < 0)
		return STELE_EUSAGE;
	if (days > stele_today())
		return stele_error(STELE_EUSAGE, "--date %s is after today", o->date);
	*out = o->date;
	return 0;
}

int cmd_weak_suggest(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct weak_opts o = { 0 };
	const struct stele_option options[] = {
		WEAK_YEAR(o), STELE_OPT_STRING(0, "pct", &o.pct), WEAK_AS_OF(o), STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	struct stele_table *t = NULL;
	struct rank_view view;
	int64_t pct = 10;
	long ranked = 0, cut = 0;
	char **args;
	int rc, n, year, yy, mm, dd;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = year_of(&year, &o, "weak suggest")) < 0)
		return rc;
	if (o.pct && stele_parse_int(&pct, o.pct, 1, 100, "--pct") < 0)
		return STELE_EUSAGE;
	/* The months of the year that have begun: to the current one this year. */
	stele_civil_from_days(&yy, &mm, &dd, stele_today());
	if (year > yy)
		return stele_error(STELE_EUSAGE, "year %d has not begun", year);
	if ((rc = rank_open_county(ctx)) < 0 ||
	    (rc = rank_view_open(&view, ctx, o.as_of, false)) < 0)
		return rc;
	rc = stele_weak_suggest(&t, &ranked, &cut, ctx->db, year, year == yy ? mm : 12, (int)pct);
	rank_view_close(&view, ctx);
	if (rc == 0) {
		/* TRANSLATORS: weak suggest's summary: ranked villages, the share, how
		 * many it asks for, and how many are proposed (ties at the cut included). */
		fprintf(stderr, _("%s: %ld villages ranked in %d; %d%% of them is %ld; %zu "
				  "proposed\n"), ctx->prog, ranked, year, (int)pct, cut, t->nrows);
		rc = stele_cli_print(ctx, t);
	}
	stele_table_free(t);
	return rc;
}

/* Opens the county, checks that village is one of its, and puts it on the list
 * (add: year, date, reason) or records its turnaround (convert: date, note) in one
 * captured write. */
static int weak_write(struct stele_ctx *ctx, const char *village, bool convert, int year,
		      const char *date, const char *text)
{
	struct stele_capture *cap = NULL;
	char county[7];
	int rc;

	if ((rc = agg_open(ctx)) < 0 || (rc = agg_county_only(ctx)) < 0 ||
	    (rc = agg_county_code(county, ctx)) < 0)
		return rc;
	if (stele_check_village_code(village, county, "the village") < 0)
		return STELE_EUSAGE;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	rc = convert ? stele_weak_convert(&year, ctx->db, village, date, text)
		     : stele_weak_add(ctx->db, village, year, date, text);
	return agg_write_end(NULL, ctx, cap, rc);
}

int cmd_weak_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct weak_opts o = { 0 };
	const struct stele_option options[] = {
		WEAK_YEAR(o), STELE_OPT_STRING(0, "reason", &o.reason), WEAK_DATE(o),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	const char *date;
	char **args, today[16];
	int rc, n, year;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = year_of(&year, &o, "weak add")) < 0 || (rc = date_of(&date, today, &o)) < 0)
		return rc;
	if (!o.reason || !*o.reason)
		return stele_error(STELE_EUSAGE, "weak add needs --reason TEXT");
	if (stele_check_text(o.reason, STELE_NOTE_MAX, "--reason") < 0)
		return STELE_EUSAGE;
	return weak_write(ctx, args[0], false, year, date, o.reason);
}

int cmd_weak_convert(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct weak_opts o = { 0 };
	const struct stele_option options[] = {
		WEAK_DATE(o), STELE_OPT_STRING(0, "note", &o.note), STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	const char *date;
	char **args, today[16];
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.date)
		return stele_error(STELE_EUSAGE, "weak convert needs --date DATE");
	if (!o.note || !*o.note)
		return stele_error(STELE_EUSAGE, "weak convert needs --note TEXT");
	if ((rc = date_of(&date, today, &o)) < 0)
		return rc;
	if (stele_check_text(o.note, STELE_NOTE_MAX, "--note") < 0)
		return STELE_EUSAGE;
	return weak_write(ctx, args[0], true, 0, date, o.note);
}

int cmd_weak_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct weak_opts o = { 0 };
	const struct stele_option options[] = {
		WEAK_YEAR(o), WEAK_DATE(o), WEAK_AS_OF(o), STELE_OPT_LISTING(), STELE_OPT_END()
	};
	struct stele_table *t = NULL;
	struct rank_view view;
	char today[16], **args;
	const char *date;
	int rc, n, year = 0;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((o.year && (rc = year_of(&year, &o, "weak list")) < 0) ||
	    (rc = date_of(&date, today, &o)) < 0)
		return rc;
	if ((rc = rank_open_county(ctx)) < 0 ||
	    (rc = rank_view_open(&view, ctx, o.as_of, false)) < 0)
		return rc;
	rc = stele_weak_list(&t, ctx->db, year, date);
	rank_view_close(&view, ctx);
	if (rc == 0)
		rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}
