/* rowcheck.h: the value rules every synced row obeys (shared/spec/domain.md), one
 * validator per table: the agent runs it on every row it is about to sign, the
 * merge on every row it is about to apply, so the county accepts exactly what an
 * agent writes (docs/security.md "Bounds on values"). */
#ifndef STELE_ROWCHECK_H
#define STELE_ROWCHECK_H

#include <stdint.h>

#include "cswalk.h"

/*
 * Bounds on numbers (docs/rankings.md "Bounds"): with them, a sum of points over
 * every row a SQLite database can hold fits in 64 bits; income sums are added
 * with checked arithmetic (lib/rank.c).
 */
#define STELE_POINTS_MAX 100000            /* tenths: |points| of an event or a rule <= 10000.0 */
#define STELE_FEN_MAX    100000000000LL    /* fen: |amount| of an income row <= 1,000,000,000.00 yuan */
#define STELE_SCORE_MAX  1000              /* tenths: a score or an item's maximum <= 100.0 */
#define STELE_HOUSEHOLDS_MAX 100000        /* households of one grid (schema/0012-grids.sql) */

/* Longest texts, in bytes (the agent's limits). */
#define STELE_NAME_MAX  100                /* a member's name */
#define STELE_TITLE_MAX 200                /* a task's title */
#define STELE_NOTE_MAX  500                /* a point event's or an assessment's note */
#define STELE_LABEL_MAX 64                 /* categories, grids, income sources */

/*
 * Checks one row change (as stele_cs_walk reads it) against its table's rules:
 * every value an insert gives or an update sets has its column's type, range,
 * shape and length (ids, dates, months, one-line UTF-8 text without control
 * characters, the enumerations and the bounds above), and an update of a point
 * event's stage moves forward only (published and rejected are final). Deletes,
 * and tables without rules here, pass. Rules that need other rows (a member
 * exists, a month is closed, a rule's sign) are the agent's alone
 * (docs/security.md says why). Returns 0, or STELE_EINVALID with one line naming
 * the table, the row and the column: "income 'I0001': amount ... is out of range".
 */
int stele_row_check(const struct stele_cs_row *row);

/* The same bound as a refusal of one parsed value, for the agent's own messages:
 * STELE_EINVALID "WHAT TEXT is out of range (at most ±MAX)" when |v| > max;
 * places is 1 (tenths) or 2 (fen). */
int stele_check_bound(int64_t v, int64_t max, int places, const char *what);

#endif
