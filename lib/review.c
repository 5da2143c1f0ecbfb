/* review.c: the county's approval and adjustment of village self-assessments, and
 * the township's first review of them. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "parse.h"
#include "review.h"

int stele_review_approve(sqlite3 *db, const char *village, int year, const char *approved_on,
			 const char *note)
{
	int64_t declared = 0, approved = 0;
	int rc;

	if ((rc = stele_db_query_int(&declared, db, "reading assessments",
				     "SELECT count(*) FROM assessment "
				     "WHERE village_code = ?1 AND year = ?2", "tn", village, year)) < 0 ||
	    (rc = stele_db_query_int(&approved, db, "reading assessments",
				     "SELECT count(*) FROM assessment_approval "
				     "WHERE village_code = ?1 AND year = ?2", "tn", village, year)) < 0)
		return rc;
	if (approved)
		return stele_error(STELE_EINVALID, "the self-assessment of village %s for %d is "
				   "already approved", village, year);
	if (!declared)
		return stele_error(STELE_EINVALID, "village %s has declared no self-assessment for "
				   "%d (none merged yet)", village, year);
	rc = stele_db_run(db, "writing the reviewed scores",
			  "INSERT INTO assessment_review (village_code, year, item_code, score) "
			  "SELECT ?1, ?2, s.code, coalesce(min(t.score, s.max_score), min(a.score, s.max_score), 0) "
			  "FROM standard_item s "
			  "LEFT JOIN township_review t ON t.village_code = ?1 AND t.year = ?2 AND t.item_code = s.code "
			  "LEFT JOIN assessment a ON a.village_code = ?1 AND a.year = ?2 AND a.item_code = s.code "
			  "WHERE s.active = 1 AND NOT EXISTS (SELECT 1 FROM assessment_review r "
			  "WHERE r.village_code = ?1 AND r.year = ?2 AND r.item_code = s.code) "
			  "ORDER BY s.code",
			  "tn", village, (int)year);
	if (rc < 0)
		return rc;
	rc = stele_db_run(db, "writing the approval",
			  "INSERT INTO assessment_approval (village_code, "
			  "year, approved_on, note) VALUES (?1, ?2, ?3, ?4)",
			  "tnte", village, (int)year, approved_on, note);
	return rc;
}

/* Sets one item's score in table (assessment_review or township_review): what
 * stele_review_adjust and stele_review_township say. */
static int put_score(sqlite3 *db, const char *table, const char *village, int year,
		     const char *item, int64_t score, const char *note)
{
	char sql[320];
	sqlite3_stmt *stmt = NULL;
	int64_t max = 0, active = 0;
	char max_text[32], score_text[32];
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt, "SELECT max_score, active FROM standard_item "
					      "WHERE code = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, item, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		max = sqlite3_column_int64(stmt, 0);
		active = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, db, "reading the standard items");
	if (step == SQLITE_DONE)
		return stele_error(STELE_EINVALID, "standard item '%s' does not exist (see 'rules "
				   "list standard-items')", item);
	if (!active)
		return stele_error(STELE_EINVALID, "standard item '%s' is not active", item);
	stele_format_fixed(max_text, max, 1);
	stele_format_fixed(score_text, score, 1);
	if (score < 0 || score > max)
		return stele_error(STELE_EINVALID, "item %s: score %s is not between 0 and the item's "
				   "maximum %s", item, score_text, max_text);
	/* The row is written only when it changes (no empty change set). */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO %s (village_code, year, item_code, score, note) "
		 "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (village_code, year, item_code) "
		 "DO UPDATE SET score = excluded.score, note = excluded.note "
		 "WHERE score IS NOT excluded.score OR note IS NOT excluded.note", table);
	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, village, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, year);
	sqlite3_bind_text(stmt, 3, item, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, score);
	stele_bind_text_or_null(stmt, 5, note);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "writing the reviewed score");
	sqlite3_finalize(stmt);
	return rc;
}

int stele_review_adjust(sqlite3 *db, const char *village, int year, const char *item,
			int64_t score, const char *note)
{
	return put_score(db, "assessment_review", village, year, item, score, note);
}

int stele_review_township(sqlite3 *db, const char *village, int year, const char *item,
			  int64_t score, const char *note)
{
	return put_score(db, "township_review", village, year, item, score, note);
}
