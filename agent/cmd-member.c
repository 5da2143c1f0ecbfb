/* cmd-member.c: `stele-agent member add|set|list`. */
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
#include "rowcmd.h"
#include "words.h"

static int put(char *id, struct agent_batch *b, const void *row)
{
	return member_put(id, b, row);
}

/* --gender and --status: a word of the option (M, 男; active, 在册) stands for its code. */
static int word_opt(struct stele_ctx *ctx, const struct stele_option *opt, const char *arg)
{
	*(const char **)opt->value = stele_word_code(opt->long_name, arg);
	return 0;
}

/* add and set: one captured write of one member. */
static int member_write(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
			bool add)
{
	struct member_row row = { 0 };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "id", &row.id),
		STELE_OPT_STRING(0, "name", &row.name),
		STELE_OPT_CALLBACK(0, "gender", true, word_opt, &row.gender, 0),
		STELE_OPT_STRING(0, "born", &row.born),
		STELE_OPT_STRING(0, "joined", &row.joined),
		STELE_OPT_STRING(0, "grid", &row.grid),
		STELE_OPT_CALLBACK(0, "status", true, word_opt, &row.status, 0),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	char **args;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (add) {
		if (row.name)
			return stele_error(STELE_EUSAGE, "member add takes the name as its argument, "
					   "not --name");
		row.name = args[0];
		row.must_be_new = true;
	} else {
		if (row.id)
			return stele_error(STELE_EUSAGE, "member set takes the id as its argument");
		row.id = args[0];
		row.must_exist = true;
	}
	return agent_write_row(ctx, put, &row, add);
}

int cmd_member_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return member_write(ctx, cmd, argc, argv, true);
}

int cmd_member_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return member_write(ctx, cmd, argc, argv, false);
}

int cmd_member_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *status = NULL;
	const struct stele_option options[] = {
		STELE_OPT_CALLBACK(0, "status", true, word_opt, &status, 0), STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	char **args;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (status && !agent_in_list(member_statuses, status))
		return stele_error(STELE_EUSAGE, "--status '%s' is not active, transferred_out, "
				   "flowing or deceased", status);
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), status, NULL };
	return stele_cli_print_query(ctx,
		"SELECT id, name, gender, born, joined, status, grid FROM member "
		"WHERE village_code = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY id",
		status ? params : (const char *[]){ agent_village(ctx), NULL }, "born");
}

int cmd_member_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, member_delete);
}
