/* keyfile.h: the village directory's signing key files and the key history's base
 * (agent/keyfile.c). */
#ifndef STELE_AGENT_KEYFILE_H
#define STELE_AGENT_KEYFILE_H

#include <sqlite3.h>

#include "cli.h"
#include "keys.h"

/* Keys (docs/keys.md). A rotation writes the new key to
 * signing.key.new before its transaction and moves it to signing.key after; the
 * replaced key stays as signing.key.old until the rotation is pushed. */
#define AGENT_NEW_KEY_FILE "signing.key.new"
#define AGENT_OLD_KEY_FILE "signing.key.old"

/* The key that signed the village's seq 1: meta 'initial_public_key' (set by the
 * first rotation, and by restore), else 'public_key'. */
int agent_key_base(unsigned char pk[STELE_PK_BYTES], sqlite3 *db);
/* The key history of the village's stream as db holds it (the directory's own
 * database, or a replica being replayed), from agent_key_base of ctx->db. *out
 * is freed by the caller with stele_keys_free. */
int agent_keys_open(struct stele_keys **out, struct stele_ctx *ctx, sqlite3 *db);
/* Run by agent_open: finishes a 'key rotate' interrupted after its transaction
 * (signing.key.new becomes signing.key, ctx->sk is reloaded), or removes the
 * unused key file of one interrupted before it; then refuses a signing.key
 * that is not the key meta 'public_key' says the village signs with. */
int agent_key_recover(struct stele_ctx *ctx);
/* Removes signing.key.old once synced_seq has reached the last rotation. */
int agent_key_tidy(struct stele_ctx *ctx);

/* The three key files of the directory, signing.key, signing.key.new and
 * signing.key.old: malloc'd, freed by the caller; all or none. */
int agent_key_paths(char **key, char **new_key, char **old_key, const struct stele_ctx *ctx);
/* Puts the key file new_path in place of key_path: the replaced key stays as
 * old_path unless one is already kept (an older rotation not yet synced: that one
 * is the key the remote's history ends with). The rename is atomic and made
 * durable, so a crash leaves either key, never none. */
int agent_key_install(const char *key_path, const char *new_path, const char *old_path);

#endif
