/* test-rowcheck.c: the value rules of lib/rowcheck.c on real captured rows, and the
 * CSV writer's formula rule (lib/table.c). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "cswalk.h"
#include "db.h"
#include "error.h"
#include "rowcheck.h"
#include "table.h"

static sqlite3 *db;

static int setup(void **state)
{
	(void)state;
	if (stele_db_open(&db, ":memory:", STELE_DB_CREATE) < 0)
		return -1;
	return stele_db_exec(db,
		"INSERT INTO member (village_code, id, name) VALUES ('990101001201', 'M0001', '甲');"
		"INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points, "
		"stage) VALUES ('990101001201', 'E000001', 'M0001', 'B01', '2026-10-08', 20, 'assembly')");
}

static int teardown(void **state)
{
	(void)state;
	stele_db_close(db);
	return 0;
}

static int check_row(void *ctx, const struct stele_cs_row *row)
{
	(void)ctx;
	return stele_row_check(row);
}

/* Runs sql under a session and returns what stele_row_check says of its rows (the
 * message in the error buffer); the rows are rolled back. */
static int verdict(const char *sql)
{
	sqlite3_session *session = NULL;
	void *changes = NULL;
	int len = 0, rc;

	assert_int_equal(stele_db_begin(db), 0);
	assert_int_equal(sqlite3session_create(db, "main", &session), SQLITE_OK);
	assert_int_equal(sqlite3session_attach(session, NULL), SQLITE_OK);
	assert_int_equal(stele_db_exec(db, sql), 0);
	assert_int_equal(sqlite3session_changeset(session, &len, &changes), SQLITE_OK);
	rc = stele_cs_walk(NULL, changes, (size_t)len, check_row, NULL);
	sqlite3_free(changes);
	sqlite3session_delete(session);
	stele_db_rollback(db);
	return rc;
}

static void refused(const char *sql, const char *message)
{
	assert_int_equal(verdict(sql), STELE_EINVALID);
	if (!strstr(stele_error_message(), message))
		fail_msg("'%s' does not say '%s'", stele_error_message(), message);
}

static void test_bounds(void **state)
{
	(void)state;
	assert_int_equal(verdict("INSERT INTO income VALUES ('990101001201', 'I0001', '2026-10', "
				 "100000000000, 's')"), 0);
	assert_int_equal(verdict("INSERT INTO income VALUES ('990101001201', 'I0001', '2026-10', "
				 "-100000000000, 's')"), 0);
	refused("INSERT INTO income VALUES ('990101001201', 'I0001', '2026-10', 100000000001, 's')",
		"income 'I0001': amount 1000000000.01 is out of range (-1000000000.00..1000000000.00)");
	refused("INSERT INTO income VALUES ('990101001201', 'I0001', '2026-10', "
		"9223372036854775807, 's')", "amount 92233720368547758.07 is out of range");
	refused("UPDATE point_event SET points = -9223372036854775807 - 1",
		"point_event 'E000001': points -922337203685477580.8 is out of range");
	refused("INSERT INTO assessment VALUES ('990101001201', 2026, 'S1', 1001, NULL)",
		"assessment 2026 'S1': score 100.1 is out of range");
}

static void test_text_and_dates(void **state)
{
	(void)state;
	refused("UPDATE member SET name = 'x' || char(27) || '[31m'",
		"member 'M0001': name is not valid one-line UTF-8 text");
	refused("UPDATE member SET name = 'x' || char(155)",
		"member 'M0001': name is not valid one-line UTF-8 text");
	refused("UPDATE member SET name = CAST(X'78FF' AS TEXT)", "is not valid one-line UTF-8");
	refused("UPDATE member SET name = ''", "member 'M0001': name is empty");
	refused("UPDATE member SET name = printf('%.101c', 'x')", "name is longer than 100 bytes");
	refused("UPDATE point_event SET occurred_on = '2026-02-30'",
		"occurred_on '2026-02-30' is not a real YYYY-MM-DD date");
	refused("INSERT INTO member (village_code, id, name) VALUES ('990101001201', 'M 1', 'x')",
		"id 'M 1' is not 1-32 letters");
	assert_int_equal(verdict("UPDATE member SET name = '王建国', grid = NULL"), 0);
	/* schema/0012-grids.sql: the grid registry. */
	assert_int_equal(verdict("INSERT INTO grid VALUES ('990101001201', 'G1', '第一网格', 320, "
				 "'王芳')"), 0);
	refused("INSERT INTO grid VALUES ('990101001201', 'G 1', NULL, NULL, NULL)",
		"grid 'G 1': id 'G 1' is not 1-32 letters");
	refused("INSERT INTO grid VALUES ('990101001201', 'G1', NULL, 3, 'x' || char(27))",
		"grid 'G1': worker is not valid one-line UTF-8 text");
}

static void test_stage_moves(void **state)
{
	(void)state;
	assert_int_equal(verdict("UPDATE point_event SET stage = 'published'"), 0);
	assert_int_equal(verdict("UPDATE point_event SET stage = 'rejected'"), 0);
	refused("UPDATE point_event SET stage = 'group'",
		"stage cannot move back from assembly to group");
	assert_int_equal(stele_db_exec(db, "UPDATE point_event SET stage = 'published'"), 0);
	refused("UPDATE point_event SET stage = 'rejected'",
		"stage published is final, it cannot move to rejected");
	assert_int_equal(stele_db_exec(db, "UPDATE point_event SET stage = 'assembly'"), 0);
	/* A delete passes: removing a row has no values to check. */
	assert_int_equal(verdict("DELETE FROM point_event"), 0);
}

static void test_csv_formula_cells(void **state)
{
	static const char *const formulas[] = { "=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0",
						"@SUM(1)", "-2+3", "\tx", "\rx", "-", "+", NULL };
	static const char *const data[] = { "-3.5", "+2", "68767.90", "-0.5", "王", "a=b", "",
					    NULL };

	(void)state;
	for (int i = 0; formulas[i]; i++)
		if (!stele_csv_formula_like(formulas[i]))
			fail_msg("'%s' is not taken for a formula", formulas[i]);
	for (int i = 0; data[i]; i++)
		if (stele_csv_formula_like(data[i]))
			fail_msg("'%s' is taken for a formula", data[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_and_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_moves, setup, teardown),
		cmocka_unit_test(test_csv_formula_cells),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
