/* web-assess.c: the workbench's self-assessment (自评): a score per standard item,
 * the running total and the stars it would earn, and the county's reviewed score
 * and approval once published; every write through the CLI's own assessment_put. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "rank.h"
#include "web.h"

/* Whether the database has the table (the county's reviews arrive with a later
 * schema than the first). */
static bool has_table(struct web_req *rq, const char *name)
{
	long long n = 0;
	const char *t[] = { name };

	return web_count(&n, rq, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
			 "name = ?2 AND ?1 IS NOT NULL", t, 1) == 0 && n > 0;
}

static int assess_page(struct web_req *rq, struct web_resp *rs, const char *year,
		       const char *refused_item, const char *refusal)
{
	struct stele_rank_config cfg;
	bool reviews = has_table(rq, "assessment_review"), approvals = has_table(rq, "assessment_approval");
	sqlite3_stmt *stmt = NULL;
	long long total = 0, reviewed = 0, max_total = 0, nreviewed = 0;
	char text[64], title[100], approval[200] = "";
	const char *t[] = { year };
	int rc, step;

	if ((rc = stele_rank_config_load(&cfg, rq->ctx->db)) < 0)
		return rc;
	if (approvals) {
		sqlite3_stmt *a = NULL;
		if ((rc = web_query(&a, rq, "SELECT approved_on FROM assessment_approval WHERE "
				    "village_code = ?1 AND year = CAST(?2 AS INTEGER)", t, 1)) < 0)
			return rc;
		if (sqlite3_step(a) == SQLITE_ROW)
			snprintf(approval, sizeof(approval), _("The county approved this self-assessment "
							      "on %s."), web_col(a, 0));
		sqlite3_finalize(a);
	}
	snprintf(title, sizeof(title), _("Self-assessment %s"), year);
	web_page_begin(rs, rq, "assess", title);
	if (refusal)
		web_notice(rs, false, refusal);
	else if (web_param(rq, "saved"))
		web_notice(rs, true, _("Saved the self-assessment."));
	web_out(rs, "<form class=\"toolbar\" method=\"get\" action=\"/assess\">");
	web_field(rs, _("Year"), "number", "year", year, NULL, "min=\"2000\" max=\"2999\"");
	web_out(rs, "<button type=\"submit\" class=\"secondary\">%s</button></form>\n", _("Show"));
	if (reviews)
		rc = web_query(&stmt, rq,
			       "SELECT s.code, s.name, s.max_score, a.score, coalesce(a.note, ''), "
			       "v.score, coalesce(v.note, '') FROM standard_item s "
			       "LEFT JOIN assessment a ON a.village_code = ?1 AND a.year = CAST(?2 AS INTEGER) "
			       "AND a.item_code = s.code "
			       "LEFT JOIN assessment_review v ON v.village_code = ?1 AND v.year = a.year "
			       "AND v.item_code = s.code "
			       "WHERE s.active = 1 OR a.score IS NOT NULL ORDER BY s.code", t, 1);
	else
		rc = web_query(&stmt, rq,
			       "SELECT s.code, s.name, s.max_score, a.score, coalesce(a.note, ''), NULL, '' "
			       "FROM standard_item s "
			       "LEFT JOIN assessment a ON a.village_code = ?1 AND a.year = CAST(?2 AS INTEGER) "
			       "AND a.item_code = s.code "
			       "WHERE s.active = 1 OR a.score IS NOT NULL ORDER BY s.code", t, 1);
	if (rc < 0)
		return rc;
	web_form_begin(rs, rq, "/assess/save");
	web_out(rs, "<input type=\"hidden\" name=\"year\" value=\"%s\">\n<table><thead><tr><th>%s</th>"
		"<th>%s</th><th class=\"num\">%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
		"</tr></thead><tbody>\n", year, _("Item"), _("Standard"), _("Full marks"),
		_("Our score"), _("Note"), _("County's reviewed score"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *code = web_col(stmt, 0);
		char max[32], score[32] = "", rev[32] = "";
		bool bad = refused_item && strcmp(refused_item, code) == 0;
		const char *given = NULL, *given_note = NULL;

		web_tenths(max, sizeof(max), sqlite3_column_int64(stmt, 2));
		max_total += sqlite3_column_int64(stmt, 2);
		if (sqlite3_column_type(stmt, 3) != SQLITE_NULL) {
			web_tenths(score, sizeof(score), sqlite3_column_int64(stmt, 3));
			total += sqlite3_column_int64(stmt, 3);
		}
		if (sqlite3_column_type(stmt, 5) != SQLITE_NULL) {
			web_tenths(rev, sizeof(rev), sqlite3_column_int64(stmt, 5));
			reviewed += sqlite3_column_int64(stmt, 5);
			nreviewed++;
		}
		if (refusal) {
			char name[80];
			snprintf(name, sizeof(name), "score_%s", code);
			given = web_param(rq, name);
			snprintf(name, sizeof(name), "note_%s", code);
			given_note = web_param(rq, name);
		}
		web_out(rs, "<tr><td>%s</td><td>%s</td><td class=\"num\">%s</td><td class=\"score%s\">"
			"<input type=\"text\" inputmode=\"decimal\" size=\"6\" name=\"score_%s\" value=\"%s\" "
			"aria-label=\"%s %s\">", code, web_col(stmt, 1), max, bad ? " bad" : "", code,
			given ? given : score, _("Our score"), code);
		if (bad)
			web_out(rs, "<span class=\"error\">%s</span>", refusal);
		web_out(rs, "</td><td><input type=\"text\" size=\"24\" maxlength=\"500\" name=\"note_%s\" "
			"value=\"%s\" aria-label=\"%s %s\"></td><td class=\"num\">%s</td></tr>\n", code,
			given_note ? given_note : web_col(stmt, 4), _("Note"), code, rev);
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the standard items");
	sqlite3_finalize(stmt);
	web_tenths(text, sizeof(text), total);
	{
		char maxt[32], stars[64];
		int n = stele_rank_stars_for(&cfg, total);

		web_tenths(maxt, sizeof(maxt), max_total);
		snprintf(stars, sizeof(stars), P_("%d star", "%d stars", n), n);
		web_out(rs, "</tbody><tfoot><tr><th colspan=\"3\">%s</th><th class=\"num\">%s / %s</th>"
			"<th>%s</th><th class=\"num\">", _("Running total"), text, maxt, stars);
	}
	if (nreviewed) {
		char r[32];
		web_tenths(r, sizeof(r), reviewed);
		web_out(rs, "%s", r);
	}
	web_out(rs, "</th></tr></tfoot></table>\n<div class=\"actions\"><button type=\"submit\">%s</button>"
		"</div>\n", _("Save the self-assessment"));
	web_form_end(rs);
	{
		char line[300];
		int stars = stele_rank_stars_for(&cfg, total);
		snprintf(line, sizeof(line), P_("Declared, this self-assessment would earn %d star "
						"(thresholds: 5 stars from %lld, 4 from %lld, 3 from %lld, "
						"2 from %lld points).",
						"Declared, this self-assessment would earn %d stars "
						"(thresholds: 5 stars from %lld, 4 from %lld, 3 from %lld, "
						"2 from %lld points).", stars),
			 stars, cfg.star[0], cfg.star[1], cfg.star[2], cfg.star[3]);
		web_out(rs, "<p>%s</p>\n", line);
		if (nreviewed) {
			char r[32];
			web_tenths(r, sizeof(r), reviewed);
			snprintf(line, sizeof(line), _("The county's reviewed score is %s: %d stars before any "
						       "veto."), r, stele_rank_stars_for(&cfg, reviewed));
			web_out(rs, "<p>%s</p>\n", line);
		}
		web_out(rs, "<p>%s</p>\n", *approval ? approval : _("The county has not approved this "
								     "self-assessment yet; only an approved one "
								     "earns stars."));
	}
	web_page_end(rs, rq);
	return rc;
}

int web_assess(struct web_req *rq, struct web_resp *rs)
{
	const char *year = web_param(rq, "year");
	char y[8];
	int32_t v;
	int rc;

	if (!year || stele_parse_year(&v, year, "year") < 0) {
		snprintf(y, sizeof(y), "%.4s", rq->today);
		year = y;
	}
	if ((rc = web_open(rq)) < 0)
		return rc;
	return assess_page(rq, rs, year, NULL, NULL);
}

int web_assess_save(struct web_req *rq, struct web_resp *rs)
{
	const char *year = web_param(rq, "year");
	struct agent_batch b;
	char *item = NULL, *msg = NULL;
	int rc = 0;

	if (!year)
		return stele_error(STELE_EUSAGE, "the self-assessment form has no year");
	agent_refuse_clear();
	/* Every item given a score, in one captured write: all of them or none. */
	if ((rc = web_begin(&b, rq)) == 0) {
		for (size_t i = 0; i < rq->nparams && rc == 0; i++) {
			const char *name = rq->params[i].name, *score = rq->params[i].value.data;
			char note_name[80];
			if (strncmp(name, "score_", 6) != 0 || rq->params[i].filename || !score ||
			    !*score)
				continue;
			snprintf(note_name, sizeof(note_name), "note_%s", name + 6);
			struct assessment_row row = { .year = year, .item_code = name + 6,
						      .score = score,
						      .note = web_param(rq, note_name) };
			if ((rc = assessment_put(&b, &row)) < 0 && !(item = strdup(name + 6)))
				rc = stele_error(STELE_EFAIL, "out of memory");
		}
		rc = agent_batch_finish(&b, rc);
	}
	if (web_redraw(rc)) {
		if ((rc = web_refused(&msg, rs)) < 0)
			goto done;
		rc = assess_page(rq, rs, year, item, msg);
		goto done;
	}
	if (rc == 0)
		web_redirect(rs, "/assess?year=%s&saved=1", year);
done:
	free(item);
	free(msg);
	return rc;
}
