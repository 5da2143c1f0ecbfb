/* test-history.c: the county's past states (lib/history.c): epochs, the shadow
 * history its triggers keep, the as-of and draft views. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "history.h"
#include "rules.h"

static sqlite3 *new_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_rules_install_defaults(db), 0);
	assert_int_equal(stele_history_install(db), 0);
	return db;
}

static void sql(sqlite3 *db, const char *text)
{
	if (stele_db_exec(db, text) < 0)
		fail_msg("%s: %s", text, stele_error_message());
}

static int64_t epoch(sqlite3 *db)
{
	int64_t e = 0;

	assert_int_equal(stele_history_epoch(&e, db, "test"), 0);
	return e;
}

static int64_t count(sqlite3 *db, const char *text)
{
	int64_t n = -1;

	assert_int_equal(stele_db_int(db, text, &n), 0);
	return n;
}

/* The names of the members as a ranking would read them: "a,b". */
static char *names(sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	char *out = calloc(1, 256);

	assert_int_equal(stele_db_prepare(db, &stmt, "SELECT coalesce(group_concat(name || ':' || "
						     "status, ','), '') FROM (SELECT * FROM member ORDER BY id)"), 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	snprintf(out, 256, "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return out;
}

static void expect_as_of(sqlite3 *db, int64_t e, const char *want)
{
	assert_int_equal(stele_view_open(db, STELE_VIEW_AS_OF, e), 0);
	char *got = names(db);
	stele_view_close(db, STELE_VIEW_AS_OF);
	if (strcmp(got, want) != 0)
		fail_msg("as of epoch %lld: got '%s', want '%s'", (long long)e, got, want);
	free(got);
}

static void test_as_of(void **state)
{
	sqlite3 *db = new_db();
	int64_t e1, e2, e3, e4;

	(void)state;
	e1 = epoch(db);
	sql(db, "INSERT INTO member (village_code, id, name) VALUES ('990101001201', 'M1', 'a'), "
		"('990101001201', 'M2', 'b')");
	e2 = epoch(db);
	sql(db, "UPDATE member SET status = 'flowing' WHERE id = 'M1'");
	sql(db, "INSERT INTO member (village_code, id, name) VALUES ('990101001201', 'M3', 'c')");
	e3 = epoch(db);
	sql(db, "DELETE FROM member WHERE id = 'M2'");
	e4 = epoch(db);
	/* within one epoch, three changes of a row leave one version */
	sql(db, "UPDATE member SET name = 'x' WHERE id = 'M3'");
	sql(db, "UPDATE member SET name = 'y' WHERE id = 'M3'");
	sql(db, "UPDATE member SET name = 'z' WHERE id = 'M3'");
	assert_int_equal(count(db, "SELECT count(*) FROM member_hist WHERE id = 'M3'"), 1);
	/* only replaced versions are kept: M1 before its update, M2 before its delete,
	 * M3 before epoch 4's updates */
	assert_int_equal(count(db, "SELECT count(*) FROM member_hist"), 3);
	expect_as_of(db, 0, "");
	expect_as_of(db, e1, "a:active,b:active");
	expect_as_of(db, e2, "a:flowing,b:active,c:active");
	expect_as_of(db, e3, "a:flowing,c:active");
	expect_as_of(db, e4, "a:flowing,z:active");
	/* the live tables are back after the view closes, and still kept */
	char *live = names(db);
	assert_string_equal(live, "a:flowing,z:active");
	free(live);
	assert_int_equal(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
				   "AND name LIKE 'member_hist_%'"), 3);
	int64_t e5 = epoch(db);
	sql(db, "UPDATE member SET name = 'w' WHERE id = 'M3'");
	epoch(db);
	expect_as_of(db, e5, "a:flowing,w:active");
	expect_as_of(db, e4, "a:flowing,z:active");
	/* a view that cannot open leaves nothing behind */
	sql(db, "DROP TABLE member_since");
	assert_int_equal(stele_view_open(db, STELE_VIEW_AS_OF, e1), STELE_EFAIL);
	live = names(db);
	assert_string_equal(live, "a:flowing,w:active");
	free(live);
	stele_db_close(db);
}

/* A rowid SQLite gives again after the newest row was deleted does not make the
 * new row look older than it is; an upsert keeps the version it replaced. */
static void test_rowid_again_and_upsert(void **state)
{
	sqlite3 *db = new_db();
	int64_t e1, e2, e3;

	(void)state;
	e1 = epoch(db);
	sql(db, "INSERT INTO member (village_code, id, name) VALUES ('990101001201', 'M1', 'a'), "
		"('990101001201', 'M2', 'b')");
	e2 = epoch(db);
	sql(db, "DELETE FROM member WHERE id = 'M2'");
	e3 = epoch(db);
	sql(db, "INSERT INTO member (village_code, id, name) VALUES ('990101001201', 'M9', 'n')");
	assert_int_equal(count(db, "SELECT rowid FROM member WHERE id = 'M9'"), 2);
	sql(db, "INSERT INTO member (village_code, id, name) VALUES ('990101001201', 'M1', 'u') "
		"ON CONFLICT (village_code, id) DO UPDATE SET name = excluded.name");
	expect_as_of(db, e1, "a:active,b:active");
	expect_as_of(db, e2, "a:active");
	expect_as_of(db, e3, "u:active,n:active");
	/* an epoch opened while nothing changed reads as the one before */
	int64_t e4 = epoch(db), e5 = epoch(db);
	sql(db, "UPDATE member SET status = 'flowing' WHERE id = 'M9'");
	expect_as_of(db, e4, "u:active,n:active");
	expect_as_of(db, e5, "u:active,n:flowing");
	stele_db_close(db);
}

/* The sources of a village's income as a ranking would read them: "I1:A,I2:B". */
static char *sources(sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	char *out = calloc(1, 256);

	assert_int_equal(stele_db_prepare(db, &stmt, "SELECT coalesce(group_concat(id || ':' || "
						     "source, ','), '') FROM (SELECT * FROM income ORDER BY id)"), 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	snprintf(out, 256, "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return out;
}

/* Two rows that swapped a unique value since: turning them back in place meets
 * the constraint midway, and the past state still reads right (the fast undo
 * gives way to the careful one, which gives way to delete and insert), with
 * nothing left behind. */
static void test_unique_swap(void **state)
{
	sqlite3 *db = new_db();
	int64_t e1;
	char *got;

	(void)state;
	e1 = epoch(db);
	sql(db, "INSERT INTO income (village_code, id, period, amount, source) VALUES "
		"('990101001201', 'I1', '2026-01', 100, 'A'), "
		"('990101001201', 'I2', '2026-01', 200, 'B')");
	epoch(db);
	sql(db, "UPDATE income SET source = 'X' WHERE id = 'I1'; "
		"UPDATE income SET source = 'A' WHERE id = 'I2'; "
		"UPDATE income SET source = 'B' WHERE id = 'I1'");
	epoch(db);
	if (stele_view_open(db, STELE_VIEW_AS_OF, e1) < 0)
		fail_msg("as of epoch %lld: %s", (long long)e1, stele_error_message());
	got = sources(db);
	stele_view_close(db, STELE_VIEW_AS_OF);
	assert_string_equal(got, "I1:A,I2:B");
	free(got);
	got = sources(db);
	assert_string_equal(got, "I1:B,I2:A");
	free(got);
	assert_int_equal(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
				   "AND name LIKE 'income_hist_%'"), 3);
	/* CHECK constraints, not checked while turning back, hold again after */
	assert_int_equal(count(db, "PRAGMA ignore_check_constraints"), 0);
	assert_int_equal(stele_db_exec(db, "UPDATE point_rule SET active = 2"), STELE_EFAIL);
	stele_db_close(db);
}

static void test_install_backfills_and_is_idempotent(void **state)
{
	sqlite3 *db = NULL;

	(void)state;
	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_rules_install_defaults(db), 0);
	sql(db, "INSERT INTO village VALUES ('990101001201', '村', '990101001', '镇')");
	assert_int_equal(stele_history_install(db), 0);
	assert_int_equal(stele_history_install(db), 0);
	/* rows already there are of epoch 0 and cost nothing */
	assert_int_equal(count(db, "SELECT count(*) FROM village_hist"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM village_since"), 0);
	assert_int_equal(stele_view_open(db, STELE_VIEW_AS_OF, 0), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM village"), 1);
	stele_view_close(db, STELE_VIEW_AS_OF);
	assert_int_equal(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
				   "AND name LIKE 'village_hist_%'"), 3);
	stele_db_close(db);
}

static void test_resolve(void **state)
{
	sqlite3 *db = new_db();
	int64_t e = 0, run = 0;

	(void)state;
	epoch(db);
	sql(db, "INSERT INTO stele_run (id, epoch, started_at, finished_at) VALUES (1, 1, 0, 1), "
		"(2, 1, 0, NULL)");
	assert_int_equal(stele_history_resolve(&e, &run, db, "1"), 0);
	assert_int_equal(e, 1);
	assert_int_equal(run, 1);
	assert_int_equal(stele_history_resolve(&e, &run, db, "2"), STELE_EINVALID);
	assert_non_null(strstr(stele_error_message(), "did not finish"));
	assert_int_equal(stele_history_resolve(&e, &run, db, "3"), STELE_EINVALID);
	assert_int_equal(stele_history_resolve(&e, &run, db, "2026-13-01"), STELE_EUSAGE);
	assert_int_equal(stele_history_resolve(&e, &run, db, "2026-10-01T25:00"), STELE_EUSAGE);
	assert_int_equal(stele_history_resolve(&e, &run, db, "1970-01-01"), STELE_EINVALID);
	assert_int_equal(stele_history_resolve(&e, &run, db, "2999-01-01T00:00:00"), 0);
	assert_int_equal(e, 1);
	stele_db_close(db);
}

static void test_draft_view(void **state)
{
	sqlite3 *db = new_db();
	static const char draft[] = "key,value\nweight.task,100\n";
	long long v = 0;

	(void)state;
	assert_int_equal(stele_rules_draft_put(db, STELE_RULES_CONFIG, "d.csv", draft,
					       sizeof(draft) - 1), 0);
	assert_int_equal(stele_config_get(&v, db, "weight.task"), 0);
	assert_int_equal(v, 25);
	assert_int_equal(stele_view_open(db, STELE_VIEW_DRAFT, 0), 0);
	assert_int_equal(stele_config_get(&v, db, "weight.task"), 0);
	assert_int_equal(v, 100);
	stele_view_close(db, STELE_VIEW_DRAFT);
	assert_int_equal(stele_config_get(&v, db, "weight.task"), 0);
	assert_int_equal(v, 25);
	/* a refused draft is not kept */
	static const char bad[] = "key,value\nweight.nothing,1\n";
	assert_int_equal(stele_rules_draft_put(db, STELE_RULES_CONFIG, "b.csv", bad, sizeof(bad) - 1),
			 STELE_EINVALID);
	assert_int_equal(count(db, "SELECT count(*) FROM stele_rules_draft WHERE file = 'd.csv'"), 1);
	int n = 0;
	assert_int_equal(stele_rules_drafts_discard(&n, db), 0);
	assert_int_equal(n, 1);
	stele_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_as_of),
		cmocka_unit_test(test_rowid_again_and_upsert),
		cmocka_unit_test(test_unique_swap),
		cmocka_unit_test(test_install_backfills_and_is_idempotent),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_draft_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
