/* rank.h: the rankings of shared/spec/rankings.md (member points, village stars,
 * the monthly league table), computed from a database in integer arithmetic. */
#ifndef STELE_RANK_H
#define STELE_RANK_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "table.h"

/* The ranking_config values a ranking uses (rules.h supplies the defaults). */
struct stele_rank_config {
	long long star[4];        /* star.5, star.4, star.3, star.2: whole points */
	long long member_star[4]; /* member_star.5 .. member_star.2: whole points of a year */
	long long weight[5];      /* task, request, participation, income, assessment */
	long long weight_satisfaction; /* weight.satisfaction (default 0: not counted) */
	long long request_days;
	long long grade_a_pct, grade_c_pct;
	bool review_required;     /* star.review = required (else none) */
};

int stele_rank_config_load(struct stele_rank_config *out, sqlite3 *db);
/* The stars (1..5) a standard score (tenths) earns under cfg's thresholds, before
 * any veto (rankings.md, village stars): what the workbench and `assess list` show
 * a village of its own self-assessment. */
int stele_rank_stars_for(const struct stele_rank_config *cfg, int64_t score);

/* Rounds num/den half away from zero (den != 0). */
int64_t stele_rank_div_round(int64_t num, int64_t den);
/* a + b, held at INT64_MAX or INT64_MIN instead of overflowing. */
int64_t stele_rank_add_sat(int64_t a, int64_t b);
/* The share a/b (b > 0) in integer ten-thousandths, rounded half away from zero. */
int64_t stele_rank_share(int64_t a, int64_t b);

/* The league table's indicators, in column order. */
enum {
	STELE_IND_TASK,
	STELE_IND_REQUEST,
	STELE_IND_PARTICIPATION,
	STELE_IND_INCOME,
	STELE_IND_ASSESSMENT,
	STELE_IND_COUNT,
};

/* Why a village's league row is flagged (rankings.md `status`), in precedence. */
enum stele_league_status {
	STELE_STATUS_OK,
	STELE_STATUS_QUARANTINED,  /* its stream stopped at a quarantined change set */
	STELE_STATUS_HELD,         /* its history was rewritten */
	STELE_STATUS_UNSYNCED,     /* nothing of it merged yet */
	STELE_STATUS_NOT_STARTED,  /* no record dated in the month or earlier */
};

/* The CSV word of a status: "ok", "quarantined", ... */
const char *stele_league_status_word(enum stele_league_status status);

/* One registered village in a league table. name and township_name point into
 * the league's own storage. */
struct stele_league_row {
	char code[16];
	char township_code[16];
	char *name;
	char *township_name;
	bool synced;
	char first_month[8];          /* YYYY-MM of its earliest dated record, "" if none */
	bool started;                 /* has a record dated in the month or earlier */
	enum stele_league_status status;
	bool has[STELE_IND_COUNT];
	int64_t ind[STELE_IND_COUNT]; /* ten-thousandths, valid where has[i] */
	/* Residents' satisfaction (lib/requests.c), in the composite only, and only
	 * read when weight.satisfaction > 0: not a column of the league table. */
	bool has_satisfaction;
	int64_t satisfaction;         /* ten-thousandths, valid where has_satisfaction */
	bool ranked;                  /* has a composite */
	int64_t composite;            /* hundredths (0..10000), valid where ranked */
	int rank;                     /* 1.., valid where ranked */
	char grade;                   /* 'A', 'B', 'C', or 0 when unranked */
	bool closed;                  /* period_close for the month */
	bool has_change;
	int rank_change;              /* previous month's rank - this month's */
};

/* A month's league table, rows in output order: ranked villages by rank then code,
 * then the unranked by code. Freed with stele_league_free(). */
struct stele_league {
	int year, month;
	size_t nrows;
	size_t nranked;
	struct stele_league_row *rows;
};

/*
 * Computes the league table of month (year, month 1..12) for the registered
 * villages (the `village` table), or only township's villages when township is
 * non-NULL (ranked and graded among themselves, indicators county-wide); a
 * 6-digit township is a county at a city: the villages whose codes start with it.
 * with_change computes rank_change from the previous month's table (December of
 * year - 1 for January). *out is freed by the caller with stele_league_free().
 */
int stele_league_compute(struct stele_league **out, sqlite3 *db, int year, int month,
			 const char *township, bool with_change);
void stele_league_free(struct stele_league *league);

/* Whether a village's self-assessment for a year is reviewed (rankings.md `review`). */
enum stele_review_state {
	STELE_REVIEW_NONE,      /* nothing declared (and no score) */
	STELE_REVIEW_PENDING,   /* declared, not approved by the county */
	STELE_REVIEW_APPROVED,  /* the score is set */
};

/* One registered village's star rating for a year. */
struct stele_star_row {
	char code[16];
	char township_code[16];
	char *name;
	bool declared_set;   /* has an assessment row for the year */
	int64_t declared;    /* tenths, valid where declared_set */
	bool scored;         /* has a (reviewed) score: stars are set */
	int64_t score;       /* tenths, valid where scored */
	int stars;           /* 1..5, valid where scored */
	bool veto;
	enum stele_review_state review;
	bool has_prev;       /* stars for year - 1 are set */
	int prev_stars;
};

/* Star ratings in output order: stars desc, score desc, code; villages without
 * stars after, by code. Freed with stele_stars_free(). */
struct stele_stars {
	int year;
	size_t nrows;
	struct stele_star_row *rows;
};

/* Computes the star ratings of year for every registered village. *out is freed
 * by the caller with stele_stars_free(). */
int stele_stars_compute(struct stele_stars **out, sqlite3 *db, int year);
void stele_stars_free(struct stele_stars *stars);

/*
 * The result tables (CSV columns of rankings.md; numbers are JSON numbers). Each
 * *out is a new table freed by the caller with stele_table_free().
 *
 * stele_rank_members: rank,village_code,member_id,name,points for active and flowing members;
 * month 0 ranks the whole year; village NULL ranks every village's members (each
 * village ranked on its own), ordered by village code, rank, member id.
 */
int stele_rank_members(struct stele_table **out, sqlite3 *db, int year, int month,
		       const char *village);
/* Member stars (积分争星): the year's member ranking with a sixth column, stars
 * (1..5 from member_star.5..2 of ranking_config, docs/rankings.md). */
int stele_rank_member_stars(struct stele_table **out, sqlite3 *db, int year, const char *village);
/* village_code,village_name,township_code,declared,score,stars,veto,review,
 * prev_stars,change. */
int stele_rank_stars(struct stele_table **out, sqlite3 *db, int year);
/* rank,village_code,village_name,township_code,composite,task_rate,request_rate,
 * participation,income_pct,assessment,grade,closed,rank_change,status. township may be
 * NULL (the whole county). */
int stele_rank_league(struct stele_table **out, sqlite3 *db, int year, int month,
		      const char *township);

/*
 * The period of a ranking command from its --year and --month texts (either may
 * be NULL): *year always, *month 1..12 or 0 when month_arg is NULL. --month alone
 * implies its year; given both, they must agree; a month after the current month
 * of the machine's clock has not begun and is refused. STELE_EUSAGE names the
 * option.
 */
int stele_rank_period(int *year, int *month, const char *year_arg, const char *month_arg);

#endif
