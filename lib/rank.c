/* rank.c: member points, village stars and the monthly league table
 * (shared/spec/rankings.md; docs/rankings.md explains the arithmetic). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "error.h"
#include "lenient.h"
#include "parse.h"
#include "rank.h"
#include "requests.h"
#include "rank-villages.h"
#include "rules.h"

int stele_rank_config_load(struct stele_rank_config *out, sqlite3 *db)
{
	static const char *const star_keys[4] = { "star.5", "star.4", "star.3", "star.2" };
	static const char *const member_star_keys[4] = { "member_star.5", "member_star.4",
							  "member_star.3", "member_star.2" };
	static const char *const weight_keys[STELE_IND_COUNT] = {
		"weight.task", "weight.request", "weight.participation", "weight.income",
		"weight.assessment",
	};
	struct stele_rank_config cfg;
	int rc;

	for (int i = 0; i < 4; i++)
		if ((rc = stele_config_get(&cfg.star[i], db, star_keys[i])) < 0)
			return rc;
	for (int i = 0; i < 4; i++)
		if ((rc = stele_config_get(&cfg.member_star[i], db, member_star_keys[i])) < 0)
			return rc;
	for (int i = 0; i < STELE_IND_COUNT; i++)
		if ((rc = stele_config_get(&cfg.weight[i], db, weight_keys[i])) < 0)
			return rc;
	long long review;
	if ((rc = stele_config_get(&review, db, "star.review")) < 0)
		return rc;
	cfg.review_required = review == 1;
	if ((rc = stele_config_get(&cfg.weight_satisfaction, db, "weight.satisfaction")) < 0 ||
	    (rc = stele_config_get(&cfg.request_days, db, "request.days")) < 0 ||
	    (rc = stele_config_get(&cfg.grade_a_pct, db, "grade.a_pct")) < 0 ||
	    (rc = stele_config_get(&cfg.grade_c_pct, db, "grade.c_pct")) < 0)
		return rc;
	if (cfg.grade_a_pct > 100 || cfg.grade_c_pct > 100)
		return stele_error(STELE_EINVALID, "config grade.a_pct and grade.c_pct must be "
				   "at most 100");
	*out = cfg;
	return 0;
}

int64_t stele_rank_div_round(int64_t num, int64_t den)
{
	bool negative = (num < 0) != (den < 0);
	uint64_t n = num < 0 ? (uint64_t)(-(num + 1)) + 1 : (uint64_t)num;
	uint64_t d = den < 0 ? (uint64_t)(-(den + 1)) + 1 : (uint64_t)den;
	uint64_t q = (2 * n + d) / (2 * d);

	return negative ? -(int64_t)q : (int64_t)q;
}

int64_t stele_rank_add_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (!__builtin_add_overflow(a, b, &r))
		return r;
	return b > 0 ? INT64_MAX : INT64_MIN;
}

int64_t stele_rank_share(int64_t a, int64_t b)
{
	return stele_rank_div_round(a * 10000, b);
}

void stele_rank_month_period(struct stele_period *p, int year, int month)
{
	int ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;

	snprintf(p->first_day, sizeof(p->first_day), "%04d-%02d-01", year % 10000, month % 100);
	snprintf(p->next_day, sizeof(p->next_day), "%04d-%02d-01", ny % 10000, nm % 100);
}

void stele_rank_year_period(struct stele_period *p, int year)
{
	snprintf(p->first_day, sizeof(p->first_day), "%04d-01-01", year % 10000);
	snprintf(p->next_day, sizeof(p->next_day), "%04d-01-01", (year + 1) % 10000);
}

static int compare_code(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(char *const *)elem);
}

/*
 * Steps a statement whose first column is a village code. Returns 1 with *idx
 * the code's position in codes (sorted ascending, n entries), skipping codes not
 * there; 0 when done; or STELE_EFAIL.
 */
int stele_rank_step_village(size_t *idx, sqlite3 *db, sqlite3_stmt *stmt, char *const *codes,
			size_t n, const char *what)
{
	int step;

	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(stmt, 0);
		char *const *hit = code ? bsearch(code, codes, n, sizeof(char *), compare_code) : NULL;
		if (hit) {
			*idx = (size_t)(hit - codes);
			return 1;
		}
	}
	if (step != SQLITE_DONE)
		return stele_error_db(STELE_EFAIL, db, what);
	return 0;
}

/*
 * The registered villages, ordered by code: rows (codes, names, township, synced,
 * closed for close_month when non-NULL) and a parallel array of code pointers for
 * lookups. Both are freed by the caller (the names with free_league_rows).
 */
void stele_rank_rows_free(struct stele_league_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++) {
		free(rows[i].name);
		free(rows[i].township_name);
	}
	free(rows);
}

int stele_rank_villages_load(struct stele_league_row **out_rows, char ***out_codes, size_t *out_n,
			 sqlite3 *db, const char *close_month)
{
	struct stele_league_row *rows = NULL;
	char **codes = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	/* The earliest dated record of each village: each min() reads one end of an
	 * index on (village_code, date); a task issued to it counts as its own. */
	rc = stele_db_prepare(db, &stmt,
		"SELECT v.code, v.name, v.township_code, v.township_name, "
		"EXISTS (SELECT 1 FROM stele_stream s WHERE s.writer = v.code AND s.last_seq > 0), "
		"EXISTS (SELECT 1 FROM period_close p WHERE p.village_code = v.code AND p.period = ?1), "
		"coalesce((SELECT s.state FROM stele_stream s WHERE s.writer = v.code), 'ok'), "
		"min(coalesce((SELECT substr(min(occurred_on), 1, 7) FROM point_event "
		"  WHERE village_code = v.code), '~'), "
		"coalesce((SELECT substr(min(due_on), 1, 7) FROM task WHERE village_code = v.code), '~'), "
		"coalesce((SELECT substr(min(i.due_on), 1, 7) FROM issued_task_village g "
		"  JOIN issued_task i ON i.id = g.task_id WHERE g.village_code = v.code), '~'), "
		"coalesce((SELECT substr(min(received_on), 1, 7) FROM request "
		"  WHERE village_code = v.code), '~'), "
		"coalesce((SELECT min(period) FROM income WHERE village_code = v.code), '~'), "
		"coalesce((SELECT min(period) FROM period_close WHERE village_code = v.code), '~')) "
		"FROM village v ORDER BY v.code");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, close_month ? close_month : "", -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((rc = stele_array_reserve(&rows, &cap, n, sizeof(*rows), 64)) < 0)
			goto done;
		struct stele_league_row *row = &rows[n];
		memset(row, 0, sizeof(*row));
		n++;
		snprintf(row->code, sizeof(row->code), "%s", sqlite3_column_text(stmt, 0));
		snprintf(row->township_code, sizeof(row->township_code), "%s",
			 sqlite3_column_text(stmt, 2));
		row->name = strdup((const char *)sqlite3_column_text(stmt, 1));
		row->township_name = strdup((const char *)sqlite3_column_text(stmt, 3));
		if (!row->name || !row->township_name) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		row->synced = sqlite3_column_int(stmt, 4) != 0;
		row->closed = sqlite3_column_int(stmt, 5) != 0;
		const char *state = (const char *)sqlite3_column_text(stmt, 6);
		row->status = strcmp(state, "quarantined") == 0 ? STELE_STATUS_QUARANTINED
			: strcmp(state, "held") == 0 ? STELE_STATUS_HELD
			: row->synced ? STELE_STATUS_OK : STELE_STATUS_UNSYNCED;
		const char *first = (const char *)sqlite3_column_text(stmt, 7);
		if (first && strcmp(first, "~") != 0)
			snprintf(row->first_month, sizeof(row->first_month), "%.7s", first);
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "reading the village registry");
		goto done;
	}
	if (!(codes = calloc(n ? n : 1, sizeof(char *)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		codes[i] = rows[i].code;
	*out_rows = rows;
	*out_codes = codes;
	*out_n = n;
	rows = NULL;
done:
	stele_rank_rows_free(rows, n);
	sqlite3_finalize(stmt);
	return rc;
}

/* Whether a village has indicators for the month: synced and started by it. */
static bool counted(const struct stele_league_row *row)
{
	return row->synced && row->started;
}

/* The month a league is computed for, and the rows it fills. */
struct league_month {
	int year, month;
	struct stele_period p;
	char text[24]; /* YYYY-MM */
	struct stele_league_row *rows;
};

/*
 * Runs a per-village count query and stores shares as indicator ind: columns
 * (code, total, good) for m[0], then (total, good) for m[1] when nm is 2; a share
 * is stored where its total > 0. Parameters: ?1 ?2 m[0]'s first and next day,
 * ?3 ?4 m[1]'s (nm 2), ?5 extra.
 */
static int share_indicator(struct league_month *m, int nm, char *const *codes, size_t n,
			   sqlite3 *db, const char *sql, long long extra, int ind, const char *what)
{
	sqlite3_stmt *stmt = NULL;
	size_t idx;
	int rc;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	for (int k = 0; k < nm; k++) {
		sqlite3_bind_text(stmt, 2 * k + 1, m[k].p.first_day, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2 * k + 2, m[k].p.next_day, -1, SQLITE_STATIC);
	}
	if (sqlite3_bind_parameter_count(stmt) >= 5)
		sqlite3_bind_int64(stmt, 5, extra);
	while ((rc = stele_rank_step_village(&idx, db, stmt, codes, n, what)) > 0)
		for (int k = 0; k < nm; k++) {
			struct stele_league_row *row = &m[k].rows[idx];
			int64_t total = sqlite3_column_int64(stmt, 1 + 2 * k);
			int64_t good = sqlite3_column_int64(stmt, 2 + 2 * k);
			if (total > 0 && counted(row)) {
				row->has[ind] = true;
				row->ind[ind] = stele_rank_share(good, total);
			}
		}
	sqlite3_finalize(stmt);
	return rc;
}

static int income_indicator(struct stele_league_row *rows, char *const *codes, size_t n,
			    sqlite3 *db, int year, int month)
{
	sqlite3_stmt *stmt = NULL;
	int64_t *sum = NULL, *sorted = NULL;
	char first[24], last[24];
	size_t idx, nsynced = 0;
	int rc;

	snprintf(first, sizeof(first), "%04d-01", year % 10000);
	snprintf(last, sizeof(last), "%04d-%02d", year % 10000, month % 100);
	if (!(sum = calloc(n ? n : 1, sizeof(*sum))) || !(sorted = calloc(n ? n : 1, sizeof(*sorted)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	/* Summed here, not by SQLite's sum(), which fails the whole query when one
	 * village's total overflows: each amount is bounded (lib/rowcheck.h), and a
	 * total past 64 bits, which would take 92 million maximal rows in a year,
	 * stays at the bound (docs/rankings.md "Bounds"). One village's rows never
	 * stop the table. */
	rc = stele_db_prepare(db, &stmt,
		"SELECT v.code, i.amount FROM village v JOIN income i "
		"ON i.village_code = v.code AND i.period >= ?1 AND i.period <= ?2");
	if (rc < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, last, -1, SQLITE_STATIC);
	while ((rc = stele_rank_step_village(&idx, db, stmt, codes, n, "reading income")) > 0)
		sum[idx] = stele_rank_add_sat(sum[idx], sqlite3_column_int64(stmt, 1));
	if (rc < 0)
		goto done;
	for (size_t i = 0; i < n; i++)
		if (counted(&rows[i]))
			sorted[nsynced++] = sum[i];
	/* Insertion into sorted order would be quadratic; sort once and binary-search
	 * the count of strictly smaller sums. */
	for (size_t gap = nsynced / 2; gap > 0; gap /= 2)
		for (size_t i = gap; i < nsynced; i++)
			for (size_t j = i; j >= gap && sorted[j - gap] > sorted[j]; j -= gap) {
				int64_t t = sorted[j];
				sorted[j] = sorted[j - gap];
				sorted[j - gap] = t;
			}
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = nsynced;
		if (!counted(&rows[i]))
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (sorted[mid] < sum[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		rows[i].has[STELE_IND_INCOME] = true;
		rows[i].ind[STELE_IND_INCOME] = nsynced == 1 ? 10000
			: stele_rank_share((int64_t)lo, (int64_t)nsynced - 1);
	}
done:
	sqlite3_finalize(stmt);
	free(sum);
	free(sorted);
	return rc;
}

/* The assessment indicator of rows from the year's scores (now) and the year
 * before's (before), each n entries. */
static void assessment_indicator(struct stele_league_row *rows, size_t n,
				 const struct stele_year_score *now,
				 const struct stele_year_score *before)
{
	for (size_t i = 0; i < n; i++) {
		if (!counted(&rows[i]))
			continue;
		if (now[i].scored || before[i].scored) {
			rows[i].has[STELE_IND_ASSESSMENT] = true;
			/* score in tenths of 100 points: tenths * 10 = ten-thousandths */
			rows[i].ind[STELE_IND_ASSESSMENT] =
				(now[i].scored ? now[i].score : before[i].score) * 10;
		}
	}
}

/* Order of ranked rows: composite descending, then code. */
static int compare_ranked(const void *a, const void *b)
{
	const struct stele_league_row *x = a, *y = b;

	if (x->composite != y->composite)
		return x->composite > y->composite ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Composites of rows (n, ordered by code), then ranks and grades among the
 * villages in scope (scope[i]). */
static int rank_rows(struct stele_league_row *rows, char *const *codes, size_t n,
		     const bool *scope, const struct stele_rank_config *cfg)
{
	struct stele_league_row *ranked = NULL;
	size_t nranked = 0;

	if (!(ranked = calloc(n ? n : 1, sizeof(*ranked))))
		return stele_error(STELE_EFAIL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int64_t num = 0, den = 0;
		for (int k = 0; k < STELE_IND_COUNT; k++)
			if (rows[i].has[k]) {
				num += cfg->weight[k] * rows[i].ind[k];
				den += cfg->weight[k];
			}
		if (rows[i].has_satisfaction) {
			num += cfg->weight_satisfaction * rows[i].satisfaction;
			den += cfg->weight_satisfaction;
		}
		if (den > 0) {
			rows[i].ranked = true;
			rows[i].composite = stele_rank_div_round(num, den);
		}
		if (scope[i] && rows[i].ranked)
			ranked[nranked++] = rows[i];
	}
	/* Competition ranking among the villages in scope, then grades. */
	qsort(ranked, nranked, sizeof(*ranked), compare_ranked);
	long long a_cut = ((long long)nranked * cfg->grade_a_pct + 99) / 100;
	long long c_cut = (long long)nranked - (long long)nranked * cfg->grade_c_pct / 100;
	for (size_t j = 0; j < nranked; j++) {
		int rank = j > 0 && ranked[j].composite == ranked[j - 1].composite
			? ranked[j - 1].rank : (int)j + 1;
		char *const *hit = bsearch(ranked[j].code, codes, n, sizeof(char *), compare_code);
		struct stele_league_row *row = &rows[hit - codes];

		ranked[j].rank = rank;
		row->rank = rank;
		row->grade = rank <= a_cut ? 'A' : rank > c_cut ? 'C' : 'B';
	}
	free(ranked);
	return 0;
}

/* Taking part: a counted event of a base, merit or bonus rule (alias e). A
 * deduction or a zeroing is not taking part, nor an event of an unknown rule. */
#define TAKING_PART                                                                \
	"e.stage IN ('assembly', 'published') AND e.rule_code IN (SELECT r.code FROM "     \
	"point_rule r WHERE r.category IN ('base', 'merit', 'bonus'))" NOT_REVERSED
/* The task, request and participation queries: for one month (?1, ?2), and for
 * two at once (?1 ?2 the month, ?3 ?4 the month before, whose next day is the
 * month's first), one pass over each table. Tasks in play: due in M, or due before
 * M and still open when M began; the village's own and those issued to it from
 * above (the task_ledger view). */
#define TASK_IN(first, next) \
	"(t.due_on < " next " AND (t.due_on >= " first " OR t.closed_on IS NULL OR " \
	"t.closed_on >= " first "))"
#define TASK_ON_TIME "(t.closed_on IS NOT NULL AND t.closed_on <= t.due_on)"
#define REQUEST_ON_TIME \
	"(r.resolved_on IS NOT NULL AND " \
	"unixepoch(r.resolved_on) - unixepoch(r.received_on) <= ?5 * 86400)"
#define TOOK_PART(first, next) \
	"EXISTS (SELECT 1 FROM point_event e WHERE e.village_code = m.village_code AND " \
	"e.member_id = m.id AND e.occurred_on >= " first " AND e.occurred_on < " next \
	" AND " TAKING_PART ")"
static const char *const indicator_sql[2][3] = {
	{
		("SELECT v.code, count(*), sum(" TASK_ON_TIME ") FROM village v "
		 "JOIN task_ledger t ON t.village_code = v.code AND " TASK_IN("?1", "?2")
		 " GROUP BY v.code"),
		("SELECT v.code, count(*), sum(" REQUEST_ON_TIME ") FROM village v "
		 "JOIN request r ON r.village_code = v.code "
		 "AND r.received_on >= ?1 AND r.received_on < ?2 GROUP BY v.code"),
		("SELECT v.code, count(*), sum(" TOOK_PART("?1", "?2") ") FROM village v "
		 "JOIN member m ON m.village_code = v.code AND m.status = 'active' GROUP BY v.code"),
	},
	{
		("SELECT v.code, sum(" TASK_IN("?1", "?2") "), sum(" TASK_IN("?1", "?2") " AND "
		 TASK_ON_TIME "), sum(" TASK_IN("?3", "?4") "), sum(" TASK_IN("?3", "?4") " AND "
		 TASK_ON_TIME ") FROM village v JOIN task_ledger t ON t.village_code = v.code AND "
		 TASK_IN("?3", "?2") " GROUP BY v.code"),
		("SELECT v.code, sum(r.received_on >= ?1), sum(r.received_on >= ?1 AND "
		 REQUEST_ON_TIME "), sum(r.received_on < ?4), sum(r.received_on < ?4 AND "
		 REQUEST_ON_TIME ") FROM village v JOIN request r ON r.village_code = v.code "
		 "AND r.received_on >= ?3 AND r.received_on < ?2 GROUP BY v.code"),
		("SELECT v.code, count(*), sum(" TOOK_PART("?1", "?2") "), count(*), sum("
		 TOOK_PART("?3", "?4") ") FROM village v "
		 "JOIN member m ON m.village_code = v.code AND m.status = 'active' GROUP BY v.code"),
	},
};

/*
 * The leagues of nm months (1, or 2: a month and the month before) for every
 * registered village, each in m[k].rows (allocated here, ordered by code, freed
 * by the caller with stele_rank_rows_free; m[1]'s rows carry no names), with
 * composites; ranks and grades among the villages of township (all when NULL),
 * and *out_scope[i] (caller frees) says whether row i is in it. Each table is
 * read once for both months.
 */
static int league_months(struct league_month *m, int nm, size_t *out_n, bool **out_scope,
			 sqlite3 *db, const struct stele_rank_config *cfg, const char *township)
{
	struct stele_league_row *rows = NULL, *prev = NULL;
	struct stele_year_score *score[3] = { NULL, NULL, NULL };
	char **codes = NULL;
	bool *scope = NULL;
	size_t n = 0;
	int rc;

	for (int k = 0; k < nm; k++) {
		snprintf(m[k].text, sizeof(m[k].text), "%04d-%02d", m[k].year % 10000,
			 m[k].month % 100);
		stele_rank_month_period(&m[k].p, m[k].year, m[k].month);
	}
	if ((rc = stele_rank_villages_load(&rows, &codes, &n, db, m[0].text)) < 0)
		goto done;
	if (nm == 2) {
		/* The month before: the same registry; only its ranks are read. */
		if (!(prev = calloc(n ? n : 1, sizeof(*prev)))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		for (size_t i = 0; i < n; i++) {
			prev[i] = rows[i];
			prev[i].name = NULL;
			prev[i].township_name = NULL;
		}
	}
	m[0].rows = rows;
	if (nm == 2)
		m[1].rows = prev;
	for (int k = 0; k < nm; k++)
		for (size_t i = 0; i < n; i++) {
			struct stele_league_row *row = &m[k].rows[i];
			row->started = row->first_month[0] && strcmp(row->first_month, m[k].text) <= 0;
			if (row->status == STELE_STATUS_OK && !row->started)
				row->status = STELE_STATUS_NOT_STARTED;
		}
	if ((rc = share_indicator(m, nm, codes, n, db, indicator_sql[nm - 1][0], 0,
				  STELE_IND_TASK, "reading tasks")) < 0 ||
	    (rc = share_indicator(m, nm, codes, n, db, indicator_sql[nm - 1][1], cfg->request_days,
				  STELE_IND_REQUEST, "reading requests")) < 0 ||
	    (rc = share_indicator(m, nm, codes, n, db, indicator_sql[nm - 1][2], 0,
				  STELE_IND_PARTICIPATION, "reading members")) < 0)
		goto done;
	/* Assessment: the scores of the month's year and the year before (score[0],
	 * score[1]), and of the year before that when the month before is in the
	 * year before (January). */
	for (int y = 0; y < 3; y++)
		if (!(score[y] = calloc(n ? n : 1, sizeof(*score[y])))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
	if ((rc = stele_rank_year_scores(score[0], db, cfg, codes, n, m[0].year)) < 0 ||
	    (rc = stele_rank_year_scores(score[1], db, cfg, codes, n, m[0].year - 1)) < 0)
		goto done;
	if (nm == 2 && m[1].year != m[0].year &&
	    (rc = stele_rank_year_scores(score[2], db, cfg, codes, n, m[1].year - 1)) < 0)
		goto done;
	for (int k = 0; k < nm; k++) {
		int y = m[k].year == m[0].year ? 0 : 1;
		if ((rc = income_indicator(m[k].rows, codes, n, db, m[k].year, m[k].month)) < 0)
			goto done;
		assessment_indicator(m[k].rows, n, score[y], score[y + 1]);
		/* Satisfaction counts only with a weight (docs/rankings.md,
		 * weight.satisfaction). */
		if (cfg->weight_satisfaction > 0 &&
		    (rc = stele_rank_satisfaction(m[k].rows, codes, n, db, m[k].p.first_day,
						  m[k].p.next_day)) < 0)
			goto done;
	}
	if (!(scope = calloc(n ? n : 1, sizeof(bool)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		/* A county's code (6 digits, at a city) holds the villages it starts. */
		scope[i] = !township || strcmp(rows[i].township_code, township) == 0 ||
			   (strlen(township) == 6 && strncmp(rows[i].code, township, 6) == 0);
	for (int k = 0; k < nm && rc == 0; k++)
		rc = rank_rows(m[k].rows, codes, n, scope, cfg);
	if (rc < 0)
		goto done;
	*out_n = n;
	*out_scope = scope;
	rows = prev = NULL;
	scope = NULL;
done:
	if (rows) {
		for (int k = 0; k < nm; k++)
			m[k].rows = NULL;
		stele_rank_rows_free(rows, n);
		free(prev);
	}
	free(codes);
	free(scope);
	for (int y = 0; y < 3; y++)
		free(score[y]);
	return rc;
}

/* Output order: ranked by rank then code, then unranked by code. */
static int compare_output(const void *a, const void *b)
{
	const struct stele_league_row *x = a, *y = b;

	if (x->ranked != y->ranked)
		return x->ranked ? -1 : 1;
	if (x->ranked && x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->code, y->code);
}

const char *stele_league_status_word(enum stele_league_status status)
{
	switch (status) {
	case STELE_STATUS_QUARANTINED: return "quarantined";
	case STELE_STATUS_HELD: return "held";
	case STELE_STATUS_UNSYNCED: return "unsynced";
	case STELE_STATUS_NOT_STARTED: return "not_started";
	default: return "ok";
	}
}

void stele_league_free(struct stele_league *league)
{
	if (!league)
		return;
	stele_rank_rows_free(league->rows, league->nrows);
	free(league);
}

int stele_league_compute(struct stele_league **out, sqlite3 *db, int year, int month,
			 const char *township, bool with_change)
{
	struct stele_rank_config cfg;
	struct league_month m[2] = { { .year = year, .month = month },
				     { .year = month == 1 ? year - 1 : year,
				       .month = month == 1 ? 12 : month - 1 } };
	struct stele_league_row *rows = NULL, *prev = NULL;
	bool *scope = NULL;
	size_t n = 0, kept = 0;
	struct stele_league *league = NULL;
	int rc;

	if (month < 1 || month > 12)
		return stele_error(STELE_EUSAGE, "month %d is not 1..12", month);
	if ((rc = stele_rank_config_load(&cfg, db)) < 0)
		return rc;
	if ((rc = league_months(m, with_change ? 2 : 1, &n, &scope, db, &cfg, township)) < 0)
		goto done;
	rows = m[0].rows;
	prev = m[1].rows;
	/* Both are the registry ordered by code. */
	for (size_t i = 0; prev && i < n; i++)
		if (rows[i].ranked && scope[i] && prev[i].ranked) {
			rows[i].has_change = true;
			rows[i].rank_change = prev[i].rank - rows[i].rank;
		}
	if (!(league = calloc(1, sizeof(*league)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	/* Keep the rows in scope, moving their names; free the others'. */
	for (size_t i = 0; i < n; i++) {
		if (scope[i]) {
			rows[kept++] = rows[i];
		} else {
			free(rows[i].name);
			free(rows[i].township_name);
		}
	}
	qsort(rows, kept, sizeof(*rows), compare_output);
	league->year = year;
	league->month = month;
	league->rows = rows;
	league->nrows = kept;
	for (size_t i = 0; i < kept; i++)
		if (rows[i].ranked)
			league->nranked++;
	rows = NULL;
	*out = league;
	league = NULL;
done:
	stele_rank_rows_free(rows, n);
	free(prev);
	free(scope);
	free(league);
	return rc;
}

int stele_rank_league(struct stele_table **out, sqlite3 *db, int year, int month,
		      const char *township)
{
	static const char *const names[] = {
		"rank", "village_code", "village_name", "township_code", "composite",
		"task_rate", "request_rate", "participation", "income_pct", "assessment",
		"grade", "closed", "rank_change", "status",
	};
	static const enum stele_col_kind kinds[] = {
		STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER, STELE_COL_TEXT,
	};
	struct stele_league *league = NULL;
	struct stele_table *t = NULL;
	int rc;

	if ((rc = stele_league_compute(&league, db, year, month, township, true)) < 0)
		return rc;
	if ((rc = stele_table_new(&t, 14, names, kinds)) < 0)
		goto done;
	for (size_t i = 0; i < league->nrows; i++) {
		const struct stele_league_row *r = &league->rows[i];
		char rank[16], composite[32], ind[STELE_IND_COUNT][32], change[16], grade[2] = { r->grade, 0 };
		const char *cells[14];

		snprintf(rank, sizeof(rank), "%d", r->rank);
		snprintf(change, sizeof(change), "%d", r->rank_change);
		stele_format_fixed(composite, r->composite, 2);
		cells[0] = r->ranked ? rank : NULL;
		cells[1] = r->code;
		cells[2] = r->name;
		cells[3] = r->township_code;
		cells[4] = r->ranked ? composite : NULL;
		for (int k = 0; k < STELE_IND_COUNT; k++) {
			stele_format_fixed(ind[k], r->ind[k], 4);
			cells[5 + k] = r->has[k] ? ind[k] : NULL;
		}
		cells[10] = r->ranked ? grade : NULL;
		cells[11] = r->closed ? "yes" : "no";
		cells[12] = r->has_change ? change : NULL;
		cells[13] = stele_league_status_word(r->status);
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
	*out = t;
	t = NULL;
done:
	stele_table_free(t);
	stele_league_free(league);
	return rc;
}

int stele_rank_period(int *year, int *month, const char *year_arg, const char *month_arg)
{
	char year_buf[32], month_buf[32];
	int32_t y = 0, m = 0;

	if (!year_arg && !month_arg)
		return stele_error(STELE_EUSAGE, "give --year YYYY or --month YYYY-MM");
	/* A bad value is a usage error; the parser's message stands. */
	if (year_arg && stele_parse_year(&y, stele_lenient_arg(year_buf, year_arg, 'y'),
					  "--year") < 0)
		return STELE_EUSAGE;
	if (month_arg) {
		if (stele_parse_month(&m, stele_lenient_arg(month_buf, month_arg, 'm'),
				      "--month") < 0)
			return STELE_EUSAGE;
		if (year_arg && m / 12 != y)
			return stele_error(STELE_EUSAGE, "--month %s is not in --year %s", month_arg,
					   year_arg);
		y = m / 12;
		/* The machine's clock says which month is the current one. */
		int yy, mm, dd;
		stele_civil_from_days(&yy, &mm, &dd, stele_today());
		if (m > (int32_t)yy * 12 + mm - 1)
			return stele_error(STELE_EUSAGE, "--month %s has not begun yet", month_arg);
	}
	*year = (int)y;
	*month = month_arg ? (int)(m % 12) + 1 : 0;
	return 0;
}
