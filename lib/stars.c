/* stars.c: the village stars (评星定级, rankings.md): the declared and reviewed
 * standard scores of a year, the stars they earn, and the change since the year before. */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "parse.h"
#include "rank.h"
#include "rank-villages.h"

/*
 * The scores of the registered villages (codes, n) for one year into out[n]: the
 * declared score from `assessment`; the reviewed score from `assessment_review`
 * once an `assessment_approval` exists (star.review = required), else the
 * declared score; and whether a veto event names the village.
 */
int stele_rank_year_scores(struct stele_year_score *out, sqlite3 *db, const struct stele_rank_config *cfg,
		       char *const *codes, size_t n, int year)
{
	static const char *const queries[3] = {
		/* each query parenthesised: clang's -Wstring-concatenation otherwise
		 * takes the concatenated literals for a missing comma */
		("SELECT v.code, sum(CASE WHEN s.active = 1 THEN min(a.score, s.max_score) ELSE 0 END) "
		 "FROM village v JOIN assessment a ON a.village_code = v.code AND a.year = ?1 "
		 "LEFT JOIN standard_item s ON s.code = a.item_code GROUP BY v.code"),
		("SELECT v.code, sum(CASE WHEN s.active = 1 THEN min(r.score, s.max_score) ELSE 0 END) "
		 "FROM village v JOIN assessment_approval p ON p.village_code = v.code AND p.year = ?1 "
		 "LEFT JOIN assessment_review r ON r.village_code = v.code AND r.year = ?1 "
		 "LEFT JOIN standard_item s ON s.code = r.item_code GROUP BY v.code"),
		("SELECT DISTINCT v.code FROM village v JOIN veto_event e "
		 "ON e.village_code = v.code AND e.year = ?1"),
	};
	sqlite3_stmt *stmt = NULL;
	size_t idx;
	int rc = 0;

	memset(out, 0, n * sizeof(*out));
	for (int q = 0; q < 3 && rc == 0; q++) {
		if (q == 1 && !cfg->review_required)
			continue;
		if ((rc = stele_db_prepare(db, &stmt, queries[q])) < 0)
			return rc;
		sqlite3_bind_int(stmt, 1, year);
		while ((rc = stele_rank_step_village(&idx, db, stmt, codes, n, "reading assessments")) > 0) {
			if (q == 0) {
				out[idx].declared_set = true;
				out[idx].declared = sqlite3_column_int64(stmt, 1);
			} else if (q == 1) {
				out[idx].scored = true;
				out[idx].score = sqlite3_column_int64(stmt, 1);
			} else {
				out[idx].veto = true;
			}
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	if (rc == 0 && !cfg->review_required)
		for (size_t i = 0; i < n; i++) {
			out[i].scored = out[i].declared_set;
			out[i].score = out[i].declared;
		}
	return rc;
}

/* Stars for a score (tenths) under the thresholds (whole points). */
static int stars_for(const struct stele_rank_config *cfg, int64_t score)
{
	for (int i = 0; i < 4; i++)
		if (score >= cfg->star[i] * 10)
			return 5 - i;
	return 1;
}

int stele_rank_stars_for(const struct stele_rank_config *cfg, int64_t score)
{
	return stars_for(cfg, score);
}

void stele_stars_free(struct stele_stars *stars)
{
	if (!stars)
		return;
	for (size_t i = 0; i < stars->nrows; i++)
		free(stars->rows[i].name);
	free(stars->rows);
	free(stars);
}

/* Stars desc, score desc, code; villages without stars after, by code. */
static int compare_stars(const void *a, const void *b)
{
	const struct stele_star_row *x = a, *y = b;

	if (x->scored != y->scored)
		return x->scored ? -1 : 1;
	if (x->scored && x->stars != y->stars)
		return x->stars > y->stars ? -1 : 1;
	if (x->scored && x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Stars of a year's score: by threshold, 1 with a veto event. */
static int stars_of(const struct stele_rank_config *cfg, const struct stele_year_score *s)
{
	return s->veto ? 1 : stars_for(cfg, s->score);
}

int stele_stars_compute(struct stele_stars **out, sqlite3 *db, int year)
{
	struct stele_rank_config cfg;
	struct stele_league_row *villages = NULL;
	struct stele_stars *stars = NULL;
	struct stele_year_score *now = NULL, *before = NULL;
	char **codes = NULL;
	size_t n = 0;
	int rc;

	if ((rc = stele_rank_config_load(&cfg, db)) < 0)
		return rc;
	if ((rc = stele_rank_villages_load(&villages, &codes, &n, db, NULL)) < 0)
		goto done;
	if (!(stars = calloc(1, sizeof(*stars))) ||
	    !(stars->rows = calloc(n ? n : 1, sizeof(*stars->rows))) ||
	    !(now = calloc(n ? n : 1, sizeof(*now))) ||
	    !(before = calloc(n ? n : 1, sizeof(*before)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	stars->year = year;
	if ((rc = stele_rank_year_scores(now, db, &cfg, codes, n, year)) < 0 ||
	    (rc = stele_rank_year_scores(before, db, &cfg, codes, n, year - 1)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		struct stele_star_row *r = &stars->rows[i];
		memcpy(r->code, villages[i].code, sizeof(r->code));
		memcpy(r->township_code, villages[i].township_code, sizeof(r->township_code));
		r->name = villages[i].name;
		villages[i].name = NULL;
		stars->nrows++;
		r->declared_set = now[i].declared_set;
		r->declared = now[i].declared;
		r->scored = now[i].scored;
		r->score = now[i].score;
		r->veto = now[i].veto;
		r->stars = stars_of(&cfg, &now[i]);
		r->review = now[i].scored ? STELE_REVIEW_APPROVED
			: now[i].declared_set ? STELE_REVIEW_PENDING : STELE_REVIEW_NONE;
		r->has_prev = before[i].scored;
		r->prev_stars = stars_of(&cfg, &before[i]);
	}
	qsort(stars->rows, stars->nrows, sizeof(*stars->rows), compare_stars);
	*out = stars;
	stars = NULL;
done:
	stele_stars_free(stars);
	stele_rank_rows_free(villages, n);
	free(codes);
	free(now);
	free(before);
	return rc;
}

int stele_rank_stars(struct stele_table **out, sqlite3 *db, int year)
{
	static const char *const names[] = {
		"village_code", "village_name", "township_code", "declared", "score", "stars",
		"veto", "review", "prev_stars", "change",
	};
	static const enum stele_col_kind kinds[] = {
		STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER, STELE_COL_NUMBER,
		STELE_COL_NUMBER, STELE_COL_TEXT, STELE_COL_TEXT, STELE_COL_NUMBER, STELE_COL_TEXT,
	};
	static const char *const review_words[] = {
		[STELE_REVIEW_NONE] = NULL, [STELE_REVIEW_PENDING] = "pending",
		[STELE_REVIEW_APPROVED] = "approved",
	};
	struct stele_stars *stars = NULL;
	struct stele_table *t = NULL;
	int rc;

	if ((rc = stele_stars_compute(&stars, db, year)) < 0)
		return rc;
	if ((rc = stele_table_new(&t, 10, names, kinds)) < 0)
		goto done;
	for (size_t i = 0; i < stars->nrows; i++) {
		const struct stele_star_row *r = &stars->rows[i];
		char declared[32], score[32], count[8], prev[8];
		const char *cells[10] = { r->code, r->name, r->township_code, NULL, NULL, NULL,
					  r->veto ? "yes" : "no", review_words[r->review], NULL, NULL };

		stele_format_fixed(declared, r->declared, 1);
		stele_format_fixed(score, r->score, 1);
		snprintf(count, sizeof(count), "%d", r->stars);
		snprintf(prev, sizeof(prev), "%d", r->prev_stars);
		if (r->declared_set)
			cells[3] = declared;
		if (r->scored) {
			cells[4] = score;
			cells[5] = count;
		}
		if (r->has_prev)
			cells[8] = prev;
		if (r->scored && r->has_prev)
			cells[9] = r->stars > r->prev_stars ? "up"
				: r->stars < r->prev_stars ? "down" : "same";
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
	*out = t;
	t = NULL;
done:
	stele_table_free(t);
	stele_stars_free(stars);
	return rc;
}
