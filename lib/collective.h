/* collective.h: the collective-income listing (集体经济: year to date, growth,
 * sources, single-source and weak villages; docs/rankings.md "Collective income"). */
#ifndef STELE_COLLECTIVE_H
#define STELE_COLLECTIVE_H

#include <sqlite3.h>

#include "table.h"

/*
 * rank,village_code,village_name,township_code,income,prev_income,growth,sources,
 * single_source,weak,status for every registered village: income from year-01 to
 * year-month (month 1..12), the same months of year - 1, and the flags. *out is a
 * new table freed by the caller with stele_table_free().
 */
int stele_rank_income(struct stele_table **out, sqlite3 *db, int year, int month);

#endif
