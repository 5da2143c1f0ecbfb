/* test-sync.c: the agent's pull of the county rules stream (its checks are
 * lib/merge.c's, tested in test-merge.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "unit.h"

#include "capture.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "parse.h"
#include "rules.h"
#include "sync.h"

#define VILLAGE "990101001201"

static unsigned char county_sk[STELE_SK_BYTES], county_pk[STELE_PK_BYTES];
static unsigned char other_sk[STELE_SK_BYTES], other_pk[STELE_PK_BYTES];
static char tmp[256];
static int dir_count;

static int setup(void **state)
{
	unsigned char seed[32] = { 1 };

	(void)state;
	if (sodium_init() < 0 || stele_git_init() < 0)
		return -1;
	crypto_sign_seed_keypair(county_pk, county_sk, seed);
	seed[0] = 2;
	crypto_sign_seed_keypair(other_pk, other_sk, seed);
	snprintf(tmp, sizeof(tmp), "%s/stele-sync.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

static int64_t count(sqlite3 *db, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(stele_db_int(db, sql, &n), 0);
	return n;
}

/* A county: its database (captured writes as the county) and its bare repository,
 * whose commits the test publishes from the outbox. */
struct county {
	sqlite3 *db;
	git_repository *repo;
	char url[512];
	uint64_t published;
};

static void county_open(struct county *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->url, sizeof(c->url), "%s/county-%d.git", tmp, dir_count++);
	assert_int_equal(stele_db_open(&c->db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_repo_open(&c->repo, c->url, 1), 0);
}

static void county_close(struct county *c)
{
	stele_repo_close(c->repo);
	stele_db_close(c->db);
}

/* One captured county write of sql, signed with sk. */
static void county_write(struct county *c, const char *sql, const unsigned char *sk)
{
	struct stele_capture *cap = NULL;
	uint64_t seq;

	assert_int_equal(stele_capture_begin(&cap, c->db, STELE_WRITER_COUNTY), 0);
	exec(c->db, sql);
	assert_int_equal(stele_capture_commit(&seq, cap, sk), 0);
	assert_true(seq > 0);
}

/* Commits every outbox change set not yet in the repository, naming pk. */
static void county_publish(struct county *c, const unsigned char *pk)
{
	sqlite3_stmt *stmt = NULL;
	char pk_hex[2 * STELE_PK_BYTES + 1], msg[64];
	git_oid id;

	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	assert_int_equal(stele_db_prepare(c->db, &stmt, "SELECT seq, data FROM stele_outbox "
							"WHERE seq > ? ORDER BY seq"), 0);
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)c->published);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		snprintf(msg, sizeof(msg), "seq %lld: rules", (long long)sqlite3_column_int64(stmt, 0));
		assert_int_equal(stele_repo_append(&id, c->repo, STELE_BRANCH,
						   sqlite3_column_blob(stmt, 1),
						   (size_t)sqlite3_column_bytes(stmt, 1), pk_hex, msg,
						   STELE_WRITER_COUNTY, 1767225600), 0);
		c->published = (uint64_t)sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
}

/* A village: database with the default catalogue, and its repository. */
struct village {
	sqlite3 *db;
	git_repository *repo;
};

static void village_open(struct village *v)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/village-%d.git", tmp, dir_count++);
	assert_int_equal(stele_db_open(&v->db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_db_begin(v->db), 0);
	assert_int_equal(stele_rules_install_defaults(v->db), 0);
	assert_int_equal(stele_db_commit(v->db), 0);
	assert_int_equal(stele_repo_open(&v->repo, path, 1), 0);
}

static void village_close(struct village *v)
{
	stele_repo_close(v->repo);
	stele_db_close(v->db);
}

static int pull(struct village *v, struct county *c, uint64_t *applied, uint64_t *seq)
{
	return stele_sync_pull_county(applied, seq, v->db, v->repo, c->url, NULL);
}

static void test_first_pull_replaces_defaults_and_pins_key(void **state)
{
	struct county c;
	struct village v;
	uint64_t applied = 9, seq = 9;
	char *pinned = NULL, hex[2 * STELE_PK_BYTES + 1];

	(void)state;
	county_open(&c);
	village_open(&v);
	assert_true(count(v.db, "SELECT count(*) FROM point_rule") > 1);

	/* Nothing published yet: not an error, nothing changes. */
	assert_int_equal(pull(&v, &c, &applied, &seq), 0);
	assert_int_equal(applied, 0);
	assert_true(count(v.db, "SELECT count(*) FROM point_rule") > 1);

	county_write(&c, "INSERT INTO point_rule VALUES ('R1', 'base', '参加组织生活', 20, 1);"
			 "INSERT INTO ranking_config VALUES ('weight.task', '25')", county_sk);
	county_write(&c, "UPDATE point_rule SET points = 30 WHERE code = 'R1'", county_sk);
	county_publish(&c, county_pk);
	assert_int_equal(pull(&v, &c, &applied, &seq), 0);
	assert_int_equal(applied, 2);
	assert_int_equal(seq, 2);
	/* The default catalogue is gone; the county's is there. */
	assert_int_equal(count(v.db, "SELECT count(*) FROM point_rule"), 1);
	assert_int_equal(count(v.db, "SELECT points FROM point_rule WHERE code = 'R1'"), 30);
	assert_int_equal(count(v.db, "SELECT count(*) FROM ranking_config"), 1);
	assert_int_equal(count(v.db, "SELECT count(*) FROM standard_item"), 0);
	/* The cursor and the record of what was applied. */
	assert_int_equal(count(v.db, "SELECT last_seq FROM stele_stream WHERE writer = 'county'"), 2);
	assert_int_equal(count(v.db, "SELECT count(*) FROM stele_applied WHERE writer = 'county'"), 2);
	assert_int_equal(stele_meta_get(v.db, "county_key", &pinned), 0);
	stele_hex_encode(hex, county_pk, STELE_PK_BYTES);
	assert_string_equal(pinned, hex);
	free(pinned);
	assert_int_equal(stele_meta_get(v.db, "county_seq", &pinned), 0);
	assert_string_equal(pinned, "2");
	free(pinned);

	/* Pulling again applies nothing; a later change set is applied on its own. */
	assert_int_equal(pull(&v, &c, &applied, &seq), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(seq, 2);
	county_write(&c, "INSERT INTO veto_item VALUES ('V1', '重大安全事故')", county_sk);
	county_publish(&c, county_pk);
	assert_int_equal(pull(&v, &c, &applied, &seq), 0);
	assert_int_equal(applied, 1);
	assert_int_equal(seq, 3);
	assert_int_equal(count(v.db, "SELECT count(*) FROM point_rule"), 1);
	assert_int_equal(count(v.db, "SELECT count(*) FROM veto_item"), 1);
	village_close(&v);
	county_close(&c);
}

static void test_pinned_key_refuses_another_signer(void **state)
{
	struct county c;
	struct village v;
	uint64_t applied, seq;
	char hex[2 * STELE_PK_BYTES + 1];

	(void)state;
	county_open(&c);
	village_open(&v);
	stele_hex_encode(hex, county_pk, STELE_PK_BYTES);
	assert_int_equal(stele_meta_set(v.db, "county_key", hex), 0);
	/* Signed and named by someone else: refused, defaults untouched. */
	county_write(&c, "INSERT INTO point_rule VALUES ('X', 'base', 'x', 10, 1)", other_sk);
	county_publish(&c, other_pk);
	assert_int_equal(pull(&v, &c, &applied, &seq), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "not the county's pinned key"));
	assert_int_equal(count(v.db, "SELECT count(*) FROM point_rule WHERE code = 'X'"), 0);
	assert_true(count(v.db, "SELECT count(*) FROM point_rule") > 1);
	assert_int_equal(count(v.db, "SELECT count(*) FROM stele_stream"), 0);
	village_close(&v);
	county_close(&c);
}

static void test_lying_writer_pub_fails_the_signature(void **state)
{
	struct county c;
	struct village v;
	uint64_t applied, seq;

	(void)state;
	county_open(&c);
	village_open(&v);
	/* writer.pub names the county's key but another key signed: no pin, nothing applied. */
	county_write(&c, "INSERT INTO point_rule VALUES ('X', 'base', 'x', 10, 1)", other_sk);
	county_publish(&c, county_pk);
	assert_int_equal(pull(&v, &c, &applied, &seq), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "signature"));
	assert_int_equal(count(v.db, "SELECT count(*) FROM stele_meta WHERE key = 'county_key'"), 0);
	assert_true(count(v.db, "SELECT count(*) FROM point_rule") > 1);
	village_close(&v);
	county_close(&c);
}

static void test_rewritten_county_history_is_refused(void **state)
{
	struct county c, forged;
	struct village v;
	uint64_t applied, seq;

	(void)state;
	county_open(&c);
	village_open(&v);
	county_write(&c, "INSERT INTO point_rule VALUES ('R1', 'base', 'a', 10, 1)", county_sk);
	county_publish(&c, county_pk);
	assert_int_equal(pull(&v, &c, &applied, &seq), 0);
	/* Another history at the same URL: the applied commit is no longer on it. */
	county_open(&forged);
	county_write(&forged, "INSERT INTO point_rule VALUES ('R2', 'base', 'b', 10, 1)", county_sk);
	county_write(&forged, "INSERT INTO point_rule VALUES ('R3', 'base', 'c', 10, 1)", county_sk);
	county_publish(&forged, county_pk);
	assert_int_equal(pull(&v, &forged, &applied, &seq), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "rewritten"));
	assert_int_equal(count(v.db, "SELECT count(*) FROM point_rule"), 1);
	county_close(&forged);
	village_close(&v);
	county_close(&c);
}

/* A refused county change set: the aggregator's words, naming the commit; what came
 * before it stays applied, nothing of it is. */
static void test_gap_is_refused_with_the_merge_words(void **state)
{
	struct county c;
	struct village v;
	uint64_t applied = 9, seq = 9;
	char *county_seq = NULL;

	(void)state;
	county_open(&c);
	village_open(&v);
	county_write(&c, "INSERT INTO point_rule VALUES ('R1', 'base', 'a', 10, 1)", county_sk);
	county_publish(&c, county_pk);
	county_write(&c, "INSERT INTO point_rule VALUES ('R2', 'base', 'b', 10, 1)", county_sk);
	c.published = 2; /* seq 2 never reaches the repository */
	county_write(&c, "INSERT INTO point_rule VALUES ('R3', 'base', 'c', 10, 1)", county_sk);
	county_publish(&c, county_pk);
	assert_int_equal(pull(&v, &c, &applied, &seq), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "county commit "));
	assert_non_null(strstr(stele_error_message(), ": seq 3 follows seq 1: change sets 2..2 are "
						      "missing"));
	assert_int_equal(count(v.db, "SELECT count(*) FROM point_rule"), 1);
	assert_int_equal(count(v.db, "SELECT last_seq FROM stele_stream WHERE writer = 'county'"), 1);
	assert_int_equal(count(v.db, "SELECT count(*) FROM stele_quarantine"), 0);
	assert_int_equal(stele_meta_get(v.db, "county_seq", &county_seq), 0);
	assert_string_equal(county_seq, "1");
	free(county_seq);
	/* Nothing changes on the next try. */
	assert_int_equal(pull(&v, &c, &applied, &seq), STELE_EVERIFY);
	assert_int_equal(count(v.db, "SELECT count(*) FROM point_rule"), 1);
	village_close(&v);
	county_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_pull_replaces_defaults_and_pins_key),
		cmocka_unit_test(test_pinned_key_refuses_another_signer),
		cmocka_unit_test(test_lying_writer_pub_fails_the_signature),
		cmocka_unit_test(test_rewritten_county_history_is_refused),
		cmocka_unit_test(test_gap_is_refused_with_the_merge_words),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
