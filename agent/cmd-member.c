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
#include "words.h"

enum { OPT_ID = 1, OPT_NAME, OPT_GENDER, OPT_BORN, OPT_JOINED, OPT_GRID, OPT_STATUS };

static int on_member_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct member_row *row = data;

	switch (opt) {
	case OPT_ID: row->id = arg; break;
	case OPT_NAME: row->name = arg; break;
	case OPT_GENDER: row->gender = stele_word_code("gender", arg); break;
	case OPT_BORN: row->born = arg; break;
	case OPT_JOINED: row->joined = arg; break;
	case OPT_GRID: row->grid = arg; break;
	case OPT_STATUS: row->status = stele_word_code("status", arg); break;
	}
	return 0;
}

static const struct option member_longopts[] = {
	{ "id", required_argument, NULL, OPT_ID },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "gender", required_argument, NULL, OPT_GENDER },
	{ "born", required_argument, NULL, OPT_BORN },
	{ "joined", required_argument, NULL, OPT_JOINED },
	{ "grid", required_argument, NULL, OPT_GRID },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ 0 },
};

/* add and set: one captured write of one member. */
static int member_write(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
			bool add)
{
	struct member_row row = { 0 };
	struct agent_batch b;
	char *pos[1], id[24];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, member_longopts, false, on_member_opt,
				  &row, pos, 1, 1, &n, &done)) < 0 || done)
		return rc;
	if (add) {
		if (row.name)
			return stele_error(STELE_EUSAGE, "member add takes the name as its argument, "
					   "not --name");
		row.name = pos[0];
		row.must_be_new = true;
	} else {
		if (row.id)
			return stele_error(STELE_EUSAGE, "member set takes the id as its argument");
		row.id = pos[0];
		row.must_exist = true;
	}
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, member_put(id, &b, &row))) < 0)
		return rc;
	if (add)
		printf("%s\n", id);
	return 0;
}

static int member_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return member_write(ctx, cmd, argc, argv, true);
}

static int member_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return member_write(ctx, cmd, argc, argv, false);
}

static int on_list_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	*(const char **)data = stele_word_code("status", arg);
	return 0;
}

static int member_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, OPT_STATUS },
		{ 0 },
	};
	const char *status = NULL;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_list_opt, &status,
				  NULL, 0, 0, &n, &done)) < 0 || done)
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

const struct stele_cmd member_subcommands[] = {
	{ "add", member_add,
	  N_("member add NAME [--id ID] [--gender M|F] [--born YYYY] [--joined DATE] [--grid G] "
	  "[--status S]"),
	  N_("Adds a member and prints its id (M0001, M0002, ... unless --id is given)."), NULL },
	{ "set", member_set,
	  N_("member set ID [--name NAME] [--status S] [--grid G] [--gender M|F] [--born YYYY] "
	  "[--joined DATE]"),
	  N_("Changes a member. S is active, transferred_out, flowing or deceased; an empty\n"
	  "value (--grid '') clears an optional field."), NULL },
	{ "list", member_list, N_("member list [--status S] [--format table|csv|json] [--bom] [--raw]"),
	  N_("Lists the village's members."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_member(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
