/* repo.h: the village's repository and its remotes (agent/repo.c), shared by init,
 * sync, restore and verify. */
#ifndef STELE_AGENT_REPO_H
#define STELE_AGENT_REPO_H

#include <stdbool.h>

#include "cli.h"
#include "remote.h"

/* The village's repository (DIR/repo.git, bare), created if create and missing.
 * *out is freed by the caller with stele_repo_close. */
int agent_repo_open(git_repository **out, struct stele_ctx *ctx, bool create);

/* Transport options for the village's remotes (stele_remote_opts_from_env on the
 * directory, with -v's progress). Released by the caller with
 * stele_remote_opts_release after the transfer. */
int agent_remote_opts(struct stele_remote_opts *opts, struct stele_ctx *ctx);

/* Pulls and applies the county's rules stream from url (lib/sync.h), saying on
 * stderr what was applied. */
int agent_pull_county(struct stele_ctx *ctx, git_repository *repo, const char *url);

#endif
