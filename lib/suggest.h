/* suggest.h: "did you mean": the known code or id closest to a mistyped one. */
#ifndef STELE_SUGGEST_H
#define STELE_SUGGEST_H

#include <stddef.h>
#include <sqlite3.h>

/* How far candidate is from given: 0 when they are equal ignoring ASCII case,
 * else their edit distance ignoring case (insertions, deletions, substitutions,
 * swaps of two neighbours), or -1 when that is more than a slip of the keyboard
 * (more than 1 for a text of up to 4 characters, more than 2 for longer). */
int stele_suggest_distance(const char *given, const char *candidate);

/*
 * The closest of the first column of sql's rows (params bound as ?1, ?2, ...;
 * NULL-terminated, may be NULL) to given, by stele_suggest_distance, the first
 * in the query's order on a tie, copied into out (outsz bytes). Returns 1 when
 * there is one, 0 when none is close (out is then ""), or an error.
 */
int stele_suggest_query(char *out, size_t outsz, sqlite3 *db, const char *sql,
			const char *const *params, const char *given);

/* After a refusal naming given: appends " (did you mean 'BEST'?)" to the
 * message when best (stele_suggest_query's out) is not "". */
void stele_suggest_hint(const char *best);

#endif
