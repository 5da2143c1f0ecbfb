/* outbox.c: the outbox's change sets past a stream's tip, committed as one pack,
 * in the commits planned for them. */
#include <stdio.h>
#include <string.h>

#include "changeset.h"
#include "csbatch.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "outbox.h"

/*
 * Plans the commits of the change sets past tip_seq that have none yet
 * (commit_first NULL): consecutive ones signed with one key share a commit as
 * stele_repo_batch_takes allows. A plan is never changed once written, so
 * the same outbox always gives the same commits. Inside a savepoint of its own.
 */
static int plan_commits(sqlite3 *db, uint64_t tip_seq, stele_outbox_key_fn key_for, void *arg)
{
	char pk_hex[2 * STELE_PK_BYTES + 1], batch_hex[2 * STELE_PK_BYTES + 1] = "";
	sqlite3_stmt *stmt = NULL, *set = NULL;
	uint64_t first = 0;
	size_t n = 0, batch_len = 0;
	int rc, step;

	if ((rc = stele_db_exec(db, "SAVEPOINT stele_outbox_plan")) < 0)
		return rc;
	if ((rc = stele_db_prepare(db, &stmt, "SELECT seq, length(data) FROM stele_outbox WHERE seq > ? "
					      "AND commit_first IS NULL ORDER BY seq")) < 0 ||
	    (rc = stele_db_prepare(db, &set, "UPDATE stele_outbox SET commit_first = ? "
					     "WHERE seq = ?")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)tip_seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(stmt, 0);
		size_t len = (size_t)sqlite3_column_int64(stmt, 1);

		if ((rc = key_for(pk_hex, seq, arg)) < 0)
			goto done;
		if (!stele_repo_batch_takes(n, batch_len, len, strcmp(pk_hex, batch_hex) == 0)) {
			first = seq;
			n = 0;
			batch_len = 0;
			snprintf(batch_hex, sizeof(batch_hex), "%s", pk_hex);
		}
		batch_len = stele_csbatch_grown(batch_len, len);
		n++;
		sqlite3_bind_int64(set, 1, (sqlite3_int64)first);
		sqlite3_bind_int64(set, 2, (sqlite3_int64)seq);
		if (sqlite3_step(set) != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, db, "planning the commits");
			goto done;
		}
		sqlite3_reset(set);
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the outbox");
done:
	sqlite3_finalize(stmt);
	sqlite3_finalize(set);
	if (rc < 0) {
		stele_db_exec(db, "ROLLBACK TO stele_outbox_plan");
		stele_db_exec(db, "RELEASE stele_outbox_plan");
		return rc;
	}
	return stele_db_exec(db, "RELEASE stele_outbox_plan");
}

int stele_outbox_commit(uint64_t *first, uint64_t *last, sqlite3 *db, git_repository *repo,
			const char *ref, uint64_t tip_seq, const char *writer,
			stele_outbox_key_fn key_for, void *arg)
{
	char pk_hex[2 * STELE_PK_BYTES + 1], message[STELE_CS_SUMMARY_MAX + 64];
	struct stele_repo_pack *pack = NULL;
	sqlite3_stmt *stmt = NULL;
	uint64_t lo = 0, hi = 0;
	int64_t commit_first = 0;
	int rc, step;

	if ((rc = plan_commits(db, tip_seq, key_for, arg)) < 0 ||
	    (rc = stele_repo_pack_begin(&pack, repo, ref)) < 0 ||
	    (rc = stele_db_prepare(db, &stmt, "SELECT seq, created_at, summary, data, commit_first "
					      "FROM stele_outbox WHERE seq > ? ORDER BY seq")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)tip_seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(stmt, 0);

		if (seq != (hi ? hi : tip_seq) + 1) {
			rc = stele_error(STELE_EVERIFY, "the outbox jumps from seq %llu to %llu",
					 (unsigned long long)(hi ? hi : tip_seq),
					 (unsigned long long)seq);
			goto done;
		}
		/* A commit planned for change sets that are committed already in part (a
		 * repository that lost its tip) still starts where the repository is. */
		if (hi && sqlite3_column_int64(stmt, 4) != commit_first &&
		    (rc = stele_repo_pack_commit(pack)) < 0)
			goto done;
		commit_first = sqlite3_column_int64(stmt, 4);
		if ((rc = key_for(pk_hex, seq, arg)) < 0)
			goto done;
		snprintf(message, sizeof(message), "seq %llu: %s", (unsigned long long)seq,
			 (const char *)sqlite3_column_text(stmt, 2));
		if ((rc = stele_repo_pack_add(pack, sqlite3_column_blob(stmt, 3),
					      (size_t)sqlite3_column_bytes(stmt, 3), pk_hex, message,
					      writer, sqlite3_column_int64(stmt, 1))) < 0)
			goto done;
		if (!lo)
			lo = seq;
		hi = seq;
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "reading the outbox");
		goto done;
	}
	if ((rc = stele_repo_pack_finish(NULL, pack)) < 0)
		goto done;
	*first = lo;
	*last = hi;
done:
	sqlite3_finalize(stmt);
	stele_repo_pack_free(pack);
	return rc;
}
