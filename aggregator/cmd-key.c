/* cmd-key.c: `stele-aggregator key [rotate|history]`: the directory's public key (to
 * register a township at its county, a county at its city), and the rotation of
 * that key through the directory's own stream (docs/keys.md; the files and the
 * rotation are lib/keystore.c's). */
#include <stdio.h>

#include "aggregator.h"
#include "keystore.h"
#include "parse.h"

/* `key`: the current public key. */
static int key_show(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, NULL, argc, argv, agg_open)) != 0)
		return rc;
	stele_cli_print_public_key(ctx);
	return 0;
}

/* stele_keystore_rotate's write: one of the directory's own stream, which captures
 * the writer_key row too. */
static int rotation_begin(struct stele_capture **out, struct stele_ctx *ctx)
{
	struct stele_capture *cap = NULL;
	int rc;

	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	if ((rc = stele_capture_key_table(cap)) < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	*out = cap;
	return 0;
}

/* `key rotate`: a new key pair, announced by a change set signed with the old one. */
int cmd_key_rotate(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char new_hex[2 * STELE_PK_BYTES + 1], code[10];
	uint64_t seq = 0;
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, NULL, argc, argv, agg_open)) != 0)
		return rc;
	if ((rc = agg_own_code(code, ctx)) < 0 || (rc = agg_key_tidy(ctx)) < 0 ||
	    (rc = stele_keystore_rotate(&seq, new_hex, ctx, code, rotation_begin)) < 0)
		return rc;
	printf("%s\n", new_hex);
	fprintf(stderr, _("%s: rotated the signing key of %s: change set %llu, signed with the old "
		"key, announces the new one for seq %llu on. Back up the new %s; the old key is kept "
		"as %s until the stream has been pushed ('rules publish', or 'sync' with a publish "
		"URL).\n"), ctx->prog, code, (unsigned long long)seq, (unsigned long long)seq + 1,
		STELE_KEY_FILE, STELE_OLD_KEY_FILE);
	return 0;
}

/* `key history`: every key of the directory's own stream and the seqs it signs. */
int cmd_key_history(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	unsigned char base[STELE_PK_BYTES];
	char code[10];
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, stele_listing_options, argc, argv,
				  agg_open)) != 0)
		return rc;
	if ((rc = agg_own_code(code, ctx)) < 0 || (rc = stele_keystore_base(base, ctx->db)) < 0)
		return rc;
	return stele_keystore_print_history(ctx, code, base);
}

int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-')
		return stele_cli_subcommand(ctx, cmd, argc, argv);
	return key_show(ctx, cmd, argc, argv);
}
