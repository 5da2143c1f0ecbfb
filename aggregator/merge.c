/* merge.c: the county's merge proper, shared by `merge` and `sync`: verify and apply
 * every village's new change sets from its mirror, exactly once (lib/merge.c does
 * the checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aggregator.h"
#include "apply.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "history.h"
#include "keys.h"
#include "merge.h"
#include "mergejobs.h"
#include "parse.h"

/* A batch (one transaction) ends after this many change sets or row changes. */
#define BATCH_CHANGESETS 512
#define BATCH_ROWS       50000

/* Totals over all villages, and the walk state of the current one. */
struct merge_run {
	struct stele_ctx *ctx;
	const char *code; /* the current village */
	struct stele_merge *m;
	long applied, duplicates, rows;
	long batch_sets, batch_rows;
	int quarantined; /* the current village's stream stopped */
	int rc;          /* an error inside the walk callback */
	char pin[2 * STELE_PK_BYTES + 1]; /* a key to pin with the first change set applied */
	int64_t id;      /* the run's number (stele_run) */
	int64_t before;  /* the last stele_applied rowid before the run: its rows come after */
	long threads;    /* --jobs */
	struct stele_mergejobs *pool; /* the verifying workers (NULL: --jobs 1) */
	struct stele_apply *apply;    /* the apply's statements, kept over all streams */
};

/* A village's walk queued on the workers, and the cursor it starts from. */
struct village_job {
	struct stele_mergejob *job;
	char since[72];
};

/* Villages queued ahead of the one merged (their memory is bounded by the pool). */
#define JOBS_AHEAD(threads) (4 * (threads) + 4)

static int pin_key(struct stele_ctx *ctx, const char *code, const char *key_hex);

/*
 * Applies what the combined merge holds pending (stele_merge_flush), then pins the
 * key once a change set it verified is applied: trust on first use, in that
 * change set's transaction, so a key whose change sets are refused (another
 * village's) is never pinned. Sets run->quarantined when the flush refused one.
 */
static int settle(struct merge_run *run)
{
	enum stele_merge_outcome outcome;
	long sets, rows;
	int rc;

	if ((rc = stele_merge_flush(&outcome, run->m)) < 0)
		return rc;
	if (outcome == STELE_MERGE_QUARANTINED)
		run->quarantined = 1;
	stele_merge_applied(&sets, &rows, run->m);
	if (*run->pin && sets > 0) {
		if ((rc = pin_key(run->ctx, run->code, run->pin)) < 0)
			return rc;
		stele_cli_progress_end();
		fprintf(stderr, _("%s: village %s: pinned the key %.16s... of its repository "
			"(trust on first use; check it with the clerk's 'stele-agent key')\n"),
			run->ctx->prog, run->code, run->pin);
		*run->pin = '\0';
	}
	return 0;
}

static int on_commit(void *arg, const git_oid *commit, const void *data, size_t len,
		     bool commit_end)
{
	struct merge_run *run = arg;
	enum stele_merge_outcome outcome;
	char hex[STELE_OID_HEX_LEN + 1];
	long rows = 0;
	int rc;

	stele_git_oid_hex(hex, commit);
	if ((rc = stele_merge_offer(&outcome, &rows, run->m, data, len, hex, commit_end)) < 0) {
		run->rc = rc;
		return 1;
	}
	switch (outcome) {
	case STELE_MERGE_APPLIED:
		/* Taken: applied, or pending until the next flush (settle). */
		run->batch_sets++;
		run->batch_rows += rows;
		break;
	case STELE_MERGE_DUPLICATE:
		run->duplicates++;
		break;
	case STELE_MERGE_QUARANTINED:
		run->quarantined = 1;
		return 1;
	}
	if (run->batch_sets >= BATCH_CHANGESETS || run->batch_rows >= BATCH_ROWS) {
		if ((rc = settle(run)) < 0 ||
		    (!run->quarantined && (rc = stele_merge_commit(run->m)) < 0)) {
			run->rc = rc;
			return 1;
		}
		if (run->quarantined)
			return 1;
		run->batch_sets = run->batch_rows = 0;
	}
	return 0;
}

/* The stream's state and note (*state "ok" when the stream has no row yet). */
static int stream_state(char state[16], struct stele_ctx *ctx, const char *code)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	snprintf(state, 16, "ok");
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT state FROM stele_stream WHERE writer = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		snprintf(state, 16, "%s", (const char *)sqlite3_column_text(stmt, 0));
	else if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the stream state");
	sqlite3_finalize(stmt);
	return rc;
}

/* stele_repo_walk callback: keeps the first commit and stops. */
static int first_commit(void *arg, const git_oid *commit, const void *data, size_t len,
			bool commit_end)
{
	*(git_oid *)arg = *commit;
	return 1;
}

/* Pins key_hex as the village's key (trust on first use). */
static int pin_key(struct stele_ctx *ctx, const char *code, const char *key_hex)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt, "UPDATE stele_village_source SET pubkey = ? "
						   "WHERE village_code = ? AND pubkey IS NULL")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, key_hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, code, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "pinning a key");
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Looks at each delivery a later fetch replaced (AGG_BRANCH_PREFIX refs of the
 * mirror): one the merged history holds is dropped; one that continues it becomes
 * the incoming ref again (returns 1: merge walks it); one that parts from it is
 * examined as a fork (*fork HELD when one is unresolved) and dropped once kept as
 * a fork, or as damage (not the village's own change sets). Returns 0, 1 or < 0.
 */
static int kept_branches(enum agg_fork_verdict *fork, struct stele_ctx *ctx,
			 git_repository *repo, struct stele_merge *m, const char *code,
			 const unsigned char pk[STELE_PK_BYTES])
{
	git_oid tip, cursor;
	const char *last = stele_merge_last_commit(m);
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	*fork = AGG_FORK_NONE;
	if ((rc = stele_repo_refs(&names, &n, repo, AGG_BRANCH_PREFIX, 64)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		enum agg_fork_verdict verdict = AGG_FORK_NONE;
		int held = 0, continues = 0;

		if (stele_repo_ref(&tip, repo, names[i]) != 1)
			continue;
		if (*last && stele_git_oid_parse(&cursor, last) == 0) {
			if ((held = stele_repo_descends(repo, &cursor, &tip)) < 0 ||
			    (!held && (continues = stele_repo_descends(repo, &tip, &cursor)) < 0)) {
				rc = held < 0 ? held : continues;
				break;
			}
		} else {
			continues = 1;
		}
		if (continues) {
			if ((rc = stele_repo_set_ref(repo, AGG_INCOMING_REF, &tip,
						     "stele: a kept delivery continues the stream")) < 0)
				break;
			rc = 1;
		} else if (!held) {
			if ((rc = agg_fork_examine(&verdict, ctx, code, repo, names[i], &tip, pk)) < 0)
				break;
			if (verdict == AGG_FORK_HELD)
				*fork = AGG_FORK_HELD;
		}
		/* Held by the merged history, moved to incoming, or kept as a fork. */
		int drc = stele_repo_delete_ref(repo, names[i]);
		if (drc < 0)
			rc = drc;
	}
	stele_repo_refs_free(names, n);
	return rc;
}

/*
 * Offers what the workers read ahead of j, in order, then walks on from the last
 * commit of it they read whole where their walk stopped short of the tip (an
 * error, a damaged object: the walk meets it again and says so; the change sets
 * of a commit read in part come again, as duplicates). Returns as stele_repo_walk.
 */
static int replay(struct merge_run *run, git_repository *repo, struct stele_mergejob *j,
		  const git_oid *since)
{
	const struct stele_mergeitem *item;
	git_oid resume;
	bool complete = false, resumed = false;
	int more, cb;

	while ((more = stele_mergejob_next(&item, &complete, j)) == 1) {
		stele_merge_hint(run->m, item->sig);
		cb = on_commit(run, &item->commit, item->data, item->len, item->commit_end);
		stele_merge_hint(run->m, NULL);
		if (item->commit_end) {
			resume = item->commit;
			resumed = true;
		}
		if (cb != 0)
			return cb;
	}
	if (complete)
		return 0;
	return stele_repo_walk(repo, AGG_INCOMING_REF, resumed ? &resume : since, on_commit, run);
}

/*
 * Merges one village. *stopped is set when its stream is (now) held or
 * quarantined, with the one line to report in why. Returns <0 on an error that
 * is not the village's fault. A stream this would find nothing to do in is not
 * offered at all (streams_to_merge): what it does for a stream at its cursor
 * (state, forks, a pin, kept deliveries) is what that skip must rule out.
 */
static int merge_village(bool *stopped, char *why, size_t why_n, struct merge_run *run,
			 struct stele_ctx *ctx, const struct agg_village *v,
			 const struct village_job *job)
{
	unsigned char pk[STELE_PK_BYTES];
	char state[16], *mirror = NULL;
	git_repository *repo = NULL;
	git_oid tip, cursor;
	const char *last;
	bool walk_needed;
	enum agg_fork_verdict fork;
	int rc, walk, rounds = 0;

	*stopped = false;
	run->ctx = ctx;
	run->code = v->code;
	run->pin[0] = '\0';
	run->quarantined = 0;
	run->rc = 0;
	run->batch_sets = run->batch_rows = 0;
	if ((rc = stream_state(state, ctx, v->code)) < 0)
		return rc;
	if (strcmp(state, "quarantined") == 0) {
		*stopped = true;
		snprintf(why, why_n, "quarantined; waiting for 'quarantine retry %s' (see "
			 "'quarantine list')", v->code);
		return 0;
	}
	/* A fork holds until county staff resolve it: no later delivery clears it. */
	if ((rc = agg_fork_unresolved(why, why_n, ctx, v->code)) != 0) {
		*stopped = rc > 0;
		return rc < 0 ? rc : 0;
	}
	if (!(mirror = agg_mirror_path(ctx, v->code)))
		return stele_error(STELE_EFAIL, "out of memory");
	if (access(mirror, F_OK) != 0)
		goto done; /* never fetched: nothing to merge */
	if ((rc = stele_repo_open(&repo, mirror, 0)) < 0)
		goto done;
	/* Merge moves the mirror's refs too (forks): a killed one's locks go. */
	stele_repo_clear_stale_locks(repo);
	/* The tip is not decoded here: a bad change set there is merge's to quarantine. */
	walk = stele_repo_ref(&tip, repo, AGG_INCOMING_REF);
	if (walk == 0)
		goto done; /* fetched, but the village has not synced yet */
	if (walk < 0) {
		rc = stele_error(STELE_EFAIL, "cannot read %s of %s", AGG_INCOMING_REF, mirror);
		goto done;
	}
	if (v->pubkey) {
		if (stele_hex_decode(pk, STELE_PK_BYTES, v->pubkey) < 0) {
			rc = stele_error(STELE_EFAIL, "the pinned key is damaged");
			goto done;
		}
	} else {
		/* The key of seq 1, named by the first commit: later keys follow from it
		 * through the stream's rotations (docs/keys.md). */
		git_oid first = tip;
		if ((walk = stele_repo_walk(repo, AGG_INCOMING_REF, NULL, first_commit, &first)) < 0) {
			rc = walk;
			goto done;
		}
		if ((rc = stele_repo_commit_pubkey(pk, repo, &first)) < 0)
			goto done;
		stele_hex_encode(run->pin, pk, STELE_PK_BYTES);
	}
	/* STELE_MERGE_ONE_BY_ONE (tests, benchmarks): the reference path the combined
	 * one must equal (tests/cli/t0307-merge-combined.sh), SQLite's own apply for
	 * every change set. */
	const bool one_by_one = getenv("STELE_MERGE_ONE_BY_ONE") != NULL;
	if ((rc = stele_merge_open(&run->m, ctx->db, v->code, pk, STELE_MERGE_QUARANTINE |
				   (one_by_one ? 0 : STELE_MERGE_COMBINE))) < 0)
		goto done;
	stele_merge_set_run(run->m, run->id);
	stele_merge_set_threads(run->m, run->threads);
	if (!one_by_one)
		stele_merge_set_apply(run->m, run->apply);
	/* A township's county: its tasks are the township's villages' too. */
	if (agg_level(ctx) == STELE_LEVEL_TOWNSHIP && strlen(v->code) == STELE_LEVEL_COUNTY)
		stele_merge_set_one_county(run->m);
again:
	walk_needed = true;
	if (stele_repo_ref(&tip, repo, AGG_INCOMING_REF) != 1) {
		rc = stele_error(STELE_EFAIL, "cannot read %s of %s", AGG_INCOMING_REF, mirror);
		goto done;
	}
	last = stele_merge_last_commit(run->m);
	if (*last) {
		if (stele_git_oid_parse(&cursor, last) < 0) {
			rc = stele_error(STELE_EFAIL, "the cursor commit '%s' is damaged", last);
			goto done;
		}
		/* Nothing new at the cursor, nor in an older delivery (a stale USB stick). */
		if (stele_git_oid_equal(&cursor, &tip))
			walk_needed = false;
		else if ((rc = stele_repo_descends(repo, &cursor, &tip)) < 0)
			goto done;
		else if (rc == 1)
			walk_needed = false;
		rc = 0;
	}
	if (walk_needed) {
		git_oid job_tip;
		/* The workers' walk, if it is of this tip from this cursor. */
		if (job && rounds == 0 && strcmp(job->since, last) == 0 &&
		    stele_mergejob_tip(&job_tip, job->job) && stele_git_oid_equal(&job_tip, &tip))
			walk = replay(run, repo, job->job, *last ? &cursor : NULL);
		else
			walk = stele_repo_walk(repo, AGG_INCOMING_REF, *last ? &cursor : NULL,
					       on_commit, run);
		if (run->rc < 0) {
			rc = run->rc;
			goto done;
		}
		if (walk == STELE_EVERIFY) {
			/* Before any change set: the history no longer holds the merged one.
			 * Another computer's branch (a fork), or a rewritten history. */
			char note[600];
			snprintf(note, sizeof(note), "%s", stele_error_message_en());
			if ((rc = agg_fork_examine(&fork, ctx, v->code, repo, AGG_INCOMING_REF, &tip,
						   pk)) < 0)
				goto done;
			if (fork == AGG_FORK_HELD)
				goto forked;
			if (fork == AGG_FORK_NONE) {
				if ((rc = stele_merge_set_state(run->m, "held", note)) < 0)
					goto done;
				*stopped = true;
				snprintf(why, why_n, "held: %s; nothing merged", note);
				goto done;
			}
			/* A resolved fork's branch: the merged one may be among the kept. */
			walk = 0;
		}
		if (walk == STELE_EFAIL) {
			/* A git object of the mirror is damaged (the disk, not the village). */
			char cause[600];
			snprintf(cause, sizeof(cause), "%s", stele_error_message());
			rc = stele_error(STELE_EFAIL, "its mirror %s cannot be read (%s); its merge stopped "
					 "there; 'fetch' rebuilds the mirror from the village's remote",
					 mirror, cause);
			goto done;
		}
		if (walk < 0) {
			rc = walk;
			goto done;
		}
		if ((rc = settle(run)) < 0 || (rc = stele_merge_commit(run->m)) < 0)
			goto done;
		if (run->quarantined) {
			*stopped = true;
			snprintf(why, why_n, "quarantined (%s): %s",
				 stele_merge_quarantine_reason(run->m),
				 stele_merge_quarantine_detail(run->m));
			goto done;
		}
	}
	/* Deliveries a later fetch replaced: merged, or forks. */
	switch ((rc = kept_branches(&fork, ctx, repo, run->m, v->code, pk))) {
	case 1:
		if (++rounds < 16)
			goto again; /* the incoming ref moved to a kept continuation */
		rc = 0;
		break;
	case 0:
		break;
	default:
		goto done;
	}
	if (fork == AGG_FORK_HELD)
		goto forked;
	if (strcmp(state, "ok") != 0)
		rc = stele_merge_set_state(run->m, "ok", NULL);
	goto done;
forked:
	agg_fork_unresolved(why, why_n, ctx, v->code);
	if ((rc = stele_merge_set_state(run->m, "held", why)) < 0)
		goto done;
	*stopped = true;
done:
	if (run->m) {
		long sets, rows;
		stele_merge_applied(&sets, &rows, run->m);
		run->applied += sets;
		run->rows += rows;
	}
	stele_merge_free(run->m);
	run->m = NULL;
	stele_repo_close(repo);
	free(mirror);
	return rc;
}

/* Numbers a new merge run: its epoch and its stele_run row, committed. */
static int run_begin(int64_t *id, int64_t *before, struct stele_ctx *ctx)
{
	sqlite3_stmt *stmt = NULL;
	int64_t epoch;
	int rc;

	if ((rc = stele_db_begin(ctx->db)) < 0)
		return rc;
	if ((rc = stele_history_epoch(&epoch, ctx->db, "merge")) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &stmt, "INSERT INTO stele_run (epoch, started_at) "
						   "SELECT n, at FROM stele_epoch WHERE n = ? "
						   "RETURNING id, (SELECT coalesce(max(rowid), 0) "
						   "FROM stele_applied)")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 1, epoch);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		*before = sqlite3_column_int64(stmt, 1);
	} else {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "numbering the merge run");
	}
done:
	sqlite3_finalize(stmt);
	if (rc < 0) {
		stele_db_rollback(ctx->db);
		return rc;
	}
	return stele_db_commit(ctx->db);
}

/* Records that run id finished (in milliseconds, never before its epoch's time),
 * with what it merged: its rows of stele_applied, all inserted after rowid before
 * (read as a range of rowids, not a scan of every change set ever merged). */
static int run_end(struct stele_ctx *ctx, int64_t id, int64_t before)
{
	char sql[560];

	snprintf(sql, sizeof(sql), "UPDATE stele_run SET finished_at = max(%lld, (SELECT at FROM "
		 "stele_epoch WHERE n = stele_run.epoch)), "
		 "change_sets = (SELECT count(*) FROM stele_applied WHERE rowid > %lld AND "
		 "run = %lld), "
		 "villages = (SELECT count(DISTINCT writer) FROM stele_applied WHERE rowid > %lld "
		 "AND run = %lld) WHERE id = %lld", (long long)stele_history_clock_ms(),
		 (long long)before, (long long)id, (long long)before, (long long)id,
		 (long long)id);
	return stele_db_exec(ctx->db, sql);
}

/*
 * Sets (*todo)[0..*ntodo) to the indices of the streams of v that merge_village
 * must look at, leaving out each it would find nothing to do in: its stream ok
 * (neither held nor quarantined), no fork unresolved, its key pinned, its mirror's
 * incoming ref a loose ref at the merged cursor, and no replaced delivery kept
 * (AGG_BRANCH_PREFIX). Told from the database and the ref files alone: opening
 * thousands of mirrors and merges to find nothing new is most of a city's no-op
 * sync. Anything it cannot tell this way goes to merge_village. *todo is freed by
 * the caller.
 */
static int streams_to_merge(size_t **todo, size_t *ntodo, struct stele_ctx *ctx,
			    const struct agg_village *v, size_t n)
{
	size_t *list = malloc((n ? n : 1) * sizeof(*list)), count = 0;
	sqlite3_stmt *stmt = NULL;
	char tip[STELE_OID_HEX_LEN + 1];
	bool began = false;
	int rc, step;

	if (!list)
		return stele_error(STELE_EFAIL, "out of memory");
	/* One read transaction, not one lock per statement. */
	if ((rc = stele_db_exec(ctx->db, "BEGIN")) < 0)
		goto done;
	began = true;
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT last_commit FROM stele_stream s "
				   "WHERE writer = ?1 AND state = 'ok' AND NOT EXISTS (SELECT 1 FROM "
				   "stele_fork f WHERE f.village_code = ?1 AND f.resolved_at IS NULL)"))
	    < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		const char *cursor = NULL;
		char *mirror = NULL;
		bool same = false;

		if (v[i].pubkey) {
			sqlite3_bind_text(stmt, 1, v[i].code, -1, SQLITE_STATIC);
			step = sqlite3_step(stmt);
			if (step == SQLITE_ROW)
				cursor = (const char *)sqlite3_column_text(stmt, 0);
			else if (step != SQLITE_DONE) {
				rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the stream states");
				goto done;
			}
		}
		if (cursor && *cursor) {
			if (!(mirror = agg_mirror_path(ctx, v[i].code))) {
				rc = stele_error(STELE_EFAIL, "out of memory");
				goto done;
			}
			same = stele_repo_peek_ref(tip, mirror, AGG_INCOMING_REF) == 1 &&
			       strcmp(tip, cursor) == 0 &&
			       stele_repo_peek_no_refs(mirror, AGG_BRANCH_PREFIX);
			free(mirror);
		}
		sqlite3_reset(stmt);
		if (!same)
			list[count++] = i;
	}
done:
	sqlite3_finalize(stmt);
	if (began)
		stele_db_exec(ctx->db, "COMMIT"); /* it wrote nothing: the end of a read */
	if (rc < 0) {
		free(list);
		return rc;
	}
	*todo = list;
	*ntodo = count;
	return 0;
}

/*
 * Queues village v's walk on the workers: from its cursor, its signatures checked
 * against the key in force for its next seq (the key its first commit names when
 * none is pinned). Nothing is queued for a village merge would not walk
 * (quarantined, never fetched); job->job stays NULL then.
 */
static int queue_village(struct village_job *job, struct merge_run *run, struct stele_ctx *ctx,
			 const struct agg_village *v)
{
	unsigned char pinned[STELE_PK_BYTES], pk[STELE_PK_BYTES];
	struct stele_keys *keys = NULL;
	sqlite3_stmt *stmt = NULL;
	char *mirror = NULL;
	git_oid since;
	uint64_t last_seq = 0;
	bool revoked, has_since = false;
	int rc = 0, step;

	job->job = NULL;
	job->since[0] = '\0';
	if (!(mirror = agg_mirror_path(ctx, v->code)))
		return stele_error(STELE_EFAIL, "out of memory");
	if (access(mirror, F_OK) != 0)
		goto done;
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT state, last_seq, last_commit FROM "
						   "stele_stream WHERE writer = ?")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, v->code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(stmt, 0);
		const char *commit = (const char *)sqlite3_column_text(stmt, 2);
		if (state && strcmp(state, "quarantined") == 0)
			goto done;
		last_seq = (uint64_t)sqlite3_column_int64(stmt, 1);
		if (commit && *commit) {
			if (stele_git_oid_parse(&since, commit) < 0)
				goto done; /* merge_village says so */
			snprintf(job->since, sizeof(job->since), "%s", commit);
			has_since = true;
		}
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the stream state");
		goto done;
	}
	if (v->pubkey) {
		if (stele_hex_decode(pinned, STELE_PK_BYTES, v->pubkey) < 0)
			goto done; /* merge_village says so */
		if ((rc = stele_keys_open(&keys, ctx->db, v->code, pinned)) < 0 ||
		    (rc = stele_keys_in_force(pk, &revoked, keys, last_seq + 1)) < 0)
			goto done;
	}
	rc = stele_mergejobs_add(&job->job, run->pool, mirror, AGG_INCOMING_REF,
				 has_since ? &since : NULL, v->pubkey ? pk : NULL);
done:
	stele_keys_free(keys);
	sqlite3_finalize(stmt);
	free(mirror);
	return rc;
}

int agg_merge(struct stele_ctx *ctx)
{
	struct merge_run run = { 0 };
	struct agg_village *v = NULL;
	struct village_job *jobs = NULL;
	size_t n = 0, queued = 0, *todo = NULL, ntodo = 0;
	long stopped_count = 0, failed = 0;
	char why[1024];
	int rc, first_error = 0;

	if ((rc = stele_git_init()) < 0 || (rc = agg_villages(&v, &n, ctx)) < 0)
		return rc;
	if ((rc = streams_to_merge(&todo, &ntodo, ctx, v, n)) < 0 ||
	    (rc = run_begin(&run.id, &run.before, ctx)) < 0 ||
	    (ntodo > 0 && (rc = stele_apply_new(&run.apply, ctx->db)) < 0)) {
		free(todo);
		agg_villages_free(v, n);
		return rc;
	}
	run.threads = ctx->jobs > 0 ? ctx->jobs : stele_jobs_default();
	/* --jobs 1: one thread, no workers. Otherwise threads workers read and verify
	 * ahead; this thread checks and applies, in the order of --jobs 1. jobs[k] is
	 * the walk of v[todo[k]]. */
	if (run.threads > 1 && ntodo > 0) {
		if (!(jobs = calloc(ntodo, sizeof(*jobs))) ||
		    stele_mergejobs_new(&run.pool, run.threads) < 0) {
			free(jobs);
			jobs = NULL;
			run.pool = NULL; /* one thread after all */
		}
	}
	for (size_t k = 0; k < ntodo; k++) {
		size_t i = todo[k];
		bool stopped = false;

		/* A village whose queueing fails is merged by this thread alone. */
		while (run.pool && queued < ntodo && queued <= k + JOBS_AHEAD(run.threads)) {
			if (queue_village(&jobs[queued], &run, ctx, &v[todo[queued]]) < 0)
				jobs[queued].job = NULL;
			queued++;
		}
		stele_cli_progress(ctx, "merging", (long)i, (long)n);
		rc = merge_village(&stopped, why, sizeof(why), &run, ctx, &v[i],
				   jobs && jobs[k].job ? &jobs[k] : NULL);
		if (jobs)
			stele_mergejob_done(run.pool, jobs[k].job);
		if (rc < 0) {
			stele_cli_progress_end();
			agg_say_stream(ctx, v[i].code, stele_error_message());
			if (!first_error)
				first_error = rc;
			failed++;
			continue;
		}
		if (stopped) {
			stele_cli_progress_end();
			agg_say_stream(ctx, v[i].code, why);
			stopped_count++;
		}
	}
	stele_cli_progress(ctx, "merging", (long)n, (long)n);
	{
		char sets[64], rows[64], villages[64];
		snprintf(sets, sizeof(sets), P_("%ld change set", "%ld change sets", run.applied),
			 run.applied);
		snprintf(rows, sizeof(rows), P_("%ld row change", "%ld row changes", run.rows),
			 run.rows);
		size_t nv = 0; /* the villages, not the townships (agg_villages) */
		for (size_t i = 0; i < n; i++)
			nv += strlen(v[i].code) == STELE_LEVEL_VILLAGE;
		snprintf(villages, sizeof(villages), P_("%zu village", "%zu villages", nv), nv);
		fprintf(stderr, _("%s: merged %s (%s) from %s\n"), ctx->prog, sets, rows, villages);
	}
	stele_mergejobs_free(run.pool);
	stele_apply_free(run.apply);
	free(jobs);
	free(todo);
	agg_villages_free(v, n);
	if ((rc = run_end(ctx, run.id, run.before)) < 0)
		return rc;
	if (stopped_count)
		return stele_error(STELE_EVERIFY,
				   P_("%ld village is held or quarantined (see 'status' and "
				      "'quarantine list')",
				      "%ld villages are held or quarantined (see 'status' and "
				      "'quarantine list')", stopped_count), stopped_count);
	if (failed)
		return stele_error(first_error, P_("%ld village could not be merged",
						   "%ld villages could not be merged", failed), failed);
	return 0;
}
