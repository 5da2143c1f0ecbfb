/* cmd-rank.c: `stele-agent rank member-stars|grids`: this village's member stars
 * (积分争星, docs/rankings.md) and grids (cmd-grid.c), computed as the county computes them. */
#include "agent.h"
#include "error.h"
#include "rank.h"

int cmd_rank_member_stars(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *year_arg = NULL;
	struct stele_table *t = NULL;
	char **args;
	int rc, n, year, month;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &year_arg),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!year_arg)
		return stele_error(STELE_EUSAGE, "rank member-stars needs --year YYYY");
	if ((rc = stele_rank_period(&year, &month, year_arg, NULL)) < 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	if ((rc = stele_rank_member_stars(&t, ctx->db, year, agent_village(ctx))) < 0)
		return rc;
	rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}
