/* rowcmd.c: record commands' shared write of one row, and their delete (rowcmd.h). */
#include <stdio.h>

#include "error.h"
#include "parse.h"
#include "records.h"
#include "rowcmd.h"

int agent_write_row(struct stele_ctx *ctx, agent_row_fn put, const void *row, bool print_id)
{
	struct agent_batch b;
	char id[24];
	int rc;

	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, put(id, &b, row))) < 0)
		return rc;
	if (print_id)
		printf("%s\n", id);
	return 0;
}

/* Whether one of the table's STRING options was given. */
static bool any_given(const struct stele_option *options)
{
	for (; options->kind; options++)
		if (options->kind == STELE_OPTK_STRING && *(const char **)options->value)
			return true;
	return false;
}

int agent_cmd_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		  const struct stele_option *options, const char **id, agent_row_fn put,
		  const void *row, const char *nothing)
{
	char **args;
	int nargs, rc;

	if ((rc = stele_options_parse(&args, &nargs, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (nothing && !any_given(options))
		return stele_error_text(STELE_EUSAGE, nothing);
	*id = args[0];
	return agent_write_row(ctx, put, row, false);
}

int agent_each_id(struct stele_ctx *ctx, char **ids, int n, agent_id_fn one, const void *data)
{
	struct agent_batch b;
	int rc;

	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	for (int i = 0; i < n && rc == 0; i++)
		rc = one(&b, ids[i], data);
	return agent_batch_finish(&b, rc);
}

static int delete_one(struct agent_batch *b, const char *id, const void *data)
{
	const agent_delete_fn *del = data;

	return (*del)(b, id);
}

int agent_cmd_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		     agent_delete_fn del)
{
	char **ids;
	int rc, n;

	if ((rc = stele_options_parse(&ids, &n, ctx, cmd,
				      STELE_OPTIONS(STELE_OPT_ARGS(1, STELE_ARGS_MANY)), argc, argv)) != 0)
		return rc;
	return agent_each_id(ctx, ids, n, delete_one, &del);
}

const char *agent_date_or_today(char *buf, const char *date)
{
	if (date)
		return date;
	stele_format_date(buf, stele_today());
	return buf;
}

int agent_cmd_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		   const char *kind)
{
	const struct agent_export *e = agent_export_find(kind);
	const struct stele_list list = { agent_open, e->sql, e->number_cols, true };

	return stele_cli_list(ctx, cmd, argc, argv, &list);
}

int agent_cmd_list_open(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			char **argv, const char *sql, const char *number_cols)
{
	bool open = false;
	char **args;
	int rc, n;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_BOOL(0, "open", &open),
				  STELE_OPT_LISTING()), argc, argv, agent_open)) != 0)
		return rc;
	const char *params[] = { agent_village(ctx), open ? "1" : "0", NULL };
	return stele_cli_print_query(ctx, sql, params, number_cols);
}
