/* newdir.c: creating a Stele directory, removed again if anything fails. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "newdir.h"

/* mkdir -p: the directory and any missing parents; -1 with errno on failure. */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

int stele_newdir_end(struct stele_newdir *nd, int rc)
{
	git_repository_free(nd->repo);
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
			nftw(nd->repo_path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
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
	if (make_dirs(ctx->dir) < 0)
		return stele_error(STELE_EFAIL, "cannot create %s: %s", ctx->dir, strerror(errno));
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
