/* assessment.c: the validated write of a self-assessment score
 * (assessment_put), shared by `assess set`, import and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "rowcheck.h"
#include "suggest.h"

/* The fields of an assessment, in cli.md's import/export column order. */
enum { AF_YEAR, AF_ITEM, AF_SCORE, AF_NOTE };

#define NOTE_MAX STELE_NOTE_MAX

static const char assessment_get_sql[] =
	"SELECT score, coalesce(note, '') FROM assessment "
	"WHERE village_code = ?1 AND year = ?2 AND item_code = ?3";
static const char assessment_put_sql[] =
	"INSERT INTO assessment (village_code, year, item_code, score, note) "
	"VALUES (?1, ?2, ?3, ?4, nullif(?5, '')) ON CONFLICT (village_code, year, item_code) "
	"DO UPDATE SET score = excluded.score, note = excluded.note";

int assessment_put(struct agent_batch *b, const struct assessment_row *row)
{
	const struct agent_item *item;
	char label[96], max_text[32];
	const char *note = row->note ? row->note : "";
	int32_t year;
	int64_t score;
	sqlite3_stmt *stmt;
	int rc, step;

	snprintf(label, sizeof(label), _("assessment %.8s %.40s"), row->year ? row->year : "",
		 row->item_code ? row->item_code : "");
	if (!row->year || stele_parse_year(&year, row->year, "year") < 0)
		return agent_refuse_malformed(AF_YEAR, "%s: %s", label,
				    row->year ? stele_error_message() : "year is empty");
	if (!row->item_code || !*row->item_code)
		return agent_refuse_malformed(AF_ITEM, "%s: item is empty", label);
	if ((rc = agent_batch_item(&item, b, row->item_code)) < 0)
		return rc;
	if (!item)
	{
		char hint[96];
		agent_did_you_mean(hint, sizeof(hint), b, AGENT_ITEM_CODES_SQL, row->item_code);
		rc = agent_refuse(AF_ITEM, "%s: standard item '%s' does not exist", label,
				  row->item_code);
		stele_suggest_hint(hint);
		return rc;
	}
	if (!item->active)
		return agent_refuse(AF_ITEM, "%s: standard item '%s' is not active", label,
				    row->item_code);
	if (!row->score || !*row->score)
		return agent_refuse_malformed(AF_SCORE, "%s: score is empty", label);
	if (stele_parse_tenths(&score, row->score, "score") < 0)
		return agent_refuse_malformed(AF_SCORE, "%s: %s", label, stele_error_message());
	stele_format_fixed(max_text, item->max_score, 1);
	if (score < 0 || score > item->max_score)
		return agent_refuse(AF_SCORE, "%s: score %s is not between 0 and the item's maximum "
				    "%s", label, row->score, max_text);
	if ((rc = agent_check_field_text(AF_NOTE, label, "note", note, NOTE_MAX)) < 0)
		return rc;

	/* An unchanged row is not written (no empty change in the stream). */
	if ((rc = agent_batch_stmt(&stmt, b, assessment_get_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, year);
	sqlite3_bind_text(stmt, 3, row->item_code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	bool same = step == SQLITE_ROW && sqlite3_column_int64(stmt, 0) == score &&
		    strcmp((const char *)sqlite3_column_text(stmt, 1), note) == 0;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading assessments");
	sqlite3_reset(stmt);
	if (rc < 0 || same)
		return rc;

	if ((rc = agent_batch_stmt(&stmt, b, assessment_put_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, year);
	sqlite3_bind_text(stmt, 3, row->item_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, score);
	sqlite3_bind_text(stmt, 5, note, -1, SQLITE_STATIC);
	return agent_batch_exec(b, stmt, "writing an assessment");
}
