/* cmd-merge.c: `stele-aggregator merge`: verify and apply every village's new
 * change sets from its mirror, exactly once (aggregator/merge.c does the work). */
#include <stdbool.h>

#include "aggregator.h"
#include "error.h"

int cmd_merge(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, NULL, argc, argv, agg_open)) != 0)
		return rc;
	rc = agg_merge(ctx);
	/* At a county under a city: the city's verified catalogue, as the county's own. */
	if (rc == 0 || rc == STELE_EVERIFY) {
		int follow_rc = agg_city_follow(NULL, ctx);
		if (follow_rc < 0)
			return follow_rc;
	}
	return rc;
}
