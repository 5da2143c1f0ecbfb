/* test-merge.c: lib/merge.c: the stream checks (writer, chain, schema, ownership,
 * shapes), the apply, and offering change sets to a stream (applied once,
 * duplicates skipped, refusals quarantined or returned). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "unit.h"
#include "unit-sql.h"

#include "changeset.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "merge.h"
#include "rekey.h"

#define VILLAGE "990101001201"
#define OTHER   "990101001202"

static unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];
static unsigned char other_sk[STELE_SK_BYTES], other_pk[STELE_PK_BYTES];

static int setup_keys(void **state)
{
	unsigned char seed[32];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	memset(seed, 1, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	memset(seed, 2, sizeof(seed));
	crypto_sign_seed_keypair(other_pk, other_sk, seed);
	return 0;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	return db;
}

/* The ownership check's verdict on what sql changes, written by writer. */
static const char *verdict(sqlite3 *db, const char *writer, const char *sql)
{
	const char *reason = "ok";
	int len = 0, rc;
	void *changes = capture(&len, db, sql);

	rc = stele_merge_check_changes(&reason, db, writer, changes, (size_t)len);
	sqlite3_free(changes);
	if (rc == 0)
		return "ok";
	assert_int_equal(rc, STELE_EVERIFY);
	return reason;
}

static void test_village_rows(void **state)
{
	sqlite3 *db = open_db();

	(void)state;
	exec(db, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE "', 'M1', 'a'), "
		 "('" OTHER "', 'M1', 'b')");
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO member (village_code, id, name) "
				    "VALUES ('" VILLAGE "', 'M2', 'c')"), "ok");
	assert_string_equal(verdict(db, VILLAGE, "UPDATE member SET name = 'x' WHERE village_code = '"
				    VILLAGE "'"), "ok");
	assert_string_equal(verdict(db, VILLAGE, "DELETE FROM member WHERE village_code = '" VILLAGE
				    "'"), "ok");
	/* Another village's code, by insert, update and delete. */
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO member (village_code, id, name) "
				    "VALUES ('" OTHER "', 'M2', 'c')"), "ownership");
	assert_non_null(strstr(stele_error_message(), "carries village_code '" OTHER "'"));
	assert_string_equal(verdict(db, VILLAGE, "UPDATE member SET name = 'x' WHERE village_code = '"
				    OTHER "'"), "ownership");
	assert_string_equal(verdict(db, VILLAGE, "DELETE FROM member WHERE village_code = '" OTHER
				    "'"), "ownership");
	/* One bad row among good ones is enough. */
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO task (village_code, id, title, due_on) "
				    "VALUES ('" VILLAGE "', 'T1', 't', '2026-01-01'), ('" OTHER "', 'T1', "
				    "'t', '2026-01-01')"), "ownership");
	/* A village code that is not text, or an empty one. */
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO period_close VALUES ('', '2026-01', 'x')"),
			    "ownership");
	sqlite3_close(db);
}

static void test_tables(void **state)
{
	sqlite3 *db = open_db();

	(void)state;
	/* A village writing county tables, or local ones. */
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO point_rule (code, category, name, points) "
				    "VALUES ('X', 'base', 'x', 10)"), "ownership");
	assert_non_null(strstr(stele_error_message(), "writes table 'point_rule'"));
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO stele_meta VALUES ('k', 'v')"),
			    "ownership");
	/* The county writes only county tables, any rows. */
	assert_string_equal(verdict(db, STELE_WRITER_COUNTY, "INSERT INTO village VALUES ('" OTHER
				    "', 'n', '990101001', 't')"), "ok");
	assert_string_equal(verdict(db, STELE_WRITER_COUNTY, "INSERT INTO member (village_code, id, "
				    "name) VALUES ('" VILLAGE "', 'M9', 'c')"), "ownership");
	/* The county's review of self-assessments is the county's alone: a village
	 * cannot approve or score itself. */
	assert_string_equal(verdict(db, STELE_WRITER_COUNTY, "INSERT INTO assessment_review VALUES "
				    "('" VILLAGE "', 2026, 'S1', 150, NULL); INSERT INTO "
				    "assessment_approval VALUES ('" VILLAGE "', 2026, '2026-11-01', NULL)"),
			    "ok");
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO assessment_review VALUES ('" VILLAGE
				    "', 2026, 'S1', 200, NULL)"), "ownership");
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO assessment_approval VALUES ('" VILLAGE
				    "', 2026, '2026-11-01', NULL)"), "ownership");
	assert_non_null(strstr(stele_error_message(), "writes table 'assessment_approval'"));
	sqlite3_close(db);
}

/* The one rule (lib/domain.h): a level writes its own tables, and only rows of the
 * villages whose code starts with its own. */
static void test_levels(void **state)
{
	sqlite3 *db = open_db();
	const char *reason = "ok";
	struct stele_stream s;

	(void)state;
	assert_int_equal(stele_writer_level("99"), STELE_LEVEL_PROVINCE);
	assert_int_equal(stele_writer_level("9901"), STELE_LEVEL_CITY);
	assert_int_equal(stele_writer_level("990101"), STELE_LEVEL_COUNTY);
	assert_int_equal(stele_writer_level(STELE_WRITER_COUNTY), STELE_LEVEL_COUNTY);
	assert_int_equal(stele_writer_level("990101001"), STELE_LEVEL_TOWNSHIP);
	assert_int_equal(stele_writer_level(VILLAGE), STELE_LEVEL_VILLAGE);
	assert_int_equal(stele_writer_level("99010"), STELE_LEVEL_NONE);
	assert_int_equal(stele_writer_level("9901010012013"), STELE_LEVEL_NONE);
	assert_int_equal(stele_writer_level("99010100120x"), STELE_LEVEL_NONE);
	assert_int_equal(stele_writer_level(""), STELE_LEVEL_NONE);
	assert_true(stele_code_within("990101001", VILLAGE, 12));
	assert_true(stele_code_within("", VILLAGE, 12));
	assert_false(stele_code_within("990101002", VILLAGE, 12));
	assert_false(stele_code_within("990101001", "990101001", 9));
	assert_false(stele_code_within("990101001", "99010100120x", 12));
	assert_int_equal(stele_stream_init(&s, db, "nobody"), STELE_EINVALID);
	assert_int_equal(stele_merge_check_changes(&reason, db, "99010", "", 0), STELE_EINVALID);

	/* A township writes its first reviews, of its own villages only. */
	assert_string_equal(verdict(db, "990101001", "INSERT INTO township_review VALUES ('" VILLAGE
				    "', 2026, 'S1', 150, NULL)"), "ok");
	assert_string_equal(verdict(db, "990101001", "INSERT INTO township_review VALUES "
				    "('990101002201', 2026, 'S1', 150, NULL)"), "ownership");
	assert_non_null(strstr(stele_error_message(), "carries village code '990101002201', which "
			       "is not a village of 990101001"));
	assert_string_equal(verdict(db, "990101001", "INSERT INTO township_review VALUES "
				    "('990101001', 2026, 'S1', 150, NULL)"), "ownership");
	/* ... and no other level's table: not the county's review, not a village's rows. */
	assert_string_equal(verdict(db, "990101001", "INSERT INTO assessment_review VALUES ('" VILLAGE
				    "', 2026, 'S1', 150, NULL)"), "ownership");
	assert_non_null(strstr(stele_error_message(), "writes table 'assessment_review', which "
			       "990101001 does not own"));
	assert_string_equal(verdict(db, "990101001", "INSERT INTO assessment VALUES ('" VILLAGE
				    "', 2026, 'S1', 150, NULL)"), "ownership");
	/* A village or the county cannot write a township's review. */
	assert_string_equal(verdict(db, VILLAGE, "INSERT INTO township_review VALUES ('" VILLAGE
				    "', 2026, 'S1', 150, NULL)"), "ownership");
	assert_string_equal(verdict(db, STELE_WRITER_COUNTY, "INSERT INTO township_review VALUES ('"
				    VILLAGE "', 2026, 'S1', 150, NULL)"), "ownership");
	/* The township's rows obey their table's value rules, as strictly. */
	assert_string_equal(verdict(db, "990101001", "INSERT INTO township_review VALUES ('" VILLAGE
				    "', 2026, 'S1', 1001, NULL)"), "value");
	/* A city owns its catalogue (docs/levels.md), nothing that belongs to a village. */
	assert_string_equal(verdict(db, "9901", "INSERT INTO township_review VALUES ('" VILLAGE
				    "', 2026, 'S1', 150, NULL)"), "ownership");
	assert_string_equal(verdict(db, "9901", "INSERT INTO ranking_config VALUES "
				    "('weight.task', '40')"), "ok");
	assert_string_equal(verdict(db, "9901", "INSERT INTO member (village_code, id, name) "
				    "VALUES ('" VILLAGE "', 'M9', 'x')"), "ownership");
	assert_non_null(strstr(stele_error_message(), "writes table 'member', which 9901 does not "
			       "own"));
	assert_string_equal(verdict(db, "9901", "INSERT INTO assessment_review VALUES ('" VILLAGE
				    "', 2026, 'S1', 150, NULL)"), "ownership");
	assert_string_equal(verdict(db, "9901", "INSERT INTO registry_source VALUES ('" VILLAGE
				    "', 'x', NULL)"), "ownership");
	/* Its stream is verified at its counties, and none of it applied by the merge. */
	assert_int_equal(stele_stream_init(&s, db, "9901"), 0);
	assert_non_null(stele_stream_filter(&s));
	assert_int_equal(stele_stream_filter(&s)(NULL, "point_rule"), 0);

	/* The county's rows that belong to a village carry a 12-digit code ... */
	assert_string_equal(verdict(db, STELE_WRITER_COUNTY, "INSERT INTO veto_item VALUES ('V1', "
				    "'v'); INSERT INTO veto_event VALUES ('X1', 'x', 'V1', 2026, NULL)"),
			    "ownership");
	assert_string_equal(verdict(db, STELE_WRITER_COUNTY, "INSERT INTO village VALUES ('99', "
				    "'n', '990101001', 't')"), "ownership");
	/* ... and, once the reader names the county, one of its own villages. */
	exec(db, "INSERT INTO veto_item VALUES ('V1', 'v'); INSERT INTO veto_event VALUES ('X1', '"
		 VILLAGE "', 'V1', 2026, NULL)");
	assert_int_equal(stele_stream_init(&s, db, STELE_WRITER_COUNTY), 0);
	assert_int_equal(stele_stream_set_scope(&s, "990101x"), STELE_EINVALID);
	assert_int_equal(stele_stream_set_scope(&s, "990101"), 0);
	assert_string_equal(s.scope, "990101");
	assert_int_equal(stele_stream_init(&s, db, VILLAGE), 0);
	assert_int_equal(stele_stream_set_scope(&s, "990101"), STELE_EINVALID);
	sqlite3_close(db);
}

/* What a county scoped to its code accepts, through a whole change set. */
static void test_county_scope(void **state)
{
	sqlite3 *db = open_db();
	struct stele_changeset cs = { .format = STELE_CS_FORMAT, .seq = 1,
				      .schema = (unsigned)stele_schema_version() };
	struct stele_stream s;
	const char *reason = NULL;
	int len = 0;

	(void)state;
	strcpy(cs.writer, STELE_WRITER_COUNTY);
	exec(db, "INSERT INTO veto_item VALUES ('V1', 'v'); INSERT INTO veto_event VALUES ('X1', '"
		 VILLAGE "', 'V1', 2026, NULL)");
	assert_int_equal(stele_stream_init(&s, db, STELE_WRITER_COUNTY), 0);
	assert_int_equal(stele_stream_set_scope(&s, "990101"), 0);
	cs.changes = capture(&len, db, "INSERT INTO village VALUES ('" VILLAGE "', 'n', "
			     "'990101001', 't'); UPDATE veto_event SET note = 'n' WHERE id = 'X1'");
	cs.changes_len = (size_t)len;
	assert_int_equal(stele_stream_check(&reason, NULL, &s, &cs), 0);
	sqlite3_free((void *)cs.changes);
	/* Another county's village, by insert, and by moving a veto there. */
	cs.changes = capture(&len, db, "INSERT INTO village VALUES ('990201001201', 'n', "
			     "'990201001', 't')");
	cs.changes_len = (size_t)len;
	assert_int_equal(stele_stream_check(&reason, NULL, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "ownership");
	assert_non_null(strstr(stele_error_message(), "seq 1: row change 1 (insert of village) "
			       "carries village code '990201001201', which is not a village of 990101"));
	sqlite3_free((void *)cs.changes);
	cs.changes = capture(&len, db, "UPDATE veto_event SET village_code = '990201001201' "
			     "WHERE id = 'X1'");
	cs.changes_len = (size_t)len;
	assert_int_equal(stele_stream_check(&reason, NULL, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "ownership");
	/* The village code is in veto_event's key (schema/0015-city.sql): moving it is
	 * a delete and an insert, and the insert is refused. */
	assert_non_null(strstr(stele_error_message(), "(insert of veto_event) carries village code "
			       "'990201001201'"));
	sqlite3_free((void *)cs.changes);
	sqlite3_close(db);
}

/* A county's published registry (schema/0015-city.sql): its rows name villages and
 * townships of its own only; a county stream named by its code at a city takes
 * change sets naming the writer "county", and leaves the city's tables alone. */
static void test_city(void **state)
{
	sqlite3 *db = open_db();
	struct stele_changeset cs = { .format = STELE_CS_FORMAT, .seq = 1,
				      .schema = (unsigned)stele_schema_version() };
	struct stele_stream s;
	const char *reason = NULL;
	int len = 0;
	int64_t n = -1;

	(void)state;
	assert_string_equal(verdict(db, "990101", "INSERT INTO registry_source VALUES "
				    "('990101001', '/srv/t.git', NULL), ('" VILLAGE "', '/v', NULL); "
				    "INSERT INTO registry_key VALUES ('" VILLAGE "', 4, NULL, 1)"), "ok");
	assert_string_equal(verdict(db, "990101", "INSERT INTO registry_source VALUES "
				    "('990102001', '/x', NULL)"), "ownership");
	assert_string_equal(verdict(db, "990101", "INSERT INTO registry_key VALUES "
				    "('990102001201', 2, NULL, 1)"), "ownership");
	assert_string_equal(verdict(db, "990101", "INSERT INTO village VALUES "
				    "('990101001', 'n', '990101001', 't')"), "ownership");
	assert_string_equal(verdict(db, "990101001", "INSERT INTO registry_source VALUES "
				    "('" VILLAGE "', '/v', NULL)"), "ownership");

	/* The writer's name: "county" in the county's own change sets. */
	strcpy(cs.writer, STELE_WRITER_COUNTY);
	cs.changes = capture(&len, db, "INSERT INTO point_rule VALUES ('B9', 'base', 'r', 10, 1); "
			     "INSERT INTO village VALUES ('" VILLAGE "', 'n', '990101001', 't')");
	cs.changes_len = (size_t)len;
	assert_int_equal(stele_stream_init(&s, db, "990101"), 0);
	assert_true(stele_stream_county_at_city(&s, STELE_WRITER_COUNTY));
	assert_int_equal(stele_stream_check(&reason, NULL, &s, &cs), 0);
	assert_int_equal(stele_stream_apply(&reason, &s, &cs), 0);
	/* The village's name is taken; the city's catalogue is its own. */
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM village", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM point_rule WHERE code = 'B9'", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(stele_stream_init(&s, db, VILLAGE), 0);
	assert_false(stele_stream_county_at_city(&s, STELE_WRITER_COUNTY));
	assert_int_equal(stele_stream_check(&reason, NULL, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "writer");
	strcpy(cs.writer, "990102");
	assert_int_equal(stele_stream_init(&s, db, "990101"), 0);
	assert_int_equal(stele_stream_check(&reason, NULL, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "writer");
	sqlite3_free((void *)cs.changes);
	sqlite3_close(db);
}

/* A veto event written before 0015 (key id alone) is read with today's key. */
static void test_rekey_veto(void **state)
{
	sqlite3 *old = NULL, *db = open_db();
	unsigned char *changes;
	int len = 0;
	int64_t n = -1;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &old), SQLITE_OK);
	exec(old, "CREATE TABLE veto_event (id TEXT PRIMARY KEY NOT NULL, village_code TEXT NOT "
		  "NULL, veto_code TEXT NOT NULL, year INTEGER NOT NULL, note TEXT) STRICT");
	changes = capture(&len, old, "INSERT INTO veto_event VALUES ('VE0001', '" VILLAGE "', "
			  "'V1', 2026, NULL), ('VE0002', '" OTHER "', 'V1', 2026, 'n')");
	/* As written, SQLite would skip the table (another key): nothing applied. */
	assert_int_equal(sqlite3changeset_apply(db, len, changes, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM veto_event", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(stele_rekey_legacy(changes, (size_t)len), 0);
	assert_int_equal(stele_cs_walk(NULL, changes, (size_t)len, NULL, NULL), 0);
	assert_int_equal(sqlite3changeset_apply(db, len, changes, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM veto_event", &n), 0);
	assert_int_equal(n, 2);
	/* A change set written since is left as it is. */
	sqlite3_free(changes);
	changes = capture(&len, db, "INSERT INTO veto_event VALUES ('VE0001', '" OTHER "', "
			  "'V1', 2027, NULL)");
	unsigned char *copy = malloc((size_t)len);
	assert_non_null(copy);
	memcpy(copy, changes, (size_t)len);
	assert_int_equal(stele_rekey_legacy(changes, (size_t)len), 0);
	assert_memory_equal(copy, changes, (size_t)len);
	free(copy);
	sqlite3_free(changes);
	sqlite3_close(old);
	sqlite3_close(db);
}

static void test_shapes(void **state)
{
	sqlite3 *db = open_db(), *old = NULL;
	const char *reason = NULL;
	void *changes;
	int len = 0;

	(void)state;
	/* A member table of another shape (3 columns): SQLite would skip it silently. */
	assert_int_equal(sqlite3_open(":memory:", &old), SQLITE_OK);
	exec(old, "CREATE TABLE member (village_code TEXT, id TEXT, name TEXT, "
		  "PRIMARY KEY (village_code, id))");
	changes = capture(&len, old, "INSERT INTO member VALUES ('" VILLAGE "', 'M1', 'a')");
	assert_int_equal(stele_merge_check_changes(&reason, db, VILLAGE, changes, (size_t)len),
			 STELE_EVERIFY);
	assert_string_equal(reason, "schema");
	sqlite3_free(changes);
	/* The right number of columns but another primary key. */
	exec(old, "CREATE TABLE task (village_code TEXT PRIMARY KEY, id, title, category, assignee, "
		  "due_on, closed_on)");
	changes = capture(&len, old, "INSERT INTO task (village_code, id) VALUES ('" VILLAGE "', 'T')");
	reason = NULL;
	assert_int_equal(stele_merge_check_changes(&reason, db, VILLAGE, changes, (size_t)len),
			 STELE_EVERIFY);
	assert_string_equal(reason, "schema");
	sqlite3_free(changes);
	/* Bytes that are no changeset (a table header, then an insert cut short). */
	reason = NULL;
	assert_int_equal(stele_merge_check_changes(&reason, db, VILLAGE,
						   "\x54\x02\x01\x00t\x00\x17\x01", 8),
			 STELE_EVERIFY);
	assert_string_equal(reason, "changes");
	sqlite3_close(old);
	sqlite3_close(db);
}

/* Encodes the changeset of sql (run on src) as seq of VILLAGE after prev. */
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
	exec(src, sql); /* the village keeps its rows, so later change sets build on them */
	assert_int_equal(stele_cs_encode(&out, len, &cs, key), 0);
	sqlite3_free(cs.changes);
	return out;
}

static void test_offer(void **state)
{
	sqlite3 *village = open_db(), *county = open_db();
	struct stele_merge *m = NULL;
	enum stele_merge_outcome outcome;
	unsigned char h1[STELE_HASH_BYTES], h2[STELE_HASH_BYTES];
	unsigned char *c1, *c2, *c3, *forged;
	size_t l1, l2, l3, lf;
	long rows = -1;
	int64_t n;

	(void)state;
	c1 = encode(&l1, village, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE
		    "', 'M1', 'a'), ('" VILLAGE "', 'M2', 'b')", 1, NULL, sk);
	stele_cs_hash(h1, c1, l1);
	c2 = encode(&l2, village, "UPDATE member SET name = 'c' WHERE id = 'M1'", 2, h1, sk);
	stele_cs_hash(h2, c2, l2);
	c3 = encode(&l3, village, "DELETE FROM member WHERE id = 'M2'", 3, h2, sk);
	forged = encode(&lf, village, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE
			"', 'M3', 'x')", 3, h2, other_sk);

	assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk, STELE_MERGE_QUARANTINE), 0);
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, c1, l1, "c1", true), 0);
	assert_int_equal(outcome, STELE_MERGE_APPLIED);
	assert_int_equal(rows, 2);
	/* A gap: seq 3 before seq 2 is refused, recorded, and nothing of it applied. */
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, c3, l3, "c3", true), 0);
	assert_int_equal(outcome, STELE_MERGE_QUARANTINED);
	assert_string_equal(stele_merge_quarantine_reason(m), "chain");
	assert_int_equal(stele_merge_commit(m), 0);
	assert_int_equal(stele_db_int(county, "SELECT count(*) FROM member", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(stele_db_int(county, "SELECT count(*) FROM stele_quarantine WHERE "
					      "reason = 'chain' AND seq = 3", &n), 0);
	assert_int_equal(n, 1);
	stele_merge_free(m);

	/* Reopened: the cursor is where the commit left it. */
	assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk, STELE_MERGE_QUARANTINE), 0);
	assert_int_equal(stele_merge_last_seq(m), 1);
	assert_string_equal(stele_merge_last_commit(m), "c1");
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, c1, l1, "c1", true), 0);
	assert_int_equal(outcome, STELE_MERGE_DUPLICATE);
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, c2, l2, "c2", true), 0);
	assert_int_equal(outcome, STELE_MERGE_APPLIED);
	/* Not committed: freeing rolls the batch back. */
	stele_merge_free(m);
	assert_int_equal(stele_db_int(county, "SELECT last_seq FROM stele_stream", &n), 0);
	assert_int_equal(n, 1);

	assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk, STELE_MERGE_QUARANTINE), 0);
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, c2, l2, "c2", true), 0);
	assert_int_equal(outcome, STELE_MERGE_APPLIED);
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, forged, lf, "cf", true), 0);
	assert_int_equal(outcome, STELE_MERGE_QUARANTINED);
	assert_string_equal(stele_merge_quarantine_reason(m), "signature");
	assert_int_equal(stele_merge_commit(m), 0);
	stele_merge_free(m);
	assert_int_equal(stele_db_int(county, "SELECT count(*) FROM member WHERE name = 'c'", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(stele_db_int(county, "SELECT count(*) FROM stele_applied", &n), 0);
	assert_int_equal(n, 2);

	free(c1);
	free(c2);
	free(c3);
	free(forged);
	sqlite3_close(village);
	sqlite3_close(county);
}

/* Bytes that hang SQLite 3.40's changeset iterator, signed with the village's own
 * key: quarantined as "changes", promptly (a hang ends the test at the alarm). */
/* A commit of several change sets (a batch): the cursor's commit moves to it only
 * once its last change set is applied, so a merge stopped inside it (here: a
 * quarantine, then a retry) walks it again from its first one, and the ones
 * applied are duplicates. In both modes: one by one and combined. */
static void test_offer_batch_cursor(void **state)
{
	static const unsigned modes[] = { STELE_MERGE_QUARANTINE,
					   STELE_MERGE_QUARANTINE | STELE_MERGE_COMBINE };

	(void)state;
	for (size_t mode = 0; mode < 2; mode++) {
		sqlite3 *village = open_db(), *county = open_db();
		struct stele_merge *m = NULL;
		enum stele_merge_outcome outcome;
		unsigned char h1[STELE_HASH_BYTES], h2[STELE_HASH_BYTES], h3[STELE_HASH_BYTES];
		unsigned char *c1, *c2, *c3, *c4, *forged;
		size_t l1, l2, l3, l4, lf;
		long rows;
		int64_t n;

		c1 = encode(&l1, village, "INSERT INTO member (village_code, id, name) VALUES ('"
			    VILLAGE "', 'M1', 'a')", 1, NULL, sk);
		stele_cs_hash(h1, c1, l1);
		c2 = encode(&l2, village, "INSERT INTO member (village_code, id, name) VALUES ('"
			    VILLAGE "', 'M2', 'b')", 2, h1, sk);
		stele_cs_hash(h2, c2, l2);
		forged = encode(&lf, village, "INSERT INTO member (village_code, id, name) VALUES ('"
				VILLAGE "', 'M9', 'x')", 3, h2, other_sk);
		c3 = encode(&l3, village, "INSERT INTO member (village_code, id, name) VALUES ('"
			    VILLAGE "', 'M3', 'c')", 3, h2, sk);
		stele_cs_hash(h3, c3, l3);
		c4 = encode(&l4, village, "INSERT INTO member (village_code, id, name) VALUES ('"
			    VILLAGE "', 'M4', 'd')", 4, h3, sk);

		/* Commit A holds seq 1 alone; commit B a batch of 2, 3 (forged) and 4. */
		assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk, modes[mode]), 0);
		assert_int_equal(stele_merge_offer(&outcome, &rows, m, c1, l1, "A", true), 0);
		assert_int_equal(stele_merge_offer(&outcome, &rows, m, c2, l2, "B", false), 0);
		assert_int_equal(outcome, STELE_MERGE_APPLIED);
		assert_int_equal(stele_merge_offer(&outcome, &rows, m, forged, lf, "B", false), 0);
		/* Combined, its signature is verified when the pending ones are applied. */
		if (outcome != STELE_MERGE_QUARANTINED)
			assert_int_equal(stele_merge_flush(&outcome, m), 0);
		assert_int_equal(outcome, STELE_MERGE_QUARANTINED);
		assert_int_equal(stele_merge_commit(m), 0);
		stele_merge_free(m);
		/* Seq 2 is merged; B is not merged whole, so the cursor still names A. */
		assert_int_equal(stele_db_int(county, "SELECT last_seq FROM stele_stream", &n), 0);
		assert_int_equal(n, 2);
		assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk, modes[mode]), 0);
		assert_int_equal(stele_merge_last_seq(m), 2);
		assert_string_equal(stele_merge_last_commit(m), "A");
		/* The walk from A meets B again: 2 is a duplicate, 3 and 4 apply. */
		assert_int_equal(stele_merge_offer(&outcome, &rows, m, c2, l2, "B", false), 0);
		assert_int_equal(outcome, STELE_MERGE_DUPLICATE);
		assert_int_equal(stele_merge_offer(&outcome, &rows, m, c3, l3, "B", false), 0);
		assert_int_equal(outcome, STELE_MERGE_APPLIED);
		assert_int_equal(stele_merge_offer(&outcome, &rows, m, c4, l4, "B", true), 0);
		assert_int_equal(outcome, STELE_MERGE_APPLIED);
		assert_int_equal(stele_merge_commit(m), 0);
		stele_merge_free(m);
		assert_int_equal(stele_db_int(county, "SELECT last_seq FROM stele_stream", &n), 0);
		assert_int_equal(n, 4);
		assert_int_equal(stele_db_int(county, "SELECT count(*) FROM stele_stream WHERE "
						      "last_commit = 'B'", &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(stele_db_int(county, "SELECT count(*) FROM member", &n), 0);
		assert_int_equal(n, 4);
		/* Every applied change set names the commit it came in. */
		assert_int_equal(stele_db_int(county, "SELECT count(*) FROM stele_applied WHERE "
						      "commit_id = 'B'", &n), 0);
		assert_int_equal(n, 3);
		free(c1);
		free(c2);
		free(c3);
		free(c4);
		free(forged);
		sqlite3_close(village);
		sqlite3_close(county);
	}
}

static void test_offer_hang(void **state)
{
	static const unsigned char hang[] = "T\x02\x01\x00garbage";
	sqlite3 *county = open_db();
	struct stele_merge *m = NULL;
	struct stele_changeset cs = { 0 };
	enum stele_merge_outcome outcome;
	unsigned char *enc = NULL;
	size_t enc_len = 0;
	long rows = -1;
	int64_t n;

	(void)state;
	cs.format = STELE_CS_FORMAT;
	cs.schema = (unsigned)stele_schema_version();
	cs.seq = 1;
	strcpy(cs.writer, VILLAGE);
	cs.summary = "1 member added";
	cs.changes = (unsigned char *)hang;
	cs.changes_len = sizeof(hang) - 1;
	assert_int_equal(stele_cs_encode(&enc, &enc_len, &cs, sk), 0);
	alarm(20);
	assert_int_equal(stele_merge_open(&m, county, VILLAGE, pk, STELE_MERGE_QUARANTINE), 0);
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, enc, enc_len, "c1", true), 0);
	assert_int_equal(outcome, STELE_MERGE_QUARANTINED);
	assert_string_equal(stele_merge_quarantine_reason(m), "changes");
	assert_non_null(strstr(stele_merge_quarantine_detail(m), "not NUL-terminated"));
	assert_int_equal(stele_merge_commit(m), 0);
	stele_merge_free(m);
	/* The raw-bytes check refuses them too. */
	{
		const char *reason = NULL;

		assert_int_equal(stele_merge_check_changes(&reason, county, VILLAGE, hang,
							   sizeof(hang) - 1), STELE_EVERIFY);
		assert_string_equal(reason, "changes");
	}
	alarm(0);
	assert_int_equal(stele_db_int(county, "SELECT count(*) FROM stele_quarantine WHERE "
					      "reason = 'changes'", &n), 0);
	assert_int_equal(n, 1);
	free(enc);
	sqlite3_close(county);
}

/* The stream checks on decoded change sets: writer, chain, schema, in that order. */
static void test_stream_check(void **state)
{
	sqlite3 *db = open_db();
	struct stele_changeset cs = { .format = 1, .schema = 1, .seq = 2 };
	struct stele_stream s;
	const char *reason = NULL;
	long rows = -1;
	int len = 0;

	(void)state;
	assert_int_equal(stele_stream_init(&s, db, VILLAGE), 0);
	s.last_seq = 1;
	memset(s.last_hash, 9, sizeof(s.last_hash));
	strcpy(cs.writer, VILLAGE);
	memcpy(cs.prev_hash, s.last_hash, STELE_HASH_BYTES);
	assert_int_equal(stele_stream_check(&reason, &rows, &s, &cs), 0);
	assert_int_equal(rows, 0);
	strcpy(cs.writer, OTHER);
	assert_int_equal(stele_stream_check(&reason, &rows, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "writer");
	assert_non_null(strstr(stele_error_message(), "names writer " OTHER ", not " VILLAGE));
	strcpy(cs.writer, VILLAGE);
	s.last_seq = 2;
	assert_int_equal(stele_stream_check(&reason, &rows, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "chain");
	assert_non_null(strstr(stele_error_message(), "repeated or out of order"));
	s.last_seq = 0;
	assert_int_equal(stele_stream_check(&reason, &rows, &s, &cs), STELE_EVERIFY);
	assert_non_null(strstr(stele_error_message(), "change sets 1..1 are missing"));
	s.last_seq = 1;
	s.last_hash[0] = 8;
	assert_int_equal(stele_stream_check(&reason, &rows, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "chain");
	assert_non_null(strstr(stele_error_message(), "does not name seq 1's hash"));
	memcpy(s.last_hash, cs.prev_hash, STELE_HASH_BYTES);
	cs.schema = (unsigned)stele_schema_version() + 1;
	assert_int_equal(stele_stream_check(&reason, &rows, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "schema");
	/* The rows last, their message naming the seq. */
	cs.schema = 1;
	cs.changes = capture(&len, db, "INSERT INTO member (village_code, id, name) VALUES ('"
			     OTHER "', 'M1', 'a')");
	cs.changes_len = (size_t)len;
	assert_int_equal(stele_stream_check(&reason, &rows, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "ownership");
	assert_non_null(strstr(stele_error_message(), "seq 2: row change 1 (insert of member) "
						      "carries village_code '" OTHER "', not " VILLAGE));
	sqlite3_free(cs.changes);
	sqlite3_close(db);
}

/* A conflict applies nothing and leaves the caller's transaction as it was. */
static void test_stream_apply_conflict(void **state)
{
	sqlite3 *src = open_db(), *db = open_db();
	struct stele_changeset cs = { .format = 1, .schema = 1, .seq = 4 };
	struct stele_stream s;
	const char *reason = NULL;
	int len = 0;
	int64_t n;

	(void)state;
	strcpy(cs.writer, VILLAGE);
	cs.changes = capture(&len, src, "INSERT INTO member (village_code, id, name) VALUES ('"
			     VILLAGE "', 'M1', 'a'), ('" VILLAGE "', 'M2', 'b')");
	cs.changes_len = (size_t)len;
	assert_int_equal(stele_stream_init(&s, db, VILLAGE), 0);
	exec(db, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE "', 'M2', 'x')");
	assert_int_equal(stele_db_begin(db), 0);
	exec(db, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE "', 'M9', 'y')");
	assert_int_equal(stele_stream_apply(&reason, &s, &cs), STELE_EVERIFY);
	assert_string_equal(reason, "conflict");
	assert_non_null(strstr(stele_error_message(), "seq 4: a row change of member does not apply: "
						      "the row it adds already exists here"));
	assert_int_equal(stele_db_commit(db), 0);
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM member", &n), 0);
	assert_int_equal(n, 2);
	exec(db, "DELETE FROM member WHERE id = 'M2'");
	assert_int_equal(stele_stream_apply(&reason, &s, &cs), 0);
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM member", &n), 0);
	assert_int_equal(n, 3);
	sqlite3_free(cs.changes);
	sqlite3_close(src);
	sqlite3_close(db);
}

/* Without STELE_MERGE_QUARANTINE (the agent), a refusal is an error with the same
 * words, and nothing of the batch is kept. */
static void test_offer_without_quarantine(void **state)
{
	sqlite3 *village = open_db(), *db = open_db();
	struct stele_merge *m = NULL;
	enum stele_merge_outcome outcome;
	unsigned char h1[STELE_HASH_BYTES], *c1, *c3;
	size_t l1, l3;
	long rows = -1;
	int64_t n;

	(void)state;
	c1 = encode(&l1, village, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE
		    "', 'M1', 'a')", 1, NULL, sk);
	stele_cs_hash(h1, c1, l1);
	c3 = encode(&l3, village, "INSERT INTO member (village_code, id, name) VALUES ('" VILLAGE
		    "', 'M3', 'c')", 3, h1, sk);
	assert_int_equal(stele_merge_open(&m, db, VILLAGE, pk, 0), 0);
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, c1, l1, "c1", true), 0);
	assert_int_equal(outcome, STELE_MERGE_APPLIED);
	assert_int_equal(stele_merge_offer(&outcome, &rows, m, c3, l3, "c3", true), STELE_EVERIFY);
	assert_string_equal(stele_error_message(), "seq 3 follows seq 1: change sets 2..2 are missing");
	assert_string_equal(stele_merge_quarantine_reason(m), "chain");
	stele_merge_free(m);
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM member", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM stele_quarantine", &n), 0);
	assert_int_equal(n, 0);
	free(c1);
	free(c3);
	sqlite3_close(village);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_village_rows),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_county_scope),
		cmocka_unit_test(test_city),
		cmocka_unit_test(test_rekey_veto),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_offer),
		cmocka_unit_test(test_offer_batch_cursor),
		cmocka_unit_test(test_offer_hang),
		cmocka_unit_test(test_stream_check),
		cmocka_unit_test(test_stream_apply_conflict),
		cmocka_unit_test(test_offer_without_quarantine),
	};

	return cmocka_run_group_tests(tests, setup_keys, NULL);
}
