/* cmd-points-rank.c: `stele-agent points rank`: this village's member point
 * ranking (rankings.md), computed as the county computes it. */
#include "agent.h"
#include "error.h"
#include "rank.h"

struct points_rank_opts {
	const char *year, *month;
};

int cmd_points_rank(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct points_rank_opts o = { NULL, NULL };
	struct stele_table *t = NULL;
	char **args;
	int rc, n, year, month;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &o.year),
		STELE_OPT_STRING(0, "month", &o.month),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
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
