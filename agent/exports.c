/* exports.c: the export (and list) query of each kind of record, with exactly the
 * columns `import` reads. */
#include <string.h>

#include "records.h"

/* cli.md's import/export columns; points and scores with one decimal, money with
 * two, absent values empty. Rows in id order (assessments: year, item). */
const struct agent_export agent_exports[] = {
	{ "members",
	  "SELECT id, name, gender, born, joined, status, grid FROM member "
	  "WHERE village_code = ?1 ORDER BY id", "born" },
	{ "points",
	  "SELECT id, member_id, rule_code, occurred_on, " AGENT_SQL_TENTHS("points")
	  " AS points, stage, note FROM point_event WHERE village_code = ?1 ORDER BY id",
	  "points" },
	{ "tasks",
	  "SELECT id, title, category, assignee, due_on, closed_on FROM task "
	  "WHERE village_code = ?1 ORDER BY id", NULL },
	{ "requests",
	  "SELECT id, received_on, category, grid, resolved_on, satisfied FROM request "
	  "WHERE village_code = ?1 ORDER BY id", "satisfied" },
	{ "income",
	  "SELECT id, period, " AGENT_SQL_FEN("amount") " AS amount, source FROM income "
	  "WHERE village_code = ?1 ORDER BY id", "amount" },
	{ "assessments",
	  "SELECT year, item_code, " AGENT_SQL_TENTHS("score") " AS score, note FROM assessment "
	  "WHERE village_code = ?1 ORDER BY year, item_code", "year,score" },
	{ "grids",
	  "SELECT id, name, households, worker FROM grid WHERE village_code = ?1 ORDER BY id",
	  "households" },
	{ NULL, NULL, NULL },
};

const struct agent_export *agent_export_find(const char *kind)
{
	for (const struct agent_export *e = agent_exports; e->kind; e++)
		if (strcmp(e->kind, kind) == 0)
			return e;
	return NULL;
}
