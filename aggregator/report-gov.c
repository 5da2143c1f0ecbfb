/* report-gov.c: the county report's governance sections: the list of weak village
 * organisations with their time on it and rank trend (软弱涣散整顿), and residents'
 * requests per township (satisfaction, escalations, overdue). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "report.h"

/* The rank of code in league (0: unranked or absent). */
static int rank_in(const struct stele_league *league, const char *code)
{
	for (size_t i = 0; league && i < league->nrows; i++)
		if (strcmp(league->rows[i].code, code) == 0)
			return league->rows[i].ranked ? league->rows[i].rank : 0;
	return 0;
}

/* The leagues of listing months outside the report's twelve, computed once each. */
#define LISTING_MONTHS_MAX 24
struct listing_leagues {
	struct stele_league *league[LISTING_MONTHS_MAX];
	int n;
};

/* The league of (year, month): one of the report's, else computed into c (when c
 * has room; NULL then). */
static int league_of(const struct stele_league **out, struct listing_leagues *c,
		     const struct report *r, int year, int month)
{
	int rc;

	for (int i = 0; i < HISTORY_MONTHS; i++)
		if (r->league[i]->year == year && r->league[i]->month == month) {
			*out = r->league[i];
			return 0;
		}
	for (int i = 0; i < c->n; i++)
		if (c->league[i]->year == year && c->league[i]->month == month) {
			*out = c->league[i];
			return 0;
		}
	*out = NULL;
	if (c->n == LISTING_MONTHS_MAX)
		return 0;
	if ((rc = stele_league_compute(&c->league[c->n], r->db, year, month, NULL, false)) < 0)
		return rc;
	*out = c->league[c->n++];
	return 0;
}

/* A rank cell: the rank, or a dash when unranked. */
static void rank_cell(struct page *p, int rank)
{
	if (rank)
		page_html(p, "<td class=\"num\">%d</td>", rank);
	else
		page_raw(p, "<td class=\"na\">—</td>");
}

/* The entries on the list by the report month's last day, as the weak list shows
 * them then (docs/rankings.md "Weak organisations"). */
static const char weak_sql[] =
	"SELECT w.village_code, coalesce(v.name, ''), w.year, w.listed_on, w.reason, "
	"CASE WHEN w.converted_on <= ?1 THEN w.converted_on END, "
	"(unixepoch(CASE WHEN w.converted_on <= ?1 THEN w.converted_on ELSE ?1 END) "
	" - unixepoch(w.listed_on)) / 86400 "
	"FROM weak_village w LEFT JOIN village v ON v.code = w.village_code "
	"WHERE w.listed_on <= ?1 ORDER BY w.listed_on, w.village_code, w.year";

static int weak_section(struct page *p, const struct report *r, const char *last_day)
{
	const struct stele_league *now = r->league[HISTORY_MONTHS - 1], *then = NULL;
	struct listing_leagues cache = { .n = 0 };
	sqlite3_stmt *stmt = NULL;
	int rc, step, listed = 0, converted = 0;

	page_raw(p, "<section id=\"weak-section\"><h2>");
	page_label(p, "软弱涣散村党组织整顿", "Weak village organisations");
	page_raw(p, "</h2>");
	page_table_head(p, "weak", (const char *const[][2]){ { "村", "Village" }, { "代码", "Code" },
			{ "列入年度", "Year" }, { "列入日期", "Listed on" }, { "原因", "Reason" },
			{ "转化日期", "Turned around" }, { "在册天数", "Days on the list" },
			{ "列入当月名次", "Rank when listed" }, { "本月名次", "Rank now" },
			{ "名次变化", "Change" } }, 10);
	if ((rc = stele_db_prepare(r->db, &stmt, weak_sql)) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, last_day, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(stmt, 0);
		const char *listed_on = (const char *)sqlite3_column_text(stmt, 3);
		const char *conv = (const char *)sqlite3_column_text(stmt, 5);
		int ly = 0, lm = 0, before, after;

		listed++;
		converted += conv != NULL;
		sscanf(listed_on, "%4d-%2d", &ly, &lm);
		if ((rc = league_of(&then, &cache, r, ly, lm)) < 0)
			goto done;
		before = rank_in(then, code);
		after = rank_in(now, code);
		page_raw(p, "<tr>");
		page_cell(p, (const char *)sqlite3_column_text(stmt, 1));
		page_cell(p, code);
		page_html(p, "<td class=\"num\">%d</td>", sqlite3_column_int(stmt, 2));
		page_cell(p, listed_on);
		page_cell(p, (const char *)sqlite3_column_text(stmt, 4));
		if (conv) {
			page_cell(p, conv);
		} else {
			page_raw(p, "<td class=\"na\">");
			page_label(p, "整顿中", "not yet");
			page_raw(p, "</td>");
		}
		page_html(p, "<td class=\"num\">%lld</td>", (long long)sqlite3_column_int64(stmt, 6));
		rank_cell(p, before);
		rank_cell(p, after);
		if (before && after && before != after)
			page_html(p, "<td class=\"%s\">%s%d</td>", before > after ? "up" : "down",
				  before > after ? "↑" : "↓", before > after ? before - after : after - before);
		else if (before && after)
			page_raw(p, "<td class=\"same\">=</td>");
		else
			page_raw(p, "<td class=\"na\">—</td>");
		page_raw(p, "</tr>\n");
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, r->db, "reading the weak list");
		goto done;
	}
	if (!listed) {
		page_raw(p, "<tr><td colspan=\"10\">");
		page_label(p, "名单上没有村", "no village on the list");
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, "</tbody></table><p class=\"note\" id=\"weak-summary\">");
	page_html(p, "<span class=\"zh\">截至 %s，名单上共 %d 个村，已整顿转化 %d 个。</span>"
		  "<span class=\"en\">By %s, %d villages were put on the list and %d turned "
		  "around.</span>", last_day, listed, converted, last_day, listed, converted);
	page_raw(p, "</p></section>\n");
done:
	sqlite3_finalize(stmt);
	for (int i = 0; i < cache.n; i++)
		stele_league_free(cache.league[i]);
	return rc;
}

/* Per township over the report's month: requests received, resolved in time, rated
 * and satisfied; escalations, those resolved and their days; and the requests open
 * on the month's last day for more than request.days days. */
static const char requests_sql[] =
	"WITH t AS (SELECT township_code AS code, min(township_name) AS name FROM village "
	"  GROUP BY township_code), "
	"m AS (SELECT v.township_code AS code, count(*) AS received, "
	"  sum(r.resolved_on IS NOT NULL "
	"    AND unixepoch(r.resolved_on) - unixepoch(r.received_on) <= ?3 * 86400) AS in_time, "
	"  count(r.satisfied) AS rated, sum(r.satisfied = 1) AS satisfied "
	"  FROM request r JOIN village v ON v.code = r.village_code "
	"  WHERE r.received_on >= ?1 AND r.received_on < ?2 GROUP BY v.township_code), "
	"e AS (SELECT v.township_code AS code, count(*) AS escalated, count(r.resolved_on) AS resolved, "
	"  sum((unixepoch(r.resolved_on) - unixepoch(f.escalated_on)) / 86400) AS days "
	"  FROM request_followup f JOIN request r ON r.village_code = f.village_code "
	"  AND r.id = f.request_id JOIN village v ON v.code = f.village_code "
	"  WHERE f.escalated_on >= ?1 AND f.escalated_on < ?2 GROUP BY v.township_code), "
	"o AS (SELECT v.township_code AS code, count(*) AS open FROM request r "
	"  JOIN village v ON v.code = r.village_code WHERE r.received_on <= ?4 "
	"  AND (r.resolved_on IS NULL OR r.resolved_on > ?4) "
	"  AND (unixepoch(?4) - unixepoch(r.received_on)) / 86400 > ?3 GROUP BY v.township_code) "
	"SELECT t.name, t.code, coalesce(m.received, 0), coalesce(m.in_time, 0), "
	"coalesce(m.rated, 0), coalesce(m.satisfied, 0), coalesce(e.escalated, 0), "
	"coalesce(e.resolved, 0), coalesce(e.days, 0), coalesce(o.open, 0) "
	"FROM t LEFT JOIN m ON m.code = t.code LEFT JOIN e ON e.code = t.code "
	"LEFT JOIN o ON o.code = t.code ORDER BY t.code";

static int requests_section(struct page *p, const struct report *r, const char *first_day,
			    const char *next_day, const char *last_day)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	page_raw(p, "<section id=\"requests-section\"><h2>");
	page_label(p, "群众诉求办理", "Residents' requests");
	page_raw(p, "</h2>");
	page_table_head(p, "requests", (const char *const[][2]){ { "乡镇", "Township" },
			{ "代码", "Code" }, { "本月收到", "Received" }, { "按时办结", "Resolved in time" },
			{ "有评价", "Rated" }, { "满意", "Satisfied" }, { "满意率", "Satisfaction" },
			{ "吹哨报到", "Escalated" }, { "其中已办结", "Of them resolved" },
			{ "平均办结天数", "Mean days to resolve" }, { "超期未办结", "Open past the limit" } },
		   11);
	if ((rc = stele_db_prepare(r->db, &stmt, requests_sql)) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, first_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, next_day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, r->cfg.request_days);
	sqlite3_bind_text(stmt, 4, last_day, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t v[8];
		for (int c = 0; c < 8; c++)
			v[c] = sqlite3_column_int64(stmt, 2 + c);
		page_raw(p, "<tr>");
		page_cell(p, (const char *)sqlite3_column_text(stmt, 0));
		page_cell(p, (const char *)sqlite3_column_text(stmt, 1));
		page_html(p, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
			  "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
			  (long long)v[0], (long long)v[1], (long long)v[2], (long long)v[3]);
		/* satisfied / rated in ten-thousandths, shown as a percentage. */
		page_fixed(p, v[2] > 0, v[2] > 0 ? stele_rank_share(v[3], v[2]) : 0, 2, "%");
		page_html(p, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
			  (long long)v[4], (long long)v[5]);
		page_fixed(p, v[5] > 0, v[5] > 0 ? stele_rank_div_round(v[6] * 10, v[5]) : 0, 1, "");
		page_html(p, "<td class=\"num\">%lld</td></tr>\n", (long long)v[7]);
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, r->db, "reading requests");
		goto done;
	}
	page_raw(p, "</tbody></table><p class=\"note\">");
	page_html(p, "<span class=\"zh\">满意率＝有评价诉求中满意的比例；超期未办结：截至 %s "
		  "仍未办结、且收到已超过 %lld 天的诉求。</span><span class=\"en\">Satisfaction is "
		  "the satisfied share of the requests with feedback; open past the limit: requests "
		  "still open on %s more than %lld days after they were received.</span>",
		  last_day, (long long)r->cfg.request_days, last_day, (long long)r->cfg.request_days);
	page_raw(p, "</p></section>\n");
done:
	sqlite3_finalize(stmt);
	return rc;
}

int report_gov_sections(struct page *p, const struct report *r)
{
	char first[16], next[16], last[16];
	int rc, ny = r->month == 12 ? r->year + 1 : r->year, nm = r->month == 12 ? 1 : r->month + 1;

	snprintf(first, sizeof(first), "%04d-%02d-01", r->year % 10000, r->month % 100);
	snprintf(next, sizeof(next), "%04d-%02d-01", ny % 10000, nm % 100);
	stele_format_date(last, stele_days_from_civil(ny, nm, 1) - 1);
	if ((rc = weak_section(p, r, last)) < 0)
		return rc;
	return requests_section(p, r, first, next, last);
}
