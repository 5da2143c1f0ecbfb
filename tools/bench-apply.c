/* bench-apply.c: the baseline of `make bench`'s merge rate: reads every change
 * set of a village repository, then times a raw sqlite3changeset_apply of them all
 * into a database in one transaction, and prints "ROWS SECONDS CPU_SECONDS".
 *
 *   bench-apply [--history] REPO DB
 *
 * DB is created (the village schema) when missing. With --history it gets the
 * county's past states (lib/history.c: NAME_hist, NAME_since and their triggers)
 * and the apply opens an epoch first, as a merge run does, so the raw apply pays
 * the same triggers a county's merge pays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "changeset.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "history.h"

/* The decoded change sets, in stream order. */
struct collected {
	struct stele_changeset **cs;
	size_t n, cap;
	long rows;
};

static int on_commit(void *arg, const git_oid *commit, const void *data, size_t len,
		     bool commit_end)
{
	struct collected *c = arg;
	struct stele_changeset *cs = NULL, **grown;
	sqlite3_changeset_iter *it = NULL;
	int rc;

	if (!data)
		return stele_error(STELE_EFAIL, "a commit holds no change set");
	if ((rc = stele_cs_decode(&cs, NULL, data, len, NULL)) < 0)
		return rc;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		if (!(grown = realloc(c->cs, c->cap * sizeof(*grown)))) {
			stele_cs_free(cs);
			return stele_error(STELE_EFAIL, "out of memory");
		}
		c->cs = grown;
	}
	c->cs[c->n++] = cs;
	if (sqlite3changeset_start(&it, (int)cs->changes_len, cs->changes) == SQLITE_OK)
		while (sqlite3changeset_next(it) == SQLITE_ROW)
			c->rows++;
	sqlite3changeset_finalize(it);
	return 0;
}

static int on_conflict(void *arg, int type, sqlite3_changeset_iter *it)
{
	return SQLITE_CHANGESET_ABORT;
}

int main(int argc, char **argv)
{
	struct collected c = { 0 };
	git_repository *repo = NULL;
	struct timespec t0, t1, c0, c1;
	sqlite3 *db = NULL;
	int rc, history = 0;

	if (argc == 4 && strcmp(argv[1], "--history") == 0) {
		history = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: bench-apply [--history] REPO DB\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	if ((rc = stele_repo_open(&repo, argv[1], 0)) < 0 ||
	    (rc = stele_repo_walk(repo, STELE_BRANCH, NULL, on_commit, &c)) < 0 ||
	    (rc = stele_db_open(&db, argv[2], STELE_DB_CREATE)) < 0)
		goto done;
	/* As the merge does (lib/mergebatch.c): the apply's savepoint journal in memory. */
	if (!(getenv("BENCH_APPLY_TEMP_FILE") && *getenv("BENCH_APPLY_TEMP_FILE")) &&
	    (rc = stele_db_exec(db, "PRAGMA temp_store = MEMORY")) < 0)
		goto done;
	if (history && ((rc = stele_db_begin(db)) < 0 || (rc = stele_history_install(db)) < 0 ||
			(rc = stele_db_commit(db)) < 0))
		goto done;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	if ((rc = stele_db_begin(db)) < 0 ||
	    (history && (rc = stele_history_epoch(NULL, db, "bench-apply")) < 0))
		goto done;
	for (size_t i = 0; i < c.n; i++)
		if (sqlite3changeset_apply(db, (int)c.cs[i]->changes_len, c.cs[i]->changes, NULL,
					   on_conflict, NULL) != SQLITE_OK) {
			rc = stele_error_db(STELE_EFAIL, db, "apply");
			goto done;
		}
	if ((rc = stele_db_commit(db)) < 0)
		goto done;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	printf("%ld %.6f %.6f\n", c.rows,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9);
done:
	if (rc < 0)
		fprintf(stderr, "bench-apply: %s\n", stele_error_message());
	for (size_t i = 0; i < c.n; i++)
		stele_cs_free(c.cs[i]);
	free(c.cs);
	stele_db_close(db);
	stele_repo_close(repo);
	return stele_exit_code(rc);
}
