/* test-db.c: lib/db.c: migrations (and refusing a newer database), the reading
 * open, settings, the one-integer query, and the canonical dump that verify and
 * the tests compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "db.h"
#include "domain.h"
#include "error.h"

static void test_migrations_recorded(void **state)
{
	sqlite3 *db = NULL;
	int64_t version, tables;

	(void)state;
	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_db_int(db, "PRAGMA user_version", &version), 0);
	assert_int_equal(version, stele_schema_version());
	assert_int_equal(stele_db_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
					  "AND name IN ('member', 'point_event', 'stele_outbox')",
				      &tables), 0);
	assert_int_equal(tables, 3);
	stele_db_close(db);
}

static void test_newer_database_refused(void **state)
{
	char path[] = "/tmp/stele-test-db-XXXXXX";
	char file[64], pragma[64];
	sqlite3 *db = NULL;

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/stele.db", path);
	assert_int_equal(stele_db_open(&db, file, STELE_DB_CREATE), 0);
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", stele_schema_version() + 1);
	assert_int_equal(stele_db_exec(db, pragma), 0);
	stele_db_close(db);

	db = NULL;
	assert_int_equal(stele_db_open(&db, file, 0), STELE_EFAIL);
	assert_null(db);
	assert_non_null(strstr(stele_error_message(), "newer than this program"));

	/* A missing file is not created without STELE_DB_CREATE. */
	snprintf(file, sizeof(file), "%s/none.db", path);
	assert_int_equal(stele_db_open(&db, file, 0), STELE_EFAIL);
	assert_int_equal(access(file, F_OK), -1);

	snprintf(pragma, sizeof(pragma), "rm -rf %s", path);
	assert_int_equal(system(pragma), 0);
}

/* STELE_DB_READ: reads beside a writer, writes nothing, migrates nothing. */
static void test_read_only_open(void **state)
{
	char path[] = "/tmp/stele-test-db-XXXXXX";
	char file[64], pragma[64];
	sqlite3 *writer = NULL, *reader = NULL;
	char *value = NULL;

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/stele.db", path);
	assert_int_equal(stele_db_open(&writer, file, STELE_DB_CREATE), 0);
	assert_int_equal(stele_meta_set(writer, "village_name", "正营村"), 0);

	/* A write transaction open in the writer does not stop the reader (WAL). */
	assert_int_equal(stele_db_begin(writer), 0);
	assert_int_equal(stele_meta_set(writer, "village_name", "新村"), 0);
	assert_int_equal(stele_db_open(&reader, file, STELE_DB_READ), 0);
	assert_int_equal(stele_meta_get(reader, "village_name", &value), 0);
	assert_string_equal(value, "正营村");
	free(value);
	assert_int_equal(stele_db_commit(writer), 0);
	assert_int_not_equal(sqlite3_exec(reader, "DELETE FROM stele_meta", NULL, NULL, NULL),
			     SQLITE_OK);
	stele_db_close(reader);

	/* An older schema is refused, not migrated. */
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", stele_schema_version() - 1);
	assert_int_equal(stele_db_exec(writer, pragma), 0);
	reader = NULL;
	assert_int_equal(stele_db_open(&reader, file, STELE_DB_READ), STELE_EFAIL);
	assert_null(reader);
	assert_non_null(strstr(stele_error_message(), "not this program's"));
	stele_db_close(writer);

	snprintf(pragma, sizeof(pragma), "rm -rf %s", path);
	assert_int_equal(system(pragma), 0);
}

static void test_meta(void **state)
{
	sqlite3 *db = NULL;
	char *value = (char *)"unset";

	(void)state;
	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_meta_get(db, "remote", &value), 0);
	assert_null(value);
	assert_int_equal(stele_meta_set(db, "remote", "/media/usb/a.git"), 0);
	assert_int_equal(stele_meta_set(db, "remote", "/media/usb/b.git"), 0);
	assert_int_equal(stele_meta_get(db, "remote", &value), 0);
	assert_string_equal(value, "/media/usb/b.git");
	free(value);
	stele_db_close(db);
}

/* stele_db_query_int binds its parameters by type, reads the first column of the
 * first row, gives 0 for no row, and leaves *out alone on a failure. */
static void test_query_int(void **state)
{
	sqlite3 *db = NULL;
	int64_t n = -1;

	(void)state;
	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_db_query_int(&n, db, "adding", "SELECT ?1 + length(?2) + ?3",
					    "nti", 40, "ab", (int64_t)1 << 40), 0);
	assert_int_equal(n, 42 + ((int64_t)1 << 40));
	assert_int_equal(stele_db_query_int(&n, db, "reading", "SELECT 7 WHERE ?1 IS NULL",
					    "e", ""), 0);
	assert_int_equal(n, 7);
	assert_int_equal(stele_db_query_int(&n, db, "reading", "SELECT 7 WHERE ?1 IS NULL",
					    "t", "x"), 0);
	assert_int_equal(n, 0);
	n = 5;
	assert_int_equal(stele_db_query_int(&n, db, "reading the moon",
					    "SELECT abs(-9223372036854775807 - 1)", ""), STELE_EFAIL);
	assert_int_equal(n, 5);
	assert_non_null(strstr(stele_error_message(), "reading the moon"));
	stele_db_close(db);
}

/* Dumps one member whose name and grid are given (grid may be NULL). */
static char *dump_member(const char *name, const char *grid)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	char *dump = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_db_prepare(db, &stmt, "INSERT INTO member (village_code, id, name, grid) "
						     "VALUES ('990101001201', 'M0001', ?, ?)"), 0);
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	stele_bind_text_or_null(stmt, 2, grid);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	assert_int_equal(stele_db_dump(&dump, db, "990101001201"), 0);
	stele_db_close(db);
	return dump;
}

static void test_dump_is_unambiguous(void **state)
{
	char *a, *b;

	(void)state;
	/* A separator inside a value must not look like a column boundary. */
	a = dump_member("王|建国", "G1");
	b = dump_member("王", "建国|G1");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	/* NULL and the text "\N" differ; so do a line break and its escape. */
	a = dump_member("李", NULL);
	b = dump_member("李", "\\N");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	a = dump_member("张\n三", "G1");
	b = dump_member("张\\n三", "G1");
	assert_string_not_equal(a, b);
	/* The line break inside the value is escaped: one line for one row. */
	assert_ptr_equal(strchr(a, '\n'), a + strlen(a) - 1);
	free(a);
	free(b);
	/* The same rows dump alike, one line per row. */
	a = dump_member("赵", "G2");
	b = dump_member("赵", "G2");
	assert_string_equal(a, b);
	assert_string_equal(a, "member|990101001201|M0001|赵|\\N|\\N|\\N|active|G2\n");
	free(a);
	free(b);
}

/* domain.c's column lists, which code reading a changeset's values names columns
 * with, are the schema's: every synced table, every column, in order; and every
 * village-owned table starts with village_code (merge's ownership check). */
static void test_domain_columns_are_the_schema(void **state)
{
	const char *const *lists[] = { stele_village_tables, stele_county_tables };
	sqlite3 *db = NULL;

	(void)state;
	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	for (int l = 0; l < 2; l++)
		for (const char *const *t = lists[l]; *t; t++) {
			const char *const *cols = stele_domain_columns(*t);
			sqlite3_stmt *stmt = NULL;
			int i = 0;

			assert_non_null(cols);
			assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?) "
							    "ORDER BY cid", -1, &stmt, NULL), SQLITE_OK);
			sqlite3_bind_text(stmt, 1, *t, -1, SQLITE_STATIC);
			while (sqlite3_step(stmt) == SQLITE_ROW) {
				assert_non_null(cols[i]);
				assert_string_equal((const char *)sqlite3_column_text(stmt, 0), cols[i]);
				assert_int_equal(stele_domain_column(*t, cols[i]), i);
				i++;
			}
			sqlite3_finalize(stmt);
			assert_true(i > 0);
			assert_null(cols[i]);
			if (l == 0)
				assert_int_equal(stele_domain_column(*t, "village_code"), 0);
		}
	assert_null(stele_domain_columns("stele_outbox"));
	assert_int_equal(stele_domain_column("task", "no_such_column"), -1);
	stele_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations_recorded),
		cmocka_unit_test(test_newer_database_refused),
		cmocka_unit_test(test_read_only_open),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_query_int),
		cmocka_unit_test(test_dump_is_unambiguous),
		cmocka_unit_test(test_domain_columns_are_the_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
