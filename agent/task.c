/* task.c: the validated write of a task of the ledger (task_put), shared by
 * `task add|close`, import and the workbench; closing out tasks issued from above. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
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
/* A task issued from above to this village (schema/0007-governance.sql), unless the
 * village has a task of its own with that id: its due date and closing ("" if open). */
static const char issued_get_sql[] =
	"SELECT i.due_on, coalesce(c.closed_on, '') FROM issued_task_village g "
	"JOIN issued_task i ON i.id = g.task_id "
	"LEFT JOIN issued_task_close c ON c.village_code = g.village_code AND c.task_id = g.task_id "
	"WHERE g.village_code = ?1 AND g.task_id = ?2 "
	"AND NOT EXISTS (SELECT 1 FROM task t WHERE t.village_code = ?1 AND t.id = ?2)";
static const char issued_close_sql[] =
	"INSERT INTO issued_task_close (village_code, task_id, closed_on) VALUES (?1, ?2, ?3)";

/*
 * Closes out (销号) the issued task id on closed_on when it is one of this village's
 * (*found), with the checks of a task's closing: once only, a real date, not in a
 * closed month. *found is false, and nothing is written, when id is not an issued
 * task of the village.
 */
static int issued_close(bool *found, struct agent_batch *b, const char *id, const char *closed_on)
{
	char *old[2] = { 0 }, label[64];
	bool exists;
	int rc;

	if ((rc = agent_batch_read_row(old, 2, &exists, b, issued_get_sql, id)) < 0)
		return rc;
	if (!exists) {
		*found = false;
		return 0;
	}
	/* TRANSLATORS: a task issued from above (上级交办), named in messages. */
	snprintf(label, sizeof(label), _("issued task '%s'"), id);
	if (*old[1]) {
		rc = agent_refuse(TF_CLOSED, "%s is already closed (on %s)", label, old[1]);
		goto done;
	}
	if ((rc = agent_check_field_date(TF_CLOSED, label, "closing date", closed_on)) < 0 ||
	    (rc = agent_batch_closing_change(b, TF_CLOSED, label, old[0], "", closed_on)) < 0)
		goto done;
	const char *texts[] = { id, closed_on };
	if ((rc = agent_batch_write_texts(b, issued_close_sql, texts, 2,
					  "closing an issued task")) < 0)
		goto done;
	*found = true;
done:
	agent_free_cols(old, 2);
	return rc;
}

static const struct agent_row_kind task_kind = { N_("task"), "task", "T", 4, task_get_sql,
						 TF_COUNT };

int task_put(char *out_id, struct agent_batch *b, const struct task_row *row)
{
	char *old[TF_COUNT] = { 0 };
	const char *given[TF_COUNT] = { row->id, row->title, row->category, row->assignee,
					row->due_on, row->closed_on };
	const char *v[TF_COUNT];
	char due_buf[32], closed_buf[32];
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	bool exists, member_ok, issued = false;
	int rc = 0, first_change = -1;

	/* Closing a task issued from above: the clerk closes it as the village's own. */
	if (row->closing && row->id && *row->id && row->closed_on) {
		if ((rc = issued_close(&issued, b, row->id, row->closed_on)) < 0)
			return rc;
		if (issued) {
			if (out_id)
				strcpy(out_id, row->id);
			return 0;
		}
	}
	if ((rc = agent_batch_row_ref(&ref, old, b, &task_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	exists = ref.exists;
	v[TF_ID] = id;
	for (int i = 1; i < TF_COUNT; i++)
		v[i] = given[i] ? given[i] : exists ? old[i] : "";

	/* A closed task is final; one due in a closed month is read-only with it. */
	if (row->editing && exists && *old[TF_CLOSED]) {
		rc = agent_refuse(TF_CLOSED, "%s: it was closed on %s: a closed task is not changed",
				  label, old[TF_CLOSED]);
		goto done;
	}
	if (row->editing && exists &&
	    (rc = agent_batch_refuse_closed(b, TF_DUE, label, old[TF_DUE])) < 0)
		goto done;
	if (row->closing && exists && *old[TF_CLOSED]) {
		rc = agent_refuse(TF_CLOSED, "%s is already closed (on %s)", label, old[TF_CLOSED]);
		goto done;
	}
	if (!*v[TF_TITLE]) {
		rc = agent_refuse_malformed(TF_TITLE, "%s: title is empty", label);
		goto done;
	}
	if ((rc = agent_check_field_text(TF_TITLE, label, "title", v[TF_TITLE], 200)) < 0 ||
	    (rc = agent_check_field_text(TF_CATEGORY, label, "category", v[TF_CATEGORY], 64)) < 0)
		goto done;
	if (*v[TF_ASSIGNEE] && (!exists || strcmp(v[TF_ASSIGNEE], old[TF_ASSIGNEE]) != 0)) {
		if (agent_check_id(v[TF_ASSIGNEE], "assignee") < 0) {
			rc = agent_refuse_malformed(TF_ASSIGNEE, "%s: %s", label, stele_error_message());
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
		rc = agent_refuse_malformed(TF_DUE, "%s: due date is empty", label);
		goto done;
	}
	if ((rc = agent_lenient_field(&v[TF_DUE], due_buf, TF_DUE, label, 'd')) < 0 ||
	    (rc = agent_lenient_field(&v[TF_CLOSED], closed_buf, TF_CLOSED, label, 'd')) < 0 ||
	    (rc = agent_check_field_date(TF_DUE, label, "due date", v[TF_DUE])) < 0 ||
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

int task_delete(struct agent_batch *b, const char *id)
{
	static const char *const dates[] = { "due_on", "closed_on", NULL };

	return agent_batch_delete(b, &task_kind, id, dates, NULL, NULL);
}
