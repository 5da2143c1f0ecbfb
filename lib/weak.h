/* weak.h: the county's list of weak village organisations (软弱涣散整顿): the
 * proposal from a year's league (倒排), listing, turnaround (整顿转化); docs/rankings.md
 * "Weak organisations". */
#ifndef STELE_WEAK_H
#define STELE_WEAK_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "table.h"

/*
 * The bottom pct per cent of the villages ranked in year's league tables, by their
 * average composite over months 1..last_month (ties at the cut included):
 * rank,village_code,village_name,township_code,average,months,listed, worst first.
 * *ranked gets N' (villages ranked in at least one month), *cut the number the
 * share asks for, ceil(N' * pct / 100). *out is freed by the caller with
 * stele_table_free(). pct is 1..100, last_month 1..12.
 */
int stele_weak_suggest(struct stele_table **out, long *ranked, long *cut, sqlite3 *db,
		       int year, int last_month, int pct);

/*
 * Lists code for year, listed on date with reason, inside the caller's write.
 * STELE_EINVALID when the village is not registered, is listed for year already,
 * or is on the list (an entry not converted) from another year.
 */
int stele_weak_add(sqlite3 *db, const char *code, int year, const char *date,
		   const char *reason);

/*
 * Records that code's open entry was turned around on date (not before it was
 * listed), with note, inside the caller's write. *year gets the entry's year.
 * STELE_EINVALID when code has no open entry, or date is before it was listed.
 */
int stele_weak_convert(int *year, sqlite3 *db, const char *code, const char *date,
		       const char *note);

/*
 * The entries listed on or before date (YYYY-MM-DD), of year when year > 0:
 * village_code,village_name,township_code,year,listed_on,reason,converted_on,note,
 * days_listed,status, by listing date then code. An entry converted after date is
 * shown as still listed on date. *out is freed by the caller.
 */
int stele_weak_list(struct stele_table **out, sqlite3 *db, int year, const char *date);

#endif
