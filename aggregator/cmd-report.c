/* cmd-report.c: `stele-aggregator report`: one self-contained, byte-deterministic
 * HTML page of a month's rankings, in Chinese with an English switch. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "aggregator.h"
#include "buf.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "words.h"

#define HISTORY_MONTHS 12
/* The combined rank chart is drawn for counties up to this many villages; every
 * village always has its own small chart in the league table. */
#define COMBINED_CHART_MAX 60

/* The page being written: a buffer with a sticky error, so the writers below can
 * be chained and checked once. */
struct page {
	struct stele_buf buf;
	int rc;
};

static void raw(struct page *p, const char *s)
{
	int rc;

	if (p->rc == 0 && (rc = stele_buf_puts(&p->buf, s)) < 0)
		p->rc = rc;
}

static void rawf(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rawf(struct page *p, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (p->rc != 0)
		return;
	va_start(ap, fmt);
	rc = stele_buf_vprintf(&p->buf, fmt, ap);
	va_end(ap);
	if (rc < 0)
		p->rc = rc;
}

/* Text, HTML-escaped (also fit for attribute values in double quotes). */
static void text(struct page *p, const char *s)
{
	while (s && *s && p->rc == 0) {
		size_t plain = strcspn(s, "&<>\"'");
		int rc;

		if (plain && (rc = stele_buf_append(&p->buf, s, plain)) < 0) {
			p->rc = rc;
			return;
		}
		s += plain;
		switch (*s) {
		case '&': raw(p, "&amp;"); break;
		case '<': raw(p, "&lt;"); break;
		case '>': raw(p, "&gt;"); break;
		case '"': raw(p, "&quot;"); break;
		case '\'': raw(p, "&#39;"); break;
		default: return; /* end of text */
		}
		s++;
	}
}

/* A label in both languages; the page shows one (html.zh / html.en). */
static void label(struct page *p, const char *zh, const char *en)
{
	raw(p, "<span class=\"zh\">");
	text(p, zh);
	raw(p, "</span><span class=\"en\">");
	text(p, en);
	raw(p, "</span>");
}

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a",
};

static const char page_style[] =
	"html.zh .en, html.en .zh { display: none; }\n"
	"body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", "
	"\"PingFang SC\", sans-serif; margin: 1.5em; color: #222; background: #fff; }\n"
	"h1 { font-size: 1.5em; margin: 0 0 .2em; } h2 { font-size: 1.2em; margin-top: 1.8em; "
	"border-bottom: 2px solid #c00; padding-bottom: .2em; }\n"
	"nav.lang { float: right; } nav.lang button { margin-left: .3em; }\n"
	"table { border-collapse: collapse; margin: .5em 0; font-size: .9em; }\n"
	"th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; }\n"
	"th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
	"td.na { color: #999; text-align: center; }\n"
	".grade { display: inline-block; min-width: 1.4em; text-align: center; border-radius: 3px; "
	"color: #fff; font-weight: bold; }\n"
	".grade-A { background: #2e7d32; } .grade-B { background: #1565c0; } "
	".grade-C { background: #c62828; }\n"
	".up { color: #2e7d32; } .down { color: #c62828; } .same { color: #777; }\n"
	"tr.unranked td { background: #fafafa; color: #777; }\n"
	"svg text { font-size: 11px; fill: #333; }\n"
	"svg.spark { vertical-align: middle; }\n"
	".note { color: #555; font-size: .9em; max-width: 60em; }\n"
	".warn { color: #c62828; }\n"
	"code { font-size: .85em; word-break: break-all; }\n"
	"footer { margin-top: 2em; color: #777; font-size: .85em; }\n"
	"td.vname { white-space: nowrap; } td.vname a { color: inherit; text-decoration: none; }\n"
	".flag { display: inline-block; font-size: .75em; padding: 0 .3em; margin-left: .3em; "
	"border-radius: 3px; color: #fff; white-space: nowrap; }\n"
	".flag-quarantined { background: #c62828; } .flag-held { background: #ef6c00; } "
	".flag-unsynced { background: #757575; } .flag-not_started { background: #9e9e9e; }\n"
	".charts { display: flex; flex-wrap: wrap; gap: .5em 1.5em; }\n"
	"figure.township-chart { margin: 0; } figure.township-chart figcaption { font-weight: bold; }\n"
	".village-line:target polyline { stroke-width: 4; }\n"
	".village-line:target text { font-weight: bold; }\n"
	"svg:has(.village-line:target) .village-line:not(:target) { opacity: .3; }\n"
	"@page { size: A4 landscape; margin: 10mm; }\n"
	"@media print { nav.lang, button { display: none !important; } body { margin: 0; "
	"font-size: 9pt; } table { font-size: 8pt; } th, td { padding: 1px 3px; "
	"white-space: nowrap; } tr, figure { break-inside: avoid; } h2, h3 { break-after: avoid; } "
	"h2 { margin-top: 1em; } a { color: inherit; text-decoration: none; } }\n"
	".draft-banner { position: sticky; top: 0; z-index: 9; background: #fff3e0; "
	"border: 2px solid #e65100; color: #bf360c; font-weight: bold; padding: .4em .8em; }\n"
	"@media print { .draft-banner { position: fixed; top: 0; left: 0; right: 0; } "
	"body.draft { margin-top: 3em; } }\n";

/* ---- the data the page is built from ------------------------------------ */

struct report {
	sqlite3 *db;
	int year, month;
	int64_t run, epoch;  /* the merge run and the state (epoch) it is computed at */
	char *state_at;      /* that state's time, YYYY-MM-DDTHH:MM:SS local, or NULL */
	bool draft;          /* computed with the draft rules */
	char *county_name, *county_code;
	struct stele_rank_config cfg;
	/* league[HISTORY_MONTHS - 1] is the report's month (with rank changes), the
	 * others the months before it, oldest first. */
	struct stele_league *league[HISTORY_MONTHS];
	struct stele_stars *stars;
	/* history[i * HISTORY_MONTHS + m]: the rank in month m of the i-th row of
	 * the report's month, 0 where unranked; max_rank the largest of them (>= 1). */
	int *history;
	int max_rank;
	/* the rows of the report's month ordered by code (indexes) */
	size_t *by_code;
};

static void report_free(struct report *r)
{
	for (int i = 0; i < HISTORY_MONTHS; i++)
		stele_league_free(r->league[i]);
	stele_stars_free(r->stars);
	free(r->history);
	free(r->by_code);
	free(r->county_name);
	free(r->county_code);
	free(r->state_at);
}

static void month_back(int *year, int *month, int back)
{
	int index = *year * 12 + (*month - 1) - back;

	*year = index / 12;
	*month = index % 12 + 1;
}

static const struct stele_league_row *sort_rows; /* for compare_by_code */

static int compare_by_code(const void *a, const void *b)
{
	return strcmp(sort_rows[*(const size_t *)a].code, sort_rows[*(const size_t *)b].code);
}

/* Indexes of a league's rows ordered by code. *out is freed by the caller. */
static int rows_by_code(size_t **out, const struct stele_league *league)
{
	size_t *index = calloc(league->nrows ? league->nrows : 1, sizeof(size_t));

	if (!index)
		return stele_error(STELE_EFAIL, "out of memory");
	for (size_t i = 0; i < league->nrows; i++)
		index[i] = i;
	sort_rows = league->rows;
	qsort(index, league->nrows, sizeof(size_t), compare_by_code);
	sort_rows = NULL;
	*out = index;
	return 0;
}

/* Fills r->history from the twelve leagues, pairing rows by code (each league
 * lists the registry as it is now, so the months line up). */
static int history_ranks(struct report *r)
{
	const struct stele_league *now = r->league[HISTORY_MONTHS - 1];
	size_t *month_index = NULL;
	int rc;

	if ((rc = rows_by_code(&r->by_code, now)) < 0)
		return rc;
	if (!(r->history = calloc(now->nrows ? now->nrows * HISTORY_MONTHS : 1, sizeof(int))))
		return stele_error(STELE_EFAIL, "out of memory");
	r->max_rank = 1;
	for (int m = 0; m < HISTORY_MONTHS; m++) {
		const struct stele_league *l = r->league[m];
		if ((rc = rows_by_code(&month_index, l)) < 0)
			return rc;
		for (size_t i = 0, j = 0; i < now->nrows && j < l->nrows;) {
			const struct stele_league_row *a = &now->rows[r->by_code[i]];
			const struct stele_league_row *b = &l->rows[month_index[j]];
			int cmp = strcmp(a->code, b->code);
			if (cmp == 0 && b->ranked) {
				r->history[r->by_code[i] * HISTORY_MONTHS + (size_t)m] = b->rank;
				if (b->rank > r->max_rank)
					r->max_rank = b->rank;
			}
			i += cmp <= 0;
			j += cmp >= 0;
		}
		free(month_index);
		month_index = NULL;
	}
	return 0;
}

static int report_load(struct report *r)
{
	int rc;

	sqlite3_stmt *stmt = NULL;

	if ((rc = stele_db_prepare(r->db, &stmt, "SELECT strftime('%Y-%m-%dT%H:%M:%S', at, "
						 "'unixepoch', 'localtime') FROM main.stele_epoch WHERE n = ?")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, r->epoch);
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    !(r->state_at = strdup((const char *)sqlite3_column_text(stmt, 0))))
		rc = stele_error(STELE_EFAIL, "out of memory");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	if ((rc = stele_meta_get(r->db, "county_name", &r->county_name)) < 0 ||
	    (rc = stele_meta_get(r->db, "county_code", &r->county_code)) < 0 ||
	    (rc = stele_rank_config_load(&r->cfg, r->db)) < 0)
		return rc;
	for (int i = 0; i < HISTORY_MONTHS; i++) {
		int y = r->year, m = r->month;
		month_back(&y, &m, HISTORY_MONTHS - 1 - i);
		if ((rc = stele_league_compute(&r->league[i], r->db, y, m, NULL,
					       i == HISTORY_MONTHS - 1)) < 0)
			return rc;
	}
	if ((rc = history_ranks(r)) < 0)
		return rc;
	return stele_stars_compute(&r->stars, r->db, r->year);
}

/* ---- sections ------------------------------------------------------------ */

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
	rawf(p, " <small class=\"flag flag-%s\">", stele_league_status_word(status));
	label(p, zh[status], en[status]);
	raw(p, "</small>");
}

/* A quarantine reason (or stream state) for people: what it means, in Chinese. */
static const char *reason_zh(const char *reason)
{
	static const char *const words[][2] = {
		{ "signature", "签名无法验证：不是该村当前密钥签署的，或传递中损坏" },
		{ "revoked", "使用了已吊销的密钥签署" },
		{ "key", "密钥声明不合规" },
		{ "writer", "来自另一个村的数据库（远程地址登记错误）" },
		{ "chain", "变更集缺失或顺序错乱" },
		{ "payload", "数据损坏" }, { "too-large", "数据过大" },
		{ "malformed", "数据损坏或不完整" }, { "format", "格式无法识别（需升级程序）" },
		{ "changes", "数据损坏" }, { "schema", "数据库结构不符（需升级程序）" },
		{ "ownership", "越权写入：写了不属于该村的数据" },
		{ "conflict", "数据冲突：与县级已有数据对不上" },
		{ "held", "暂停合并：该村历史记录被改写" }, { "quarantined", "已隔离：有变更集被拒收" },
	};

	for (size_t i = 0; reason && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], reason) == 0)
			return words[i][1];
	return "其他原因";
}

static void cell_fixed(struct page *p, bool has, int64_t value, int places, const char *suffix)
{
	char num[32];

	if (!has) {
		raw(p, "<td class=\"na\">—</td>");
		return;
	}
	stele_format_fixed(num, value, places);
	rawf(p, "<td class=\"num\">%s%s</td>", num, suffix);
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
				raw(p, "\"/>");
			open = false;
			continue;
		}
		if (!open)
			raw(p, line_open);
		rawf(p, "%s%d,%d", open ? " " : "", x, y);
		open = true;
		*last_x = x;
		*last_y = y;
	}
	if (open)
		raw(p, "\"/>");
}

/* A village's rank over the history months as a small SVG (rank 1 at the top).
 * history[i] is 0 where it was unranked. max_rank >= 1. */
static void sparkline(struct page *p, const int *history, int max_rank, const char *name)
{
	const int w = 132, h = 30;
	int last_x, last_y;

	rawf(p, "<svg class=\"spark\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	     "role=\"img\"><title>", w, h, w, h);
	text(p, name);
	raw(p, "</title><rect x=\"0\" y=\"0\" width=\"132\" height=\"30\" fill=\"#f7f7f7\"/>");
	rank_polylines(p, history, max_rank, 6, 4, 120, 22,
		       "<polyline class=\"rank-line\" fill=\"none\" stroke=\"#1565c0\" "
		       "stroke-width=\"1.5\" points=\"", &last_x, &last_y);
	/* The month reported gets a dot. */
	if (history[HISTORY_MONTHS - 1])
		rawf(p, "<circle cx=\"%d\" cy=\"%d\" r=\"2.5\" fill=\"#c62828\"/>", last_x, last_y);
	raw(p, "</svg>");
}

static void league_section(struct page *p, const struct report *r)
{
	const struct stele_league *league = r->league[HISTORY_MONTHS - 1];

	raw(p, "<section id=\"league-section\"><h2>");
	label(p, "月度排名", "Monthly league table");
	raw(p, "</h2><p class=\"note\">");
	rawf(p, "<span class=\"zh\">综合得分 = 各项指标加权平均（任务销号 %lld、诉求办结 %lld、"
	     "党员参与 %lld、集体收入 %lld、百分考核 %lld），空白指标不参与计算。"
	     "A 等为前 %lld%%，C 等为后 %lld%%。</span>",
	     r->cfg.weight[0], r->cfg.weight[1], r->cfg.weight[2], r->cfg.weight[3],
	     r->cfg.weight[4], r->cfg.grade_a_pct, r->cfg.grade_c_pct);
	rawf(p, "<span class=\"en\">Composite = weighted mean of the indicators (tasks %lld, "
	     "requests %lld, participation %lld, income %lld, assessment %lld); empty indicators "
	     "are left out. Grade A is the top %lld%%, C the bottom %lld%%.</span>",
	     r->cfg.weight[0], r->cfg.weight[1], r->cfg.weight[2], r->cfg.weight[3],
	     r->cfg.weight[4], r->cfg.grade_a_pct, r->cfg.grade_c_pct);
	raw(p, "</p><p class=\"note\">");
	label(p, "村名旁的标记：已隔离（有变更集被拒收，排名只计拒收前的数据）、暂停合并（历史记录被改写）、"
	      "未同步、尚未开始（本月及以前没有任何记录，不参与排名）。点击村名可在下方走势图中突出显示该村。",
	      "Flags beside a name: quarantined (a change set was refused; ranked on what was "
	      "merged before), held (its history was rewritten), never synced, not started (no "
	      "record in the month or before: not ranked). Click a name to highlight it in the "
	      "charts below.");
	raw(p, "</p><table id=\"league\"><thead><tr><th>");
	label(p, "排名", "Rank");
	raw(p, "</th><th>");
	label(p, "村", "Village");
	raw(p, "</th><th>");
	label(p, "代码", "Code");
	raw(p, "</th><th>");
	label(p, "乡镇", "Township");
	raw(p, "</th><th>");
	label(p, "综合得分", "Composite");
	raw(p, "</th><th>");
	label(p, "任务按期销号", "Tasks closed on time");
	raw(p, "</th><th>");
	label(p, "诉求按期办结", "Requests resolved in time");
	raw(p, "</th><th>");
	label(p, "党员参与", "Member participation");
	raw(p, "</th><th>");
	label(p, "集体收入百分位", "Income percentile");
	raw(p, "</th><th>");
	label(p, "百分考核", "Standard score");
	raw(p, "</th><th>");
	label(p, "等级", "Grade");
	raw(p, "</th><th>");
	label(p, "已月结", "Month closed");
	raw(p, "</th><th>");
	label(p, "名次变化", "Rank change");
	raw(p, "</th><th>");
	label(p, "近12个月名次", "Rank, last 12 months");
	raw(p, "</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < league->nrows; i++) {
		const struct stele_league_row *v = &league->rows[i];

		if (v->ranked)
			rawf(p, "<tr class=\"village grade-row-%c\" data-code=\"%s\"><td class=\"num\">%d</td>",
			     v->grade, v->code, v->rank);
		else
			rawf(p, "<tr class=\"village unranked\" data-code=\"%s\"><td class=\"na\">—</td>",
			     v->code);
		rawf(p, "<td class=\"vname\"><a href=\"#rank-%s\">", v->code);
		text(p, v->name);
		raw(p, "</a>");
		status_flag(p, v->status);
		raw(p, "</td><td>");
		text(p, v->code);
		raw(p, "</td><td>");
		text(p, v->township_name);
		raw(p, "</td>");
		cell_fixed(p, v->ranked, v->composite, 2, "");
		for (int k = 0; k < STELE_IND_COUNT; k++)
			cell_fixed(p, v->has[k], v->ind[k], 2, "%");
		if (v->ranked)
			rawf(p, "<td><span class=\"grade grade-%c\">%c</span></td>", v->grade, v->grade);
		else
			raw(p, "<td class=\"na\">—</td>");
		raw(p, v->closed ? "<td>" : "<td class=\"warn\">");
		label(p, v->closed ? "是" : "否", v->closed ? "yes" : "no");
		raw(p, "</td>");
		if (!v->has_change)
			raw(p, "<td class=\"na\">—</td>");
		else if (v->rank_change > 0)
			rawf(p, "<td class=\"up\">↑%d</td>", v->rank_change);
		else if (v->rank_change < 0)
			rawf(p, "<td class=\"down\">↓%d</td>", -v->rank_change);
		else
			raw(p, "<td class=\"same\">=</td>");
		raw(p, "<td>");
		sparkline(p, &r->history[i * HISTORY_MONTHS], r->max_rank, v->name);
		raw(p, "</td></tr>\n");
	}
	raw(p, "</tbody></table></section>\n");
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
		rawf(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e0e0e0\"/>"
		     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n",
		     left, y, left + width, y, left - 6, y + 4, rank);
	}
	for (int i = 0; i < HISTORY_MONTHS; i++) {
		const struct stele_league *l = r->league[i];
		int x = left + i * width / (HISTORY_MONTHS - 1);
		if (!every_month && i % 3 != (HISTORY_MONTHS - 1) % 3)
			continue;
		rawf(p, "<text class=\"month\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%04d-%02d</text>\n",
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

	rawf(p, "<g class=\"%s\" data-code=\"%s\"", cls, v->code);
	if (with_id)
		rawf(p, " id=\"rank-%s\"", v->code);
	rawf(p, " stroke=\"%s\" fill=\"%s\"><title>", colour, colour);
	text(p, v->name);
	raw(p, "</title>");
	rank_polylines(p, ranks, r->max_rank, left, top, width, height,
		       "<polyline fill=\"none\" stroke-width=\"2\" points=\"", &last_x, &last_y);
	if (ranks[HISTORY_MONTHS - 1]) {
		rawf(p, "<circle cx=\"%d\" cy=\"%d\" r=\"3\"/><text x=\"%d\" y=\"%d\" "
		     "stroke=\"none\">%d ", last_x, last_y, last_x + 8,
		     label_y(labels, last_y + 4), ranks[HISTORY_MONTHS - 1]);
		text(p, v->name);
		raw(p, "</text>");
	}
	raw(p, "</g>\n");
}

/*
 * Rank over the last twelve months, readable at county scale: one chart of the
 * month's top five and bottom five (ten distinct colours), then one small chart
 * per township (its villages, distinct colours within it; grey beyond twelve).
 * A month a village was unranked (not started, unsynced) has no point. A name in
 * the league table links to its line (#rank-CODE), which CSS :target highlights.
 */
static void history_section(struct page *p, const struct report *r)
{
	const struct stele_league *now = r->league[HISTORY_MONTHS - 1];
	const int left = 40, top = 12, width = 600, height = 260, right = 160;
	size_t nranked = now->nranked, shown = 0;

	raw(p, "<section id=\"history-section\"><h2>");
	label(p, "近12个月名次走势", "Rank over the last twelve months");
	raw(p, "</h2><p class=\"note\">");
	if (nranked > 10)
		label(p, "本月前五名与后五名；各乡镇的村见下方分图。空缺表示该月未参与排名。",
		      "This month's top five and bottom five; every township's villages below. A "
		      "gap is a month the village was not ranked.");
	else
		label(p, "本月参与排名的各村；各乡镇的村见下方分图。空缺表示该月未参与排名。",
		      "This month's ranked villages; every township's villages below. A gap is a "
		      "month the village was not ranked.");
	rawf(p, "</p><svg id=\"rank-history\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	     "role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
	     left + width + right, top + height + 30, left + width + right, top + height + 30);
	label(p, "前五名与后五名的名次走势", "Rank history of the top and bottom five");
	raw(p, "</title>\n");
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
	raw(p, "</svg>\n<h3>");
	label(p, "各乡镇", "By township");
	raw(p, "</h3><div class=\"charts\">\n");
	/* townships in code order; the villages of each in code order */
	const int sw = 300, sh = 130, sl = 30, st = 10, sr = 110;
	for (size_t c = 0; c < now->nrows;) {
		const struct stele_league_row *first = &now->rows[r->by_code[c]];
		size_t end = c;
		while (end < now->nrows &&
		       strcmp(now->rows[r->by_code[end]].township_code, first->township_code) == 0)
			end++;
		raw(p, "<figure class=\"township-chart\"><figcaption>");
		text(p, first->township_name);
		rawf(p, "</figcaption><svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		     "xmlns=\"http://www.w3.org/2000/svg\"><title>", sl + sw + sr, st + sh + 26,
		     sl + sw + sr, st + sh + 26);
		text(p, first->township_name);
		raw(p, "</title>\n");
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
		raw(p, "</svg></figure>\n");
		c = end;
	}
	raw(p, "</div></section>\n");
}

static void stars_section(struct page *p, const struct report *r)
{
	const struct stele_stars *s = r->stars;
	size_t count[6] = { 0 }, most = 1; /* [0] unassessed, [1..5] stars */
	const int bar_left = 110, bar_width = 400, row_h = 26;

	for (size_t i = 0; i < s->nrows; i++)
		count[s->rows[i].scored ? s->rows[i].stars : 0]++;
	for (int i = 0; i < 6; i++)
		if (count[i] > most)
			most = count[i];
	raw(p, "<section id=\"stars-section\"><h2>");
	rawf(p, "<span class=\"zh\">%d 年星级评定（标准制）</span><span class=\"en\">Star "
	     "ratings %d (against the standard)</span>", r->year, r->year);
	raw(p, "</h2><p class=\"note\">");
	rawf(p, "<span class=\"zh\">五星 ≥ %lld 分，四星 ≥ %lld，三星 ≥ %lld，二星 ≥ %lld；"
	     "发生一票否决事项的村为一星。</span><span class=\"en\">5 stars from %lld points, "
	     "4 from %lld, 3 from %lld, 2 from %lld; a veto makes 1 star.</span>",
	     r->cfg.star[0], r->cfg.star[1], r->cfg.star[2], r->cfg.star[3],
	     r->cfg.star[0], r->cfg.star[1], r->cfg.star[2], r->cfg.star[3]);
	rawf(p, "</p><svg id=\"star-chart\" width=\"560\" height=\"%d\" viewBox=\"0 0 560 %d\" "
	     "role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>", 6 * row_h + 10,
	     6 * row_h + 10);
	label(p, "星级分布", "Star distribution");
	raw(p, "</title>\n");
	for (int row = 0; row < 6; row++) {
		int stars = 5 - row; /* 5..1, then 0 = no assessment */
		int y = 5 + row * row_h;
		int w = (int)(count[stars] * (size_t)bar_width / most);
		if (stars > 0)
			rawf(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.*s</text>",
			     bar_left - 8, y + 16, stars * 3, "★★★★★");
		else
			rawf(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"><tspan class=\"zh\">未定级"
			     "</tspan><tspan class=\"en\">no stars</tspan></text>", bar_left - 8, y + 16);
		rawf(p, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
		     "<text x=\"%d\" y=\"%d\">%zu</text>\n", bar_left, y + 3, w, row_h - 8,
		     stars > 0 ? "#f9a825" : "#bdbdbd", bar_left + w + 6, y + 16, count[stars]);
	}
	raw(p, "</svg><table id=\"stars\"><thead><tr><th>");
	label(p, "村", "Village");
	raw(p, "</th><th>");
	label(p, "代码", "Code");
	raw(p, "</th><th>");
	label(p, "申报得分", "Declared");
	raw(p, "</th><th>");
	label(p, "审核得分", "Reviewed score");
	raw(p, "</th><th>");
	label(p, "星级", "Stars");
	raw(p, "</th><th>");
	label(p, "县级审核", "County review");
	raw(p, "</th><th>");
	rawf(p, "<span class=\"zh\">%d 年星级</span><span class=\"en\">Stars %d</span>",
	     r->year - 1, r->year - 1);
	raw(p, "</th><th>");
	label(p, "升降", "Change");
	raw(p, "</th><th>");
	label(p, "一票否决", "Veto");
	raw(p, "</th></tr></thead><tbody>\n");
	size_t pending = 0;
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stele_star_row *v = &s->rows[i];
		raw(p, "<tr><td class=\"vname\">");
		text(p, v->name);
		raw(p, "</td><td>");
		text(p, v->code);
		raw(p, "</td>");
		cell_fixed(p, v->declared_set, v->declared, 1, "");
		cell_fixed(p, v->scored, v->score, 1, "");
		if (v->scored)
			rawf(p, "<td>%.*s</td>", v->stars * 3, "★★★★★");
		else
			raw(p, "<td class=\"na\">—</td>");
		if (v->review == STELE_REVIEW_APPROVED) {
			raw(p, "<td>");
			label(p, "已批准", "approved");
		} else if (v->review == STELE_REVIEW_PENDING) {
			raw(p, "<td class=\"warn\">");
			label(p, "待审核", "pending");
			pending++;
		} else {
			raw(p, "<td class=\"na\">");
			label(p, "未申报", "not declared");
		}
		raw(p, "</td>");
		if (v->has_prev)
			rawf(p, "<td>%.*s</td>", v->prev_stars * 3, "★★★★★");
		else
			raw(p, "<td class=\"na\">—</td>");
		if (!v->scored || !v->has_prev)
			raw(p, "<td class=\"na\">—</td>");
		else if (v->stars > v->prev_stars) {
			raw(p, "<td class=\"up\">↑");
			label(p, "升星", "up");
			raw(p, "</td>");
		} else if (v->stars < v->prev_stars) {
			raw(p, "<td class=\"down\">↓");
			label(p, "摘星", "down");
			raw(p, "</td>");
		} else {
			raw(p, "<td class=\"same\">=");
			label(p, "持平", "same");
			raw(p, "</td>");
		}
		raw(p, v->veto ? "<td class=\"warn\">" : "<td>");
		label(p, v->veto ? "是" : "否", v->veto ? "yes" : "no");
		raw(p, "</td></tr>\n");
	}
	raw(p, "</tbody></table><h3>");
	label(p, "待审核的自评", "Self-assessments awaiting the county's review");
	raw(p, "</h3><ul id=\"pending-reviews\">");
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stele_star_row *v = &s->rows[i];
		if (v->review != STELE_REVIEW_PENDING)
			continue;
		raw(p, "<li>");
		text(p, v->name);
		raw(p, " <code>");
		text(p, v->code);
		raw(p, "</code></li>");
	}
	if (!pending) {
		raw(p, "<li>");
		label(p, "无", "none");
		raw(p, "</li>");
	}
	raw(p, "</ul><p class=\"note\">");
	label(p, "星级以县级审核批准的得分为准（村街申报、乡镇初审、县级批准）；待审核的村暂不定级，"
	      "排名表中的百分考核沿用上年审核得分。",
	      "Stars rest on the score the county approved (declared by the village, first "
	      "reviewed by the township, approved by the county); a village awaiting review has "
	      "no stars yet, and the league table uses its last reviewed score.");
	raw(p, "</p></section>\n");
}

struct township {
	const char *code, *name;
	int villages, ranked, unsynced, grades[3];
	int64_t composite_sum;
};

static void townships_section(struct page *p, const struct report *r)
{
	const struct stele_league *league = r->league[HISTORY_MONTHS - 1];
	struct township *t = calloc(league->nrows ? league->nrows : 1, sizeof(*t));
	size_t n = 0;

	if (!t) {
		p->rc = stele_error(STELE_EFAIL, "out of memory");
		return;
	}
	for (size_t i = 0; i < league->nrows; i++) {
		const struct stele_league_row *v = &league->rows[i];
		size_t j = 0;
		while (j < n && strcmp(t[j].code, v->township_code) != 0)
			j++;
		if (j == n) {
			/* keep the list ordered by code */
			while (j > 0 && strcmp(t[j - 1].code, v->township_code) > 0) {
				t[j] = t[j - 1];
				j--;
			}
			memset(&t[j], 0, sizeof(t[j]));
			t[j].code = v->township_code;
			t[j].name = v->township_name;
			n++;
		}
		t[j].villages++;
		t[j].unsynced += !v->synced;
		if (v->ranked) {
			t[j].ranked++;
			t[j].composite_sum += v->composite;
			t[j].grades[v->grade == 'A' ? 0 : v->grade == 'B' ? 1 : 2]++;
		}
	}
	raw(p, "<section id=\"townships-section\"><h2>");
	label(p, "乡镇汇总", "Townships");
	raw(p, "</h2><table id=\"townships\"><thead><tr><th>");
	label(p, "乡镇", "Township");
	raw(p, "</th><th>");
	label(p, "代码", "Code");
	raw(p, "</th><th>");
	label(p, "村数", "Villages");
	raw(p, "</th><th>");
	label(p, "参与排名", "Ranked");
	raw(p, "</th><th>");
	label(p, "平均综合得分", "Mean composite");
	raw(p, "</th><th>A</th><th>B</th><th>C</th><th>");
	label(p, "未同步", "Never synced");
	raw(p, "</th></tr></thead><tbody>\n");
	for (size_t j = 0; j < n; j++) {
		raw(p, "<tr><td>");
		text(p, t[j].name);
		raw(p, "</td><td>");
		text(p, t[j].code);
		rawf(p, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td>", t[j].villages,
		     t[j].ranked);
		cell_fixed(p, t[j].ranked > 0,
			   t[j].ranked ? stele_rank_div_round(t[j].composite_sum, t[j].ranked) : 0, 2, "");
		rawf(p, "<td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td>"
		     "<td class=\"num\">%d</td></tr>\n", t[j].grades[0], t[j].grades[1],
		     t[j].grades[2], t[j].unsynced);
	}
	raw(p, "</tbody></table></section>\n");
	free(t);
}

/* A list of villages of the league matching a condition, or "none". */
static void village_list(struct page *p, const struct stele_league *league, bool unsynced)
{
	size_t shown = 0;

	raw(p, "<ul>");
	for (size_t i = 0; i < league->nrows; i++) {
		const struct stele_league_row *v = &league->rows[i];
		if (unsynced ? v->synced : (!v->synced || v->closed))
			continue;
		raw(p, "<li>");
		text(p, v->name);
		raw(p, " <code>");
		text(p, v->code);
		raw(p, "</code></li>");
		shown++;
	}
	if (!shown) {
		raw(p, "<li>");
		label(p, "无", "none");
		raw(p, "</li>");
	}
	raw(p, "</ul>\n");
}

/* Rows of a query as table cells (every column text, escaped). */
static int query_rows(struct page *p, sqlite3 *db, const char *sql, const char *empty_zh,
		      const char *empty_en, int ncols)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step, rows = 0;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		raw(p, "<tr>");
		for (int c = 0; c < ncols; c++) {
			const char *cell = (const char *)sqlite3_column_text(stmt, c);
			/* A fixed value (a quarantine's reason, a stream's state) in both
			 * languages, whatever the language of whoever runs report. */
			const char *zh = stele_word_zh(sqlite3_column_name(stmt, c), cell);
			raw(p, "<td>");
			if (zh)
				label(p, zh, cell);
			else
				text(p, cell);
			raw(p, "</td>");
		}
		raw(p, "</tr>\n");
		rows++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the data-completeness panel");
	else if (!rows) {
		rawf(p, "<tr><td colspan=\"%d\">", ncols);
		label(p, empty_zh, empty_en);
		raw(p, "</td></tr>\n");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Rows of four columns as cells, column reason_col a quarantine reason or a
 * stream state: in Chinese, with its word in the English view; the last column,
 * the program's detail (English), in the English view only, the Chinese view
 * pointing to the reason and the county guide.
 */
static int explained_rows(struct page *p, sqlite3 *db, const char *sql, int reason_col)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step, rows = 0;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *reason = (const char *)sqlite3_column_text(stmt, reason_col);
		raw(p, "<tr>");
		for (int c = 0; c < 3; c++) {
			raw(p, "<td>");
			if (c == reason_col)
				label(p, reason_zh(reason), reason ? reason : "");
			else
				text(p, (const char *)sqlite3_column_text(stmt, c));
			raw(p, "</td>");
		}
		raw(p, "<td><span class=\"zh\">见左栏原因；处理办法见县级操作指南第6节</span><span class=\"en\">");
		text(p, (const char *)sqlite3_column_text(stmt, 3));
		raw(p, "</span></td></tr>\n");
		rows++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the data-completeness panel");
	else if (!rows) {
		raw(p, "<tr><td colspan=\"4\">");
		label(p, "无", "none");
		raw(p, "</td></tr>\n");
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int completeness_section(struct page *p, const struct report *r)
{
	const struct stele_league *league = r->league[HISTORY_MONTHS - 1];
	int rc;

	raw(p, "<section id=\"completeness\"><h2>");
	label(p, "数据完整性", "Data completeness");
	raw(p, "</h2><p class=\"note\">");
	label(p, "空白表示没有数据，不等于零分，也不说明该村工作差。下列各村的数据不完整，"
	      "排名须结合实际情况看待。",
	      "An empty cell means no data: it is not a zero and does not mean a village did "
	      "badly. The villages below have incomplete data; read their ranks with that in mind.");
	raw(p, "</p><h3>");
	label(p, "从未同步的村", "Villages never synced");
	raw(p, "</h3>");
	village_list(p, league, true);
	raw(p, "<h3>");
	rawf(p, "<span class=\"zh\">%04d-%02d 尚未月结的村</span><span class=\"en\">Villages "
	     "that have not closed %04d-%02d</span>", r->year, r->month, r->year, r->month);
	raw(p, "</h3>");
	village_list(p, league, false);
	raw(p, "<h3>");
	label(p, "被隔离的变更集", "Quarantined change sets");
	raw(p, "</h3><table id=\"quarantine\"><thead><tr><th>");
	label(p, "来源", "Writer");
	raw(p, "</th><th>");
	label(p, "序号", "Seq");
	raw(p, "</th><th>");
	label(p, "原因", "Reason");
	raw(p, "</th><th>");
	label(p, "说明", "Detail");
	raw(p, "</th></tr></thead><tbody>\n");
	if ((rc = explained_rows(p, r->db, "SELECT q.writer || coalesce(' ' || v.name, ''), q.seq, "
				 "q.reason, q.detail FROM stele_quarantine q LEFT JOIN village v "
				 "ON v.code = q.writer ORDER BY q.writer, q.seq, q.id", 2)) < 0)
		return rc;
	raw(p, "</tbody></table><h3>");
	label(p, "暂停合并的数据流", "Streams on hold");
	raw(p, "</h3><table id=\"held\"><thead><tr><th>");
	label(p, "来源", "Writer");
	raw(p, "</th><th>");
	label(p, "状态", "State");
	raw(p, "</th><th>");
	label(p, "已合并至", "Merged up to");
	raw(p, "</th><th>");
	label(p, "说明", "Note");
	raw(p, "</th></tr></thead><tbody>\n");
	if ((rc = explained_rows(p, r->db, "SELECT s.writer || coalesce(' ' || v.name, ''), s.state, "
				 "s.last_seq, s.state_note FROM stele_stream s LEFT JOIN village v "
				 "ON v.code = s.writer WHERE s.state <> 'ok' ORDER BY s.writer", 1)) < 0)
		return rc;
	raw(p, "</tbody></table></section>\n");
	return 0;
}

/* Where the numbers come from: each village's merged seq and commit, and a
 * SHA-256 over every applied change set's (writer, seq, hash). */
static int provenance_section(struct page *p, const struct report *r)
{
	crypto_hash_sha256_state state;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	sqlite3_stmt *stmt = NULL;
	long long applied = 0;
	int rc, step;

	crypto_hash_sha256_init(&state);
	if ((rc = stele_db_prepare(r->db, &stmt, "SELECT writer, seq, hex(hash) FROM stele_applied "
						 "ORDER BY writer, seq")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		char line[256];
		int n = snprintf(line, sizeof(line), "%s %lld %s\n", sqlite3_column_text(stmt, 0),
				 (long long)sqlite3_column_int64(stmt, 1), sqlite3_column_text(stmt, 2));
		crypto_hash_sha256_update(&state, (const unsigned char *)line,
					  (unsigned long long)(n < (int)sizeof(line) ? n : (int)sizeof(line) - 1));
		applied++;
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, r->db, "reading applied change sets");
	crypto_hash_sha256_final(&state, digest);
	stele_hex_encode(hex, digest, sizeof(digest));

	raw(p, "<section id=\"provenance\"><h2>");
	label(p, "数据来源", "Computed from");
	raw(p, "</h2><p class=\"note\">");
	rawf(p, "<span class=\"zh\">本报告由县级数据库中已合并的 %lld 个变更集计算得出；"
	     "已合并变更集清单（来源、序号、哈希）的 SHA-256 摘要为 <code>%s</code>。"
	     "同一数据库生成的报告逐字节相同。</span>", applied, hex);
	rawf(p, "<span class=\"en\">Computed from the %lld change sets merged into the county "
	     "database; the SHA-256 of their list (writer, seq, hash) is <code>%s</code>. The same "
	     "database always yields the same bytes.</span>", applied, hex);
	raw(p, "</p><p class=\"note\" id=\"state\">");
	if (r->run)
		rawf(p, "<span class=\"zh\">数据截至第 %lld 次合并</span><span class=\"en\">Data as "
		     "of merge run %lld</span>", (long long)r->run, (long long)r->run);
	else
		label(p, "数据截至：尚无编号的合并", "Data as of: no numbered merge run yet");
	if (r->state_at)
		rawf(p, "<span class=\"zh\">（状态 %lld，%s）。用 <code>report --as-of %s</code> "
		     "可逐字节重现本报告。</span><span class=\"en\"> (state %lld, %s). "
		     "<code>report --as-of %s</code> reproduces this report byte for byte.</span>",
		     (long long)r->epoch, r->state_at, r->state_at, (long long)r->epoch, r->state_at,
		     r->state_at);
	raw(p, "</p><table id=\"streams\"><thead><tr><th>");
	label(p, "村", "Village");
	raw(p, "</th><th>");
	label(p, "代码", "Code");
	raw(p, "</th><th>");
	label(p, "已合并序号", "Merged seq");
	raw(p, "</th><th>");
	label(p, "最后提交", "Last commit");
	raw(p, "</th></tr></thead><tbody>\n");
	rc = query_rows(p, r->db, "SELECT v.name, v.code, coalesce(s.last_seq, 0), "
			"coalesce(s.last_commit, '') FROM village v LEFT JOIN stele_stream s "
			"ON s.writer = v.code ORDER BY v.code", "无登记的村", "no village registered", 4);
	raw(p, "</tbody></table></section>\n");
	return rc;
}

static int write_page(struct page *p, const struct report *r)
{
	const char *county = r->county_name ? r->county_name : r->county_code ? r->county_code : "";
	char month[16];
	int rc;

	snprintf(month, sizeof(month), "%04d-%02d", r->year % 10000, r->month % 100);
	raw(p, "<!DOCTYPE html>\n<html lang=\"zh-CN\" class=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	text(p, county);
	rawf(p, " 村级党建月度排名 %s%s</title>\n<style>\n", month, r->draft ? "（草案试算）" : "");
	raw(p, page_style);
	raw(p, "</style>\n</head>\n");
	if (r->draft)
		raw(p, "<body class=\"draft\">\n<div class=\"draft-banner\" id=\"draft-banner\">"
		    "<span class=\"zh\">草案规则试算：本报告按尚未发布的规则草案计算，不是正式排名。"
		    "</span><span class=\"en\">Draft rules: this report is computed with rules not "
		    "published yet; it is not the official ranking.</span></div>\n");
	else
		raw(p, "<body>\n");
	raw(p, "<nav class=\"lang\">"
	    "<button type=\"button\" id=\"lang-zh\" onclick=\"steleLang('zh')\">中文</button>"
	    "<button type=\"button\" id=\"lang-en\" onclick=\"steleLang('en')\">English</button>"
	    "</nav>\n<header><h1><span class=\"zh\">");
	text(p, county);
	rawf(p, " 村级党建月度排名 %s</span><span class=\"en\">", month);
	text(p, county);
	rawf(p, " village rankings, %s</span></h1></header>\n", month);
	league_section(p, r);
	history_section(p, r);
	stars_section(p, r);
	townships_section(p, r);
	if ((rc = completeness_section(p, r)) < 0 || (rc = provenance_section(p, r)) < 0)
		return rc;
	rawf(p, "<footer>Stele %s</footer>\n", STELE_VERSION);
	raw(p, "<script>function steleLang(l){var h=document.documentElement;h.className=l;"
	    "h.lang=l==='zh'?'zh-CN':'en';}</script>\n</body>\n</html>\n");
	return p->rc;
}

/* Writes data to path through a temporary file renamed into place. */
static int write_file(const char *path, const char *data, size_t len)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int rc = 0;

	if (asprintf(&tmp, "%s.tmp", path) < 0) {
		tmp = NULL;
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (!(f = fopen(tmp, "wb"))) {
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (fclose(f) != 0) {
		f = NULL;
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	f = NULL;
	if (rename(tmp, path) != 0)
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", path, strerror(errno));
done:
	if (f)
		fclose(f);
	if (rc < 0 && tmp)
		unlink(tmp);
	free(tmp);
	return rc;
}

struct report_opts {
	const char *month, *out, *as_of;
	bool draft;
};

enum { OPT_MONTH = 1, OPT_OUT, OPT_AS_OF, OPT_DRAFT };

static int on_report_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct report_opts *o = data;

	if (opt == OPT_MONTH)
		o->month = arg;
	else if (opt == OPT_OUT)
		o->out = arg;
	else if (opt == OPT_AS_OF)
		o->as_of = arg;
	else if (opt == OPT_DRAFT)
		o->draft = true;
	return 0;
}

int cmd_report(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "month", required_argument, NULL, OPT_MONTH },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "draft", no_argument, NULL, OPT_DRAFT },
		{ 0 },
	};
	struct report_opts o = { 0 };
	struct rank_view view = { 0 };
	struct report r;
	struct page p = { STELE_BUF_INIT(STELE_BUF_NOLIMIT), 0 };
	int rc, n;
	bool done;

	memset(&r, 0, sizeof(r));
	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_report_opt, &o,
				  NULL, 0, 0, &n, &done)) < 0 || done)
		return rc;
	if (!o.month || !o.out)
		return stele_error(STELE_EUSAGE, "report needs --month YYYY-MM and --out FILE.html");
	if (!*o.out)
		return stele_error(STELE_EUSAGE, "--out is empty");
	if ((rc = stele_rank_period(&r.year, &r.month, NULL, o.month)) < 0)
		return rc;
	if ((rc = rank_open_county(ctx)) < 0 ||
	    (rc = rank_view_open(&view, ctx, o.as_of, o.draft)) < 0)
		return rc;
	r.db = ctx->db;
	r.run = view.run;
	r.epoch = view.epoch;
	r.draft = o.draft;
	if ((rc = report_load(&r)) < 0 || (rc = write_page(&p, &r)) < 0)
		goto done;
	rank_view_close(&view, ctx);
	rc = write_file(o.out, p.buf.data ? p.buf.data : "", p.buf.len);
done:
	rank_view_close(&view, ctx);
	report_free(&r);
	stele_buf_free(&p.buf);
	return rc;
}
