/* member.c: the validated write of a party member (member_put), shared by
 * `member add|set`, import and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"

const char *const member_statuses[] = { "active", "transferred_out", "flowing", "deceased", NULL };

static const char member_get_sql[] =
	"SELECT '', name, gender, born, joined, status, grid FROM member "
	"WHERE village_code = ?1 AND id = ?2";
const struct agent_row_kind member_kind = { N_("member"), "member", "M", 4, member_get_sql,
					    MF_COUNT };

/* NULL fields keep their value; "" clears an optional one. */
static const char member_update_sql[] =
	"UPDATE member SET name = coalesce(?3, name), "
	"gender = CASE WHEN ?4 IS NULL THEN gender ELSE nullif(?4, '') END, "
	"born = CASE WHEN ?5 IS NULL THEN born ELSE CAST(nullif(?5, '') AS INTEGER) END, "
	"joined = CASE WHEN ?6 IS NULL THEN joined ELSE nullif(?6, '') END, "
	"status = coalesce(nullif(?7, ''), status), "
	"grid = CASE WHEN ?8 IS NULL THEN grid ELSE nullif(?8, '') END "
	"WHERE village_code = ?1 AND id = ?2";
static const char member_insert_sql[] =
	"INSERT INTO member (village_code, id, name, gender, born, joined, status, grid) "
	"VALUES (?1, ?2, ?3, nullif(?4, ''), CAST(nullif(?5, '') AS INTEGER), "
	"nullif(?6, ''), coalesce(nullif(?7, ''), 'active'), nullif(?8, ''))";

int member_put(char *out_id, struct agent_batch *b, const struct member_row *row)
{
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label, *joined = row->joined;
	char joined_buf[32];
	bool exists;
	int64_t born;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = agent_batch_row_ref(&ref, NULL, b, &member_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	exists = ref.exists;
	/* Each refusal names its field (agent_refuse), so a form can show it there. */
	if (!exists && (!row->name || !*row->name))
		return agent_refuse_malformed(MF_NAME, "%s: name is empty", label);
	if (row->name) {
		if (!*row->name)
			return agent_refuse_malformed(MF_NAME, "%s: name is empty", label);
		if ((rc = stele_check_text(row->name, 100, "member name")) < 0)
			return agent_refuse(MF_NAME, "%s", stele_error_message());
	}
	if (row->gender && *row->gender && strcmp(row->gender, "M") != 0 && strcmp(row->gender, "F") != 0)
		return agent_refuse_malformed(MF_GENDER, "%s: gender '%s' is not M, F or empty", label, row->gender);
	if (row->born && *row->born && stele_parse_int(&born, row->born, 1900, 2999, "born") < 0)
		return agent_refuse_malformed(MF_BORN, "%s: born '%s' is not a year", label, row->born);
	if ((rc = agent_lenient_field(&joined, joined_buf, MF_JOINED, label, 'd')) < 0)
		return rc;
	if (joined && *joined &&
	    ((rc = agent_check_field_date(MF_JOINED, label, "joined", joined)) < 0 ||
	     (rc = agent_batch_refuse_closed(b, MF_JOINED, label, joined)) < 0))
		return rc;
	if (row->status && !agent_in_list(member_statuses, row->status))
		return agent_refuse_malformed(MF_STATUS, "%s: status '%s' is not active, transferred_out, "
				   "flowing or deceased", label, row->status);
	if (row->grid && *row->grid &&
	    ((rc = agent_check_field_text(MF_GRID, label, "grid", row->grid, 64)) < 0 ||
	     (rc = grid_check(b, MF_GRID, label, "member", id, row->grid)) < 0))
		return rc;

	if ((rc = agent_batch_stmt(&stmt, b, exists ? member_update_sql : member_insert_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, row->gender, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, row->born, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, joined, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, row->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, row->grid, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		/* A broken constraint is the row's fault; a disk error is not. */
		if ((sqlite3_errcode(b->ctx->db) & 0xff) == SQLITE_CONSTRAINT)
			rc = stele_error(STELE_EINVALID, "%s: %s", label, sqlite3_errmsg(b->ctx->db));
		else
			rc = stele_error_db(STELE_EFAIL, b->ctx->db, label);
	}
	sqlite3_reset(stmt);
	if (rc == 0 && out_id)
		strcpy(out_id, id);
	return rc;
}

int member_delete(struct agent_batch *b, const char *id)
{
	static const char *const dates[] = { "joined", NULL };

	return agent_batch_delete(b, &member_kind, id, dates,
		"SELECT 'point event ' || id FROM point_event WHERE village_code = ?1 AND "
		"member_id = ?2 UNION ALL SELECT 'task ' || id FROM task WHERE village_code = ?1 "
		"AND assignee = ?2 LIMIT 1",
		N_("%s names them: only a member no record names can be deleted (else set "
		   "--status)"));
}
