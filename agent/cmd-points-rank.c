/* cmd-points-rank.c: `stele-agent points rank`: this village's member point
 * ranking (rankings.md), computed as the county computes it. */
#include "agent.h"
#include "error.h"
#include "rank.h"

enum { OPT_YEAR = 1, OPT_MONTH };

struct points_rank_opts {
	const char *year, *month;
};

static int on_points_rank_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct points_rank_opts *o = data;

	if (opt == OPT_YEAR)
		o->year = arg;
	else if (opt == OPT_MONTH)
		o->month = arg;
	return 0;
}

int cmd_points_rank(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "month", required_argument, NULL, OPT_MONTH },
		{ 0 },
	};
	struct points_rank_opts o = { NULL, NULL };
	struct stele_table *t = NULL;
	int rc, n, year, month;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_points_rank_opt,
				  &o, NULL, 0, 0, &n, &done)) < 0 || done)
		return rc;
	if (!o.year && !o.month)
		return stele_error(STELE_EUSAGE, "points rank needs --year YYYY (and may take "
				   "--month YYYY-MM)");
	if ((rc = stele_rank_period(&year, &month, o.year, o.month)) < 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	if ((rc = stele_rank_members(&t, ctx->db, year, month, agent_village(ctx))) < 0)
		return rc;
	rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}
