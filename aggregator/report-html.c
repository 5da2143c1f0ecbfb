/* report-html.c: the county report's page: the writers over lib/html.c (values
 * escaped, markup raw only through page_raw), the stars, townships, completeness
 * and provenance sections, and the page around them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "db.h"
#include "error.h"
#include "html.h"
#include "parse.h"
#include "rank.h"
#include "report.h"
#include "words.h"

extern const char report_css[]; /* web/report.css, embedded by the build */

void page_raw(struct page *p, const char *markup)
{
	int rc;

	if (p->rc == 0 && (rc = stele_html_raw(&p->buf, markup)) < 0)
		p->rc = rc;
}

void page_html(struct page *p, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (p->rc != 0)
		return;
	va_start(ap, fmt);
	rc = stele_html_v(&p->buf, fmt, ap);
	va_end(ap);
	if (rc < 0)
		p->rc = rc;
}

void page_text(struct page *p, const char *s)
{
	int rc;

	if (p->rc == 0 && s && (rc = stele_html_text(&p->buf, s)) < 0)
		p->rc = rc;
}

void page_cell(struct page *p, const char *s)
{
	page_raw(p, "<td>");
	page_text(p, s);
	page_raw(p, "</td>");
}

void page_label(struct page *p, const char *zh, const char *en)
{
	page_html(p, "<span class=\"zh\">%s</span><span class=\"en\">%s</span>", zh, en);
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

/* A village of a list, <li>name <code>code</code></li>; with a NULL name, the
 * list's "none" item. */
static void list_item(struct page *p, const char *name, const char *code)
{
	page_raw(p, "<li>");
	if (!name) {
		page_label(p, "无", "none");
		page_raw(p, "</li>");
		return;
	}
	page_text(p, name);
	page_raw(p, " <code>");
	page_text(p, code);
	page_raw(p, "</code></li>");
}

/* <table id="ID"><thead> with one header per column (Chinese, English), then <tbody>. */
static void table_head(struct page *p, const char *id, const char *const (*cols)[2], size_t n)
{
	page_html(p, "<table id=\"%s\"><thead><tr>", id);
	for (size_t i = 0; i < n; i++) {
		page_raw(p, "<th>");
		page_label(p, cols[i][0], cols[i][1]);
		page_raw(p, "</th>");
	}
	page_raw(p, "</tr></thead><tbody>\n");
}

void page_table_head(struct page *p, const char *id, const char *const (*cols)[2], size_t n)
{
	table_head(p, id, cols, n);
}

void page_fixed(struct page *p, bool has, int64_t value, int places, const char *suffix)
{
	char num[32];

	if (!has) {
		page_raw(p, "<td class=\"na\">—</td>");
		return;
	}
	stele_format_fixed(num, value, places);
	page_html(p, "<td class=\"num\">%s%s</td>", num, suffix);
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
	page_raw(p, "<section id=\"stars-section\"><h2>");
	page_html(p, "<span class=\"zh\">%d 年星级评定（标准制）</span><span class=\"en\">Star "
	     "ratings %d (against the standard)</span>", r->year, r->year);
	page_raw(p, "</h2><p class=\"note\">");
	page_html(p, "<span class=\"zh\">五星 ≥ %lld 分，四星 ≥ %lld，三星 ≥ %lld，二星 ≥ %lld；"
	     "发生一票否决事项的村为一星。</span><span class=\"en\">5 stars from %lld points, "
	     "4 from %lld, 3 from %lld, 2 from %lld; a veto makes 1 star.</span>",
	     r->cfg.star[0], r->cfg.star[1], r->cfg.star[2], r->cfg.star[3],
	     r->cfg.star[0], r->cfg.star[1], r->cfg.star[2], r->cfg.star[3]);
	page_html(p, "</p><svg id=\"star-chart\" width=\"560\" height=\"%d\" viewBox=\"0 0 560 %d\" "
	     "role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>", 6 * row_h + 10,
	     6 * row_h + 10);
	page_label(p, "星级分布", "Star distribution");
	page_raw(p, "</title>\n");
	for (int row = 0; row < 6; row++) {
		int stars = 5 - row; /* 5..1, then 0 = no assessment */
		int y = 5 + row * row_h;
		int w = (int)(count[stars] * (size_t)bar_width / most);
		if (stars > 0)
			page_html(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.*s</text>",
			     bar_left - 8, y + 16, stars * 3, "★★★★★");
		else
			page_html(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"><tspan class=\"zh\">未定级"
			     "</tspan><tspan class=\"en\">no stars</tspan></text>", bar_left - 8, y + 16);
		page_html(p, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
		     "<text x=\"%d\" y=\"%d\">%zu</text>\n", bar_left, y + 3, w, row_h - 8,
		     stars > 0 ? "#f9a825" : "#bdbdbd", bar_left + w + 6, y + 16, count[stars]);
	}
	page_raw(p, "</svg><table id=\"stars\"><thead><tr><th>");
	page_label(p, "村", "Village");
	page_raw(p, "</th><th>");
	page_label(p, "代码", "Code");
	page_raw(p, "</th><th>");
	page_label(p, "申报得分", "Declared");
	page_raw(p, "</th><th>");
	page_label(p, "审核得分", "Reviewed score");
	page_raw(p, "</th><th>");
	page_label(p, "星级", "Stars");
	page_raw(p, "</th><th>");
	page_label(p, "县级审核", "County review");
	page_raw(p, "</th><th>");
	page_html(p, "<span class=\"zh\">%d 年星级</span><span class=\"en\">Stars %d</span>",
	     r->year - 1, r->year - 1);
	page_raw(p, "</th><th>");
	page_label(p, "升降", "Change");
	page_raw(p, "</th><th>");
	page_label(p, "一票否决", "Veto");
	page_raw(p, "</th></tr></thead><tbody>\n");
	size_t pending = 0;
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stele_star_row *v = &s->rows[i];
		page_raw(p, "<tr><td class=\"vname\">");
		page_text(p, v->name);
		page_raw(p, "</td>");
		page_cell(p, v->code);
		page_fixed(p, v->declared_set, v->declared, 1, "");
		page_fixed(p, v->scored, v->score, 1, "");
		if (v->scored)
			page_html(p, "<td>%.*s</td>", v->stars * 3, "★★★★★");
		else
			page_raw(p, "<td class=\"na\">—</td>");
		if (v->review == STELE_REVIEW_APPROVED) {
			page_raw(p, "<td>");
			page_label(p, "已批准", "approved");
		} else if (v->review == STELE_REVIEW_PENDING) {
			page_raw(p, "<td class=\"warn\">");
			page_label(p, "待审核", "pending");
			pending++;
		} else {
			page_raw(p, "<td class=\"na\">");
			page_label(p, "未申报", "not declared");
		}
		page_raw(p, "</td>");
		if (v->has_prev)
			page_html(p, "<td>%.*s</td>", v->prev_stars * 3, "★★★★★");
		else
			page_raw(p, "<td class=\"na\">—</td>");
		if (!v->scored || !v->has_prev)
			page_raw(p, "<td class=\"na\">—</td>");
		else if (v->stars > v->prev_stars) {
			page_raw(p, "<td class=\"up\">↑");
			page_label(p, "升星", "up");
			page_raw(p, "</td>");
		} else if (v->stars < v->prev_stars) {
			page_raw(p, "<td class=\"down\">↓");
			page_label(p, "摘星", "down");
			page_raw(p, "</td>");
		} else {
			page_raw(p, "<td class=\"same\">=");
			page_label(p, "持平", "same");
			page_raw(p, "</td>");
		}
		page_raw(p, v->veto ? "<td class=\"warn\">" : "<td>");
		page_label(p, v->veto ? "是" : "否", v->veto ? "yes" : "no");
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, "</tbody></table><h3>");
	page_label(p, "待审核的自评", "Self-assessments awaiting the county's review");
	page_raw(p, "</h3><ul id=\"pending-reviews\">");
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stele_star_row *v = &s->rows[i];
		if (v->review != STELE_REVIEW_PENDING)
			continue;
		list_item(p, v->name, v->code);
	}
	if (!pending) {
		list_item(p, NULL, NULL);
	}
	page_raw(p, "</ul><p class=\"note\">");
	page_label(p, "星级以县级审核批准的得分为准（村街申报、乡镇初审、县级批准）；待审核的村暂不定级，"
	      "排名表中的百分考核沿用上年审核得分。",
	      "Stars rest on the score the county approved (declared by the village, first "
	      "reviewed by the township, approved by the county); a village awaiting review has "
	      "no stars yet, and the league table uses its last reviewed score.");
	page_raw(p, "</p></section>\n");
}

struct township {
	char code[16];
	const char *name;
	char own_name[208]; /* a county's, read from the city's registry */
	int villages, ranked, unsynced, grades[3];
	int64_t composite_sum;
};

/* The name a city registered county code under ("" if none) into out. */
static void county_name(char out[208], sqlite3 *db, const char *code)
{
	sqlite3_stmt *stmt = NULL;

	out[0] = '\0';
	if (stele_db_prepare(db, &stmt, "SELECT name FROM stele_county_source WHERE "
			     "county_code = ?") < 0) {
		stele_error_clear(); /* a missing name costs only the cell */
		return;
	}
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(out, 208, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
}

/* Whether the report is a city's (it has registered counties). */
static bool at_city(sqlite3 *db)
{
	int64_t n = 0;

	if (stele_db_int(db, "SELECT count(*) FROM stele_county_source", &n) < 0) {
		stele_error_clear();
		return false;
	}
	return n > 0;
}

/* The summary per township, or at a city per county (the villages whose codes
 * start with its 6 digits), of the report's month. */
static void areas_section(struct page *p, const struct report *r, bool counties)
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
		char key[16];
		size_t j = 0;

		if (counties)
			snprintf(key, sizeof(key), "%.6s", v->code);
		else
			snprintf(key, sizeof(key), "%s", v->township_code);
		while (j < n && strcmp(t[j].code, key) != 0)
			j++;
		if (j == n) {
			/* keep the list ordered by code */
			while (j > 0 && strcmp(t[j - 1].code, key) > 0) {
				t[j] = t[j - 1];
				if (t[j].name == t[j - 1].own_name)
					t[j].name = t[j].own_name;
				j--;
			}
			memset(&t[j], 0, sizeof(t[j]));
			snprintf(t[j].code, sizeof(t[j].code), "%s", key);
			if (counties) {
				county_name(t[j].own_name, r->db, key);
				t[j].name = t[j].own_name;
			} else {
				t[j].name = v->township_name;
			}
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
	if (counties) {
		page_raw(p, "<section id=\"counties-section\"><h2>");
		page_label(p, "县（市、区）汇总", "Counties");
		page_raw(p, "</h2><table id=\"counties\"><thead><tr><th>");
		page_label(p, "县（市、区）", "County");
	} else {
		page_raw(p, "<section id=\"townships-section\"><h2>");
		page_label(p, "乡镇汇总", "Townships");
		page_raw(p, "</h2><table id=\"townships\"><thead><tr><th>");
		page_label(p, "乡镇", "Township");
	}
	page_raw(p, "</th><th>");
	page_label(p, "代码", "Code");
	page_raw(p, "</th><th>");
	page_label(p, "村数", "Villages");
	page_raw(p, "</th><th>");
	page_label(p, "参与排名", "Ranked");
	page_raw(p, "</th><th>");
	page_label(p, "平均综合得分", "Mean composite");
	page_raw(p, "</th><th>A</th><th>B</th><th>C</th><th>");
	page_label(p, "未同步", "Never synced");
	page_raw(p, "</th></tr></thead><tbody>\n");
	for (size_t j = 0; j < n; j++) {
		page_raw(p, "<tr>");
		page_cell(p, t[j].name);
		page_cell(p, t[j].code);
		page_html(p, "<td class=\"num\">%d</td><td class=\"num\">%d</td>", t[j].villages,
			  t[j].ranked);
		page_fixed(p, t[j].ranked > 0,
			   t[j].ranked ? stele_rank_div_round(t[j].composite_sum, t[j].ranked) : 0, 2, "");
		page_html(p, "<td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td>"
		     "<td class=\"num\">%d</td></tr>\n", t[j].grades[0], t[j].grades[1],
		     t[j].grades[2], t[j].unsynced);
	}
	page_raw(p, "</tbody></table></section>\n");
	free(t);
}

/* A list of villages of the league matching a condition, or "none". */
static void village_list(struct page *p, const struct stele_league *league, bool unsynced)
{
	size_t shown = 0;

	page_raw(p, "<ul>");
	for (size_t i = 0; i < league->nrows; i++) {
		const struct stele_league_row *v = &league->rows[i];
		if (unsynced ? v->synced : (!v->synced || v->closed))
			continue;
		list_item(p, v->name, v->code);
		shown++;
	}
	if (!shown) {
		list_item(p, NULL, NULL);
	}
	page_raw(p, "</ul>\n");
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
		page_raw(p, "<tr>");
		for (int c = 0; c < ncols; c++) {
			const char *cell = (const char *)sqlite3_column_text(stmt, c);
			/* A fixed value (a quarantine's reason, a stream's state) in both
			 * languages, whatever the language of whoever runs report. */
			const char *zh = stele_word_zh(sqlite3_column_name(stmt, c), cell);
			page_raw(p, "<td>");
			if (zh)
				page_label(p, zh, cell);
			else
				page_text(p, cell);
			page_raw(p, "</td>");
		}
		page_raw(p, "</tr>\n");
		rows++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the data-completeness panel");
	else if (!rows) {
		page_html(p, "<tr><td colspan=\"%d\">", ncols);
		page_label(p, empty_zh, empty_en);
		page_raw(p, "</td></tr>\n");
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
		page_raw(p, "<tr>");
		for (int c = 0; c < 3; c++) {
			page_raw(p, "<td>");
			if (c == reason_col)
				page_label(p, reason_zh(reason), reason ? reason : "");
			else
				page_text(p, (const char *)sqlite3_column_text(stmt, c));
			page_raw(p, "</td>");
		}
		page_raw(p, "<td><span class=\"zh\">见左栏原因；处理办法见县级操作指南第6节</span><span class=\"en\">");
		page_text(p, (const char *)sqlite3_column_text(stmt, 3));
		page_raw(p, "</span></td></tr>\n");
		rows++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the data-completeness panel");
	else if (!rows) {
		page_raw(p, "<tr><td colspan=\"4\">");
		page_label(p, "无", "none");
		page_raw(p, "</td></tr>\n");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* A table of the completeness section: an <h3> heading (zh, en), the table id with
 * four columns, and sql's rows as explained_rows writes them. */
static int explained_table(struct page *p, sqlite3 *db, const char *zh, const char *en,
			   const char *id, const char *const (*cols)[2], const char *sql,
			   int reason_col)
{
	int rc;

	page_raw(p, "<h3>");
	page_label(p, zh, en);
	page_raw(p, "</h3>");
	table_head(p, id, cols, 4);
	if ((rc = explained_rows(p, db, sql, reason_col)) < 0)
		return rc;
	page_raw(p, "</tbody></table>");
	return 0;
}

static int completeness_section(struct page *p, const struct report *r)
{
	const struct stele_league *league = r->league[HISTORY_MONTHS - 1];
	int rc;

	page_raw(p, "<section id=\"completeness\"><h2>");
	page_label(p, "数据完整性", "Data completeness");
	page_raw(p, "</h2><p class=\"note\">");
	page_label(p, "空白表示没有数据，不等于零分，也不说明该村工作差。下列各村的数据不完整，"
	      "排名须结合实际情况看待。",
	      "An empty cell means no data: it is not a zero and does not mean a village did "
	      "badly. The villages below have incomplete data; read their ranks with that in mind.");
	page_raw(p, "</p><h3>");
	page_label(p, "从未同步的村", "Villages never synced");
	page_raw(p, "</h3>");
	village_list(p, league, true);
	page_raw(p, "<h3>");
	page_html(p, "<span class=\"zh\">%04d-%02d 尚未月结的村</span><span class=\"en\">Villages "
	     "that have not closed %04d-%02d</span>", r->year, r->month, r->year, r->month);
	page_raw(p, "</h3>");
	village_list(p, league, false);
	if ((rc = explained_table(p, r->db, "被隔离的变更集", "Quarantined change sets", "quarantine",
				  (const char *const[][2]){ { "来源", "Writer" }, { "序号", "Seq" },
				  { "原因", "Reason" }, { "说明", "Detail" } },
				  "SELECT q.writer || coalesce(' ' || v.name, ''), q.seq, q.reason, "
				  "q.detail FROM stele_quarantine q LEFT JOIN village v "
				  "ON v.code = q.writer ORDER BY q.writer, q.seq, q.id", 2)) < 0 ||
	    (rc = explained_table(p, r->db, "暂停合并的数据流", "Streams on hold", "held",
				  (const char *const[][2]){ { "来源", "Writer" }, { "状态", "State" },
				  { "已合并至", "Merged up to" }, { "说明", "Note" } },
				  "SELECT s.writer || coalesce(' ' || v.name, ''), s.state, s.last_seq, "
				  "s.state_note FROM stele_stream s LEFT JOIN village v "
				  "ON v.code = s.writer WHERE s.state <> 'ok' ORDER BY s.writer", 1)) < 0)
		return rc;
	page_raw(p, "</section>\n");
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

	page_raw(p, "<section id=\"provenance\"><h2>");
	page_label(p, "数据来源", "Computed from");
	page_raw(p, "</h2><p class=\"note\">");
	page_html(p, "<span class=\"zh\">本报告由县级数据库中已合并的 %lld 个变更集计算得出；"
	     "已合并变更集清单（来源、序号、哈希）的 SHA-256 摘要为 <code>%s</code>。"
	     "同一数据库生成的报告逐字节相同。</span>", applied, hex);
	page_html(p, "<span class=\"en\">Computed from the %lld change sets merged into the county "
	     "database; the SHA-256 of their list (writer, seq, hash) is <code>%s</code>. The same "
	     "database always yields the same bytes.</span>", applied, hex);
	page_raw(p, "</p><p class=\"note\" id=\"state\">");
	if (r->run)
		page_html(p, "<span class=\"zh\">数据截至第 %lld 次合并</span><span class=\"en\">Data as "
		     "of merge run %lld</span>", (long long)r->run, (long long)r->run);
	else
		page_label(p, "数据截至：尚无编号的合并", "Data as of: no numbered merge run yet");
	if (r->state_at)
		page_html(p, "<span class=\"zh\">（状态 %lld，%s）。用 <code>report --as-of %s</code> "
		     "可逐字节重现本报告。</span><span class=\"en\"> (state %lld, %s). "
		     "<code>report --as-of %s</code> reproduces this report byte for byte.</span>",
		     (long long)r->epoch, r->state_at, r->as_of, (long long)r->epoch, r->state_at,
		     r->as_of);
	page_raw(p, "</p><table id=\"streams\"><thead><tr><th>");
	page_label(p, "村", "Village");
	page_raw(p, "</th><th>");
	page_label(p, "代码", "Code");
	page_raw(p, "</th><th>");
	page_label(p, "已合并序号", "Merged seq");
	page_raw(p, "</th><th>");
	page_label(p, "最后提交", "Last commit");
	page_raw(p, "</th></tr></thead><tbody>\n");
	rc = query_rows(p, r->db, "SELECT v.name, v.code, coalesce(s.last_seq, 0), "
			"coalesce(s.last_commit, '') FROM village v LEFT JOIN stele_stream s "
			"ON s.writer = v.code ORDER BY v.code", "无登记的村", "no village registered", 4);
	page_raw(p, "</tbody></table></section>\n");
	return rc;
}

int report_write_page(struct page *p, const struct report *r)
{
	const char *county = r->county_name ? r->county_name : r->county_code ? r->county_code : "";
	char month[16];
	int rc;

	snprintf(month, sizeof(month), "%04d-%02d", r->year % 10000, r->month % 100);
	page_raw(p, "<!DOCTYPE html>\n<html lang=\"zh-CN\" class=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	page_text(p, county);
	page_html(p, " 村级党建月度排名 %s%s</title>\n<style>\n", month, r->draft ? "（草案试算）" : "");
	page_raw(p, report_css);
	page_raw(p, "</style>\n</head>\n");
	if (r->draft)
		page_raw(p, "<body class=\"draft\">\n<div class=\"draft-banner\" id=\"draft-banner\">"
		    "<span class=\"zh\">草案规则试算：本报告按尚未发布的规则草案计算，不是正式排名。"
		    "</span><span class=\"en\">Draft rules: this report is computed with rules not "
		    "published yet; it is not the official ranking.</span></div>\n");
	else
		page_raw(p, "<body>\n");
	page_raw(p, "<nav class=\"lang\">"
	    "<button type=\"button\" id=\"lang-zh\" onclick=\"steleLang('zh')\">中文</button>"
	    "<button type=\"button\" id=\"lang-en\" onclick=\"steleLang('en')\">English</button>"
	    "</nav>\n<header><h1><span class=\"zh\">");
	page_text(p, county);
	page_html(p, " 村级党建月度排名 %s</span><span class=\"en\">", month);
	page_text(p, county);
	page_html(p, " village rankings, %s</span></h1></header>\n", month);
	report_league_section(p, r);
	report_history_section(p, r);
	stars_section(p, r);
	/* A city's report has the county summary beside the township summary. */
	if (at_city(r->db))
		areas_section(p, r, true);
	areas_section(p, r, false);
	if ((rc = report_gov_sections(p, r)) < 0 || (rc = report_grids_section(p, r)) < 0 ||
	    (rc = completeness_section(p, r)) < 0 ||
	    (rc = provenance_section(p, r)) < 0)
		return rc;
	page_html(p, "<footer>Stele %s</footer>\n", STELE_VERSION);
	page_raw(p, "<script>function steleLang(l){var h=document.documentElement;h.className=l;"
	    "h.lang=l==='zh'?'zh-CN':'en';}</script>\n</body>\n</html>\n");
	return p->rc;
}
