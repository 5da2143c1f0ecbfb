/* grids.h: the villages' grid registries (网格化管理): the check of a member's or
 * request's grid against its village's registry, and the monthly grid listing
 * (rank grids; docs/rankings.md "Grids"). */
#ifndef STELE_GRIDS_H
#define STELE_GRIDS_H

#include <sqlite3.h>

#include "table.h"

/* The statement stele_grid_check steps: prepare it once from this text (the
 * caller owns and finalizes it; the agent's batch caches it by this address). */
extern const char stele_grid_check_sql[];

/*
 * Whether village's registry admits grid for a row whose stored grid is kept
 * (NULL or "" for a new row or one without a grid). Admitted: an empty or NULL
 * grid; any grid while the village has no grid registered; a registered grid;
 * and kept itself (a row written before the registry listed its grid keeps it).
 * Otherwise STELE_EINVALID "grid 'G9' is not in the village's grid registry".
 * stmt is prepared from stele_grid_check_sql; it is reset, not finalized.
 */
int stele_grid_check(sqlite3_stmt *stmt, const char *village, const char *grid,
		     const char *kept);

/*
 * The grids of month month (1..12) of year: one row per grid of every village
 * (village NULL) or of one, by village code then grid code (byte order):
 * village_code,village_name,grid,grid_name,households,worker,registered,members,
 * requests,resolved_in_time,request_rate,still_open,households_range,no_member.
 * Registered grids always; a grid value no registry lists when a ranked member
 * or a request of the month, or one open at its end, names it. *out is a new
 * table freed by the caller with stele_table_free().
 */
int stele_rank_grids(struct stele_table **out, sqlite3 *db, int year, int month,
		     const char *village);

#endif
