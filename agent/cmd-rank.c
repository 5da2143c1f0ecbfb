/* cmd-rank.c: `stele-agent rank member-stars|grids`: this village's member stars
 * (积分争星, docs/rankings.md) and grids (cmd-grid.c), computed as the county computes them. */
#include "agent.h"
#include "error.h"
#include "rank.h"

static int rank_member_stars(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			     char **argv)
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

const struct stele_cmd rank_subcommands[] = {
	{ "member-stars", rank_member_stars,
	  N_("rank member-stars --year YYYY [--format table|csv|json] [--bom] [--raw]"),
	  N_("Member stars (积分争星): each ranked member's points of the year, as in points\n"
	  "rank, and the stars they earn: 5, 4, 3 or 2 for the first of the county's\n"
	  "member_star.5, .4, .3, .2 (whole points; rules list config) the points reach,\n"
	  "else 1. The county computes the same."), NULL },
	{ "grids", cmd_rank_grids,
	  N_("rank grids --month YYYY-MM [--format table|csv|json] [--bom] [--raw]"),
	  N_("The village's grids (网格) in the month: households, ranked members, requests\n"
	  "received, resolved within request.days, and open at the month's end; flags for\n"
	  "households outside grid.households_min..max (rules list config) and for grids\n"
	  "with no party member. The county computes the same."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
