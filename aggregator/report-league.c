/* report-league.c: the county report's league table and its rank-history charts
 * (a chart a reader can follow at county scale: top and bottom, each township). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rank.h"
#include "report.h"
#include "words.h"

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a",
};

/* The league's status of a village, in both languages ("" for ok). */
static void status_flag(struct page *p, enum stele_league_status status)
{
	static const char *const zh[] = {
		[STELE_STATUS_QUARANTINED] = "已隔离", [STELE_STATUS_HELD] = "暂停合并",
		[STELE_STATUS_UNSYNCED] = "未同步", [STELE_STATUS_NOT_STARTED] = "尚未开始",
	};
	static const char *const en[] = {
		[STELE_STATUS_QUARANTINED] = "quarantined", [STELE_STATUS_HELD] = "held",
		[STELE_STATUS_UNSYNCED] = "never synced", [STELE_STATUS_NOT_STARTED] = "not started",
	};

	if (status == STELE_STATUS_OK)
		return;
	page_html(p, " <small class=\"flag flag-%s\">", stele_league_status_word(status));
	page_label(p, zh[status], en[status]);
	page_raw(p, "</small>");
}

/*
 * Draws ranks[0..HISTORY_MONTHS) as polylines in the box (left, top, width,
 * height), rank 1 at the top and max_rank at the bottom, broken where a month is
 * unranked (0). line_open is the opening tag up to `points="`. *last_x, *last_y
 * receive the last ranked point (unchanged if none).
 */
static void rank_polylines(struct page *p, const int *ranks, int max_rank, int left, int top,
			   int width, int height, const char *line_open, int *last_x, int *last_y)
{
	bool open = false;

	for (int i = 0; i < HISTORY_MONTHS; i++) {
		int x = left + i * width / (HISTORY_MONTHS - 1);
		int y = top + (max_rank > 1 ? (ranks[i] - 1) * height / (max_rank - 1) : 0);

		if (!ranks[i]) {
			if (open)
				page_raw(p, "\"/>");
			open = false;
			continue;
		}
		if (!open)
			page_raw(p, line_open);
		page_html(p, "%s%d,%d", open ? " " : "", x, y);
		open = true;
		*last_x = x;
		*last_y = y;
	}
	if (open)
		page_raw(p, "\"/>");
}

/* A village's rank over the history months as a small SVG (rank 1 at the top).
 * history[i] is 0 where it was unranked. max_rank >= 1. */
static void sparkline(struct page *p, const int *history, int max_rank, const char *name)
{
	const int w = 132, h = 30;
	int last_x, last_y;

	page_html(p, "<svg class=\"spark\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	     "role=\"img\"><title>", w, h, w, h);
	page_text(p, name);
	page_raw(p, "</title><rect x=\"0\" y=\"0\" width=\"132\" height=\"30\" fill=\"#f7f7f7\"/>");
	rank_polylines(p, history, max_rank, 6, 4, 120, 22,
		       "<polyline class=\"rank-line\" fill=\"none\" stroke=\"#1565c0\" "
		       "stroke-width=\"1.5\" points=\"", &last_x, &last_y);
	/* The month reported gets a dot. */
	if (history[HISTORY_MONTHS - 1])
		page_html(p, "<circle cx=\"%d\" cy=\"%d\" r=\"2.5\" fill=\"#c62828\"/>", last_x, last_y);
	page_raw(p, "</svg>");
}

void report_league_section(struct page *p, const struct report *r)
{
	const struct stele_league *league = r->league[HISTORY_MONTHS - 1];

	page_raw(p, "<section id=\"league-section\"><h2>");
	page_label(p, "月度排名", "Monthly league table");
	page_raw(p, "</h2><p class=\"note\">");
	page_html(p, "<span class=\"zh\">综合得分 = 各项指标加权平均（任务销号 %lld、诉求办结 %lld、"
	     "党员参与 %lld、集体收入 %lld、百分考核 %lld），空白指标不参与计算。"
	     "A 等为前 %lld%%，C 等为后 %lld%%。</span>",
	     r->cfg.weight[0], r->cfg.weight[1], r->cfg.weight[2], r->cfg.weight[3],
	     r->cfg.weight[4], r->cfg.grade_a_pct, r->cfg.grade_c_pct);
	page_html(p, "<span class=\"en\">Composite = weighted mean of the indicators (tasks %lld, "
	     "requests %lld, participation %lld, income %lld, assessment %lld); empty indicators "
	     "are left out. Grade A is the top %lld%%, C the bottom %lld%%.</span>",
	     r->cfg.weight[0], r->cfg.weight[1], r->cfg.weight[2], r->cfg.weight[3],
	     r->cfg.weight[4], r->cfg.grade_a_pct, r->cfg.grade_c_pct);
	page_raw(p, "</p><p class=\"note\">");
	page_label(p, "村名旁的标记：已隔离（有变更集被拒收，排名只计拒收前的数据）、暂停合并（历史记录被改写）、"
	      "未同步、尚未开始（本月及以前没有任何记录，不参与排名）。点击村名可在下方走势图中突出显示该村。",
	      "Flags beside a name: quarantined (a change set was refused; ranked on what was "
	      "merged before), held (its history was rewritten), never synced, not started (no "
	      "record in the month or before: not ranked). Click a name to highlight it in the "
	      "charts below.");
	page_raw(p, "</p><table id=\"league\"><thead><tr><th>");
	page_label(p, "排名", "Rank");
	page_raw(p, "</th><th>");
	page_label(p, "村", "Village");
	page_raw(p, "</th><th>");
	page_label(p, "代码", "Code");
	page_raw(p, "</th><th>");
	page_label(p, "乡镇", "Township");
	page_raw(p, "</th><th>");
	page_label(p, "综合得分", "Composite");
	page_raw(p, "</th><th>");
	page_label(p, "任务按期销号", "Tasks closed on time");
	page_raw(p, "</th><th>");
	page_label(p, "诉求按期办结", "Requests resolved in time");
	page_raw(p, "</th><th>");
	page_label(p, "党员参与", "Member participation");
	page_raw(p, "</th><th>");
	page_label(p, "集体收入百分位", "Income percentile");
	page_raw(p, "</th><th>");
	page_label(p, "百分考核", "Standard score");
	page_raw(p, "</th><th>");
	page_label(p, "等级", "Grade");
	page_raw(p, "</th><th>");
	page_label(p, "已月结", "Month closed");
	page_raw(p, "</th><th>");
	page_label(p, "名次变化", "Rank change");
	page_raw(p, "</th><th>");
	page_label(p, "近12个月名次", "Rank, last 12 months");
	page_raw(p, "</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < league->nrows; i++) {
		const struct stele_league_row *v = &league->rows[i];
		const char grade[2] = { v->grade, '\0' };

		if (v->ranked)
			page_html(p, "<tr class=\"village grade-row-%s\" data-code=\"%s\"><td class=\"num\">"
				  "%d</td>", grade, v->code, v->rank);
		else
			page_html(p, "<tr class=\"village unranked\" data-code=\"%s\"><td class=\"na\">—</td>",
			     v->code);
		page_html(p, "<td class=\"vname\"><a href=\"#rank-%s\">", v->code);
		page_text(p, v->name);
		page_raw(p, "</a>");
		status_flag(p, v->status);
		page_raw(p, "</td>");
		page_cell(p, v->code);
		page_cell(p, v->township_name);
		page_fixed(p, v->ranked, v->composite, 2, "");
		for (int k = 0; k < STELE_IND_COUNT; k++)
			page_fixed(p, v->has[k], v->ind[k], 2, "%");
		if (v->ranked)
			page_html(p, "<td><span class=\"grade grade-%s\">%s</span></td>", grade, grade);
		else
			page_raw(p, "<td class=\"na\">—</td>");
		page_raw(p, v->closed ? "<td>" : "<td class=\"warn\">");
		page_label(p, v->closed ? "是" : "否", v->closed ? "yes" : "no");
		page_raw(p, "</td>");
		if (!v->has_change)
			page_raw(p, "<td class=\"na\">—</td>");
		else if (v->rank_change > 0)
			page_html(p, "<td class=\"up\">↑%d</td>", v->rank_change);
		else if (v->rank_change < 0)
			page_html(p, "<td class=\"down\">↓%d</td>", -v->rank_change);
		else
			page_raw(p, "<td class=\"same\">=</td>");
		page_raw(p, "<td>");
		sparkline(p, &r->history[i * HISTORY_MONTHS], r->max_rank, v->name);
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, "</tbody></table></section>\n");
}

/* The month axis and rank grid of a chart in the box (left, top, width, height). */
static void chart_axes(struct page *p, const struct report *r, int left, int top, int width,
		       int height, bool every_month)
{
	const int max_rank = r->max_rank;

	for (int rank = 1; rank <= max_rank; rank++) {
		int y = top + (max_rank > 1 ? (rank - 1) * height / (max_rank - 1) : 0);
		if (rank != 1 && rank != max_rank && (max_rank > 20 ? rank % 10 != 0 : max_rank > 8 &&
						       rank % 5 != 0))
			continue;
		page_html(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e0e0e0\"/>"
		     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n",
		     left, y, left + width, y, left - 6, y + 4, rank);
	}
	for (int i = 0; i < HISTORY_MONTHS; i++) {
		const struct stele_league *l = r->league[i];
		int x = left + i * width / (HISTORY_MONTHS - 1);
		if (!every_month && i % 3 != (HISTORY_MONTHS - 1) % 3)
			continue;
		page_html(p, "<text class=\"month\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%04d-%02d</text>\n",
		     x, top + height + 18, l->year, l->month);
	}
}

/* The end labels of one chart so far, so that tied villages' labels do not overlap. */
struct labels {
	int n;
	int y[64];
};

/* A free label position at or below y (12 px apart from every other). */
static int label_y(struct labels *l, int y)
{
	for (bool moved = true; moved;) {
		moved = false;
		for (int i = 0; i < l->n; i++)
			if (y > l->y[i] - 12 && y < l->y[i] + 12) {
				y = l->y[i] + 12;
				moved = true;
			}
	}
	if (l->n < 64)
		l->y[l->n++] = y;
	return y;
}

/* One village's line (a group of class cls, with id when given) and its end label. */
static void village_line(struct page *p, const struct report *r, size_t row, const char *cls,
			 bool with_id, const char *colour, int left, int top, int width, int height,
			 struct labels *labels)
{
	const struct stele_league_row *v = &r->league[HISTORY_MONTHS - 1]->rows[row];
	const int *ranks = &r->history[row * HISTORY_MONTHS];
	int last_x = -1, last_y = 0;

	page_html(p, "<g class=\"%s\" data-code=\"%s\"", cls, v->code);
	if (with_id)
		page_html(p, " id=\"rank-%s\"", v->code);
	page_html(p, " stroke=\"%s\" fill=\"%s\"><title>", colour, colour);
	page_text(p, v->name);
	page_raw(p, "</title>");
	rank_polylines(p, ranks, r->max_rank, left, top, width, height,
		       "<polyline fill=\"none\" stroke-width=\"2\" points=\"", &last_x, &last_y);
	if (ranks[HISTORY_MONTHS - 1]) {
		page_html(p, "<circle cx=\"%d\" cy=\"%d\" r=\"3\"/><text x=\"%d\" y=\"%d\" "
		     "stroke=\"none\">%d ", last_x, last_y, last_x + 8,
		     label_y(labels, last_y + 4), ranks[HISTORY_MONTHS - 1]);
		page_text(p, v->name);
		page_raw(p, "</text>");
	}
	page_raw(p, "</g>\n");
}

/*
 * Rank over the last twelve months, readable at county scale: one chart of the
 * month's top five and bottom five (ten distinct colours), then one small chart
 * per township (its villages, distinct colours within it; grey beyond twelve).
 * A month a village was unranked (not started, unsynced) has no point. A name in
 * the league table links to its line (#rank-CODE), which CSS :target highlights.
 */
void report_history_section(struct page *p, const struct report *r)
{
	const struct stele_league *now = r->league[HISTORY_MONTHS - 1];
	const int left = 40, top = 12, width = 600, height = 260, right = 160;
	size_t nranked = now->nranked, shown = 0;

	page_raw(p, "<section id=\"history-section\"><h2>");
	page_label(p, "近12个月名次走势", "Rank over the last twelve months");
	page_raw(p, "</h2><p class=\"note\">");
	if (nranked > 10)
		page_label(p, "本月前五名与后五名；各乡镇的村见下方分图。空缺表示该月未参与排名。",
		      "This month's top five and bottom five; every township's villages below. A "
		      "gap is a month the village was not ranked.");
	else
		page_label(p, "本月参与排名的各村；各乡镇的村见下方分图。空缺表示该月未参与排名。",
		      "This month's ranked villages; every township's villages below. A gap is a "
		      "month the village was not ranked.");
	page_html(p, "</p><svg id=\"rank-history\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	     "role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
	     left + width + right, top + height + 30, left + width + right, top + height + 30);
	page_label(p, "前五名与后五名的名次走势", "Rank history of the top and bottom five");
	page_raw(p, "</title>\n");
	chart_axes(p, r, left, top, width, height, true);
	struct labels labels = { 0 };
	/* rows are in output order: the ranked first, by rank */
	for (size_t i = 0; i < nranked; i++) {
		if (nranked > 10 && i >= 5 && i < nranked - 5)
			continue;
		village_line(p, r, i, "top-line", false, palette[shown % 10], left, top, width, height,
			     &labels);
		shown++;
	}
	page_raw(p, "</svg>\n<h3>");
	page_label(p, "各乡镇", "By township");
	page_raw(p, "</h3><div class=\"charts\">\n");
	/* townships in code order; the villages of each in code order */
	const int sw = 300, sh = 130, sl = 30, st = 10, sr = 110;
	for (size_t c = 0; c < now->nrows;) {
		const struct stele_league_row *first = &now->rows[r->by_code[c]];
		size_t end = c;
		while (end < now->nrows &&
		       strcmp(now->rows[r->by_code[end]].township_code, first->township_code) == 0)
			end++;
		page_raw(p, "<figure class=\"township-chart\"><figcaption>");
		page_text(p, first->township_name);
		page_html(p, "</figcaption><svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		     "xmlns=\"http://www.w3.org/2000/svg\"><title>", sl + sw + sr, st + sh + 26,
		     sl + sw + sr, st + sh + 26);
		page_text(p, first->township_name);
		page_raw(p, "</title>\n");
		chart_axes(p, r, sl, st, sw, sh, false);
		struct labels tl = { 0 };
		/* colours by code within the township; lines (and labels) in rank order, so
		 * a tie's second label goes below the first */
		for (size_t row = 0; row < now->nrows; row++) {
			size_t k = c;
			while (k < end && r->by_code[k] != row)
				k++;
			if (k < end)
				village_line(p, r, row, "village-line", true,
					     k - c < 12 ? palette[k - c] : "#bbbbbb", sl, st, sw, sh, &tl);
		}
		page_raw(p, "</svg></figure>\n");
		c = end;
	}
	page_raw(p, "</div></section>\n");
}
