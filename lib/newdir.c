/* newdir.c: creating a Stele directory, removed again if anything fails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "error.h"
#include "fileio.h"
#include "gitrepo.h"
#include "keypair.h"
#include "newdir.h"

int stele_newdir_end(struct stele_newdir *nd, int rc)
{
	stele_repo_close(nd->repo);
	nd->repo = NULL;
	stele_db_close(nd->db);
	nd->db = NULL;
	if (rc < 0) {
		static const char *const suffixes[] = { "", "-wal", "-shm" };
		for (int i = 0; nd->made_db && i < 3; i++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s%s", nd->db_path, suffixes[i]);
			unlink(path);
		}
		if (nd->made_key)
			unlink(nd->key_path);
		if (nd->made_repo)
			stele_file_remove_tree(nd->repo_path, 0);
	}
	free(nd->db_path);
	free(nd->key_path);
	free(nd->repo_path);
	memset(nd, 0, sizeof(*nd));
	return rc;
}

int stele_newdir_begin(struct stele_newdir *nd, struct stele_ctx *ctx)
{
	int rc;

	memset(nd, 0, sizeof(*nd));
	if ((rc = stele_file_mkdirs(ctx->dir)) < 0)
		return rc;
	if (!(nd->db_path = stele_ctx_path(ctx, STELE_DB_FILE)) ||
	    !(nd->key_path = stele_ctx_path(ctx, STELE_KEY_FILE)) ||
	    !(nd->repo_path = stele_ctx_path(ctx, STELE_REPO_DIR))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = stele_lock_acquire(&ctx->lock, ctx->dir)) < 0)
		goto done;
	if (access(nd->db_path, F_OK) == 0) {
		rc = stele_error(STELE_EFAIL, "%s is already a Stele directory", ctx->dir);
		goto done;
	}
	if (access(nd->repo_path, F_OK) == 0) {
		rc = stele_error(STELE_EFAIL, "%s already exists", nd->repo_path);
		goto done;
	}
	if ((rc = stele_key_generate(nd->pk, nd->key_path)) < 0)
		goto done;
	nd->made_key = true;
	nd->made_repo = true;
	if ((rc = stele_git_init()) < 0 || (rc = stele_repo_open(&nd->repo, nd->repo_path, 1)) < 0)
		goto done;
	nd->made_db = true;
	if ((rc = stele_db_open(&nd->db, nd->db_path, STELE_DB_CREATE)) < 0)
		goto done;
done:
	if (rc < 0)
		stele_newdir_end(nd, rc);
	return rc;
}
