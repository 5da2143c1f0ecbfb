/* cmd-rules.c: `stele-agent rules list [KIND]`: the county's rules as this village
 * has them (point rules, standard items, veto items, the ranking thresholds). */
#include "agent.h"
#include "error.h"
#include "rules.h"

int cmd_rules_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	enum stele_rules_kind kind = STELE_RULES_POINT_RULES;
	char **pos;
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_LISTING(),
				      STELE_OPT_ARGS(0, 1)), argc, argv)) != 0)
		return rc;
	if (n == 1 && (rc = stele_rules_kind_parse(&kind, pos[0])) < 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	return stele_cli_print_query(ctx, stele_rules_list_sql(kind), NULL, "active");
}
