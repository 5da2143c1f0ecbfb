/* test-keys.c: lib/keys.c: the key in force for a seq (rotations, overrides,
 * revocations), key announcements, and merging a stream across a rotation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "unit.h"

#include "changeset.h"
#include "db.h"
#include "error.h"
#include "keys.h"
#include "merge.h"
#include "parse.h"

#define VILLAGE "990101001201"

static unsigned char sk[3][STELE_SK_BYTES], pk[3][STELE_PK_BYTES];
static char hex[3][2 * STELE_PK_BYTES + 1];

static int setup_keys(void **state)
{
	unsigned char seed[32];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		memset(seed, i + 1, sizeof(seed));
		crypto_sign_seed_keypair(pk[i], sk[i], seed);
		stele_hex_encode(hex[i], pk[i], STELE_PK_BYTES);
	}
	return 0;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	return db;
}

static void exec(sqlite3 *db, const char *fmt, ...)
{
	char sql[1024], *err = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

/* Which of the three test keys is in force at seq (-1: another), and revoked. */
static int in_force(struct stele_keys *k, uint64_t seq, bool *revoked)
{
	unsigned char got[STELE_PK_BYTES];

	assert_int_equal(stele_keys_in_force(got, revoked, k, seq), 0);
	for (int i = 0; i < 3; i++)
		if (memcmp(got, pk[i], STELE_PK_BYTES) == 0)
			return i;
	return -1;
}

static void test_in_force(void **state)
{
	sqlite3 *db = open_db();
	struct stele_keys *k = NULL;
	bool revoked = true;

	(void)state;
	assert_int_equal(stele_keys_open(&k, db, VILLAGE, pk[0]), 0);
	/* Only the key of seq 1. */
	assert_int_equal(in_force(k, 1, &revoked), 0);
	assert_false(revoked);
	assert_int_equal(in_force(k, 1000, &revoked), 0);
	/* A rotation from seq 4: seqs 1..3 stay with the first key. Another
	 * village's rows change nothing. */
	exec(db, "INSERT INTO writer_key VALUES ('" VILLAGE "', 4, '%s')", hex[1]);
	stele_keys_forget(k);
	exec(db, "INSERT INTO writer_key VALUES ('990101001202', 2, '%s')", hex[2]);
	stele_keys_forget(k);
	assert_int_equal(in_force(k, 3, &revoked), 0);
	assert_int_equal(in_force(k, 4, &revoked), 1);
	assert_int_equal(in_force(k, 9, &revoked), 1);
	/* An override at the same seq as a rotation wins; a later rotation wins over it. */
	exec(db, "INSERT INTO stele_key_override VALUES ('" VILLAGE "', 4, '%s', 0, 0)", hex[2]);
	stele_keys_forget(k);
	assert_int_equal(in_force(k, 4, &revoked), 2);
	exec(db, "INSERT INTO writer_key VALUES ('" VILLAGE "', 7, '%s')", hex[0]);
	stele_keys_forget(k);
	assert_int_equal(in_force(k, 6, &revoked), 2);
	assert_int_equal(in_force(k, 7, &revoked), 0);
	assert_false(revoked);
	stele_keys_free(k);
	sqlite3_close(db);
}

static void test_revocation(void **state)
{
	sqlite3 *db = open_db();
	struct stele_keys *k = NULL;
	unsigned char msg[100] = { 0 }, sig[STELE_SIG_BYTES];
	unsigned char signed_by[3][sizeof(msg) + STELE_SIG_BYTES];
	char who[2 * STELE_PK_BYTES + 1];
	bool revoked = false, yes = true;

	(void)state;
	for (int i = 0; i < 3; i++) {
		crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk[i]);
		memcpy(signed_by[i], msg, sizeof(msg));
		memcpy(signed_by[i] + sizeof(msg), sig, STELE_SIG_BYTES);
	}
	assert_int_equal(stele_keys_open(&k, db, VILLAGE, pk[0]), 0);
	/* Revoked from seq 5 without a new key: the key in force there, from then on. */
	exec(db, "INSERT INTO stele_key_override VALUES ('" VILLAGE "', 5, NULL, 1, 0)");
	stele_keys_forget(k);
	assert_int_equal(in_force(k, 4, &revoked), 0);
	assert_false(revoked);
	assert_int_equal(in_force(k, 5, &revoked), 0);
	assert_true(revoked);
	/* The revoked key is the one in force at seq 5 when it is asked: a rotation
	 * applied later (seq_from 3) makes that key the revoked one, not the first. */
	exec(db, "INSERT INTO writer_key VALUES ('" VILLAGE "', 3, '%s')", hex[1]);
	stele_keys_forget(k);
	assert_int_equal(in_force(k, 5, &revoked), 1);
	assert_true(revoked);
	assert_int_equal(stele_keys_signed_by_revoked(&yes, who, k, 5, signed_by[0],
						      sizeof(signed_by[0])), 0);
	assert_false(yes);
	assert_int_equal(stele_keys_signed_by_revoked(&yes, who, k, 5, signed_by[1],
						      sizeof(signed_by[1])), 0);
	assert_true(yes);
	assert_string_equal(who, hex[1]);
	/* Before the revocation the same signature is not revoked. */
	assert_int_equal(stele_keys_signed_by_revoked(&yes, NULL, k, 4, signed_by[1],
						      sizeof(signed_by[1])), 0);
	assert_false(yes);
	/* Revoked again at seq 5 with a new key: it signs; the stream's key stays revoked. */
	exec(db, "UPDATE stele_key_override SET new_key = '%s' WHERE seq_from = 5", hex[2]);
	stele_keys_forget(k);
	assert_int_equal(in_force(k, 5, &revoked), 2);
	assert_false(revoked);
	assert_int_equal(stele_keys_signed_by_revoked(&yes, NULL, k, 9, signed_by[1],
						      sizeof(signed_by[1])), 0);
	assert_true(yes);
	stele_keys_free(k);
	sqlite3_close(db);
}

/* The changeset sql makes on every table of db; rolled back. Caller sqlite3_free()s. */
static void *capture(int *len, sqlite3 *db, const char *sql)
{
	sqlite3_session *session = NULL;
	void *changes = NULL;

	exec(db, "BEGIN");
	assert_int_equal(sqlite3session_create(db, "main", &session), SQLITE_OK);
	assert_int_equal(sqlite3session_attach(session, NULL), SQLITE_OK);
	exec(db, "%s", sql);
	assert_int_equal(sqlite3session_changeset(session, len, &changes), SQLITE_OK);
	sqlite3session_delete(session);
	exec(db, "ROLLBACK");
	return changes;
}

/* The announcement check on what sql changes, as change set seq. */
static int announcement(bool *announced, sqlite3 *db, uint64_t seq, const char *sql)
{
	struct stele_changeset cs = { 0 };
	int n = 0, rc;

	cs.seq = seq;
	cs.changes = capture(&n, db, sql);
	cs.changes_len = (size_t)n;
	rc = stele_keys_check_announcement(announced, &cs);
	sqlite3_free(cs.changes);
	return rc;
}

static void test_announcement(void **state)
{
	sqlite3 *db = open_db();
	char sql[512];
	bool announced = true;

	(void)state;
	assert_int_equal(announcement(&announced, db, 3, "INSERT INTO member (village_code, id, "
				      "name) VALUES ('" VILLAGE "', 'M1', 'a')"), 0);
	assert_false(announced);
	snprintf(sql, sizeof(sql), "INSERT INTO writer_key VALUES ('" VILLAGE "', 4, '%s')", hex[1]);
	assert_int_equal(announcement(&announced, db, 3, sql), 0);
	assert_true(announced);
	/* For itself, or for a later seq. */
	assert_int_equal(announcement(&announced, db, 4, sql), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "only be announced for the next change set"));
	assert_int_equal(announcement(&announced, db, 2, sql), STELE_EVERIFY);
	/* Two keys at once. */
	snprintf(sql, sizeof(sql), "INSERT INTO writer_key VALUES ('" VILLAGE "', 4, '%s'), "
		 "('990101001202', 4, '%s')", hex[1], hex[2]);
	assert_int_equal(announcement(&announced, db, 3, sql), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "more than one"));
	/* A key once announced is never changed or withdrawn. */
	exec(db, "INSERT INTO writer_key VALUES ('" VILLAGE "', 4, '%s')", hex[1]);
	snprintf(sql, sizeof(sql), "UPDATE writer_key SET pubkey = '%s'", hex[2]);
	assert_int_equal(announcement(&announced, db, 7, sql), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "changes a signing key"));
	assert_int_equal(announcement(&announced, db, 7, "DELETE FROM writer_key"), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "removes a signing key"));
	sqlite3_close(db);
}

/* Encodes the changeset of sql (run on src, kept) as seq of VILLAGE after prev,
 * signed with key. */
static unsigned char *encode(size_t *len, sqlite3 *src, const char *sql, uint64_t seq,
			     const unsigned char *prev, const unsigned char *key)
{
	struct stele_changeset cs = { 0 };
	unsigned char *out = NULL;
	int n = 0;

	cs.format = STELE_CS_FORMAT;
	cs.schema = (unsigned)stele_schema_version();
	cs.seq = seq;
	cs.created_at = 1700000000;
	strcpy(cs.writer, VILLAGE);
	if (prev)
		memcpy(cs.prev_hash, prev, STELE_HASH_BYTES);
	cs.summary = "test";
	cs.changes = capture(&n, src, sql);
	cs.changes_len = (size_t)n;
	exec(src, "%s", sql);
	assert_int_equal(stele_cs_encode(&out, len, &cs, key), 0);
	sqlite3_free(cs.changes);
	return out;
}

static void test_peek_and_signature(void **state)
{
	sqlite3 *db = open_db();
	unsigned char *cs;
	size_t len;

	(void)state;
	cs = encode(&len, db, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE
		    "', 'M1', 'a')", 7, NULL, sk[0]);
	assert_int_equal(stele_cs_peek_seq(cs, len), 7);
	assert_true(stele_cs_signed_by(cs, len, pk[0]));
	assert_false(stele_cs_signed_by(cs, len, pk[1]));
	assert_false(stele_cs_signed_by(cs, len - 1, pk[0]));
	assert_false(stele_cs_signed_by(cs, 10, pk[0]));
	assert_int_equal(stele_cs_peek_seq(cs, 18), 0);
	cs[0] = 'X';
	assert_int_equal(stele_cs_peek_seq(cs, len), 0);
	free(cs);
	sqlite3_close(db);
}

/* Offers one change set; returns the quarantine reason, or "applied". */
static const char *offer(struct stele_merge *m, const unsigned char *data, size_t len)
{
	enum stele_merge_outcome outcome;
	long rows = 0;

	assert_int_equal(stele_merge_offer(&outcome, &rows, m, data, len, NULL, true), 0);
	if (outcome == STELE_MERGE_DUPLICATE)
		return "duplicate";
	return outcome == STELE_MERGE_APPLIED ? "applied" : stele_merge_quarantine_reason(m);
}

static void test_merge_across_rotation(void **state)
{
	sqlite3 *village = open_db(), *county = open_db();
	struct stele_merge *m = NULL;
	unsigned char *c[6], h[6][STELE_HASH_BYTES];
	size_t len[6];
	char sql[512];

	(void)state;
	/* 1: a member (key 0); 2: rotation to key 1 from seq 3, signed with key 0;
	 * 3: a member, signed with key 1. */
	c[1] = encode(&len[1], village, "INSERT INTO member (village_code, id, name) VALUES ('"
		      VILLAGE "', 'M1', 'a')", 1, NULL, sk[0]);
	stele_cs_hash(h[1], c[1], len[1]);
	snprintf(sql, sizeof(sql), "INSERT INTO writer_key VALUES ('" VILLAGE "', 3, '%s')", hex[1]);
	c[2] = encode(&len[2], village, sql, 2, h[1], sk[0]);
	stele_cs_hash(h[2], c[2], len[2]);
	c[3] = encode(&len[3], village, "INSERT INTO member (village_code, id, name) VALUES ('"
		      VILLAGE "', 'M2', 'b')", 3, h[2], sk[1]);
	stele_cs_hash(h[3], c[3], len[3]);
	/* 4 signed with the replaced key: refused. */
	c[4] = encode(&len[4], village, "INSERT INTO member (village_code, id, name) VALUES ('"
		      VILLAGE "', 'M3', 'c')", 4, h[3], sk[0]);
	assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk[0], STELE_MERGE_QUARANTINE), 0);
	assert_string_equal(offer(m, c[1], len[1]), "applied");
	assert_string_equal(offer(m, c[2], len[2]), "applied");
	/* The rotation applied in this very batch is in force for seq 3. */
	assert_string_equal(offer(m, c[3], len[3]), "applied");
	/* seq 2 delivered again, signed with the key of its own seq: a duplicate. */
	assert_string_equal(offer(m, c[2], len[2]), "duplicate");
	assert_string_equal(offer(m, c[4], len[4]), "signature");
	assert_int_equal(stele_merge_commit(m), 0);
	stele_merge_free(m);

	/* The county revokes key 1 from seq 4 with key 2 in its place: a change set
	 * 4 signed with key 1 is 'revoked', one signed with key 2 applies. */
	exec(county, "INSERT INTO stele_key_override VALUES ('" VILLAGE "', 4, '%s', 1, 0)", hex[2]);
	exec(county, "UPDATE stele_stream SET state = 'ok'");
	exec(village, "DELETE FROM member WHERE id = 'M3'");
	c[5] = encode(&len[5], village, "INSERT INTO member (village_code, id, name) VALUES ('"
		      VILLAGE "', 'M4', 'thief')", 4, h[3], sk[1]);
	exec(village, "DELETE FROM member WHERE id = 'M4'");
	free(c[4]);
	c[4] = encode(&len[4], village, "INSERT INTO member (village_code, id, name) VALUES ('"
		      VILLAGE "', 'M4', 'clerk')", 4, h[3], sk[2]);
	assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk[0], STELE_MERGE_QUARANTINE), 0);
	assert_string_equal(offer(m, c[5], len[5]), "revoked");
	assert_non_null(strstr(stele_merge_quarantine_detail(m), "revoked"));
	assert_int_equal(stele_merge_commit(m), 0);
	stele_merge_free(m);
	exec(county, "UPDATE stele_stream SET state = 'ok'");
	assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk[0], STELE_MERGE_QUARANTINE), 0);
	assert_string_equal(offer(m, c[4], len[4]), "applied");
	assert_int_equal(stele_merge_commit(m), 0);
	stele_merge_free(m);
	int64_t n = 0;
	assert_int_equal(stele_db_int(county, "SELECT count(*) FROM member WHERE name = 'thief'", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(stele_db_int(county, "SELECT max(seq) FROM stele_applied", &n), 0);
	assert_int_equal(n, 4);
	for (int i = 1; i <= 5; i++)
		free(c[i]);
	sqlite3_close(village);
	sqlite3_close(county);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_force),
		cmocka_unit_test(test_revocation),
		cmocka_unit_test(test_announcement),
		cmocka_unit_test(test_peek_and_signature),
		cmocka_unit_test(test_merge_across_rotation),
	};

	return cmocka_run_group_tests(tests, setup_keys, NULL);
}
