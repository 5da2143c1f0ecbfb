/* capture.c: one write, one transaction, one signed change set in the outbox. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "rowcheck.h"
#include "summary.h"

struct stele_capture {
	sqlite3 *db;
	sqlite3_session *session;
	char writer[STELE_CS_WRITER_MAX + 1];
	char *texts[3]; /* the change_note row (stele_capture_note): clerk, note, village_name */
	uint64_t reverts;
	bool key_table;  /* writer_key captured too (stele_capture_key_table) */
};

static void capture_free(struct stele_capture *cap)
{
	for (int i = 0; i < 3; i++)
		free(cap->texts[i]);
	free(cap);
}

void stele_capture_abort(struct stele_capture *cap)
{
	if (!cap)
		return;
	if (cap->session)
		sqlite3session_delete(cap->session);
	stele_db_rollback(cap->db);
	capture_free(cap);
}

/* A new session on the writer's own tables, which can tell its change set's size. */
static int start_session(struct stele_capture *cap)
{
	const char *const *tables;
	int size = 1;

	if (sqlite3session_create(cap->db, "main", &cap->session) != SQLITE_OK) {
		cap->session = NULL;
		return stele_error_db(STELE_EFAIL, cap->db, "starting capture");
	}
	if (sqlite3session_object_config(cap->session, SQLITE_SESSION_OBJCONFIG_SIZE, &size) !=
	    SQLITE_OK)
		return stele_error_db(STELE_EFAIL, cap->db, "starting capture");
	tables = stele_level_tables(stele_writer_level(cap->writer));
	for (; *tables; tables++)
		if (sqlite3session_attach(cap->session, *tables) != SQLITE_OK)
			return stele_error_db(STELE_EFAIL, cap->db, "starting capture");
	if (cap->key_table && sqlite3session_attach(cap->session, "writer_key") != SQLITE_OK)
		return stele_error_db(STELE_EFAIL, cap->db, "starting capture");
	return 0;
}

int stele_capture_key_table(struct stele_capture *cap)
{
	if (cap->key_table || stele_level_owns(stele_writer_level(cap->writer), "writer_key"))
		return 0;
	cap->key_table = true;
	if (sqlite3session_attach(cap->session, "writer_key") != SQLITE_OK)
		return stele_error_db(STELE_EFAIL, cap->db, "starting capture");
	return 0;
}

int stele_capture_begin(struct stele_capture **out, sqlite3 *db, const char *writer)
{
	struct stele_capture *cap = calloc(1, sizeof(*cap));
	int rc = 0;

	if (!cap)
		return stele_error(STELE_EFAIL, "out of memory");
	cap->db = db;
	if (strlen(writer) > STELE_CS_WRITER_MAX) {
		rc = stele_error(STELE_EFAIL, "writer name '%s' is too long", writer);
		goto done;
	}
	strcpy(cap->writer, writer);
	if ((rc = stele_db_begin(db)) < 0)
		goto done;
	if ((rc = start_session(cap)) < 0)
		goto done;
	*out = cap;
	cap = NULL;
done:
	stele_capture_abort(cap);
	return rc;
}

int stele_capture_note(struct stele_capture *cap, const struct stele_change_note *note)
{
	const char *given[3] = { note->clerk, note->note, note->village_name };
	char *texts[3] = { NULL, NULL, NULL };

	if (strcmp(cap->writer, STELE_WRITER_COUNTY) == 0)
		return stele_error(STELE_EFAIL, "a county change set has no change note");
	for (int i = 0; i < 3; i++)
		if (given[i] && !(texts[i] = strdup(given[i]))) {
			while (i-- > 0)
				free(texts[i]);
			return stele_error(STELE_EFAIL, "out of memory");
		}
	for (int i = 0; i < 3; i++) {
		free(cap->texts[i]);
		cap->texts[i] = texts[i];
	}
	cap->reverts = note->reverts;
	return 0;
}

/* Writes the change_note row of change set seq (stele_capture_note). */
static int write_note(struct stele_capture *cap, uint64_t seq)
{
	int rc;

	rc = stele_db_run(cap->db, "writing the change note",
			  "INSERT INTO change_note (village_code, seq, clerk, reverts, note, "
			  "village_name) VALUES (?, ?, ?, nullif(?, 0), ?, ?)",
			  "tititt", cap->writer, (int64_t)seq, cap->texts[0], (int64_t)cap->reverts, cap->texts[1], cap->texts[2]);
	return rc;
}

/* stele_cs_walk's callback: the value rules the county's merge applies to every row. */
static int check_row(void *ctx, const struct stele_cs_row *row)
{
	return stele_row_check(row);
}

/* The outbox's last seq and hash (0 and zeros when empty). */
static int outbox_last(sqlite3 *db, uint64_t *seq, unsigned char hash[STELE_HASH_BYTES])
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt,
				   "SELECT seq, hash FROM stele_outbox ORDER BY seq DESC LIMIT 1")) < 0)
		return rc;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		if (sqlite3_column_bytes(stmt, 1) != STELE_HASH_BYTES) {
			rc = stele_error(STELE_EFAIL, "outbox hash of seq %lld is damaged",
					 (long long)sqlite3_column_int64(stmt, 0));
			goto done;
		}
		*seq = (uint64_t)sqlite3_column_int64(stmt, 0);
		memcpy(hash, sqlite3_column_blob(stmt, 1), STELE_HASH_BYTES);
	} else if (step == SQLITE_DONE) {
		*seq = 0;
		memset(hash, 0, STELE_HASH_BYTES);
	} else {
		rc = stele_error_db(STELE_EFAIL, db, "reading the outbox");
	}
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* Stores the session's changes as the next change set of the outbox (seq in
 * *seq, 0 when nothing changed), inside the open transaction. */
static int store(uint64_t *seq, struct stele_capture *cap, const unsigned char sk[STELE_SK_BYTES])
{
	struct stele_changeset cs = { 0 };
	unsigned char *encoded = NULL, hash[STELE_HASH_BYTES];
	size_t encoded_len = 0;
	sqlite3_stmt *stmt = NULL;
	void *changes = NULL;
	int changes_len = 0, rc;
	uint64_t last = 0;

	if (!sqlite3session_isempty(cap->session) && (cap->texts[0] || cap->texts[1] || cap->texts[2] || cap->reverts) &&
	    ((rc = outbox_last(cap->db, &last, cs.prev_hash)) < 0 ||
	     (rc = write_note(cap, last + 1)) < 0))
		goto done;
	if (sqlite3session_changeset(cap->session, &changes_len, &changes) != SQLITE_OK) {
		rc = stele_error_db(STELE_EFAIL, cap->db, "capturing the change set");
		goto done;
	}
	if (changes_len == 0) {
		*seq = 0;
		rc = 0;
		goto done;
	}
	/* Nothing is signed that the county would refuse (lib/rowcheck.h). A command
	 * checks its values first, with its own words; this is the same rule for all. */
	if ((rc = stele_cs_walk(NULL, changes, (size_t)changes_len, check_row, NULL)) < 0) {
		if (rc == STELE_EVERIFY)
			rc = stele_error(STELE_EINVALID, "%s", stele_error_message());
		goto done;
	}
	if ((rc = outbox_last(cap->db, &last, cs.prev_hash)) < 0)
		goto done;
	cs.format = STELE_CS_FORMAT;
	cs.schema = (unsigned)stele_schema_version();
	cs.seq = last + 1;
	cs.created_at = (int64_t)time(NULL);
	strcpy(cs.writer, cap->writer);
	cs.changes = changes;
	cs.changes_len = (size_t)changes_len;
	if ((rc = stele_cs_summarize(&cs.summary, changes, (size_t)changes_len)) < 0)
		goto done;
	if ((rc = stele_cs_encode(&encoded, &encoded_len, &cs, sk)) < 0)
		goto done;
	stele_cs_hash(hash, encoded, encoded_len);
	if ((rc = stele_db_prepare(cap->db, &stmt,
				   "INSERT INTO stele_outbox (seq, created_at, summary, hash, data) "
				   "VALUES (?, ?, ?, ?, ?)")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)cs.seq);
	sqlite3_bind_int64(stmt, 2, cs.created_at);
	sqlite3_bind_text(stmt, 3, cs.summary, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 4, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 5, encoded, (int)encoded_len, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, cap->db, "storing the change set");
		goto done;
	}
	*seq = cs.seq;
done:
	sqlite3_finalize(stmt);
	sqlite3_free(changes);
	free(cs.summary);
	free(encoded);
	return rc;
}

int stele_capture_split(struct stele_capture *cap, const unsigned char sk[STELE_SK_BYTES],
			size_t max_bytes)
{
	uint64_t seq;
	int rc;

	if ((size_t)sqlite3session_changeset_size(cap->session) <= max_bytes)
		return 0;
	if ((rc = store(&seq, cap, sk)) < 0)
		return rc;
	sqlite3session_delete(cap->session);
	cap->session = NULL;
	return (rc = start_session(cap)) < 0 ? rc : 1;
}

int stele_capture_commit(uint64_t *seq, struct stele_capture *cap,
			 const unsigned char sk[STELE_SK_BYTES])
{
	uint64_t stored = 0;
	int rc;

	if ((rc = store(&stored, cap, sk)) == 0 && (rc = stele_db_commit(cap->db)) == 0)
		*seq = stored;
	sqlite3session_delete(cap->session);
	cap->session = NULL;
	if (rc < 0)
		stele_db_rollback(cap->db);
	capture_free(cap);
	return rc;
}
