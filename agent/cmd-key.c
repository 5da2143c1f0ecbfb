/* cmd-key.c: `stele-agent key [rotate|history]`: the village's signing key and its
 * rotation through the stream (docs/keys.md; the key files are keyfile.c's). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "capture.h"
#include "db.h"
#include "error.h"
#include "fileio.h"
#include "keyfile.h"
#include "keypair.h"
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

/* Inserts the rotation's row and settings inside the captured write. seq_from is
 * the seq after the change set being captured. */
static int record_rotation(struct stele_ctx *ctx, const char *new_hex, const char *old_hex)
{
	char *initial = NULL;
	int rc;

	rc = stele_db_run(ctx->db, "recording the new key",
			  "INSERT INTO writer_key (village_code, seq_from, pubkey) "
			  "VALUES (?1, (SELECT coalesce(max(seq), 0) + 2 FROM stele_outbox), ?2)",
			  "tt", agent_village(ctx), new_hex);
	if (rc < 0)
		return rc;
	/* The key of seq 1 stays known once public_key names the new one. */
	if ((rc = stele_meta_get(ctx->db, "initial_public_key", &initial)) < 0)
		return rc;
	if (!initial)
		rc = stele_meta_set(ctx->db, "initial_public_key", old_hex);
	free(initial);
	if (rc < 0)
		return rc;
	return stele_meta_set(ctx->db, "public_key", new_hex);
}

/* `key rotate`: a new key pair, announced by a change set signed with the old one. */
static int key_rotate(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct stele_capture *cap = NULL;
	unsigned char old_pk[STELE_PK_BYTES], new_pk[STELE_PK_BYTES], new_sk[STELE_SK_BYTES];
	char old_hex[2 * STELE_PK_BYTES + 1], new_hex[2 * STELE_PK_BYTES + 1];
	char *key_path = NULL, *new_path = NULL, *old_path = NULL;
	bool made = false;
	uint64_t seq = 0;
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, NULL, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0 || (rc = agent_key_tidy(ctx)) < 0 ||
	    (rc = agent_key_paths(&key_path, &new_path, &old_path, ctx)) < 0)
		goto done;
	/* 1. The new key, on disk and fsynced, before anything refers to it. */
	if ((rc = stele_key_generate(new_pk, new_path)) < 0)
		goto done;
	made = true;
	if ((rc = stele_key_load(new_sk, new_path)) < 0)
		goto done;
	stele_key_public(old_pk, ctx->sk);
	stele_hex_encode(old_hex, old_pk, STELE_PK_BYTES);
	stele_hex_encode(new_hex, new_pk, STELE_PK_BYTES);
	/* 2. The announcement, signed with the old key, in one transaction with the
	 * settings that make the new key the village's. */
	if ((rc = agent_capture_begin(&cap, ctx)) < 0)
		goto done;
	if ((rc = record_rotation(ctx, new_hex, old_hex)) < 0) {
		stele_capture_abort(cap);
		goto done;
	}
	if ((rc = stele_capture_commit(&seq, cap, ctx->sk)) < 0)
		goto done;
	made = false; /* committed: the new key is the village's now */
	/* 3. The files follow the database (agent_key_recover finishes this step
	 * if it is interrupted). */
	if ((rc = agent_key_install(key_path, new_path, old_path)) < 0)
		goto done;
	memcpy(ctx->sk, new_sk, STELE_SK_BYTES);
	printf("%s\n", new_hex);
	fprintf(stderr, _("%s: rotated the signing key: change set %llu, signed with the old key, "
		"announces the new one for seq %llu on. Back up the new %s; the old key is kept as "
		"%s until 'sync' has pushed the rotation.\n"), ctx->prog, (unsigned long long)seq,
		(unsigned long long)seq + 1, STELE_KEY_FILE, AGENT_OLD_KEY_FILE);
done:
	if (made && rc < 0)
		unlink(new_path);
	sodium_memzero(new_sk, sizeof(new_sk));
	free(key_path);
	free(new_path);
	free(old_path);
	return rc;
}

/* `key history`: every key of the village's stream and the seqs it signs. */
static int key_history(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	unsigned char base[STELE_PK_BYTES];
	char base_hex[2 * STELE_PK_BYTES + 1];
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, stele_listing_options, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0 || (rc = agent_key_base(base, ctx->db)) < 0)
		return rc;
	stele_hex_encode(base_hex, base, STELE_PK_BYTES);
	const char *params[] = { agent_village(ctx), base_hex, NULL };
	/* The rule of lib/keys.c: the newest seq_from wins; at equal seq_from an
	 * override beats a rotation, which beats the first key. */
	return stele_cli_print_query(ctx,
		"WITH k(seq_from, rank, public_key, source) AS ("
		" SELECT 1, 0, ?2, 'first'"
		" UNION ALL SELECT seq_from, 1, pubkey, 'rotation' FROM writer_key"
		"  WHERE village_code = ?1"
		" UNION ALL SELECT seq_from, 2, new_key, 'restore' FROM stele_key_override"
		"  WHERE village_code = ?1 AND new_key IS NOT NULL),"
		" h AS (SELECT seq_from, max(rank) AS rank FROM k GROUP BY seq_from) "
		"SELECT k.seq_from, lead(k.seq_from) OVER (ORDER BY k.seq_from) - 1 AS seq_to, "
		"k.public_key, k.source FROM k JOIN h USING (seq_from, rank) ORDER BY k.seq_from",
		params, "seq_from,seq_to");
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
