/* publish.c: a county's (a township's, a city's) own stream out to its readers:
 * the outbox's new change sets committed to DIR/repo.git and pushed to the
 * publish URL (`rules publish`, and a county's `sync`: agg_after_merge). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aggregator.h"
#include "cli.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "i18n.h"
#include "keys.h"
#include "keystore.h"
#include "outbox.h"
#include "parse.h"
#include "remote.h"
#include "url.h"

/*
 * Commits every outbox change set past the repository's tip to repo, one commit
 * each, in order, written as one pack with one move of the branch. *first and *last
 * are the seqs committed (0 and 0 if none), *tip_out the seq the branch ends at.
 */
static int commit_outbox(uint64_t *first, uint64_t *last, uint64_t *tip_out,
			 struct stele_ctx *ctx, git_repository *repo)
{
	struct stele_keys *keys = NULL;
	uint64_t tip_seq = 0, lo = 0, hi = 0;
	char code[10];
	git_oid tip;
	int rc;

	if ((rc = agg_own_code(code, ctx)) < 0 ||
	    (rc = stele_keystore_keys(&keys, ctx->db, ctx->db, code)) < 0 ||
	    (rc = stele_repo_tip(&tip, &tip_seq, repo, STELE_BRANCH)) < 0)
		goto done;
	rc = stele_outbox_commit(&lo, &hi, ctx->db, repo, STELE_BRANCH, tip_seq,
				 ctx->writer, stele_keys_hex_in_force, keys);
	if (rc == STELE_EVERIFY)
		rc = stele_error(STELE_EFAIL, "%s; the repository %s/%s does not match this database",
				 stele_error_message(), ctx->dir, STELE_REPO_DIR);
	if (rc < 0)
		goto done;
	*first = lo;
	*last = hi;
	*tip_out = hi ? hi : tip_seq;
done:
	stele_keys_free(keys);
	return rc;
}

/*
 * The stored publish URL is the county's own server folder: when it is a local
 * path whose parent directory is missing, the parent is created (one level). A
 * --to URL (a USB stick) is never created this way: a missing mount point must
 * not be replaced by a plain directory.
 */
static int make_publish_parent(const char *url)
{
	char *path = NULL, *slash;
	int rc;

	if ((rc = stele_url_local_path(&path, url)) <= 0)
		return rc;
	rc = 0;
	if ((slash = strrchr(path, '/')) && slash != path) {
		*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			rc = stele_error(STELE_EFAIL, "cannot create %s: %s", path, strerror(errno));
	}
	free(path);
	return rc;
}

/* The seq the last push took the branch to (meta pushed_seq; 0 for none). */
static int pushed_seq(uint64_t *out, struct stele_ctx *ctx)
{
	char *text = NULL;
	int rc;

	*out = 0;
	if ((rc = stele_meta_get(ctx->db, "pushed_seq", &text)) < 0)
		return rc;
	if (text)
		*out = strtoull(text, NULL, 10);
	free(text);
	return 0;
}

int agg_publish_stream(struct stele_ctx *ctx, const char *to, bool always)
{
	struct stele_remote_opts remote_opts = { 0 };
	char *stored = NULL, *repo_path = NULL, shown[1024], seq_text[24];
	git_repository *repo = NULL;
	uint64_t first = 0, last = 0, tip = 0, pushed = 0;
	int rc = 0;

	if (!to) {
		if ((rc = stele_meta_get(ctx->db, "publish_url", &stored)) < 0)
			goto done;
		to = stored;
	}
	/* A sync without a publish URL leaves the stream to 'rules publish'. */
	if (!always && (!to || !*to))
		goto done;
	if (!(repo_path = stele_ctx_path(ctx, STELE_REPO_DIR))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = stele_git_init()) < 0 || (rc = stele_repo_open(&repo, repo_path, 1)) < 0)
		goto done;
	/* The county directory's lock is held (agg_open): a ref lock in its repository
	 * is a killed publish's, which would stop every later one. */
	stele_repo_clear_stale_locks(repo);
	if ((rc = commit_outbox(&first, &last, &tip, ctx, repo)) < 0)
		goto done;
	if (!to || !*to) {
		unsigned long long count = first ? last - first + 1 : 0;
		fprintf(stderr, P_("%s: committed %llu change set to %s; no publish URL (give --to "
				   "URL, or --publish at init)\n",
				   "%s: committed %llu change sets to %s; no publish URL (give --to "
				   "URL, or --publish at init)\n", first == last),
			ctx->prog, count, repo_path);
		goto done;
	}
	if ((rc = pushed_seq(&pushed, ctx)) < 0)
		goto done;
	/* A sync pushes only what its readers do not have yet (the last push went). */
	if (!always && !first && tip <= pushed)
		goto done;
	if (stored && (rc = make_publish_parent(stored)) < 0)
		goto done;
	if ((rc = stele_remote_opts_from_env(&remote_opts, ctx->dir)) < 0)
		goto done;
	remote_opts.progress = ctx->verbose_progress ? stele_cli_transfer_progress : NULL;
	if ((rc = stele_remote_push(repo, to, STELE_BRANCH, STELE_BRANCH, 1, &remote_opts)) < 0)
		goto done;
	snprintf(seq_text, sizeof(seq_text), "%llu", (unsigned long long)tip);
	if ((rc = stele_meta_set(ctx->db, "pushed_seq", seq_text)) < 0 ||
	    (rc = agg_key_tidy(ctx)) < 0)
		goto done;
	stele_url_redact(shown, sizeof(shown), to);
	if (first)
		fprintf(stderr, _("%s: published seq %llu..%llu to %s\n"), ctx->prog,
			(unsigned long long)first, (unsigned long long)last, shown);
	else
		fprintf(stderr, _("%s: %s is up to date\n"), ctx->prog, shown);
done:
	stele_remote_opts_release(&remote_opts);
	stele_repo_close(repo);
	free(stored);
	free(repo_path);
	return rc;
}
