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

static int income_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
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

static int income_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
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

static int income_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_list(ctx, cmd, argc, argv, "income");
}

static int income_delete_cmd(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, income_delete);
}

const struct stele_cmd income_subcommands[] = {
	{ "add", income_add, N_("income add MONTH AMOUNT [--source S]"),
	  N_("Records collective income of MONTH (YYYY-MM): AMOUNT in yuan with at most two\n"
	  "decimals (negative for a correction). One row per month and source. Prints the\n"
	  "id (I0001, ...)."), NULL },
	{ "set", income_set, N_("income set ID [--month MONTH] [--amount AMOUNT] [--source S]"),
	  N_("Corrects an income row of an open month (a new month too). A row of a closed\n"
	  "month is not changed: record a correcting row (a negative AMOUNT) in an open\n"
	  "month."), NULL },
	{ "delete", income_delete_cmd, N_("income delete ID..."),
	  N_("Deletes income rows entered by mistake whose month is open (all or none)."), NULL },
	{ "list", income_list, N_("income list [--format table|csv|json] [--bom]"),
	  N_("Lists income rows."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
