/* test-rowmap.c: lib/rowmap.c: which consecutive change sets may be applied as one
 * (rows touched twice, a parent row touched and named, a UNIQUE value, what the
 * map cannot describe), and the combined bytes. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "unit.h"
#include "unit-sql.h"

#include "db.h"
#include "error.h"
#include "rowmap.h"

#define V "'990101001201'"

/* The map's verdict on what sql changes; *len its bytes' length. */
static enum stele_rowmap_verdict add(struct stele_rowmap *rm, sqlite3 *db, const char *sql,
				     int *len)
{
	enum stele_rowmap_verdict v;
	int n = 0;
	void *changes = capture(&n, db, sql);

	assert_int_equal(stele_rowmap_add(&v, rm, changes, (size_t)n), 0);
	sqlite3_free(changes);
	if (len)
		*len = n;
	return v;
}

static sqlite3 *village(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	exec(db, "INSERT INTO member (village_code, id, name) VALUES (" V ", 'M1', 'a'), "
		 "(" V ", 'M2', 'b'); INSERT INTO income (village_code, id, period, amount, source) "
		 "VALUES (" V ", 'I1', '2026-09', 100, '集体')");
	return db;
}

#define EVENT(id, member) "INSERT INTO point_event (village_code, id, member_id, rule_code, " \
	"occurred_on, points) VALUES (" V ", '" id "', '" member "', 'B01', '2026-09-01', 10)"

static void test_joins_and_combines(void **state)
{
	sqlite3 *db = village();
	struct stele_rowmap *rm = NULL;
	int l1 = 0, l2 = 0, l3 = 0;

	(void)state;
	assert_int_equal(stele_rowmap_new(&rm, db), 0);
	assert_int_equal(add(rm, db, EVENT("E1", "M1"), &l1), STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, EVENT("E2", "M1"), &l2), STELE_ROWMAP_JOINED);
	/* One header for the run of point_event rows: the second one's is left out. */
	const struct stele_buf *b = stele_rowmap_bytes(rm);
	size_t header = 2 + 8 + strlen("point_event") + 1;
	assert_int_equal(b->len, (size_t)l1 + (size_t)l2 - header);
	assert_int_equal(add(rm, db, "UPDATE member SET name = 'c' WHERE id = 'M2'", &l3),
			 STELE_ROWMAP_JOINED);
	assert_int_equal(b->len, (size_t)l1 + (size_t)l2 - header + (size_t)l3);
	/* What it makes applies as the three would, one after the other. */
	assert_int_equal(sqlite3changeset_apply(db, (int)b->len, b->data, NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_changes(db) >= 0, 1);
	sqlite3_stmt *stmt = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM point_event), "
					    "(SELECT name FROM member WHERE id = 'M2')", -1, &stmt,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 2);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 1), "c");
	sqlite3_finalize(stmt);
	stele_rowmap_reset(rm);
	assert_int_equal(stele_rowmap_bytes(rm)->len, 0);
	stele_rowmap_free(rm);
	stele_db_close(db);
}

static void test_depends(void **state)
{
	sqlite3 *db = village();
	struct stele_rowmap *rm = NULL;

	(void)state;
	assert_int_equal(stele_rowmap_new(&rm, db), 0);
	/* A parent row the batch touched, named by a foreign key. */
	assert_int_equal(add(rm, db, "INSERT INTO member (village_code, id, name) VALUES (" V
			     ", 'M9', 'n')", NULL), STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, EVENT("E9", "M9"), NULL), STELE_ROWMAP_FLUSH);
	/* After the batch is applied, it starts the next one. */
	stele_rowmap_reset(rm);
	assert_int_equal(add(rm, db, EVENT("E9", "M9"), NULL), STELE_ROWMAP_JOINED);
	/* The other way round: a parent row the batch named. */
	assert_int_equal(add(rm, db, EVENT("E5", "M2"), NULL), STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, "DELETE FROM member WHERE id = 'M2'", NULL), STELE_ROWMAP_FLUSH);
	/* The same row twice. */
	stele_rowmap_reset(rm);
	assert_int_equal(add(rm, db, "UPDATE member SET name = 'x' WHERE id = 'M1'", NULL),
			 STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, "UPDATE member SET name = 'y' WHERE id = 'M1'", NULL),
			 STELE_ROWMAP_FLUSH);
	/* A UNIQUE value the batch touched (two rows for one month and source). */
	stele_rowmap_reset(rm);
	assert_int_equal(add(rm, db, "INSERT INTO income (village_code, id, period, amount, source) "
			     "VALUES (" V ", 'I2', '2026-12', 5, '光伏')", NULL), STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, "INSERT INTO income (village_code, id, period, amount, source) "
			     "VALUES (" V ", 'I4', '2026-12', 6, '光伏')", NULL), STELE_ROWMAP_FLUSH);
	/* The row holding a value, then a new row with it. */
	assert_int_equal(add(rm, db, "DELETE FROM income WHERE id = 'I1'", NULL), STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, "DELETE FROM income WHERE id = 'I1'; INSERT INTO income "
			     "(village_code, id, period, amount, source) VALUES (" V ", 'I5', "
			     "'2026-09', 5, '集体')", NULL), STELE_ROWMAP_FLUSH);
	/* Not the same value: joins. */
	assert_int_equal(add(rm, db, "INSERT INTO income (village_code, id, period, amount, source) "
			     "VALUES (" V ", 'I3', '2026-10', 5, '集体')", NULL), STELE_ROWMAP_JOINED);
	stele_rowmap_free(rm);
	stele_db_close(db);
}

static void test_alone(void **state)
{
	sqlite3 *db = village();
	struct stele_rowmap *rm = NULL;

	(void)state;
	assert_int_equal(stele_rowmap_new(&rm, db), 0);
	/* An update of part of a UNIQUE index: the rest of its values are not in the
	 * change set. */
	assert_int_equal(add(rm, db, "UPDATE income SET period = '2026-11' WHERE id = 'I1'", NULL),
			 STELE_ROWMAP_ALONE);
	/* An update that leaves the index alone is described. */
	assert_int_equal(add(rm, db, "UPDATE income SET amount = 7 WHERE id = 'I1'", NULL),
			 STELE_ROWMAP_JOINED);
	/* A table with a trigger other than history's. */
	exec(db, "CREATE TRIGGER task_extra AFTER INSERT ON task BEGIN SELECT 1; END");
	assert_int_equal(add(rm, db, "INSERT INTO task (village_code, id, title, due_on) VALUES ("
			     V ", 'T1', 't', '2026-09-30')", NULL), STELE_ROWMAP_ALONE);
	assert_int_equal(stele_rowmap_bytes(rm)->len > 0, 1);
	stele_rowmap_free(rm);
	stele_db_close(db);
}

/* A batch whose change sets alternate tables: grouped, each table's rows stand
 * under one header, in their order, and apply as the change sets would; a prefix
 * ending at a change set's end takes only what came before it. */
static void test_grouped_by_table(void **state)
{
	sqlite3 *db = village();
	struct stele_rowmap *rm = NULL;
	const unsigned char *g = NULL;
	size_t glen = 0, header = 2 + 8 + strlen("point_event") + 1;
	int l1 = 0, l2 = 0, l3 = 0;

	(void)state;
	assert_int_equal(stele_rowmap_new(&rm, db), 0);
	assert_int_equal(add(rm, db, EVENT("E1", "M1"), &l1), STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, "UPDATE member SET name = 'c' WHERE id = 'M2'", &l2),
			 STELE_ROWMAP_JOINED);
	assert_int_equal(add(rm, db, EVENT("E2", "M1"), &l3), STELE_ROWMAP_JOINED);
	const struct stele_buf *b = stele_rowmap_bytes(rm);
	/* As added, three headers; grouped, the second point_event header is gone. */
	assert_int_equal(b->len, (size_t)l1 + (size_t)l2 + (size_t)l3);
	assert_int_equal(stele_rowmap_grouped(&g, &glen, rm, b->len), 0);
	assert_int_equal(glen, b->len - header);
	/* The first two: nothing to gather, the bytes as they are. */
	assert_int_equal(stele_rowmap_grouped(&g, &glen, rm, (size_t)l1 + (size_t)l2), 0);
	assert_int_equal(glen, (size_t)l1 + (size_t)l2);
	assert_memory_equal(g, b->data, glen);
	assert_int_equal(stele_rowmap_grouped(&g, &glen, rm, b->len), 0);
	assert_int_equal(sqlite3changeset_apply(db, (int)glen, (void *)g, NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *stmt = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT group_concat(id) FROM "
					    "(SELECT id FROM point_event ORDER BY rowid)), "
					    "(SELECT name FROM member WHERE id = 'M2')", -1, &stmt,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "E1,E2");
	assert_string_equal((const char *)sqlite3_column_text(stmt, 1), "c");
	sqlite3_finalize(stmt);
	stele_rowmap_free(rm);
	stele_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_joins_and_combines),
		cmocka_unit_test(test_grouped_by_table),
		cmocka_unit_test(test_depends),
		cmocka_unit_test(test_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
