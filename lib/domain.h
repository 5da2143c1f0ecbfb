/* domain.h: the synced tables: who owns which (domain.md "Who owns what") and their
 * columns. */
#ifndef STELE_DOMAIN_H
#define STELE_DOMAIN_H

#include <stdbool.h>

/* NULL-terminated lists of table names. Every village-owned table has a
 * village_code column, first in its primary key. */
extern const char *const stele_village_tables[];
extern const char *const stele_county_tables[];

extern const char *const stele_township_tables[];
/* The city's catalogue, a subset of the county's tables. */
extern const char *const stele_city_tables[];

bool stele_is_village_table(const char *name);
bool stele_is_county_table(const char *name);

/*
 * The levels of the hierarchy (shared/spec/domain.md "Codes"; docs/levels.md): a
 * writer's code has its level's number of digits, and every village code below it
 * starts with it. The county's own stream is named STELE_WRITER_COUNTY ("county")
 * rather than by its code, for the streams already published.
 */
enum stele_level {
	STELE_LEVEL_NONE = 0,
	STELE_LEVEL_PROVINCE = 2,
	STELE_LEVEL_CITY = 4,
	STELE_LEVEL_COUNTY = 6,
	STELE_LEVEL_TOWNSHIP = 9,
	STELE_LEVEL_VILLAGE = 12,
};

/* The level of a writer: its code's number of digits, STELE_LEVEL_COUNTY for
 * "county", STELE_LEVEL_NONE for anything else. */
enum stele_level stele_writer_level(const char *writer);

/* The synced tables a level writes (NULL-terminated, static; an empty list for a
 * level that owns none yet). */
const char *const *stele_level_tables(enum stele_level level);

/* Whether level writes table. */
bool stele_level_owns(enum stele_level level, const char *table);

/* The place of the column of table that names the village a row belongs to
 * (village_code, or the registry's code), or -1 for a table whose rows belong to
 * no village (a level's catalogue: point rules, standard items, settings). */
int stele_domain_village_column(const char *table);

/*
 * The one ownership rule (docs/levels.md): a row belongs to the writer whose code
 * is scope when the village code it carries (code, len bytes) is a 12-digit village
 * code starting with scope. scope "" (the county stream read where the county's code
 * is not known) admits any 12-digit code.
 */
bool stele_code_within(const char *scope, const void *code, size_t len);

/* Whether table's village column is its code (the registry's "village", and the
 * county's published registry_source and registry_key, which name townships too). */
bool stele_domain_names_code(const char *table);
/* Whether table is one of the county's published registry (registry_source,
 * registry_key: schema/0015-city.sql). */
bool stele_domain_is_registry(const char *table);

/* stele_code_within for a row of table: a registry row may name a township (9
 * digits) instead of a village, in scope when its villages would be. */
bool stele_domain_row_within(const char *table, const char *scope, const void *code, size_t len);

/* The most columns a synced table has. */
#define STELE_DOMAIN_MAX_COLUMNS 16

/* The columns of a synced table in the schema's order, which is the order of a
 * changeset's values (NULL-ended, static); NULL when table is not synced. */
const char *const *stele_domain_columns(const char *table);

/* The place (from 0) of column in a synced table's rows, or -1 when the table is
 * not synced or has no such column. Code that reads a changeset's values names
 * the column with this instead of numbering it. */
int stele_domain_column(const char *table, const char *column);

#endif
