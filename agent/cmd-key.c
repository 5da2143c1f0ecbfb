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
static int key_rotate(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
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
static int key_history(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
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

const struct stele_cmd key_subcommands[] = {
	{ "rotate", key_rotate, N_("key rotate"),
	  N_("Makes a new key pair and records the change in a change set signed with the\n"
	  "old key, which announces the new key for every later change set; prints the\n"
	  "new public key. 'sync' carries the announcement to the county, which then\n"
	  "verifies the village's change sets with the new key: nothing needs registering.\n"
	  "Back up the new signing.key; the old one is kept as signing.key.old until the\n"
	  "rotation has been pushed."), NULL },
	{ "history", key_history, N_("key history [--format table|csv|json] [--bom] [--raw]"),
	  N_("Every key of the village's stream and the change sets it signs (seq_from ..\n"
	  "seq_to; the current key has no seq_to), and how it came: first, rotation, or\n"
	  "restore (a restore that continued with a new key)."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-')
		return stele_cli_subcommand(ctx, cmd, argc, argv);
	return key_show(ctx, cmd, argc, argv);
}
