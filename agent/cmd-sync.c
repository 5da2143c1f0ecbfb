/* cmd-sync.c: `stele-agent sync`: commit pending change sets to the village's
 * repository, push them fast-forward only, and pull the county's rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "buf.h"
#include "credentials.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "keyfile.h"
#include "outbox.h"
#include "parse.h"
#include "remote.h"
#include "repo.h"
#include "sync-every.h"
#include "sync.h"
#include "url.h"

/*
 * The repository is the truth about what is committed: its tip's change set must
 * be the outbox's at the same seq (byte for byte, by hash), else the two disagree
 * and nothing more is appended.
 */
static int check_tip_matches_outbox(struct stele_ctx *ctx, git_repository *repo,
				    const git_oid *tip, uint64_t seq)
{
	sqlite3_stmt *stmt = NULL;
	unsigned char hash[STELE_HASH_BYTES];
	void *data = NULL;
	size_t len;
	int rc, step;

	if ((rc = stele_repo_read(&data, &len, repo, tip)) < 0)
		return rc;
	stele_cs_hash(hash, data, len);
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT hash FROM stele_outbox WHERE seq = ?")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)seq);
	step = sqlite3_step(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		/* An I/O error is not an answer: the database may well hold it. */
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the outbox");
		goto done;
	}
	if (step == SQLITE_DONE) {
		rc = stele_error(STELE_EVERIFY, "the repository holds seq %llu but the database does "
				 "not (is this database older than its repository?); run "
				 "'stele-agent verify'", (unsigned long long)seq);
		goto done;
	}
	if (sqlite3_column_bytes(stmt, 0) != STELE_HASH_BYTES ||
	    memcmp(sqlite3_column_blob(stmt, 0), hash, STELE_HASH_BYTES) != 0)
		rc = stele_error(STELE_EVERIFY, "the database and the repository disagree at seq %llu; "
				 "run 'stele-agent verify'", (unsigned long long)seq);
done:
	sqlite3_finalize(stmt);
	free(data);
	return rc;
}

/* Appends every outbox change set past the repository's tip, in order, as one
 * pack (stele_outbox_commit: one fsync'd pack file, one move of the branch).
 * *tip_seq is the seq at the tip afterwards, *committed how many were added. */
static int commit_pending(uint64_t *tip_seq, uint64_t *committed, struct stele_ctx *ctx,
			  git_repository *repo)
{
	struct stele_keys *keys = NULL;
	uint64_t seq = 0, first, last;
	git_oid tip;
	int rc;

	if ((rc = agent_keys_open(&keys, ctx, ctx->db)) < 0)
		goto done;
	if ((rc = stele_repo_tip(&tip, &seq, repo, STELE_BRANCH)) < 0) {
		/* A damaged git object or ref: the outbox is the stream, nothing is lost. */
		if (rc == STELE_EFAIL)
			rc = stele_error(STELE_EFAIL, "the repository %s cannot be read (%s); nothing "
					 "was committed or pushed and every change set is kept in the "
					 "database (see docs/sync.md, 'cannot be read')", STELE_REPO_DIR,
					 stele_error_message());
		goto done;
	}
	if (seq > 0 && (rc = check_tip_matches_outbox(ctx, repo, &tip, seq)) < 0)
		goto done;
	/* Every pending change set goes into one pack, and the branch moves once. */
	if ((rc = stele_outbox_commit(&first, &last, ctx->db, repo, STELE_BRANCH, seq,
				      agent_village(ctx), stele_keys_hex_in_force, keys)) < 0)
		goto done;
	*tip_seq = first ? last : seq;
	*committed = first ? last - first + 1 : 0;
done:
	stele_keys_free(keys);
	return rc;
}

/* Whether url is a local path that does not exist yet (a new USB stick repository). */
static int local_remote_missing(bool *missing, const char *url)
{
	char *path = NULL;
	int rc;

	*missing = false;
	if ((rc = stele_url_local_path(&path, url)) < 0)
		return rc;
	if (rc == 1)
		*missing = access(path, F_OK) != 0;
	free(path);
	return 0;
}

/* Pushes main to url after checking that the remote's main is in our history. */
static int push_village(struct stele_ctx *ctx, git_repository *repo, const char *url,
			uint64_t tip_seq)
{
	struct stele_remote_opts opts = { 0 };
	char shown[1024], seq_text[24], when[32];
	git_oid ours, theirs;
	bool missing, have_ours;
	int found = 0, rc;
	time_t now;

	stele_url_redact(shown, sizeof(shown), url);
	if ((rc = agent_remote_opts(&opts, ctx)) < 0)
		goto done;
	have_ours = stele_repo_ref(&ours, repo, STELE_BRANCH) == 1;
	if ((rc = local_remote_missing(&missing, url)) < 0)
		goto done;
	if (!missing &&
	    (rc = stele_remote_fetch(&found, repo, url, STELE_BRANCH, STELE_ORIGIN_REF, &opts)) < 0) {
		/* Commits Stele never writes (the git-level limits): not this history. */
		if (rc == STELE_EVERIFY)
			rc = stele_error(STELE_EFAIL, "remote %s has diverged: it holds commits Stele "
					 "never writes (%s); nothing was pushed (see docs/sync.md, "
					 "'diverged')", shown, stele_error_message());
		goto done;
	}
	if (found) {
		if (stele_repo_ref(&theirs, repo, STELE_ORIGIN_REF) != 1) {
			rc = stele_error(STELE_EFAIL, "cannot read the fetched branch of %s", shown);
			goto done;
		}
		if (!have_ours || (rc = stele_repo_descends(repo, &ours, &theirs)) == 0) {
			rc = stele_error(STELE_EFAIL, "remote %s has diverged: it holds change sets "
					 "this village's history does not (another computer synced "
					 "there, or this directory is an old backup); nothing was "
					 "pushed (see docs/sync.md, 'diverged')", shown);
			goto done;
		}
		if (rc < 0)
			goto done;
		rc = 0;
	}
	if (!have_ours) {
		fprintf(stderr, _("%s: nothing to push to %s yet\n"), ctx->prog, shown);
		rc = 0;
		goto done;
	}
	if (!found || !stele_git_oid_equal(&ours, &theirs)) {
		if ((rc = stele_remote_push(repo, url, STELE_BRANCH, STELE_BRANCH, 1, &opts)) < 0)
			goto done;
		fprintf(stderr, _("%s: pushed to %s (seq %llu)\n"), ctx->prog, shown,
			(unsigned long long)tip_seq);
	} else {
		fprintf(stderr, _("%s: %s is up to date (seq %llu)\n"), ctx->prog, shown,
			(unsigned long long)tip_seq);
	}
	now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	snprintf(seq_text, sizeof(seq_text), "%llu", (unsigned long long)tip_seq);
	if ((rc = stele_db_begin(ctx->db)) < 0)
		goto done;
	if ((rc = stele_meta_set(ctx->db, "synced_seq", seq_text)) < 0 ||
	    (rc = stele_meta_set(ctx->db, "last_sync_at", when)) < 0) {
		stele_db_rollback(ctx->db);
		goto done;
	}
	if ((rc = stele_db_commit(ctx->db)) < 0)
		goto done;
	/* The rotation is on the remote now: the replaced key is of no more use. */
	rc = agent_key_tidy(ctx);
done:
	stele_remote_opts_release(&opts);
	return rc;
}

struct sync_opts {
	const char *remote, *county;
};

/* Whether url holds a password (stored by a version before passwords were kept in
 * the credentials file). */
static bool holds_password(const char *url)
{
	struct stele_secret secret;
	char *kept = NULL;
	int rc = url ? stele_url_take_password(&kept, &secret, url, "") : 0;

	free(kept);
	if (rc == 1)
		stele_url_secret_clear(&secret);
	return rc == 1;
}

int cmd_sync(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct sync_opts o = { 0 };
	git_repository *repo = NULL;
	char *remote = NULL, *county = NULL, *push_message = NULL;
	uint64_t tip_seq = 0, committed = 0;
	char **args;
	int rc, push_rc = 0, n;

	/* --every and --timeout (agent/sync-every.c) */
	if ((rc = agent_sync_schedule(ctx, cmd, &argc, argv)) != 0)
		return rc < 0 ? rc : 0;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "remote", &o.remote),
		STELE_OPT_STRING(0, "county", &o.county),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	if ((o.remote && (rc = stele_check_text(o.remote, 1024, "--remote")) < 0) ||
	    (o.county && (rc = stele_check_text(o.county, 1024, "--county")) < 0))
		goto done;
	if ((o.remote && !*o.remote) || (o.county && !*o.county)) {
		rc = stele_error(STELE_EUSAGE, "an empty URL");
		goto done;
	}
	/* --remote is for this sync only (a USB stick); 'remote set' changes the
	 * configured remote. --county is kept for the next sync. */
	if ((rc = agent_store_urls(ctx, NULL, o.county)) < 0)
		goto done;
	if ((rc = stele_meta_get(ctx->db, "remote", &remote)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "county_url", &county)) < 0)
		goto done;
	/* A password an older version stored moves to the credentials file now. */
	if (holds_password(remote) || holds_password(county)) {
		if ((rc = agent_store_urls(ctx, holds_password(remote) ? remote : NULL,
				     holds_password(county) ? county : NULL)) < 0)
			goto done;
		free(remote);
		free(county);
		remote = county = NULL;
		if ((rc = stele_meta_get(ctx->db, "remote", &remote)) < 0 ||
		    (rc = stele_meta_get(ctx->db, "county_url", &county)) < 0)
			goto done;
	}
	if (o.remote) {
		/* A password in it goes to the credentials file, where the push finds it. */
		struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
		free(remote);
		remote = NULL;
		if ((rc = stele_credentials_keep_url(&remote, &urls, o.remote, "--remote")) == 0)
			rc = stele_cli_save_kept_urls(&urls, ctx);
		stele_credentials_kept_free(&urls);
		if (rc < 0)
			goto done;
	}
	if (!remote && !county) {
		rc = stele_error(STELE_EUSAGE, "no remote to sync with: set one with 'remote set "
				 "URL', or give --remote URL for this sync");
		goto done;
	}
	if ((rc = agent_repo_open(&repo, ctx, true)) < 0)
		goto done;
	if ((rc = commit_pending(&tip_seq, &committed, ctx, repo)) < 0)
		goto done;
	/* Each sync adds a pack: repacked when they have piled up (docs/sync.md). */
	if (committed) {
		unsigned packs, loose;
		if ((rc = stele_repo_gc(&packs, &loose, repo, STELE_REPO_GC_PACKS)) < 0)
			goto done;
		rc = 0;
	}
	if (committed)
		fprintf(stderr, P_("%s: committed %llu change set (up to seq %llu)\n",
				   "%s: committed %llu change sets (up to seq %llu)\n", committed),
			ctx->prog, (unsigned long long)committed, (unsigned long long)tip_seq);
	if (remote && (push_rc = push_village(ctx, repo, remote, tip_seq)) < 0 &&
	    !(push_message = strdup(stele_error_message()))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (county && (rc = agent_pull_county(ctx, repo, county)) < 0) {
		if (push_message)
			fprintf(stderr, _("%s: %s\n"), ctx->prog, push_message);
		goto done;
	}
	if (push_rc < 0)
		rc = stele_error(push_rc, "%s; everything is kept for the next sync", push_message);
done:
	stele_repo_close(repo);
	free(remote);
	free(county);
	free(push_message);
	return rc;
}
