/* requests.c: residents' requests at the county: satisfaction per village,
 * escalations (吹哨报到) per township and their days to resolution, requests open
 * too long, and the league's satisfaction indicator, in integer arithmetic. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank-villages.h"
#include "requests.h"

/* One village's counts over the period. */
struct request_counts {
	char code[16], township[16];
	char *name;
	bool synced;
	int64_t n[7];   /* received, resolved, in_time, taken, escalated, rated, satisfied */
	bool has_share;
	int64_t share;  /* satisfied / rated, ten-thousandths */
	int rank;
};

static const char counts_sql[] =
	"SELECT v.code, v.name, v.township_code, "
	"EXISTS (SELECT 1 FROM stele_stream s WHERE s.writer = v.code AND s.last_seq > 0), "
	"count(r.id), coalesce(sum(r.resolved_on IS NOT NULL), 0), "
	"coalesce(sum(r.resolved_on IS NOT NULL AND "
	"  unixepoch(r.resolved_on) - unixepoch(r.received_on) <= ?3 * 86400), 0), "
	"coalesce(sum(f.handler IS NOT NULL), 0), coalesce(sum(f.escalated_on IS NOT NULL), 0), "
	"coalesce(sum(r.satisfied IS NOT NULL), 0), coalesce(sum(r.satisfied = 1), 0) "
	"FROM village v "
	"LEFT JOIN request r ON r.village_code = v.code AND r.received_on >= ?1 "
	"AND r.received_on < ?2 "
	"LEFT JOIN request_followup f ON f.village_code = r.village_code AND f.request_id = r.id "
	"GROUP BY v.code ORDER BY v.code";

/* Rated villages by satisfaction descending, then code; the others last, by code. */
static int by_share(const void *a, const void *b)
{
	const struct request_counts *x = a, *y = b;

	if (x->has_share != y->has_share)
		return x->has_share ? -1 : 1;
	if (x->has_share && x->share != y->share)
		return x->share > y->share ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Frees rows[0..n) of load_counts: each name, then the array. */
static void counts_free(struct request_counts *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
}

/* Reads every registered village's counts (*out, *n; the caller frees them with
 * counts_free). */
static int load_counts(struct request_counts **out, size_t *n, sqlite3 *db,
		       const char *first_day, const char *next_day, long long request_days)
{
	struct request_counts *rows = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t count = 0, cap = 0;
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt, counts_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, first_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, next_day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, request_days);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((rc = stele_array_reserve(&rows, &cap, count, sizeof(*rows), 64)) < 0)
			goto done;
		struct request_counts *r = &rows[count];
		memset(r, 0, sizeof(*r));
		snprintf(r->code, sizeof(r->code), "%s", (const char *)sqlite3_column_text(stmt, 0));
		snprintf(r->township, sizeof(r->township), "%s",
			 (const char *)sqlite3_column_text(stmt, 2));
		if (!(r->name = strdup((const char *)sqlite3_column_text(stmt, 1)))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		count++;
		r->synced = sqlite3_column_int(stmt, 3) != 0;
		for (int k = 0; k < 7; k++)
			r->n[k] = sqlite3_column_int64(stmt, 4 + k);
		r->has_share = r->synced && r->n[5] > 0;
		if (r->has_share)
			r->share = stele_rank_share(r->n[6], r->n[5]);
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "reading requests");
		goto done;
	}
	*out = rows;
	*n = count;
	rows = NULL;
	count = 0;
done:
	sqlite3_finalize(stmt);
	counts_free(rows, count);
	return rc;
}

int stele_rank_requests(struct stele_table **out, sqlite3 *db, const char *first_day,
			const char *next_day, long long request_days)
{
	static const char *const names[] = {
		"rank", "village_code", "village_name", "township_code", "received", "resolved",
		"in_time", "taken", "escalated", "rated", "satisfied_count", "satisfaction", "status",
	};
	static const enum stele_col_kind kinds[] = {
		STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_TEXT,
	};
	struct request_counts *rows = NULL;
	struct stele_table *t = NULL;
	size_t n = 0;
	int rc;

	if ((rc = load_counts(&rows, &n, db, first_day, next_day, request_days)) < 0)
		return rc;
	qsort(rows, n, sizeof(*rows), by_share);
	for (size_t i = 0; i < n; i++)
		if (rows[i].has_share)
			rows[i].rank = i > 0 && rows[i - 1].has_share && rows[i - 1].share == rows[i].share
				       ? rows[i - 1].rank : (int)i + 1;
	if ((rc = stele_table_new(&t, 13, names, kinds)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		const struct request_counts *r = &rows[i];
		char rank[16], num[7][24], share[24];
		const char *cells[13] = { r->has_share ? rank : NULL, r->code, r->name, r->township };

		snprintf(rank, sizeof(rank), "%d", r->rank);
		for (int k = 0; k < 7; k++) {
			snprintf(num[k], sizeof(num[k]), "%lld", (long long)r->n[k]);
			cells[4 + k] = r->synced ? num[k] : NULL;
		}
		stele_format_fixed(share, r->share, 4);
		cells[11] = r->has_share ? share : NULL;
		cells[12] = r->synced ? "ok" : "unsynced";
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
	*out = t;
	t = NULL;
done:
	stele_table_free(t);
	counts_free(rows, n);
	return rc;
}

/* Per township: escalations in the period, resolved ones' total and longest days
 * (one pass over the escalated requests, grouped). */
static const char escalations_sql[] =
	"WITH t AS (SELECT township_code AS code, min(township_name) AS name, count(*) AS villages "
	"  FROM village GROUP BY township_code), "
	"e AS (SELECT v.township_code AS code, count(*) AS escalated, count(d.days) AS resolved, "
	"  sum(d.days) AS total, max(d.days) AS longest FROM (SELECT f.village_code, "
	"  (unixepoch(r.resolved_on) - unixepoch(f.escalated_on)) / 86400 AS days "
	"  FROM request_followup f JOIN request r ON r.village_code = f.village_code "
	"  AND r.id = f.request_id WHERE f.escalated_on >= ?1 AND f.escalated_on < ?2) d "
	"  JOIN village v ON v.code = d.village_code GROUP BY v.township_code) "
	"SELECT t.code, t.name, t.villages, coalesce(e.escalated, 0), coalesce(e.resolved, 0), "
	"coalesce(e.total, 0), e.longest FROM t LEFT JOIN e ON e.code = t.code ORDER BY t.code";

int stele_rank_escalations(struct stele_table **out, sqlite3 *db, const char *first_day,
			   const char *next_day)
{
	static const char *const names[] = {
		"township_code", "township_name", "villages", "escalated", "resolved", "open",
		"avg_days", "max_days",
	};
	static const enum stele_col_kind kinds[] = {
		STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER,
	};
	struct stele_table *t = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc, step = SQLITE_DONE;

	if ((rc = stele_table_new(&t, 8, names, kinds)) < 0 ||
	    (rc = stele_db_prepare(db, &stmt, escalations_sql)) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, first_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, next_day, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t villages = sqlite3_column_int64(stmt, 2), escalated = sqlite3_column_int64(stmt, 3);
		int64_t resolved = sqlite3_column_int64(stmt, 4), total = sqlite3_column_int64(stmt, 5);
		char num[4][24], avg[32], max[24];

		snprintf(num[0], sizeof(num[0]), "%lld", (long long)villages);
		snprintf(num[1], sizeof(num[1]), "%lld", (long long)escalated);
		snprintf(num[2], sizeof(num[2]), "%lld", (long long)resolved);
		snprintf(num[3], sizeof(num[3]), "%lld", (long long)(escalated - resolved));
		/* The mean in tenths of a day, rounded half away from zero. */
		if (resolved > 0)
			stele_format_fixed(avg, stele_rank_div_round(total * 10, resolved), 1);
		snprintf(max, sizeof(max), "%lld", (long long)sqlite3_column_int64(stmt, 6));
		const char *cells[8] = {
			(const char *)sqlite3_column_text(stmt, 0), (const char *)sqlite3_column_text(stmt, 1),
			num[0], num[1], num[2], num[3], resolved > 0 ? avg : NULL, resolved > 0 ? max : NULL,
		};
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
done:
	return stele_table_end(out, t, stmt, rc, step, db, "reading escalations");
}

int stele_rank_open_requests(struct stele_table **out, sqlite3 *db, long long days,
			     const char *date)
{
	char n[24];

	snprintf(n, sizeof(n), "%lld", days);
	const char *params[] = { date, n, NULL };
	return stele_table_from_query(out, db,
		"SELECT (unixepoch(?1) - unixepoch(r.received_on)) / 86400 AS days_open, "
		"r.village_code, v.name AS village_name, v.township_code, r.id AS request_id, "
		"r.received_on, r.category, r.grid, f.handler, f.escalated_to, f.escalated_on "
		"FROM request r JOIN village v ON v.code = r.village_code "
		"LEFT JOIN request_followup f ON f.village_code = r.village_code AND f.request_id = r.id "
		"WHERE r.received_on <= ?1 AND (r.resolved_on IS NULL OR r.resolved_on > ?1) "
		"AND (unixepoch(?1) - unixepoch(r.received_on)) / 86400 > CAST(?2 AS INTEGER) "
		"ORDER BY days_open DESC, r.village_code, r.id",
		params, "days_open");
}

int stele_rank_satisfaction(struct stele_league_row *rows, char *const *codes, size_t n,
			    sqlite3 *db, const char *first_day, const char *next_day)
{
	sqlite3_stmt *stmt = NULL;
	size_t idx;
	int rc;

	if ((rc = stele_db_prepare(db, &stmt,
		"SELECT village_code, count(*), sum(satisfied) FROM request "
		"WHERE received_on >= ?1 AND received_on < ?2 AND satisfied IS NOT NULL "
		"GROUP BY village_code")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, first_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, next_day, -1, SQLITE_STATIC);
	while ((rc = stele_rank_step_village(&idx, db, stmt, codes, n, "reading requests")) > 0) {
		int64_t rated = sqlite3_column_int64(stmt, 1), good = sqlite3_column_int64(stmt, 2);
		if (rated > 0 && rows[idx].synced && rows[idx].started) {
			rows[idx].has_satisfaction = true;
			rows[idx].satisfaction = stele_rank_share(good, rated);
		}
	}
	sqlite3_finalize(stmt);
	return rc;
}
