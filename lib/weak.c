/* weak.c: the list of weak village organisations (软弱涣散整顿): the bottom share of
 * a year's league by average composite (倒排), the list's entries and their
 * turnaround (整顿转化), in integer arithmetic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "weak.h"

/* One village over the year's months. */
struct village_year {
	char code[16], township[16];
	char *name;
	int64_t sum;      /* of its composites, hundredths */
	int64_t months;   /* months it was ranked in */
	int64_t average;  /* sum / months, hundredths, rounded half away from zero */
	int rank;
};

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct village_year *)a)->code, ((const struct village_year *)b)->code);
}

/* The proposal's order, worst first: average ascending, then code. */
static int worst_first(const void *a, const void *b)
{
	const struct village_year *x = a, *y = b;

	if (x->average != y->average)
		return x->average < y->average ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Ranked villages by average descending, then code; the never ranked last. */
static int by_average(const void *a, const void *b)
{
	const struct village_year *x = a, *y = b;

	if ((x->months > 0) != (y->months > 0))
		return x->months > 0 ? -1 : 1;
	if (x->months > 0 && x->average != y->average)
		return x->average > y->average ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* The villages of the first month's league, by code, with the year's sums added
 * month by month (*out, *n; the caller frees the names and *out). */
static int year_sums(struct village_year **out, size_t *n, sqlite3 *db, int year, int last_month)
{
	struct village_year *v = NULL;
	struct stele_league *l = NULL;
	size_t count = 0;
	int rc = 0;

	for (int m = 1; m <= last_month; m++) {
		if ((rc = stele_league_compute(&l, db, year, m, NULL, false)) < 0)
			goto done;
		if (!v) {
			if (!(v = calloc(l->nrows ? l->nrows : 1, sizeof(*v)))) {
				rc = stele_error(STELE_EFAIL, "out of memory");
				goto done;
			}
			for (size_t i = 0; i < l->nrows; i++) {
				snprintf(v[i].code, sizeof(v[i].code), "%s", l->rows[i].code);
				snprintf(v[i].township, sizeof(v[i].township), "%s",
					 l->rows[i].township_code);
				if (!(v[i].name = strdup(l->rows[i].name ? l->rows[i].name : ""))) {
					rc = stele_error(STELE_EFAIL, "out of memory");
					count = i;
					goto done;
				}
			}
			count = l->nrows;
			qsort(v, count, sizeof(*v), by_code);
		}
		for (size_t i = 0; i < l->nrows; i++) {
			struct village_year key, *hit;
			if (!l->rows[i].ranked)
				continue;
			snprintf(key.code, sizeof(key.code), "%s", l->rows[i].code);
			if (!(hit = bsearch(&key, v, count, sizeof(*v), by_code)))
				continue;
			hit->sum += l->rows[i].composite;
			hit->months++;
		}
		stele_league_free(l);
		l = NULL;
	}
	*out = v;
	*n = count;
	v = NULL;
	count = 0;
done:
	stele_league_free(l);
	for (size_t i = 0; v && i < count; i++)
		free(v[i].name);
	free(v);
	return rc;
}

int stele_weak_suggest(struct stele_table **out, long *ranked, long *cut, sqlite3 *db,
		       int year, int last_month, int pct)
{
	static const char *const names[] = {
		"rank", "village_code", "village_name", "township_code", "average", "months", "listed",
	};
	static const enum stele_col_kind kinds[] = {
		STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_TEXT,
	};
	struct village_year *v = NULL;
	struct stele_table *t = NULL;
	sqlite3_stmt *listed = NULL;
	size_t n = 0, nranked = 0, k, first;
	int rc;

	if (pct < 1 || pct > 100 || last_month < 1 || last_month > 12)
		return stele_error(STELE_EUSAGE, "weak suggest: the share must be 1..100 per cent");
	if ((rc = year_sums(&v, &n, db, year, last_month)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (v[i].months > 0) {
			v[i].average = stele_rank_div_round(v[i].sum, v[i].months);
			nranked++;
		}
	qsort(v, n, sizeof(*v), by_average);
	for (size_t i = 0; i < nranked; i++)
		v[i].rank = i > 0 && v[i - 1].average == v[i].average ? v[i - 1].rank : (int)i + 1;
	/* k = ceil(N' * pct / 100); the cut is the k-th from the bottom, and every
	 * village whose average equals it is proposed too. */
	k = (nranked * (size_t)pct + 99) / 100;
	first = nranked - k;
	while (k > 0 && first > 0 && v[first - 1].average == v[first].average)
		first--;
	if ((rc = stele_table_new(&t, 7, names, kinds)) < 0 ||
	    (rc = stele_db_prepare(db, &listed, "SELECT EXISTS (SELECT 1 FROM weak_village "
						"WHERE village_code = ?1 AND year = ?2)")) < 0)
		goto done;
	/* Worst first: the proposed rows, from the cut to the bottom, reordered. */
	if (k == 0)
		first = nranked;
	qsort(v + first, nranked - first, sizeof(*v), worst_first);
	for (size_t j = first; j < nranked; j++) {
		const struct village_year *r = &v[j];
		char rank[16], average[32], months[16];
		bool on_list = false;

		sqlite3_reset(listed);
		sqlite3_bind_text(listed, 1, r->code, -1, SQLITE_STATIC);
		sqlite3_bind_int(listed, 2, year);
		if (sqlite3_step(listed) != SQLITE_ROW) {
			rc = stele_error_db(STELE_EFAIL, db, "reading the weak list");
			goto done;
		}
		on_list = sqlite3_column_int(listed, 0) != 0;
		snprintf(rank, sizeof(rank), "%d", r->rank);
		stele_format_fixed(average, r->average, 2);
		snprintf(months, sizeof(months), "%lld", (long long)r->months);
		const char *cells[7] = { rank, r->code, r->name, r->township, average, months,
					 on_list ? "yes" : "no" };
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
	*ranked = (long)nranked;
	*cut = (long)k;
	*out = t;
	t = NULL;
done:
	sqlite3_finalize(listed);
	stele_table_free(t);
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return rc;
}

int stele_weak_add(sqlite3 *db, const char *code, int year, const char *date,
		   const char *reason)
{
	int64_t found = 0, open_year = 0;
	int rc;

	if ((rc = stele_db_query_int(&found, db, "reading the weak list",
				     "SELECT count(*) FROM village WHERE code = ?1", "t", code)) < 0)
		return rc;
	if (!found)
		return stele_error(STELE_EINVALID, "village %s is not registered", code);
	if ((rc = stele_db_query_int(&found, db, "reading the weak list",
				     "SELECT count(*) FROM weak_village WHERE village_code = ?1 "
				     "AND year = ?2", "tn", code, year)) < 0)
		return rc;
	if (found)
		return stele_error(STELE_EINVALID, "village %s is on the weak list for %d already",
				   code, year);
	if ((rc = stele_db_query_int(&open_year, db, "reading the weak list",
				     "SELECT year FROM weak_village WHERE village_code = ?1 "
				     "AND converted_on IS NULL", "t", code)) < 0)
		return rc;
	if (open_year)
		return stele_error(STELE_EINVALID, "village %s is on the weak list since %lld and "
				   "not yet turned around ('weak convert')", code, (long long)open_year);
	rc = stele_db_run(db, "writing the weak list",
			  "INSERT INTO weak_village (village_code, year, "
			  "listed_on, reason) VALUES (?1, ?2, ?3, ?4)",
			  "tntt", code, (int)year, date, reason);
	return rc;
}

int stele_weak_convert(int *year, sqlite3 *db, const char *code, const char *date,
		       const char *note)
{
	sqlite3_stmt *stmt = NULL;
	const char *listed_on;
	int rc, step, y;

	if ((rc = stele_db_prepare(db, &stmt, "SELECT year, listed_on FROM weak_village "
					      "WHERE village_code = ?1 AND converted_on IS NULL")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		rc = stele_error(STELE_EINVALID, "village %s is not on the weak list", code);
		goto done;
	}
	if (step != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, db, "reading the weak list");
		goto done;
	}
	y = sqlite3_column_int(stmt, 0);
	listed_on = (const char *)sqlite3_column_text(stmt, 1);
	if (strcmp(date, listed_on) < 0) {
		rc = stele_error(STELE_EINVALID, "village %s: turned around on %s, before it was "
				 "listed (%s)", code, date, listed_on);
		goto done;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((rc = stele_db_prepare(db, &stmt, "UPDATE weak_village SET converted_on = ?3, note = ?4 "
					      "WHERE village_code = ?1 AND year = ?2")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, y);
	sqlite3_bind_text(stmt, 3, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, note, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "writing the weak list");
		goto done;
	}
	*year = y;
done:
	sqlite3_finalize(stmt);
	return rc;
}

int stele_weak_list(struct stele_table **out, sqlite3 *db, int year, const char *date)
{
	char year_text[16];

	snprintf(year_text, sizeof(year_text), "%d", year);
	const char *params[] = { date, year_text, NULL };
	return stele_table_from_query(out, db,
		"SELECT w.village_code, v.name AS village_name, v.township_code, w.year, w.listed_on, "
		"w.reason, CASE WHEN w.converted_on <= ?1 THEN w.converted_on END AS converted_on, "
		"CASE WHEN w.converted_on <= ?1 THEN w.note END AS note, "
		"(unixepoch(CASE WHEN w.converted_on <= ?1 THEN w.converted_on ELSE ?1 END) "
		" - unixepoch(w.listed_on)) / 86400 AS days_listed, "
		"CASE WHEN w.converted_on <= ?1 THEN 'converted' ELSE 'listed' END AS status "
		"FROM weak_village w LEFT JOIN village v ON v.code = w.village_code "
		"WHERE w.listed_on <= ?1 AND (CAST(?2 AS INTEGER) = 0 OR w.year = CAST(?2 AS INTEGER)) "
		"ORDER BY w.listed_on, w.village_code, w.year",
		params, "year,days_listed");
}
