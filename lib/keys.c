/* keys.c: the key in force for each seq of a village's stream, and the checks of a
 * key announcement (docs/keys.md). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "buf.h"
#include "cswalk.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "keys.h"
#include "parse.h"

struct stele_keys {
	sqlite3 *db;
	char village[STELE_CS_WRITER_MAX + 1];
	unsigned char base[STELE_PK_BYTES];
	sqlite3_stmt *latest;      /* the newest key with seq_from <= ?2 (overrides < ?3) */
	sqlite3_stmt *revocations; /* seq_from of the revocations at or before ?2 */
	sqlite3_stmt *next_start;  /* the first seq_from of either table after ?2 */
	/* The last answer, good for seqs cached_from .. cached_until - 1. */
	bool cached, cached_revoked;
	uint64_t cached_from, cached_until;
	unsigned char cached_pk[STELE_PK_BYTES];
};

void stele_keys_free(struct stele_keys *k)
{
	if (!k)
		return;
	sqlite3_finalize(k->latest);
	sqlite3_finalize(k->revocations);
	sqlite3_finalize(k->next_start);
	free(k);
}

int stele_keys_open(struct stele_keys **out, sqlite3 *db, const char *village,
		    const unsigned char base[STELE_PK_BYTES])
{
	struct stele_keys *k = calloc(1, sizeof(*k));
	int rc;

	if (!k)
		return stele_error(STELE_EFAIL, "out of memory");
	if (strlen(village) > STELE_CS_WRITER_MAX) {
		rc = stele_error(STELE_EFAIL, "writer name '%s' is too long", village);
		goto done;
	}
	strcpy(k->village, village);
	memcpy(k->base, base, STELE_PK_BYTES);
	k->db = db;
	if ((rc = stele_db_prepare(db, &k->latest,
			"SELECT key FROM ("
			" SELECT seq_from, 1 AS rank, pubkey AS key FROM writer_key"
			"  WHERE village_code = ?1 AND seq_from <= ?2"
			" UNION ALL"
			" SELECT seq_from, 2, new_key FROM stele_key_override"
			"  WHERE village_code = ?1 AND seq_from <= ?2 AND seq_from < ?3"
			"  AND new_key IS NOT NULL"
			") ORDER BY seq_from DESC, rank DESC LIMIT 1")) < 0 ||
	    (rc = stele_db_prepare(db, &k->revocations,
			"SELECT seq_from FROM stele_key_override WHERE village_code = ?1 "
			"AND revokes = 1 AND seq_from <= ?2 ORDER BY seq_from")) < 0 ||
	    (rc = stele_db_prepare(db, &k->next_start,
			"SELECT min(seq_from) FROM (SELECT seq_from FROM writer_key"
			" WHERE village_code = ?1 AND seq_from > ?2 UNION ALL SELECT seq_from"
			" FROM stele_key_override WHERE village_code = ?1 AND seq_from > ?2)")) < 0)
		goto done;
	*out = k;
	k = NULL;
done:
	stele_keys_free(k);
	return rc;
}

/* The newest key with seq_from <= seq, counting only overrides before bound. */
static int key_at(unsigned char pk[STELE_PK_BYTES], struct stele_keys *k, uint64_t seq,
		  uint64_t bound)
{
	int rc = 0, step;

	sqlite3_reset(k->latest);
	sqlite3_bind_text(k->latest, 1, k->village, -1, SQLITE_STATIC);
	sqlite3_bind_int64(k->latest, 2, (sqlite3_int64)seq);
	sqlite3_bind_int64(k->latest, 3, (sqlite3_int64)bound);
	step = sqlite3_step(k->latest);
	if (step == SQLITE_DONE) {
		memcpy(pk, k->base, STELE_PK_BYTES);
	} else if (step != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, k->db, "reading the key history");
	} else if (stele_hex_decode(pk, STELE_PK_BYTES,
				    (const char *)sqlite3_column_text(k->latest, 0)) < 0) {
		rc = stele_error(STELE_EFAIL, "the key history of %s holds a damaged key", k->village);
	}
	sqlite3_reset(k->latest);
	return rc;
}

/*
 * Calls fn for each key revoked at seq (the key in force at each revocation's
 * seq_from, before it), until fn returns non-zero (returned) or an error.
 */
typedef int (*revoked_fn)(void *arg, const unsigned char pk[STELE_PK_BYTES]);
static int each_revoked(struct stele_keys *k, uint64_t seq, revoked_fn fn, void *arg)
{
	uint64_t *from = NULL;
	unsigned char pk[STELE_PK_BYTES];
	size_t n = 0, cap = 0;
	int rc = 0, step;

	/* Read them all first: key_at uses the other statement. */
	sqlite3_reset(k->revocations);
	sqlite3_bind_text(k->revocations, 1, k->village, -1, SQLITE_STATIC);
	sqlite3_bind_int64(k->revocations, 2, (sqlite3_int64)seq);
	while ((step = sqlite3_step(k->revocations)) == SQLITE_ROW) {
		if ((rc = stele_array_reserve(&from, &cap, n, sizeof(*from), 4)) < 0)
			goto done;
		from[n++] = (uint64_t)sqlite3_column_int64(k->revocations, 0);
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, k->db, "reading the key revocations");
		goto done;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = key_at(pk, k, from[i], from[i])) < 0)
			goto done;
		rc = fn(arg, pk);
	}
done:
	sqlite3_reset(k->revocations);
	free(from);
	return rc;
}

/* each_revoked callback: stops when the key is pk. */
static int same_key(void *arg, const unsigned char pk[STELE_PK_BYTES])
{
	return sodium_memcmp(arg, pk, STELE_PK_BYTES) == 0;
}

const unsigned char *stele_keys_base(const struct stele_keys *k)
{
	return k->base;
}

void stele_keys_forget(struct stele_keys *k)
{
	k->cached = false;
}

/* The first seq after seq at which a key row starts (UINT64_MAX: none). */
static int next_start(uint64_t *out, struct stele_keys *k, uint64_t seq)
{
	int rc = 0;

	sqlite3_reset(k->next_start);
	sqlite3_bind_text(k->next_start, 1, k->village, -1, SQLITE_STATIC);
	sqlite3_bind_int64(k->next_start, 2, (sqlite3_int64)seq);
	if (sqlite3_step(k->next_start) != SQLITE_ROW)
		rc = stele_error_db(STELE_EFAIL, k->db, "reading the key history");
	else if (sqlite3_column_type(k->next_start, 0) == SQLITE_NULL)
		*out = UINT64_MAX;
	else
		*out = (uint64_t)sqlite3_column_int64(k->next_start, 0);
	sqlite3_reset(k->next_start);
	return rc;
}

int stele_keys_in_force(unsigned char pk[STELE_PK_BYTES], bool *revoked, struct stele_keys *k,
			uint64_t seq)
{
	unsigned char key[STELE_PK_BYTES];
	uint64_t until = UINT64_MAX;
	int rc;

	/* Nothing starts between the cached seq and this one: the same answer. */
	if (k->cached && seq >= k->cached_from && seq < k->cached_until) {
		memcpy(pk, k->cached_pk, STELE_PK_BYTES);
		*revoked = k->cached_revoked;
		return 0;
	}
	if ((rc = key_at(key, k, seq, seq + 1)) < 0 ||
	    (rc = each_revoked(k, seq, same_key, key)) < 0)
		return rc;
	*revoked = rc == 1;
	memcpy(pk, key, STELE_PK_BYTES);
	if ((rc = next_start(&until, k, seq)) < 0)
		return rc;
	memcpy(k->cached_pk, key, STELE_PK_BYTES);
	k->cached_revoked = *revoked;
	k->cached_from = seq;
	k->cached_until = until;
	k->cached = true;
	return 0;
}

struct signed_check {
	const unsigned char *data;
	size_t len;
	unsigned char signer[STELE_PK_BYTES];
};

static int signs(void *arg, const unsigned char pk[STELE_PK_BYTES])
{
	struct signed_check *c = arg;

	if (!stele_cs_signed_by(c->data, c->len, pk))
		return 0;
	memcpy(c->signer, pk, STELE_PK_BYTES);
	return 1;
}

int stele_keys_signed_by_revoked(bool *yes, char *hex, struct stele_keys *k, uint64_t seq,
				 const unsigned char *data, size_t len)
{
	struct signed_check c = { data, len, { 0 } };
	int rc;

	if ((rc = each_revoked(k, seq, signs, &c)) < 0)
		return rc;
	*yes = rc == 1;
	if (*yes && hex)
		stele_hex_encode(hex, c.signer, STELE_PK_BYTES);
	return 0;
}

/* Whether v is 64 lowercase hex digits. */
static bool is_key_hex(const struct stele_cs_value *v)
{
	if (v->type != SQLITE_TEXT || v->len != 2 * STELE_PK_BYTES)
		return false;
	for (size_t i = 0; i < v->len; i++)
		if (!((v->bytes[i] >= '0' && v->bytes[i] <= '9') ||
		      (v->bytes[i] >= 'a' && v->bytes[i] <= 'f')))
			return false;
	return true;
}

/* What the announcement check has seen so far. */
struct announcement {
	uint64_t seq;
	int found;
};

/* stele_cs_walk callback: each writer_key row of the change set. */
static int check_key_row(void *arg, const struct stele_cs_row *row)
{
	struct announcement *a = arg;
	unsigned long long seq = (unsigned long long)a->seq;
	const struct stele_cs_value *from, *key;
	int from_at = stele_domain_column("writer_key", "seq_from");
	int key_at = stele_domain_column("writer_key", "pubkey");

	if (strcmp(row->table, "writer_key") != 0)
		return 0;
	if (row->op == SQLITE_DELETE)
		return stele_error(STELE_EVERIFY, "seq %llu removes a signing key: a key once "
				   "announced is never changed or withdrawn", seq);
	if (row->op != SQLITE_INSERT)
		return stele_error(STELE_EVERIFY, "seq %llu changes a signing key: a key once "
				   "announced is never changed or withdrawn", seq);
	if (++a->found > 1)
		return stele_error(STELE_EVERIFY, "seq %llu announces more than one signing key", seq);
	STELE_ASSERT(from_at >= 0 && key_at >= 0);
	if (row->ncol <= from_at || row->ncol <= key_at ||
	    row->new_values[from_at].type != SQLITE_INTEGER)
		return stele_error(STELE_EVERIFY, "seq %llu announces a signing key without a "
				   "seq_from", seq);
	from = &row->new_values[from_at];
	key = &row->new_values[key_at];
	if (from->integer < 0 || (uint64_t)from->integer != a->seq + 1)
		return stele_error(STELE_EVERIFY, "seq %llu announces a signing key from seq %lld; a "
				   "key may only be announced for the next change set (seq %llu)",
				   seq, (long long)from->integer, seq + 1);
	if (!is_key_hex(key))
		return stele_error(STELE_EVERIFY, "seq %llu announces a signing key that is not 64 "
				   "lowercase hex digits", seq);
	return 0;
}

int stele_keys_check_announcement(bool *announced, const struct stele_changeset *cs)
{
	struct announcement a = { cs->seq, 0 };
	int rc;

	if ((rc = stele_cs_walk(NULL, cs->changes, cs->changes_len, check_key_row, &a)) < 0)
		return rc;
	if (announced)
		*announced = a.found > 0;
	return 0;
}

int stele_keys_hex_in_force(char *pk_hex, uint64_t seq, void *keys)
{
	unsigned char pk[STELE_PK_BYTES];
	bool revoked;
	int rc;

	if ((rc = stele_keys_in_force(pk, &revoked, keys, seq)) < 0)
		return rc;
	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	return 0;
}
