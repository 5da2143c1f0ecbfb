/* keys.h: which key signs each change set of a village's stream: the key in force
 * for its seq (rotations, restores with a new key, county revocations; docs/keys.md). */
#ifndef STELE_KEYS_H
#define STELE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "changeset.h"

/*
 * The key history of one village's stream in a database: base is the key of seq
 * 1 (the county's pinned registration key; an agent's first key), replaced by
 * each writer_key row of the village from its seq_from on, and by each
 * stele_key_override row with a new_key from its seq_from on (at equal seq_from
 * the override wins). An override with revokes = 1 also revokes, from its
 * seq_from on, the key that was in force at its seq_from before it.
 *
 * The lookups read db, including rows written in the caller's open transaction
 * (a rotation applied by change set N is in force for N + 1 in the same batch),
 * but an answer is kept until the next seq at which a row of either table
 * starts: whoever writes such rows on db while k is open (an applied rotation, a
 * new override) calls stele_keys_forget(k) after. *out is freed by the caller
 * with stele_keys_free.
 */
struct stele_keys;

int stele_keys_open(struct stele_keys **out, sqlite3 *db, const char *village,
		    const unsigned char base[STELE_PK_BYTES]);
void stele_keys_free(struct stele_keys *k);
/* The key of seq 1 that k was opened with (k owns it). */
const unsigned char *stele_keys_base(const struct stele_keys *k);
/* Drops the kept answer: rows of writer_key or stele_key_override changed. */
void stele_keys_forget(struct stele_keys *k);

/* The key in force for seq (>= 1) into pk; *revoked is set when a revocation
 * covers that key at seq (nothing it signs there may be accepted). */
int stele_keys_in_force(unsigned char pk[STELE_PK_BYTES], bool *revoked, struct stele_keys *k,
			uint64_t seq);

/* The key in force for seq as 64 hex digits and a NUL, into pk_hex; keys is a
 * struct stele_keys. The shape of stele_outbox_key_fn: writer.pub of each commit a
 * writer appends names the key that signed its change sets, its rotations included. */
int stele_keys_hex_in_force(char *pk_hex, uint64_t seq, void *keys);

/* Whether the encoded change set data is signed by a key revoked for seq. *hex
 * (65 bytes, may be NULL) receives that key. Reads only the signature (the last
 * 64 bytes, over every byte before them: docs/format.md), parses nothing. */
int stele_keys_signed_by_revoked(bool *yes, char *hex, struct stele_keys *k, uint64_t seq,
				 const unsigned char *data, size_t len);

/*
 * Checks the writer_key rows of a decoded change set of village: a key may only
 * be announced for the very next change set, once, never changed or withdrawn.
 * So every writer_key row change is an insert with seq_from = cs->seq + 1 and a
 * key of 64 lowercase hex digits, at most one per change set. STELE_EVERIFY
 * naming the row otherwise. *announced (may be NULL) is set when there is one.
 * The rows are read with stele_cs_walk, never by SQLite.
 */
int stele_keys_check_announcement(bool *announced, const struct stele_changeset *cs);

#endif
