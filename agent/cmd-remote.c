/* cmd-remote.c: `stele-agent remote show|set URL`: the remote every sync pushes to. */
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
#include "i18n.h"
#include "repo.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "url.h"

int cmd_remote_show(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char *remote = NULL, *county = NULL;
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, NULL, argc, argv, agent_open)) != 0)
		return rc;
	if ((rc = stele_meta_get(ctx->db, "remote", &remote)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "county_url", &county)) < 0)
		goto done;
	printf("remote\t%s\ncounty\t%s\n", remote && *remote ? remote : "none",
	       county && *county ? county : "none");
done:
	free(remote);
	free(county);
	return rc;
}

int cmd_remote_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char **pos, *kept = NULL, shown[1024];
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_ARGS(1, 1)), argc,
				      argv)) != 0)
		return rc;
	if (!*pos[0] || stele_check_text(pos[0], 1024, "URL") < 0)
		return stele_error(STELE_EUSAGE, "URL '%s' is not one line of at most 1024 bytes",
				   pos[0]);
	if ((rc = agent_open(ctx)) < 0 || (rc = agent_store_urls(ctx, pos[0], NULL)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "remote", &kept)) < 0)
		goto done;
	stele_url_redact(shown, sizeof(shown), kept ? kept : pos[0]);
	fprintf(stderr, _("%s: the remote is now %s (every sync pushes there)\n"), ctx->prog, shown);
done:
	free(kept);
	return rc;
}
