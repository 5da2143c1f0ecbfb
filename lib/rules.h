/* rules.h: the county's rules catalogue (point rules, standard items, veto items,
 * ranking configuration): CSV import with validation, and the default catalogue. */
#ifndef STELE_RULES_H
#define STELE_RULES_H

#include <stdbool.h>
#include <sqlite3.h>

#include "csv.h"

enum stele_rules_kind {
	STELE_RULES_POINT_RULES,    /* point-rules: code,category,name,points,active */
	STELE_RULES_STANDARD_ITEMS, /* standard-items: code,name,max_score */
	STELE_RULES_VETO_ITEMS,     /* veto-items: code,name */
	STELE_RULES_CONFIG,         /* config: key,value */
};

/* "point-rules" etc. to a kind; STELE_EUSAGE for an unknown name. */
int stele_rules_kind_parse(enum stele_rules_kind *out, const char *name);
/* The kind's name ("point-rules", ...), static. */
const char *stele_rules_kind_name(enum stele_rules_kind kind);

/* The query that lists a rules table in its import columns (points and scores
 * with one decimal), ordered by code; "active" is its numeric column. Both
 * programs' `rules list` print it. */
const char *stele_rules_list_sql(enum stele_rules_kind kind);

/*
 * Replaces one rules table with the CSV's rows, inside the caller's transaction:
 * rows in the file are inserted or updated; point rules and standard items the
 * file no longer lists are kept but made inactive (events and assessments still
 * name them); veto items not listed are deleted unless a veto event names one;
 * config keys not listed are deleted (their defaults apply). Validates everything
 * first (codes, categories and signs, one decimal, active standard items summing
 * to 100.0, known config keys with whole-number values, or one of the key's words) and writes nothing on
 * error, which names file, line and column.
 */
int stele_rules_import(sqlite3 *db, enum stele_rules_kind kind, struct stele_csv *csv);

/* Installs the default catalogue (the reference county's) into empty tables,
 * inside the caller's transaction. */
int stele_rules_install_defaults(sqlite3 *db);

/* The ranking_config keys with their defaults (rankings.md), NULL-terminated. A
 * key with words (star.review: none, required) stores one of them as text; its
 * value is the word's index. Other keys hold whole numbers 0..100000. */
struct stele_config_default {
	const char *key;
	long long value;
	const char *const *words;  /* NULL-terminated, or NULL for a number */
	bool no_default;           /* unset unless the county sets it (value unused) */
	long long max;             /* the largest number allowed; 0: 100000 */
};
extern const struct stele_config_default stele_config_defaults[];

/* The value of config key (the table's, else the default): the number, or the
 * index of the word. */
int stele_config_get(long long *out, sqlite3 *db, const char *key);
/* The same, for a key that may be unset: *set says whether the table holds it
 * (or it has a default); *out is written only when *set. */
int stele_config_find(bool *set, long long *out, sqlite3 *db, const char *key);

/*
 * Drafts (stele_rules_draft, local to the county): rules imported but not live.
 * stele_rules_draft_put validates csv_text (len bytes, named file in messages)
 * as stele_rules_import would against the live tables, writes nothing of it to
 * them, and keeps it as the draft of kind (replacing an earlier one).
 * stele_rules_drafts_apply imports every draft into the live tables, in kind
 * order, inside the caller's transaction (*count, may be NULL: how many);
 * stele_rules_drafts_discard deletes them (*count: how many).
 */
int stele_rules_draft_put(sqlite3 *db, enum stele_rules_kind kind, const char *file,
			  const char *csv_text, size_t len);
int stele_rules_drafts_apply(int *count, sqlite3 *db);
int stele_rules_drafts_discard(int *count, sqlite3 *db);

#endif
