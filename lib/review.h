/* review.h: the county's review of a village's self-assessment (村街申报、乡镇初审、
 * 县级批准): adjusting one item's reviewed score and approving a year
 * (shared/spec/rankings.md "Village stars"). */
#ifndef STELE_REVIEW_H
#define STELE_REVIEW_H

#include <stdint.h>
#include <sqlite3.h>

/*
 * Approves village's self-assessment for year, inside the caller's transaction
 * (a captured county write): every active standard item without an
 * assessment_review row gets one, equal to the township's first-review score
 * (township_review) where its township sent one, else to the village's declared
 * score (either capped at the item's maximum; 0 for an item it did not declare),
 * and an
 * assessment_approval row records approved_on (YYYY-MM-DD) and note (may be NULL).
 * STELE_EINVALID, nothing written, when the village declared nothing for year or
 * the year is already approved. The caller checks the village is registered.
 */
int stele_review_approve(sqlite3 *db, const char *village, int year, const char *approved_on,
			 const char *note);

/*
 * Sets the reviewed score (tenths) of one active standard item of village's
 * self-assessment for year, before or after the approval, inside the caller's
 * transaction; note may be NULL. An unchanged row is not written again.
 * STELE_EINVALID, nothing written, for an unknown or inactive item or a score
 * outside 0 .. the item's maximum.
 */
int stele_review_adjust(sqlite3 *db, const char *village, int year, const char *item,
			int64_t score, const char *note);

/*
 * The township's first review (乡镇初审) of one item: as stele_review_adjust, into
 * township_review, inside the caller's transaction (a captured township write).
 */
int stele_review_township(sqlite3 *db, const char *village, int year, const char *item,
			  int64_t score, const char *note);

#endif
