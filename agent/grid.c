/* grid.c: the village's grid registry (网格): the validated write of a grid
 * (grid_put, grid_delete), and the check of a member's or request's grid against
 * the registry (grid_check), shared by the commands, import and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "grids.h"
#include "parse.h"
#include "records.h"
#include "rowcheck.h"
#include "suggest.h"

static const char grid_get_sql[] =
	"SELECT '', name, households, worker FROM grid WHERE village_code = ?1 AND id = ?2";
const struct agent_row_kind grid_kind = { N_("grid"), "grid", "G", 2, grid_get_sql, GF_COUNT };

static const char grid_insert_sql[] =
	"INSERT INTO grid (village_code, id, name, households, worker) VALUES (?1, ?2, "
	"nullif(?3, ''), CAST(nullif(?4, '') AS INTEGER), nullif(?5, ''))";
static const char grid_update_sql[] =
	"UPDATE grid SET name = nullif(?3, ''), households = CAST(nullif(?4, '') AS INTEGER), "
	"worker = nullif(?5, '') WHERE village_code = ?1 AND id = ?2";
static const char member_grid_sql[] =
	"SELECT grid FROM member WHERE village_code = ?1 AND id = ?2";
static const char request_grid_sql[] =
	"SELECT grid FROM request WHERE village_code = ?1 AND id = ?2";
#define GRID_IDS_SQL "SELECT id FROM grid WHERE village_code = ?1 ORDER BY id"

int grid_put(char *out_id, struct agent_batch *b, const struct grid_row *row)
{
	char *old[GF_COUNT] = { 0 };
	const char *given[GF_COUNT] = { row->id, row->name, row->households, row->worker };
	const char *v[GF_COUNT];
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	int64_t households;
	int rc;

	if ((rc = agent_batch_row_ref(&ref, old, b, &grid_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	v[GF_ID] = id;
	for (int i = 1; i < GF_COUNT; i++)
		v[i] = given[i] ? given[i] : ref.exists ? old[i] : "";
	if ((rc = agent_check_field_text(GF_NAME, label, "grid name", v[GF_NAME],
					 STELE_LABEL_MAX)) < 0 ||
	    (rc = agent_check_field_text(GF_WORKER, label, "grid worker", v[GF_WORKER],
					 STELE_NAME_MAX)) < 0)
		goto done;
	if (*v[GF_HOUSEHOLDS] && stele_parse_int(&households, v[GF_HOUSEHOLDS], 0,
						 STELE_HOUSEHOLDS_MAX, "households") < 0) {
		rc = agent_refuse_malformed(GF_HOUSEHOLDS, "%s: %s", label, stele_error_message());
		goto done;
	}
	if (ref.exists) {
		bool same = true;
		for (int i = 1; i < GF_COUNT && same; i++)
			same = strcmp(v[i], old[i]) == 0;
		if (same)
			goto unchanged;
	}
	if ((rc = agent_batch_write_texts(b, ref.exists ? grid_update_sql : grid_insert_sql, v,
					  GF_COUNT, "writing a grid")) < 0)
		goto done;
unchanged:
	if (out_id)
		strcpy(out_id, id);
done:
	agent_free_cols(old, GF_COUNT);
	return rc;
}

int grid_delete(struct agent_batch *b, const char *id)
{
	return agent_batch_delete(b, &grid_kind, id, NULL,
		"SELECT 'member ' || id FROM member WHERE village_code = ?1 AND grid = ?2 "
		"UNION ALL SELECT 'request ' || id FROM request WHERE village_code = ?1 "
		"AND grid = ?2 LIMIT 1",
		N_("%s is in this grid: only a grid no member or request names can be deleted"));
}

int grid_check(struct agent_batch *b, int field, const char *label, const char *table,
	       const char *id, const char *grid)
{
	char *kept[1] = { NULL }, hint[96];
	sqlite3_stmt *stmt;
	bool exists = false;
	int rc;

	if (!grid || !*grid)
		return 0;
	/* The row's stored grid: a row keeps a grid it had before the registry listed it. */
	if ((rc = agent_batch_read_row(kept, 1, &exists, b, strcmp(table, "member") == 0 ?
				       member_grid_sql : request_grid_sql, id)) < 0 ||
	    (rc = agent_batch_stmt(&stmt, b, stele_grid_check_sql)) < 0)
		goto done;
	if ((rc = stele_grid_check(stmt, agent_village(b->ctx), grid, kept[0])) != STELE_EINVALID)
		goto done;
	agent_did_you_mean(hint, sizeof(hint), b, GRID_IDS_SQL, grid);
	rc = agent_refuse(field, "%s: grid '%s' is not in the village's grid registry (grid "
			  "list)", label, grid);
	stele_suggest_hint(hint);
done:
	agent_free_cols(kept, 1);
	return rc;
}
