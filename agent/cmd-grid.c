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

enum { OPT_NAME = 1, OPT_HOUSEHOLDS, OPT_WORKER, OPT_MONTH };

static int on_grid_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct grid_row *row = data;

	switch (opt) {
	case OPT_NAME: row->name = arg; break;
	case OPT_HOUSEHOLDS: row->households = arg; break;
	case OPT_WORKER: row->worker = arg; break;
	}
	return 0;
}

/* add and set: one captured write of one grid. */
static int grid_write(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		      bool add)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "households", required_argument, NULL, OPT_HOUSEHOLDS },
		{ "worker", required_argument, NULL, OPT_WORKER },
		{ 0 },
	};
	struct grid_row row = { 0 };
	struct agent_batch b;
	char *pos[1], id[24];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_grid_opt, &row,
				  pos, 1, 1, &n, &done)) < 0 || done)
		return rc;
	if (!add && !row.name && !row.households && !row.worker)
		return stele_error(STELE_EUSAGE, "grid set: nothing to change (--name, --households, "
				   "--worker)");
	row.id = pos[0];
	row.must_be_new = add;
	row.must_exist = !add;
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, grid_put(id, &b, &row))) < 0)
		return rc;
	if (add)
		printf("%s\n", id);
	return 0;
}

static int grid_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return grid_write(ctx, cmd, argc, argv, true);
}

static int grid_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return grid_write(ctx, cmd, argc, argv, false);
}

static int grid_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct agent_export *e = agent_export_find("grids");
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

int cmd_grid(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}

static int on_month_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	*(const char **)data = arg;
	return 0;
}

int cmd_rank_grids(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "month", required_argument, NULL, OPT_MONTH },
		{ 0 },
	};
	const char *month_arg = NULL;
	struct stele_table *t = NULL;
	int rc, n, year, month;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_month_opt,
				  &month_arg, NULL, 0, 0, &n, &done)) < 0 || done)
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
