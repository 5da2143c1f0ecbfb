/* cmd-gc.c: `stele-aggregator gc`: repacks every village's mirror and the county's
 * own repository, each into one pack (lib/gitrepo.c's stele_repo_gc; fetch also
 * does it for a mirror when it is due). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "aggregator.h"
#include "error.h"
#include "gitrepo.h"
#include "i18n.h"

/* Repacks the repository at path if it exists; *seen counts those that exist,
 * *done those repacked. */
static int gc_one(unsigned *seen, unsigned *done, const char *path)
{
	git_repository *repo = NULL;
	unsigned packs, loose;
	int rc;

	if (access(path, F_OK) != 0)
		return 0;
	(*seen)++;
	if ((rc = stele_repo_open(&repo, path, 0)) < 0)
		return rc;
	stele_repo_clear_stale_locks(repo);
	rc = stele_repo_gc(&packs, &loose, repo, 0);
	stele_repo_close(repo);
	if (rc < 0)
		return stele_error(rc, "%s: %s", path, stele_error_message());
	*done += rc == 1;
	return 0;
}

int cmd_gc(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct agg_village *v = NULL;
	size_t nv = 0;
	unsigned repacked = 0, seen = 0;
	char *path = NULL;
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, NULL, argc, argv)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_villages(&v, &nv, ctx)) < 0)
		goto done;
	if (!(path = stele_ctx_path(ctx, STELE_REPO_DIR))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = gc_one(&seen, &repacked, path)) < 0)
		goto done;
	for (size_t i = 0; i < nv; i++) {
		free(path);
		if (!(path = agg_mirror_path(ctx, v[i].code))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		if ((rc = gc_one(&seen, &repacked, path)) < 0)
			goto done;
	}
	fprintf(stderr, P_("%s: repacked %u of %u repository into one pack\n",
			   "%s: repacked %u of %u repositories into one pack each\n", seen),
		ctx->prog, repacked, seen);
done:
	free(path);
	agg_villages_free(v, nv);
	return rc;
}
