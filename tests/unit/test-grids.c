/* test-grids.c: the grid registry's check of a grid value (stele_grid_check), the
 * monthly grid listing (stele_rank_grids) on a small in-memory county with figures
 * computed by hand, and the lenient --month of every ranking (stele_rank_period). */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "grids.h"
#include "lenient.h"
#include "rank.h"
#include "rules.h"

#define A "990101001201"
#define B "990101001202"

static sqlite3 *new_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_rules_install_defaults(db), 0);
	return db;
}

static void sql(sqlite3 *db, const char *text)
{
	if (stele_db_exec(db, text) < 0)
		fail_msg("%s: %s", text, stele_error_message());
}

static void test_check(void **state)
{
	sqlite3 *db = new_db();
	sqlite3_stmt *stmt = NULL;

	(void)state;
	assert_int_equal(stele_db_prepare(db, &stmt, stele_grid_check_sql), 0);
	/* No registry: any grid, as before grids were registered. */
	assert_int_equal(stele_grid_check(stmt, A, "G9", NULL), 0);
	assert_int_equal(stele_grid_check(stmt, A, "老一组", ""), 0);
	sql(db, "INSERT INTO grid (village_code, id, households) VALUES ('" A "', 'G1', 320), "
		"('" A "', 'G2', NULL)");
	/* B's registry is empty: A's grids do not bind it. */
	assert_int_equal(stele_grid_check(stmt, B, "G9", NULL), 0);
	/* A has a registry: registered grids and empty ones pass. */
	assert_int_equal(stele_grid_check(stmt, A, "G1", NULL), 0);
	assert_int_equal(stele_grid_check(stmt, A, "G2", "G1"), 0);
	assert_int_equal(stele_grid_check(stmt, A, "", NULL), 0);
	assert_int_equal(stele_grid_check(stmt, A, NULL, "G1"), 0);
	/* Not registered: refused, naming the grid; codes compare exactly. */
	assert_int_equal(stele_grid_check(stmt, A, "G9", NULL), STELE_EINVALID);
	assert_string_equal(stele_error_message(),
			    "grid 'G9' is not in the village's grid registry");
	assert_int_equal(stele_grid_check(stmt, A, "g1", ""), STELE_EINVALID);
	assert_int_equal(stele_grid_check(stmt, A, "G9", "G1"), STELE_EINVALID);
	/* A row keeps the grid it had before the registry listed grids. */
	assert_int_equal(stele_grid_check(stmt, A, "老一组", "老一组"), 0);
	sqlite3_finalize(stmt);
	stele_db_close(db);
}

static const char *cell(const struct stele_table *t, size_t row, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->names[c], name) == 0)
			return stele_table_cell(t, row, c);
	fail_msg("no column %s", name);
	return NULL;
}

/* Row r's cells from grid to no_member joined by ',' (empty for NULL). */
static void row_text(char *out, size_t n, const struct stele_table *t, size_t r)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t c = 2; c < t->ncols; c++) {
		const char *v = stele_table_cell(t, r, c);
		at += (size_t)snprintf(out + at, n - at, "%s%s", c > 2 ? "," : "", v ? v : "");
	}
}

static void test_rank_grids(void **state)
{
	sqlite3 *db = new_db();
	struct stele_table *t = NULL;
	char text[256];

	(void)state;
	sql(db, "INSERT INTO village VALUES ('" A "', '甲村', '990101001', '镇'), "
		"('" B "', '乙村', '990101001', '镇')");
	sql(db, "INSERT INTO grid VALUES ('" A "', 'G1', '一网格', 300, '王芳'), "
		"('" A "', 'G2', NULL, 501, NULL), ('" A "', 'G3', NULL, NULL, NULL), "
		"('" B "', 'G1', NULL, 299, NULL)");
	/* G1: active + flowing count; transferred_out and deceased do not; X is unregistered. */
	sql(db, "INSERT INTO member (village_code, id, name, status, grid) VALUES "
		"('" A "', 'M1', 'a', 'active', 'G1'), ('" A "', 'M2', 'b', 'flowing', 'G1'), "
		"('" A "', 'M3', 'c', 'transferred_out', 'G2'), ('" A "', 'M4', 'd', 'deceased', 'G3'), "
		"('" A "', 'M5', 'e', 'active', 'X'), ('" A "', 'M6', 'f', 'active', NULL)");
	/* request.days 7 (default). G1 in 2026-05: three received, R1 on day 7 and R2 on
	 * day 8, R3 open; R4 from April resolved in May, R5 from April still open, R6 in
	 * June. G2: R7 from March resolved on 06-01 (open at May's end). */
	sql(db, "INSERT INTO request (village_code, id, received_on, grid, resolved_on) VALUES "
		"('" A "', 'R1', '2026-05-01', 'G1', '2026-05-08'), "
		"('" A "', 'R2', '2026-05-10', 'G1', '2026-05-18'), "
		"('" A "', 'R3', '2026-05-31', 'G1', NULL), "
		"('" A "', 'R4', '2026-04-20', 'G1', '2026-05-02'), "
		"('" A "', 'R5', '2026-04-21', 'G1', NULL), "
		"('" A "', 'R6', '2026-06-01', 'G1', NULL), "
		"('" A "', 'R7', '2026-03-01', 'G2', '2026-06-01'), "
		"('" A "', 'R8', '2026-01-05', 'Y', '2026-01-06')");

	assert_int_equal(stele_rank_grids(&t, db, 2026, 5, NULL), 0);
	/* A's G1, G2, G3, X (Y: nothing in May, nothing open), then B's G1. */
	assert_int_equal(t->nrows, 5);
	assert_string_equal(cell(t, 0, "village_name"), "甲村");
	row_text(text, sizeof(text), t, 0);
	/* 3 received, 1 in time: 1/3 = 0.3333; open at the end: R3 and R5. 300 is within. */
	assert_string_equal(text, "G1,一网格,300,王芳,yes,2,3,1,0.3333,2,within,no");
	row_text(text, sizeof(text), t, 1);
	assert_string_equal(text, "G2,,501,,yes,0,0,0,,1,above,yes");
	row_text(text, sizeof(text), t, 2);
	assert_string_equal(text, "G3,,,,yes,0,0,0,,0,,yes");
	row_text(text, sizeof(text), t, 3);
	assert_string_equal(text, "X,,,,no,1,0,0,,0,,no");
	assert_string_equal(cell(t, 4, "village_code"), B);
	row_text(text, sizeof(text), t, 4);
	assert_string_equal(text, "G1,,299,,yes,0,0,0,,0,below,yes");
	stele_table_free(t);

	/* One village; the range and request.days from ranking_config. */
	sql(db, "INSERT OR REPLACE INTO ranking_config VALUES ('grid.households_min', '100'), "
		"('grid.households_max', '1000'), ('request.days', '8')");
	assert_int_equal(stele_rank_grids(&t, db, 2026, 5, A), 0);
	assert_int_equal(t->nrows, 4);
	row_text(text, sizeof(text), t, 0);
	assert_string_equal(text, "G1,一网格,300,王芳,yes,2,3,2,0.6667,2,within,no");
	row_text(text, sizeof(text), t, 1);
	assert_string_equal(text, "G2,,501,,yes,0,0,0,,1,within,yes");
	stele_table_free(t);

	/* January: Y's request is listed, resolved in time. */
	assert_int_equal(stele_rank_grids(&t, db, 2026, 1, A), 0);
	row_text(text, sizeof(text), t, 4);
	assert_string_equal(text, "Y,,,,no,0,1,1,1.0000,0,,yes");
	stele_table_free(t);
	assert_int_equal(stele_rank_grids(&t, db, 2026, 13, A), STELE_EUSAGE);
	stele_db_close(db);
}

static void test_lenient_month(void **state)
{
	char buf[32];
	int year, month;

	(void)state;
	assert_string_equal(stele_lenient_arg(buf, "2026/3", 'm'), "2026-03");
	assert_string_equal(stele_lenient_arg(buf, " 2026年11月 ", 'm'), "2026-11");
	assert_string_equal(stele_lenient_arg(buf, "２０２６－１１", 'm'), "2026-11");
	assert_string_equal(stele_lenient_arg(buf, "2026年", 'y'), "2026");
	assert_null(stele_lenient_arg(buf, NULL, 'm'));
	assert_int_equal(stele_rank_period(&year, &month, NULL, "2026年3月"), 0);
	assert_int_equal(year, 2026);
	assert_int_equal(month, 3);
	assert_int_equal(stele_rank_period(&year, &month, "2026年", "2026/3"), 0);
	assert_int_equal(month, 3);
	assert_int_equal(stele_rank_period(&year, &month, NULL, "2026/13"), STELE_EUSAGE);
	assert_int_equal(stele_rank_period(&year, &month, "2025", "2026/3"), STELE_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_rank_grids),
		cmocka_unit_test(test_lenient_month),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
