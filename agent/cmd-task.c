/* cmd-task.c: `stele-agent task add|close|list` (the task ledger, 台账), and the
 * validated task write that import shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "parse.h"

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
static const struct agent_row_kind task_kind = { "task", "task", "T", 4, task_get_sql, TF_COUNT };

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
					  "%s%s", label, v[TF_ASSIGNEE], agent_village(b->ctx), hint);
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

/* Commands. */

enum { OPT_DUE = 1, OPT_CATEGORY, OPT_ASSIGNEE, OPT_DATE, OPT_OPEN };

struct task_opts {
	const char *due, *category, *assignee, *date;
	bool open;
};

static int on_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct task_opts *o = data;

	switch (opt) {
	case OPT_DUE: o->due = arg; break;
	case OPT_CATEGORY: o->category = arg; break;
	case OPT_ASSIGNEE: o->assignee = arg; break;
	case OPT_DATE: o->date = arg; break;
	case OPT_OPEN: o->open = true; break;
	}
	return 0;
}

static int task_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "due", required_argument, NULL, OPT_DUE },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "assignee", required_argument, NULL, OPT_ASSIGNEE },
		{ 0 },
	};
	struct task_opts o = { 0 };
	struct agent_batch b;
	char *pos[1], id[24];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.due)
		return stele_error(STELE_EUSAGE, "task add needs --due DATE");
	struct task_row row = { .title = pos[0], .due_on = o.due, .category = o.category,
				.assignee = o.assignee, .must_be_new = true };
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, task_put(id, &b, &row))) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

static int task_close(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, OPT_DATE },
		{ 0 },
	};
	struct task_opts o = { 0 };
	struct agent_batch b;
	char *pos[1], today[16];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.date) {
		stele_format_date(today, stele_today());
		o.date = today;
	}
	if (!*o.date)
		return stele_error(STELE_EUSAGE, "task close: --date is empty");
	struct task_row row = { .id = pos[0], .closed_on = o.date, .must_exist = true,
				.closing = true };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, task_put(NULL, &b, &row));
}

static int task_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "open", no_argument, NULL, OPT_OPEN },
		{ 0 },
	};
	struct task_opts o = { 0 };
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_opt, &o, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), o.open ? "1" : "0", NULL };
	return stele_cli_print_query(ctx,
		"SELECT id, title, category, assignee, due_on, closed_on FROM task "
		"WHERE village_code = ?1 AND (?2 = '0' OR closed_on IS NULL) ORDER BY id",
		params, NULL);
}

const struct stele_cmd task_subcommands[] = {
	{ "add", task_add, "task add TITLE --due DATE [--category C] [--assignee MEMBER]",
	  "Adds a task to the ledger and prints its id (T0001, ...). MEMBER is a member id.",
	  NULL },
	{ "close", task_close, "task close ID [--date DATE]",
	  "Closes a task out (销号) on DATE, default today. A task is closed once; a task\n"
	  "due in a closed month may still be closed with a date in an open month.", NULL },
	{ "list", task_list, "task list [--open] [--format table|csv|json] [--bom]",
	  "Lists tasks (--open: those not closed yet).", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_task(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
