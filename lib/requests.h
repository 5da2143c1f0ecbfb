/* requests.h: the county's listings of residents' requests taken and escalated
 * (satisfaction per village, escalations per township, requests open too long;
 * docs/rankings.md "Requests taken and escalated"), and the league's satisfaction
 * indicator. */
#ifndef STELE_REQUESTS_H
#define STELE_REQUESTS_H

#include <stddef.h>
#include <sqlite3.h>

#include "rank.h"
#include "table.h"

/*
 * rank,village_code,village_name,township_code,received,resolved,in_time,taken,
 * escalated,rated,satisfied_count,satisfaction,status for every registered village, over
 * the requests received in [first_day, next_day) (YYYY-MM-DD texts); in_time uses
 * request_days. *out is a new table freed by the caller with stele_table_free().
 */
int stele_rank_requests(struct stele_table **out, sqlite3 *db, const char *first_day,
			const char *next_day, long long request_days);

/*
 * township_code,township_name,villages,escalated,resolved,open,avg_days,max_days for
 * every township of the registry, over the requests escalated in [first_day,
 * next_day). *out is freed by the caller with stele_table_free().
 */
int stele_rank_escalations(struct stele_table **out, sqlite3 *db, const char *first_day,
			   const char *next_day);

/*
 * The requests open on date (YYYY-MM-DD: received by then, not resolved by then)
 * for more than days days, most days first: days_open,village_code,village_name,
 * township_code,request_id,received_on,category,grid,handler,escalated_to,
 * escalated_on. *out is freed by the caller with stele_table_free().
 */
int stele_rank_open_requests(struct stele_table **out, sqlite3 *db, long long days,
			     const char *date);

/*
 * The league's satisfaction indicator for rows (codes, n: stele_rank_villages_load's):
 * for each synced, started village with a request received in [first_day, next_day)
 * that has feedback (satisfied set), has_satisfaction and satisfaction = the share
 * satisfied, in ten-thousandths. Called by the league only when
 * weight.satisfaction > 0.
 */
int stele_rank_satisfaction(struct stele_league_row *rows, char *const *codes, size_t n,
			    sqlite3 *db, const char *first_day, const char *next_day);

#endif
