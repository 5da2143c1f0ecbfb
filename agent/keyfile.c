/* keyfile.c: the village directory's signing key files (signing.key, .new, .old):
 * opening a directory checks them and finishes an interrupted rotation; the key
 * history's base (docs/keys.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "fileio.h"
#include "keyfile.h"
#include "keypair.h"
#include "parse.h"

/* A county's directory is not a village's. */
static int check_village(const struct stele_ctx *ctx)
{
	if (strcmp(ctx->writer, STELE_WRITER_COUNTY) == 0)
		return stele_error(STELE_EFAIL, "%s is a county directory; use stele-aggregator",
				   ctx->dir);
	return 0;
}

int agent_open(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = stele_ctx_open(ctx, true)) < 0 || (rc = check_village(ctx)) < 0)
		return rc;
	return agent_key_recover(ctx);
}

int agent_open_read(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = stele_ctx_open_read(ctx)) < 0)
		return rc;
	return check_village(ctx);
}

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

int agent_key_install(const char *key_path, const char *new_path, const char *old_path)
{
	if (link(key_path, old_path) < 0 && errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot keep the old key as %s: %s", old_path,
				   strerror(errno));
	return stele_file_rename(new_path, key_path, "the new key");
}

int agent_key_paths(char **key, char **new_key, char **old_key, const struct stele_ctx *ctx)
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
	if ((rc = agent_key_paths(&key_path, &new_path, &old_path, ctx)) < 0)
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
			fprintf(stderr, _("%s: removed %s, the unused key of an interrupted 'key rotate' "
				"(the rotation did not happen)\n"), ctx->prog, AGENT_NEW_KEY_FILE);
		} else if (have_new && sodium_memcmp(new_pk, recorded, STELE_PK_BYTES) == 0) {
			if ((rc = agent_key_install(key_path, new_path, old_path)) < 0)
				goto done;
			memcpy(ctx->sk, new_sk, STELE_SK_BYTES);
			fprintf(stderr, _("%s: finished an interrupted 'key rotate': %s is the new key\n"),
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
