/* repo.c: the village's repository (DIR/repo.git) and its remotes, shared by init,
 * sync, restore and verify: opening it, the transport options, the county's pull. */
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
#include "i18n.h"
#include "credentials.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "remote.h"
#include "repo.h"
#include "sync.h"
#include "url.h"

int agent_repo_open(git_repository **out, struct stele_ctx *ctx, bool create)
{
	char *path = stele_ctx_path(ctx, STELE_REPO_DIR);
	int rc;

	if (!path)
		return stele_error(STELE_EFAIL, "out of memory");
	rc = stele_repo_open(out, path, create);
	free(path);
	/* The directory lock is held: a ref lock in the repository is a killed sync's. */
	if (rc == 0)
		stele_repo_clear_stale_locks(*out);
	return rc;
}

int agent_remote_opts(struct stele_remote_opts *opts, struct stele_ctx *ctx)
{
	int rc;

	if ((rc = stele_remote_opts_from_env(opts, ctx->dir)) < 0)
		return rc;
	opts->progress = ctx->verbose_progress ? stele_cli_transfer_progress : NULL;
	return 0;
}

int agent_pull_county(struct stele_ctx *ctx, git_repository *repo, const char *url)
{
	struct stele_remote_opts opts;
	char shown[1024];
	uint64_t applied = 0, county_seq = 0;
	int rc;

	if ((rc = agent_remote_opts(&opts, ctx)) < 0)
		return rc;
	rc = stele_sync_pull_county(&applied, &county_seq, ctx->db, repo, url, &opts);
	stele_remote_opts_release(&opts);
	if (rc < 0)
		return rc;
	stele_url_redact(shown, sizeof(shown), url);
	if (applied)
		fprintf(stderr, P_("%s: county rules from %s: applied %llu change set (county seq %llu)\n",
				   "%s: county rules from %s: applied %llu change sets (county seq %llu)\n",
				   applied),
			ctx->prog, shown, (unsigned long long)applied, (unsigned long long)county_seq);
	else
		fprintf(stderr, _("%s: county rules from %s: up to date (county seq %llu)\n"), ctx->prog,
			shown, (unsigned long long)county_seq);
	return 0;
}

/* Stores the URLs (repo.h); secure_delete is on, so an old value's bytes (a
 * password an older version stored) are overwritten, not left in a free page. */
int agent_store_urls(struct stele_ctx *ctx, const char *given_remote, const char *given_county)
{
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	char *remote = NULL, *county = NULL;
	int rc = 0;

	if (!given_remote && !given_county)
		return 0;
	if ((given_remote &&
	     (rc = stele_credentials_keep_url(&remote, &urls, given_remote, "--remote")) < 0) ||
	    (given_county &&
	     (rc = stele_credentials_keep_url(&county, &urls, given_county, "--county")) < 0) ||
	    (rc = stele_cli_save_kept_urls(&urls, ctx)) < 0)
		goto done;
	sqlite3_exec(ctx->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
	if ((rc = stele_db_begin(ctx->db)) < 0)
		goto done;
	if ((remote && (rc = stele_meta_set(ctx->db, "remote", remote)) < 0) ||
	    (county && (rc = stele_meta_set(ctx->db, "county_url", county)) < 0)) {
		stele_db_rollback(ctx->db);
		goto done;
	}
	rc = stele_db_commit(ctx->db);
done:
	stele_credentials_kept_free(&urls);
	free(remote);
	free(county);
	return rc;
}
