/* cmd-fetch.c: `stele-aggregator fetch`: every registered village's repository into
 * its mirror, or from a directory of bare repositories (a USB stick) with --from
 * (aggregator/fetch.c does the work). */
#include <stdbool.h>

#include "aggregator.h"
#include "deadline.h"

int cmd_fetch(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct agg_fetch_cli f;
	bool done;
	int rc;

	if ((rc = agg_fetch_parse(&f, &done, ctx, cmd, argc, argv)) < 0 || done)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	if (f.timeout && (rc = agg_fetch_arm_timeout(ctx, f.timeout)) < 0)
		return rc;
	rc = agg_fetch(ctx, &f.o);
	stele_deadline_disarm();
	return rc;
}
