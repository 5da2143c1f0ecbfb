/* web-page.c: what every workbench page shares: the frame and navigation, notices,
 * form fields with the engine's refusal beside them, queries, shown names. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "html.h"
#include "i18n.h"
#include "web.h"

/* The sections of the navigation, in a clerk's order of the month. */
static const struct {
	const char *section, *path, *label;
} nav[] = {
	{ "home", "/", N_("Home") },
	{ "members", "/members", N_("Members") },
	{ "points", "/points", N_("Points") },
	{ "tasks", "/tasks", N_("Task ledger") },
	{ "requests", "/requests", N_("Requests") },
	{ "grids", "/grids", N_("Grids") },
	{ "income", "/income", N_("Income") },
	{ "assess", "/assess", N_("Self-assessment") },
	{ "close", "/close", N_("Month end") },
	{ "data", "/data", N_("Import / export") },
	{ "sync", "/sync", N_("Sync") },
	{ "log", "/log", N_("Ledger of changes") },
};

void web_out(struct web_resp *rs, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (rs->err < 0)
		return;
	va_start(ap, fmt);
	rc = stele_html_v(&rs->body, fmt, ap);
	va_end(ap);
	if (rc < 0)
		rs->err = rc;
}

void web_url(struct web_resp *rs, const char *s)
{
	int rc;

	if (rs->err == 0 && (rc = stele_html_url(&rs->body, s)) < 0)
		rs->err = rc;
}

void web_raw(struct web_resp *rs, const char *markup)
{
	int rc;

	if (rs->err == 0 && (rc = stele_html_raw(&rs->body, markup)) < 0)
		rs->err = rc;
}

void web_redirect(struct web_resp *rs, const char *fmt, ...)
{
	struct stele_buf b = STELE_BUF_INIT(4096);
	const char *p;
	va_list ap;
	int rc = 0;

	/* Only %s (percent-encoded) and %% are taken: a location is a path and a query. */
	va_start(ap, fmt);
	for (p = fmt; *p && rc == 0; p++) {
		if (p[0] == '%' && p[1] == 's') {
			rc = stele_html_url(&b, va_arg(ap, const char *));
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			rc = stele_buf_putc(&b, '%');
			p++;
		} else {
			rc = stele_buf_putc(&b, *p);
		}
	}
	va_end(ap);
	free(rs->location);
	rs->location = NULL;
	if (rc < 0 || !(rs->location = stele_buf_detach(&b, NULL)))
		rs->err = rc < 0 ? rc : stele_error(STELE_EFAIL, "out of memory");
	stele_buf_free(&b);
}

void web_page_begin(struct web_resp *rs, const struct web_req *rq, const char *section,
		    const char *title)
{
	web_out(rs, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>%s · %s</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n",
		rq->english ? "en" : "zh-CN", title, _("Stele workbench"));
	if (rs->refresh > 0)
		web_out(rs, "<meta http-equiv=\"refresh\" content=\"%d\">\n", rs->refresh);
	web_out(rs, "</head>\n<body>\n<header class=\"top\">\n<a class=\"skip\" href=\"#main\">%s</a>\n"
		"<span class=\"brand\">%s</span>\n<nav aria-label=\"%s\"><ul>\n",
		_("Skip to content"), _("Stele workbench"), _("Sections"));
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		if (strcmp(section, nav[i].section) == 0)
			web_out(rs, "<li><a href=\"%s\" aria-current=\"page\">%s</a></li>\n",
				nav[i].path, _(nav[i].label));
		else
			web_out(rs, "<li><a href=\"%s\">%s</a></li>\n", nav[i].path, _(nav[i].label));
	web_out(rs, "</ul></nav>\n<a class=\"lang\" href=\"/lang?to=%s&amp;back=",
		rq->english ? "zh" : "en");
	/* Back to this very page (its query too); a form's answer goes back home. */
	if (rq->post) {
		web_url(rs, "/");
	} else {
		struct stele_buf back = STELE_BUF_INIT(8192);
		int rc = stele_buf_puts(&back, rq->path);
		char sep = '?';
		for (size_t i = 0; i < rq->nparams && rc == 0; i++) {
			if (strcmp(rq->params[i].name, "token") == 0 || rq->params[i].filename)
				continue;
			if ((rc = stele_buf_putc(&back, sep)) == 0 &&
			    (rc = stele_html_url(&back, rq->params[i].name)) == 0 &&
			    (rc = stele_buf_putc(&back, '=')) == 0)
				rc = stele_html_url(&back, rq->params[i].value.data);
			sep = '&';
		}
		web_url(rs, rc == 0 ? back.data : rq->path);
		stele_buf_free(&back);
	}
	web_out(rs, "\" lang=\"%s\">%s</a>\n</header>\n<main id=\"main\">\n<h1>%s</h1>\n",
		rq->english ? "zh-CN" : "en", rq->english ? "中文" : "English", title);
}

void web_page_end(struct web_resp *rs, const struct web_req *rq)
{
	web_out(rs, "</main>\n</body>\n</html>\n");
}

void web_notice(struct web_resp *rs, bool ok, const char *text)
{
	web_out(rs, "<p class=\"notice %s\" role=\"%s\">%s</p>\n", ok ? "ok" : "refused",
		ok ? "status" : "alert", text);
}

void web_saved_notice(const struct web_req *rq, struct web_resp *rs, const char *fmt)
{
	const char *saved = web_param(rq, "saved");
	char msg[300];

	if (!saved)
		return;
	snprintf(msg, sizeof(msg), fmt, saved);
	web_notice(rs, true, msg);
}

void web_form_begin(struct web_resp *rs, const struct web_req *rq, const char *action)
{
	web_out(rs, "<form method=\"post\" action=\"%s\">\n"
		"<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", action, rq->csrf);
}

void web_form_end(struct web_resp *rs)
{
	web_out(rs, "</form>\n");
}

void web_field(struct web_resp *rs, const char *label, const char *type, const char *name,
	       const char *value, const char *error, const char *attrs)
{
	web_out(rs, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>"
		"<input type=\"%s\" id=\"f-%s\" name=\"%s\" value=\"%s\"", error ? " bad" : "",
		name, label, type, name, name, value ? value : "");
	if (error)
		web_out(rs, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
	web_out(rs, " ");
	web_raw(rs, attrs);
	web_out(rs, ">");
	if (error)
		web_out(rs, "<span class=\"error\" id=\"e-%s\">%s</span>", name, error);
	web_out(rs, "</div>\n");
}

void web_select(struct web_resp *rs, const char *label, const char *name,
		const char *const *values, const char *const *labels, size_t n,
		const char *value, const char *empty_label, const char *error)
{
	web_out(rs, "<div class=\"field%s\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" "
		"name=\"%s\">", error ? " bad" : "", name, label, name, name);
	if (empty_label)
		web_out(rs, "<option value=\"\">%s</option>", empty_label);
	for (size_t i = 0; i < n; i++)
		web_out(rs, "<option value=\"%s\"%s>%s</option>", values[i],
			value && strcmp(value, values[i]) == 0 ? " selected" : "",
			labels ? labels[i] : values[i]);
	web_out(rs, "</select>");
	if (error)
		web_out(rs, "<span class=\"error\">%s</span>", error);
	web_out(rs, "</div>\n");
}

int web_refused_field(void)
{
	return agent_refused_field();
}

int web_refused(char **msg, struct web_resp *rs)
{
	if (!(*msg = strdup(stele_error_message())))
		return stele_error(STELE_EFAIL, "out of memory");
	rs->status = 422;
	return 0;
}

int web_query(sqlite3_stmt **out, struct web_req *rq, const char *sql, const char *const *texts,
	      int n)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = stele_db_prepare(rq->ctx->db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(rq->ctx), -1, SQLITE_STATIC);
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(stmt, i + 2, texts[i], -1, SQLITE_STATIC);
	*out = stmt;
	return 0;
}

const char *web_col(sqlite3_stmt *stmt, int col)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);

	return v ? (const char *)v : "";
}

int web_count(long long *out, struct web_req *rq, const char *sql, const char *const *texts, int n)
{
	sqlite3_stmt *stmt;
	long long v = 0;
	int rc, step;

	if ((rc = web_query(&stmt, rq, sql, texts, n)) < 0)
		return rc;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	else if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "reading the village's records");
	sqlite3_finalize(stmt);
	if (rc == 0)
		*out = v;
	return rc;
}

int web_member_picker(struct web_req *rq, struct web_resp *rs, const char *label,
			 const char *name, const char *value, const char *error)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = web_query(&stmt, rq, "SELECT id, name FROM member WHERE village_code = ?1 AND "
			    "status IN ('active', 'flowing') ORDER BY id", NULL, 0)) < 0)
		return rc;
	web_out(rs, "<div class=\"field%s\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">"
		"<option value=\"\">%s</option>", error ? " bad" : "", name, label, name, name,
		_("nobody in particular"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		web_out(rs, "<option value=\"%s\"%s>%s (%s)</option>", web_col(stmt, 0),
			strcmp(value, web_col(stmt, 0)) == 0 ? " selected" : "", web_col(stmt, 1),
			web_col(stmt, 0));
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the members");
	web_out(rs, "</select>");
	if (error)
		web_out(rs, "<span class=\"error\">%s</span>", error);
	web_out(rs, "</div>\n");
	return 0;
}

void web_grid_datalist(struct web_req *rq, struct web_resp *rs)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if (rs->err < 0)
		return;
	if ((rc = web_query(&stmt, rq, "SELECT id, coalesce(name, '') FROM grid WHERE "
			    "village_code = ?1 ORDER BY id", NULL, 0)) < 0) {
		rs->err = rc;
		return;
	}
	web_out(rs, "<datalist id=\"grid-codes\">");
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		web_out(rs, "<option value=\"%s\">%s</option>", web_col(stmt, 0), web_col(stmt, 1));
	if (step != SQLITE_DONE && rs->err == 0)
		rs->err = stele_error_db(STELE_EFAIL, rq->ctx->db, "listing the grids");
	sqlite3_finalize(stmt);
	web_out(rs, "</datalist>\n");
}

const char *web_member_status(const char *status)
{
	if (strcmp(status, "active") == 0)
		return _("active");
	if (strcmp(status, "transferred_out") == 0)
		return _("transferred out");
	if (strcmp(status, "flowing") == 0)
		return _("flowing (away for work)");
	if (strcmp(status, "deceased") == 0)
		return _("deceased");
	return status;
}

const char *web_stage(const char *stage)
{
	if (strcmp(stage, "recorded") == 0)
		return _("recorded");
	if (strcmp(stage, "group") == 0)
		return _("reviewed by the party group");
	if (strcmp(stage, "committee") == 0)
		return _("reviewed by the branch committee");
	if (strcmp(stage, "assembly") == 0)
		return _("approved by the members' assembly");
	if (strcmp(stage, "published") == 0)
		return _("published");
	if (strcmp(stage, "rejected") == 0)
		return _("rejected");
	return stage;
}

void web_tenths(char *out, size_t size, long long tenths)
{
	long long a = tenths < 0 ? -tenths : tenths;

	snprintf(out, size, "%s%lld.%lld", tenths < 0 ? "-" : "", a / 10, a % 10);
}

void web_local_time(char *out, size_t size, const char *value)
{
	struct tm tm = { 0 };
	time_t t = 0;
	char *end = NULL;
	long long secs;

	*out = '\0';
	if (!value || !*value)
		return;
	secs = strtoll(value, &end, 10);
	if (*end == '\0' && secs > 0) {
		t = (time_t)secs;
	} else if ((end = strptime(value, "%Y-%m-%dT%H:%M:%SZ", &tm)) && *end == '\0') {
		t = timegm(&tm);
	} else {
		snprintf(out, size, "%s", value);
		return;
	}
	localtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M", &tm);
}

void web_star_cell(struct web_resp *rs, int stars)
{
	char label[64];

	snprintf(label, sizeof(label), P_("%d star", "%d stars", stars), stars);
	web_out(rs, "<td class=\"stars\" aria-label=\"%s\"><span aria-hidden=\"true\">", label);
	for (int i = 0; i < stars && i < 5; i++)
		web_raw(rs, "★");
	web_out(rs, "</span> %s</td>", label);
}
