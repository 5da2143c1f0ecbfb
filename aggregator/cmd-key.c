/* cmd-key.c: `stele-aggregator key`: the directory's public key, to register a
 * township at its county (`township add --key`) or a county at its city. */
#include <stdio.h>

#include "aggregator.h"
#include "keypair.h"
#include "parse.h"

int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	unsigned char pk[STELE_PK_BYTES];
	char hex[2 * STELE_PK_BYTES + 1];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, false, NULL, NULL, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	stele_key_public(pk, ctx->sk);
	stele_hex_encode(hex, pk, STELE_PK_BYTES);
	printf("%s\n", hex);
	return 0;
}
