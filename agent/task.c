/* task.c: the validated write of a task of the ledger (task_put), shared by
 * `task add|close`, import and the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "suggest.h"

/* The fields of a task, in cli.md's import/export column order. */
enum { TF_ID, TF_TITLE, TF_CATEGORY, TF_ASSIGNEE, TF_DUE, TF_CLOSED, TF_COUNT };

static const char task_get_sql[] =
	"SELECT '', title, category, assignee, due_on, closed_on FROM task "
	"WHERE village_code = ?1 AND id = ?2";
static const char task_insert_sql[] =
	"INSERT INTO task (village_code, id, title, category, assignee, due_on, closed_on) "
	"VALUES (?1, ?2, ?3, nullif(?4, ''), nullif(?5, ''), ?6, nullif(?7, ''))";
static const char task_update_sql[] =
	"UPDATE task SET title = ?3, category = nullif(?4, ''), assignee = nullif(?5, ''), "
	"due_on = ?6, closed_on = nullif(?7, '') WHERE village_code = ?1 AND id = ?2";
static const struct agent_row_kind task_kind = { N_("task"), "task", "T", 4, task_get_sql,
						 TF_COUNT };

int task_put(char *out_id, struct agent_batch *b, const struct task_row *row)
{
	char *old[TF_COUNT] = { 0 };
	const char *given[TF_COUNT] = { row->id, row->title, row->category, row->assignee,
					row->due_on, row->closed_on };
	const char *v[TF_COUNT];
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	bool exists, member_ok;
	int rc = 0, first_change = -1;

	if ((rc = agent_batch_row_ref(&ref, old, b, &task_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	exists = ref.exists;
	v[TF_ID] = id;
	for (int i = 1; i < TF_COUNT; i++)
		v[i] = given[i] ? given[i] : exists ? old[i] : "";

	if (row->closing && exists && *old[TF_CLOSED]) {
		rc = agent_refuse(TF_CLOSED, "%s is already closed (on %s)", label, old[TF_CLOSED]);
		goto done;
	}
	if (!*v[TF_TITLE]) {
		rc = agent_refuse(TF_TITLE, "%s: title is empty", label);
		goto done;
	}
	if ((rc = agent_check_field_text(TF_TITLE, label, "title", v[TF_TITLE], 200)) < 0 ||
	    (rc = agent_check_field_text(TF_CATEGORY, label, "category", v[TF_CATEGORY], 64)) < 0)
		goto done;
	if (*v[TF_ASSIGNEE] && (!exists || strcmp(v[TF_ASSIGNEE], old[TF_ASSIGNEE]) != 0)) {
		if (agent_check_id(v[TF_ASSIGNEE], "assignee") < 0) {
			rc = agent_refuse(TF_ASSIGNEE, "%s: %s", label, stele_error_message());
			goto done;
		}
		if ((rc = agent_batch_member_exists(&member_ok, b, v[TF_ASSIGNEE])) < 0)
			goto done;
		if (!member_ok) {
			char hint[96];
			agent_did_you_mean(hint, sizeof(hint), b, AGENT_MEMBER_IDS_SQL,
					   v[TF_ASSIGNEE]);
			rc = agent_refuse(TF_ASSIGNEE, "%s: assignee '%s' is not a member of village "
					  "%s", label, v[TF_ASSIGNEE], agent_village(b->ctx));
			stele_suggest_hint(hint);
			goto done;
		}
	}
	if (!*v[TF_DUE]) {
		rc = agent_refuse(TF_DUE, "%s: due date is empty", label);
		goto done;
	}
	if ((rc = agent_check_field_date(TF_DUE, label, "due date", v[TF_DUE])) < 0 ||
	    (*v[TF_CLOSED] &&
	     (rc = agent_check_field_date(TF_CLOSED, label, "closing date", v[TF_CLOSED])) < 0))
		goto done;

	if (exists) {
		for (int i = 1; i < TF_COUNT && first_change < 0; i++)
			if (strcmp(v[i], old[i]) != 0)
				first_change = i;
		if (first_change < 0)
			goto unchanged;
	}
	/* Closed months: a task of one is frozen except for being closed out. */
	if (exists && first_change != TF_CLOSED &&
	    (rc = agent_batch_refuse_closed(b, first_change, label, old[TF_DUE])) < 0)
		goto done;
	if ((!exists || strcmp(v[TF_DUE], old[TF_DUE]) != 0) &&
	    (rc = agent_batch_refuse_closed(b, TF_DUE, label, v[TF_DUE])) < 0)
		goto done;
	if (strcmp(v[TF_CLOSED], exists ? old[TF_CLOSED] : "") != 0 &&
	    (rc = agent_batch_closing_change(b, TF_CLOSED, label, v[TF_DUE],
					     exists ? old[TF_CLOSED] : "", v[TF_CLOSED])) < 0)
		goto done;

	if ((rc = agent_batch_write_texts(b, exists ? task_update_sql : task_insert_sql, v,
					  TF_COUNT, "writing a task")) < 0)
		goto done;
unchanged:
	if (out_id)
		strcpy(out_id, id);
done:
	agent_free_cols(old, TF_COUNT);
	return rc;
}
