/* keystore.c: a directory's signing key files (signing.key, .new, .old), finishing
 * an interrupted rotation, and the rotation itself, shared by stele-agent and
 * stele-aggregator (docs/keys.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "error.h"
#include "fileio.h"
#include "keystore.h"
#include "keypair.h"
#include "parse.h"

int stele_keystore_base(unsigned char pk[STELE_PK_BYTES], sqlite3 *db)
{
	char *hex = NULL;
	int rc;

	if ((rc = stele_meta_get(db, "initial_public_key", &hex)) < 0)
		return rc;
	if (!hex && (rc = stele_meta_get(db, "public_key", &hex)) < 0)
		return rc;
	if (!hex)
		return stele_error(STELE_EFAIL, "the directory's public key is not recorded (meta "
				   "'public_key'); was the directory initialized completely?");
	if (stele_hex_decode(pk, STELE_PK_BYTES, hex) < 0)
		rc = stele_error(STELE_EFAIL, "the directory's recorded public key is damaged");
	free(hex);
	return rc;
}

int stele_keystore_keys(struct stele_keys **out, sqlite3 *base_db, sqlite3 *db, const char *code)
{
	unsigned char base[STELE_PK_BYTES];
	int rc;

	if ((rc = stele_keystore_base(base, base_db)) < 0)
		return rc;
	return stele_keys_open(out, db, code, base);
}

int stele_keystore_install(const char *key_path, const char *new_path, const char *old_path)
{
	if (link(key_path, old_path) < 0 && errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot keep the old key as %s: %s", old_path,
				   strerror(errno));
	return stele_file_rename(new_path, key_path, "the new key");
}

int stele_keystore_paths(char **key, char **new_key, char **old_key, const struct stele_ctx *ctx)
{
	*key = stele_ctx_path(ctx, STELE_KEY_FILE);
	*new_key = stele_ctx_path(ctx, STELE_NEW_KEY_FILE);
	*old_key = stele_ctx_path(ctx, STELE_OLD_KEY_FILE);
	if (*key && *new_key && *old_key)
		return 0;
	free(*key);
	free(*new_key);
	free(*old_key);
	*key = *new_key = *old_key = NULL;
	return stele_error(STELE_EFAIL, "out of memory");
}

int stele_keystore_recover(enum stele_keystore_state *state, struct stele_ctx *ctx)
{
	unsigned char recorded[STELE_PK_BYTES], pk[STELE_PK_BYTES], new_sk[STELE_SK_BYTES];
	char *hex = NULL, *key_path = NULL, *new_path = NULL, *old_path = NULL;
	enum stele_keystore_state found = STELE_KEYSTORE_OK;
	bool have_new = false;
	int rc;

	if ((rc = stele_meta_get(ctx->db, "public_key", &hex)) < 0)
		return rc;
	if (!hex) {
		*state = STELE_KEYSTORE_OK; /* nothing recorded to check against */
		return 0;
	}
	if (stele_hex_decode(recorded, STELE_PK_BYTES, hex) < 0) {
		rc = stele_error(STELE_EFAIL, "the directory's recorded public key is damaged");
		goto done;
	}
	if ((rc = stele_keystore_paths(&key_path, &new_path, &old_path, ctx)) < 0)
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
			found = STELE_KEYSTORE_REMOVED;
		} else if (have_new && sodium_memcmp(new_pk, recorded, STELE_PK_BYTES) == 0) {
			if ((rc = stele_keystore_install(key_path, new_path, old_path)) < 0)
				goto done;
			memcpy(ctx->sk, new_sk, STELE_SK_BYTES);
			found = STELE_KEYSTORE_FINISHED;
		}
	}
	stele_key_public(pk, ctx->sk);
	if (sodium_memcmp(pk, recorded, STELE_PK_BYTES) != 0)
		found = STELE_KEYSTORE_MISMATCH;
	*state = found;
done:
	sodium_memzero(new_sk, sizeof(new_sk));
	free(hex);
	free(key_path);
	free(new_path);
	free(old_path);
	return rc;
}

int stele_keystore_tidy(struct stele_ctx *ctx, const char *code, const char *sent_meta)
{
	char *old_path = NULL, *sent = NULL;
	sqlite3_stmt *stmt = NULL;
	int64_t rotation = 0;
	int rc = 0;

	if (!(old_path = stele_ctx_path(ctx, STELE_OLD_KEY_FILE)))
		return stele_error(STELE_EFAIL, "out of memory");
	if (access(old_path, F_OK) != 0)
		goto done;
	/* The last rotation's change set is seq_from - 1 of its row. */
	if ((rc = stele_meta_get(ctx->db, sent_meta, &sent)) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &stmt, "SELECT coalesce(max(seq_from), 1) - 1 FROM "
				   "writer_key WHERE village_code = ?")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the key history");
		goto done;
	}
	rotation = sqlite3_column_int64(stmt, 0);
	if ((sent ? strtoll(sent, NULL, 10) : 0) >= rotation && unlink(old_path) < 0 &&
	    errno != ENOENT)
		rc = stele_error(STELE_EFAIL, "cannot remove %s: %s", old_path, strerror(errno));
done:
	sqlite3_finalize(stmt);
	free(sent);
	free(old_path);
	return rc;
}

/* Inserts the rotation's row and settings inside the captured write. seq_from is
 * the seq after the change set being captured. */
static int record_rotation(struct stele_ctx *ctx, const char *code, const char *new_hex,
			   const char *old_hex)
{
	char *initial = NULL;
	int rc;

	rc = stele_db_run(ctx->db, "recording the new key",
			  "INSERT INTO writer_key (village_code, seq_from, pubkey) "
			  "VALUES (?1, (SELECT coalesce(max(seq), 0) + 2 FROM stele_outbox), ?2)",
			  "tt", code, new_hex);
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

int stele_keystore_rotate(uint64_t *seq, char new_hex[2 * STELE_PK_BYTES + 1],
			 struct stele_ctx *ctx, const char *code, stele_keystore_begin_fn begin)
{
	struct stele_capture *cap = NULL;
	unsigned char old_pk[STELE_PK_BYTES], new_pk[STELE_PK_BYTES], new_sk[STELE_SK_BYTES];
	char old_hex[2 * STELE_PK_BYTES + 1], hex[2 * STELE_PK_BYTES + 1];
	char *key_path = NULL, *new_path = NULL, *old_path = NULL;
	bool made = false;
	uint64_t s = 0;
	int rc;

	if ((rc = stele_keystore_paths(&key_path, &new_path, &old_path, ctx)) < 0)
		goto done;
	/* 1. The new key, on disk and fsynced, before anything refers to it. */
	if ((rc = stele_key_generate(new_pk, new_path)) < 0)
		goto done;
	made = true;
	if ((rc = stele_key_load(new_sk, new_path)) < 0)
		goto done;
	stele_key_public(old_pk, ctx->sk);
	stele_hex_encode(old_hex, old_pk, STELE_PK_BYTES);
	stele_hex_encode(hex, new_pk, STELE_PK_BYTES);
	/* 2. The announcement, signed with the old key, in one transaction with the
	 * settings that make the new key the directory's. */
	if ((rc = begin(&cap, ctx)) < 0)
		goto done;
	if ((rc = record_rotation(ctx, code, hex, old_hex)) < 0) {
		stele_capture_abort(cap);
		goto done;
	}
	if ((rc = stele_capture_commit(&s, cap, ctx->sk)) < 0)
		goto done;
	made = false; /* committed: the new key is the directory's now */
	/* 3. The files follow the database (stele_keystore_recover finishes this step
	 * if it is interrupted). */
	if ((rc = stele_keystore_install(key_path, new_path, old_path)) < 0)
		goto done;
	memcpy(ctx->sk, new_sk, STELE_SK_BYTES);
	*seq = s;
	memcpy(new_hex, hex, sizeof(hex));
done:
	if (made && rc < 0)
		unlink(new_path);
	sodium_memzero(new_sk, sizeof(new_sk));
	free(key_path);
	free(new_path);
	free(old_path);
	return rc;
}

int stele_keystore_print_history(struct stele_ctx *ctx, const char *code,
				const unsigned char base[STELE_PK_BYTES])
{
	char base_hex[2 * STELE_PK_BYTES + 1];

	stele_hex_encode(base_hex, base, STELE_PK_BYTES);
	const char *params[] = { code, base_hex, NULL };
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
