/* cmd-task.c: `stele-agent task add|set|close|delete|list` (the task ledger, 台账). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "rowcmd.h"

static int put(char *id, struct agent_batch *b, const void *row)
{
	return task_put(id, b, row);
}

int cmd_task_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct task_row row = { .must_be_new = true };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "due", &row.due_on),
		STELE_OPT_STRING(0, "category", &row.category),
		STELE_OPT_STRING(0, "assignee", &row.assignee),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	char **args;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!row.due_on)
		return stele_error(STELE_EUSAGE, "task add needs --due DATE");
	row.title = args[0];
	return agent_write_row(ctx, put, &row, true);
}

int cmd_task_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct task_row row = { .must_exist = true, .editing = true };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "title", &row.title),
		STELE_OPT_STRING(0, "due", &row.due_on),
		STELE_OPT_STRING(0, "category", &row.category),
		STELE_OPT_STRING(0, "assignee", &row.assignee),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};

	return agent_cmd_set(ctx, cmd, argc, argv, options, &row.id, put, &row,
			     N_("task set: nothing to change (--title, --due, --category, "
				"--assignee)"));
}

int cmd_task_close(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct task_row row = { .must_exist = true, .closing = true };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "date", &row.closed_on),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	char **args, today[16];
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	row.closed_on = agent_date_or_today(today, row.closed_on);
	if (!*row.closed_on)
		return stele_error(STELE_EUSAGE, "task close: --date is empty");
	row.id = args[0];
	return agent_write_row(ctx, put, &row, false);
}

int cmd_task_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_list_open(ctx, cmd, argc, argv,
		"SELECT id, title, category, assignee, due_on, closed_on, origin FROM task_ledger "
		"WHERE village_code = ?1 AND (?2 = '0' OR closed_on IS NULL) ORDER BY id",
		NULL);
}

int cmd_task_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, task_delete);
}
