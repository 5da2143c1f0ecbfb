/* web-member.c: the workbench's members (党员): the list with search, adding and
 * editing one (status changes included), through the CLI's own member_put. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "rank.h"
#include "table.h"
#include "web.h"

static const char *const genders[] = { "M", "F" };

static const char *gender_name(const char *g)
{
	return strcmp(g, "M") == 0 ? _("male") : strcmp(g, "F") == 0 ? _("female") : "";
}

int web_members(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_param(rq, "q"), *status = web_param(rq, "status");
	const char *labels[4];
	sqlite3_stmt *stmt = NULL;
	char like[300];
	long long shown = 0;
	int rc, step;

	if ((rc = web_open(rq)) < 0)
		return rc;
	q = q ? q : "";
	status = status && agent_in_list(member_statuses, status) ? status : "";
	snprintf(like, sizeof(like), "%%%s%%", q);
	for (int i = 0; i < 4; i++)
		labels[i] = web_member_status(member_statuses[i]);
	web_page_begin(rs, rq, "members", _("Members"));
	web_saved_notice(rq, rs, _("Saved member %s."));
	web_out(rs, "<form class=\"toolbar\" method=\"get\" action=\"/members\" role=\"search\">");
	web_field(rs, _("Name, id or grid"), "search", "q", q, NULL, "");
	web_select(rs, _("Status"), "status", member_statuses, labels, 4, status, _("all"), NULL);
	web_out(rs, "<button type=\"submit\" class=\"secondary\">%s</button>"
		"<a class=\"button\" href=\"/members/edit\">%s</a></form>\n", _("Search"),
		_("Add a member"));
	{
		const char *t[] = { like, status };
		if ((rc = web_query(&stmt, rq,
				    "SELECT id, name, coalesce(gender, ''), coalesce(born, ''), "
				    "coalesce(joined, ''), status, coalesce(grid, '') FROM member "
				    "WHERE village_code = ?1 AND (id LIKE ?2 OR name LIKE ?2 OR "
				    "coalesce(grid, '') LIKE ?2) AND (?3 = '' OR status = ?3) ORDER BY id",
				    t, 2)) < 0)
			goto done;
	}
	web_out(rs, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th><th class=\"no-print\"></th></tr></thead><tbody>\n", _("Id"),
		_("Name"), _("Gender"), _("Born"), _("Joined the party"), _("Status"), _("Grid"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		web_out(rs, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			"<td>%s</td><td class=\"no-print\"><a href=\"/members/edit?id=", web_col(stmt, 0),
			web_col(stmt, 1), gender_name(web_col(stmt, 2)), web_col(stmt, 3),
			web_col(stmt, 4), web_member_status(web_col(stmt, 5)), web_col(stmt, 6));
		web_url(rs, web_col(stmt, 0));
		web_out(rs, "\">%s</a></td></tr>\n", _("edit"));
		shown++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the members");
	web_out(rs, "</tbody></table>\n<p class=\"muted\">%s %lld</p>\n", _("members shown:"), shown);
	web_page_end(rs, rq);
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* The member form, with the values as given and the refusal (of field, or of the
 * whole row when field < 0) beside them. */
static void member_form(struct web_req *rq, struct web_resp *rs, const char *id, char **v,
			const char *refusal, int field, const char *stars)
{
	const char *labels[4], *glabels[2] = { _("male"), _("female") };
	char title[100];

#define ERR(f) (refusal && field == (f) ? refusal : NULL)
	for (int i = 0; i < 4; i++)
		labels[i] = web_member_status(member_statuses[i]);
	if (*id)
		snprintf(title, sizeof(title), _("Member %s"), id);
	else
		snprintf(title, sizeof(title), "%s", _("Add a member"));
	web_page_begin(rs, rq, "members", title);
	if (stars && *stars)
		web_out(rs, "<p class=\"lead\">%s</p>\n", stars);
	if (refusal && field < 0)
		web_notice(rs, false, refusal);
	else if (refusal)
		web_notice(rs, false, _("Nothing was saved: correct the field marked below."));
	web_form_begin(rs, rq, "/members/save");
	web_out(rs, "<input type=\"hidden\" name=\"id\" value=\"%s\"><fieldset><legend>%s</legend>\n",
		id, *id ? _("Change the member's record") : _("The new member"));
	web_field(rs, _("Name"), "text", "name", v[MF_NAME], ERR(MF_NAME),
		  "required maxlength=\"100\" autofocus");
	web_select(rs, _("Gender"), "gender", genders, glabels, 2, v[MF_GENDER], _("not given"),
		   ERR(MF_GENDER));
	web_field(rs, _("Born (year)"), "number", "born", v[MF_BORN], ERR(MF_BORN),
		  "min=\"1900\" max=\"2999\"");
	web_field(rs, _("Joined the party"), "date", "joined", v[MF_JOINED], ERR(MF_JOINED), "");
	web_select(rs, _("Status"), "status", member_statuses, labels, 4,
		   *v[MF_STATUS] ? v[MF_STATUS] : "active", NULL, ERR(MF_STATUS));
	web_field(rs, _("Grid"), "text", "grid", v[MF_GRID], ERR(MF_GRID),
		  "maxlength=\"64\" list=\"grid-codes\"");
	web_grid_datalist(rq, rs);
	web_out(rs, "</fieldset><div class=\"actions\"><button type=\"submit\">%s</button>"
		"<a class=\"button secondary\" href=\"/members\">%s</a></div>\n", _("Save"),
		_("Cancel"));
	web_form_end(rs);
	web_page_end(rs, rq);
#undef ERR
}

/* The member's stars (积分争星) of this year so far, as the CLI's rank
 * member-stars gives them, in a sentence in out ("" when not ranked). */
static int member_stars(char *out, size_t size, struct web_req *rq, const char *id)
{
	struct stele_table *t = NULL;
	int rc, year = atoi(rq->today);

	*out = '\0';
	if ((rc = stele_rank_member_stars(&t, rq->ctx->db, year, agent_village(rq->ctx))) < 0)
		return rc;
	for (size_t r = 0; r < t->nrows; r++)
		if (t->ncols >= 6 && strcmp(stele_table_cell(t, r, 2), id) == 0) {
			int n = atoi(stele_table_cell(t, r, 5));
			snprintf(out, size, P_("Stars (积分争星) %d so far: %s points, rank %s, %d star.",
					       "Stars (积分争星) %d so far: %s points, rank %s, %d stars.", n),
				 year, stele_table_cell(t, r, 4), stele_table_cell(t, r, 0), n);
		}
	stele_table_free(t);
	return 0;
}

int web_member_form(struct web_req *rq, struct web_resp *rs)
{
	const char *id = web_param(rq, "id");
	char *cols[MF_COUNT] = { 0 }, *empty[MF_COUNT], stars[300];
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	for (int i = 0; i < MF_COUNT; i++)
		empty[i] = "";
	if ((rc = web_open(rq)) < 0)
		return rc;
	if (!id || !*id) {
		member_form(rq, rs, "", empty, NULL, -1, NULL);
		return 0;
	}
	if ((rc = web_query(&stmt, rq, member_kind.get_sql, &id, 1)) < 0)
		return rc;
	if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			rc = stele_error(STELE_EINVALID, "member '%s' does not exist in village %s", id,
					 agent_village(rq->ctx));
		else
			rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "reading the member");
		goto done;
	}
	for (int i = 0; i < MF_COUNT && rc == 0; i++)
		if (!(cols[i] = strdup(web_col(stmt, i))))
			rc = stele_error(STELE_EFAIL, "out of memory");
	if (rc == 0 && (rc = member_stars(stars, sizeof(stars), rq, id)) == 0)
		member_form(rq, rs, id, cols, NULL, -1, stars);
done:
	for (int i = 0; i < MF_COUNT; i++)
		free(cols[i]);
	sqlite3_finalize(stmt);
	if (rc == STELE_EINVALID) {
		rs->status = 404;
		web_page_begin(rs, rq, "members", _("Members"));
		web_notice(rs, false, stele_error_message());
		web_page_end(rs, rq);
		rc = 0;
	}
	return rc;
}

int web_member_save(struct web_req *rq, struct web_resp *rs)
{
	static const char *const names[MF_COUNT] = { "id", "name", "gender", "born", "joined",
						     "status", "grid" };
	const char *v[MF_COUNT];
	struct member_row row = { 0 };
	struct agent_batch b;
	char id[24];
	int rc;

	for (int i = 0; i < MF_COUNT; i++) {
		v[i] = web_param(rq, names[i]);
		v[i] = v[i] ? v[i] : "";
	}
	row = (struct member_row){ .id = v[MF_ID], .name = v[MF_NAME], .gender = v[MF_GENDER],
				   .born = v[MF_BORN], .joined = v[MF_JOINED], .status = v[MF_STATUS],
				   .grid = v[MF_GRID] };
	if (*v[MF_ID])
		row.must_exist = true;
	else
		row.must_be_new = true;
	if (!*row.status)
		row.status = *v[MF_ID] ? NULL : "active";
	agent_refuse_clear();
	if ((rc = web_begin(&b, rq)) == 0)
		rc = agent_batch_finish(&b, member_put(id, &b, &row));
	if (web_redraw(rc)) {
		/* The engine's refusal, beside the field it names (or a busy directory,
		 * above the form); nothing was written, what was typed stays. */
		char *msg;
		if ((rc = web_refused(&msg, rs)) < 0)
			return rc;
		member_form(rq, rs, v[MF_ID], (char **)v, msg, web_refused_field(), NULL);
		free(msg);
		return 0;
	}
	if (rc < 0)
		return rc;
	web_redirect(rs, "/members?saved=%s", id);
	return 0;
}
