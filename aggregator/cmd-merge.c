/* cmd-merge.c: `stele-aggregator merge`: verify and apply every village's new
 * change sets from its mirror, exactly once (aggregator/merge.c does the work). */
#include <stdbool.h>
#include <stdint.h>

#include "aggregator.h"
#include "error.h"

int cmd_merge(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int64_t jobs = 0;
	const struct stele_option options[] = {
		STELE_OPT_INT('j', "jobs", &jobs, 1, 256),
		STELE_OPT_END()
	};
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, options, argc, argv, agg_open)) != 0)
		return rc;
	ctx->jobs = (long)jobs;
	rc = agg_merge(ctx);
	/* At a county under a city: the city's verified catalogue, as the county's own. */
	if (rc == 0 || rc == STELE_EVERIFY) {
		int follow_rc = agg_follow_catalogue(NULL, ctx);
		if (follow_rc < 0)
			return follow_rc;
	}
	return rc;
}
