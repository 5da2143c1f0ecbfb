/* web-ledger.c: the workbench's task ledger (台账, overdue first, closed item by
 * item), residents' requests (诉求) and collective income (集体收入), through the
 * CLI's own task_put, request_put and income_put. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collective.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "rules.h"
#include "web.h"

/* The fields as the put functions' refusals number them (cli.md's column order). */
enum { TK_ID, TK_TITLE, TK_CATEGORY, TK_ASSIGNEE, TK_DUE, TK_CLOSED };
enum { RQ_ID, RQ_RECEIVED, RQ_CATEGORY, RQ_GRID, RQ_RESOLVED, RQ_SATISFIED };
enum { IN_ID, IN_PERIOD, IN_AMOUNT, IN_SOURCE };

/* A refusal to show: the engine's message, the field it names, and (for an
 * action on a row of a list) that row's id. */
struct refusal {
	const char *msg;
	int field;
	const char *row;
};

#define ERR(r, f) ((r) && (r)->msg && !(r)->row && (r)->field == (f) ? (r)->msg : NULL)

/* The notice above a form: a refusal of no particular field. */
static void refusal_notice(struct web_resp *rs, const struct refusal *r, int first, int last)
{
	if (r && r->msg && (r->row || r->field < first || r->field > last))
		web_notice(rs, false, r->msg);
	else if (r && r->msg)
		web_notice(rs, false, _("Nothing was saved: correct what is marked below."));
}

/* Keeps the engine's message of the last refusal while a page is drawn (422). */
static int refused(struct refusal *r, char **keep, const char *row, struct web_resp *rs)
{
	int rc;

	r->field = web_refused_field();
	if ((rc = web_refused(keep, rs)) < 0)
		return rc;
	r->msg = *keep;
	r->row = row;
	return 0;
}

/* The value of a form field, "" when absent. */
static const char *field(const struct web_req *rq, const char *name)
{
	const char *v = web_param(rq, name);

	return v ? v : "";
}

/* Ends a list drawn from stmt (its last step's result in step): the table, the
 * count of its rows, the page. Finalizes stmt. */
static int list_end(struct web_req *rq, struct web_resp *rs, sqlite3_stmt *stmt, int step,
		    const char *doing, const char *count_label, long long n)
{
	int rc = 0;

	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, doing);
	sqlite3_finalize(stmt);
	web_out(rs, "</tbody></table>\n<p class=\"muted\">%s %lld</p>\n", count_label, n);
	web_page_end(rs, rq);
	return rc;
}

typedef int (*ledger_page_fn)(struct web_req *, struct web_resp *, const struct refusal *);

/* A page as a GET shows it: the directory opened, no refusal. */
static int show(struct web_req *rq, struct web_resp *rs, ledger_page_fn page)
{
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	return page(rq, rs, NULL);
}

/* Tasks. */

static int tasks_page(struct web_req *rq, struct web_resp *rs, const struct refusal *r)
{
	sqlite3_stmt *stmt = NULL;
	const char *t[] = { rq->today };
	int rc, step;
	long long n = 0;

	web_page_begin(rs, rq, "tasks", _("Task ledger"));
	web_saved_notice(rq, rs, _("Saved task %s."));
	refusal_notice(rs, r, TK_TITLE, TK_DUE);
	web_form_begin(rs, rq, "/tasks/add");
	web_out(rs, "<fieldset><legend>%s</legend>\n", _("Add a task"));
	web_field(rs, _("Task"), "text", "title", r ? field(rq, "title") : "", ERR(r, TK_TITLE),
		  "required maxlength=\"200\" size=\"40\"");
	web_field(rs, _("Due"), "date", "due", r ? field(rq, "due") : "", ERR(r, TK_DUE), "required");
	web_field(rs, _("Category"), "text", "category", r ? field(rq, "category") : "",
		  ERR(r, TK_CATEGORY), "maxlength=\"64\"");
	if ((rc = web_member_picker(rq, rs, _("Assigned to"), "assignee", r ? field(rq, "assignee") : "",
				ERR(r, TK_ASSIGNEE))) < 0)
		return rc;
	web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button></div>\n",
		_("Add"));
	web_form_end(rs);

	/* The village's own tasks and those issued from above (上级交办), as the CLI's
	 * `task list` and the league's task_rate read them: overdue first, the most
	 * days overdue first among them. */
	if ((rc = web_query(&stmt, rq,
			    "SELECT t.id, t.title, coalesce(t.category, ''), coalesce(m.name, t.assignee, ''), "
			    "t.due_on, coalesce(t.closed_on, ''), "
			    "t.closed_on IS NULL AND t.due_on < ?2 AS late, t.origin = 'county' "
			    "FROM task_ledger t LEFT JOIN member m ON m.village_code = t.village_code "
			    "AND m.id = t.assignee "
			    "WHERE t.village_code = ?1 ORDER BY late DESC, t.closed_on IS NOT NULL, "
			    "t.due_on, t.id", t, 1)) < 0)
		return rc;
	web_out(rs, "<h2>%s</h2>\n<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th></tr></thead><tbody>\n", _("The ledger: overdue first"), _("Id"),
		_("Task"), _("Category"), _("Assigned to"), _("Due"), _("Closed out (销号)"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *id = web_col(stmt, 0);
		bool late = sqlite3_column_int(stmt, 6) != 0, issued = sqlite3_column_int(stmt, 7) != 0;
		web_out(rs, "<tr class=\"%s\"><td>%s</td><td>%s",
			late && issued ? "late issued" : late ? "late" : issued ? "issued" : "", id,
			web_col(stmt, 1));
		if (issued)
			web_out(rs, " <span class=\"tag\">%s</span>", _("issued from above"));
		web_out(rs, "</td><td>%s</td><td>%s</td><td>%s%s</td><td>", web_col(stmt, 2),
			web_col(stmt, 3), web_col(stmt, 4), late ? _(" — overdue") : "");
		if (*web_col(stmt, 5)) {
			web_out(rs, "%s", web_col(stmt, 5));
		} else {
			bool bad = r && r->row && strcmp(r->row, id) == 0;
			web_form_begin(rs, rq, "/tasks/close");
			web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><label class=\"no-print\">%s "
				"<input type=\"date\" name=\"date\" value=\"%s\"></label> "
				"<button type=\"submit\" class=\"secondary\">%s</button>", id, _("on"),
				bad ? field(rq, "date") : rq->today, _("Close out"));
			if (bad)
				web_out(rs, "<span class=\"error\">%s</span>", r->msg);
			web_form_end(rs);
		}
		web_out(rs, "</td></tr>\n");
		n++;
	}
	return list_end(rq, rs, stmt, step, "listing the tasks", _("tasks:"), n);
}

int web_tasks(struct web_req *rq, struct web_resp *rs)
{
	return show(rq, rs, tasks_page);
}

/* Runs one put in a captured write; a refusal redraws page with it. */
static int put_or_redraw(struct web_req *rq, struct web_resp *rs, int (*put)(struct agent_batch *, void *),
			 void *arg, const char *row_id, ledger_page_fn page, bool *written)
{
	struct refusal r = { 0 };
	struct agent_batch b;
	char *keep = NULL;
	int rc;

	*written = false;
	agent_refuse_clear();
	if ((rc = web_begin(&b, rq)) == 0)
		rc = agent_batch_finish(&b, put(&b, arg));
	if (web_redraw(rc)) {
		if ((rc = refused(&r, &keep, row_id, rs)) == 0)
			rc = page(rq, rs, &r);
		free(keep);
		return rc;
	}
	*written = rc == 0;
	return rc;
}

struct put_task { struct task_row row; char id[24]; };

static int put_task(struct agent_batch *b, void *arg)
{
	struct put_task *p = arg;
	return task_put(p->id, b, &p->row);
}

int web_tasks_add(struct web_req *rq, struct web_resp *rs)
{
	struct put_task p = { .row = { .title = field(rq, "title"), .due_on = field(rq, "due"),
				       .category = field(rq, "category"),
				       .assignee = field(rq, "assignee"), .must_be_new = true } };
	bool written;
	int rc = put_or_redraw(rq, rs, put_task, &p, NULL, tasks_page, &written);

	if (rc == 0 && written)
		web_redirect(rs, "/tasks?saved=%s", p.id);
	return rc;
}

int web_tasks_close(struct web_req *rq, struct web_resp *rs)
{
	struct put_task p = { .row = { .id = field(rq, "id"), .closed_on = field(rq, "date"),
				       .must_exist = true, .closing = true } };
	bool written;
	int rc;

	if (!*p.row.closed_on)
		p.row.closed_on = rq->today;
	rc = put_or_redraw(rq, rs, put_task, &p, p.row.id, tasks_page, &written);
	if (rc == 0 && written)
		web_redirect(rs, "/tasks?saved=%s", p.row.id);
	return rc;
}

/* Requests. */

static int requests_page(struct web_req *rq, struct web_resp *rs, const struct refusal *r)
{
	static const char *const sat_values[] = { "1", "0", "" };
	const char *sat_labels[] = { _("satisfied"), _("not satisfied"), _("not asked") };
	sqlite3_stmt *stmt = NULL;
	long long days = 7, n = 0;
	char daystext[24], lead[300];
	int rc, step;

	if (stele_config_get(&days, rq->ctx->db, "request.days") < 0)
		days = 7;
	snprintf(daystext, sizeof(daystext), "%lld", days);
	web_page_begin(rs, rq, "requests", _("Residents' requests"));
	snprintf(lead, sizeof(lead), _("A request counts as resolved in time within %lld days."), days);
	web_out(rs, "<p class=\"lead\">%s</p>\n", lead);
	web_saved_notice(rq, rs, _("Saved request %s."));
	refusal_notice(rs, r, RQ_RECEIVED, RQ_GRID);
	web_form_begin(rs, rq, "/requests/add");
	web_out(rs, "<fieldset><legend>%s</legend>\n", _("Record a request"));
	web_field(rs, _("Received on"), "date", "received", r ? field(rq, "received") : rq->today,
		  ERR(r, RQ_RECEIVED), "required");
	web_field(rs, _("Category"), "text", "category", r ? field(rq, "category") : "",
		  ERR(r, RQ_CATEGORY), "maxlength=\"64\"");
	web_field(rs, _("Grid"), "text", "grid", r ? field(rq, "grid") : "", ERR(r, RQ_GRID),
		  "maxlength=\"64\" list=\"grid-codes\"");
	web_grid_datalist(rq, rs);
	/* The member who took it (党员接单), as request add --handler. */
	if ((rc = web_member_picker(rq, rs, _("Taken by (经办人)"), "handler",
				    r ? field(rq, "handler") : "", NULL)) < 0)
		return rc;
	web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button></div>\n",
		_("Record"));
	web_form_end(rs);

	{
		const char *t[] = { rq->today, daystext };
		if ((rc = web_query(&stmt, rq,
				    "SELECT r.id, r.received_on, coalesce(r.category, ''), "
				    "coalesce(r.grid, ''), coalesce(r.resolved_on, ''), "
				    "coalesce(r.satisfied, -1), r.resolved_on IS NULL AND "
				    "julianday(?2) - julianday(r.received_on) > CAST(?3 AS INTEGER) AS late, "
				    "coalesce(m.name, f.handler, ''), coalesce(f.escalated_to, ''), "
				    "coalesce(f.escalated_on, '') FROM request r "
				    "LEFT JOIN request_followup f ON f.village_code = r.village_code "
				    "AND f.request_id = r.id LEFT JOIN member m ON "
				    "m.village_code = r.village_code AND m.id = f.handler "
				    "WHERE r.village_code = ?1 ORDER BY r.resolved_on IS NOT NULL, "
				    "late DESC, r.received_on, r.id", t, 2)) < 0)
			return rc;
	}
	web_out(rs, "<h2>%s</h2>\n<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th><th>%s</th><th class=\"no-print\"></th></tr></thead><tbody>\n",
		_("Requests: open first"), _("Id"), _("Received on"), _("Category"), _("Grid"),
		_("Taken by (经办人)"), _("Escalated to (上报)"), _("Resolved"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *id = web_col(stmt, 0);
		bool late = sqlite3_column_int(stmt, 6) != 0;
		int sat = sqlite3_column_int(stmt, 5);
		web_out(rs, "<tr class=\"%s\"><td>%s</td><td>%s%s</td><td>%s</td><td>%s</td><td>",
			late ? "late" : "", id, web_col(stmt, 1),
			late ? _(" — past the deadline") : "", web_col(stmt, 2), web_col(stmt, 3));
		web_out(rs, "%s</td><td>%s", web_col(stmt, 7), web_col(stmt, 8));
		if (*web_col(stmt, 9))
			web_out(rs, " (%s)", web_col(stmt, 9));
		web_out(rs, "</td><td>");
		if (*web_col(stmt, 4)) {
			web_out(rs, "%s (%s)", web_col(stmt, 4),
				sat == 1 ? sat_labels[0] : sat == 0 ? sat_labels[1] : sat_labels[2]);
		} else {
			bool bad = r && r->row && strcmp(r->row, id) == 0;
			web_form_begin(rs, rq, "/requests/resolve");
			web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><label>%s <input "
				"type=\"date\" name=\"date\" value=\"%s\"></label> <label>%s <select "
				"name=\"satisfied\">", id, _("on"), bad ? field(rq, "date") : rq->today,
				_("residents"));
			for (int i = 0; i < 3; i++)
				web_out(rs, "<option value=\"%s\">%s</option>", sat_values[i], sat_labels[i]);
			web_out(rs, "</select></label> <button type=\"submit\" class=\"secondary\">%s</button>",
				_("Resolved"));
			if (bad)
				web_out(rs, "<span class=\"error\">%s</span>", r->msg);
			web_form_end(rs);
		}
		web_out(rs, "</td><td class=\"no-print\"><a href=\"/requests/followup?id=");
		web_url(rs, id);
		web_out(rs, "\">%s</a></td></tr>\n", _("follow up"));
		n++;
	}
	return list_end(rq, rs, stmt, step, "listing the requests", _("requests:"), n);
}

int web_requests(struct web_req *rq, struct web_resp *rs)
{
	return show(rq, rs, requests_page);
}

struct put_request { struct request_row row; char id[24]; const char *handler; };

static int put_request(struct agent_batch *b, void *arg)
{
	struct put_request *p = arg;
	int rc;

	/* As request add --handler: the member who took it, in the same change set. */
	if ((rc = request_put(p->id, b, &p->row)) == 0 && p->handler && *p->handler) {
		struct followup_row taken = { .request_id = p->id, .handler = p->handler };
		rc = request_followup_put(b, &taken);
	}
	return rc;
}

int web_requests_add(struct web_req *rq, struct web_resp *rs)
{
	struct put_request p = { .row = { .received_on = field(rq, "received"),
					  .category = field(rq, "category"), .grid = field(rq, "grid"),
					  .must_be_new = true }, .handler = field(rq, "handler") };
	bool written;
	int rc = put_or_redraw(rq, rs, put_request, &p, NULL, requests_page, &written);

	if (rc == 0 && written)
		web_redirect(rs, "/requests?saved=%s", p.id);
	return rc;
}

int web_requests_resolve(struct web_req *rq, struct web_resp *rs)
{
	struct put_request p = { .row = { .id = field(rq, "id"), .resolved_on = field(rq, "date"),
					  .satisfied = field(rq, "satisfied"), .must_exist = true,
					  .resolving = true } };
	bool written;
	int rc;

	if (!*p.row.resolved_on)
		p.row.resolved_on = rq->today;
	rc = put_or_redraw(rq, rs, put_request, &p, p.row.id, requests_page, &written);
	if (rc == 0 && written)
		web_redirect(rs, "/requests?saved=%s", p.row.id);
	return rc;
}

/* Income. */

/* The year-to-date cards above the income form: this village's figures of the
 * current year through the current month, as the county's rank income has them. */
static int income_cards(struct web_req *rq, struct web_resp *rs)
{
	struct stele_income f;
	char amount[32], prev[32], growth[32];
	int year = atoi(rq->today), month = atoi(rq->today + 5);
	int rc;

	if ((rc = stele_income_village(&f, rq->ctx->db, agent_village(rq->ctx), year, month)) < 0)
		return rc;
	stele_format_fixed(amount, f.income, 2);
	web_out(rs, "<div class=\"cards\">\n<div class=\"card\"><h2>%s</h2><div class=\"big\">%s</div>"
		"<div class=\"muted\">", _("This year to date (yuan)"), amount);
	web_out(rs, _("%d, January to month %d"), year, month);
	web_out(rs, "</div></div>\n<div class=\"card\"><h2>%s</h2><div class=\"big\">",
		_("Same months last year (yuan)"));
	if (f.has_prev) {
		stele_format_fixed(prev, f.prev, 2);
		web_out(rs, "%s</div><div class=\"muted\">", prev);
		if (f.has_growth) {
			stele_format_fixed(growth, f.growth, 2);
			web_out(rs, _("Growth: %s%%"), growth);
		} else {
			web_out(rs, "%s", _("Growth: not computed (no income the year before)"));
		}
	} else {
		web_out(rs, "—</div><div class=\"muted\">%s", _("No income recorded last year"));
	}
	web_out(rs, "</div></div>\n<div class=\"card%s\"><h2>%s</h2><div class=\"big\">%lld</div>"
		"<div class=\"muted\">%s</div></div>\n", f.single_source ? " warn" : "",
		_("Sources of income"), (long long)f.sources,
		f.single_source ? _("Single source (单一村): one source only this year")
				: f.sources ? _("Distinct sources this year") : _("No income recorded this year"));
	if (f.weak_set) {
		web_out(rs, "<div class=\"card %s\"><h2>%s</h2><div>", f.weak ? "warn" : "good",
			_("Weak collective economy (薄弱村)"));
		web_out(rs, f.weak ? _("Below the county's threshold of %lld yuan so far this year")
				   : _("At or above the county's threshold of %lld yuan"), f.weak_yuan);
		web_out(rs, "</div></div>\n");
	}
	web_out(rs, "</div>\n");
	return 0;
}

static int income_page(struct web_req *rq, struct web_resp *rs, const struct refusal *r)
{
	sqlite3_stmt *stmt = NULL;
	char month[8];
	long long n = 0;
	int rc, step;

	snprintf(month, sizeof(month), "%.7s", rq->today);
	web_page_begin(rs, rq, "income", _("Collective income"));
	web_saved_notice(rq, rs, _("Saved income row %s."));
	refusal_notice(rs, r, IN_PERIOD, IN_SOURCE);
	if ((rc = income_cards(rq, rs)) < 0)
		return rc;
	web_form_begin(rs, rq, "/income/add");
	web_out(rs, "<fieldset><legend>%s</legend>\n", _("Record income"));
	web_field(rs, _("Month"), "month", "period", r ? field(rq, "period") : month,
		  ERR(r, IN_PERIOD), "required");
	web_field(rs, _("Amount (yuan)"), "text", "amount", r ? field(rq, "amount") : "",
		  ERR(r, IN_AMOUNT), "required inputmode=\"decimal\" size=\"12\"");
	web_field(rs, _("Source"), "text", "source", r ? field(rq, "source") : "", ERR(r, IN_SOURCE),
		  "maxlength=\"100\" size=\"30\"");
	web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button></div>\n",
		_("Record"));
	web_form_end(rs);
	if ((rc = web_query(&stmt, rq,
			    "SELECT id, period, " AGENT_SQL_FEN("amount") ", source, "
			    AGENT_SQL_FEN("sum(amount) OVER (PARTITION BY substr(period, 1, 4))")
			    " FROM income WHERE village_code = ?1 ORDER BY period DESC, id", NULL, 0)) < 0)
		return rc;
	web_out(rs, "<h2>%s</h2>\n<table><thead><tr><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
		"<th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>\n", _("Income recorded"),
		_("Id"), _("Month"), _("Amount (yuan)"), _("Source"), _("Total of the year"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		web_out(rs, "<tr><td>%s</td><td>%s</td><td class=\"num\">%s</td><td>%s</td>"
			"<td class=\"num\">%s</td></tr>\n", web_col(stmt, 0), web_col(stmt, 1),
			web_col(stmt, 2), web_col(stmt, 3), web_col(stmt, 4));
		n++;
	}
	return list_end(rq, rs, stmt, step, "listing the income", _("rows:"), n);
}

int web_income(struct web_req *rq, struct web_resp *rs)
{
	return show(rq, rs, income_page);
}

struct put_income { struct income_row row; char id[24]; };

static int put_income(struct agent_batch *b, void *arg)
{
	struct put_income *p = arg;
	return income_put(p->id, b, &p->row);
}

int web_income_add(struct web_req *rq, struct web_resp *rs)
{
	struct put_income p = { .row = { .period = field(rq, "period"), .amount = field(rq, "amount"),
					 .source = field(rq, "source"), .must_be_new = true } };
	bool written;
	int rc = put_or_redraw(rq, rs, put_income, &p, NULL, income_page, &written);

	if (rc == 0 && written)
		web_redirect(rs, "/income?saved=%s", p.id);
	return rc;
}
