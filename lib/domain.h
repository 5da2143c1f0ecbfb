/* domain.h: who owns which synced table (domain.md "Who owns what"). */
#ifndef STELE_DOMAIN_H
#define STELE_DOMAIN_H

#include <stdbool.h>

/* NULL-terminated lists of table names. Every village-owned table has a
 * village_code column, first in its primary key. */
extern const char *const stele_village_tables[];
extern const char *const stele_county_tables[];

bool stele_is_village_table(const char *name);
bool stele_is_county_table(const char *name);

#endif
