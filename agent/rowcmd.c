/* rowcmd.c: record commands' shared write of one row, and their delete (rowcmd.h). */
#include <stdarg.h>
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

/* Records msg (a usage message without conversions) translated, as stele_error. */
static int usage_error(const char *msg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, msg);
	rc = stele_verror(STELE_EUSAGE, msg, ap);
	va_end(ap);
	return rc;
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
		return usage_error(nothing);
	*id = args[0];
	return agent_write_row(ctx, put, row, false);
}

int agent_cmd_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		     agent_delete_fn del)
{
	static const struct stele_option options[] = {
		STELE_OPT_ARGS(1, STELE_ARGS_MANY), STELE_OPT_END()
	};
	struct agent_batch b;
	char **ids;
	int rc, n;

	if ((rc = stele_options_parse(&ids, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	for (int i = 0; i < n && rc == 0; i++)
		rc = del(&b, ids[i]);
	return agent_batch_finish(&b, rc);
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
