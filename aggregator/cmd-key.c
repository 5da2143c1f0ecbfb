/* cmd-key.c: `stele-aggregator key`: the directory's public key, to register a
 * township at its county (`township add --key`) or a county at its city. */
#include <stdio.h>

#include "aggregator.h"
#include "parse.h"

int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, NULL, argc, argv, agg_open)) != 0)
		return rc;
	stele_cli_print_public_key(ctx);
	return 0;
}
