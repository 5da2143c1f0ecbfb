/* village.c: what the agent's commands share: opening, captured writes, ids,
 * closed months. */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "parse.h"

int agent_open(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = stele_ctx_open(ctx, true)) < 0)
		return rc;
	if (strcmp(ctx->writer, STELE_WRITER_COUNTY) == 0)
		return stele_error(STELE_EFAIL, "%s is a county directory; use stele-aggregator",
				   ctx->dir);
	return 0;
}

int agent_write_begin(struct stele_ctx *ctx, struct stele_capture **cap)
{
	return stele_capture_begin(cap, ctx->db, ctx->writer);
}

int agent_write_commit(struct stele_ctx *ctx, struct stele_capture *cap)
{
	uint64_t seq;

	return stele_capture_commit(&seq, cap, ctx->sk);
}

int agent_next_id(char *out, struct stele_ctx *ctx, const char *table, const char *prefix,
		  int width)
{
	sqlite3_stmt *stmt = NULL;
	char sql[256], pattern[48];
	long long next = 1;
	int rc;

	/* GLOB keeps ids of another shape (imported "OLD-7") out of the sequence. */
	snprintf(pattern, sizeof(pattern), "%s", prefix);
	for (int i = 0; i < width && strlen(pattern) + 5 < sizeof(pattern); i++)
		strcat(pattern, "[0-9]");
	snprintf(sql, sizeof(sql),
		 "SELECT max(CAST(substr(id, %d) AS INTEGER)) FROM %s "
		 "WHERE village_code = ? AND id GLOB ?", (int)strlen(prefix) + 1, table);
	if ((rc = stele_db_prepare(ctx->db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, pattern, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "assigning an id");
		goto done;
	}
	if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		next = sqlite3_column_int64(stmt, 0) + 1;
	snprintf(out, 24, "%s%0*lld", prefix, width, next);
done:
	sqlite3_finalize(stmt);
	return rc;
}

int agent_check_id(const char *id, const char *what)
{
	size_t n = strlen(id);

	if (n == 0 || n > 32)
		goto bad;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			goto bad;
	return 0;
bad:
	return stele_error(STELE_EINVALID, "%s '%s' is not 1-32 letters, digits, '-' or '_'", what, id);
}

int32_t agent_month_of(int32_t days)
{
	int y, m, d;

	stele_civil_from_days(days, &y, &m, &d);
	return y * 12 + (m - 1);
}

int agent_month_closed(bool *closed, struct stele_ctx *ctx, int32_t month)
{
	sqlite3_stmt *stmt = NULL;
	char text[8];
	int rc, step;

	stele_format_month(text, month);
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT 1 FROM period_close "
						   "WHERE village_code = ? AND period = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		*closed = step == SQLITE_ROW;
	else
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading closed months");
	sqlite3_finalize(stmt);
	return rc;
}

int agent_refuse_closed(struct stele_ctx *ctx, const char *text, const char *what)
{
	int32_t month, days;
	bool closed;
	char name[8];
	int rc;

	if (strlen(text) == 7) {
		if ((rc = stele_parse_month(text, &month, what)) < 0)
			return rc;
	} else {
		if ((rc = stele_parse_date(text, &days, what)) < 0)
			return rc;
		month = agent_month_of(days);
	}
	if ((rc = agent_month_closed(&closed, ctx, month)) < 0)
		return rc;
	if (closed) {
		stele_format_month(name, month);
		return stele_error(STELE_EINVALID, "%s: month %s is closed (corrections go into an "
				   "open month)", what, name);
	}
	return 0;
}

int agent_member_exists(bool *exists, struct stele_ctx *ctx, const char *id)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT 1 FROM member "
						   "WHERE village_code = ? AND id = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		*exists = step == SQLITE_ROW;
	else
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading members");
	sqlite3_finalize(stmt);
	return rc;
}
