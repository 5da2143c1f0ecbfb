/* fork.c: where a branch of a village's history parts from the change sets merged,
 * and whether the change set it parts with is the village's own (a fork). */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "fork.h"
#include "gitrepo.h"
#include "keys.h"

struct fork_walk {
	struct stele_fork_point point;
	sqlite3_stmt *applied;   /* hash, summary of (writer, seq) */
	struct stele_keys *keys;
	const char *writer;
	int rc;
};

/* stele_repo_walk callback: 1 stops the walk (found, past the merged seqs, or an error). */
static int on_commit(void *arg, const git_oid *commit, const void *data, size_t len,
		     bool commit_end)
{
	struct fork_walk *w = arg;
	struct stele_changeset *cs = NULL;
	unsigned char hash[STELE_HASH_BYTES], pk[STELE_PK_BYTES];
	uint64_t seq;
	bool revoked = false;
	int step;

	(void)commit;
	if (!data || !(seq = stele_cs_peek_seq(data, len)))
		return 0; /* unreadable: not a change set of anyone's */
	sqlite3_reset(w->applied);
	sqlite3_bind_text(w->applied, 1, w->writer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(w->applied, 2, (sqlite3_int64)seq);
	step = sqlite3_step(w->applied);
	if (step == SQLITE_DONE)
		return 1; /* past what was merged */
	if (step != SQLITE_ROW) {
		w->rc = stele_error_db(STELE_EFAIL, sqlite3_db_handle(w->applied),
				       "reading applied change sets");
		return 1;
	}
	stele_cs_hash(hash, data, len);
	if (sqlite3_column_bytes(w->applied, 0) == STELE_HASH_BYTES &&
	    memcmp(sqlite3_column_blob(w->applied, 0), hash, STELE_HASH_BYTES) == 0)
		return 0; /* the same change set */
	w->point.seq = seq;
	snprintf(w->point.merged_summary, sizeof(w->point.merged_summary), "%s",
		 sqlite3_column_text(w->applied, 1) ? (const char *)sqlite3_column_text(w->applied, 1)
						     : "");
	if ((w->rc = stele_keys_in_force(pk, &revoked, w->keys, seq)) < 0)
		return 1;
	if (!revoked && stele_cs_decode(&cs, NULL, data, len, pk) == 0 &&
	    strcmp(cs->writer, w->writer) == 0 && cs->seq == seq) {
		w->point.signed_by_village = true;
		snprintf(w->point.summary, sizeof(w->point.summary), "%s", cs->summary);
	}
	stele_cs_free(cs);
	stele_error_clear(); /* a refusal of the trial decode is an answer, not an error */
	return 1;
}

int stele_fork_find(struct stele_fork_point *out, git_repository *repo, const char *ref,
		    sqlite3 *db, const char *writer, const unsigned char pk[STELE_PK_BYTES])
{
	struct fork_walk w = { .writer = writer };
	int rc;

	if ((rc = stele_keys_open(&w.keys, db, writer, pk)) < 0)
		return rc;
	if ((rc = stele_db_prepare(db, &w.applied, "SELECT hash, summary FROM stele_applied "
						   "WHERE writer = ? AND seq = ?")) < 0)
		goto done;
	rc = stele_repo_walk(repo, ref, NULL, on_commit, &w);
	if (w.rc < 0)
		rc = w.rc;
	else if (rc > 0)
		rc = 0;
	if (rc == 0)
		*out = w.point;
done:
	sqlite3_finalize(w.applied);
	stele_keys_free(w.keys);
	return rc;
}
