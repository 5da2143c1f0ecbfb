/* outbox.c: the outbox's change sets past a stream's tip, committed as one pack. */
#include <stdio.h>

#include "changeset.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "outbox.h"

int stele_outbox_commit(uint64_t *first, uint64_t *last, sqlite3 *db, git_repository *repo,
			const char *ref, uint64_t tip_seq, const char *writer,
			stele_outbox_key_fn key_for, void *arg)
{
	char pk_hex[2 * STELE_PK_BYTES + 1], message[STELE_CS_SUMMARY_MAX + 64];
	struct stele_repo_pack *pack = NULL;
	sqlite3_stmt *stmt = NULL;
	uint64_t lo = 0, hi = 0;
	int rc, step;

	if ((rc = stele_repo_pack_begin(&pack, repo, ref)) < 0 ||
	    (rc = stele_db_prepare(db, &stmt, "SELECT seq, created_at, summary, data "
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
