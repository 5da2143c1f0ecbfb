/* suggest.c: the closest known code or id, for "did you mean" in refusals. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "suggest.h"

#define MAX_LEN 64

int stele_suggest_distance(const char *given, const char *candidate)
{
	size_t n = strlen(given), m = strlen(candidate);
	int d[MAX_LEN + 1][MAX_LEN + 1];
	int limit = n <= 4 ? 1 : 2;

	if (n > MAX_LEN || m > MAX_LEN || (n > m ? n - m : m - n) > (size_t)limit)
		return -1;
	/* Optimal string alignment distance over lowercased ASCII. */
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int a = tolower((unsigned char)given[i - 1]);
			int b = tolower((unsigned char)candidate[j - 1]);
			int best = d[i - 1][j - 1] + (a != b);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a == tolower((unsigned char)candidate[j - 2]) &&
			    tolower((unsigned char)given[i - 2]) == b && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m] <= limit ? d[n][m] : -1;
}

int stele_suggest_query(char *out, size_t outsz, sqlite3 *db, const char *sql,
			const char *const *params, const char *given)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step, best = -1;

	out[0] = '\0';
	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	for (int i = 0; params && params[i]; i++)
		sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *cand = (const char *)sqlite3_column_text(stmt, 0);
		int dist = cand ? stele_suggest_distance(given, cand) : -1;
		if (dist >= 0 && (best < 0 || dist < best) && strcmp(cand, given) != 0) {
			snprintf(out, outsz, "%s", cand);
			best = dist;
		}
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "looking for a similar code");
	sqlite3_finalize(stmt);
	return rc < 0 ? rc : best >= 0;
}

void stele_suggest_hint(const char *best)
{
	if (*best)
		stele_error_append(" (did you mean '%s'?)", best);
}
