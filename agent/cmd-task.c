/* cmd-task.c: `stele-agent task add|set|close|delete|list` (the task ledger, 台账). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"

enum { OPT_DUE = 1, OPT_CATEGORY, OPT_ASSIGNEE, OPT_DATE, OPT_OPEN, OPT_TITLE };

struct task_opts {
	const char *due, *category, *assignee, *date, *title;
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
	case OPT_TITLE: o->title = arg; break;
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

static int task_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "due", required_argument, NULL, OPT_DUE },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "assignee", required_argument, NULL, OPT_ASSIGNEE },
		{ 0 },
	};
	struct task_opts o = { 0 };
	struct agent_batch b;
	char *pos[1];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.title && !o.due && !o.category && !o.assignee)
		return stele_error(STELE_EUSAGE, "task set: nothing to change (--title, --due, "
				   "--category, --assignee)");
	struct task_row row = { .id = pos[0], .title = o.title, .due_on = o.due,
				.category = o.category, .assignee = o.assignee, .must_exist = true,
				.editing = true };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, task_put(NULL, &b, &row));
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
		"SELECT id, title, category, assignee, due_on, closed_on, origin FROM task_ledger "
		"WHERE village_code = ?1 AND (?2 = '0' OR closed_on IS NULL) ORDER BY id",
		params, NULL);
}

static int task_delete_cmd(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, task_delete);
}

const struct stele_cmd task_subcommands[] = {
	{ "add", task_add, N_("task add TITLE --due DATE [--category C] [--assignee MEMBER]"),
	  N_("Adds a task to the ledger and prints its id (T0001, ...). MEMBER is a member id."),
	  NULL },
	{ "set", task_set,
	  N_("task set ID [--title TITLE] [--due DATE] [--category C] [--assignee MEMBER]"),
	  N_("Corrects a task not yet closed whose due date lies in an open month (a new\n"
	  "due date too); --category '' or --assignee '' clears it. A closed task is not\n"
	  "changed."), NULL },
	{ "close", task_close, N_("task close ID [--date DATE]"),
	  N_("Closes a task out (销号) on DATE, default today. A task is closed once; a task\n"
	  "due in a closed month may still be closed with a date in an open month. ID may\n"
	  "be a task issued from above (J0001, ...): it is closed out the same way."), NULL },
	{ "delete", task_delete_cmd, N_("task delete ID..."),
	  N_("Deletes tasks entered by mistake whose dates lie in open months (all or none)."), NULL },
	{ "list", task_list, N_("task list [--open] [--format table|csv|json] [--bom] [--raw]"),
	  N_("Lists tasks (--open: those not closed yet), the village's own and those issued\n"
	  "from above (上级交办, from the county stream): origin says which (village, county)."),
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_task(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
