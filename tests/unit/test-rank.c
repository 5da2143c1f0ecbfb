/* test-rank.c: the rankings (lib/rank.c) on small in-memory counties, and the
 * reference county's expected CSVs reproduced byte for byte. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "review.h"
#include "rules.h"

/* ---- helpers ---------------------------------------------------------- */

static sqlite3 *new_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_rules_install_defaults(db), 0);
	return db;
}

static void sql(sqlite3 *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql(sqlite3 *db, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (stele_db_exec(db, text) < 0)
		fail_msg("%s: %s", text, stele_error_message());
}

/* A registered village; synced villages get a stele_stream row with last_seq 1. */
static void village(sqlite3 *db, const char *code, bool synced)
{
	sql(db, "INSERT INTO village VALUES ('%s', '村%s', substr('%s', 1, 9), '镇')", code,
	    code + 9, code);
	if (synced)
		sql(db, "INSERT INTO stele_stream (writer, last_seq) VALUES ('%s', 1)", code);
}

static void member(sqlite3 *db, const char *village_code, const char *id, const char *status)
{
	sql(db, "INSERT INTO member (village_code, id, name, status) VALUES ('%s', '%s', '党员%s', '%s')",
	    village_code, id, id, status);
}

static void event(sqlite3 *db, const char *village_code, const char *id, const char *member_id,
		  const char *rule, const char *date, int tenths, const char *stage)
{
	sql(db, "INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, "
	    "points, stage) VALUES ('%s', '%s', '%s', '%s', '%s', %d, '%s')",
	    village_code, id, member_id, rule, date, tenths, stage);
}

/* Writes a table as CSV into a new string (caller frees). */
static char *csv_of(struct stele_table *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(stele_table_print(t, STELE_FORMAT_CSV, 0, f), 0);
	fclose(f);
	stele_table_free(t);
	return text;
}

static char *members_csv(sqlite3 *db, int year, int month, const char *village_code)
{
	struct stele_table *t = NULL;

	if (stele_rank_members(&t, db, year, month, village_code) < 0)
		fail_msg("rank members: %s", stele_error_message());
	return csv_of(t);
}

static char *league_csv(sqlite3 *db, int year, int month, const char *township)
{
	struct stele_table *t = NULL;

	if (stele_rank_league(&t, db, year, month, township) < 0)
		fail_msg("rank league: %s", stele_error_message());
	return csv_of(t);
}

static char *stars_csv(sqlite3 *db, int year)
{
	struct stele_table *t = NULL;

	if (stele_rank_stars(&t, db, year) < 0)
		fail_msg("rank stars: %s", stele_error_message());
	return csv_of(t);
}

static void expect_text(char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("got:\n%s\nwant:\n%s", got, want);
	free(got);
}

#define MEMBERS_HEAD "rank,village_code,member_id,name,points\n"
#define LEAGUE_HEAD "rank,village_code,village_name,township_code,composite,task_rate," \
	"request_rate,participation,income_pct,assessment,grade,closed,rank_change,status\n"
#define STARS_HEAD "village_code,village_name,township_code,declared,score,stars,veto," \
	"review,prev_stars,change\n"

/* ---- arithmetic ------------------------------------------------------- */

static void test_share_rounding(void **state)
{
	(void)state;
	assert_int_equal(stele_rank_share(1, 3), 3333);
	assert_int_equal(stele_rank_share(2, 3), 6667);
	assert_int_equal(stele_rank_share(1, 8), 1250);
	assert_int_equal(stele_rank_share(1, 20000), 1);   /* 0.5 rounds up */
	assert_int_equal(stele_rank_share(1, 20001), 0);
	assert_int_equal(stele_rank_share(0, 7), 0);
	assert_int_equal(stele_rank_share(7, 7), 10000);
	/* An income total past 64 bits stays at the bound instead of failing. */
	assert_true(stele_rank_add_sat(INT64_MAX - 1, 5) == INT64_MAX);
	assert_true(stele_rank_add_sat(INT64_MIN + 1, -5) == INT64_MIN);
	assert_true(stele_rank_add_sat(INT64_MAX, -5) == INT64_MAX - 5);
	assert_true(stele_rank_add_sat(-3, 5) == 2);
	assert_int_equal(stele_rank_div_round(5, 10), 1);
	assert_int_equal(stele_rank_div_round(-5, 10), -1); /* away from zero */
	assert_int_equal(stele_rank_div_round(-4, 10), 0);
	assert_int_equal(stele_rank_div_round(15, -10), -2);
	assert_int_equal(stele_rank_div_round(-15, -10), 2);
}

/* ---- member points ---------------------------------------------------- */

static void test_members_ties_and_stages(void **state)
{
	sqlite3 *db = new_db();
	const char *v = "990101001201";

	(void)state;
	village(db, v, true);
	member(db, v, "M0001", "active");
	member(db, v, "M0002", "active");
	member(db, v, "M0003", "active");
	member(db, v, "M0004", "active");
	member(db, v, "M0005", "transferred_out");
	member(db, v, "M0006", "flowing");
	event(db, v, "E1", "M0003", "B01", "2026-03-01", 20, "published");
	event(db, v, "E2", "M0001", "B01", "2026-03-02", 20, "assembly");
	event(db, v, "E3", "M0002", "M01", "2026-03-03", 30, "published");
	/* not counted: unapproved and rejected stages */
	for (int i = 0; i < 4; i++) {
		static const char *const stages[] = { "recorded", "group", "committee", "rejected" };
		char id[8];
		snprintf(id, sizeof(id), "X%d", i);
		event(db, v, id, "M0004", "P01", "2026-03-04", 50, stages[i]);
	}
	/* a deduction counts */
	event(db, v, "E4", "M0004", "D01", "2026-03-05", -20, "published");
	/* members who left are not ranked, whatever their points; a flowing member
	 * (流动党员) is */
	event(db, v, "E5", "M0005", "P01", "2026-03-06", 50, "published");
	event(db, v, "E6", "M0006", "P01", "2026-03-06", 50, "published");
	/* another year does not count */
	event(db, v, "E7", "M0004", "P01", "2025-12-31", 50, "published");
	expect_text(members_csv(db, 2026, 0, NULL),
		    MEMBERS_HEAD
		    "1,990101001201,M0006,党员M0006,5.0\n"
		    "2,990101001201,M0002,党员M0002,3.0\n"
		    "3,990101001201,M0001,党员M0001,2.0\n"
		    "3,990101001201,M0003,党员M0003,2.0\n"
		    "5,990101001201,M0004,党员M0004,-2.0\n");
	stele_db_close(db);
}

static void test_members_zeroing(void **state)
{
	sqlite3 *db = new_db();
	const char *v = "990101001201";

	(void)state;
	village(db, v, true);
	member(db, v, "M0001", "active");
	member(db, v, "M0002", "active");
	event(db, v, "E01", "M0001", "B01", "2026-02-10", 20, "published"); /* before z1 */
	event(db, v, "E02", "M0001", "Z01", "2026-03-15", 0, "published");  /* z1 */
	event(db, v, "E03", "M0001", "B02", "2026-04-10", 10, "published"); /* before z2 */
	event(db, v, "E04", "M0001", "B03", "2026-06-01", 10, "published"); /* on z2: dropped */
	event(db, v, "E05", "M0001", "Z01", "2026-06-01", 0, "assembly");   /* z2: the latest */
	event(db, v, "E06", "M0001", "M01", "2026-06-02", 30, "published"); /* counted */
	event(db, v, "E07", "M0001", "B01", "2026-09-01", 20, "published"); /* counted */
	/* a zeroing that is not approved does not zero */
	event(db, v, "E08", "M0002", "B01", "2026-02-01", 20, "published");
	event(db, v, "E09", "M0002", "Z01", "2026-08-01", 0, "committee");
	/* last year's zeroing does not reach into this year */
	event(db, v, "E10", "M0002", "Z01", "2025-12-01", 0, "published");
	expect_text(members_csv(db, 2026, 0, v),
		    MEMBERS_HEAD
		    "1,990101001201,M0001,党员M0001,5.0\n"
		    "2,990101001201,M0002,党员M0002,2.0\n");
	/* April is before the year's latest zeroing: nothing counts */
	expect_text(members_csv(db, 2026, 4, v),
		    MEMBERS_HEAD
		    "1,990101001201,M0001,党员M0001,0.0\n"
		    "1,990101001201,M0002,党员M0002,0.0\n");
	/* June counts only what follows the zeroing day */
	expect_text(members_csv(db, 2026, 6, v),
		    MEMBERS_HEAD
		    "1,990101001201,M0001,党员M0001,3.0\n"
		    "2,990101001201,M0002,党员M0002,0.0\n");
	stele_db_close(db);
}

static void test_members_per_village(void **state)
{
	sqlite3 *db = new_db();

	(void)state;
	village(db, "990101001201", true);
	village(db, "990101001202", true);
	member(db, "990101001202", "M0001", "active");
	member(db, "990101001201", "M0001", "active");
	member(db, "990101001201", "M0002", "active");
	event(db, "990101001202", "E1", "M0001", "B01", "2026-05-01", 20, "published");
	event(db, "990101001201", "E1", "M0002", "B02", "2026-05-01", 10, "published");
	expect_text(members_csv(db, 2026, 5, NULL),
		    MEMBERS_HEAD
		    "1,990101001201,M0002,党员M0002,1.0\n"
		    "2,990101001201,M0001,党员M0001,0.0\n"
		    "1,990101001202,M0001,党员M0001,2.0\n");
	expect_text(members_csv(db, 2026, 5, "990101001202"),
		    MEMBERS_HEAD "1,990101001202,M0001,党员M0001,2.0\n");
	stele_db_close(db);
}

/* ---- stars ------------------------------------------------------------ */

static void assess(sqlite3 *db, const char *v, int year, const int tenths[6])
{
	for (int i = 0; i < 6; i++)
		sql(db, "INSERT INTO assessment (village_code, year, item_code, score) "
		    "VALUES ('%s', %d, 'S%d', %d)", v, year, i + 1, tenths[i]);
}

/* The county approves v's self-assessment for year (乡镇初审、县级批准). */
static void approve(sqlite3 *db, const char *v, int year)
{
	if (stele_review_approve(db, v, year, "2026-11-01", NULL) < 0)
		fail_msg("approve %s %d: %s", v, year, stele_error_message());
}

static void adjust(sqlite3 *db, const char *v, int year, const char *item, int tenths)
{
	if (stele_review_adjust(db, v, year, item, tenths, NULL) < 0)
		fail_msg("adjust %s %d %s: %s", v, year, item, stele_error_message());
}

/* Thresholds and vetoes, on declared scores (star.review = none). */
static void test_stars(void **state)
{
	sqlite3 *db = new_db();
	static const int full[6] = { 200, 150, 150, 150, 200, 150 };       /* 100.0 */
	static const int ninety[6] = { 200, 150, 150, 150, 200, 50 };      /* 90.0 */
	static const int just_below[6] = { 200, 150, 150, 150, 199, 50 };  /* 89.9 */
	static const int sixty[6] = { 100, 100, 100, 100, 100, 100 };      /* 60.0 */
	static const int low[6] = { 100, 100, 100, 100, 100, 99 };         /* 59.9 */

	(void)state;
	sql(db, "UPDATE ranking_config SET value = 'none' WHERE key = 'star.review'");
	village(db, "990101001201", true);
	village(db, "990101001202", true);
	village(db, "990101001203", true);
	village(db, "990101001204", true);
	village(db, "990101001205", true);
	village(db, "990101001206", true);
	village(db, "990101001207", true);
	assess(db, "990101001201", 2026, ninety);
	assess(db, "990101001202", 2026, just_below);
	assess(db, "990101001203", 2026, sixty);
	assess(db, "990101001204", 2026, low);
	assess(db, "990101001205", 2026, full);
	/* a vetoed village gets 1 star whatever its score */
	sql(db, "INSERT INTO veto_event VALUES ('V1', '990101001205', 'V3', 2026, NULL)");
	/* last year's veto and last year's assessment do not count for this year's
	 * stars; they make last year's (prev_stars) */
	sql(db, "INSERT INTO veto_event VALUES ('V2', '990101001201', 'V3', 2025, NULL)");
	assess(db, "990101001206", 2025, full);
	/* a score above the item's max counts as the max; an inactive item not at all */
	sql(db, "INSERT INTO standard_item (code, name, max_score, active) VALUES ('S9', 'old', 500, 0)");
	sql(db, "INSERT INTO assessment VALUES ('990101001207', 2026, 'S1', 250, NULL), "
	    "('990101001207', 2026, 'S9', 400, NULL)");
	expect_text(stars_csv(db, 2026),
		    STARS_HEAD
		    "990101001201,村201,990101001,90.0,90.0,5,no,approved,,\n"
		    "990101001202,村202,990101001,89.9,89.9,4,no,approved,,\n"
		    "990101001203,村203,990101001,60.0,60.0,2,no,approved,,\n"
		    "990101001205,村205,990101001,100.0,100.0,1,yes,approved,,\n"
		    "990101001204,村204,990101001,59.9,59.9,1,no,approved,,\n"
		    "990101001207,村207,990101001,20.0,20.0,1,no,approved,,\n"
		    "990101001206,村206,990101001,,,,no,,5,\n");
	/* thresholds come from ranking_config */
	sql(db, "INSERT OR REPLACE INTO ranking_config VALUES ('star.5', '95'), ('star.2', '55')");
	expect_text(stars_csv(db, 2026),
		    STARS_HEAD
		    "990101001201,村201,990101001,90.0,90.0,4,no,approved,,\n"
		    "990101001202,村202,990101001,89.9,89.9,4,no,approved,,\n"
		    "990101001203,村203,990101001,60.0,60.0,2,no,approved,,\n"
		    "990101001204,村204,990101001,59.9,59.9,2,no,approved,,\n"
		    "990101001205,村205,990101001,100.0,100.0,1,yes,approved,,\n"
		    "990101001207,村207,990101001,20.0,20.0,1,no,approved,,\n"
		    "990101001206,村206,990101001,,,,no,,5,\n");
	stele_db_close(db);
}

/* ---- league table ----------------------------------------------------- */

static void test_league_indicators(void **state)
{
	sqlite3 *db = new_db();
	const char *v = "990101001201";
	static const int score[6] = { 150, 100, 100, 100, 150, 100 }; /* 70.0 */

	(void)state;
	village(db, v, true);
	/* tasks due in May: closed on time, closed late, open; June's is not May's */
	sql(db, "INSERT INTO task (village_code, id, title, due_on, closed_on) VALUES "
	    "('%s', 'T1', 't', '2026-05-10', '2026-05-10'), ('%s', 'T2', 't', '2026-05-11', '2026-05-12'), "
	    "('%s', 'T3', 't', '2026-05-31', NULL), ('%s', 'T4', 't', '2026-06-01', '2026-05-01')",
	    v, v, v, v);
	/* requests received in May: day 7 counts, day 8 does not, open does not */
	sql(db, "INSERT INTO request (village_code, id, received_on, resolved_on) VALUES "
	    "('%s', 'R1', '2026-05-25', '2026-06-01'), ('%s', 'R2', '2026-05-25', '2026-06-02'), "
	    "('%s', 'R3', '2026-05-01', NULL), ('%s', 'R4', '2026-05-01', '2026-05-01')", v, v, v, v);
	/* participation: 1 of 4 active members took part (a deduction, a zeroing or a
	 * rejected event is not taking part) */
	member(db, v, "M1", "active");
	member(db, v, "M2", "active");
	member(db, v, "M3", "active");
	member(db, v, "M4", "active");
	member(db, v, "M5", "deceased");
	event(db, v, "E1", "M1", "B01", "2026-05-03", 20, "published");
	event(db, v, "E2", "M2", "D01", "2026-05-03", -20, "assembly");
	event(db, v, "E3", "M3", "Z01", "2026-05-03", 0, "published");
	event(db, v, "E4", "M4", "B01", "2026-05-03", 20, "rejected");
	event(db, v, "E5", "M5", "B01", "2026-05-03", 20, "published");
	/* last year's reviewed score stands in for this year's */
	assess(db, v, 2025, score);
	approve(db, v, 2025);
	/* April has no record: no rank change.
	 * composite = (25*3333 + 25*5000 + 20*2500 + 15*10000 + 15*7000) / 100 = 5133.25 */
	expect_text(league_csv(db, 2026, 5, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,51.33,0.3333,0.5000,0.2500,1.0000,0.7000,A,no,,ok\n");
	/* request.days from ranking_config: 8 days makes R2 in time */
	sql(db, "INSERT OR REPLACE INTO ranking_config VALUES ('request.days', '8')");
	expect_text(league_csv(db, 2026, 5, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,57.58,0.3333,0.7500,0.2500,1.0000,0.7000,A,no,,ok\n");
	stele_db_close(db);
}

static void test_league_empty_and_unsynced(void **state)
{
	sqlite3 *db = new_db();

	(void)state;
	village(db, "990101001201", true);   /* synced, its first record in March */
	village(db, "990101001202", false);  /* never synced: unranked */
	village(db, "990101001203", true);
	village(db, "990101001204", true);   /* started in January, no income at all */
	sql(db, "INSERT INTO income (village_code, id, period, amount) VALUES "
	    "('990101001203', 'I1', '2026-01', 100), ('990101001201', 'I1', '2026-03', 50), "
	    "('990101001202', 'I1', '2026-01', 999999)");
	sql(db, "INSERT INTO period_close VALUES ('990101001203', '2026-02', 'x'), "
	    "('990101001204', '2026-01', 'x')");
	/* In February 201 has not started (unranked, out of the income percentile);
	 * 204 has, with no income: 0 yuan is data. */
	expect_text(league_csv(db, 2026, 2, NULL),
		    LEAGUE_HEAD
		    "1,990101001203,村203,990101001,100.00,,,,1.0000,,A,yes,0,ok\n"
		    "2,990101001204,村204,990101001,0.00,,,,0.0000,,B,no,0,ok\n"
		    ",990101001201,村201,990101001,,,,,,,,no,,not_started\n"
		    ",990101001202,村202,990101001,,,,,,,,no,,unsynced\n");
	/* In March 201 has started: 100 > 50 > 0 fen; no rank change from February */
	expect_text(league_csv(db, 2026, 3, NULL),
		    LEAGUE_HEAD
		    "1,990101001203,村203,990101001,100.00,,,,1.0000,,A,no,0,ok\n"
		    "2,990101001201,村201,990101001,50.00,,,,0.5000,,B,no,,ok\n"
		    "3,990101001204,村204,990101001,0.00,,,,0.0000,,B,no,-1,ok\n"
		    ",990101001202,村202,990101001,,,,,,,,no,,unsynced\n");
	/* With the income weight at 0 no indicator counts: every village unranked */
	sql(db, "INSERT OR REPLACE INTO ranking_config VALUES ('weight.income', '0')");
	expect_text(league_csv(db, 2026, 3, NULL),
		    LEAGUE_HEAD
		    ",990101001201,村201,990101001,,,,,0.5000,,,no,,ok\n"
		    ",990101001202,村202,990101001,,,,,,,,no,,unsynced\n"
		    ",990101001203,村203,990101001,,,,,1.0000,,,no,,ok\n"
		    ",990101001204,村204,990101001,,,,,0.0000,,,no,,ok\n");
	stele_db_close(db);
}

static void test_league_single_village(void **state)
{
	sqlite3 *db = new_db();

	(void)state;
	village(db, "990101001201", true);
	village(db, "990101001202", false);
	sql(db, "INSERT INTO period_close VALUES ('990101001201', '2026-05', 'x')");
	expect_text(league_csv(db, 2026, 7, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,100.00,,,,1.0000,,A,no,0,ok\n"
		    ",990101001202,村202,990101001,,,,,,,,no,,unsynced\n");
	stele_db_close(db);
}

/* n synced villages with distinct incomes; returns their grades in rank order. */
static void grades(sqlite3 *db, int n, char *out)
{
	struct stele_league *league = NULL;

	for (int i = 0; i < n; i++) {
		char code[32];
		snprintf(code, sizeof(code), "990101001%03d", 201 + i);
		village(db, code, true);
		sql(db, "INSERT INTO income (village_code, id, period, amount) VALUES ('%s', 'I1', "
		    "'2026-01', %d)", code, 1000 - i);
	}
	assert_int_equal(stele_league_compute(&league, db, 2026, 1, NULL, false), 0);
	assert_int_equal(league->nranked, (size_t)n);
	for (int i = 0; i < n; i++) {
		assert_int_equal(league->rows[i].rank, i + 1);
		out[i] = league->rows[i].grade;
	}
	out[n] = 0;
	stele_league_free(league);
}

static void test_league_grade_cutoffs(void **state)
{
	static const struct { int n; const char *want; } cases[] = {
		{ 1, "A" }, { 2, "AB" }, { 3, "ABB" }, { 10, "AAABBBBBBC" }, { 11, "AAAABBBBBBC" },
	};
	char got[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sqlite3 *db = new_db();
		grades(db, cases[i].n, got);
		assert_string_equal(got, cases[i].want);
		stele_db_close(db);
	}
	/* grade shares from ranking_config */
	sqlite3 *db = new_db();
	sql(db, "INSERT OR REPLACE INTO ranking_config VALUES ('grade.a_pct', '50'), ('grade.c_pct', '20')");
	grades(db, 10, got);
	assert_string_equal(got, "AAAAABBBCC");
	stele_db_close(db);
}

static void test_league_ties_and_rank_change(void **state)
{
	sqlite3 *db = new_db();

	(void)state;
	village(db, "990101001201", true);
	village(db, "990101001202", true);
	village(db, "990101001203", true);
	/* November: no village has started (no rank change in December). December:
	 * 3 > 2 > 1 fen. */
	sql(db, "INSERT INTO income (village_code, id, period, amount) VALUES "
	    "('990101001201', 'I1', '2026-12', 1), ('990101001202', 'I1', '2026-12', 2), "
	    "('990101001203', 'I1', '2026-12', 3)");
	/* January 2027 counts from 2027-01 only: 201 and 202 tie above 203 */
	sql(db, "INSERT INTO income (village_code, id, period, amount) VALUES "
	    "('990101001201', 'I2', '2027-01', 5), ('990101001202', 'I2', '2027-01', 5)");
	expect_text(league_csv(db, 2026, 12, NULL),
		    LEAGUE_HEAD
		    "1,990101001203,村203,990101001,100.00,,,,1.0000,,A,no,,ok\n"
		    "2,990101001202,村202,990101001,50.00,,,,0.5000,,B,no,,ok\n"
		    "3,990101001201,村201,990101001,0.00,,,,0.0000,,B,no,,ok\n");
	expect_text(league_csv(db, 2027, 1, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,50.00,,,,0.5000,,A,no,2,ok\n"
		    "1,990101001202,村202,990101001,50.00,,,,0.5000,,A,no,1,ok\n"
		    "3,990101001203,村203,990101001,0.00,,,,0.0000,,B,no,-2,ok\n");
	stele_db_close(db);
}

static void test_league_weights(void **state)
{
	sqlite3 *db = new_db();
	static const int high[6] = { 200, 150, 150, 150, 200, 150 };
	static const int low[6] = { 100, 100, 100, 100, 100, 100 };

	(void)state;
	village(db, "990101001201", true);
	village(db, "990101001202", true);
	/* 201: more income, weaker assessment; 202 the other way round */
	sql(db, "INSERT INTO income (village_code, id, period, amount) VALUES "
	    "('990101001201', 'I1', '2026-04', 900), ('990101001202', 'I1', '2026-04', 0)");
	assess(db, "990101001201", 2026, low);
	assess(db, "990101001202", 2026, high);
	approve(db, "990101001201", 2026);
	approve(db, "990101001202", 2026);
	/* (15 * 10000 + 15 * 6000) / 30 = 8000 against (15 * 0 + 15 * 10000) / 30 */
	expect_text(league_csv(db, 2026, 4, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,80.00,,,,1.0000,0.6000,A,no,,ok\n"
		    "2,990101001202,村202,990101001,50.00,,,,0.0000,1.0000,B,no,,ok\n");
	/* a heavier assessment weight turns it round: 450000 / 65 against 500000 / 65 */
	sql(db, "INSERT OR REPLACE INTO ranking_config VALUES ('weight.assessment', '50')");
	expect_text(league_csv(db, 2026, 4, NULL),
		    LEAGUE_HEAD
		    "1,990101001202,村202,990101001,76.92,,,,0.0000,1.0000,A,no,,ok\n"
		    "2,990101001201,村201,990101001,69.23,,,,1.0000,0.6000,B,no,,ok\n");
	stele_db_close(db);
}

/* An overdue task keeps counting against the village until it is closed out
 * (台账销号): in play from its month to the month it is closed in. */
static void test_league_tasks_in_play(void **state)
{
	sqlite3 *db = new_db();
	const char *v = "990101001201";

	(void)state;
	village(db, v, true);
	sql(db, "INSERT INTO task (village_code, id, title, due_on, closed_on) VALUES "
	    "('%s', 'T1', 't', '2026-03-10', '2026-05-01'), "   /* late: in play March..May */
	    "('%s', 'T2', 't', '2026-03-20', NULL), "           /* never closed */
	    "('%s', 'T3', 't', '2026-03-25', '2026-03-31'), "   /* late, same month */
	    "('%s', 'T4', 't', '2026-04-15', '2026-04-15'), "   /* on time in April */
	    "('%s', 'T5', 't', '2026-02-10', '2026-03-31')",    /* closed before April */
	    v, v, v, v, v);
	struct { int month; const char *rate; } want[] = {
		{ 2, "0.0000" }, /* T5 */
		{ 3, "0.0000" }, /* T1 T2 T3 T5 */
		{ 4, "0.3333" }, /* T1 T2 T4 */
		{ 5, "0.0000" }, /* T1 (closed on 05-01, late) T2 */
		{ 6, "0.0000" }, /* T2 */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct stele_league *league = NULL;
		char rate[32];
		assert_int_equal(stele_league_compute(&league, db, 2026, want[i].month, NULL, false), 0);
		assert_true(league->rows[0].has[STELE_IND_TASK]);
		stele_format_fixed(rate, league->rows[0].ind[STELE_IND_TASK], 4);
		if (strcmp(rate, want[i].rate) != 0)
			fail_msg("month %d: task_rate %s, want %s", want[i].month, rate, want[i].rate);
		stele_league_free(league);
	}
	/* the task count in May is 2 (T1, T2): close T2 on time? No: it is overdue,
	 * so closing it in June counts it in June as late, then it leaves play */
	sql(db, "UPDATE task SET closed_on = '2026-06-05' WHERE id = 'T2'");
	struct stele_league *league = NULL;
	assert_int_equal(stele_league_compute(&league, db, 2026, 7, NULL, false), 0);
	assert_false(league->rows[0].has[STELE_IND_TASK]);
	stele_league_free(league);
	stele_db_close(db);
}

/* Taking part: a member whose only counted event is a deduction did not take
 * part; a flowing member is not held to participation but is ranked. */
static void test_participation_rules(void **state)
{
	sqlite3 *db = new_db();
	const char *v = "990101001201";
	struct stele_league *league = NULL;

	(void)state;
	village(db, v, true);
	member(db, v, "M1", "active");
	member(db, v, "M2", "active");
	member(db, v, "M3", "flowing");
	event(db, v, "E1", "M1", "M01", "2026-05-03", 30, "published");
	event(db, v, "E2", "M2", "D01", "2026-05-04", -20, "published");  /* deduction only */
	event(db, v, "E3", "M2", "B01", "2026-05-05", 20, "committee");   /* not counted yet */
	event(db, v, "E4", "M3", "B01", "2026-05-06", 20, "published");   /* away: not counted */
	event(db, v, "E5", "M1", "X99", "2026-06-01", 20, "published");   /* unknown rule */
	assert_int_equal(stele_league_compute(&league, db, 2026, 5, NULL, false), 0);
	assert_int_equal(league->rows[0].ind[STELE_IND_PARTICIPATION], 5000);  /* 1 of 2 */
	stele_league_free(league);
	assert_int_equal(stele_league_compute(&league, db, 2026, 6, NULL, false), 0);
	assert_int_equal(league->rows[0].ind[STELE_IND_PARTICIPATION], 0);
	stele_league_free(league);
	/* the deduction still counts in M2's points; M3 is ranked */
	expect_text(members_csv(db, 2026, 5, v),
		    MEMBERS_HEAD
		    "1,990101001201,M1,党员M1,3.0\n"
		    "2,990101001201,M3,党员M3,2.0\n"
		    "3,990101001201,M2,党员M2,-2.0\n");
	/* with only flowing members, participation is empty */
	sql(db, "UPDATE member SET status = 'flowing'");
	assert_int_equal(stele_league_compute(&league, db, 2026, 5, NULL, false), 0);
	assert_false(league->rows[0].has[STELE_IND_PARTICIPATION]);
	stele_league_free(league);
	stele_db_close(db);
}

/* A village that has no record dated in a month or earlier is not ranked for
 * it, whatever else it has (an approved assessment, members); the first month
 * it is ranked has no rank change. */
static void test_league_not_started(void **state)
{
	sqlite3 *db = new_db();
	static const int score[6] = { 150, 100, 100, 100, 150, 100 };

	(void)state;
	village(db, "990101001201", true);
	village(db, "990101001202", true);
	sql(db, "INSERT INTO income (village_code, id, period, amount) VALUES "
	    "('990101001201', 'I1', '2026-01', 100), ('990101001202', 'I1', '2026-10', 900)");
	member(db, "990101001202", "M1", "active");
	assess(db, "990101001202", 2026, score);
	approve(db, "990101001202", 2026);
	/* September: 202 not started, and the income percentile is over 201 alone */
	expect_text(league_csv(db, 2026, 9, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,100.00,,,,1.0000,,A,no,0,ok\n"
		    ",990101001202,村202,990101001,,,,,,,,no,,not_started\n");
	/* October: 202 ranked, with no rank change; (15*10000 + 15*7000) / 50 */
	expect_text(league_csv(db, 2026, 10, NULL),
		    LEAGUE_HEAD
		    "1,990101001202,村202,990101001,51.00,,,0.0000,1.0000,0.7000,A,no,,ok\n"
		    "2,990101001201,村201,990101001,0.00,,,,0.0000,,B,no,-1,ok\n");
	/* any record dated earlier starts it (an overdue task due in August): in
	 * September it has no income yet, and 0 yuan is data; 15*7000 / 75 */
	sql(db, "INSERT INTO task (village_code, id, title, due_on) VALUES "
	    "('990101001202', 'T1', 't', '2026-08-31')");
	expect_text(league_csv(db, 2026, 9, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,100.00,,,,1.0000,,A,no,0,ok\n"
		    "2,990101001202,村202,990101001,14.00,0.0000,,0.0000,0.0000,0.7000,B,no,0,ok\n");
	stele_db_close(db);
}

/* The league flags a stopped stream, and still ranks what was merged before. */
static void test_league_status(void **state)
{
	sqlite3 *db = new_db();

	(void)state;
	village(db, "990101001201", true);
	village(db, "990101001202", true);
	village(db, "990101001203", false);
	sql(db, "INSERT INTO income (village_code, id, period, amount) VALUES "
	    "('990101001201', 'I1', '2026-01', 100), ('990101001202', 'I1', '2026-01', 50)");
	sql(db, "UPDATE stele_stream SET state = 'quarantined' WHERE writer = '990101001201'");
	sql(db, "UPDATE stele_stream SET state = 'held' WHERE writer = '990101001202'");
	/* quarantined before anything merged: unranked, and quarantined says why */
	sql(db, "INSERT INTO stele_stream (writer, last_seq, state) VALUES "
	    "('990101001203', 0, 'quarantined')");
	expect_text(league_csv(db, 2026, 2, NULL),
		    LEAGUE_HEAD
		    "1,990101001201,村201,990101001,100.00,,,,1.0000,,A,no,0,quarantined\n"
		    "2,990101001202,村202,990101001,0.00,,,,0.0000,,B,no,0,held\n"
		    ",990101001203,村203,990101001,,,,,,,,no,,quarantined\n");
	stele_db_close(db);
}

/* A month after the current one has not begun: refused as a usage error. */
static void test_month_not_begun(void **state)
{
	int y, m, d, year, month;
	char text[64];

	(void)state;
	stele_civil_from_days(&y, &m, &d, stele_today());
	snprintf(text, sizeof(text), "%04d-%02d", y, m);
	assert_int_equal(stele_rank_period(&year, &month, NULL, text), 0);
	assert_int_equal(month, m);
	snprintf(text, sizeof(text), "%04d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	assert_int_equal(stele_rank_period(&year, &month, NULL, text), STELE_EUSAGE);
	assert_non_null(strstr(stele_error_message(), "has not begun yet"));
	/* a year alone is not refused: its months so far are ranked */
	snprintf(text, sizeof(text), "%04d", y);
	assert_int_equal(stele_rank_period(&year, &month, text, NULL), 0);
}

/* Stars from the county-reviewed score (star.review = required). */
static void test_stars_review(void **state)
{
	sqlite3 *db = new_db();
	static const int declared[6] = { 200, 150, 150, 150, 200, 100 };  /* 95.0 */
	const char *a = "990101001201", *b = "990101001202", *c = "990101001203",
		   *d = "990101001204";

	(void)state;
	village(db, a, true);
	village(db, b, true);
	village(db, c, true);
	village(db, d, true);
	assess(db, a, 2026, declared);
	assess(db, b, 2026, declared);
	assess(db, c, 2026, declared);
	/* a: approved as declared, then the village edits its own row: no effect */
	approve(db, a, 2026);
	sql(db, "UPDATE assessment SET score = 0 WHERE village_code = '%s' AND item_code = 'S1'", a);
	/* b: the township's first review cuts S1 before the approval: kept by it;
	 * then the county raises S6 after it */
	adjust(db, b, 2026, "S1", 100);
	approve(db, b, 2026);
	adjust(db, b, 2026, "S6", 150);
	/* c: adjusted but never approved: pending, no stars */
	adjust(db, c, 2026, "S2", 50);
	/* d: declared nothing, approval refused, nothing written */
	assert_int_equal(stele_review_approve(db, d, 2026, "2026-11-01", NULL), STELE_EINVALID);
	assert_non_null(strstr(stele_error_message(), "declared no self-assessment"));
	/* approving twice is refused */
	assert_int_equal(stele_review_approve(db, a, 2026, "2026-11-02", NULL), STELE_EINVALID);
	assert_non_null(strstr(stele_error_message(), "already approved"));
	/* a score above the item's maximum, or of an unknown item, is refused */
	assert_int_equal(stele_review_adjust(db, a, 2026, "S1", 201, NULL), STELE_EINVALID);
	assert_int_equal(stele_review_adjust(db, a, 2026, "S9", 1, NULL), STELE_EINVALID);
	expect_text(stars_csv(db, 2026),
		    STARS_HEAD
		    "990101001201,村201,990101001,75.0,95.0,5,no,approved,,\n"
		    "990101001202,村202,990101001,95.0,90.0,5,no,approved,,\n"
		    "990101001203,村203,990101001,95.0,,,no,pending,,\n"
		    "990101001204,村204,990101001,,,,no,,,\n");
	/* the league uses the reviewed score; pending c has none (nor for 2025) */
	struct stele_league *league = NULL;
	sql(db, "INSERT INTO period_close VALUES ('%s', '2026-01', 'x'), ('%s', '2026-01', 'x'), "
	    "('%s', '2026-01', 'x')", a, b, c);
	assert_int_equal(stele_league_compute(&league, db, 2026, 1, NULL, false), 0);
	assert_int_equal(league->rows[0].ind[STELE_IND_ASSESSMENT], 9500);
	assert_int_equal(league->rows[1].ind[STELE_IND_ASSESSMENT], 9000);
	assert_string_equal(league->rows[2].code, c);
	assert_false(league->rows[2].has[STELE_IND_ASSESSMENT]);
	stele_league_free(league);
	/* with star.review = none the declared scores count as they are */
	sql(db, "UPDATE ranking_config SET value = 'none' WHERE key = 'star.review'");
	expect_text(stars_csv(db, 2026),
		    STARS_HEAD
		    "990101001202,村202,990101001,95.0,95.0,5,no,approved,,\n"
		    "990101001203,村203,990101001,95.0,95.0,5,no,approved,,\n"
		    "990101001201,村201,990101001,75.0,75.0,3,no,approved,,\n"
		    "990101001204,村204,990101001,,,,no,,,\n");
	stele_db_close(db);
}

/* prev_stars and change: 进步升星、退步摘星; last year's veto makes 1 star. */
static void test_stars_history(void **state)
{
	sqlite3 *db = new_db();
	static const int high[6] = { 200, 150, 150, 150, 200, 150 };  /* 100.0 */
	static const int mid[6] = { 150, 100, 100, 100, 150, 100 };   /* 70.0 */
	const char *codes[] = { "990101001201", "990101001202", "990101001203", "990101001204",
				"990101001205" };

	(void)state;
	for (int i = 0; i < 5; i++)
		village(db, codes[i], true);
	/* 201 up, 202 down, 203 same, 204 vetoed last year, 205 nothing last year */
	assess(db, codes[0], 2025, mid);
	assess(db, codes[0], 2026, high);
	assess(db, codes[1], 2025, high);
	assess(db, codes[1], 2026, mid);
	assess(db, codes[2], 2025, mid);
	assess(db, codes[2], 2026, mid);
	assess(db, codes[3], 2025, high);
	assess(db, codes[3], 2026, high);
	assess(db, codes[4], 2026, mid);
	for (int i = 0; i < 5; i++) {
		if (i < 4)
			approve(db, codes[i], 2025);
		approve(db, codes[i], 2026);
	}
	sql(db, "INSERT INTO veto_event VALUES ('V1', '%s', 'V3', 2025, NULL)", codes[3]);
	expect_text(stars_csv(db, 2026),
		    STARS_HEAD
		    "990101001201,村201,990101001,100.0,100.0,5,no,approved,3,up\n"
		    "990101001204,村204,990101001,100.0,100.0,5,no,approved,1,up\n"
		    "990101001202,村202,990101001,70.0,70.0,3,no,approved,5,down\n"
		    "990101001203,村203,990101001,70.0,70.0,3,no,approved,3,same\n"
		    "990101001205,村205,990101001,70.0,70.0,3,no,approved,,\n");
	stele_db_close(db);
}

/* ---- the reference county -------------------------------------------- */

static const char *shared_dir(void)
{
	const char *dir = getenv("STELE_SHARED");
	return dir && *dir ? dir : "../shared";
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int c;

	if (!f)
		fail_msg("cannot open %s", path);
	while ((c = fgetc(f)) != EOF)
		fputc(c, out);
	fclose(f);
	fclose(out);
	return text;
}

/*
 * Loads a village's CSV into table: conv has one letter per CSV column: 't' text
 * (empty is NULL), 's' text (empty stays ''), '1' tenths, '2' fen, 'i' integer.
 * Returns the number of rows.
 */
static int load_csv(sqlite3 *db, const char *path, const char *table, const char *village_code,
		    const char *const *cols, const char *conv)
{
	struct stele_csv *csv = NULL;
	sqlite3_stmt *stmt = NULL;
	char text[1024];
	size_t ncols = strlen(conv), nfields;
	int index_of[16], rows = 0, rc;
	char **fields;

	assert_int_equal(stele_csv_open(&csv, path, 1 << 20), 0);
	if (stele_csv_header(csv, cols, ncols, NULL, index_of) < 0)
		fail_msg("%s", stele_error_message());
	int n = snprintf(text, sizeof(text), "INSERT INTO %s (village_code", table);
	for (size_t i = 0; i < ncols; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, ", %s", cols[i]);
	n += snprintf(text + n, sizeof(text) - (size_t)n, ") VALUES (?");
	for (size_t i = 0; i < ncols; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, ", ?");
	snprintf(text + n, sizeof(text) - (size_t)n, ")");
	assert_int_equal(stele_db_prepare(db, &stmt, text), 0);
	while ((rc = stele_csv_next(&fields, &nfields, csv)) > 0) {
		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, village_code, -1, SQLITE_TRANSIENT);
		for (size_t i = 0; i < ncols; i++) {
			const char *f = fields[index_of[i]];
			int64_t v;
			if (conv[i] == 's')
				sqlite3_bind_text(stmt, (int)i + 2, f, -1, SQLITE_TRANSIENT);
			else if (!*f)
				sqlite3_bind_null(stmt, (int)i + 2);
			else if (conv[i] == 't')
				sqlite3_bind_text(stmt, (int)i + 2, f, -1, SQLITE_TRANSIENT);
			else {
				if ((conv[i] == 'i'
				     ? stele_parse_int(&v, f, -1000000, 1000000, cols[i])
				     : stele_parse_fixed(&v, f, conv[i] - '0', cols[i])) < 0)
					fail_msg("%s:%zu: %s", path, stele_csv_line(csv), stele_error_message());
				sqlite3_bind_int64(stmt, (int)i + 2, v);
			}
		}
		if (sqlite3_step(stmt) != SQLITE_DONE)
			fail_msg("%s:%zu: %s", path, stele_csv_line(csv), sqlite3_errmsg(db));
		rows++;
	}
	assert_int_equal(rc, 0);
	sqlite3_finalize(stmt);
	stele_csv_free(csv);
	return rows;
}

static void import_rules(sqlite3 *db, const char *ref, const char *kind, const char *file)
{
	enum stele_rules_kind k;
	struct stele_csv *csv = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/rules/%s", ref, file);
	assert_int_equal(stele_rules_kind_parse(&k, kind), 0);
	assert_int_equal(stele_csv_open(&csv, path, 1 << 20), 0);
	if (stele_rules_import(db, k, csv) < 0)
		fail_msg("%s", stele_error_message());
	stele_csv_free(csv);
}

/* The reference county's records loaded straight into a county database (the
 * agents' import and the aggregator's merge are bypassed). */
static sqlite3 *reference_county(char *ref, size_t size)
{
	static const char *const member_cols[] = { "id", "name", "gender", "born", "joined", "status", "grid" };
	static const char *const point_cols[] = { "id", "member_id", "rule_code", "occurred_on", "points", "stage", "note" };
	static const char *const task_cols[] = { "id", "title", "category", "assignee", "due_on", "closed_on" };
	static const char *const request_cols[] = { "id", "received_on", "category", "grid", "resolved_on", "satisfied" };
	static const char *const income_cols[] = { "id", "period", "amount", "source" };
	static const char *const assess_cols[] = { "year", "item_code", "score", "note" };
	static const char *const village_cols[] = { "code", "name", "township_name" };
	static const char *const veto_cols[] = { "village_code", "veto_code", "year", "note" };
	sqlite3 *db = NULL;
	struct stele_csv *csv = NULL;
	char path[512], **fields;
	size_t nfields;
	int index_of[4], rc, vetoes = 0;

	snprintf(ref, size, "%s/data/reference-county", shared_dir());
	assert_int_equal(stele_db_open(&db, ":memory:", STELE_DB_CREATE), 0);
	assert_int_equal(stele_db_exec(db, "BEGIN"), 0);
	import_rules(db, ref, "point-rules", "point-rules.csv");
	import_rules(db, ref, "standard-items", "standard-items.csv");
	import_rules(db, ref, "veto-items", "veto-items.csv");
	import_rules(db, ref, "config", "config.csv");

	snprintf(path, sizeof(path), "%s/villages.csv", ref);
	assert_int_equal(stele_csv_open(&csv, path, 1 << 20), 0);
	assert_int_equal(stele_csv_header(csv, village_cols, 3, NULL, index_of), 0);
	while ((rc = stele_csv_next(&fields, &nfields, csv)) > 0) {
		const char *code = fields[index_of[0]];
		char dir[600], p[700];
		int records = 0;
		FILE *closes;
		char line[64];

		sql(db, "INSERT INTO village VALUES ('%s', '%s', substr('%s', 1, 9), '%s')", code,
		    fields[index_of[1]], code, fields[index_of[2]]);
		snprintf(dir, sizeof(dir), "%s/villages/%s", ref, code);
		snprintf(p, sizeof(p), "%s/members.csv", dir);
		records += load_csv(db, p, "member", code, member_cols, "tttittt");
		snprintf(p, sizeof(p), "%s/points.csv", dir);
		records += load_csv(db, p, "point_event", code, point_cols, "tttt1tt");
		snprintf(p, sizeof(p), "%s/tasks.csv", dir);
		records += load_csv(db, p, "task", code, task_cols, "tttttt");
		snprintf(p, sizeof(p), "%s/requests.csv", dir);
		records += load_csv(db, p, "request", code, request_cols, "ttttti");
		snprintf(p, sizeof(p), "%s/income.csv", dir);
		records += load_csv(db, p, "income", code, income_cols, "tt2s");
		snprintf(p, sizeof(p), "%s/assessments.csv", dir);
		records += load_csv(db, p, "assessment", code, assess_cols, "it1t");
		snprintf(p, sizeof(p), "%s/closes.txt", dir);
		assert_non_null(closes = fopen(p, "r"));
		while (fgets(line, sizeof(line), closes)) {
			line[strcspn(line, "\r\n")] = 0;
			if (*line)
				sql(db, "INSERT INTO period_close VALUES ('%s', '%s', 'loaded')", code, line);
		}
		fclose(closes);
		if (records > 0)
			sql(db, "INSERT INTO stele_stream (writer, last_seq) VALUES ('%s', 1)", code);
	}
	assert_int_equal(rc, 0);
	stele_csv_free(csv);

	snprintf(path, sizeof(path), "%s/vetoes.csv", ref);
	assert_int_equal(stele_csv_open(&csv, path, 1 << 20), 0);
	assert_int_equal(stele_csv_header(csv, veto_cols, 4, NULL, index_of), 0);
	while ((rc = stele_csv_next(&fields, &nfields, csv)) > 0)
		sql(db, "INSERT INTO veto_event VALUES ('V%04d', '%s', '%s', %s, '%s')", ++vetoes,
		    fields[index_of[0]], fields[index_of[1]], fields[index_of[2]], fields[index_of[3]]);
	assert_int_equal(rc, 0);
	stele_csv_free(csv);

	/* reviews.csv in file order: an empty item_code approves, any other adjusts */
	static const char *const review_cols[] = { "village_code", "year", "item_code", "score", "note" };
	snprintf(path, sizeof(path), "%s/reviews.csv", ref);
	assert_int_equal(stele_csv_open(&csv, path, 1 << 20), 0);
	int rindex[5];
	assert_int_equal(stele_csv_header(csv, review_cols, 5, NULL, rindex), 0);
	while ((rc = stele_csv_next(&fields, &nfields, csv)) > 0) {
		const char *code = fields[rindex[0]], *item = fields[rindex[2]], *note = fields[rindex[4]];
		int year = atoi(fields[rindex[1]]);
		int64_t score;
		if (!*item) {
			rc = stele_review_approve(db, code, year, "2026-11-01", *note ? note : NULL);
		} else {
			assert_int_equal(stele_parse_tenths(&score, fields[rindex[3]], "score"), 0);
			rc = stele_review_adjust(db, code, year, item, score, *note ? note : NULL);
		}
		if (rc < 0)
			fail_msg("reviews.csv:%zu: %s", stele_csv_line(csv), stele_error_message());
	}
	assert_int_equal(rc, 0);
	stele_csv_free(csv);
	assert_int_equal(stele_db_exec(db, "COMMIT"), 0);
	return db;
}

static void expect_file(char *got, const char *ref, const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/expected/%s", ref, name);
	char *want = read_file(path);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs; got:\n%s", name, got);
	free(want);
	free(got);
}

static void test_reference_county(void **state)
{
	char ref[512];
	sqlite3 *db = reference_county(ref, sizeof(ref));

	(void)state;
	expect_file(league_csv(db, 2026, 10, NULL), ref, "league-2026-10.csv");
	expect_file(league_csv(db, 2026, 9, NULL), ref, "league-2026-09.csv");
	expect_file(league_csv(db, 2026, 10, "990101001"), ref, "league-2026-10-township-990101001.csv");
	expect_file(stars_csv(db, 2026), ref, "stars-2026.csv");
	expect_file(members_csv(db, 2026, 0, NULL), ref, "members-2026.csv");
	expect_file(members_csv(db, 2026, 10, NULL), ref, "members-2026-10.csv");
	stele_db_close(db);
}

/* A weight changed in ranking_config re-ranks the reference county. */
static void test_reference_county_reweighted(void **state)
{
	char ref[512];
	sqlite3 *db = reference_county(ref, sizeof(ref));
	struct stele_league *league = NULL;

	(void)state;
	/* Only the assessment counts: the order follows the reviewed scores, with the
	 * previous-year fallback (土楼胜利村, pending for 2026: 90.6; 桥南村 70.5) and
	 * the tie (毛毛匠村, 东子牙村). */
	sql(db, "UPDATE ranking_config SET value = '0' WHERE key IN ('weight.task', "
	    "'weight.request', 'weight.participation', 'weight.income')");
	assert_int_equal(stele_league_compute(&league, db, 2026, 10, NULL, false), 0);
	static const char *const order[] = {
		"990101003203", "990101004201", "990101002202", "990101004202", "990101001202",
		"990101002203", "990101003201", "990101001201", "990101002201", "990101001203",
		"990101003202",
	};
	assert_int_equal(league->nranked, 11);
	for (size_t i = 0; i < 11; i++)
		assert_string_equal(league->rows[i].code, order[i]);
	assert_int_equal(league->rows[0].composite, 9060);
	assert_int_equal(league->rows[5].rank, 6);
	assert_int_equal(league->rows[6].rank, 6);
	assert_false(league->rows[11].ranked);
	stele_league_free(league);
	stele_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_rounding),
		cmocka_unit_test(test_members_ties_and_stages),
		cmocka_unit_test(test_members_zeroing),
		cmocka_unit_test(test_members_per_village),
		cmocka_unit_test(test_stars),
		cmocka_unit_test(test_league_indicators),
		cmocka_unit_test(test_league_empty_and_unsynced),
		cmocka_unit_test(test_league_single_village),
		cmocka_unit_test(test_league_grade_cutoffs),
		cmocka_unit_test(test_league_ties_and_rank_change),
		cmocka_unit_test(test_league_weights),
		cmocka_unit_test(test_league_tasks_in_play),
		cmocka_unit_test(test_participation_rules),
		cmocka_unit_test(test_league_not_started),
		cmocka_unit_test(test_league_status),
		cmocka_unit_test(test_month_not_begun),
		cmocka_unit_test(test_stars_review),
		cmocka_unit_test(test_stars_history),
		cmocka_unit_test(test_reference_county),
		cmocka_unit_test(test_reference_county_reweighted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
