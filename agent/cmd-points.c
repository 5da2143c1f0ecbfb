/* cmd-points.c: `stele-agent points add|set|review|reverse|delete|list`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "db.h"
#include "error.h"
#include "lenient.h"
#include "parse.h"
#include "records.h"
#include "words.h"

enum { OPT_DATE = 1, OPT_POINTS, OPT_NOTE, OPT_STAGE, OPT_MEMBER, OPT_MONTH, OPT_YEAR, OPT_RULE };

struct points_opts {
	const char *date, *points, *note, *stage, *member, *month, *year, *rule;
};

static int on_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct points_opts *o = data;

	switch (opt) {
	case OPT_DATE: o->date = arg; break;
	case OPT_POINTS: o->points = arg; break;
	case OPT_NOTE: o->note = arg; break;
	case OPT_STAGE: o->stage = stele_word_code("stage", arg); break;
	case OPT_MEMBER: o->member = arg; break;
	case OPT_MONTH: o->month = arg; break;
	case OPT_YEAR: o->year = arg; break;
	case OPT_RULE: o->rule = arg; break;
	}
	return 0;
}

static int points_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, OPT_DATE },
		{ "points", required_argument, NULL, OPT_POINTS },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ 0 },
	};
	struct points_opts o = { 0 };
	struct agent_batch b;
	char *pos[2], id[24], today[16];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 2, 2,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.date) {
		stele_format_date(today, stele_today());
		o.date = today;
	}
	struct point_row row = { .member_id = pos[0], .rule_code = pos[1], .occurred_on = o.date,
				 .points = o.points, .note = o.note, .stage = "recorded",
				 .must_be_new = true };
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, point_put(id, &b, &row))) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

static int points_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "member", required_argument, NULL, OPT_MEMBER },
		{ "rule", required_argument, NULL, OPT_RULE },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "points", required_argument, NULL, OPT_POINTS },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ 0 },
	};
	struct points_opts o = { 0 };
	struct agent_batch b;
	char *pos[1];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.member && !o.rule && !o.date && !o.points && !o.note)
		return stele_error(STELE_EUSAGE, "points set: nothing to change (--member, --rule, "
				   "--date, --points, --note)");
	struct point_row row = { .id = pos[0], .member_id = o.member, .rule_code = o.rule,
				 .occurred_on = o.date, .points = o.points, .note = o.note,
				 .must_exist = true, .unreviewed = true };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, point_put(NULL, &b, &row));
}

static int points_review(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv)
{
	static const struct option longopts[] = {
		{ "stage", required_argument, NULL, OPT_STAGE },
		{ 0 },
	};
	struct points_opts o = { 0 };
	struct agent_batch b;
	char **pos = NULL;
	int rc, n;
	bool done;

	if (!(pos = calloc((size_t)argc + 1, sizeof(char *))))
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos,
				  argc, 1, &n, &done)) < 0 || done)
		goto done;
	if (!o.stage) {
		rc = stele_error(STELE_EUSAGE, "points review needs --stage STAGE");
		goto done;
	}
	if (point_stage_index(o.stage) <= 0) {
		rc = stele_error(STELE_EUSAGE, "--stage '%s' is not group, committee, assembly, "
				 "published or rejected", o.stage);
		goto done;
	}
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		goto done;
	/* All the events or none: one captured write. */
	for (int i = 0; i < n && rc == 0; i++) {
		struct point_row row = { .id = pos[i], .stage = o.stage, .must_exist = true,
					 .review = true };
		rc = point_put(NULL, &b, &row);
	}
	rc = agent_batch_finish(&b, rc);
done:
	free(pos);
	return rc;
}

static int points_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "member", required_argument, NULL, OPT_MEMBER },
		{ "month", required_argument, NULL, OPT_MONTH },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "stage", required_argument, NULL, OPT_STAGE },
		{ 0 },
	};
	struct points_opts o = { 0 };
	char month_buf[32], year_buf[32];
	int32_t v;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_opt, &o, NULL, 0,
				  0, &n, &done)) < 0 || done)
		return rc;
	if (o.month && o.year)
		return stele_error(STELE_EUSAGE, "points list takes --month or --year, not both");
	/* 2026/11, 2026年11月: as the clerk writes a month (lib/lenient.h). */
	o.month = stele_lenient_arg(month_buf, o.month, 'm');
	o.year = stele_lenient_arg(year_buf, o.year, 'y');
	if ((o.month && stele_parse_month(o.month, &v, "--month") < 0) ||
	    (o.year && stele_parse_year(o.year, &v, "--year") < 0) ||
	    (o.member && agent_check_id(o.member, "--member") < 0))
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if (o.stage && point_stage_index(o.stage) < 0)
		return stele_error(STELE_EUSAGE, "--stage '%s' is not recorded, group, committee, "
				   "assembly, published or rejected", o.stage);
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), o.member ? o.member : "",
				 o.month ? o.month : o.year ? o.year : "", o.stage ? o.stage : "",
				 NULL };
	return stele_cli_print_query(ctx,
		"SELECT e.id, e.member_id, m.name AS member_name, e.rule_code, r.name AS rule_name, "
		"e.occurred_on, " AGENT_SQL_TENTHS("e.points") " AS points, e.stage, e.note "
		"FROM point_event e "
		"LEFT JOIN member m ON m.village_code = e.village_code AND m.id = e.member_id "
		"LEFT JOIN point_rule r ON r.code = e.rule_code "
		"WHERE e.village_code = ?1 AND (?2 = '' OR e.member_id = ?2) "
		"AND (?3 = '' OR substr(e.occurred_on, 1, length(?3)) = ?3) "
		"AND (?4 = '' OR e.stage = ?4) ORDER BY e.id", params, "points");
}

static int points_reverse(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			  char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, OPT_DATE },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ 0 },
	};
	struct points_opts o = { 0 };
	struct agent_batch b;
	char *pos[1], id[24], today[16];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.note || !*o.note)
		return stele_error(STELE_EUSAGE, "points reverse needs --note TEXT: why the event "
				   "is reversed");
	if (!o.date) {
		stele_format_date(today, stele_today());
		o.date = today;
	}
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, point_reverse(id, &b, pos[0], o.date, o.note))) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

static int points_delete_cmd(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, point_delete);
}

/*
 * The subcommands of `points`. `points rank --year Y [--month M]` (this village's
 * member ranking, rankings.md) belongs to the rankings engineer: add its entry here,
 * after "list".
 */
const struct stele_cmd points_subcommands[] = {
	{ "add", points_add, N_("points add MEMBER RULE [--date DATE] [--points P] [--note TEXT]"),
	  N_("Records a point event (stage recorded) and prints its id (E000001, ...). DATE\n"
	  "defaults to today; P (one decimal) to the rule's points, and must have the sign\n"
	  "of the rule's category: base, merit and bonus >= 0, deduction <= 0, zeroing 0."), NULL },
	{ "review", points_review, N_("points review EVENT... --stage STAGE"),
	  N_("Moves events one step along recorded -> group -> committee -> assembly ->\n"
	  "published, or to rejected from any stage before published. Never back;\n"
	  "published and rejected are final. All the events move, or none."), NULL },
	{ "set", points_set,
	  N_("points set EVENT [--member ID] [--rule R] [--date DATE] [--points P] [--note TEXT]"),
	  N_("Corrects an event still at stage recorded, in an open month (a new rule takes\n"
	  "its points unless --points is given). A reviewed event is not changed: a\n"
	  "published one is reversed ('points reverse')."), NULL },
	{ "reverse", points_reverse, N_("points reverse EVENT --note TEXT [--date DATE]"),
	  N_("Reverses a published event (红字冲销) and prints the new event's id: an event\n"
	  "of the same member and rule with the opposite points, dated DATE (today by\n"
	  "default, in an open month), at stage recorded, reviewed like any event. Once\n"
	  "it is counted (assembly or published), neither it nor the event it reverses\n"
	  "counts in any ranking. An event is reversed once; a reversal is not reversed;\n"
	  "one still under review is rejected instead."), NULL },
	{ "delete", points_delete_cmd, N_("points delete EVENT..."),
	  N_("Deletes point events that are still at stage recorded, in an open month (all\n"
	  "or none). A reviewed event is not deleted: a published one is reversed\n"
	  "('points reverse')."), NULL },
	{ "list", points_list,
	  N_("points list [--member ID] [--month YYYY-MM | --year YYYY] [--stage S] "
	  "[--format table|csv|json] [--bom]"),
	  N_("Lists point events, oldest id first."), NULL },
	{ "rank", cmd_points_rank, POINTS_RANK_USAGE, POINTS_RANK_HELP, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_points(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
