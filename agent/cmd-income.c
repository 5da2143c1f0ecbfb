/* cmd-income.c: `stele-agent income add|set|delete|list` (collective-economy income). */
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
	return income_put(id, b, row);
}

int cmd_income_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct income_row row = { .must_be_new = true };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "source", &row.source), STELE_OPT_ARGS(2, 2), STELE_OPT_END()
	};
	char **args;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	row.period = args[0];
	row.amount = args[1];
	return agent_write_row(ctx, put, &row, true);
}

int cmd_income_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct income_row row = { .must_exist = true, .editing = true };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "month", &row.period),
		STELE_OPT_STRING(0, "amount", &row.amount),
		STELE_OPT_STRING(0, "source", &row.source),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};

	return agent_cmd_set(ctx, cmd, argc, argv, options, &row.id, put, &row,
			     N_("income set: nothing to change (--month, --amount, --source)"));
}

int cmd_income_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_list(ctx, cmd, argc, argv, "income");
}

int cmd_income_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, income_delete);
}
