/* cmd-gc.c: `stele-agent gc`: repacks the village's repository (DIR/repo.git) into
 * one pack (lib/gitrepo.c's stele_repo_gc; sync also does it when it is due). */
#include <stdio.h>

#include "agent.h"
#include "error.h"
#include "gitrepo.h"
#include "i18n.h"
#include "repo.h"

int cmd_gc(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	git_repository *repo = NULL;
	unsigned packs = 0, loose = 0;
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, NULL, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0 || (rc = agent_repo_open(&repo, ctx, true)) < 0)
		goto done;
	if ((rc = stele_repo_gc(&packs, &loose, repo, 0)) < 0)
		goto done;
	if (rc == 0)
		fprintf(stderr, _("%s: %s is already one pack\n"), ctx->prog, STELE_REPO_DIR);
	else
		fprintf(stderr, _("%s: %s repacked: %u packs and %u loose objects into one pack\n"),
			ctx->prog, STELE_REPO_DIR, packs, loose);
	rc = 0;
done:
	stele_repo_close(repo);
	return rc;
}
