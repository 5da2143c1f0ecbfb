/* report-data.c: the data of the county report: the league tables of twelve
 * months, the ranks over them, the stars, the county and the state computed at. */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "rank.h"
#include "report.h"

void report_free(struct report *r)
{
	for (int i = 0; i < HISTORY_MONTHS; i++)
		stele_league_free(r->league[i]);
	stele_stars_free(r->stars);
	free(r->history);
	free(r->by_code);
	free(r->county_name);
	free(r->county_code);
	free(r->state_at);
}

static void month_back(int *year, int *month, int back)
{
	int index = *year * 12 + (*month - 1) - back;

	*year = index / 12;
	*month = index % 12 + 1;
}

static const struct stele_league_row *sort_rows; /* for compare_by_code */

static int compare_by_code(const void *a, const void *b)
{
	return strcmp(sort_rows[*(const size_t *)a].code, sort_rows[*(const size_t *)b].code);
}

/* Indexes of a league's rows ordered by code. *out is freed by the caller. */
static int rows_by_code(size_t **out, const struct stele_league *league)
{
	size_t *index = calloc(league->nrows ? league->nrows : 1, sizeof(size_t));

	if (!index)
		return stele_error(STELE_EFAIL, "out of memory");
	for (size_t i = 0; i < league->nrows; i++)
		index[i] = i;
	sort_rows = league->rows;
	qsort(index, league->nrows, sizeof(size_t), compare_by_code);
	sort_rows = NULL;
	*out = index;
	return 0;
}

/* Fills r->history from the twelve leagues, pairing rows by code (each league
 * lists the registry as it is now, so the months line up). */
static int history_ranks(struct report *r)
{
	const struct stele_league *now = r->league[HISTORY_MONTHS - 1];
	size_t *month_index = NULL;
	int rc;

	if ((rc = rows_by_code(&r->by_code, now)) < 0)
		return rc;
	if (!(r->history = calloc(now->nrows ? now->nrows * HISTORY_MONTHS : 1, sizeof(int))))
		return stele_error(STELE_EFAIL, "out of memory");
	r->max_rank = 1;
	for (int m = 0; m < HISTORY_MONTHS; m++) {
		const struct stele_league *l = r->league[m];
		if ((rc = rows_by_code(&month_index, l)) < 0)
			return rc;
		for (size_t i = 0, j = 0; i < now->nrows && j < l->nrows;) {
			const struct stele_league_row *a = &now->rows[r->by_code[i]];
			const struct stele_league_row *b = &l->rows[month_index[j]];
			int cmp = strcmp(a->code, b->code);
			if (cmp == 0 && b->ranked) {
				r->history[r->by_code[i] * HISTORY_MONTHS + (size_t)m] = b->rank;
				if (b->rank > r->max_rank)
					r->max_rank = b->rank;
			}
			i += cmp <= 0;
			j += cmp >= 0;
		}
		free(month_index);
		month_index = NULL;
	}
	return 0;
}

int report_load(struct report *r)
{
	int rc;

	sqlite3_stmt *stmt = NULL;

	/* The state's time, to the millisecond: no two epochs share one
	 * (stele_history_epoch), so --as-of that time names this state. */
	if ((rc = stele_db_prepare(r->db, &stmt, "SELECT strftime('%Y-%m-%dT%H:%M:%S', at / 1000, "
						 "'unixepoch', 'localtime') || printf('.%03d', at % 1000) "
						 "FROM main.stele_epoch WHERE n = ?")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, r->epoch);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		if (!(r->state_at = strdup((const char *)sqlite3_column_text(stmt, 0))))
			rc = stele_error(STELE_EFAIL, "out of memory");
	}
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	/* A run's own state is named by its id; any other (a county write after the
	 * run) by its time. */
	if (r->state_at)
		snprintf(r->as_of, sizeof(r->as_of), "%s", r->state_at);
	if (r->run) {
		if ((rc = stele_db_prepare(r->db, &stmt, "SELECT epoch FROM main.stele_run "
							 "WHERE id = ?")) < 0)
			return rc;
		sqlite3_bind_int64(stmt, 1, r->run);
		if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int64(stmt, 0) == r->epoch)
			snprintf(r->as_of, sizeof(r->as_of), "%lld", (long long)r->run);
		sqlite3_finalize(stmt);
	}
	if ((rc = stele_meta_get(r->db, "county_name", &r->county_name)) < 0 ||
	    (rc = stele_meta_get(r->db, "county_code", &r->county_code)) < 0 ||
	    (rc = stele_rank_config_load(&r->cfg, r->db)) < 0)
		return rc;
	for (int i = 0; i < HISTORY_MONTHS; i++) {
		int y = r->year, m = r->month;
		month_back(&y, &m, HISTORY_MONTHS - 1 - i);
		if ((rc = stele_league_compute(&r->league[i], r->db, y, m, NULL,
					       i == HISTORY_MONTHS - 1)) < 0)
			return rc;
	}
	if ((rc = history_ranks(r)) < 0)
		return rc;
	return stele_stars_compute(&r->stars, r->db, r->year);
}
