/* domain.c: the synced tables: who owns each, and their columns in the schema's
 * order. */
#include <string.h>

#include "changeset.h"
#include "domain.h"

const char *const stele_village_tables[] = {
	"member", "point_event", "task", "request", "income", "assessment", "period_close", "writer_key",
	"change_note", "point_reversal", "issued_task_close", "request_followup", "grid", NULL,
};

const char *const stele_county_tables[] = {
	"point_rule", "standard_item", "veto_item", "veto_event", "assessment_review",
	"assessment_approval", "ranking_config", "village", "issued_task", "issued_task_village",
	"registry_source", "registry_key", NULL,
};

/* The township's first review of its villages' self-assessments (乡镇初审). */
const char *const stele_township_tables[] = {
	"township_review", NULL,
};

/* The city's catalogue (docs/levels.md "The rules catalogue at a city"): it
 * governs its counties, which publish it on to their villages in their own
 * streams, so the county writes these tables too. */
const char *const stele_city_tables[] = {
	"point_rule", "standard_item", "veto_item", "ranking_config", NULL,
};

static const char *const no_tables[] = { NULL };

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

enum stele_level stele_writer_level(const char *writer)
{
	size_t n = 0;

	if (strcmp(writer, STELE_WRITER_COUNTY) == 0)
		return STELE_LEVEL_COUNTY;
	while (writer[n] >= '0' && writer[n] <= '9')
		n++;
	if (writer[n] != '\0')
		return STELE_LEVEL_NONE;
	switch (n) {
	case STELE_LEVEL_PROVINCE: case STELE_LEVEL_CITY: case STELE_LEVEL_COUNTY:
	case STELE_LEVEL_TOWNSHIP: case STELE_LEVEL_VILLAGE:
		return (enum stele_level)n;
	}
	return STELE_LEVEL_NONE;
}

const char *const *stele_level_tables(enum stele_level level)
{
	switch (level) {
	case STELE_LEVEL_VILLAGE: return stele_village_tables;
	case STELE_LEVEL_TOWNSHIP: return stele_township_tables;
	case STELE_LEVEL_COUNTY: return stele_county_tables;
	case STELE_LEVEL_CITY: return stele_city_tables;
	default: return no_tables;
	}
}

bool stele_level_owns(enum stele_level level, const char *table)
{
	return in_list(stele_level_tables(level), table);
}

bool stele_code_within(const char *scope, const void *code, size_t len)
{
	const char *c = code;
	size_t n = strlen(scope);

	if (len != STELE_LEVEL_VILLAGE || n > len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (c[i] < '0' || c[i] > '9')
			return false;
	return memcmp(c, scope, n) == 0;
}

bool stele_domain_names_code(const char *table)
{
	return strcmp(table, "village") == 0 || stele_domain_is_registry(table);
}

bool stele_domain_is_registry(const char *table)
{
	return strcmp(table, "registry_source") == 0 || strcmp(table, "registry_key") == 0;
}

bool stele_domain_row_within(const char *table, const char *scope, const void *code, size_t len)
{
	char village[STELE_LEVEL_VILLAGE];

	/* A registry row names a township (9 digits) as well as a village: it is in
	 * scope as any village of that township would be. */
	if (len == STELE_LEVEL_TOWNSHIP && stele_domain_is_registry(table)) {
		memcpy(village, code, len);
		memset(village + len, '0', sizeof(village) - len);
		return stele_code_within(scope, village, sizeof(village));
	}
	return stele_code_within(scope, code, len);
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
	{ "change_note", { "village_code", "seq", "clerk", "reverts", "note", "village_name",
			   NULL } },
	{ "point_reversal", { "village_code", "event_id", "reverses", NULL } },
	{ "point_rule", { "code", "category", "name", "points", "active", NULL } },
	{ "standard_item", { "code", "name", "max_score", "active", NULL } },
	{ "veto_item", { "code", "name", NULL } },
	{ "veto_event", { "id", "village_code", "veto_code", "year", "note", NULL } },
	{ "assessment_review", { "village_code", "year", "item_code", "score", "note", NULL } },
	{ "assessment_approval", { "village_code", "year", "approved_on", "note", NULL } },
	{ "ranking_config", { "key", "value", NULL } },
	{ "village", { "code", "name", "township_code", "township_name", NULL } },
	{ "township_review", { "village_code", "year", "item_code", "score", "note", NULL } },
	{ "issued_task", { "id", "title", "category", "due_on", "issued_on", NULL } },
	{ "issued_task_village", { "task_id", "village_code", NULL } },
	{ "issued_task_close", { "village_code", "task_id", "closed_on", NULL } },
	{ "grid", { "village_code", "id", "name", "households", "worker", NULL } },
	{ "request_followup", { "village_code", "request_id", "handler", "escalated_to",
				"escalated_on", "feedback", NULL } },
	{ "registry_source", { "code", "remote", "pubkey", NULL } },
	{ "registry_key", { "code", "seq_from", "new_key", "revokes", NULL } },
};

const char *const *stele_domain_columns(const char *table)
{
	for (size_t i = 0; i < sizeof(table_columns) / sizeof(table_columns[0]); i++)
		if (strcmp(table_columns[i].table, table) == 0)
			return table_columns[i].columns;
	return NULL;
}

int stele_domain_village_column(const char *table)
{
	int i = stele_domain_column(table, "village_code");

	return i >= 0 || !stele_domain_names_code(table) ? i : stele_domain_column(table, "code");
}

int stele_domain_column(const char *table, const char *column)
{
	const char *const *cols = stele_domain_columns(table);

	for (int i = 0; cols && cols[i]; i++)
		if (strcmp(cols[i], column) == 0)
			return i;
	return -1;
}
