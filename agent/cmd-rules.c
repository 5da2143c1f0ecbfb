/* cmd-rules.c: `stele-agent rules list [KIND]`: the county's rules as this village
 * has them (point rules, standard items, veto items, the ranking thresholds). */
#include "agent.h"
#include "error.h"
#include "rules.h"

static int rules_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	enum stele_rules_kind kind = STELE_RULES_POINT_RULES;
	char *pos[1];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, true, NULL, NULL, pos, 1, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if (n == 1 && (rc = stele_rules_kind_parse(pos[0], &kind)) < 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	return stele_cli_print_query(ctx, stele_rules_list_sql(kind), NULL, "active");
}

const struct stele_cmd rules_subcommands[] = {
	{ "list", rules_list,
	  "rules list [point-rules|standard-items|veto-items|config] [--format table|csv|json] [--bom]",
	  "The county's rules as this village has them (they come with 'sync'): the point\n"
	  "rules (积分规则) with their codes for 'points add' (the default), the standard\n"
	  "items (评星标准) for 'assess set', the veto items (一票否决), or the ranking\n"
	  "configuration (the stars' thresholds among it).", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_rules(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
