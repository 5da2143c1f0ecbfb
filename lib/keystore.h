/* keystore.h: a directory's signing key files (signing.key, .new, .old) and the
 * crash-safe rotation of its own key, for a village and for a county, township
 * or city alike (lib/keystore.c; docs/keys.md). */
#ifndef STELE_KEYSTORE_H
#define STELE_KEYSTORE_H

#include <stdint.h>
#include <sqlite3.h>

#include "capture.h"
#include "cli.h"
#include "keys.h"

/* A rotation writes the new key to signing.key.new before its transaction and
 * moves it to signing.key after; the replaced key stays as signing.key.old until
 * the rotation has gone out (pushed, published). */
#define STELE_NEW_KEY_FILE "signing.key.new"
#define STELE_OLD_KEY_FILE "signing.key.old"

/* The key that signed seq 1 of the directory's own stream: meta
 * 'initial_public_key' (set by the first rotation, and by an agent's restore),
 * else 'public_key'. STELE_EFAIL when neither is recorded or it is damaged. */
int stele_keystore_base(unsigned char pk[STELE_PK_BYTES], sqlite3 *db);

/* The key history of the directory's own stream, written under code (a village's
 * code, a county's 6 digits, a township's 9, a city's 4), from stele_keystore_base
 * of base_db, looked up in db. *out is freed by the caller with stele_keys_free. */
int stele_keystore_keys(struct stele_keys **out, sqlite3 *base_db, sqlite3 *db, const char *code);

/* The three key files of the directory, signing.key, signing.key.new and
 * signing.key.old: malloc'd, freed by the caller; all or none. */
int stele_keystore_paths(char **key, char **new_key, char **old_key, const struct stele_ctx *ctx);

/* Puts the key file new_path in place of key_path: the replaced key stays as
 * old_path unless one is already kept (an older rotation not gone out yet: that
 * one is the key the readers' copy ends with). The rename is atomic and made
 * durable, so a crash leaves either key, never none. */
int stele_keystore_install(const char *key_path, const char *new_path, const char *old_path);

/* What stele_keystore_recover found. */
enum stele_keystore_state {
	STELE_KEYSTORE_OK,         /* signing.key is the key the database names */
	STELE_KEYSTORE_REMOVED,    /* a rotation interrupted before its transaction: the
				     unused signing.key.new was removed; then OK */
	STELE_KEYSTORE_FINISHED,   /* one interrupted after it: signing.key.new became
				     signing.key, ctx->sk reloaded; then OK */
	STELE_KEYSTORE_MISMATCH,   /* signing.key is not the key meta 'public_key' names */
};

/*
 * Run when a directory is opened with its key: finishes a rotation interrupted
 * after its transaction, or removes the unused key file of one interrupted before
 * it, then compares ctx->sk with meta 'public_key' (nothing to compare when it is
 * not recorded: OK). *state says which; the caller says so and refuses MISMATCH.
 * <0 only on an error (a damaged record, a file that cannot be moved).
 */
int stele_keystore_recover(enum stele_keystore_state *state, struct stele_ctx *ctx);

/* Removes signing.key.old once the seq in meta sent_meta ('synced_seq' of an
 * agent, 'pushed_seq' of an aggregator) has reached code's last rotation. */
int stele_keystore_tidy(struct stele_ctx *ctx, const char *code, const char *sent_meta);

/* Starts the captured write of the directory's own stream that the rotation's
 * row goes into (its session must capture table writer_key). */
typedef int (*stele_keystore_begin_fn)(struct stele_capture **cap, struct stele_ctx *ctx);

/*
 * Rotates the directory's own key, code's (docs/keys.md "What key rotate does"):
 * 1. a new key pair in signing.key.new (0600, fsynced);
 * 2. in the captured write begin opens: the writer_key row (code, the next
 *    change set's seq + 1, the new key), meta 'public_key' the new key and
 *    'initial_public_key' the first one, committed as a change set signed with
 *    the old key (ctx->sk);
 * 3. the old key kept as signing.key.old, signing.key.new renamed over
 *    signing.key, ctx->sk the new key.
 * *seq is the announcing change set's seq, new_hex the new public key. A failure
 * before 2 leaves nothing; one after it is finished by stele_keystore_recover.
 */
int stele_keystore_rotate(uint64_t *seq, char new_hex[2 * STELE_PK_BYTES + 1],
			 struct stele_ctx *ctx, const char *code, stele_keystore_begin_fn begin);

/* The key history of code's stream as `key history` prints it (seq_from, seq_to,
 * public_key, source: first, rotation, restore), base being the key of seq 1. */
int stele_keystore_print_history(struct stele_ctx *ctx, const char *code,
				const unsigned char base[STELE_PK_BYTES]);

#endif
