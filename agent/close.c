/* close.c: closing months (月结): a month and every earlier one still open, in the
 * caller's batch; shared by `stele-agent close` and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "batch.h"
#include "buf.h"
#include "close.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"

/* The earliest month of any record (point event, task, request, income) of the
 * village; members' join dates do not count (they go back decades). */
static const char first_month_sql[] =
	"SELECT min(m) FROM ("
	"SELECT min(substr(occurred_on, 1, 7)) AS m FROM point_event WHERE village_code = ?1 "
	"UNION ALL SELECT min(substr(due_on, 1, 7)) FROM task WHERE village_code = ?1 "
	"UNION ALL SELECT min(substr(received_on, 1, 7)) FROM request WHERE village_code = ?1 "
	"UNION ALL SELECT min(period) FROM income WHERE village_code = ?1)";
static const char close_insert_sql[] =
	"INSERT INTO period_close (village_code, period, closed_at) VALUES (?1, ?2, ?3)";
static const char under_review_sql[] =
	"SELECT count(*) FROM point_event WHERE village_code = ?1 "
	"AND stage IN ('recorded', 'group', 'committee') "
	"AND substr(occurred_on, 1, 7) BETWEEN ?2 AND ?3";
/* The events under review of the open months from ?2 to ?3, by id. */
static const char under_review_ids_sql[] =
	"SELECT id FROM point_event WHERE village_code = ?1 "
	"AND stage IN ('recorded', 'group', 'committee') "
	"AND substr(occurred_on, 1, 7) BETWEEN ?2 AND ?3 "
	"AND substr(occurred_on, 1, 7) NOT IN "
	"(SELECT period FROM period_close WHERE village_code = ?1) ORDER BY id";
#define LIST_MAX 10 /* ids named in a refusal; the rest are counted */

/* *out = the first record's month index, or `fallback` when there is no record. */
static int first_month(int32_t *out, struct agent_batch *b, int32_t fallback)
{
	sqlite3_stmt *stmt;
	int32_t month = fallback;
	int rc;

	if ((rc = agent_batch_stmt(&stmt, b, first_month_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "finding the first record");
	} else if (sqlite3_column_type(stmt, 0) != SQLITE_NULL &&
		   stele_parse_month(&month, (const char *)sqlite3_column_text(stmt, 0),
				     NULL) < 0) {
		month = fallback;
	}
	sqlite3_reset(stmt);
	if (rc == 0)
		*out = month;
	return rc;
}

/* How many events of months from..to are still under review. */
static int count_under_review(int64_t *out, struct agent_batch *b, int32_t from, int32_t to)
{
	char a[8], z[8];
	sqlite3_stmt *stmt;
	int rc;

	stele_format_month(a, from);
	stele_format_month(z, to);
	if ((rc = agent_batch_stmt(&stmt, b, under_review_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, z, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "counting events under review");
	sqlite3_reset(stmt);
	return rc;
}

/* Refuses (STELE_EINVALID) closing months from..to while events of their open
 * months are under review, naming them. */
static int refuse_under_review(struct agent_batch *b, int32_t from, int32_t to)
{
	struct stele_buf ids = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	char a[8], z[8];
	sqlite3_stmt *stmt;
	long count = 0;
	int rc, step;

	stele_format_month(a, from);
	stele_format_month(z, to);
	if ((rc = agent_batch_stmt(&stmt, b, under_review_ids_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, z, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (++count <= LIST_MAX &&
		    (rc = stele_buf_printf(&ids, "%s%s", count > 1 ? ", " : "",
					   (const char *)sqlite3_column_text(stmt, 0))) < 0)
			goto done;
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "listing events under review");
		goto done;
	}
	if (count > LIST_MAX &&
	    (rc = stele_buf_printf(&ids, _(" and %ld more"), count - LIST_MAX)) < 0)
		goto done;
	if (count && from < to)
		rc = stele_error(STELE_EINVALID,
				 P_("months %s to %s: %ld point event is still under review (%s): "
				    "finish the reviews first, or close with --force to freeze them",
				    "months %s to %s: %ld point events are still under review (%s): "
				    "finish the reviews first, or close with --force to freeze them",
				    count), a, z, count, ids.data);
	else if (count)
		rc = stele_error(STELE_EINVALID,
				 P_("month %s: %ld point event is still under review (%s): finish "
				    "the reviews first, or close with --force to freeze them",
				    "month %s: %ld point events are still under review (%s): finish "
				    "the reviews first, or close with --force to freeze them",
				    count), z, count, ids.data);
done:
	sqlite3_reset(stmt);
	stele_buf_free(&ids);
	return rc;
}

/* Inserts the period_close rows of every open month in from..to; earlier (the
 * months before `to`) receives their names, *nearlier their count, and
 * *under_review grows by their events not yet past committee. */
static int close_months(struct agent_batch *b, int32_t from, int32_t to, struct stele_buf *earlier,
			int *nearlier, int64_t *under_review)
{
	int64_t count = 0;
	char now[32], name[8];
	time_t t = time(NULL);
	struct tm tm;
	bool closed;
	int rc = 0;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (int32_t m = from; m <= to; m++) {
		if ((rc = agent_batch_month_closed(&closed, b, m)) < 0)
			return rc;
		if (closed)
			continue;
		stele_format_month(name, m);
		const char *row[] = { name, now };
		if ((rc = agent_batch_write_texts(b, close_insert_sql, row, 2, "closing a month")) < 0 ||
		    (rc = count_under_review(&count, b, m, m)) < 0)
			return rc;
		*under_review += count;
		if (m < to) {
			if ((rc = stele_buf_printf(earlier, "%s%s", *nearlier ? ", " : "", name)) < 0)
				return rc;
			(*nearlier)++;
		}
	}
	return 0;
}

int agent_close_check(int32_t *out, const char *text, bool force)
{
	int32_t month, today;
	char buf[32];
	int rc;

	/* 2026/11, 2026年11月, full-width digits: as the clerk writes it. */
	if ((rc = agent_lenient_field(&text, buf, -1, "close", 'm')) < 0)
		return STELE_EUSAGE;

	/* A malformed month is a usage error (exit 2), as everywhere on the command line. */
	if (strlen(text) != 7)
		return stele_error(STELE_EUSAGE, "month '%s' is not YYYY-MM", text);
	if (stele_parse_month(&month, text, "month") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	today = agent_month_of(stele_today());
	if (month > today || (month == today && !force)) {
		/* Name the clock's date: a clock set years back is the likely cause. */
		char clock[16];
		stele_format_date(clock, stele_today());
		if (month > today)
			return stele_error(STELE_EINVALID, "month %s has not begun yet (this "
					   "computer's clock says %s); a month is closed when it "
					   "is complete", text, clock);
		return stele_error(STELE_EINVALID, "month %s has not ended yet (this computer's "
				   "clock says %s); close it when it is complete, or with --force",
				   text, clock);
	}
	*out = month;
	return 0;
}

int agent_close_run(struct agent_close *out, struct agent_batch *b, int32_t month, bool force)
{
	struct stele_buf earlier = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct agent_close c = { 0 };
	int32_t first = 0;
	bool closed;
	int rc;

	if ((rc = agent_batch_month_closed(&closed, b, month)) < 0)
		goto done;
	if (closed) {
		c.already = true;
		goto found;
	}
	if ((rc = first_month(&first, b, month)) < 0)
		goto done;
	if (first > month)
		first = month;
	if (!force && (rc = refuse_under_review(b, first, month)) < 0)
		goto done;
	if ((rc = close_months(b, first, month, &earlier, &c.nearlier, &c.under_review)) < 0)
		goto done;
found:
	if (!(c.earlier = stele_buf_detach(&earlier, NULL))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	*out = c;
done:
	stele_buf_free(&earlier);
	return rc;
}

void agent_close_release(struct agent_close *c)
{
	free(c->earlier);
	c->earlier = NULL;
}
