/* domain.h: the synced tables: who owns which (domain.md "Who owns what") and their
 * columns. */
#ifndef STELE_DOMAIN_H
#define STELE_DOMAIN_H

#include <stdbool.h>

/* NULL-terminated lists of table names. Every village-owned table has a
 * village_code column, first in its primary key. */
extern const char *const stele_village_tables[];
extern const char *const stele_county_tables[];

bool stele_is_village_table(const char *name);
bool stele_is_county_table(const char *name);

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
