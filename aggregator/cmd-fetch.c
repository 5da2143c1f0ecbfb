/* cmd-fetch.c: `stele-aggregator fetch`: every registered village's repository into
 * its mirror, or from a directory of bare repositories (a USB stick) with --from
 * (aggregator/fetch.c does the work; at a city, its counties first, then what their
 * registries list: aggregator/city.c). */
#include <stdbool.h>

#include "aggregator.h"

int cmd_fetch(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	bool fetched;

	return agg_fetch_command(&fetched, ctx, cmd, argc, argv);
}
