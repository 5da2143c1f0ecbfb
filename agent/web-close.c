/* web-close.c: the workbench's month end (月结): the open months and what is still
 * under review in each, a confirmation, then the CLI's own agent_close_run; and
 * the ledger of change sets (记录). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "close.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "summary.h"
#include "web.h"

/* The open months up to ?2 (YYYY-MM) since the village's first record, with the
 * events of each at each review stage. */
static const char open_months_sql[] =
	"WITH RECURSIVE first(m) AS (SELECT substr(min(m), 1, 7) FROM ("
	" SELECT min(occurred_on) AS m FROM point_event WHERE village_code = ?1"
	" UNION ALL SELECT min(due_on) FROM task WHERE village_code = ?1"
	" UNION ALL SELECT min(received_on) FROM request WHERE village_code = ?1"
	" UNION ALL SELECT min(period) FROM income WHERE village_code = ?1"
	" UNION ALL SELECT ?2)),"
	" months(m) AS (SELECT m FROM first UNION ALL"
	"  SELECT strftime('%Y-%m', m || '-01', '+1 month') FROM months WHERE m < ?2),"
	" counts(m, a, b, c, d) AS (SELECT substr(occurred_on, 1, 7),"
	"  sum(stage = 'recorded'), sum(stage = 'group'), sum(stage = 'committee'),"
	"  sum(stage = 'assembly') FROM point_event NOT INDEXED WHERE village_code = ?1"
	"  AND stage IN ('recorded', 'group', 'committee', 'assembly') GROUP BY 1)"
	" SELECT months.m, coalesce(a, 0), coalesce(b, 0), coalesce(c, 0), coalesce(d, 0)"
	" FROM months LEFT JOIN counts ON counts.m = months.m"
	" WHERE months.m NOT IN (SELECT period FROM period_close WHERE village_code = ?1)"
	" ORDER BY months.m LIMIT 120";

/* The open months up to upto as a table; *n their count, *pending their events
 * still under review (recorded, group, committee: what close calls under review). */
static int open_months(struct web_req *rq, struct web_resp *rs, const char *upto, int *n,
		       long long *pending)
{
	sqlite3_stmt *stmt = NULL;
	const char *t[] = { upto };
	int rc, step;

	*n = 0;
	*pending = 0;
	if ((rc = web_query(&stmt, rq, open_months_sql, t, 1)) < 0)
		return rc;
	web_out(rs, "<table><thead><tr><th>%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
		"<th class=\"num\">%s</th><th class=\"num\">%s</th></tr></thead><tbody>\n", _("Month"),
		_("Awaiting the party group"), _("Awaiting the branch committee"),
		_("Awaiting the members' assembly"), _("Approved, not yet posted"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long a = sqlite3_column_int64(stmt, 1), b = sqlite3_column_int64(stmt, 2),
			  c = sqlite3_column_int64(stmt, 3), d = sqlite3_column_int64(stmt, 4);
		web_out(rs, "<tr class=\"%s\"><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
			a + b + c ? "late" : "", web_col(stmt, 0), a, b, c, d);
		*pending += a + b + c;
		(*n)++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the open months");
	sqlite3_finalize(stmt);
	web_out(rs, "</tbody></table>\n");
	return rc;
}

static int close_page(struct web_req *rq, struct web_resp *rs, const char *refusal)
{
	const char *closed = web_param(rq, "closed");
	char month[8], prev[8];
	int32_t m;
	int n, rc;
	long long pending;

	snprintf(month, sizeof(month), "%.7s", rq->today);
	stele_parse_month(&m, month, NULL);
	stele_format_month(prev, m - 1);
	web_page_begin(rs, rq, "close", _("Month end"));
	if (refusal)
		web_notice(rs, false, refusal);
	if (closed) {
		char msg[200];
		snprintf(msg, sizeof(msg), _("Closed %s: its records are read-only now."), closed);
		web_notice(rs, true, msg);
	}
	web_out(rs, "<p class=\"lead\">%s</p>\n", _("Closing a month declares it complete: nothing "
						  "dated in it can be added or changed afterwards "
						  "(corrections go into an open month), and its point "
						  "events stay at the stage they have reached. Finish "
						  "the reviews first."));
	web_out(rs, "<h2>%s</h2>\n", _("Months still open"));
	if ((rc = open_months(rq, rs, month, &n, &pending)) < 0)
		return rc;
	if (!n) {
		web_out(rs, "<p>%s</p>\n", _("Every month is closed."));
	} else {
		web_form_begin(rs, rq, "/close");
		web_out(rs, "<fieldset><legend>%s</legend>\n", _("Close a month"));
		web_field(rs, _("Month"), "month", "month", prev, NULL, "required");
		web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button></div>\n",
			_("Continue…"));
		web_form_end(rs);
	}
	web_page_end(rs, rq);
	return 0;
}

int web_close(struct web_req *rq, struct web_resp *rs)
{
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	return close_page(rq, rs, NULL);
}

/* The confirmation: what closing the month also closes, what is still under
 * review in them, and, when the month chosen is this computer's current month,
 * that it has not ended (the CLI's --force). */
static int confirm_page(struct web_req *rq, struct web_resp *rs, const char *month, bool not_ended,
			const char *refusal)
{
	char title[100];
	int n, rc;
	long long pending;

	snprintf(title, sizeof(title), _("Close %s?"), month);
	web_page_begin(rs, rq, "close", title);
	if (refusal)
		web_notice(rs, false, refusal);
	if (not_ended) {
		char msg[300], clock[16];
		stele_format_date(clock, stele_today());
		snprintf(msg, sizeof(msg), _("Month %s has not ended yet (this computer's clock says "
					     "%s): closing it now means nothing more can be recorded "
					     "in it."), month, clock);
		web_notice(rs, false, msg);
	}
	web_out(rs, "<p>%s</p>\n", _("These months will be closed (every earlier open month closes "
				     "with the one chosen):"));
	if ((rc = open_months(rq, rs, month, &n, &pending)) < 0)
		return rc;
	if (pending) {
		char msg[300];
		snprintf(msg, sizeof(msg), P_("%lld point event is still under review: closing freezes "
					      "it at its stage.",
					      "%lld point events are still under review: closing freezes "
					      "them at their stage.", pending), pending);
		web_notice(rs, false, msg);
		web_out(rs, "<p><a href=\"/points/review\">%s</a></p>\n", _("Finish the reviews first"));
	} else {
		web_notice(rs, true, _("No point event of these months is still under review."));
	}
	web_form_begin(rs, rq, "/close");
	web_out(rs, "<input type=\"hidden\" name=\"month\" value=\"%s\"><input type=\"hidden\" "
		"name=\"confirm\" value=\"1\"><div class=\"actions\"><button type=\"submit\">%s</button>"
		"<a class=\"button secondary\" href=\"/close\">%s</a></div>\n", month,
		_("Yes, close these months"), _("Cancel"));
	web_form_end(rs);
	web_page_end(rs, rq);
	return 0;
}

int web_close_save(struct web_req *rq, struct web_resp *rs)
{
	const char *month = web_param(rq, "month"), *confirm = web_param(rq, "confirm");
	struct agent_close c = { 0 };
	struct agent_batch b;
	int32_t m;
	int rc;

	month = month ? month : "";
	/* The confirmation page is the CLI's --force: it says when the month has not
	 * ended and lists what is under review. */
	if ((rc = agent_close_check(&m, month, true)) == STELE_EUSAGE)
		rc = STELE_EINVALID;
	if (rc == 0 && !(confirm && strcmp(confirm, "1") == 0)) {
		if ((rc = web_open(rq)) < 0)
			return rc;
		return confirm_page(rq, rs, month, m == agent_month_of(stele_today()), NULL);
	}
	if (rc == 0 && (rc = web_begin(&b, rq)) == 0) {
		if ((rc = agent_close_run(&c, &b, m, true)) == 0 && c.already)
			rc = stele_error(STELE_EINVALID, _("month %s is already closed; nothing to do"), month);
		rc = agent_batch_finish(&b, rc);
	}
	agent_close_release(&c);
	if (rc == STELE_EBUSY && rq->busy) {
		/* The confirmation again, to send once the directory is free. */
		char *msg;
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		rc = confirm_page(rq, rs, month, m == agent_month_of(stele_today()), msg);
		free(msg);
		return rc;
	}
	if (rc == STELE_EINVALID) {
		char *msg;
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		if (!rq->ctx->db && (rc = web_open(rq)) < 0) {
			free(msg);
			return rc;
		}
		rc = close_page(rq, rs, msg);
		free(msg);
		return rc;
	}
	if (rc < 0)
		return rc;
	web_redirect(rs, "/close?closed=%s", month);
	return 0;
}

int web_log(struct web_req *rq, struct web_resp *rs)
{
	sqlite3_stmt *stmt = NULL;
	char *synced = NULL;
	long long shown = 0;
	int rc, step;

	if ((rc = web_open(rq)) < 0 || (rc = stele_meta_get(rq->ctx->db, "synced_seq", &synced)) < 0)
		return rc;
	{
		/* synced is bound SQLITE_STATIC: it lives until the statement is done. */
		const char *t[] = { synced ? synced : "0" };
		rc = web_query(&stmt, rq, "SELECT seq, datetime(created_at, 'unixepoch', 'localtime'), "
			       "summary, seq <= CAST(?2 AS INTEGER), data FROM stele_outbox "
			       "ORDER BY seq DESC LIMIT 500", t, 1);
	}
	if (rc < 0) {
		free(synced);
		return rc;
	}
	web_page_begin(rs, rq, "log", _("Ledger of changes"));
	web_out(rs, "<p class=\"lead\">%s</p>\n", _("Every change is a signed change set, newest "
						  "first. Synced ones have gone to the village's "
						  "repository; the others go with the next sync."));
	web_out(rs, "<table><thead><tr><th class=\"num\">%s</th><th>%s</th><th>%s</th><th>%s</th>"
		"</tr></thead><tbody>\n", _("No."), _("Time"), _("What changed"), _("Sync"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		char *local = NULL;

		/* What changed, in the clerk's language; the stored (English) line if
		 * the bytes do not read. */
		stele_cs_encoded_summary_local(&local, sqlite3_column_blob(stmt, 4),
					       (size_t)sqlite3_column_bytes(stmt, 4));
		web_out(rs, "<tr><td class=\"num\">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			web_col(stmt, 0), web_col(stmt, 1), local ? local : web_col(stmt, 2),
			sqlite3_column_int(stmt, 3) ? _("synced") : _("waiting for the next sync"));
		free(local);
		shown++;
	}
	stele_error_clear();
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "reading the change sets");
	sqlite3_finalize(stmt);
	free(synced);
	web_out(rs, "</tbody></table>\n");
	if (!shown)
		web_out(rs, "<p class=\"muted\">%s</p>\n", _("nothing has been recorded yet"));
	web_page_end(rs, rq);
	return rc;
}
