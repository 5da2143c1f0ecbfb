/* web-followup.c: the workbench's follow-up of one resident's request (跟进): who
 * took it (经办人), escalating it to the township (上报, 吹哨报到) and the resident's
 * feedback (回访, 满意度), through the CLI's own request_followup_put and
 * request_feedback_put (`request set --handler`, `request escalate`, `request feedback`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "web.h"

/* The request and its follow-up, as the page shows them ("" where empty). */
enum { Q_RECEIVED, Q_CATEGORY, Q_GRID, Q_RESOLVED, Q_SATISFIED, Q_HANDLER, Q_HANDLER_NAME,
       Q_TO, Q_ON, Q_FEEDBACK, Q_COUNT };

static const char request_sql[] =
	"SELECT r.received_on, coalesce(r.category, ''), coalesce(r.grid, ''), "
	"coalesce(r.resolved_on, ''), coalesce(r.satisfied, ''), coalesce(f.handler, ''), "
	"coalesce(m.name, ''), coalesce(f.escalated_to, ''), coalesce(f.escalated_on, ''), "
	"coalesce(f.feedback, '') FROM request r "
	"LEFT JOIN request_followup f ON f.village_code = r.village_code AND f.request_id = r.id "
	"LEFT JOIN member m ON m.village_code = r.village_code AND m.id = f.handler "
	"WHERE r.village_code = ?1 AND r.id = ?2";

/* A refusal to show: the engine's message, and the form it answers ("handler",
 * "escalate", "feedback"), whose fields keep what was sent. */
struct fu_refusal {
	const char *msg;
	const char *form;
};

/* The value of a form field, "" when absent. */
static const char *field(const struct web_req *rq, const char *name)
{
	const char *v = web_param(rq, name);

	return v ? v : "";
}

/* What a field of form shows: what was sent after a refusal of that form, else the
 * stored value. */
static const char *shown(const struct web_req *rq, const struct fu_refusal *r, const char *form,
			 const char *name, const char *stored)
{
	return r && strcmp(r->form, form) == 0 ? field(rq, name) : stored;
}

/* The refusal's message beside the fields of form, NULL for the other forms. */
static const char *error_of(const struct fu_refusal *r, const char *form)
{
	return r && strcmp(r->form, form) == 0 ? r->msg : NULL;
}

static const char *satisfaction(const char *sat)
{
	return strcmp(sat, "1") == 0 ? _("satisfied") : strcmp(sat, "0") == 0 ? _("not satisfied")
		: _("not asked");
}

/* One row of the summary: a label and its value. */
static void summary_row(struct web_resp *rs, const char *label, const char *value)
{
	web_out(rs, "<tr><th scope=\"row\">%s</th><td>%s</td></tr>\n", label, value);
}

/* The request's page: what is recorded, and the forms its state allows (who took it
 * and escalating it while open, the feedback once resolved). A request not in the
 * village: 404. The directory is open (web_open, or after a refused write). */
static int followup_page(struct web_req *rq, struct web_resp *rs, const char *id,
			 const struct fu_refusal *r)
{
	static const char *const sat_values[] = { "1", "0" };
	const char *sat_labels[] = { _("satisfied"), _("not satisfied") };
	char *v[Q_COUNT] = { 0 }, title[100], text[300];
	sqlite3_stmt *stmt = NULL;
	int rc, step;
	bool open;

	if ((rc = web_query(&stmt, rq, request_sql, &id, 1)) < 0)
		return rc;
	if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			rc = stele_error(STELE_EINVALID, "request '%s' does not exist in village %s", id,
					 agent_village(rq->ctx));
		else
			rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "reading the request");
		goto done;
	}
	for (int i = 0; i < Q_COUNT && rc == 0; i++)
		if (!(v[i] = strdup(web_col(stmt, i))))
			rc = stele_error(STELE_EFAIL, "out of memory");
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc < 0)
		goto done;
	open = !*v[Q_RESOLVED];

	snprintf(title, sizeof(title), _("Request %s"), id);
	web_page_begin(rs, rq, "requests", title);
	web_saved_notice(rq, rs, _("Saved the follow-up of request %s."));
	if (r)
		web_notice(rs, false, r->msg);
	web_out(rs, "<table class=\"summary\"><tbody>\n");
	summary_row(rs, _("Received on"), v[Q_RECEIVED]);
	summary_row(rs, _("Category"), v[Q_CATEGORY]);
	summary_row(rs, _("Grid"), v[Q_GRID]);
	if (*v[Q_HANDLER])
		snprintf(text, sizeof(text), "%s (%s)", *v[Q_HANDLER_NAME] ? v[Q_HANDLER_NAME] :
			 v[Q_HANDLER], v[Q_HANDLER]);
	else
		snprintf(text, sizeof(text), "%s", _("nobody in particular"));
	summary_row(rs, _("Taken by (经办人)"), text);
	if (*v[Q_ON])
		snprintf(text, sizeof(text), _("%s, on %s"), v[Q_TO], v[Q_ON]);
	else
		snprintf(text, sizeof(text), "%s", _("not escalated"));
	summary_row(rs, _("Escalated to (上报)"), text);
	if (open)
		snprintf(text, sizeof(text), "%s", _("not yet"));
	else
		snprintf(text, sizeof(text), "%s (%s)", v[Q_RESOLVED], satisfaction(v[Q_SATISFIED]));
	summary_row(rs, _("Resolved"), text);
	summary_row(rs, _("What the resident said (回访)"), v[Q_FEEDBACK]);
	web_out(rs, "</tbody></table>\n");

	if (open) {
		web_form_begin(rs, rq, "/requests/handler");
		web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><fieldset><legend>%s"
			"</legend>\n", id, _("Who took it (党员接单)"));
		if ((rc = web_member_picker(rq, rs, _("Taken by (经办人)"), "handler",
					    shown(rq, r, "handler", "handler", v[Q_HANDLER]),
					    error_of(r, "handler"))) < 0)
			goto done;
		web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button>"
			"</div>\n", _("Save"));
		web_form_end(rs);
	}
	if (open && (!*v[Q_ON] || error_of(r, "escalate"))) {
		web_form_begin(rs, rq, "/requests/escalate");
		web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><fieldset><legend>%s"
			"</legend>\n", id, _("Escalate to the township (上报, 吹哨报到)"));
		web_field(rs, _("Escalated to (上报)"), "text", "to", shown(rq, r, "escalate", "to", ""),
			  error_of(r, "escalate"), "required maxlength=\"64\" size=\"30\"");
		web_field(rs, _("On"), "date", "date", shown(rq, r, "escalate", "date", rq->today),
			  NULL, "required");
		web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button>"
			"</div>\n", _("Escalate"));
		web_form_end(rs);
	}
	if (!open) {
		web_form_begin(rs, rq, "/requests/feedback");
		web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><fieldset><legend>%s"
			"</legend>\n", id, _("The resident's feedback (回访)"));
		web_select(rs, _("Satisfaction (满意度)"), "satisfied", sat_values, sat_labels, 2,
			   shown(rq, r, "feedback", "satisfied", v[Q_SATISFIED]), _("not asked"),
			   NULL);
		web_field(rs, _("What the resident said (回访)"), "text", "note",
			  shown(rq, r, "feedback", "note", v[Q_FEEDBACK]), error_of(r, "feedback"),
			  "maxlength=\"200\" size=\"40\"");
		web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button>"
			"</div>\n", _("Record"));
		web_form_end(rs);
	}
	web_out(rs, "<p><a href=\"/requests\">%s</a></p>\n", _("Back to the requests"));
	web_page_end(rs, rq);
done:
	sqlite3_finalize(stmt);
	for (int i = 0; i < Q_COUNT; i++)
		free(v[i]);
	if (rc == STELE_EINVALID) {
		rs->status = 404;
		web_page_begin(rs, rq, "requests", _("Residents' requests"));
		web_notice(rs, false, stele_error_message());
		web_page_end(rs, rq);
		rc = 0;
	}
	return rc;
}

int web_request_followup(struct web_req *rq, struct web_resp *rs)
{
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	return followup_page(rq, rs, field(rq, "id"), NULL);
}

typedef int (*followup_put_fn)(struct agent_batch *b, const struct web_req *rq, const char *id);

/* Runs put on the request the form names in a captured write (the CLI's batch: one
 * signed change set), then back to its page; a refusal (or a busy directory: 503)
 * draws the page again, the form's fields as they were sent. */
static int followup_write(struct web_req *rq, struct web_resp *rs, const char *form,
			  followup_put_fn put)
{
	const char *id = field(rq, "id");
	struct agent_batch b;
	char *msg = NULL;
	int rc;

	agent_refuse_clear();
	if ((rc = web_begin(&b, rq)) == 0)
		rc = agent_batch_finish(&b, put(&b, rq, id));
	if (web_redraw(rc)) {
		struct fu_refusal r = { .form = form };
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		r.msg = msg;
		rc = followup_page(rq, rs, id, &r);
		free(msg);
		return rc;
	}
	if (rc == 0)
		web_redirect(rs, "/requests/followup?id=%s&saved=%s", id, id);
	return rc;
}

/* As `request set ID --handler MEMBER` ("" clears it). */
static int put_handler(struct agent_batch *b, const struct web_req *rq, const char *id)
{
	struct followup_row row = { .request_id = id, .handler = field(rq, "handler") };

	return request_followup_put(b, &row);
}

/* As `request escalate ID --to TEXT --date DATE` (today when no date is given). */
static int put_escalation(struct agent_batch *b, const struct web_req *rq, const char *id)
{
	struct followup_row row = { .request_id = id, .escalated_to = field(rq, "to"),
				    .escalated_on = field(rq, "date") };

	if (!*row.escalated_on)
		row.escalated_on = rq->today;
	int rc = request_followup_put(b, &row);

	/* The command's "--to is empty" is a usage error in its option's words (after
	 * the request's own refusals): here a refusal naming the field as shown. */
	if (rc == STELE_EUSAGE && !*row.escalated_to)
		rc = agent_refuse(-1, "request '%s': where it is escalated to (上报至) is empty", id);
	return rc;
}

/* As `request feedback ID [--satisfied yes|no] [--note TEXT]`: the satisfaction
 * chosen ("" leaves it), the note as typed ("" clears it). */
static int put_feedback(struct agent_batch *b, const struct web_req *rq, const char *id)
{
	const char *sat = field(rq, "satisfied");

	return request_feedback_put(b, id, *sat ? sat : NULL, web_param(rq, "note"));
}

int web_request_handler(struct web_req *rq, struct web_resp *rs)
{
	return followup_write(rq, rs, "handler", put_handler);
}

int web_request_escalate(struct web_req *rq, struct web_resp *rs)
{
	return followup_write(rq, rs, "escalate", put_escalation);
}

int web_request_feedback(struct web_req *rq, struct web_resp *rs)
{
	return followup_write(rq, rs, "feedback", put_feedback);
}
