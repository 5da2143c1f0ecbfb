/* newdir.h: creating a Stele directory (agent's or aggregator's): all of it, or
 * nothing left behind. */
#ifndef STELE_NEWDIR_H
#define STELE_NEWDIR_H

#include <stdbool.h>
#include <git2.h>
#include <sqlite3.h>

#include "changeset.h"
#include "cli.h"

/* A directory being created. The public fields are valid between a successful
 * stele_newdir_begin and stele_newdir_end, which releases them. */
struct stele_newdir {
	unsigned char pk[STELE_PK_BYTES]; /* the new signing key's public half */
	sqlite3 *db;                      /* DIR/stele.db, migrated and empty */
	git_repository *repo;             /* DIR/repo.git, bare */
	char *key_path;                   /* DIR/signing.key */
	/* What begin made, for end to remove on failure. */
	char *db_path, *repo_path;
	bool made_key, made_db, made_repo;
};

/*
 * Creates ctx->dir and any missing parents, takes its lock (held in ctx->lock
 * until stele_ctx_close), refuses a directory that is already initialized, then
 * generates the signing key and creates repo.git and the database. On failure
 * everything it made is removed again and nd holds nothing. On success the caller
 * writes its settings and ends with stele_newdir_end.
 */
int stele_newdir_begin(struct stele_newdir *nd, struct stele_ctx *ctx);

/* Closes the database and the repository; if rc < 0 also removes the key, the
 * database and the repository that begin made. Returns rc. */
int stele_newdir_end(struct stele_newdir *nd, int rc);

#endif
