/* test-apply.c: lib/apply.c: a changeset applied through kept statements leaves
 * the database as sqlite3changeset_apply does (rows, rowids, the history its
 * triggers keep), refuses what SQLite would not apply cleanly with nothing left of
 * it, honours the table filter, and prepares each statement once. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "unit.h"
#include "unit-sql.h"

#include "apply.h"
#include "buf.h"
#include "db.h"
#include "error.h"
#include "history.h"
#include "rules.h"

#define V "'990101001201'"

/* The rows both sides start with. */
#define ROWS "INSERT INTO member (village_code, id, name) VALUES (" V ", 'M1', 'a'), (" V \
	", 'M2', 'b'); INSERT INTO income (village_code, id, period, amount, source) VALUES (" \
	V ", 'I1', '2026-09', 100, '集体'), (" V ", 'I2', '2026-10', 50, '集体')"

/* A county database with its history installed, an epoch open, and a few rows. */
static sqlite3 *county(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_rules_install_defaults(db), 0);
	assert_int_equal(stele_history_install(db), 0);
	exec(db, ROWS);
	exec(db, "BEGIN");
	assert_int_equal(stele_history_epoch(NULL, db, "test"), 0);
	return db;
}

/* Every row of every table of db, rowids included, as text (caller frees); the
 * epochs' times, which are the clock's, left out. */
static char *dump(sqlite3 *db)
{
	struct stele_buf out = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	sqlite3_stmt *tables = NULL;

	assert_int_equal(stele_db_prepare(db, &tables, "SELECT name FROM sqlite_schema WHERE "
					  "type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'stele_epoch' "
					  "ORDER BY name"), 0);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		char *sql = sqlite3_mprintf("SELECT rowid, * FROM \"%w\" ORDER BY rowid", name);
		sqlite3_stmt *rows = NULL;

		/* WITHOUT ROWID tables have no rowid: their rows in key order. */
		if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK) {
			sqlite3_free(sql);
			sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
			assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
		}
		sqlite3_free(sql);
		stele_buf_printf(&out, "%s:\n", name);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(rows); i++)
				stele_buf_printf(&out, "%s|", sqlite3_column_type(rows, i) == SQLITE_NULL ?
						 "NULL" : (const char *)sqlite3_column_text(rows, i));
			stele_buf_putc(&out, '\n');
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	return stele_buf_detach(&out, NULL);
}

/* The changes sql makes to the rows county() starts with, in a database without
 * the history (whose triggers' rows the target writes itself). Caller
 * sqlite3_free()s. */
static void *changes_of(int *len, const char *sql)
{
	sqlite3 *src = NULL;
	void *changes;

	assert_int_equal(stele_db_open(&src, ":memory:", STELE_DB_CREATE), 0);
	exec(src, ROWS);
	changes = capture(len, src, sql);
	stele_db_close(src);
	return changes;
}

#define EVENT(id, member) "INSERT INTO point_event (village_code, id, member_id, rule_code, " \
	"occurred_on, points) VALUES (" V ", '" id "', '" member "', 'B01', '2026-09-01', 10)"

/* A clerk's mix: new rows in two tables, updates of two kinds, a delete. */
#define MIX "INSERT INTO member (village_code, id, name) VALUES (" V ", 'M3', 'c'); " \
	EVENT("E1", "M3") "; " EVENT("E2", "M1") "; UPDATE member SET name = 'bb' WHERE id = 'M2'; " \
	"UPDATE member SET name = 'aa', born = 1970 WHERE id = 'M1'; " \
	"UPDATE income SET amount = 60 WHERE id = 'I2'; DELETE FROM income WHERE id = 'I1'"

static int skip_member(void *arg, const char *table)
{
	(void)arg;
	return strcmp(table, "member") != 0;
}

/* Applies changes both ways (with filter) and checks the two databases agree. */
static void same_as_sqlite(const void *changes, int len, int (*filter)(void *, const char *))
{
	sqlite3 *ours = county(), *theirs = county();
	struct stele_apply *a = NULL;
	bool clean = false;

	assert_int_equal(stele_apply_new(&a, ours), 0);
	assert_int_equal(stele_apply_changes(&clean, a, changes, (size_t)len, filter, NULL), 0);
	assert_true(clean);
	assert_int_equal(sqlite3changeset_apply(theirs, len, (void *)changes, filter, NULL, NULL),
			 SQLITE_OK);
	char *x = dump(ours), *y = dump(theirs);
	assert_string_equal(x, y);
	free(x);
	free(y);
	stele_apply_free(a);
	exec(ours, "COMMIT");
	stele_db_close(ours);
	stele_db_close(theirs);
}

static void test_same_rows_as_sqlite(void **state)
{
	int len = 0;
	void *changes = changes_of(&len, MIX);

	(void)state;
	same_as_sqlite(changes, len, NULL);
	/* The filter leaves out a table, as SQLite's does. */
	sqlite3_free(changes);
	changes = changes_of(&len, "UPDATE member SET name = 'x' WHERE id = 'M2'; "
			     "UPDATE income SET amount = 1 WHERE id = 'I1'");
	same_as_sqlite(changes, len, skip_member);
	sqlite3_free(changes);
}

/* What SQLite would not apply cleanly is not applied, and nothing of it is left. */
static void refused(const char *before, const char *sql)
{
	int len = 0;
	void *changes = changes_of(&len, sql);
	sqlite3 *db = county();
	struct stele_apply *a = NULL;
	bool clean = true;

	exec(db, before);
	char *was = dump(db);
	assert_int_equal(stele_apply_new(&a, db), 0);
	assert_int_equal(stele_apply_changes(&clean, a, changes, (size_t)len, NULL, NULL), 0);
	assert_false(clean);
	char *is = dump(db);
	assert_string_equal(was, is);
	/* And the apply still works after a refusal. */
	sqlite3_free(changes);
	changes = changes_of(&len, "UPDATE income SET amount = 2 WHERE id = 'I2'");
	assert_int_equal(stele_apply_changes(&clean, a, changes, (size_t)len, NULL, NULL), 0);
	assert_true(clean);
	free(was);
	free(is);
	sqlite3_free(changes);
	stele_apply_free(a);
	exec(db, "COMMIT");
	stele_db_close(db);
}

static void test_refuses_what_sqlite_would(void **state)
{
	(void)state;
	/* An update whose old value is not the row's (a data conflict). */
	refused("UPDATE member SET name = 'z' WHERE id = 'M2'", MIX);
	/* A delete of a row that is not there. */
	refused("DELETE FROM income WHERE id = 'I1'", MIX);
	/* An insert of a key that is there. */
	refused("INSERT INTO member (village_code, id, name) VALUES (" V ", 'M3', 'q')", MIX);
	/* A foreign key left violated: the event's member is not in this database. */
	refused("DELETE FROM member WHERE id = 'M1'", EVENT("E7", "M1"));
	/* The same, with the transaction's foreign keys deferred: the statement passes,
	 * the violation is counted, and the apply is still not clean. */
	refused("DELETE FROM member WHERE id = 'M1'; PRAGMA defer_foreign_keys = ON",
		EVENT("E7", "M1"));
	/* A UNIQUE value taken (one row per month and source). */
	refused("INSERT INTO income (village_code, id, period, amount, source) VALUES (" V
		", 'I9', '2026-12', 1, '光伏')", "INSERT INTO income (village_code, id, period, "
		"amount, source) VALUES (" V ", 'I8', '2026-12', 5, '光伏')");
}

/* A table whose shape is not the changeset's is left to SQLite. */
static void test_other_shape(void **state)
{
	sqlite3 *src = NULL, *db = NULL;
	struct stele_apply *a = NULL;
	bool clean = true;
	int len = 0;
	void *changes;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &src), SQLITE_OK);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	exec(src, "CREATE TABLE t (a TEXT PRIMARY KEY, b TEXT)");
	exec(db, "CREATE TABLE t (a TEXT PRIMARY KEY, b TEXT, c TEXT)");
	changes = capture(&len, src, "INSERT INTO t VALUES ('k', 'v')");
	assert_int_equal(stele_apply_new(&a, db), 0);
	assert_int_equal(stele_apply_changes(&clean, a, changes, (size_t)len, NULL, NULL), 0);
	assert_false(clean);
	/* Another primary key: also left alone. */
	exec(db, "DROP TABLE t; CREATE TABLE t (a TEXT, b TEXT PRIMARY KEY)");
	stele_apply_free(a);
	assert_int_equal(stele_apply_new(&a, db), 0);
	clean = true;
	assert_int_equal(stele_apply_changes(&clean, a, changes, (size_t)len, NULL, NULL), 0);
	assert_false(clean);
	int64_t n = -1;
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM t", &n), 0);
	assert_int_equal(n, 0);
	sqlite3_free(changes);
	stele_apply_free(a);
	sqlite3_close(src);
	sqlite3_close(db);
}

/* The prepared statements on db. */
static int statements(sqlite3 *db)
{
	int n = 0;

	for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s; s = sqlite3_next_stmt(db, s))
		n++;
	return n;
}

/* The point of the module: a second apply of the same kinds of change prepares
 * nothing new. */
static void test_statements_kept(void **state)
{
	sqlite3 *db = county();
	struct stele_apply *a = NULL;
	bool clean = false;
	int len = 0, len2 = 0;
	void *one = changes_of(&len, EVENT("E1", "M1") "; UPDATE member SET name = 'x' WHERE id = 'M2'");
	void *two = changes_of(&len2, EVENT("E2", "M2") "; UPDATE member SET name = 'y' WHERE id = 'M1'");

	(void)state;
	assert_int_equal(stele_apply_new(&a, db), 0);
	assert_int_equal(stele_apply_changes(&clean, a, one, (size_t)len, NULL, NULL), 0);
	assert_true(clean);
	int after_one = statements(db);
	assert_int_equal(stele_apply_changes(&clean, a, two, (size_t)len2, NULL, NULL), 0);
	assert_true(clean);
	assert_int_equal(statements(db), after_one);
	int64_t n = -1;
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM point_event", &n), 0);
	assert_int_equal(n, 2);
	sqlite3_free(one);
	sqlite3_free(two);
	stele_apply_free(a);
	assert_int_equal(statements(db), 0);
	exec(db, "COMMIT");
	stele_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_rows_as_sqlite),
		cmocka_unit_test(test_refuses_what_sqlite_would),
		cmocka_unit_test(test_other_shape),
		cmocka_unit_test(test_statements_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
