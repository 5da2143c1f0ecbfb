/* cmd-clerk.c: `stele-agent clerk show|set NAME|clear`: the clerk every later change
 * set names (经办人; table change_note, docs/clerk-guide.md). */
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "parse.h"

#define CLERK_MAX 64 /* bytes of a clerk's name: it is named in every summary */

int cmd_clerk_show(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char *clerk = NULL;
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, NULL, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0 || (rc = stele_meta_get(ctx->db, "clerk", &clerk)) < 0)
		return rc;
	printf("%s\n", clerk && *clerk ? clerk : "none");
	free(clerk);
	return 0;
}

int cmd_clerk_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char **pos;
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_ARGS(1, 1)), argc,
				      argv)) != 0)
		return rc;
	if (!*pos[0])
		return stele_error(STELE_EUSAGE, "the clerk's name is empty");
	if (stele_check_text(pos[0], CLERK_MAX, "the clerk's name") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if ((rc = agent_open(ctx)) < 0 || (rc = stele_meta_set(ctx->db, "clerk", pos[0])) < 0)
		return rc;
	fprintf(stderr, _("%s: the clerk is %s: every later change set names them\n"), ctx->prog,
		pos[0]);
	return 0;
}

int cmd_clerk_clear(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, NULL, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0 ||
	    (rc = stele_db_exec(ctx->db, "DELETE FROM stele_meta WHERE key = 'clerk'")) < 0)
		return rc;
	fprintf(stderr, _("%s: no clerk is named in later change sets\n"), ctx->prog);
	return 0;
}
