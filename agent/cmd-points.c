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
#include "rowcmd.h"
#include "words.h"

static int put(char *id, struct agent_batch *b, const void *row)
{
	return point_put(id, b, row);
}

/* --stage: a word of the option (委员会) stands for its code. */
static int stage_opt(struct stele_ctx *ctx, const struct stele_option *opt, const char *arg)
{
	*(const char **)opt->value = stele_word_code("stage", arg);
	return 0;
}

int cmd_points_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct point_row row = { .stage = "recorded", .must_be_new = true };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "date", &row.occurred_on),
		STELE_OPT_STRING(0, "points", &row.points),
		STELE_OPT_STRING(0, "note", &row.note),
		STELE_OPT_ARGS(2, 2), STELE_OPT_END()
	};
	char **args, today[16];
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	row.occurred_on = agent_date_or_today(today, row.occurred_on);
	row.member_id = args[0];
	row.rule_code = args[1];
	return agent_write_row(ctx, put, &row, true);
}

int cmd_points_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct point_row row = { .must_exist = true, .unreviewed = true };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "member", &row.member_id),
		STELE_OPT_STRING(0, "rule", &row.rule_code),
		STELE_OPT_STRING(0, "date", &row.occurred_on),
		STELE_OPT_STRING(0, "points", &row.points),
		STELE_OPT_STRING(0, "note", &row.note),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};

	return agent_cmd_set(ctx, cmd, argc, argv, options, &row.id, put, &row,
			     N_("points set: nothing to change (--member, --rule, --date, --points, "
				"--note)"));
}

/* Moves event id to the stage data names. */
static int review_one(struct agent_batch *b, const char *id, const void *data)
{
	struct point_row row = { .id = id, .stage = data, .must_exist = true, .review = true };

	return point_put(NULL, b, &row);
}

int cmd_points_review(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *stage = NULL;
	const struct stele_option options[] = {
		STELE_OPT_CALLBACK(0, "stage", true, stage_opt, &stage, 0),
		STELE_OPT_ARGS(1, STELE_ARGS_MANY), STELE_OPT_END()
	};
	char **ids;
	int rc, n;

	if ((rc = stele_options_parse(&ids, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!stage)
		return stele_error(STELE_EUSAGE, "points review needs --stage STAGE");
	if (point_stage_index(stage) <= 0)
		return stele_error(STELE_EUSAGE, "--stage '%s' is not group, committee, assembly, "
				   "published or rejected", stage);
	/* All the events or none: one captured write. */
	return agent_each_id(ctx, ids, n, review_one, stage);
}

int cmd_points_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *member = NULL, *month = NULL, *year = NULL, *stage = NULL;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "member", &member),
		STELE_OPT_STRING(0, "month", &month),
		STELE_OPT_STRING(0, "year", &year),
		STELE_OPT_CALLBACK(0, "stage", true, stage_opt, &stage, 0),
		STELE_OPT_LISTING(), STELE_OPT_END()
	};
	char month_buf[32], year_buf[32], **args;
	int32_t v;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (month && year)
		return stele_error(STELE_EUSAGE, "points list takes --month or --year, not both");
	/* 2026/11, 2026年11月: as the clerk writes a month (lib/lenient.h). */
	month = stele_lenient_arg(month_buf, month, 'm');
	year = stele_lenient_arg(year_buf, year, 'y');
	if ((month && stele_parse_month(&v, month, "--month") < 0) ||
	    (year && stele_parse_year(&v, year, "--year") < 0) ||
	    (member && agent_check_id(member, "--member") < 0))
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if (stage && point_stage_index(stage) < 0)
		return stele_error(STELE_EUSAGE, "--stage '%s' is not recorded, group, committee, "
				   "assembly, published or rejected", stage);
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), member ? member : "",
				 month ? month : year ? year : "", stage ? stage : "", NULL };
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

int cmd_points_reverse(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *date = NULL, *note = NULL;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "date", &date),
		STELE_OPT_STRING(0, "note", &note),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	struct agent_batch b;
	char **args, id[24], today[16];
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!note || !*note)
		return stele_error(STELE_EUSAGE, "points reverse needs --note TEXT: why the event "
				   "is reversed");
	date = agent_date_or_today(today, date);
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, point_reverse(id, &b, args[0], date, note))) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

int cmd_points_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, point_delete);
}
