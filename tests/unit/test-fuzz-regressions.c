/* test-fuzz-regressions.c: the inputs the fuzzers (tests/fuzz/) found problems
 * with, kept as ordinary unit tests so they run even where clang's libFuzzer is
 * missing. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "unit.h"
#include "changeset.h"
#include "csv.h"
#include "db.h"
#include "error.h"
#include "rules.h"
#include "summary.h"

static unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];

static int setup_keys(void **state)
{
	unsigned char seed[32] = { 0 };

	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

/* Encodes changes as a village's change set and decodes it with the key:
 * returns decode's code, *fault its fault. */
static int round_trip(const void *changes, size_t len, enum stele_cs_fault *fault)
{
	struct stele_changeset cs = { 0 }, *back = NULL;
	unsigned char *encoded = NULL;
	size_t encoded_len = 0;
	int rc;

	cs.format = STELE_CS_FORMAT;
	cs.schema = 1;
	cs.seq = 1;
	strcpy(cs.writer, "990101001201");
	cs.summary = (char *)"fuzz";
	cs.changes = (unsigned char *)changes;
	cs.changes_len = len;
	assert_int_equal(stele_cs_encode(&encoded, &encoded_len, &cs, sk), 0);
	*fault = STELE_CS_FAULT_NONE;
	rc = stele_cs_decode(&back, fault, encoded, encoded_len, pk);
	stele_cs_free(back);
	free(encoded);
	return rc;
}

/*
 * SQLite 3.40's changeset iterator never returns on a table header whose name
 * runs to the end of the input (found by fuzz-changes in 10 bytes). Signed by a
 * village, such a change set would stop the county's merge for good; the decoder
 * and the summarizer must refuse it instead.
 */
static void test_unterminated_table_name(void **state)
{
	static const unsigned char found[] = { 'T', 0x08, 'T', 0x08, 0x01, 0x02, 0x00, 0x01, 0x00, 0x02 };
	static const unsigned char shortest[] = { 'T', 0x01, 0x01, 'x' };
	enum stele_cs_fault fault;
	char *summary = NULL;

	(void)state;
	assert_int_equal(round_trip(found, sizeof(found), &fault), STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	assert_non_null(strstr(stele_error_message(), "row changes: byte"));
	assert_int_equal(round_trip(shortest, sizeof(shortest), &fault), STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	assert_int_equal(stele_cs_summarize(&summary, found, sizeof(found)), STELE_EINVALID);
	assert_int_equal(stele_cs_summarize(&summary, shortest, sizeof(shortest)), STELE_EINVALID);
	assert_null(summary);
}

/* A row change cut after its op byte, and one cut inside a value, are refused
 * before SQLite reads past the end. */
static void test_cut_row_changes(void **state)
{
	static const unsigned char header[] = { 'T', 0x02, 0x01, 0x00, 'v', 'e', 't', 'o', '_', 'i',
						't', 'e', 'm', 0x00 };
	unsigned char bytes[64];
	enum stele_cs_fault fault;
	size_t n;

	(void)state;
	memcpy(bytes, header, sizeof(header));
	n = sizeof(header);
	bytes[n++] = SQLITE_INSERT;
	assert_int_equal(round_trip(bytes, n, &fault), STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	bytes[n++] = 0;                /* indirect */
	bytes[n++] = SQLITE_TEXT;
	bytes[n++] = 5;                /* 5 bytes of text follow, but only 2 do */
	bytes[n++] = 'V';
	bytes[n++] = '1';
	assert_int_equal(round_trip(bytes, n, &fault), STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	/* Completed, the same bytes are a valid change: the check refuses no more. */
	n -= 3;
	bytes[n++] = 2;
	bytes[n++] = 'V';
	bytes[n++] = '1';
	bytes[n++] = SQLITE_TEXT;
	bytes[n++] = 3;
	memcpy(bytes + n, "\xe6\xb5\x8b", 3);
	n += 3;
	assert_int_equal(round_trip(bytes, n, &fault), 0);
}

/*
 * An UPDATE whose old record lacks a key column (fuzz-ownership): SQLite 3.40's
 * apply dereferences NULL on it (the county's ranking_config, 31 bytes), or, when
 * another key column is there, changes nothing and reports success — a village's
 * change set "applied" at the county without effect. The decoder refuses both, and
 * an UPDATE that gives a key a new value, or changes a column on one side only.
 */
static void test_update_shapes(void **state)
{
	static const unsigned char county_crash[] = {
		'T', 0x02, 0x01, 0x00, 'r', 'a', 'n', 'k', 'i', 'n', 'g', '_', 'c', 'o', 'n', 'f',
		'i', 'g', 0x00, SQLITE_UPDATE, 0x00, 0x00, SQLITE_TEXT, 0x02, '8', '0', 0x00,
		SQLITE_TEXT, 0x02, '8', '5'
	};
	/* member (village_code, id, name, ...): the old id missing, then well formed. */
	unsigned char bytes[96];
	static const unsigned char member_pk[8] = { 1, 2, 0, 0, 0, 0, 0, 0 }; /* key places */
	enum stele_cs_fault fault;
	size_t n = 0, old_id;

	(void)state;
	assert_int_equal(round_trip(county_crash, sizeof(county_crash), &fault), STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	assert_non_null(strstr(stele_error_message(), "row changes: byte"));

	bytes[n++] = 'T';
	bytes[n++] = 8;
	memcpy(bytes + n, member_pk, 8);
	n += 8;
	memcpy(bytes + n, "member", 7);
	n += 7;
	bytes[n++] = SQLITE_UPDATE;
	bytes[n++] = 0;
	bytes[n++] = SQLITE_TEXT;                        /* old: village_code */
	bytes[n++] = 12;
	memcpy(bytes + n, "990101001201", 12);
	n += 12;
	old_id = n;
	bytes[n++] = 0;                                  /* old: id missing */
	bytes[n++] = 0;
	bytes[n++] = SQLITE_TEXT;                        /* old: name */
	bytes[n++] = 1;
	bytes[n++] = 'a';
	memset(bytes + n, 0, 5);
	n += 5;
	bytes[n++] = 0;                                  /* new: keys undefined */
	bytes[n++] = 0;
	bytes[n++] = SQLITE_TEXT;                        /* new: name */
	bytes[n++] = 1;
	bytes[n++] = 'b';
	memset(bytes + n, 0, 5);
	n += 5;
	assert_int_equal(round_trip(bytes, n, &fault), STELE_EVERIFY);
	assert_int_equal(fault, STELE_CS_FAULT_CHANGES);
	assert_non_null(strstr(stele_error_message(), "row changes: byte"));
	/* The same with the old id given is what SQLite writes: accepted. */
	memmove(bytes + old_id + 7, bytes + old_id + 2, n - old_id - 2);
	bytes[old_id] = SQLITE_TEXT;
	bytes[old_id + 1] = 5;
	memcpy(bytes + old_id + 2, "M0001", 5);
	n += 5;
	assert_int_equal(round_trip(bytes, n, &fault), 0);
}

/*
 * A standard-items file listing a code twice was accepted when the rows summed to
 * 100.0, though the table then held only the later row (fuzz-rules): the active
 * items no longer summed to 100. A code listed twice is refused, naming both lines.
 */
static void test_rules_duplicate_code(void **state)
{
	static const char file[] = "code,name,max_score\n"
				   "S1,班子,20.0\nS2,队伍,30.0\nS3,机制,30.0\nS2,阵地,20.0\n";
	struct stele_csv *csv = NULL;
	sqlite3 *db = NULL;
	int64_t sum = 0;

	(void)state;
	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_db_begin(db), 0);
	assert_int_equal(stele_rules_install_defaults(db), 0);
	assert_int_equal(stele_csv_open_mem(&csv, "items.csv", file, sizeof(file) - 1), 0);
	assert_int_equal(stele_rules_import(db, STELE_RULES_STANDARD_ITEMS, csv), STELE_EINVALID);
	assert_string_equal(stele_error_message(),
			    "items.csv:5:1: 'S2' is listed twice (first on line 3)");
	assert_int_equal(stele_db_int(db, "SELECT sum(max_score) FROM standard_item WHERE active = 1",
				      &sum), 0);
	assert_int_equal(sum, 1000);
	stele_csv_free(csv);
	stele_db_rollback(db);
	stele_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unterminated_table_name),
		cmocka_unit_test(test_cut_row_changes),
		cmocka_unit_test(test_update_shapes),
		cmocka_unit_test(test_rules_duplicate_code),
	};

	/* A regression of the first case hangs rather than fails: make it a failure. */
	alarm(60);
	return cmocka_run_group_tests(tests, setup_keys, NULL);
}
