/* cmd-key.c: `stele-agent key [rotate|history]`: the village's signing key and its
 * rotation through the stream (docs/keys.md; the key files and the rotation are
 * lib/keystore.c's). */
#include <stdio.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "keyfile.h"
#include "parse.h"

/* `key`: the current public key. */
static int key_show(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, NULL, argc, argv, agent_open)) != 0)
		return rc;
	stele_cli_print_public_key(ctx);
	return 0;
}

/* `key rotate`: a new key pair, announced by a change set signed with the old one
 * (stele_keystore_rotate). */
int cmd_key_rotate(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char new_hex[2 * STELE_PK_BYTES + 1];
	uint64_t seq = 0;
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, NULL, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0 || (rc = agent_key_tidy(ctx)) < 0 ||
	    (rc = stele_keystore_rotate(&seq, new_hex, ctx, agent_village(ctx),
					agent_capture_begin)) < 0)
		return rc;
	printf("%s\n", new_hex);
	fprintf(stderr, _("%s: rotated the signing key: change set %llu, signed with the old key, "
		"announces the new one for seq %llu on. Back up the new %s; the old key is kept as "
		"%s until 'sync' has pushed the rotation.\n"), ctx->prog, (unsigned long long)seq,
		(unsigned long long)seq + 1, STELE_KEY_FILE, AGENT_OLD_KEY_FILE);
	return 0;
}

/* `key history`: every key of the village's stream and the seqs it signs. */
int cmd_key_history(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	unsigned char base[STELE_PK_BYTES];
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, stele_listing_options, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0 || (rc = agent_key_base(base, ctx->db)) < 0)
		return rc;
	return stele_keystore_print_history(ctx, agent_village(ctx), base);
}

int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-')
		return stele_cli_subcommand(ctx, cmd, argc, argv);
	return key_show(ctx, cmd, argc, argv);
}
