/* collective.h: the collective-income listing (集体经济: year to date, growth,
 * sources, single-source and weak villages; docs/rankings.md "Collective income"). */
#ifndef STELE_COLLECTIVE_H
#define STELE_COLLECTIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "table.h"

/*
 * rank,village_code,village_name,township_code,income,prev_income,growth,sources,
 * single_source,weak,status for every registered village: income from year-01 to
 * year-month (month 1..12), the same months of year - 1, and the flags. *out is a
 * new table freed by the caller with stele_table_free().
 */
int stele_rank_income(struct stele_table **out, sqlite3 *db, int year, int month);

/* One village's figures, as its row of the listing defines them (without rank and
 * status): what the clerk's workbench shows on its 集体收入 page. */
struct stele_income {
	int64_t income;          /* fen, year-01 .. year-month */
	int64_t prev;            /* fen, the same months of year - 1; valid when has_prev */
	int64_t growth;          /* ten-thousandths; valid when has_growth */
	int64_t sources;         /* distinct sources in year-01 .. year-month */
	bool has_prev;           /* the village recorded income in year - 1 */
	bool has_growth;
	bool single_source;      /* sources == 1 */
	long long weak_yuan;     /* income.weak_yuan, yuan; valid when weak_set */
	bool weak_set;           /* the county has set income.weak_yuan */
	bool weak;               /* income < income.weak_yuan yuan; valid when weak_set */
};

/*
 * Fills *out with village's figures for year-01 .. year-month (month 1..12), from
 * the income rows in db, by the same definitions as stele_rank_income(). Nothing
 * to free.
 */
int stele_income_village(struct stele_income *out, sqlite3 *db, const char *village,
			 int year, int month);

#endif
