/* web-home.c: the workbench's home page (首页): what needs doing this month. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"
#include "rules.h"
#include "web.h"

/* The review stages an event waits at, each with the step that moves it on. */
static const struct {
	const char *stage, *waits_for;
} queue[] = {
	{ "recorded", N_("awaiting the party group's first review") },
	{ "group", N_("awaiting the branch committee's review") },
	{ "committee", N_("awaiting the members' assembly") },
	{ "assembly", N_("approved, awaiting public posting") },
};

static int review_card(struct web_req *rq, struct web_resp *rs)
{
	sqlite3_stmt *stmt = NULL;
	long long n[4] = { 0 }, total = 0;
	int rc, step;

	/* One pass over the events, counted by stage. */
	if ((rc = web_query(&stmt, rq, "SELECT stage, count(*) FROM point_event NOT INDEXED WHERE village_code = ?1 "
			    "AND stage IN ('recorded', 'group', 'committee', 'assembly') GROUP BY stage",
			    NULL, 0)) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		for (size_t i = 0; i < 4; i++)
			if (strcmp(web_col(stmt, 0), queue[i].stage) == 0)
				total += n[i] = sqlite3_column_int64(stmt, 1);
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, rq->ctx->db, "counting the events under review");
	web_out(rs, "<section class=\"card%s\"><h2><a href=\"/points/review\">%s</a></h2>"
		"<div class=\"big\">%lld</div><ul>", total ? " warn" : " good", _("Point events under review"),
		total);
	for (size_t i = 0; i < 4; i++)
		if (n[i])
			web_out(rs, "<li><a href=\"/points/review#stage-%s\">%lld %s</a></li>",
				queue[i].stage, n[i], _(queue[i].waits_for));
	if (!total)
		web_out(rs, "<li>%s</li>", _("nothing waits for a review"));
	web_out(rs, "</ul></section>\n");
	return 0;
}

/* A card listing at most five rows of sql (id, text, date), with their count. */
static int list_card(struct web_req *rq, struct web_resp *rs, const char *title, const char *href,
		     const char *count_sql, const char *rows_sql, const char *const *texts, int n,
		     const char *none, const char *date_label)
{
	sqlite3_stmt *stmt = NULL;
	long long count = 0;
	int rc, step;

	if ((rc = web_count(&count, rq, count_sql, texts, n)) < 0 ||
	    (rc = web_query(&stmt, rq, rows_sql, texts, n)) < 0)
		return rc;
	web_out(rs, "<section class=\"card%s\"><h2><a href=\"%s\">%s</a></h2><div class=\"big\">%lld</div><ul>",
		count ? " warn" : " good", href, title, count);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		web_out(rs, "<li>%s %s <span class=\"muted\">(%s %s)</span></li>", web_col(stmt, 0),
			web_col(stmt, 1), date_label, web_col(stmt, 2));
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "reading the village's records");
	if (!count)
		web_out(rs, "<li>%s</li>", none);
	else if (count > 5)
		web_out(rs, "<li><a href=\"%s\">%s</a></li>", href, _("all of them…"));
	web_out(rs, "</ul></section>\n");
	sqlite3_finalize(stmt);
	return rc;
}

/* The complete months since the village's first record that are not closed. */
static int months_card(struct web_req *rq, struct web_resp *rs)
{
	static const char sql[] =
		"WITH RECURSIVE first(m) AS (SELECT substr(min(m), 1, 7) FROM ("
		" SELECT min(occurred_on) AS m FROM point_event WHERE village_code = ?1"
		" UNION ALL SELECT min(due_on) FROM task WHERE village_code = ?1"
		" UNION ALL SELECT min(received_on) FROM request WHERE village_code = ?1"
		" UNION ALL SELECT min(period) FROM income WHERE village_code = ?1"
		" UNION ALL SELECT max(period) FROM period_close WHERE village_code = ?1)),"
		" months(m) AS (SELECT m FROM first WHERE m IS NOT NULL"
		"  UNION ALL SELECT strftime('%Y-%m', m || '-01', '+1 month') FROM months"
		"  WHERE m < strftime('%Y-%m', ?2, 'start of month', '-1 month'))"
		" SELECT m FROM months WHERE m < substr(?2, 1, 7) AND m NOT IN"
		" (SELECT period FROM period_close WHERE village_code = ?1) ORDER BY m LIMIT 24";
	const char *t[] = { rq->today };
	sqlite3_stmt *stmt = NULL;
	int rc, step, n = 0;

	if ((rc = web_query(&stmt, rq, sql, t, 1)) < 0)
		return rc;
	web_out(rs, "<section class=\"card\" id=\"open-months\"><h2><a href=\"/close\">%s</a></h2><ul>",
		_("Months not yet closed"));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		web_out(rs, "<li>%s</li>", web_col(stmt, 0));
		n++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, rq->ctx->db, "reading the closed months");
	if (!n)
		web_out(rs, "<li>%s</li>", _("every complete month is closed"));
	web_out(rs, "</ul></section>\n");
	sqlite3_finalize(stmt);
	return rc;
}

static int sync_card(struct web_req *rq, struct web_resp *rs, long long *pending)
{
	char *synced = NULL, *last = NULL, *remote = NULL, when[64];
	const char *t[1];
	int rc;

	if ((rc = stele_meta_get(rq->ctx->db, "synced_seq", &synced)) < 0 ||
	    (rc = stele_meta_get(rq->ctx->db, "last_sync_at", &last)) < 0 ||
	    (rc = stele_meta_get(rq->ctx->db, "remote", &remote)) < 0)
		goto done;
	t[0] = synced ? synced : "0";
	if ((rc = web_count(pending, rq, "SELECT count(*) FROM stele_outbox "
			    "WHERE seq > CAST(?2 AS INTEGER) AND ?1 IS NOT NULL", t, 1)) < 0)
		goto done;
	web_out(rs, "<section class=\"card%s\"><h2><a href=\"/sync\">%s</a></h2><div class=\"big\">%lld</div>"
		"<ul><li>%s</li>", *pending ? " warn" : " good", _("Changes not yet synced"), *pending,
		*pending ? _("change sets wait to go to the county") : _("everything is synced"));
	if (last && *last) {
		web_local_time(when, sizeof(when), last);
		web_out(rs, "<li>%s %s</li>", _("last sync succeeded:"), when);
	} else {
		web_out(rs, "<li>%s</li>", _("never synced with the county"));
	}
	if (remote && *remote)
		web_out(rs, "<li>%s <code>%s</code></li>", _("to:"), remote);
	web_out(rs, "</ul></section>\n");
done:
	free(synced);
	free(last);
	free(remote);
	return rc;
}

/* Warnings in plain words: what would surprise the clerk later. */
static int warnings(struct web_req *rq, struct web_resp *rs, long long pending)
{
	char *remote = NULL, *county_seq = NULL, *last = NULL;
	int rc, n = 0;

	if ((rc = stele_meta_get(rq->ctx->db, "remote", &remote)) < 0 ||
	    (rc = stele_meta_get(rq->ctx->db, "county_seq", &county_seq)) < 0 ||
	    (rc = stele_meta_get(rq->ctx->db, "last_sync_at", &last)) < 0)
		goto done;
	web_out(rs, "<h2>%s</h2><ul class=\"warnings\">", _("Warnings"));
	if (!remote || !*remote) {
		web_out(rs, "<li>%s</li>", _("No sync address is set: the county receives nothing until "
					    "you sync once to its server or to a USB stick (同步)."));
		n++;
	}
	if (!county_seq || !*county_seq) {
		web_out(rs, "<li>%s</li>", _("The point rules are the built-in default: the county's own "
					    "rules arrive with the first sync."));
		n++;
	}
	if (last && *last && pending) {
		long long secs = strtoll(last, NULL, 10);
		if (secs > 0 && time(NULL) - secs > 7 * 24 * 3600) {
			web_out(rs, "<li>%s</li>", _("The last sync was more than a week ago and changes are "
						    "waiting: sync soon, so the county's monthly ranking "
						    "counts them."));
			n++;
		}
	}
	if (!n)
		web_out(rs, "<li class=\"muted\">%s</li>", _("none"));
	web_out(rs, "</ul>\n");
done:
	free(remote);
	free(county_seq);
	free(last);
	return rc;
}

int web_home(struct web_req *rq, struct web_resp *rs)
{
	char *name = NULL, title[300];
	long long days = 7, pending = 0;
	char daystext[24];
	int rc;

	if ((rc = web_open(rq)) < 0)
		return rc;
	if ((rc = stele_meta_get(rq->ctx->db, "village_name", &name)) < 0)
		goto done;
	if (stele_config_get(&days, rq->ctx->db, "request.days") < 0)
		days = 7;
	snprintf(daystext, sizeof(daystext), "%lld", days);
	snprintf(title, sizeof(title), "%s", name ? name : agent_village(rq->ctx));
	web_page_begin(rs, rq, "home", title);
	web_out(rs, "<p class=\"lead\">%s %s · %s %s</p>\n<div class=\"cards\">\n", _("village code"),
		agent_village(rq->ctx), _("today"), rq->today);
	{
		const char *t[] = { rq->today };
		if ((rc = review_card(rq, rs)) < 0 ||
		    (rc = list_card(rq, rs, _("Overdue tasks"), "/tasks",
				    "SELECT count(*) FROM task_ledger WHERE village_code = ?1 AND closed_on IS "
				    "NULL AND due_on < ?2",
				    "SELECT id, title, due_on FROM task_ledger WHERE village_code = ?1 AND "
				    "closed_on IS NULL AND due_on < ?2 ORDER BY due_on, id LIMIT 5", t, 1,
				    _("no task is overdue"), _("due"))) < 0)
			goto done;
	}
	{
		const char *t[] = { rq->today, daystext };
		if ((rc = list_card(rq, rs, _("Requests past the deadline"), "/requests",
				    "SELECT count(*) FROM request WHERE village_code = ?1 AND resolved_on IS "
				    "NULL AND julianday(?2) - julianday(received_on) > CAST(?3 AS INTEGER)",
				    "SELECT id, coalesce(category, ''), received_on FROM request WHERE "
				    "village_code = ?1 AND resolved_on IS NULL AND julianday(?2) - "
				    "julianday(received_on) > CAST(?3 AS INTEGER) ORDER BY received_on, id "
				    "LIMIT 5", t, 2, _("every open request is within its deadline"),
				    _("received"))) < 0)
			goto done;
	}
	if ((rc = months_card(rq, rs)) < 0 || (rc = sync_card(rq, rs, &pending)) < 0)
		goto done;
	web_out(rs, "</div>\n");
	if ((rc = warnings(rq, rs, pending)) < 0)
		goto done;
	web_page_end(rs, rq);
done:
	free(name);
	return rc;
}
