/* collective.c: the collective-income listing (rank income): year-to-date income
 * beside the same months of the year before, growth, sources and flags, in integer
 * arithmetic. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collective.h"
#include "buf.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "rules.h"

/* One registered village's figures. */
struct income_row {
	char code[16];
	bool synced, has_prev_year;
	int64_t income, prev;   /* fen */
	int64_t sources;
	int rank;
};

/* The first month and the month after month of year, as YYYY-MM texts (16 bytes each). */
static void months(char *from, char *to, int year, int month)
{
	snprintf(from, 16, "%04d-01", year % 10000);
	snprintf(to, 16, "%04d-%02d", year % 10000, month % 100);
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct income_row *)a)->code, ((const struct income_row *)b)->code);
}

/* Orders synced villages by income descending, then code; unsynced last by code. */
static int by_income(const void *a, const void *b)
{
	const struct income_row *x = a, *y = b;

	if (x->synced != y->synced)
		return x->synced ? -1 : 1;
	if (x->synced && x->income != y->income)
		return x->income > y->income ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Adds the income rows of [from, to] to each village's income (or prev): rows
 * sorted by code, of every village or (village non-NULL) of that one. */
static int add_amounts(struct income_row *rows, size_t n, sqlite3 *db, const char *village,
		       const char *from, const char *to, bool prev)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt, "SELECT village_code, amount FROM income "
					      "WHERE period >= ?1 AND period <= ?2 "
					      "AND (?3 IS NULL OR village_code = ?3)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, village, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct income_row key = { 0 }, *r;

		snprintf(key.code, sizeof(key.code), "%s", (const char *)sqlite3_column_text(stmt, 0));
		if (!(r = bsearch(&key, rows, n, sizeof(*rows), by_code)))
			continue;
		int64_t *sum = prev ? &r->prev : &r->income;
		*sum = stele_rank_add_sat(*sum, sqlite3_column_int64(stmt, 1));
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading income");
	sqlite3_finalize(stmt);
	return rc;
}

/* The number of distinct sources in ?1 .. ?2 and whether there is a row in
 * ?3 .. ?4 (the year before), of the village whose code is the SQL expression code. */
#define SOURCES_AND_PREV_YEAR(code) \
	"(SELECT count(DISTINCT source) FROM income i WHERE i.village_code = " code \
	" AND i.period >= ?1 AND i.period <= ?2), " \
	"EXISTS (SELECT 1 FROM income i WHERE i.village_code = " code \
	" AND i.period >= ?3 AND i.period <= ?4)"

/* Binds SOURCES_AND_PREV_YEAR's ranges (the texts must outlive stmt's steps). */
static void bind_ranges(sqlite3_stmt *stmt, const char *from, const char *to,
			const char *prev_from, const char *prev_to)
{
	sqlite3_bind_text(stmt, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, prev_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, prev_to, -1, SQLITE_STATIC);
}

/* Reads the registered villages with their sources and whether they recorded
 * income in the year before (*out, *n: the caller frees *out). */
static int load(struct income_row **out, size_t *n, sqlite3 *db, const char *from,
		const char *to, int year)
{
	struct income_row *rows = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t count = 0, cap = 0;
	char prev_from[16], prev_to[16];
	int rc, step;

	snprintf(prev_from, sizeof(prev_from), "%04d-01", (year - 1) % 10000);
	snprintf(prev_to, sizeof(prev_to), "%04d-12", (year - 1) % 10000);
	if ((rc = stele_db_prepare(db, &stmt,
		"SELECT v.code, EXISTS (SELECT 1 FROM stele_stream s WHERE s.writer = v.code "
		"AND s.last_seq > 0), " SOURCES_AND_PREV_YEAR("v.code")
		" FROM village v ORDER BY v.code")) < 0)
		return rc;
	bind_ranges(stmt, from, to, prev_from, prev_to);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((rc = stele_array_reserve(&rows, &cap, count, sizeof(*rows), 64)) < 0)
			goto done;
		struct income_row *r = &rows[count++];
		memset(r, 0, sizeof(*r));
		snprintf(r->code, sizeof(r->code), "%s", (const char *)sqlite3_column_text(stmt, 0));
		r->synced = sqlite3_column_int(stmt, 1) != 0;
		r->sources = sqlite3_column_int64(stmt, 2);
		r->has_prev_year = sqlite3_column_int(stmt, 3) != 0;
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "reading the village registry");
		goto done;
	}
	*out = rows;
	*n = count;
	rows = NULL;
done:
	sqlite3_finalize(stmt);
	free(rows);
	return rc;
}

/* growth = (income - prev) / prev in ten-thousandths, rounded half away from zero;
 * false when prev <= 0 or the product would not fit in 64 bits. */
static bool growth_of(int64_t *out, int64_t income, int64_t prev)
{
	int64_t diff, scaled;

	if (prev <= 0 || __builtin_sub_overflow(income, prev, &diff) ||
	    __builtin_mul_overflow(diff, (int64_t)10000, &scaled))
		return false;
	*out = stele_rank_div_round(scaled, prev);
	return true;
}

int stele_rank_income(struct stele_table **out, sqlite3 *db, int year, int month)
{
	static const char *const names[] = {
		"rank", "village_code", "village_name", "township_code", "income", "prev_income",
		"growth", "sources", "single_source", "weak", "status",
	};
	static const enum stele_col_kind kinds[] = {
		STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT,
		STELE_COL_TEXT,
	};
	struct income_row *rows = NULL;
	struct stele_table *t = NULL;
	sqlite3_stmt *names_stmt = NULL;
	char from[16], to[16], prev_from[16], prev_to[16];
	long long weak_yuan = 0;
	bool weak_set = false;
	size_t n = 0;
	int rc;

	if (month < 1 || month > 12)
		return stele_error(STELE_EUSAGE, "month %d is not 1..12", month);
	months(from, to, year, month);
	months(prev_from, prev_to, year - 1, month);
	if ((rc = stele_config_find(&weak_set, &weak_yuan, db, "income.weak_yuan")) < 0 ||
	    (rc = load(&rows, &n, db, from, to, year)) < 0 ||
	    (rc = add_amounts(rows, n, db, NULL, from, to, false)) < 0 ||
	    (rc = add_amounts(rows, n, db, NULL, prev_from, prev_to, true)) < 0)
		goto done;
	qsort(rows, n, sizeof(*rows), by_income);
	for (size_t i = 0; i < n; i++)
		if (rows[i].synced)
			rows[i].rank = i > 0 && rows[i - 1].synced && rows[i - 1].income == rows[i].income
				       ? rows[i - 1].rank : (int)i + 1;
	if ((rc = stele_table_new(&t, 11, names, kinds)) < 0 ||
	    (rc = stele_db_prepare(db, &names_stmt, "SELECT name, township_code FROM village "
						    "WHERE code = ?")) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		const struct income_row *r = &rows[i];
		char rank[16], income[32], prev[32], growth[32], sources[24];
		const char *name = NULL, *township = NULL;
		int64_t g = 0;
		bool ok = r->synced;

		sqlite3_reset(names_stmt);
		sqlite3_bind_text(names_stmt, 1, r->code, -1, SQLITE_STATIC);
		if (sqlite3_step(names_stmt) == SQLITE_ROW) {
			name = (const char *)sqlite3_column_text(names_stmt, 0);
			township = (const char *)sqlite3_column_text(names_stmt, 1);
		}
		snprintf(rank, sizeof(rank), "%d", r->rank);
		stele_format_fixed(income, r->income, 2);
		stele_format_fixed(prev, r->prev, 2);
		snprintf(sources, sizeof(sources), "%lld", (long long)r->sources);
		bool has_growth = ok && r->has_prev_year && growth_of(&g, r->income, r->prev);
		if (has_growth)
			stele_format_fixed(growth, g, 4);
		const char *cells[11] = {
			ok ? rank : NULL, r->code, name, township, ok ? income : NULL,
			ok && r->has_prev_year ? prev : NULL, has_growth ? growth : NULL,
			ok ? sources : NULL, ok ? (r->sources == 1 ? "yes" : "no") : NULL,
			ok && weak_set ? (r->income < (int64_t)weak_yuan * 100 ? "yes" : "no") : NULL,
			ok ? "ok" : "unsynced",
		};
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
	*out = t;
	t = NULL;
done:
	sqlite3_finalize(names_stmt);
	stele_table_free(t);
	free(rows);
	return rc;
}

/* Σ amount of village's rows in [from, to] into *out (fen, saturating). */
static int village_sum(int64_t *out, sqlite3 *db, const char *village, const char *from,
		       const char *to)
{
	struct income_row row = { 0 };
	int rc;

	snprintf(row.code, sizeof(row.code), "%s", village);
	if ((rc = add_amounts(&row, 1, db, village, from, to, false)) == 0)
		*out = row.income;
	return rc;
}

int stele_income_village(struct stele_income *out, sqlite3 *db, const char *village,
			 int year, int month)
{
	struct stele_income r = { 0 };
	sqlite3_stmt *stmt = NULL;
	char from[16], to[16], prev_from[16], prev_to[16], year_from[16], year_to[16];
	long long weak_yuan = 0;
	int rc;

	if (month < 1 || month > 12)
		return stele_error(STELE_EUSAGE, "month %d is not 1..12", month);
	months(from, to, year, month);
	months(prev_from, prev_to, year - 1, month);
	months(year_from, year_to, year - 1, 12);
	if ((rc = stele_config_find(&r.weak_set, &weak_yuan, db, "income.weak_yuan")) < 0 ||
	    (rc = village_sum(&r.income, db, village, from, to)) < 0 ||
	    (rc = village_sum(&r.prev, db, village, prev_from, prev_to)) < 0 ||
	    (rc = stele_db_prepare(db, &stmt, "SELECT " SOURCES_AND_PREV_YEAR("?5"))) < 0)
		goto done;
	bind_ranges(stmt, from, to, year_from, year_to);
	sqlite3_bind_text(stmt, 5, village, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, db, "reading income");
		goto done;
	}
	r.sources = sqlite3_column_int64(stmt, 0);
	r.has_prev = sqlite3_column_int(stmt, 1) != 0;
	r.has_growth = r.has_prev && growth_of(&r.growth, r.income, r.prev);
	r.single_source = r.sources == 1;
	r.weak = r.weak_set && r.income < (int64_t)weak_yuan * 100;
	r.weak_yuan = r.weak_set ? weak_yuan : 0;
	*out = r;
done:
	sqlite3_finalize(stmt);
	return rc;
}
