/* keyfile.h: the village directory's signing key files and the key history's base
 * (agent/keyfile.c). */
#ifndef STELE_AGENT_KEYFILE_H
#define STELE_AGENT_KEYFILE_H

#include <sqlite3.h>

#include "cli.h"
#include "keys.h"
#include "keystore.h"

/* The key files (lib/keystore.h, docs/keys.md). */
#define AGENT_NEW_KEY_FILE STELE_NEW_KEY_FILE
#define AGENT_OLD_KEY_FILE STELE_OLD_KEY_FILE

/* The key that signed the village's seq 1: meta 'initial_public_key' (set by the
 * first rotation, and by restore), else 'public_key'. */
int agent_key_base(unsigned char pk[STELE_PK_BYTES], sqlite3 *db);
/* The key history of the village's stream as db holds it (the directory's own
 * database, or a replica being replayed), from agent_key_base of ctx->db. *out
 * is freed by the caller with stele_keys_free. */
int agent_keys_open(struct stele_keys **out, struct stele_ctx *ctx, sqlite3 *db);
/* Removes signing.key.old once synced_seq has reached the last rotation. */
int agent_key_tidy(struct stele_ctx *ctx);

#endif
