/* cmd-key.c: `stele-aggregator key`: the directory's public key, to register a
 * township at its county (`township add --key`) or a county at its city. */
#include <stdio.h>

#include "aggregator.h"
#include "parse.h"

int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, false, NULL, NULL, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	stele_cli_print_public_key(ctx);
	return 0;
}
