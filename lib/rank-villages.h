/* rank-villages.h: what the league table (rank.c), the member ranking
 * (rank-members.c) and the stars (stars.c) share: periods, the reversal filter,
 * the registered villages as rows, and a village's standard scores of a year. */
#ifndef STELE_RANK_VILLAGES_H
#define STELE_RANK_VILLAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "rank.h"

/* Text bounds of a month or a year, for range conditions on ISO text. */
struct stele_period {
	char first_day[24];  /* YYYY-MM-01 or YYYY-01-01 */
	char next_day[24];    /* the first day after the period */
};
void stele_rank_month_period(struct stele_period *p, int year, int month);
void stele_rank_year_period(struct stele_period *p, int year);

/* Not cancelled by a reversal (红字冲销, schema 0010; alias e): a reversing event
 * never counts by itself, and an event counts nowhere once its reversal is
 * counted (docs/rankings.md "Reversals"). The cancelled events are one set, by
 * rowid, that SQLite builds once per statement: no per-event probe, and the rowid
 * is in every index entry, so a covering index stays covering. CROSS JOIN keeps
 * the (few) reversals first: SQLite would otherwise scan every event. */
#define NOT_REVERSED                                                                   \
	" AND e.rowid NOT IN (SELECT c.rowid FROM point_reversal x CROSS JOIN point_event " \
	"c ON c.village_code = x.village_code AND c.id = x.event_id UNION ALL "           \
	"SELECT o.rowid FROM point_reversal x CROSS JOIN point_event c ON "               \
	"c.village_code = x.village_code AND c.id = x.event_id AND c.stage IN "          \
	"('assembly', 'published') CROSS JOIN point_event o ON o.village_code = "         \
	"x.village_code AND o.id = x.reverses)"

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
