/* web-grids.c: the workbench's grids (网格): the village's grid registry with each
 * grid's members and requests, adding, editing and deleting a grid, through the
 * CLI's own grid_put and grid_delete (`grid add|set|delete`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "web.h"

/* A refusal to show: the engine's message, the field it names (GF_*, or -1), and
 * for a delete the row of the list it answers. */
struct refusal {
	const char *msg;
	int field;
	const char *row;
};

#define ERR(r, f) ((r) && (r)->msg && !(r)->row && (r)->field == (f) ? (r)->msg : NULL)

/* The value of a form field, "" when absent. */
static const char *field(const struct web_req *rq, const char *name)
{
	const char *v = web_param(rq, name);

	return v ? v : "";
}

/* The notice above a form: the refusal itself when it names no field of the form
 * (a busy directory, a delete), else a pointer to the field marked below. */
static void refusal_notice(struct web_resp *rs, const struct refusal *r)
{
	if (r && r->msg && (r->row || r->field < GF_ID || r->field > GF_WORKER))
		web_notice(rs, false, r->msg);
	else if (r && r->msg)
		web_notice(rs, false, _("Nothing was saved: correct what is marked below."));
}

/* The fields of a grid, with v the values (GF_*) and the refusal beside them. */
static void grid_fields(struct web_resp *rs, const char *const *v, const struct refusal *r)
{
	web_field(rs, _("Grid name"), "text", "name", v[GF_NAME], ERR(r, GF_NAME),
		  "maxlength=\"64\" size=\"20\"");
	web_field(rs, _("Households"), "number", "households", v[GF_HOUSEHOLDS],
		  ERR(r, GF_HOUSEHOLDS), "min=\"0\" max=\"100000\"");
	web_field(rs, _("Grid worker (网格员)"), "text", "worker", v[GF_WORKER], ERR(r, GF_WORKER),
		  "maxlength=\"100\" size=\"20\"");
}

/* The list of the village's grids, with the form adding one (what was sent after a
 * refusal of it). The directory is open. */
static int grids_page(struct web_req *rq, struct web_resp *rs, const struct refusal *r)
{
	const char *v[GF_COUNT] = { "", "", "", "" };
	const char *deleted = web_param(rq, "deleted");
	sqlite3_stmt *stmt = NULL;
	long long n = 0;
	char msg[200];
	int rc = 0, step;

	if (r && !r->row) {
		v[GF_ID] = field(rq, "id");
		v[GF_NAME] = field(rq, "name");
		v[GF_HOUSEHOLDS] = field(rq, "households");
		v[GF_WORKER] = field(rq, "worker");
	}
	web_page_begin(rs, rq, "grids", _("Grids"));
	web_out(rs, "<p class=\"lead\">%s</p>\n", _("Once the village has registered a grid, a "
		"member's or a request's grid must be one of these."));
	web_saved_notice(rq, rs, _("Saved grid %s."));
	if (deleted) {
		snprintf(msg, sizeof(msg), _("Deleted grid %s."), deleted);
		web_notice(rs, true, msg);
	}
	refusal_notice(rs, r);
	web_form_begin(rs, rq, "/grids/add");
	web_out(rs, "<fieldset><legend>%s</legend>\n", _("Add a grid"));
	web_field(rs, _("Grid code"), "text", "id", v[GF_ID], ERR(r, GF_ID),
		  "required maxlength=\"32\" size=\"10\"");
	grid_fields(rs, v, r);
	web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button></div>\n",
		_("Add"));
	web_form_end(rs);

	/* grid list's rows, with the members rank grids counts (active, flowing) and
	 * the requests still open. */
	if ((rc = web_query(&stmt, rq,
			    "SELECT g.id, coalesce(g.name, ''), coalesce(g.households, ''), "
			    "coalesce(g.worker, ''), (SELECT count(*) FROM member m WHERE "
			    "m.village_code = g.village_code AND m.grid = g.id AND m.status IN "
			    "('active', 'flowing')), (SELECT count(*) FROM request q WHERE "
			    "q.village_code = g.village_code AND q.grid = g.id AND q.resolved_on IS NULL) "
			    "FROM grid g WHERE g.village_code = ?1 ORDER BY g.id", NULL, 0)) < 0)
		return rc;
	web_out(rs, "<h2>%s</h2>\n<table><thead><tr><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
		"<th>%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
		"<th class=\"no-print\"></th></tr></thead><tbody>\n", _("The village's grids"),
		_("Grid code"), _("Grid name"), _("Households"), _("Grid worker (网格员)"),
		_("Members"), _("Open requests"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *id = web_col(stmt, 0);
		bool bad = r && r->row && strcmp(r->row, id) == 0;
		web_out(rs, "<tr><td>%s</td><td>%s</td><td class=\"num\">%s</td><td>%s</td>"
			"<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"no-print\">"
			"<a href=\"/grids/edit?id=", id, web_col(stmt, 1), web_col(stmt, 2),
			web_col(stmt, 3), web_col(stmt, 4), web_col(stmt, 5));
		web_url(rs, id);
		web_out(rs, "\">%s</a> ", _("edit"));
		web_form_begin(rs, rq, "/grids/delete");
		web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><button type=\"submit\" "
			"class=\"secondary\">%s</button>", id, _("Delete"));
		if (bad)
			web_out(rs, "<span class=\"error\">%s</span>", r->msg);
		web_form_end(rs);
		web_out(rs, "</td></tr>\n");
		n++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the grids");
	sqlite3_finalize(stmt);
	web_out(rs, "</tbody></table>\n<p class=\"muted\">%s %lld</p>\n", _("grids:"), n);
	web_page_end(rs, rq);
	return rc;
}

int web_grids(struct web_req *rq, struct web_resp *rs)
{
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	return grids_page(rq, rs, NULL);
}

/* The form changing grid id, v its values (GF_*), the refusal beside them. */
static void edit_page(struct web_req *rq, struct web_resp *rs, const char *id,
		      const char *const *v, const struct refusal *r)
{
	char title[100];

	snprintf(title, sizeof(title), _("Grid %s"), id);
	web_page_begin(rs, rq, "grids", title);
	refusal_notice(rs, r);
	web_form_begin(rs, rq, "/grids/save");
	web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><fieldset><legend>%s</legend>\n",
		id, _("Change the grid"));
	grid_fields(rs, v, r);
	web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button>"
		"<a class=\"button secondary\" href=\"/grids\">%s</a></div>\n", _("Save"), _("Cancel"));
	web_form_end(rs);
	web_out(rs, "<p class=\"muted\">%s</p>\n", _("The code does not change: add the new grid, "
		"move its members and requests, delete the old one."));
	web_page_end(rs, rq);
}

int web_grid_form(struct web_req *rq, struct web_resp *rs)
{
	const char *id = field(rq, "id");
	char *cols[GF_COUNT] = { 0 };
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = web_open(rq)) < 0)
		return rc;
	if ((rc = web_query(&stmt, rq, grid_kind.get_sql, &id, 1)) < 0)
		return rc;
	if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			rc = stele_error(STELE_EINVALID, "grid '%s' does not exist in village %s", id,
					 agent_village(rq->ctx));
		else
			rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "reading the grid");
		goto done;
	}
	for (int i = 0; i < GF_COUNT && rc == 0; i++)
		if (!(cols[i] = strdup(web_col(stmt, i))))
			rc = stele_error(STELE_EFAIL, "out of memory");
	if (rc == 0)
		edit_page(rq, rs, id, (const char *const *)cols, NULL);
done:
	for (int i = 0; i < GF_COUNT; i++)
		free(cols[i]);
	sqlite3_finalize(stmt);
	if (rc == STELE_EINVALID) {
		rs->status = 404;
		web_page_begin(rs, rq, "grids", _("Grids"));
		web_notice(rs, false, stele_error_message());
		web_page_end(rs, rq);
		rc = 0;
	}
	return rc;
}

/* Adds (add) or changes a grid with the form's values in a captured write: back to
 * the list; a refusal or a busy directory draws the form again as it was sent. */
static int grid_save(struct web_req *rq, struct web_resp *rs, bool add)
{
	const char *v[GF_COUNT] = { field(rq, "id"), field(rq, "name"), field(rq, "households"),
				    field(rq, "worker") };
	struct grid_row row = { .id = v[GF_ID], .name = v[GF_NAME], .households = v[GF_HOUSEHOLDS],
				.worker = v[GF_WORKER], .must_be_new = add, .must_exist = !add };
	struct refusal r = { 0 };
	struct agent_batch b;
	char id[24], *msg = NULL;
	int rc;

	agent_refuse_clear();
	if ((rc = web_begin(&b, rq)) == 0)
		rc = agent_batch_finish(&b, grid_put(id, &b, &row));
	if (web_redraw(rc)) {
		r.field = web_refused_field();
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		r.msg = msg;
		if (add)
			rc = grids_page(rq, rs, &r);
		else
			edit_page(rq, rs, v[GF_ID], v, &r);
		free(msg);
		return rc;
	}
	if (rc == 0)
		web_redirect(rs, "/grids?saved=%s", id);
	return rc;
}

int web_grid_add(struct web_req *rq, struct web_resp *rs)
{
	return grid_save(rq, rs, true);
}

int web_grid_save(struct web_req *rq, struct web_resp *rs)
{
	return grid_save(rq, rs, false);
}

int web_grid_delete(struct web_req *rq, struct web_resp *rs)
{
	const char *id = field(rq, "id");
	struct refusal r = { 0 };
	struct agent_batch b;
	char *msg = NULL;
	int rc;

	agent_refuse_clear();
	if ((rc = web_begin(&b, rq)) == 0)
		rc = agent_batch_finish(&b, grid_delete(&b, id));
	if (web_redraw(rc)) {
		r.field = -1;
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		r.msg = msg;
		r.row = id;
		rc = grids_page(rq, rs, &r);
		free(msg);
		return rc;
	}
	if (rc == 0)
		web_redirect(rs, "/grids?deleted=%s", id);
	return rc;
}
