/* cmd-income.c: `stele-agent income add|list` (collective-economy income). */
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

enum { OPT_SOURCE = 1 };

static int on_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	*(const char **)data = arg;
	return 0;
}

static int income_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ 0 },
	};
	const char *source = NULL;
	struct agent_batch b;
	char *pos[2], id[24];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &source, pos,
				  2, 2, &n, &done)) < 0 || done)
		return rc;
	struct income_row row = { .period = pos[0], .amount = pos[1], .source = source,
				  .must_be_new = true };
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, income_put(id, &b, &row))) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

static int income_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct agent_export *e = agent_export_find("income");
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, true, NULL, NULL, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), NULL };
	return stele_cli_print_query(ctx, e->sql, params, e->number_cols);
}

const struct stele_cmd income_subcommands[] = {
	{ "add", income_add, N_("income add MONTH AMOUNT [--source S]"),
	  N_("Records collective income of MONTH (YYYY-MM): AMOUNT in yuan with at most two\n"
	  "decimals (negative for a correction). One row per month and source. Prints the\n"
	  "id (I0001, ...)."), NULL },
	{ "list", income_list, N_("income list [--format table|csv|json] [--bom]"),
	  N_("Lists income rows."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_income(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
