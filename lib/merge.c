/* merge.c: verifies each change set of a writer's stream and applies it exactly
 * once, with its record and the cursor in the same transaction. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "domain.h"
#include "error.h"
#include "merge.h"
#include "parse.h"

#define MAX_COLS 32

/* A synced table's shape here: how many columns, which are its primary key. */
struct table_shape {
	const char *name;
	int ncol;
	unsigned char pk[MAX_COLS];
	int loaded; /* 0 not yet, 1 loaded, -1 absent */
};

/* The shapes of every synced table, read from db's schema on first use. */
struct shapes {
	struct table_shape t[24];
	size_t n;
};

struct stele_merge {
	sqlite3 *db;
	char writer[STELE_CS_WRITER_MAX + 1];
	unsigned char pk[STELE_PK_BYTES];
	uint64_t last_seq;
	unsigned char last_hash[STELE_HASH_BYTES];
	char last_commit[72];
	int in_batch;
	struct shapes shapes;
	sqlite3_stmt *insert_applied, *upsert_stream, *applied_hash;
	char reason[16];
	char detail[512];
};

static void shapes_init(struct shapes *s)
{
	memset(s, 0, sizeof(*s));
	for (const char *const *t = stele_village_tables; *t; t++)
		s->t[s->n++].name = *t;
	for (const char *const *t = stele_county_tables; *t; t++)
		s->t[s->n++].name = *t;
}

/* The shape of a synced table (NULL if name is not one, or db lacks it). */
static int shape_of(const struct table_shape **out, struct shapes *s, sqlite3 *db,
		    const char *name)
{
	struct table_shape *shape = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->t[i].name, name) == 0)
			shape = &s->t[i];
	if (!shape) {
		*out = NULL;
		return 0;
	}
	if (shape->loaded == 0) {
		/* table_xinfo is not needed: synced tables have no hidden columns. */
		if ((rc = stele_db_prepare(db, &stmt, "SELECT pk FROM pragma_table_info(?) ORDER BY cid")) < 0)
			return rc;
		sqlite3_bind_text(stmt, 1, shape->name, -1, SQLITE_STATIC);
		shape->ncol = 0;
		while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
			if (shape->ncol >= MAX_COLS) {
				rc = stele_error(STELE_EFAIL, "table %s has too many columns", name);
				goto done;
			}
			shape->pk[shape->ncol++] = sqlite3_column_int(stmt, 0) > 0;
		}
		if (step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, db, "reading the schema");
			goto done;
		}
		shape->loaded = shape->ncol > 0 ? 1 : -1;
	}
	*out = shape->loaded > 0 ? shape : NULL;
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* A value as short text for messages ("NULL" for a missing or non-text one). */
static const char *value_text(sqlite3_value *v)
{
	const char *s;

	if (!v || sqlite3_value_type(v) != SQLITE_TEXT)
		return "NULL";
	s = (const char *)sqlite3_value_text(v);
	return s ? s : "NULL";
}

/* Whether v is the text writer, exactly. */
static int is_writer(sqlite3_value *v, const char *writer)
{
	size_t n = strlen(writer);

	return v && sqlite3_value_type(v) == SQLITE_TEXT && (size_t)sqlite3_value_bytes(v) == n &&
	       memcmp(sqlite3_value_text(v), writer, n) == 0;
}

/* Checks every row change; *rows counts them. See stele_merge_check_changes. */
static int check_changes(const char **reason, long *rows, struct shapes *shapes, sqlite3 *db,
			 const char *writer, const void *changes, size_t len)
{
	bool county = strcmp(writer, STELE_WRITER_COUNTY) == 0;
	sqlite3_changeset_iter *it = NULL;
	long n = 0;
	int rc = 0, src;

	if (len == 0)
		goto done;
	if (len > (size_t)0x7fffffff) {
		*reason = "too-large";
		rc = stele_error(STELE_EVERIFY, "row changes of %zu bytes are too large", len);
		goto done;
	}
	if ((src = sqlite3changeset_start(&it, (int)len, (void *)changes)) != SQLITE_OK) {
		*reason = "changes";
		rc = stele_error(STELE_EVERIFY, "row changes do not parse (%s)", sqlite3_errstr(src));
		goto done;
	}
	while ((src = sqlite3changeset_next(it)) == SQLITE_ROW) {
		const struct table_shape *shape = NULL;
		const char *table = NULL;
		unsigned char *pk = NULL;
		int ncol = 0, npk = 0, op = 0, indirect = 0;
		sqlite3_value *old_code = NULL, *new_code = NULL;

		n++;
		sqlite3changeset_op(it, &table, &ncol, &op, &indirect);
		sqlite3changeset_pk(it, &pk, &npk);
		if (!(county ? stele_is_county_table(table) : stele_is_village_table(table))) {
			*reason = "ownership";
			rc = stele_error(STELE_EVERIFY, "row change %ld writes table '%s', which %s%s does "
					 "not own", n, table, county ? "" : "village ", writer);
			goto done;
		}
		if ((rc = shape_of(&shape, shapes, db, table)) < 0)
			goto done;
		if (!shape || shape->ncol != ncol) {
			*reason = "schema";
			rc = stele_error(STELE_EVERIFY, "row change %ld: table %s has %d columns in the "
					 "change set but %d here", n, table, ncol, shape ? shape->ncol : 0);
			goto done;
		}
		for (int i = 0; i < ncol; i++)
			if ((pk[i] != 0) != (shape->pk[i] != 0)) {
				*reason = "schema";
				rc = stele_error(STELE_EVERIFY, "row change %ld: table %s has a different "
						 "primary key in the change set", n, table);
				goto done;
			}
		if (county)
			continue;
		/* Column 0 of every village-owned table is village_code. */
		if (op == SQLITE_INSERT) {
			sqlite3changeset_new(it, 0, &new_code);
			if (!is_writer(new_code, writer))
				goto foreign;
		} else if (op == SQLITE_DELETE) {
			sqlite3changeset_old(it, 0, &old_code);
			if (!is_writer(old_code, writer))
				goto foreign;
		} else {
			sqlite3changeset_old(it, 0, &old_code);
			sqlite3changeset_new(it, 0, &new_code);
			if (!is_writer(old_code, writer) || (new_code && !is_writer(new_code, writer)))
				goto foreign;
		}
		continue;
foreign:
		*reason = "ownership";
		rc = stele_error(STELE_EVERIFY, "row change %ld (%s of %s) carries village_code '%s', "
				 "not %s", n, op == SQLITE_INSERT ? "insert" : op == SQLITE_DELETE ?
				 "delete" : "update", table,
				 value_text(new_code && !is_writer(new_code, writer) ? new_code : old_code),
				 writer);
		goto done;
	}
	if (src != SQLITE_DONE) {
		*reason = "changes";
		rc = stele_error(STELE_EVERIFY, "row changes do not parse after %ld rows (%s)", n,
				 sqlite3_errstr(src));
		goto done;
	}
done:
	sqlite3changeset_finalize(it);
	if (rc == 0)
		*rows = n;
	return rc;
}

int stele_merge_check_changes(const char **reason, sqlite3 *db, const char *writer,
			      const void *changes, size_t len)
{
	struct shapes shapes;
	const char *why = NULL;
	long rows;
	int rc;

	shapes_init(&shapes);
	rc = check_changes(&why, &rows, &shapes, db, writer, changes, len);
	if (rc == STELE_EVERIFY)
		*reason = why;
	return rc;
}

void stele_merge_free(struct stele_merge *m)
{
	if (!m)
		return;
	if (m->in_batch)
		stele_db_rollback(m->db);
	sqlite3_finalize(m->insert_applied);
	sqlite3_finalize(m->upsert_stream);
	sqlite3_finalize(m->applied_hash);
	free(m);
}

int stele_merge_open(struct stele_merge **out, sqlite3 *db, const char *writer,
		     const unsigned char pk[STELE_PK_BYTES])
{
	struct stele_merge *m = calloc(1, sizeof(*m));
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	if (!m)
		return stele_error(STELE_EFAIL, "out of memory");
	m->db = db;
	if (strlen(writer) > STELE_CS_WRITER_MAX) {
		rc = stele_error(STELE_EFAIL, "writer name '%s' is too long", writer);
		goto done;
	}
	strcpy(m->writer, writer);
	memcpy(m->pk, pk, STELE_PK_BYTES);
	shapes_init(&m->shapes);
	if ((rc = stele_db_prepare(db, &stmt, "SELECT last_seq, last_hash, last_commit "
					      "FROM stele_stream WHERE writer = ?")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, writer, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		m->last_seq = (uint64_t)sqlite3_column_int64(stmt, 0);
		if (m->last_seq > 0) {
			if (sqlite3_column_bytes(stmt, 1) != STELE_HASH_BYTES) {
				rc = stele_error(STELE_EFAIL, "the cursor of %s is damaged (no hash)", writer);
				goto done;
			}
			memcpy(m->last_hash, sqlite3_column_blob(stmt, 1), STELE_HASH_BYTES);
		}
		if (sqlite3_column_text(stmt, 2))
			snprintf(m->last_commit, sizeof(m->last_commit), "%s",
				 (const char *)sqlite3_column_text(stmt, 2));
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "reading the cursor");
		goto done;
	}
	if ((rc = stele_db_prepare(db, &m->insert_applied,
			"INSERT INTO stele_applied (writer, seq, hash, commit_id, created_at, "
			"applied_at, rows, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) < 0 ||
	    (rc = stele_db_prepare(db, &m->upsert_stream,
			"INSERT INTO stele_stream (writer, last_seq, last_hash, last_commit, applied_at) "
			"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (writer) DO UPDATE SET "
			"last_seq = ?2, last_hash = ?3, last_commit = ?4, applied_at = ?5")) < 0 ||
	    (rc = stele_db_prepare(db, &m->applied_hash,
			"SELECT hash FROM stele_applied WHERE writer = ? AND seq = ?")) < 0)
		goto done;
	*out = m;
	m = NULL;
done:
	sqlite3_finalize(stmt);
	stele_merge_free(m);
	return rc;
}

uint64_t stele_merge_last_seq(const struct stele_merge *m)
{
	return m->last_seq;
}

const char *stele_merge_last_commit(const struct stele_merge *m)
{
	return m->last_commit;
}

const char *stele_merge_quarantine_reason(const struct stele_merge *m)
{
	return m->reason;
}

const char *stele_merge_quarantine_detail(const struct stele_merge *m)
{
	return m->detail;
}

static int batch_begin(struct stele_merge *m)
{
	int rc;

	if (m->in_batch)
		return 0;
	if ((rc = stele_db_begin(m->db)) < 0)
		return rc;
	m->in_batch = 1;
	return 0;
}

int stele_merge_commit(struct stele_merge *m)
{
	int rc;

	if (!m->in_batch)
		return 0;
	m->in_batch = 0;
	if ((rc = stele_db_commit(m->db)) < 0)
		stele_db_rollback(m->db);
	return rc;
}

/* Writes the stream's state; inside the batch if one is open. */
static int write_state(struct stele_merge *m, const char *state, const char *note)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(m->db, &stmt,
			"INSERT INTO stele_stream (writer, state, state_note) VALUES (?1, ?2, ?3) "
			"ON CONFLICT (writer) DO UPDATE SET state = ?2, state_note = ?3")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, m->writer, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC);
	stele_bind_text_or_null(stmt, 3, note);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, m->db, "writing the stream state");
	sqlite3_finalize(stmt);
	return rc;
}

int stele_merge_set_state(struct stele_merge *m, const char *state, const char *note)
{
	int rc;

	if (m->in_batch)
		return write_state(m, state, note);
	if ((rc = stele_db_begin(m->db)) < 0)
		return rc;
	if ((rc = write_state(m, state, note)) < 0) {
		stele_db_rollback(m->db);
		return rc;
	}
	return stele_db_commit(m->db);
}

/* Records a refused change set (reason and detail already in m) and stops the
 * stream, inside the batch. seq is 0 when unknown. */
static int quarantine(struct stele_merge *m, uint64_t seq, const char *commit_id,
		      const void *data, size_t len)
{
	sqlite3_stmt *stmt = NULL;
	char note[600];
	int rc;

	if ((rc = batch_begin(m)) < 0)
		return rc;
	if ((rc = stele_db_prepare(m->db, &stmt,
			"INSERT INTO stele_quarantine (writer, seq, commit_id, reason, detail, data, at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, m->writer, -1, SQLITE_STATIC);
	if (seq)
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)seq);
	stele_bind_text_or_null(stmt, 3, commit_id);
	sqlite3_bind_text(stmt, 4, m->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, m->detail, -1, SQLITE_STATIC);
	if (data)
		sqlite3_bind_blob(stmt, 6, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)time(NULL));
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, m->db, "recording a quarantined change set");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	snprintf(note, sizeof(note), "%s: %s", m->reason, m->detail);
	return write_state(m, "quarantined", note);
}

/* Sets m's reason and detail (detail from the recorded message when fmt is NULL). */
static void refuse(struct stele_merge *m, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse(struct stele_merge *m, const char *reason, const char *fmt, ...)
{
	va_list ap;

	snprintf(m->reason, sizeof(m->reason), "%s", reason);
	if (!fmt) {
		snprintf(m->detail, sizeof(m->detail), "%s", stele_error_message());
		return;
	}
	va_start(ap, fmt);
	vsnprintf(m->detail, sizeof(m->detail), fmt, ap);
	va_end(ap);
}

/* What the conflict handler saw, for the quarantine detail. */
struct conflict_seen {
	int type;
	char table[32];
	int op;
};

static int on_conflict(void *arg, int type, sqlite3_changeset_iter *it)
{
	struct conflict_seen *seen = arg;
	const char *table = NULL;
	int ncol, op, indirect;

	if (!seen->type) {
		seen->type = type;
		if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) == SQLITE_OK && table)
			snprintf(seen->table, sizeof(seen->table), "%s", table);
		seen->op = op;
	}
	return SQLITE_CHANGESET_ABORT;
}

static const char *conflict_words(int type)
{
	switch (type) {
	case SQLITE_CHANGESET_DATA: return "the row here differs from the one the change set changes";
	case SQLITE_CHANGESET_NOTFOUND: return "the row it changes does not exist here";
	case SQLITE_CHANGESET_CONFLICT: return "the row it adds already exists here";
	case SQLITE_CHANGESET_CONSTRAINT: return "it breaks a constraint";
	case SQLITE_CHANGESET_FOREIGN_KEY: return "it breaks a foreign key";
	}
	return "it does not apply";
}

/* Checks 1-5 of sync.md on one change set; 0 with *cs, or STELE_EVERIFY with m's
 * reason and detail set (and *seq if it was readable), or another error. */
static int verify(struct stele_changeset **out, uint64_t *seq, int *duplicate, long *rows,
		  struct stele_merge *m, const unsigned char *data, size_t len,
		  const unsigned char hash[STELE_HASH_BYTES])
{
	struct stele_changeset *cs = NULL, *unsigned_cs = NULL;
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	const char *why = NULL;
	int rc, step;

	*duplicate = 0;
	rc = stele_cs_decode(&cs, &fault, data, len, m->pk);
	if (rc == STELE_EVERIFY) {
		refuse(m, stele_cs_fault_name(fault), NULL);
		/* Read it unverified only to say whose it is and which seq. */
		if (fault == STELE_CS_FAULT_SIGNATURE &&
		    stele_cs_decode(&unsigned_cs, NULL, data, len, NULL) == 0) {
			*seq = unsigned_cs->seq;
			if (strcmp(unsigned_cs->writer, m->writer) != 0)
				refuse(m, "writer", "change set seq %llu was written by %s, not %s",
				       (unsigned long long)unsigned_cs->seq, unsigned_cs->writer, m->writer);
			else
				refuse(m, "signature", "seq %llu: signature does not verify against the "
				       "key pinned for %s", (unsigned long long)unsigned_cs->seq, m->writer);
		}
		rc = STELE_EVERIFY;
		goto done;
	}
	if (rc < 0)
		goto done;
	*seq = cs->seq;
	if (strcmp(cs->writer, m->writer) != 0) {
		refuse(m, "writer", "change set seq %llu names writer %s, not %s",
		       (unsigned long long)cs->seq, cs->writer, m->writer);
		rc = STELE_EVERIFY;
		goto done;
	}
	if (cs->seq <= m->last_seq) {
		/* Delivered again: harmless if it is the same bytes as the one applied. */
		sqlite3_reset(m->applied_hash);
		sqlite3_bind_text(m->applied_hash, 1, m->writer, -1, SQLITE_STATIC);
		sqlite3_bind_int64(m->applied_hash, 2, (sqlite3_int64)cs->seq);
		step = sqlite3_step(m->applied_hash);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, m->db, "reading applied change sets");
			goto done;
		}
		if (step == SQLITE_ROW && sqlite3_column_bytes(m->applied_hash, 0) == STELE_HASH_BYTES &&
		    memcmp(sqlite3_column_blob(m->applied_hash, 0), hash, STELE_HASH_BYTES) == 0) {
			sqlite3_reset(m->applied_hash);
			*duplicate = 1;
			goto done;
		}
		sqlite3_reset(m->applied_hash);
		refuse(m, "conflict", "seq %llu was already applied with different contents (the "
		       "village's stream forks)", (unsigned long long)cs->seq);
		rc = STELE_EVERIFY;
		goto done;
	}
	if (cs->seq != m->last_seq + 1) {
		refuse(m, "chain", "seq %llu follows seq %llu: change sets %llu..%llu are missing",
		       (unsigned long long)cs->seq, (unsigned long long)m->last_seq,
		       (unsigned long long)m->last_seq + 1, (unsigned long long)cs->seq - 1);
		rc = STELE_EVERIFY;
		goto done;
	}
	if (memcmp(cs->prev_hash, m->last_hash, STELE_HASH_BYTES) != 0) {
		refuse(m, "chain", "seq %llu does not name seq %llu's hash as its predecessor",
		       (unsigned long long)cs->seq, (unsigned long long)m->last_seq);
		rc = STELE_EVERIFY;
		goto done;
	}
	if (cs->schema < 1 || cs->schema > (unsigned)stele_schema_version()) {
		refuse(m, "schema", "seq %llu has schema version %u; this program knows 1..%d",
		       (unsigned long long)cs->seq, cs->schema, stele_schema_version());
		rc = STELE_EVERIFY;
		goto done;
	}
	rc = check_changes(&why, rows, &m->shapes, m->db, m->writer, cs->changes, cs->changes_len);
	if (rc == STELE_EVERIFY) {
		refuse(m, why, "seq %llu: %s", (unsigned long long)cs->seq, stele_error_message());
		goto done;
	}
	if (rc < 0)
		goto done;
	*out = cs;
	cs = NULL;
done:
	stele_cs_free(cs);
	stele_cs_free(unsigned_cs);
	return rc;
}

int stele_merge_offer(enum stele_merge_outcome *outcome, long *rows, struct stele_merge *m,
		      const void *data, size_t len, const char *commit_id)
{
	enum stele_merge_outcome result = STELE_MERGE_APPLIED;
	struct stele_changeset *cs = NULL;
	struct conflict_seen seen = { 0 };
	unsigned char hash[STELE_HASH_BYTES];
	uint64_t seq = 0;
	long nrows = 0;
	int rc = 0, duplicate = 0, refused = 0, src;
	int64_t now = (int64_t)time(NULL);

	m->reason[0] = m->detail[0] = '\0';
	if (!data) {
		refuse(m, "malformed", "commit %s holds no readable change set",
		       commit_id ? commit_id : "?");
		refused = 1;
		goto done;
	}
	stele_cs_hash(hash, data, len);
	rc = verify(&cs, &seq, &duplicate, &nrows, m, data, len, hash);
	if (rc == STELE_EVERIFY) {
		refused = 1;
		rc = 0;
		goto done;
	}
	if (rc < 0)
		goto done;
	if (duplicate) {
		result = STELE_MERGE_DUPLICATE;
		goto done;
	}
	if ((rc = batch_begin(m)) < 0)
		goto done;
	/* The default flags wrap the apply in a savepoint: a refused change set
	 * leaves the rest of the batch as it was. */
	src = sqlite3changeset_apply_v2(m->db, (int)cs->changes_len, cs->changes, NULL, on_conflict,
					&seen, NULL, NULL, 0);
	if (src == SQLITE_ABORT || seen.type) {
		refuse(m, "conflict", "seq %llu: a row change of %s does not apply: %s",
		       (unsigned long long)cs->seq, seen.table[0] ? seen.table : "a table",
		       conflict_words(seen.type));
		refused = 1;
		goto done;
	}
	if (src != SQLITE_OK) {
		rc = stele_error_db(STELE_EFAIL, m->db, "applying a change set");
		goto done;
	}
	sqlite3_bind_text(m->insert_applied, 1, m->writer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(m->insert_applied, 2, (sqlite3_int64)cs->seq);
	sqlite3_bind_blob(m->insert_applied, 3, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	stele_bind_text_or_null(m->insert_applied, 4, commit_id);
	sqlite3_bind_int64(m->insert_applied, 5, cs->created_at);
	sqlite3_bind_int64(m->insert_applied, 6, now);
	sqlite3_bind_int64(m->insert_applied, 7, nrows);
	sqlite3_bind_text(m->insert_applied, 8, cs->summary, -1, SQLITE_STATIC);
	if (sqlite3_step(m->insert_applied) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, m->db, "recording an applied change set");
		goto done;
	}
	sqlite3_bind_text(m->upsert_stream, 1, m->writer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(m->upsert_stream, 2, (sqlite3_int64)cs->seq);
	sqlite3_bind_blob(m->upsert_stream, 3, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	stele_bind_text_or_null(m->upsert_stream, 4, commit_id);
	sqlite3_bind_int64(m->upsert_stream, 5, now);
	if (sqlite3_step(m->upsert_stream) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, m->db, "advancing the cursor");
		goto done;
	}
	m->last_seq = cs->seq;
	memcpy(m->last_hash, hash, STELE_HASH_BYTES);
	snprintf(m->last_commit, sizeof(m->last_commit), "%s", commit_id ? commit_id : "");
done:
	stele_cs_free(cs);
	sqlite3_reset(m->insert_applied);
	sqlite3_reset(m->upsert_stream);
	if (rc == 0 && refused) {
		result = STELE_MERGE_QUARANTINED;
		nrows = 0;
		rc = quarantine(m, seq, commit_id, data, len);
	}
	if (rc < 0) {
		/* Nothing of the batch is kept; m must be freed (its cursor is stale). */
		if (m->in_batch)
			stele_db_rollback(m->db);
		m->in_batch = 0;
		return rc;
	}
	*outcome = result;
	*rows = result == STELE_MERGE_APPLIED ? nrows : 0;
	return 0;
}
