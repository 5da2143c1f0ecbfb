/* report-grids.c: the county report's grid section (网格化管理): per village with a
 * grid registry, its grids of the month summed from lib/grids.c's listing. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grids.h"
#include "report.h"
#include "rules.h"

/* One village's sums over its registered grids. */
struct grid_sum {
	const char *code, *name;
	int64_t grids, households, outside, no_member, requests, in_time, open;
	bool households_known; /* every grid has its households recorded */
};

static int64_t number(const struct stele_table *t, size_t row, size_t col)
{
	const char *v = stele_table_cell(t, row, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

/* Column places in stele_rank_grids's table (lib/grids.h). */
enum { G_VILLAGE, G_NAME, G_GRID, G_GRID_NAME, G_HOUSEHOLDS, G_WORKER, G_REGISTERED,
       G_MEMBERS, G_REQUESTS, G_IN_TIME, G_RATE, G_OPEN, G_RANGE, G_NO_MEMBER };

static void write_row(struct page *p, const struct grid_sum *s)
{
	page_raw(p, "<tr>");
	page_cell(p, s->name ? s->name : s->code);
	page_cell(p, s->code);
	page_html(p, "<td class=\"num\">%lld</td>", (long long)s->grids);
	page_fixed(p, s->households_known, s->households, 0, "");
	page_html(p, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		  "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
		  (long long)s->outside, (long long)s->no_member, (long long)s->requests,
		  (long long)s->in_time);
	/* The share in ten-thousandths is the percentage in hundredths. */
	page_fixed(p, s->requests > 0, s->requests ? stele_rank_share(s->in_time, s->requests) : 0,
		   2, "%");
	page_html(p, "<td class=\"num\">%lld</td></tr>\n", (long long)s->open);
}

int report_grids_section(struct page *p, const struct report *r)
{
	static const char *const cols[][2] = {
		{ "村", "Village" }, { "代码", "Code" }, { "网格数", "Grids" }, { "户数", "Households" },
		{ "户数不在范围内", "Outside the range" }, { "无党员网格", "No party member" },
		{ "受理诉求", "Requests" }, { "按时办结", "Resolved in time" },
		{ "按时办结率", "In time" }, { "月末未办结", "Open at month end" },
	};
	struct stele_table *t = NULL;
	struct grid_sum s = { 0 };
	long long lo = 0, hi = 0;
	size_t villages = 0;
	int rc;

	if ((rc = stele_rank_grids(&t, r->db, r->year, r->month, NULL)) < 0)
		return rc;
	page_raw(p, "<section id=\"grids-section\"><h2>");
	page_label(p, "网格化管理", "Grids");
	page_raw(p, "</h2><p class=\"note\">");
	if ((rc = stele_config_get(&lo, r->db, "grid.households_min")) < 0 ||
	    (rc = stele_config_get(&hi, r->db, "grid.households_max")) < 0)
		goto done;
	page_html(p, "<span class=\"zh\">每个网格 %lld—%lld 户；按时办结：%lld 天内。未登记网格的村不列出。"
		  "</span><span class=\"en\">%lld to %lld households a grid; in time: within %lld "
		  "days. Villages without a grid registry are not listed.</span>", lo, hi,
		  r->cfg.request_days, lo, hi, r->cfg.request_days);
	page_raw(p, "</p><table id=\"grids\"><thead><tr>");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		page_raw(p, "<th>");
		page_label(p, cols[i][0], cols[i][1]);
		page_raw(p, "</th>");
	}
	page_raw(p, "</tr></thead><tbody>\n");
	for (size_t i = 0; i <= t->nrows; i++) {
		const char *code = i < t->nrows ? stele_table_cell(t, i, G_VILLAGE) : NULL;
		if (s.code && (!code || strcmp(code, s.code) != 0)) {
			write_row(p, &s);
			villages++;
			memset(&s, 0, sizeof(s));
		}
		if (!code || strcmp(stele_table_cell(t, i, G_REGISTERED), "yes") != 0)
			continue;
		if (!s.code) {
			s.code = code;
			s.name = stele_table_cell(t, i, G_NAME);
			s.households_known = true;
		}
		const char *range = stele_table_cell(t, i, G_RANGE);
		s.grids++;
		s.households += number(t, i, G_HOUSEHOLDS);
		s.households_known &= stele_table_cell(t, i, G_HOUSEHOLDS) != NULL;
		s.outside += range && strcmp(range, "within") != 0;
		s.no_member += strcmp(stele_table_cell(t, i, G_NO_MEMBER), "yes") == 0;
		s.requests += number(t, i, G_REQUESTS);
		s.in_time += number(t, i, G_IN_TIME);
		s.open += number(t, i, G_OPEN);
	}
	if (villages == 0) {
		page_html(p, "<tr><td colspan=\"%zu\" class=\"na\">", sizeof(cols) / sizeof(cols[0]));
		page_label(p, "尚无村登记网格", "No village has registered its grids");
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, "</tbody></table></section>\n");
done:
	stele_table_free(t);
	return rc < 0 ? rc : p->rc;
}
