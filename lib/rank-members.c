/* rank-members.c: the member point ranking within each village, and the members'
 * stars for a year's points (shared/spec/rankings.md). */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "rank-villages.h"

/* A counted point event whose rule is not a zeroing one (alias e). The rule sets
 * are read once per statement, like the cancelled events. */
#define COUNTED_NON_ZEROING                                                         \
	"e.stage IN ('assembly', 'published') AND e.rule_code NOT IN (SELECT r.code "      \
	"FROM point_rule r WHERE r.category = 'zeroing')" NOT_REVERSED
/* Ranked members: active and flowing (流动党员 stay members of their home branch). */
#define RANKED_MEMBER "m.status IN ('active', 'flowing')"

/* The stars (1..5) a member's year total (tenths) earns: 5, 4, 3 or 2 for the first
 * threshold member_star.N (whole points) it reaches, else 1. */
static int member_stars_for(const long long *stars, int64_t total)
{
	for (int i = 0; i < 4; i++)
		if (total >= (int64_t)stars[i] * 10)
			return 5 - i;
	return 1;
}

/* The member ranking of stele_rank_members; with stars (not NULL: member_star.5..2
 * in whole points) a sixth column, each member's stars for the points. */
static int members_table(struct stele_table **out, sqlite3 *db, int year, int month,
			 const char *village, const long long *stars)
{
	static const char *const names[] = { "rank", "village_code", "member_id", "name", "points",
					     "stars" };
	static const enum stele_col_kind kinds[] = {
		STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER,
		STELE_COL_NUMBER,
	};
	struct stele_table *t = NULL;
	sqlite3_stmt *stmt = NULL;
	struct stele_period y, p;
	char prev_village[64] = "";
	int64_t prev_total = 0;
	long position = 0, rank = 0;
	int rc, step = SQLITE_DONE;

	if (month < 0 || month > 12)
		return stele_error(STELE_EUSAGE, "month %d is not 1..12", month);
	stele_rank_year_period(&y, year);
	if (month)
		stele_rank_month_period(&p, year, month);
	else
		p = y;
	if ((rc = stele_table_new(&t, stars ? 6 : 5, names, kinds)) < 0)
		return rc;
	/* z: each member's latest counted zeroing event of the year. A member's total
	 * sums the counted non-zeroing events of the period after z. */
	rc = stele_db_prepare(db, &stmt,
		"WITH z AS (SELECT e.village_code, e.member_id, max(e.occurred_on) AS z "
		"  FROM point_event e JOIN point_rule r ON r.code = e.rule_code "
		"  WHERE r.category = 'zeroing' AND e.stage IN ('assembly', 'published') "
		NOT_REVERSED
		"  AND e.occurred_on >= ?1 AND e.occurred_on < ?2 "
		"  AND (?5 IS NULL OR e.village_code = ?5) GROUP BY 1, 2), "
		"totals AS (SELECT e.village_code, e.member_id, sum(e.points) AS total "
		"  FROM point_event e LEFT JOIN z ON z.village_code = e.village_code "
		"  AND z.member_id = e.member_id "
		"  WHERE " COUNTED_NON_ZEROING " AND e.occurred_on >= ?3 AND e.occurred_on < ?4 "
		"  AND (z.z IS NULL OR e.occurred_on > z.z) "
		"  AND (?5 IS NULL OR e.village_code = ?5) GROUP BY 1, 2) "
		"SELECT m.village_code, m.id, m.name, coalesce(t.total, 0) AS total "
		"FROM member m LEFT JOIN totals t ON t.village_code = m.village_code "
		"AND t.member_id = m.id "
		"WHERE " RANKED_MEMBER " AND (?5 IS NULL OR m.village_code = ?5) "
		"ORDER BY m.village_code, total DESC, m.id");
	if (rc < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, y.first_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, y.next_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, p.first_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, p.next_day, -1, SQLITE_STATIC);
	if (village)
		sqlite3_bind_text(stmt, 5, village, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(stmt, 0);
		int64_t total = sqlite3_column_int64(stmt, 3);
		char rank_text[24], points[32], star_text[8];

		if (strcmp(code, prev_village) != 0) {
			snprintf(prev_village, sizeof(prev_village), "%s", code);
			position = 0;
		}
		position++;
		if (position == 1 || total != prev_total)
			rank = position;
		prev_total = total;
		snprintf(rank_text, sizeof(rank_text), "%ld", rank);
		stele_format_fixed(points, total, 1);
		if (stars)
			snprintf(star_text, sizeof(star_text), "%d", member_stars_for(stars, total));
		const char *cells[6] = { rank_text, code, (const char *)sqlite3_column_text(stmt, 1),
					 (const char *)sqlite3_column_text(stmt, 2), points, star_text };
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
done:
	return stele_table_end(out, t, stmt, rc, step, db, "ranking members");
}

int stele_rank_members(struct stele_table **out, sqlite3 *db, int year, int month,
		       const char *village)
{
	return members_table(out, db, year, month, village, NULL);
}

int stele_rank_member_stars(struct stele_table **out, sqlite3 *db, int year, const char *village)
{
	struct stele_rank_config cfg;
	int rc;

	if ((rc = stele_rank_config_load(&cfg, db)) < 0)
		return rc;
	return members_table(out, db, year, 0, village, cfg.member_star);
}
