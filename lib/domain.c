/* domain.c: the synced tables: who owns each, and their columns in the schema's
 * order. */
#include <string.h>

#include "domain.h"

const char *const stele_village_tables[] = {
	"member", "point_event", "task", "request", "income", "assessment", "period_close", "writer_key", NULL,
};

const char *const stele_county_tables[] = {
	"point_rule", "standard_item", "veto_item", "veto_event", "assessment_review",
	"assessment_approval", "ranking_config", "village", NULL,
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

/* The columns of each synced table, in the order of schema/ (and so of a
 * changeset's records); tests/unit/test-db.c compares them with the database. */
static const struct {
	const char *table;
	const char *const columns[STELE_DOMAIN_MAX_COLUMNS + 1];
} table_columns[] = {
	{ "member", { "village_code", "id", "name", "gender", "born", "joined", "status", "grid",
		      NULL } },
	{ "point_event", { "village_code", "id", "member_id", "rule_code", "occurred_on", "points",
			   "stage", "note", NULL } },
	{ "task", { "village_code", "id", "title", "category", "assignee", "due_on", "closed_on",
		    NULL } },
	{ "request", { "village_code", "id", "received_on", "category", "grid", "resolved_on",
		       "satisfied", NULL } },
	{ "income", { "village_code", "id", "period", "amount", "source", NULL } },
	{ "assessment", { "village_code", "year", "item_code", "score", "note", NULL } },
	{ "period_close", { "village_code", "period", "closed_at", NULL } },
	{ "writer_key", { "village_code", "seq_from", "pubkey", NULL } },
	{ "point_rule", { "code", "category", "name", "points", "active", NULL } },
	{ "standard_item", { "code", "name", "max_score", "active", NULL } },
	{ "veto_item", { "code", "name", NULL } },
	{ "veto_event", { "id", "village_code", "veto_code", "year", "note", NULL } },
	{ "assessment_review", { "village_code", "year", "item_code", "score", "note", NULL } },
	{ "assessment_approval", { "village_code", "year", "approved_on", "note", NULL } },
	{ "ranking_config", { "key", "value", NULL } },
	{ "village", { "code", "name", "township_code", "township_name", NULL } },
};

const char *const *stele_domain_columns(const char *table)
{
	for (size_t i = 0; i < sizeof(table_columns) / sizeof(table_columns[0]); i++)
		if (strcmp(table_columns[i].table, table) == 0)
			return table_columns[i].columns;
	return NULL;
}

int stele_domain_column(const char *table, const char *column)
{
	const char *const *cols = stele_domain_columns(table);

	for (int i = 0; cols && cols[i]; i++)
		if (strcmp(cols[i], column) == 0)
			return i;
	return -1;
}
