/* report.h: the county report (stele-aggregator report): its data, computed in
 * one view of the county (report-data.c), and its HTML sections (report-league.c,
 * report-html.c), written through lib/html.c. */
#ifndef STELE_AGG_REPORT_H
#define STELE_AGG_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "buf.h"
#include "rank.h"

#define HISTORY_MONTHS 12
/* The combined rank chart is drawn for counties up to this many villages; every
 * village always has its own small chart in the league table. */
#define COMBINED_CHART_MAX 60

struct report {
	sqlite3 *db;
	int year, month;
	int64_t run, epoch;  /* the merge run and the state (epoch) it is computed at */
	char *state_at;      /* that state's time, YYYY-MM-DDTHH:MM:SS local, or NULL */
	char as_of[32];      /* the --as-of that names this state: the run's id when the
	                      * state is the run's own (no county write since), else state_at */
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

/* Loads r's data from r->db (r->db, year, month, run, epoch and draft set by the
 * caller, the rest zeroed). Free it with report_free, also on failure. */
int report_load(struct report *r);
void report_free(struct report *r);

/* The page being written: a buffer with a sticky error, so the writers can be
 * chained and checked once. */
struct page {
	struct stele_buf buf;
	int rc;
};

/* Markup the program built itself, exactly as given (stele_html_raw). */
void page_raw(struct page *p, const char *markup);
/* fmt is the program's markup; its %s values are escaped (stele_html). */
void page_html(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text, HTML-escaped (also fit for attribute values in double quotes). */
void page_text(struct page *p, const char *s);
/* A table cell of text, <td>TEXT</td>, the text escaped (NULL: an empty cell). */
void page_cell(struct page *p, const char *s);
/* A label in both languages; the page shows one (html.zh / html.en). */
void page_label(struct page *p, const char *zh, const char *en);
/* <table id="ID"><thead> with one header per column (Chinese, English), then <tbody>. */
void page_table_head(struct page *p, const char *id, const char *const (*cols)[2], size_t n);
/* A number cell: value / 10^places with suffix, or a dash when !has. */
void page_fixed(struct page *p, bool has, int64_t value, int places, const char *suffix);

/* The league table (with status flags and a small rank chart per village) and the
 * rank-history charts: top and bottom, and one per township. */
void report_league_section(struct page *p, const struct report *r);
void report_history_section(struct page *p, const struct report *r);

/* The grids (网格化管理) of the report's month: per village with a grid registry,
 * its grids, households, flags and requests (report-grids.c). */
int report_grids_section(struct page *p, const struct report *r);
/* The governance sections (report-gov.c): the weak organisations' list (软弱涣散整顿)
 * as of the month's last day, and residents' requests per township in the month. */
int report_gov_sections(struct page *p, const struct report *r);

/* The whole page into p (p->buf empty). The page's bytes depend only on r. */
int report_write_page(struct page *p, const struct report *r);

#endif
