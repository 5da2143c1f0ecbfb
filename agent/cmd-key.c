/* cmd-key.c: `stele-agent key [rotate|history]`: the village's signing key, its
 * rotation through the stream, and the agent's key helpers (docs/keys.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "fileio.h"
#include "parse.h"

int agent_key_base(unsigned char pk[STELE_PK_BYTES], sqlite3 *db)
{
	char *hex = NULL;
	int rc;

	if ((rc = stele_meta_get(db, "initial_public_key", &hex)) < 0)
		return rc;
	if (!hex && (rc = stele_meta_get(db, "public_key", &hex)) < 0)
		return rc;
	if (!hex)
		return stele_error(STELE_EFAIL, "the village's public key is not recorded (meta "
				   "'public_key'); was the directory initialized completely?");
	if (stele_hex_decode(pk, STELE_PK_BYTES, hex) < 0)
		rc = stele_error(STELE_EFAIL, "the village's recorded public key is damaged");
	free(hex);
	return rc;
}

int agent_keys_open(struct stele_keys **out, struct stele_ctx *ctx, sqlite3 *db)
{
	unsigned char base[STELE_PK_BYTES];
	int rc;

	if ((rc = agent_key_base(base, ctx->db)) < 0)
		return rc;
	return stele_keys_open(out, db, agent_village(ctx), base);
}

/*
 * Puts a new key file in place of signing.key: the replaced key stays as
 * signing.key.old unless one is already kept (an older rotation not yet synced:
 * that one is the key the remote's history ends with). rename() replaces
 * signing.key atomically, so a crash leaves either key, never none.
 */
static int install_new_key(struct stele_ctx *ctx, const char *key_path, const char *new_path,
			   const char *old_path)
{
	if (link(key_path, old_path) < 0 && errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot keep the old key as %s: %s", old_path,
				   strerror(errno));
	return stele_file_rename(new_path, key_path, "the new key");
}

/* The three key files of the directory (malloc'd, freed by the caller). */
static int key_paths(char **key, char **new_key, char **old_key, const struct stele_ctx *ctx)
{
	*key = stele_ctx_path(ctx, STELE_KEY_FILE);
	*new_key = stele_ctx_path(ctx, AGENT_NEW_KEY_FILE);
	*old_key = stele_ctx_path(ctx, AGENT_OLD_KEY_FILE);
	if (*key && *new_key && *old_key)
		return 0;
	free(*key);
	free(*new_key);
	free(*old_key);
	*key = *new_key = *old_key = NULL;
	return stele_error(STELE_EFAIL, "out of memory");
}

int agent_key_recover(struct stele_ctx *ctx)
{
	unsigned char recorded[STELE_PK_BYTES], pk[STELE_PK_BYTES], new_sk[STELE_SK_BYTES];
	char *hex = NULL, *key_path = NULL, *new_path = NULL, *old_path = NULL;
	bool have_new = false;
	int rc;

	if ((rc = stele_meta_get(ctx->db, "public_key", &hex)) < 0)
		return rc;
	if (!hex)
		return 0; /* nothing recorded to check against */
	if (stele_hex_decode(recorded, STELE_PK_BYTES, hex) < 0) {
		rc = stele_error(STELE_EFAIL, "the village's recorded public key is damaged");
		goto done;
	}
	if ((rc = key_paths(&key_path, &new_path, &old_path, ctx)) < 0)
		goto done;
	if (access(new_path, F_OK) == 0) {
		/* A 'key rotate' was interrupted. Its key file was written before its
		 * transaction: the database says whether the rotation happened. */
		unsigned char new_pk[STELE_PK_BYTES];

		have_new = stele_key_load(new_sk, new_path) == 0;
		if (have_new)
			stele_key_public(new_pk, new_sk);
		stele_key_public(pk, ctx->sk);
		if (sodium_memcmp(pk, recorded, STELE_PK_BYTES) == 0) {
			if (unlink(new_path) < 0) {
				rc = stele_error(STELE_EFAIL, "cannot remove %s: %s", new_path,
						 strerror(errno));
				goto done;
			}
			fprintf(stderr, "%s: removed %s, the unused key of an interrupted 'key rotate' "
				"(the rotation did not happen)\n", ctx->prog, AGENT_NEW_KEY_FILE);
		} else if (have_new && sodium_memcmp(new_pk, recorded, STELE_PK_BYTES) == 0) {
			if ((rc = install_new_key(ctx, key_path, new_path, old_path)) < 0)
				goto done;
			memcpy(ctx->sk, new_sk, STELE_SK_BYTES);
			fprintf(stderr, "%s: finished an interrupted 'key rotate': %s is the new key\n",
				ctx->prog, STELE_KEY_FILE);
		}
	}
	stele_key_public(pk, ctx->sk);
	if (sodium_memcmp(pk, recorded, STELE_PK_BYTES) != 0)
		rc = stele_error(STELE_EFAIL, "%s is not the key this village signs with (public key "
				 "%.16s...); put the village's own %s back (docs/keys.md)", key_path, hex,
				 STELE_KEY_FILE);
done:
	sodium_memzero(new_sk, sizeof(new_sk));
	free(hex);
	free(key_path);
	free(new_path);
	free(old_path);
	return rc;
}

int agent_key_tidy(struct stele_ctx *ctx)
{
	char *old_path = NULL;
	int64_t synced = 0, rotation = 0;
	int rc = 0;

	if (!(old_path = stele_ctx_path(ctx, AGENT_OLD_KEY_FILE)))
		return stele_error(STELE_EFAIL, "out of memory");
	if (access(old_path, F_OK) != 0)
		goto done;
	/* The last rotation's change set is seq_from - 1 of its row. */
	if ((rc = stele_db_int(ctx->db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM "
			       "stele_meta WHERE key = 'synced_seq'), 0)", &synced)) < 0 ||
	    (rc = stele_db_int(ctx->db, "SELECT coalesce(max(seq_from), 1) - 1 FROM writer_key",
			       &rotation)) < 0)
		goto done;
	if (synced >= rotation && unlink(old_path) < 0 && errno != ENOENT)
		rc = stele_error(STELE_EFAIL, "cannot remove %s: %s", old_path, strerror(errno));
done:
	free(old_path);
	return rc;
}

/* `key`: the current public key. */
static int key_show(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	unsigned char pk[STELE_PK_BYTES];
	char hex[2 * STELE_PK_BYTES + 1];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, false, NULL, NULL, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	stele_key_public(pk, ctx->sk);
	stele_hex_encode(hex, pk, STELE_PK_BYTES);
	printf("%s\n", hex);
	return 0;
}

/* Inserts the rotation's row and settings inside the captured write. seq_from is
 * the seq after the change set being captured. */
static int record_rotation(struct stele_ctx *ctx, const char *new_hex, const char *old_hex)
{
	sqlite3_stmt *stmt = NULL;
	char *initial = NULL;
	int rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt,
			"INSERT INTO writer_key (village_code, seq_from, pubkey) "
			"VALUES (?1, (SELECT coalesce(max(seq), 0) + 2 FROM stele_outbox), ?2)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, new_hex, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "recording the new key");
	sqlite3_finalize(stmt);
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
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, false, NULL, NULL, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agent_open(ctx)) < 0 || (rc = agent_key_tidy(ctx)) < 0 ||
	    (rc = key_paths(&key_path, &new_path, &old_path, ctx)) < 0)
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
	if ((rc = stele_capture_begin(&cap, ctx->db, agent_village(ctx))) < 0)
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
	if ((rc = install_new_key(ctx, key_path, new_path, old_path)) < 0)
		goto done;
	memcpy(ctx->sk, new_sk, STELE_SK_BYTES);
	printf("%s\n", new_hex);
	fprintf(stderr, "%s: rotated the signing key: change set %llu, signed with the old key, "
		"announces the new one for seq %llu on. Back up the new %s; the old key is kept as "
		"%s until 'sync' has pushed the rotation.\n", ctx->prog, (unsigned long long)seq,
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
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, true, NULL, NULL, NULL, 0, 0,
				  &n, &done)) < 0 || done)
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
	{ "rotate", key_rotate, "key rotate",
	  "Makes a new key pair and records the change in a change set signed with the\n"
	  "old key, which announces the new key for every later change set; prints the\n"
	  "new public key. 'sync' carries the announcement to the county, which then\n"
	  "verifies the village's change sets with the new key: nothing needs registering.\n"
	  "Back up the new signing.key; the old one is kept as signing.key.old until the\n"
	  "rotation has been pushed.", NULL },
	{ "history", key_history, "key history [--format table|csv|json] [--bom]",
	  "Every key of the village's stream and the change sets it signs (seq_from ..\n"
	  "seq_to; the current key has no seq_to), and how it came: first, rotation, or\n"
	  "restore (a restore that continued with a new key).", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-')
		return stele_cli_subcommand(ctx, cmd, argc, argv);
	return key_show(ctx, cmd, argc, argv);
}
