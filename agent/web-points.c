/* web-points.c: the workbench's points (积分): recording an event with pickers, the
 * review queue by stage, member rankings, and the printable 公示 sheet; every
 * write through the CLI's own point_put. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "rank.h"
#include "web.h"

/* A point event's fields as point_put's refusals number them (cli.md's column
 * order of points export/import). */
enum { EV_ID, EV_MEMBER, EV_RULE, EV_DATE, EV_POINTS, EV_STAGE, EV_NOTE };

/* The stages an event waits at, the one it moves to, and what it waits for. */
static const struct {
	const char *stage, *next, *waits_for, *advance;
} queue[] = {
	{ "recorded", "group", N_("Awaiting the party group's first review (党小组初审)"),
	  N_("Passed by the party group") },
	{ "group", "committee", N_("Awaiting the branch committee's review (支委会复审)"),
	  N_("Passed by the branch committee") },
	{ "committee", "assembly", N_("Awaiting the members' assembly (党员大会终审)"),
	  N_("Approved by the members' assembly") },
	{ "assembly", "published", N_("Approved, awaiting public posting (公示)"),
	  N_("Posted publicly") },
};

static const char *category_name(const char *c)
{
	if (strcmp(c, "base") == 0)
		return _("base points");
	if (strcmp(c, "merit") == 0)
		return _("merit points");
	if (strcmp(c, "bonus") == 0)
		return _("bonus points");
	if (strcmp(c, "deduction") == 0)
		return _("deductions");
	if (strcmp(c, "zeroing") == 0)
		return _("zeroing");
	return c;
}

/* The current month, YYYY-MM, of rq->today. */
static void this_month(char out[8], const struct web_req *rq)
{
	snprintf(out, 8, "%.7s", rq->today);
}

/* The record form: member and rule pickers (names and points), date, points, note. */
static int record_form(struct web_req *rq, struct web_resp *rs, const char *const *v,
		       const char *refusal, int field)
{
	sqlite3_stmt *stmt = NULL;
	char pts[32], cat[32] = "";
	int rc, step;

#define ERR(f) (refusal && field == (f) ? refusal : NULL)
	if (refusal && (field < EV_MEMBER || field > EV_NOTE))
		web_notice(rs, false, refusal);
	web_form_begin(rs, rq, "/points/add");
	web_out(rs, "<fieldset><legend>%s</legend>\n", _("Record a point event"));
	if ((rc = web_query(&stmt, rq, "SELECT id, name FROM member WHERE village_code = ?1 AND "
			    "status IN ('active', 'flowing') ORDER BY id", NULL, 0)) < 0)
		return rc;
	web_out(rs, "<div class=\"field%s\"><label for=\"f-member\">%s</label><select id=\"f-member\" "
		"name=\"member\" required><option value=\"\">%s</option>", ERR(EV_MEMBER) ? " bad" : "",
		_("Member"), _("choose a member…"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		web_out(rs, "<option value=\"%s\"%s>%s (%s)</option>", web_col(stmt, 0),
			strcmp(v[EV_MEMBER], web_col(stmt, 0)) == 0 ? " selected" : "",
			web_col(stmt, 1), web_col(stmt, 0));
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the members");
	web_out(rs, "</select>");
	if (ERR(EV_MEMBER))
		web_out(rs, "<span class=\"error\">%s</span>", refusal);
	web_out(rs, "</div>\n");

	if ((rc = stele_db_prepare(rq->ctx->db, &stmt,
				   "SELECT code, name, points, category FROM point_rule WHERE active = 1 "
				   "ORDER BY CASE category WHEN 'base' THEN 1 WHEN 'merit' THEN 2 WHEN "
				   "'bonus' THEN 3 WHEN 'deduction' THEN 4 ELSE 5 END, code")) < 0)
		return rc;
	web_out(rs, "<div class=\"field%s\"><label for=\"f-rule\">%s</label><select id=\"f-rule\" "
		"name=\"rule\" required><option value=\"\">%s</option>", ERR(EV_RULE) ? " bad" : "",
		_("Rule"), _("choose a rule…"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (strcmp(cat, web_col(stmt, 3)) != 0) {
			if (*cat)
				web_raw(rs, "</optgroup>");
			web_out(rs, "<optgroup label=\"%s\">", category_name(web_col(stmt, 3)));
			snprintf(cat, sizeof(cat), "%s", web_col(stmt, 3));
		}
		web_tenths(pts, sizeof(pts), sqlite3_column_int64(stmt, 2));
		web_out(rs, "<option value=\"%s\"%s>%s %s (%s%s)</option>", web_col(stmt, 0),
			strcmp(v[EV_RULE], web_col(stmt, 0)) == 0 ? " selected" : "", web_col(stmt, 0),
			web_col(stmt, 1), sqlite3_column_int64(stmt, 2) > 0 ? "+" : "", pts);
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the rules");
	web_raw(rs, *cat ? "</optgroup></select>" : "</select>");
	if (ERR(EV_RULE))
		web_out(rs, "<span class=\"error\">%s</span>", refusal);
	web_out(rs, "</div>\n");
	web_field(rs, _("Date"), "date", "date", v[EV_DATE], ERR(EV_DATE), "required");
	web_field(rs, _("Points (empty: the rule's)"), "text", "points", v[EV_POINTS], ERR(EV_POINTS),
		  "inputmode=\"decimal\" size=\"6\"");
	web_field(rs, _("Note"), "text", "note", v[EV_NOTE], ERR(EV_NOTE), "maxlength=\"500\" size=\"40\"");
	web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button></div>\n",
		_("Record"));
	web_form_end(rs);
#undef ERR
	return 0;
}

/* The events of a month (or of one stage, when stage is not NULL), as a table;
 * with check boxes named "id" when selectable. */
static int events_table(struct web_req *rq, struct web_resp *rs, const char *month,
			const char *stage, bool selectable, long long *count)
{
	const char *all = web_param(rq, "all");
	bool checked = selectable && stage && all && strcmp(all, stage) == 0;
	/* The review form sent back (a refusal, a busy directory): its boxes as ticked. */
	const char *sent = rq->post ? web_param(rq, "stage") : NULL;
	bool resent = selectable && stage && sent && strcmp(sent, stage) == 0;
	sqlite3_stmt *stmt = NULL;
	const char *t[] = { month ? month : "", stage ? stage : "" };
	char pts[32];
	int rc, step;

	*count = 0;
	/* A month is a range of the date index; a stage has no index, and a plain scan
	 * of the table is many times faster than walking the date index for it. */
#define EVENTS_SELECT \
	"SELECT e.id, e.occurred_on, e.member_id, coalesce(m.name, ''), e.rule_code, " \
	"coalesce(r.name, ''), e.points, e.stage, coalesce(e.note, '') "
#define EVENTS_JOINS \
	"LEFT JOIN member m ON m.village_code = e.village_code AND m.id = e.member_id " \
	"LEFT JOIN point_rule r ON r.code = e.rule_code "
	if ((rc = web_query(&stmt, rq, month
			    ? EVENTS_SELECT "FROM point_event e " EVENTS_JOINS
			      "WHERE e.village_code = ?1 AND e.occurred_on BETWEEN ?2 || '-01' AND ?2 || '-31' "
			      "AND (?3 = '' OR e.stage = ?3) ORDER BY e.occurred_on, e.id LIMIT 2000"
			    : EVENTS_SELECT "FROM point_event e NOT INDEXED " EVENTS_JOINS
			      "WHERE e.village_code = ?1 AND e.stage = ?3 "
			      "ORDER BY e.occurred_on, e.id LIMIT 2000", t, 2)) < 0)
		return rc;
#undef EVENTS_SELECT
#undef EVENTS_JOINS
	web_out(rs, "<table><thead><tr>");
	if (selectable)
		web_out(rs, "<th class=\"no-print\">%s</th>", _("Select"));
	web_out(rs, "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
		"<th>%s</th><th>%s</th></tr></thead><tbody>\n", _("Id"), _("Date"), _("Member"),
		_("Rule"), _("Points"), _("Stage"), _("Note"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		web_tenths(pts, sizeof(pts), sqlite3_column_int64(stmt, 6));
		web_out(rs, "<tr>");
		if (selectable)
			web_out(rs, "<td class=\"no-print\"><input type=\"checkbox\" name=\"id\" "
				"value=\"%s\" id=\"c-%s\" aria-label=\"%s %s\"%s></td>", web_col(stmt, 0),
				web_col(stmt, 0), _("Select"), web_col(stmt, 0),
				checked || (resent && web_has_value(rq, "id", web_col(stmt, 0)))
				? " checked" : "");
		web_out(rs, "<td>%s</td><td>%s</td><td>%s <span class=\"muted\">%s</span></td>"
			"<td>%s <span class=\"muted\">%s</span></td><td class=\"num\">%s</td>"
			"<td>%s</td><td>%s</td></tr>\n", web_col(stmt, 0), web_col(stmt, 1),
			web_col(stmt, 3), web_col(stmt, 2), web_col(stmt, 5), web_col(stmt, 4), pts,
			web_stage(web_col(stmt, 7)), web_col(stmt, 8));
		(*count)++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the point events");
	sqlite3_finalize(stmt);
	web_out(rs, "</tbody></table>\n");
	return rc;
}

static void points_links(struct web_resp *rs, const char *month)
{
	web_out(rs, "<p class=\"toolbar no-print\"><a class=\"button secondary\" href=\"/points/review\">%s</a> "
		"<a class=\"button secondary\" href=\"/points/rank?month=%s\">%s</a> "
		"<a class=\"button secondary\" href=\"/points/notice?month=%s\">%s</a></p>\n",
		_("Review queue"), month, _("Member ranking"), month, _("公示 sheet (to print)"));
}

/* The points page: the record form (with a refusal beside its field), then the
 * month's events. */
static int points_page(struct web_req *rq, struct web_resp *rs, const char *const *v,
		       const char *refusal, int field)
{
	const char *month = web_param(rq, "month");
	char cur[8];
	int32_t m;
	long long n = 0;
	int rc;

	this_month(cur, rq);
	if (!month || stele_parse_month(&m, month, "month") < 0)
		month = cur;
	web_page_begin(rs, rq, "points", _("Points"));
	web_saved_notice(rq, rs, _("Recorded point event %s; it now awaits the party group's "
				   "first review."));
	points_links(rs, month);
	if ((rc = record_form(rq, rs, v, refusal, field)) < 0)
		return rc;
	web_out(rs, "<h2>%s %s</h2>\n<form class=\"toolbar\" method=\"get\" action=\"/points\">",
		_("Point events of"), month);
	web_field(rs, _("Month"), "month", "month", month, NULL, "");
	web_out(rs, "<button type=\"submit\" class=\"secondary\">%s</button></form>\n", _("Show"));
	if ((rc = events_table(rq, rs, month, NULL, false, &n)) < 0)
		return rc;
	web_out(rs, "<p class=\"muted\">%s %lld</p>\n", _("events shown:"), n);
	web_page_end(rs, rq);
	return 0;
}

int web_points(struct web_req *rq, struct web_resp *rs)
{
	const char *v[7] = { "", "", "", rq->today, "", "", "" };
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	return points_page(rq, rs, v, NULL, -1);
}

int web_points_add(struct web_req *rq, struct web_resp *rs)
{
	static const char *const names[7] = { "id", "member", "rule", "date", "points", "stage",
					      "note" };
	const char *v[7];
	struct agent_batch b;
	char id[24];
	int rc;

	for (int i = 0; i < 7; i++)
		v[i] = web_param(rq, names[i]) ? web_param(rq, names[i]) : "";
	struct point_row row = { .member_id = v[EV_MEMBER], .rule_code = v[EV_RULE],
				 .occurred_on = v[EV_DATE], .points = *v[EV_POINTS] ? v[EV_POINTS] : NULL,
				 .note = v[EV_NOTE], .stage = "recorded", .must_be_new = true };
	agent_refuse_clear();
	if ((rc = web_begin(&b, rq)) == 0)
		rc = agent_batch_finish(&b, point_put(id, &b, &row));
	if (web_redraw(rc)) {
		int field = web_refused_field();
		char *msg;
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		rc = points_page(rq, rs, v, msg, field);
		free(msg);
		return rc;
	}
	if (rc < 0)
		return rc;
	{
		char month[8];
		snprintf(month, sizeof(month), "%.7s", v[EV_DATE]);
		web_redirect(rs, "/points?saved=%s&month=%s", id, month);
	}
	return 0;
}

/* The review queue: one form per stage, "advance the selected" and "reject the
 * selected" (with a note). */
static int review_page(struct web_req *rq, struct web_resp *rs, const char *refusal)
{
	const char *done = web_param(rq, "done");
	long long n;
	int rc;

	web_page_begin(rs, rq, "points", _("Review queue"));
	if (refusal)
		web_notice(rs, false, refusal);
	else if (done)
		web_notice(rs, true, _("The selected events moved on."));
	web_out(rs, "<p class=\"lead\">%s</p>\n", _("Each event passes the party group, the branch "
						  "committee and the members' assembly, then is posted "
						  "publicly. Select the events a meeting passed and "
						  "advance them together; all of them move, or none."));
	for (size_t i = 0; i < sizeof(queue) / sizeof(queue[0]); i++) {
		web_out(rs, "<section id=\"stage-%s\"><h2>%s</h2>\n", queue[i].stage, _(queue[i].waits_for));
		web_form_begin(rs, rq, "/points/review");
		web_out(rs, "<input type=\"hidden\" name=\"stage\" value=\"%s\">\n", queue[i].stage);
		if ((rc = events_table(rq, rs, NULL, queue[i].stage, true, &n)) < 0)
			return rc;
		if (n) {
			/* Selecting all needs no script: the page again, every box ticked. */
			web_out(rs, "<p class=\"no-print\"><a href=\"/points/review?all=%s#stage-%s\">%s</a></p>",
				queue[i].stage, queue[i].stage, _("Select all of this stage"));
			char label[200];
			snprintf(label, sizeof(label), _("Advance the selected: %s"), _(queue[i].advance));
			web_out(rs, "<div class=\"actions\"><button type=\"submit\" name=\"action\" "
				"value=\"advance\">%s</button>", label);
			const char *sent = rq->post ? web_param(rq, "stage") : NULL;
			const char *note = sent && strcmp(sent, queue[i].stage) == 0 ? web_param(rq, "note")
										      : NULL;
			web_out(rs, "<label for=\"n-%s\">%s</label><input type=\"text\" id=\"n-%s\" "
				"name=\"note\" maxlength=\"200\" size=\"30\" value=\"%s\"><button "
				"type=\"submit\" class=\"secondary\" name=\"action\" value=\"reject\">%s"
				"</button></div>\n", queue[i].stage, _("Reason for rejecting"),
				queue[i].stage, note ? note : "", _("Reject the selected"));
		} else {
			web_out(rs, "<p class=\"muted\">%s</p>\n", _("nothing waits here"));
		}
		web_form_end(rs);
		web_out(rs, "</section>\n");
	}
	web_page_end(rs, rq);
	return 0;
}

int web_points_review(struct web_req *rq, struct web_resp *rs)
{
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	return review_page(rq, rs, NULL);
}

struct review_run {
	struct agent_batch *b;
	const char *to, *reason;
	int count;
};

static int review_one(void *arg, const char *id)
{
	static const char note_sql[] =
		"SELECT coalesce(note, '') FROM point_event WHERE village_code = ?1 AND id = ?2";
	struct review_run *r = arg;
	struct point_row row = { .id = id, .stage = r->to, .must_exist = true, .review = true };
	char *old[1] = { NULL }, *note = NULL;
	bool exists = false;
	int rc;

	if (r->reason && *r->reason) {
		/* The reason joins the event's note, which it keeps. */
		if ((rc = agent_batch_read_row(old, 1, &exists, r->b, note_sql, id)) < 0)
			return rc;
		if (asprintf(&note, "%s%s%s", exists && *old[0] ? old[0] : "",
			     exists && *old[0] ? "; " : "", r->reason) < 0) {
			agent_free_cols(old, 1);
			return stele_error(STELE_EFAIL, "out of memory");
		}
		row.note = note;
	}
	rc = point_put(NULL, r->b, &row);
	if (exists)
		agent_free_cols(old, 1);
	free(note);
	r->count++;
	return rc;
}

int web_points_review_save(struct web_req *rq, struct web_resp *rs)
{
	const char *stage = web_param(rq, "stage"), *action = web_param(rq, "action");
	struct review_run r = { 0 };
	struct agent_batch b;
	int rc;

	for (size_t i = 0; stage && i < sizeof(queue) / sizeof(queue[0]); i++)
		if (strcmp(stage, queue[i].stage) == 0)
			r.to = queue[i].next;
	if (!r.to || !action || (strcmp(action, "advance") != 0 && strcmp(action, "reject") != 0))
		return stele_error(STELE_EUSAGE, "the review form is incomplete (stage, action)");
	if (strcmp(action, "reject") == 0) {
		r.to = "rejected";
		r.reason = web_param(rq, "note");
	}
	agent_refuse_clear();
	if ((rc = web_begin(&b, rq)) == 0) {
		r.b = &b;
		rc = web_each_param(rq, "id", review_one, &r);
		if (rc == 0 && r.count == 0)
			rc = stele_error(STELE_EINVALID, _("no event was selected; tick the events to move"));
		rc = agent_batch_finish(&b, rc);
	}
	if (web_redraw(rc)) {
		char *msg;
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		rc = review_page(rq, rs, msg);
		free(msg);
		return rc;
	}
	if (rc < 0)
		return rc;
	web_redirect(rs, "/points/review?done=1#stage-%s", stage);
	return 0;
}

int web_points_rank(struct web_req *rq, struct web_resp *rs)
{
	const char *month = web_param(rq, "month"), *year = web_param(rq, "year");
	const char *scope = web_param(rq, "scope");
	struct stele_table *t = NULL;
	char cur[8], y[8];
	int rc, yy, mm;

	this_month(cur, rq);
	if ((!month || !*month) && (!year || !*year))
		month = cur;
	if (month && *month && stele_rank_period(&yy, &mm, NULL, month) < 0)
		month = cur;
	if (scope && strcmp(scope, "year") == 0 && month && *month) {
		snprintf(y, sizeof(y), "%.4s", month);
		year = y;
		month = NULL;
	}
	if ((rc = stele_rank_period(&yy, &mm, year && *year ? year : NULL,
				    month && *month ? month : NULL)) < 0) {
		rc = stele_rank_period(&yy, &mm, NULL, cur);
		month = cur;
		if (rc < 0)
			return rc;
	}
	/* The year's ranking is the one stars (积分争星) are earned on: the CLI's
	 * rank member-stars, its sixth column the stars. */
	if ((rc = web_open(rq)) < 0 ||
	    (rc = mm ? stele_rank_members(&t, rq->ctx->db, yy, mm, agent_village(rq->ctx))
		     : stele_rank_member_stars(&t, rq->ctx->db, yy, agent_village(rq->ctx))) < 0)
		return rc;
	web_page_begin(rs, rq, "points", _("Member ranking"));
	web_out(rs, "<form class=\"toolbar\" method=\"get\" action=\"/points/rank\">");
	web_field(rs, _("Month"), "month", "month", mm ? month : cur, NULL, "");
	{
		static const char *const scopes[] = { "month", "year" };
		const char *labels[] = { _("that month"), _("the whole year") };
		web_select(rs, _("Ranking of"), "scope", scopes, labels, 2, mm ? "month" : "year",
			   NULL, NULL);
	}
	web_out(rs, "<button type=\"submit\" class=\"secondary\">%s</button></form>\n", _("Show"));
	if (mm)
		web_out(rs, "<h2>%s %04d-%02d</h2>\n", _("Ranking of the month"), yy, mm);
	else
		web_out(rs, "<h2>%s %04d</h2>\n", _("Ranking of the year"), yy);
	web_out(rs, "<p class=\"lead\">%s</p>\n", _("Active members by the points of published events, "
						  "counted as the county counts them; equal points "
						  "share a rank."));
	if (!mm)
		web_out(rs, "<p class=\"lead\">%s</p>\n", _("Stars (积分争星) come from the year's points, "
							  "by the county's thresholds."));
	web_out(rs, "<table><thead><tr><th class=\"num\">%s</th><th>%s</th><th>%s</th>"
		"<th class=\"num\">%s</th>", _("Rank"), _("Id"), _("Name"), _("Points"));
	if (!mm)
		web_out(rs, "<th>%s</th>", _("Stars"));
	web_out(rs, "</tr></thead><tbody>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		const char *c[6] = { "", "", "", "", "", "" };
		for (size_t k = 0; k < 6 && k < t->ncols; k++)
			c[k] = stele_table_cell(t, r, k);
		web_out(rs, "<tr><td class=\"num\">%s</td><td><a href=\"/members/edit?id=%s\">%s</a>"
			"</td><td>%s</td><td class=\"num\">%s</td>", c[0], c[2], c[2], c[3], c[4]);
		if (!mm)
			web_star_cell(rs, atoi(c[5]));
		web_out(rs, "</tr>\n");
	}
	web_out(rs, "</tbody></table>\n");
	if (!t->nrows)
		web_out(rs, "<p class=\"muted\">%s</p>\n", _("no member has points in this period"));
	web_page_end(rs, rq);
	stele_table_free(t);
	return 0;
}

/* The 公示 sheet: the month's approved events for the notice board, on A4. */
int web_points_notice(struct web_req *rq, struct web_resp *rs)
{
	const char *month = web_param(rq, "month");
	sqlite3_stmt *stmt = NULL;
	char cur[8], title[300], pts[32], *name = NULL;
	int32_t m;
	long long n = 0;
	int rc, step;

	this_month(cur, rq);
	if (!month || stele_parse_month(&m, month, "month") < 0)
		month = cur;
	if ((rc = web_open(rq)) < 0 || (rc = stele_meta_get(rq->ctx->db, "village_name", &name)) < 0)
		return rc;
	snprintf(title, sizeof(title), _("%s: members' points of %s, for public notice"),
		 name ? name : agent_village(rq->ctx), month);
	free(name);
	web_page_begin(rs, rq, "points", title);
	web_out(rs, "<form class=\"toolbar\" method=\"get\" action=\"/points/notice\">");
	web_field(rs, _("Month"), "month", "month", month, NULL, "");
	web_out(rs, "<button type=\"submit\" class=\"secondary\">%s</button> <span class=\"muted\">%s"
		"</span></form>\n", _("Show"), _("Print it with the browser (Ctrl+P): the sheet fits A4."));
	{
		const char *t[] = { month };
		if ((rc = web_query(&stmt, rq,
				    "SELECT m.name, e.member_id, coalesce(r.name, e.rule_code), e.occurred_on, "
				    "e.points, coalesce(e.note, ''), "
				    "sum(e.points) OVER (PARTITION BY e.member_id) "
				    "FROM point_event e "
				    "LEFT JOIN member m ON m.village_code = e.village_code AND m.id = e.member_id "
				    "LEFT JOIN point_rule r ON r.code = e.rule_code "
				    "WHERE e.village_code = ?1 AND e.occurred_on BETWEEN ?2 || '-01' AND ?2 || '-31' "
				    "AND e.stage IN ('assembly', 'published') "
				    "ORDER BY e.member_id, e.occurred_on, e.id", t, 1)) < 0)
			return rc;
	}
	web_out(rs, "<table class=\"sheet\"><thead><tr><th class=\"num\">%s</th><th>%s</th><th>%s</th>"
		"<th>%s</th><th class=\"num\">%s</th><th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>\n",
		_("No."), _("Name"), _("Item"), _("Date"), _("Points"), _("Note"), _("Member's total"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		char total[32];
		web_tenths(pts, sizeof(pts), sqlite3_column_int64(stmt, 4));
		web_tenths(total, sizeof(total), sqlite3_column_int64(stmt, 6));
		web_out(rs, "<tr><td class=\"num\">%lld</td><td>%s</td><td>%s</td><td>%s</td>"
			"<td class=\"num\">%s</td><td>%s</td><td class=\"num\">%s</td></tr>\n", ++n,
			web_col(stmt, 0), web_col(stmt, 2), web_col(stmt, 3), pts, web_col(stmt, 5), total);
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the month's events");
	sqlite3_finalize(stmt);
	web_out(rs, "</tbody></table>\n");
	if (!n)
		web_out(rs, "<p class=\"muted\">%s</p>\n", _("No event of this month has been approved by "
							   "the members' assembly yet."));
	web_out(rs, "<p>%s</p>\n<div class=\"signature\"><span>%s</span><span>%s</span>"
		"<span>%s</span></div>\n", _("Notice period: from ________ to ________. Objections "
					    "during the notice period go to the village party branch."),
		_("Village party branch (seal)"), _("Person in charge:"), _("Date:"));
	web_page_end(rs, rq);
	return rc;
}
