/* domain.c: the ownership of synced tables. */
#include <string.h>

#include "domain.h"

const char *const stele_village_tables[] = {
	"member", "point_event", "task", "request", "income", "assessment", "period_close", "writer_key",
	"change_note", NULL,
};

const char *const stele_county_tables[] = {
	"point_rule", "standard_item", "veto_item", "veto_event", "ranking_config", "village", NULL,
};

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

bool stele_is_village_table(const char *name)
{
	return in_list(stele_village_tables, name);
}

bool stele_is_county_table(const char *name)
{
	return in_list(stele_county_tables, name);
}
