/* cmd-merge.c: `stele-aggregator merge`: verify and apply every village's new
 * change sets from its mirror, exactly once (aggregator/merge.c does the work). */
#include <stdbool.h>

#include "aggregator.h"

int cmd_merge(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, false, NULL, NULL, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	return agg_merge(ctx);
}
