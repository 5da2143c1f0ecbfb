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

static int grid_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
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

static int grid_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct grid_row row = { .must_exist = true };
	const struct stele_option options[] = { GRID_OPTIONS(row) };

	return agent_cmd_set(ctx, cmd, argc, argv, options, &row.id, put, &row,
			     N_("grid set: nothing to change (--name, --households, --worker)"));
}

static int grid_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_list(ctx, cmd, argc, argv, "grids");
}

static int grid_delete_cmd(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			   char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, grid_delete);
}

const struct stele_cmd grid_subcommands[] = {
	{ "add", grid_add, N_("grid add CODE [--name NAME] [--households N] [--worker NAME]"),
	  N_("Registers a grid (网格) of the village: CODE (G1, 01-3: 1-32 letters, digits,\n"
	  "'-' or '_') is what members' and requests' --grid name; --households the\n"
	  "households it covers (0..100000); --worker the grid worker's name (网格员).\n"
	  "Once the village has a grid, a member's or request's grid must be registered;\n"
	  "rows written before keep theirs. Prints the code."), NULL },
	{ "set", grid_set, N_("grid set CODE [--name NAME] [--households N] [--worker NAME]"),
	  N_("Changes a grid's name, households or grid worker (\"\" clears one). The code\n"
	  "does not change: add the new grid, move its members and requests, delete the\n"
	  "old one."), NULL },
	{ "delete", grid_delete_cmd, N_("grid delete CODE..."),
	  N_("Deletes grids no member or request names (all or none)."), NULL },
	{ "list", grid_list, N_("grid list [--format table|csv|json] [--bom]"),
	  N_("Lists the village's grids."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};


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
