/* cmd-grid.c: `stele-agent grid add|set|delete|list` (the village's grid registry,
 * 网格) and `stele-agent rank grids` (its grids of a month, as the county lists them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "error.h"
#include "grids.h"
#include "rank.h"
#include "records.h"
#include "rowcmd.h"

static int put(char *id, struct agent_batch *b, const void *row)
{
	return grid_put(id, b, row);
}

/* The options of add and set, bound to row. */
#define GRID_OPTIONS(row) \
	STELE_OPT_STRING(0, "name", &(row).name), \
	STELE_OPT_STRING(0, "households", &(row).households), \
	STELE_OPT_STRING(0, "worker", &(row).worker), \
	STELE_OPT_ARGS(1, 1), STELE_OPT_END()

int cmd_grid_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct grid_row row = { .must_be_new = true };
	const struct stele_option options[] = { GRID_OPTIONS(row) };
	char **args;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	row.id = args[0];
	return agent_write_row(ctx, put, &row, true);
}

int cmd_grid_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct grid_row row = { .must_exist = true };
	const struct stele_option options[] = { GRID_OPTIONS(row) };

	return agent_cmd_set(ctx, cmd, argc, argv, options, &row.id, put, &row,
			     N_("grid set: nothing to change (--name, --households, --worker)"));
}

int cmd_grid_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_list(ctx, cmd, argc, argv, "grids");
}

int cmd_grid_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, grid_delete);
}


int cmd_rank_grids(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *month_arg = NULL;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "month", &month_arg), STELE_OPT_LISTING(), STELE_OPT_END()
	};
	struct stele_table *t = NULL;
	char **args;
	int rc, n, year, month;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!month_arg)
		return stele_error(STELE_EUSAGE, "rank grids needs --month YYYY-MM");
	if ((rc = stele_rank_period(&year, &month, NULL, month_arg)) < 0 ||
	    (rc = agent_open(ctx)) < 0 ||
	    (rc = stele_rank_grids(&t, ctx->db, year, month, agent_village(ctx))) < 0)
		return rc;
	rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}
