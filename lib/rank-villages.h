/* rank-villages.h: what the league table (rank.c) and the stars (stars.c) share:
 * the registered villages as rows, and a village's standard scores of a year. */
#ifndef STELE_RANK_VILLAGES_H
#define STELE_RANK_VILLAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "rank.h"

/*
 * Steps a statement whose first column is a village code. Returns 1 with *idx
 * the code's position in codes (sorted ascending, n entries), skipping codes not
 * there; 0 when done; or STELE_EFAIL (what names the reading in the message).
 */
int stele_rank_step_village(size_t *idx, sqlite3 *db, sqlite3_stmt *stmt, char *const *codes,
			    size_t n, const char *what);

/*
 * The registered villages, ordered by code: rows (codes, names, township, synced,
 * closed for close_month when non-NULL) and a parallel array of code pointers for
 * lookups. Both are freed by the caller: the rows with stele_rank_rows_free, the
 * array with free (its pointers are the rows' codes).
 */
int stele_rank_villages_load(struct stele_league_row **out_rows, char ***out_codes, size_t *out_n,
			     sqlite3 *db, const char *close_month);
void stele_rank_rows_free(struct stele_league_row *rows, size_t n);

/* One village's standard scores for a year (tenths). */
struct stele_year_score {
	bool declared_set;  /* has an assessment row */
	int64_t declared;   /* Σ active items min(declared, max) */
	bool scored;        /* the (reviewed) score is set */
	int64_t score;
	bool veto;          /* a veto_event for the year */
};

/*
 * The scores of the registered villages (codes, n) for one year into out[n]: the
 * declared score from `assessment`; the reviewed score from `assessment_review`
 * once an `assessment_approval` exists (star.review = required), else the
 * declared score; and whether a veto event names the village.
 */
int stele_rank_year_scores(struct stele_year_score *out, sqlite3 *db,
			   const struct stele_rank_config *cfg, char *const *codes, size_t n, int year);

#endif
