/* fetch.c: the county's fetch proper, shared by `fetch` and `sync`: every
 * registered village's repository into its mirror (DIR/villages/CODE.git, ref
 * refs/stele/incoming) in parallel threads, or from a directory of bare
 * repositories (a USB stick); and the options both commands take. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aggregator.h"
#include "i18n.h"
#include "cli.h"
#include "db.h"
#include "deadline.h"
#include "error.h"
#include "fileio.h"
#include "gitrepo.h"
#include "remote.h"
#include "url.h"

/* One village to fetch. Threads write only their own job's result fields. */
struct fetch_job {
	const char *code;
	char *url;       /* where from (malloc'd) */
	char *mirror;    /* the mirror's path (malloc'd) */
	char cursor[STELE_OID_HEX_LEN + 1]; /* the last merged commit, "" for none */
	int rc;          /* result: 0 or the error code */
	int found;       /* the remote has a stream */
	char error[512]; /* the message when rc < 0 */
	char damage[512]; /* why the mirror was rebuilt, "" when it was not */
};

/* The work queue the threads share; next and done are guarded by lock. */
struct fetch_pool {
	const struct stele_ctx *ctx;
	const struct stele_remote_opts *opts; /* the same for every village */
	struct fetch_job *jobs;
	size_t njobs, next;
	long done;
	pthread_mutex_t lock;
};

/* Whether a local remote's branch already points where the mirror's incoming ref
 * does (then there is nothing to fetch): 1 yes, 0 no or cannot tell. */
static int local_unchanged(git_repository *mirror, const char *url)
{
	git_repository *remote = NULL;
	git_oid theirs, ours;
	char *path = NULL;
	int same = 0;

	if (stele_url_local_path(&path, url) != 1)
		goto done;
	if (access(path, F_OK) != 0 || stele_repo_open(&remote, path, 0) < 0)
		goto done;
	if (stele_repo_ref(&theirs, remote, STELE_BRANCH) != 1 ||
	    stele_repo_ref(&ours, mirror, AGG_INCOMING_REF) != 1)
		goto done;
	same = stele_git_oid_equal(&theirs, &ours);
done:
	stele_repo_close(remote);
	free(path);
	return same;
}

/*
 * Whether job has surely nothing to fetch nor to check, told from the ref files
 * alone: its remote is local, and the remote's branch, the mirror's incoming ref
 * and the merged cursor are the same commit (then mirror_readable would walk
 * nothing and the fetch would move nothing). Opening both repositories to learn
 * that is most of a city's no-op sync. 0 (cannot tell) sends job the long way.
 */
static bool nothing_new(const struct fetch_job *job)
{
	char theirs[STELE_OID_HEX_LEN + 1], ours[STELE_OID_HEX_LEN + 1], *path = NULL;
	bool same = false;

	if (!*job->cursor || stele_url_local_path(&path, job->url) != 1)
		goto done;
	same = stele_repo_peek_ref(ours, job->mirror, AGG_INCOMING_REF) == 1 &&
	       strcmp(ours, job->cursor) == 0 &&
	       stele_repo_peek_ref(theirs, path, STELE_BRANCH) == 1 && strcmp(theirs, ours) == 0;
done:
	free(path);
	return same;
}

/* a + b + c, a new string the caller frees (NULL on OOM). */
static char *concat(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

/* stele_repo_walk callback for a walk that only reads: the walk itself fails on a
 * commit or change set it cannot read. */
static int walk_nothing(void *arg, const git_oid *commit, const void *data, size_t len,
			bool commit_end)
{
	(void)arg;
	(void)commit;
	(void)data;
	(void)len;
	return 0;
}

/*
 * Whether the mirror can still read what merge will read: its ref, and every commit
 * and change set after the cursor. Returns 0, or STELE_EFAIL with the message when
 * the ref or an object is damaged (a history that no longer holds the cursor is
 * merge's to hold, not damage).
 */
static int mirror_readable(git_repository *mirror, const char *cursor)
{
	git_oid since;
	int rc;

	if ((rc = stele_repo_ref(&since, mirror, AGG_INCOMING_REF)) <= 0)
		return rc; /* no ref yet, or the message names it */
	if (*cursor && stele_git_oid_parse(&since, cursor) < 0)
		return 0;
	rc = stele_repo_walk(mirror, AGG_INCOMING_REF, *cursor ? &since : NULL, walk_nothing, NULL);
	return rc == STELE_EVERIFY ? 0 : rc;
}

/*
 * Replaces a damaged mirror: fetches job's URL into a new repository beside it
 * (CODE.git.rebuild), then renames the damaged one to CODE.git.damaged (replacing
 * an older one), kept for inspection, and the new one into place. A remote without
 * a stream leaves the damaged mirror where it is.
 */
static int rebuild_mirror(struct fetch_job *job, const struct stele_remote_opts *opts)
{
	git_repository *repo = NULL;
	char *fresh = concat(job->mirror, ".rebuild", ""), *damaged = concat(job->mirror, ".damaged", "");
	int rc = 0;

	if (!fresh || !damaged) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	stele_file_remove_tree(fresh, 0); /* a killed rebuild's */
	if ((rc = stele_repo_open(&repo, fresh, 1)) < 0 ||
	    (rc = stele_remote_fetch(&job->found, repo, job->url, STELE_BRANCH, AGG_INCOMING_REF,
				   opts)) < 0)
		goto done;
	if (!job->found) {
		rc = stele_error(STELE_EFAIL, "its mirror is damaged (%s) and the remote has no "
				 "history to rebuild it from", job->damage);
		goto done;
	}
	stele_file_remove_tree(damaged, 0);
	if (rename(job->mirror, damaged) < 0 || rename(fresh, job->mirror) < 0)
		rc = stele_error(STELE_EFAIL, "cannot replace the damaged mirror %s: %s", job->mirror,
				 strerror(errno));
done:
	stele_repo_close(repo);
	if (rc < 0 && fresh)
		stele_file_remove_tree(fresh, 0);
	free(fresh);
	free(damaged);
	return rc;
}

/* Fetches one job, recording its outcome in the job (never in the database). A
 * mirror that cannot read what merge needs is rebuilt from the remote (a fetch
 * into it would not repair it: git never fetches an object it believes it has). */
static void fetch_one(struct fetch_job *job, const struct stele_remote_opts *opts)
{
	git_repository *repo = NULL;
	git_oid had, before;
	int had_before;
	int rc;

	if (nothing_new(job)) {
		job->found = 1;
		rc = 0;
		goto done;
	}
	if ((rc = stele_repo_open(&repo, job->mirror, 1)) < 0)
		goto done;
	/* The county directory's lock is held: a ref lock is a killed fetch's. */
	stele_repo_clear_stale_locks(repo);
	if (mirror_readable(repo, job->cursor) < 0) {
		snprintf(job->damage, sizeof(job->damage), "%s", stele_error_message());
		stele_repo_close(repo);
		repo = NULL;
		rc = rebuild_mirror(job, opts);
		goto done;
	}
	if (local_unchanged(repo, job->url)) {
		job->found = 1;
		goto done;
	}
	if ((rc = had_before = stele_repo_ref(&before, repo, AGG_INCOMING_REF)) < 0)
		goto done;
	if ((rc = stele_remote_fetch(&job->found, repo, job->url, STELE_BRANCH, AGG_INCOMING_REF,
				   opts)) < 0)
		goto done;
	if (had_before == 1 && (rc = agg_keep_replaced(repo, &before)) < 0)
		goto done;
	/* A village that had sent its history and now shows none: its main was deleted
	 * (or its repository re-created). Keep what was fetched and say so. */
	if (!job->found && stele_repo_ref(&had, repo, AGG_INCOMING_REF) == 1) {
		char shown[1024];
		stele_url_redact(shown, sizeof(shown), job->url);
		rc = stele_error(STELE_EFAIL, "remote %s has no %s any more (deleted, or the "
				 "repository re-created); kept the history fetched before", shown,
				 STELE_BRANCH);
	}
	/* A fetch adds a pack: repacked when they have piled up (a failure only says
	 * the mirror stays as it is). */
	if (rc == 0 && job->found) {
		unsigned packs, loose;
		if (stele_repo_gc(&packs, &loose, repo, STELE_REPO_GC_PACKS) < 0)
			rc = 0;
	}
done:
	stele_repo_close(repo);
	job->rc = rc;
	if (rc < 0)
		snprintf(job->error, sizeof(job->error), "%s", stele_error_message_en());
}

static void *fetch_worker(void *arg)
{
	struct fetch_pool *pool = arg;

	for (;;) {
		struct fetch_job *job = NULL;

		pthread_mutex_lock(&pool->lock);
		if (pool->next < pool->njobs)
			job = &pool->jobs[pool->next++];
		pthread_mutex_unlock(&pool->lock);
		if (!job)
			return NULL;
		fetch_one(job, pool->opts);
		pthread_mutex_lock(&pool->lock);
		pool->done++;
		stele_cli_progress(pool->ctx, "fetching", pool->done, (long)pool->njobs);
		pthread_mutex_unlock(&pool->lock);
	}
}

/* Runs every job on up to nthreads threads (fewer if thread creation fails; at
 * worst the calling thread does the work). */
static void run_jobs(struct fetch_pool *pool, long nthreads)
{
	pthread_t *threads = NULL;
	long started = 0;

	if (nthreads > (long)pool->njobs)
		nthreads = (long)pool->njobs;
	if (nthreads > 1 && (threads = calloc((size_t)nthreads, sizeof(*threads))))
		for (; started < nthreads; started++)
			if (pthread_create(&threads[started], NULL, fetch_worker, pool) != 0)
				break;
	if (started == 0)
		fetch_worker(pool);
	for (long i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

/* A fetch refused by the git-level limits (stele_repo_check_new): the village is
 * quarantined, reason too-large, inside record_outcomes' transaction. */
static int quarantine_fetch(struct stele_ctx *ctx, const struct fetch_job *job)
{
	char note[600];
	int rc;

	rc = stele_db_run(ctx->db, "recording a quarantined fetch",
			  "INSERT INTO stele_quarantine (writer, reason, detail, at) "
			  "VALUES (?, 'too-large', ?, ?)",
			  "tti", job->code, job->error, (int64_t)time(NULL));
	if (rc < 0)
		return rc;
	snprintf(note, sizeof(note), "too-large: %s", job->error);
	rc = stele_db_run(ctx->db, "quarantining a village",
			  "INSERT INTO stele_stream (writer, state, state_note) VALUES (?1, 'quarantined', ?2) "
			  "ON CONFLICT (writer) DO UPDATE SET state = 'quarantined', state_note = ?2",
			  "tt", job->code, note);
	return rc;
}

/* Records the fetch outcome of a stream that is not a village's, inside
 * record_outcomes' transaction: a county's at a city (6 digits), a township's (9),
 * a county's city's (4). */
static int record_other(struct stele_ctx *ctx, const struct fetch_job *job)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	size_t len = strlen(job->code);

	if ((rc = stele_db_prepare(ctx->db, &stmt, len == STELE_LEVEL_COUNTY ?
			"UPDATE stele_county_source SET fetched_at = CASE WHEN ?2 IS NULL THEN ?3 "
			"ELSE fetched_at END, fetch_error = ?2 WHERE county_code = ?1" :
			len == STELE_LEVEL_CITY ?
			"UPDATE stele_city_source SET fetched_at = CASE WHEN ?2 IS NULL THEN ?3 "
			"ELSE fetched_at END, fetch_error = ?2 WHERE city_code = ?1" :
			"UPDATE stele_township_source SET fetched_at = CASE WHEN ?2 IS NULL THEN ?3 "
			"ELSE fetched_at END, fetch_error = ?2 WHERE township_code = ?1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, job->code, -1, SQLITE_STATIC);
	if (job->rc < 0)
		sqlite3_bind_text(stmt, 2, job->error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 2);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)time(NULL));
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "recording fetch results");
	sqlite3_finalize(stmt);
	return rc;
}

/* Records each job's outcome in stele_village_source (or its level's table), in
 * one transaction. */
static int record_outcomes(struct stele_ctx *ctx, const struct fetch_job *jobs, size_t n)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_begin(ctx->db)) < 0)
		return rc;
	if ((rc = stele_db_prepare(ctx->db, &stmt,
			"UPDATE stele_village_source SET fetched_at = CASE WHEN ?2 IS NULL THEN ?3 "
			"ELSE fetched_at END, fetch_error = ?2 WHERE village_code = ?1")) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].rc == STELE_EVERIFY && (rc = quarantine_fetch(ctx, &jobs[i])) < 0)
			goto done;
		/* A city's county, a township: their outcomes have tables of their own. */
		if (strlen(jobs[i].code) != STELE_LEVEL_VILLAGE && (rc = record_other(ctx, &jobs[i])) < 0)
			goto done;
		sqlite3_bind_text(stmt, 1, jobs[i].code, -1, SQLITE_STATIC);
		if (jobs[i].rc < 0)
			sqlite3_bind_text(stmt, 2, jobs[i].error, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(stmt, 2);
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64)time(NULL));
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, ctx->db, "recording fetch results");
			goto done;
		}
		sqlite3_reset(stmt);
	}
	rc = stele_db_commit(ctx->db);
done:
	sqlite3_finalize(stmt);
	if (rc < 0)
		stele_db_rollback(ctx->db);
	return rc;
}

/* The listed stream an entry of a --from directory names (CODE.git or CODE: a
 * village's, a township's, a city's county's, a county's city's), or NULL.
 * *git says whether the entry ends in .git. */
static const struct agg_village *entry_village(bool *git, const struct agg_village *v, size_t n,
					       const char *entry)
{
	size_t len = strlen(entry);

	*git = len > 4 && strcmp(entry + len - 4, ".git") == 0;
	if (*git)
		len -= 4;
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].code) == len && strncmp(v[i].code, entry, len) == 0)
			return &v[i];
	return NULL;
}

/*
 * Builds the job list: every listed stream with a remote, or with from, every
 * entry of from that names a listed stream (CODE.git preferred to CODE). *ignored counts
 * the other entries. jobs and their strings are freed by the caller (free_jobs).
 */
static int make_jobs(struct fetch_job **out, size_t *njobs, long *ignored, struct stele_ctx *ctx,
		     const struct agg_village *v, size_t n, const char *from)
{
	struct fetch_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	DIR *d = NULL;
	struct dirent *e;
	size_t count = 0;
	int rc = 0;

	*ignored = 0;
	if (!jobs)
		return stele_error(STELE_EFAIL, "out of memory");
	if (!from) {
		for (size_t i = 0; i < n; i++) {
			if (!*v[i].remote)
				continue;
			jobs[count].code = v[i].code;
			if (!(jobs[count].url = strdup(v[i].remote)) ||
			    !(jobs[count].mirror = agg_mirror_path(ctx, v[i].code))) {
				count++;
				rc = stele_error(STELE_EFAIL, "out of memory");
				goto done;
			}
			count++;
		}
		goto done;
	}
	if (!(d = opendir(from))) {
		rc = stele_error(STELE_EFAIL, "cannot read --from %s: %s", from, strerror(errno));
		goto done;
	}
	while ((e = readdir(d))) {
		const struct agg_village *village;
		struct fetch_job *job = NULL;
		bool git;

		if (e->d_name[0] == '.')
			continue;
		if (!(village = entry_village(&git, v, n, e->d_name))) {
			(*ignored)++;
			continue;
		}
		for (size_t i = 0; i < count; i++)
			if (jobs[i].code == village->code)
				job = &jobs[i];
		if (job) {
			/* Both CODE and CODE.git: the .git one is taken, the other ignored. */
			(*ignored)++;
			if (!git)
				continue;
			free(job->url);
		} else {
			job = &jobs[count++];
			job->code = village->code;
			if (!(job->mirror = agg_mirror_path(ctx, village->code))) {
				rc = stele_error(STELE_EFAIL, "out of memory");
				goto done;
			}
		}
		if (!(job->url = concat(from, "/", e->d_name))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
	}
done:
	if (d)
		closedir(d);
	*out = jobs;
	*njobs = count;
	return rc;
}

/* Copies each job's village cursor (its last merged commit) into the job. */
static int load_cursors(struct stele_ctx *ctx, struct fetch_job *jobs, size_t n)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &stmt,
			"SELECT last_commit FROM stele_stream WHERE writer = ?")) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(stmt, 1, jobs[i].code, -1, SQLITE_STATIC);
		step = sqlite3_step(stmt);
		if (step == SQLITE_ROW && sqlite3_column_text(stmt, 0))
			snprintf(jobs[i].cursor, sizeof(jobs[i].cursor), "%s",
				 (const char *)sqlite3_column_text(stmt, 0));
		else if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the cursors");
			break;
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static void free_jobs(struct fetch_job *jobs, size_t n)
{
	for (size_t i = 0; jobs && i < n; i++) {
		free(jobs[i].url);
		free(jobs[i].mirror);
	}
	free(jobs);
}

int agg_fetch_round(struct agg_fetch_tally *tally, struct stele_ctx *ctx,
		    const struct agg_fetch_opts *opts)
{
	struct fetch_pool pool = { .ctx = ctx };
	struct stele_remote_opts remote_opts = { 0 };
	struct agg_village *v = NULL;
	struct fetch_job *jobs = NULL;
	size_t n = 0, njobs = 0;
	long ignored = 0, failed = 0, quarantined = 0, others_failed = 0, jobs_wanted = opts->jobs;
	size_t others = 0;
	char *mirrors = NULL;
	int rc;

	if ((rc = agg_villages(&v, &n, ctx)) < 0)
		return rc;
	if ((rc = make_jobs(&jobs, &njobs, &ignored, ctx, v, n, opts->from)) < 0 ||
	    (rc = load_cursors(ctx, jobs, njobs)) < 0)
		goto done;
	if (!(mirrors = stele_ctx_path(ctx, AGG_MIRRORS_DIR))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (mkdir(mirrors, 0755) < 0 && errno != EEXIST) {
		rc = stele_error(STELE_EFAIL, "cannot create %s: %s", mirrors, strerror(errno));
		goto done;
	}
	if ((rc = stele_git_init()) < 0)
		goto done;
	/* The same credentials, CA and ssh key as the agent's (docs/deploy-county.md). */
	if ((rc = stele_remote_opts_from_env(&remote_opts, ctx->dir)) < 0)
		goto done;
	pool.opts = &remote_opts;
	if (jobs_wanted <= 0)
		jobs_wanted = sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs_wanted <= 0)
		jobs_wanted = 1;
	pool.jobs = jobs;
	pool.njobs = njobs;
	pthread_mutex_init(&pool.lock, NULL);
	run_jobs(&pool, jobs_wanted);
	pthread_mutex_destroy(&pool.lock);
	stele_cli_progress_end();
	for (size_t i = 0; i < njobs; i++) {
		bool other = strlen(jobs[i].code) != STELE_LEVEL_VILLAGE;

		others += other;
		if (jobs[i].rc == STELE_EVERIFY) {
			fprintf(stderr, _("%s: village %s: quarantined (too-large): %s\n"), ctx->prog,
				jobs[i].code, jobs[i].error);
			quarantined++;
		} else if (jobs[i].rc < 0) {
			agg_say_stream(ctx, jobs[i].code, jobs[i].error);
			failed++;
			others_failed += other;
		} else if (*jobs[i].damage) {
			fprintf(stderr, _("%s: village %s: its mirror was damaged (%s); rebuilt it from "
				"the remote, the damaged copy is %s.damaged\n"), ctx->prog, jobs[i].code,
				jobs[i].damage, jobs[i].mirror);
		}
	}
	if ((rc = record_outcomes(ctx, jobs, njobs)) < 0)
		goto done;
	tally->jobs += njobs;
	tally->failed += failed;
	tally->others += others;
	tally->others_failed += others_failed;
	tally->quarantined += quarantined;
	tally->ignored = ignored;
done:
	stele_remote_opts_release(&remote_opts);
	free(mirrors);
	free_jobs(jobs, njobs);
	agg_villages_free(v, n);
	return rc;
}

int agg_fetch(struct stele_ctx *ctx, const struct agg_fetch_opts *opts)
{
	struct agg_fetch_tally t = { 0 };
	int rc;

	/* A city's round is two: its counties, then what their registries list. */
	rc = agg_level(ctx) == STELE_LEVEL_CITY ? agg_city_fetch(&t, ctx, opts) :
		agg_fetch_round(&t, ctx, opts);
	if (rc < 0)
		return rc;
	if (opts->from) {
		size_t took = t.jobs - (size_t)(t.failed + t.quarantined);
		char repos[64], others[64];
		snprintf(repos, sizeof(repos), P_("%zu repository", "%zu repositories", took), took);
		snprintf(others, sizeof(others), P_("%ld other entry", "%ld other entries", t.ignored),
			 t.ignored);
		fprintf(stderr, _("%s: took %s from %s, ignored %s\n"), ctx->prog, repos, opts->from,
			others);
	}
	/* Counted by what they are: a city's counties are not villages. */
	if (t.failed && t.others)
		return stele_error(STELE_EFAIL, "%ld of %zu villages and %ld of %zu other streams "
				   "(counties, townships, the city) could not be fetched",
				   t.failed - t.others_failed, t.jobs - t.others, t.others_failed,
				   t.others);
	if (t.failed)
		return stele_error(STELE_EFAIL, "%ld of %zu villages could not be fetched", t.failed,
				   t.jobs);
	if (t.quarantined)
		return stele_error(STELE_EVERIFY, "%ld of %zu villages quarantined (see 'quarantine "
				   "list')", t.quarantined, t.jobs);
	return 0;
}

/* The options fetch and sync take: --from, --jobs, --timeout. */
struct fetch_cli {
	struct agg_fetch_opts o;
	const char *timeout_text;
	int64_t jobs;  /* --jobs, 0 when not given */
	long timeout; /* --timeout in seconds, 0 for none */
};

/*
 * --timeout: libgit2 1.5 has no network timeout, so a server that accepts the
 * connection and never answers would hold the fetch forever. When the time is up
 * the process says so and exits 1. That is safe at any instant: a mirror's ref
 * moves atomically (a ref lock left behind is cleared by the next fetch), and
 * nothing in the database has been written yet (outcomes are recorded after
 * every fetch is done).
 */
static int arm_timeout(const struct stele_ctx *ctx, long seconds)
{
	return stele_deadline_arm(seconds, ctx->prog, "fetch timed out after %s (a remote did not "
				  "answer); nothing was recorded, fetch again");
}

/* Reads fetch's options into *f. */
static int fetch_parse(struct fetch_cli *f, struct stele_ctx *ctx, const struct stele_cmd *cmd,
		       int argc, char **argv)
{
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "from", &f->o.from),
		STELE_OPT_INT('j', "jobs", &f->jobs, 1, 256),
		STELE_OPT_STRING(0, "timeout", &f->timeout_text),
		STELE_OPT_END()
	};
	char **args;
	int rc, n;

	memset(f, 0, sizeof(*f));
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	f->o.jobs = (long)f->jobs;
	if (f->timeout_text &&
	    (rc = stele_parse_duration(&f->timeout, f->timeout_text, "--timeout")) < 0)
		return rc;
	return 0;
}

int agg_fetch_command(bool *fetched, struct stele_ctx *ctx, const struct stele_cmd *cmd,
		      int argc, char **argv)
{
	struct fetch_cli f;
	int rc;

	*fetched = false;
	if ((rc = fetch_parse(&f, ctx, cmd, argc, argv)) != 0 || (rc = agg_open(ctx)) < 0)
		return rc;
	ctx->jobs = f.o.jobs; /* sync's merge verifies on as many threads */
	if (f.timeout && (rc = arm_timeout(ctx, f.timeout)) < 0)
		return rc;
	*fetched = true;
	rc = agg_fetch(ctx, &f.o);
	stele_deadline_disarm();
	return rc;
}
