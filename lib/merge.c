/* merge.c: merging a writer's stream exactly once, with its record and the cursor
 * in the same transaction (the aggregator's merge and the agent's county pull), one
 * change set at a time; the checks and the apply are stream.c's, the combined mode
 * mergebatch.c's. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "cswalk.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "keys.h"
#include "merge.h"
#include "merge-int.h"
#include "parse.h"
#include "rowcheck.h"

void stele_merge_set_run(struct stele_merge *m, int64_t run)
{
	m->run = run;
}

void stele_merge_hint(struct stele_merge *m, struct stele_presig *sig)
{
	m->hint = sig;
}

void stele_merge_set_threads(struct stele_merge *m, long threads)
{
	m->threads = threads < 2 ? 1 : 2;
}

void stele_merge_set_apply(struct stele_merge *m, struct stele_apply *a)
{
	m->apply = a;
}

void stele_merge_free(struct stele_merge *m)
{
	if (!m)
		return;
	if (m->in_batch)
		stele_db_rollback(m->stream.db);
	sqlite3_finalize(m->insert_applied);
	sqlite3_finalize(m->upsert_stream);
	sqlite3_finalize(m->applied_hash);
	stele_keys_free(m->keys);
	stele_mergebatch_free(m->batch);
	free(m);
}

int stele_merge_set_scope(struct stele_merge *m, const char *code)
{
	struct stele_keys *keys = NULL;
	int rc;

	/* The county's rotations are written under its code, not "county". */
	if ((rc = stele_stream_set_scope(&m->stream, code)) < 0 ||
	    (rc = stele_keys_open(&keys, m->stream.db, code, stele_keys_base(m->keys))) < 0)
		return rc;
	stele_keys_free(m->keys);
	m->keys = keys;
	return 0;
}

int stele_merge_key_in_force(unsigned char pk[STELE_PK_BYTES], bool *revoked,
			     struct stele_merge *m, uint64_t seq)
{
	return stele_keys_in_force(pk, revoked, m->keys, seq);
}

void stele_merge_set_one_county(struct stele_merge *m)
{
	m->stream.one_county = true;
}

int stele_merge_open(struct stele_merge **out, sqlite3 *db, const char *writer,
		     const unsigned char pk[STELE_PK_BYTES], unsigned flags)
{
	struct stele_merge *m = calloc(1, sizeof(*m));
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	if (!m)
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = stele_stream_init(&m->stream, db, writer)) < 0) {
		free(m);
		return rc;
	}
	m->flags = flags;
	m->threads = 2;
	if ((rc = stele_keys_open(&m->keys, db, writer, pk)) < 0)
		goto done;
	if ((rc = stele_db_prepare(db, &stmt, "SELECT last_seq, last_hash, last_commit "
					      "FROM stele_stream WHERE writer = ?")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, writer, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		m->stream.last_seq = (uint64_t)sqlite3_column_int64(stmt, 0);
		if (m->stream.last_seq > 0) {
			if (sqlite3_column_bytes(stmt, 1) != STELE_HASH_BYTES) {
				rc = stele_error(STELE_EFAIL, "the cursor of %s is damaged (no hash)", writer);
				goto done;
			}
			memcpy(m->stream.last_hash, sqlite3_column_blob(stmt, 1), STELE_HASH_BYTES);
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
			"applied_at, rows, summary, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) < 0 ||
	    (rc = stele_db_prepare(db, &m->upsert_stream,
			"INSERT INTO stele_stream (writer, last_seq, last_hash, last_commit, applied_at) "
			"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (writer) DO UPDATE SET "
			"last_seq = ?2, last_hash = ?3, last_commit = ?4, applied_at = ?5")) < 0 ||
	    (rc = stele_db_prepare(db, &m->applied_hash,
			"SELECT hash FROM stele_applied WHERE writer = ? AND seq = ?")) < 0)
		goto done;
	if ((flags & STELE_MERGE_COMBINE) && (rc = stele_mergebatch_new(m)) < 0)
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
	return m->stream.last_seq;
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

int stele_merge_begin(struct stele_merge *m)
{
	int rc;

	if (m->in_batch)
		return 0;
	if ((rc = stele_db_begin(m->stream.db)) < 0)
		return rc;
	m->in_batch = 1;
	return 0;
}

int stele_merge_commit(struct stele_merge *m)
{
	enum stele_merge_outcome outcome;
	int rc;

	if (m->batch && (rc = stele_merge_flush(&outcome, m)) < 0)
		return rc;
	if (!m->in_batch)
		return 0;
	m->in_batch = 0;
	if ((rc = stele_db_commit(m->stream.db)) < 0)
		stele_db_rollback(m->stream.db);
	return rc;
}

/* Writes the stream's state; inside the batch if one is open. */
static int write_state(struct stele_merge *m, const char *state, const char *note)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(m->stream.db, &stmt,
			"INSERT INTO stele_stream (writer, state, state_note) VALUES (?1, ?2, ?3) "
			"ON CONFLICT (writer) DO UPDATE SET state = ?2, state_note = ?3")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, m->stream.writer, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC);
	stele_bind_text_or_null(stmt, 3, note);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, m->stream.db, "writing the stream state");
	sqlite3_finalize(stmt);
	return rc;
}

int stele_merge_set_state(struct stele_merge *m, const char *state, const char *note)
{
	int rc;

	if (m->in_batch)
		return write_state(m, state, note);
	if ((rc = stele_db_begin(m->stream.db)) < 0)
		return rc;
	if ((rc = write_state(m, state, note)) < 0) {
		stele_db_rollback(m->stream.db);
		return rc;
	}
	return stele_db_commit(m->stream.db);
}

/* Records a refused change set (reason and detail already in m) and stops the
 * stream, inside the batch. seq is 0 when unknown. */
static int quarantine(struct stele_merge *m, uint64_t seq, const char *commit_id,
		      const void *data, size_t len)
{
	sqlite3_stmt *stmt = NULL;
	char note[600];
	int rc;

	if ((rc = stele_merge_begin(m)) < 0)
		return rc;
	if ((rc = stele_db_prepare(m->stream.db, &stmt,
			"INSERT INTO stele_quarantine (writer, seq, commit_id, reason, detail, data, at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, m->stream.writer, -1, SQLITE_STATIC);
	if (seq)
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)seq);
	stele_bind_text_or_null(stmt, 3, commit_id);
	sqlite3_bind_text(stmt, 4, m->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, m->detail, -1, SQLITE_STATIC);
	if (data)
		sqlite3_bind_blob(stmt, 6, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)time(NULL));
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, m->stream.db, "recording a quarantined change set");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	snprintf(note, sizeof(note), "%s: %s", m->reason, m->detail);
	return write_state(m, "quarantined", note);
}

void stele_merge_refuse(struct stele_merge *m, const char *reason, const char *fmt, ...)
{
	va_list ap;

	snprintf(m->reason, sizeof(m->reason), "%s", reason);
	if (!fmt) {
		snprintf(m->detail, sizeof(m->detail), "%s", stele_error_message_en());
		return;
	}
	va_start(ap, fmt);
	vsnprintf(m->detail, sizeof(m->detail), fmt, ap);
	va_end(ap);
}

/*
 * Whether data, which names writer but is not signed for this stream, really is
 * writer's: signed with the key in force for seq in writer's own stream. *known
 * is false when writer has no key here (no registry entry, or an agent reading the
 * county), so nothing can be told apart.
 */
static int signed_by_named_writer(bool *theirs, bool *known, sqlite3 *db, const char *writer,
				  uint64_t seq, const unsigned char *data, size_t len)
{
	struct stele_keys *keys = NULL;
	struct stele_changeset *cs = NULL;
	unsigned char pk[STELE_PK_BYTES];
	sqlite3_stmt *stmt = NULL;
	bool revoked;
	int rc;

	*theirs = *known = false;
	if ((rc = stele_db_prepare(db, &stmt, "SELECT pubkey FROM stele_village_source "
					      "WHERE village_code = ? AND pubkey IS NOT NULL")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, writer, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW ||
	    stele_hex_decode(pk, STELE_PK_BYTES, (const char *)sqlite3_column_text(stmt, 0)) < 0)
		goto done;
	if ((rc = stele_keys_open(&keys, db, writer, pk)) < 0 ||
	    (rc = stele_keys_in_force(pk, &revoked, keys, seq ? seq : 1)) < 0)
		goto done;
	*known = true;
	*theirs = stele_cs_decode(&cs, NULL, data, len, pk) == 0;
done:
	stele_cs_free(cs);
	stele_keys_free(keys);
	sqlite3_finalize(stmt);
	if (rc == 0)
		stele_error_clear(); /* the trial decode's refusal is not ours to report */
	return rc;
}

/* Refuses seq, signed with revoked_hex (the key's hex), revoked here for the stream:
 * a village's or a township's by its county ('village revoke', 'township revoke'),
 * a county's by the city or township reading it ('county revoke'). */
static void refuse_revoked(struct stele_merge *m, uint64_t seq, const char *revoked_hex)
{
	if (m->stream.level == STELE_LEVEL_VILLAGE)
		stele_merge_refuse(m, "revoked", "seq %llu is signed with the key %.16s..., which the "
				   "county revoked for %s ('village revoke')", (unsigned long long)seq,
				   revoked_hex, m->stream.writer);
	else if (m->stream.level == STELE_LEVEL_TOWNSHIP)
		stele_merge_refuse(m, "revoked", "seq %llu is signed with the key %.16s..., which was "
				   "revoked here for %s ('township revoke')", (unsigned long long)seq,
				   revoked_hex, m->stream.writer);
	else
		stele_merge_refuse(m, "revoked", "seq %llu is signed with the key %.16s..., which was "
				   "revoked here for %s ('county revoke')", (unsigned long long)seq,
				   revoked_hex, m->stream.writer);
}

int stele_merge_check_ahead(struct stele_merge_check *c, struct stele_merge *m,
			    const unsigned char *data, size_t len, unsigned char *defer_pk)
{
	struct stele_changeset *cs = NULL, *unsigned_cs = NULL;
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	unsigned char pk[STELE_PK_BYTES];
	char revoked_hex[2 * STELE_PK_BYTES + 1];
	uint64_t key_seq = stele_cs_peek_seq(data, len);
	const char *why = NULL;
	bool revoked = false, by_revoked = false;
	int rc, step;

	c->duplicate = 0;
	stele_cs_hash(c->hash, data, len);
	/* The key in force for the seq it claims (a seq past the next one is a gap,
	 * refused below: the next one's key is as good as any for it). */
	if (key_seq == 0 || key_seq > m->stream.last_seq + 1)
		key_seq = m->stream.last_seq + 1;
	if ((rc = stele_keys_in_force(pk, &revoked, m->keys, key_seq)) < 0)
		goto done;
	if (defer_pk)
		memcpy(defer_pk, pk, STELE_PK_BYTES);
	rc = stele_cs_decode(&cs, &fault, data, len, defer_pk ? NULL : pk);
	if (rc == STELE_EVERIFY) {
		stele_merge_refuse(m, stele_cs_fault_name(fault), NULL);
		/* Read it unverified only to say whose it is and which seq. */
		if (fault == STELE_CS_FAULT_SIGNATURE &&
		    stele_cs_decode(&unsigned_cs, NULL, data, len, NULL) == 0) {
			c->seq = unsigned_cs->seq;
			if ((rc = stele_keys_signed_by_revoked(&by_revoked, revoked_hex, m->keys,
								key_seq, data, len)) < 0)
				goto done;
			bool theirs = false, known = false;
			/* A county's change sets name it "county" where its stream is named
			 * by its code (a city's, a township's): the same writer. */
			bool other = strcmp(unsigned_cs->writer, m->stream.writer) != 0 &&
				     !stele_stream_county_at_city(&m->stream, unsigned_cs->writer);

			if (other &&
			    (rc = signed_by_named_writer(&theirs, &known, m->stream.db,
							 unsigned_cs->writer, unsigned_cs->seq,
							 data, len)) < 0)
				goto done;
			if (other && (theirs || !known))
				stele_merge_refuse(m, "writer", "change set seq %llu was written by %s, not %s",
				       (unsigned long long)unsigned_cs->seq, unsigned_cs->writer, m->stream.writer);
			else if (other)
				/* Neither key signs it: damage (a flipped writer byte), not a
				 * misdelivered repository. */
				stele_merge_refuse(m, "signature", "seq %llu: signature does not verify; it names "
				       "writer %s, whose key does not sign it either",
				       (unsigned long long)unsigned_cs->seq, unsigned_cs->writer);
			else if (by_revoked)
				refuse_revoked(m, unsigned_cs->seq, revoked_hex);
			else if (memcmp(pk, stele_keys_base(m->keys), STELE_PK_BYTES) == 0)
				stele_merge_refuse(m, "signature", "seq %llu: signature does not verify against the "
				       "key pinned for %s", (unsigned long long)unsigned_cs->seq,
				       m->stream.writer);
			else if (m->stream.level != STELE_LEVEL_VILLAGE)
				/* A county's, township's or city's own rotation ('key rotate'). */
				stele_merge_refuse(m, "signature", "seq %llu: signature does not verify against the "
				       "key in force for %s at seq %llu (not the pinned key: its own "
				       "'key rotate' replaced it)", (unsigned long long)unsigned_cs->seq,
				       m->stream.writer, (unsigned long long)key_seq);
			else
				stele_merge_refuse(m, "signature", "seq %llu: signature does not verify against the "
				       "key in force for %s at seq %llu (not the pinned key: a rotation "
				       "or 'village revoke --key' replaced it; 'village keys')",
				       (unsigned long long)unsigned_cs->seq, m->stream.writer,
				       (unsigned long long)key_seq);
		}
		rc = STELE_EVERIFY;
		goto done;
	}
	if (rc < 0)
		goto done;
	c->seq = cs->seq;
	if (revoked) {
		stele_hex_encode(revoked_hex, pk, STELE_PK_BYTES);
		refuse_revoked(m, cs->seq, revoked_hex);
		rc = STELE_EVERIFY;
		goto done;
	}
	if (cs->seq == 0) {
		/* Not an earlier seq delivered again: no stream has a seq 0. */
		stele_merge_refuse(m, "chain", "change set names seq 0; a stream starts at seq 1");
		rc = STELE_EVERIFY;
		goto done;
	}
	if (cs->seq <= m->stream.last_seq && strcmp(cs->writer, m->stream.writer) == 0) {
		/* Delivered again: harmless if it is the same bytes as the one applied. */
		sqlite3_reset(m->applied_hash);
		sqlite3_bind_text(m->applied_hash, 1, m->stream.writer, -1, SQLITE_STATIC);
		sqlite3_bind_int64(m->applied_hash, 2, (sqlite3_int64)cs->seq);
		step = sqlite3_step(m->applied_hash);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, m->stream.db, "reading applied change sets");
			goto done;
		}
		if (step == SQLITE_ROW && sqlite3_column_bytes(m->applied_hash, 0) == STELE_HASH_BYTES &&
		    memcmp(sqlite3_column_blob(m->applied_hash, 0), c->hash, STELE_HASH_BYTES) == 0) {
			sqlite3_reset(m->applied_hash);
			c->duplicate = 1;
			goto done;
		}
		sqlite3_reset(m->applied_hash);
		stele_merge_refuse(m, "conflict", "seq %llu was already applied with different contents (the "
		       "%s's stream forks)", (unsigned long long)cs->seq,
		       strcmp(m->stream.writer, STELE_WRITER_COUNTY) == 0 ? "county" : "village");
		rc = STELE_EVERIFY;
		goto done;
	}
	if ((rc = stele_stream_check(&why, &c->rows, &m->stream, cs)) == STELE_EVERIFY) {
		stele_merge_refuse(m, why, NULL);
		goto done;
	}
	if (rc < 0)
		goto done;
	c->cs = cs;
	cs = NULL;
done:
	stele_cs_free(cs);
	stele_cs_free(unsigned_cs);
	return rc;
}

int stele_merge_refused(struct stele_merge *m, uint64_t seq, const char *commit_id,
			const void *data, size_t len)
{
	if (m->flags & STELE_MERGE_QUARANTINE)
		return quarantine(m, seq, commit_id, data, len);
	return stele_error(STELE_EVERIFY, "%s", m->detail);
}

int stele_merge_apply_one(struct stele_merge *m, const struct stele_changeset *cs)
{
	const char *why = NULL;
	bool clean = false;
	int rc = 0;

	/* Through the run's kept statements first (lib/apply.h); SQLite applies what
	 * does not go through cleanly there, and names the refusal. */
	if (m->apply && cs->changes_len > 0)
		rc = stele_apply_changes(&clean, m->apply, cs->changes, cs->changes_len,
					 stele_stream_filter(&m->stream), NULL);
	if (rc == 0 && !clean)
		rc = stele_stream_apply(&why, &m->stream, cs);
	if (m->stream.announced)
		stele_keys_forget(m->keys); /* a rotation: the next seq has another key */
	if (rc == STELE_EVERIFY)
		stele_merge_refuse(m, why, NULL);
	return rc;
}

int stele_merge_record(struct stele_merge *m, const struct stele_changeset *cs,
		       const unsigned char hash[STELE_HASH_BYTES], const char *commit_id,
		       bool whole, long rows, bool cursor)
{
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	sqlite3_bind_text(m->insert_applied, 1, m->stream.writer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(m->insert_applied, 2, (sqlite3_int64)cs->seq);
	sqlite3_bind_blob(m->insert_applied, 3, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	stele_bind_text_or_null(m->insert_applied, 4, commit_id);
	sqlite3_bind_int64(m->insert_applied, 5, cs->created_at);
	sqlite3_bind_int64(m->insert_applied, 6, now);
	sqlite3_bind_int64(m->insert_applied, 7, rows);
	sqlite3_bind_text(m->insert_applied, 8, cs->summary, -1, SQLITE_STATIC);
	if (m->run)
		sqlite3_bind_int64(m->insert_applied, 9, m->run);
	else
		sqlite3_bind_null(m->insert_applied, 9);
	if (sqlite3_step(m->insert_applied) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, m->stream.db, "recording an applied change set");
		goto done;
	}
	if (whole)
		snprintf(m->last_commit, sizeof(m->last_commit), "%s", commit_id ? commit_id : "");
	if (!cursor)
		goto recorded;
	sqlite3_bind_text(m->upsert_stream, 1, m->stream.writer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(m->upsert_stream, 2, (sqlite3_int64)cs->seq);
	sqlite3_bind_blob(m->upsert_stream, 3, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	stele_bind_text_or_null(m->upsert_stream, 4, *m->last_commit ? m->last_commit : NULL);
	sqlite3_bind_int64(m->upsert_stream, 5, now);
	if (sqlite3_step(m->upsert_stream) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, m->stream.db, "advancing the cursor");
		goto done;
	}
recorded:
	m->applied_sets++;
	m->applied_rows += rows;
done:
	sqlite3_reset(m->insert_applied);
	sqlite3_reset(m->upsert_stream);
	return rc;
}

/* One change set at a time: checked, applied in its own savepoint, recorded. */
static int offer_one(enum stele_merge_outcome *outcome, long *rows, struct stele_merge *m,
		     const unsigned char *data, size_t len, const char *commit_id, bool whole)
{
	struct stele_merge_check c = { 0 };
	int rc;

	*outcome = STELE_MERGE_APPLIED;
	*rows = 0;
	rc = stele_merge_check_ahead(&c, m, data, len, NULL);
	if (rc == 0 && c.duplicate) {
		*outcome = STELE_MERGE_DUPLICATE;
		goto done;
	}
	if (rc == 0 && (rc = stele_merge_begin(m)) == 0 &&
	    (rc = stele_merge_apply_one(m, c.cs)) == 0 &&
	    (rc = stele_merge_record(m, c.cs, c.hash, commit_id, whole, c.rows, true)) == 0) {
		stele_stream_advance(&m->stream, c.cs, c.hash);
		*rows = c.rows;
	}
	if (rc == STELE_EVERIFY) {
		*outcome = STELE_MERGE_QUARANTINED;
		rc = stele_merge_refused(m, c.seq, commit_id, data, len);
	}
done:
	stele_cs_free(c.cs);
	return rc;
}

int stele_merge_offer(enum stele_merge_outcome *outcome, long *rows, struct stele_merge *m,
		      const void *data, size_t len, const char *commit_id, bool commit_whole)
{
	enum stele_merge_outcome result = STELE_MERGE_APPLIED;
	long nrows = 0;
	int rc;

	m->reason[0] = m->detail[0] = '\0';
	if (!data) {
		/* What was taken before it is applied first, as one by one. */
		if (m->batch && ((rc = stele_mergebatch_flush(&result, m)) < 0 ||
				 result == STELE_MERGE_QUARANTINED))
			goto done;
		if (len > 0)
			/* stele_repo_walk never read it: the size alone refuses it. */
			stele_merge_refuse(m, "too-large", "commit %s holds a change set of %zu "
					   "bytes, past the limit of %u bytes",
					   commit_id ? commit_id : "?", len, STELE_CS_MAX_ENCODED);
		else
			stele_merge_refuse(m, "malformed", "commit %s holds no readable change set",
					   commit_id ? commit_id : "?");
		result = STELE_MERGE_QUARANTINED;
		rc = stele_merge_refused(m, 0, commit_id, NULL, len);
	} else if (m->batch) {
		rc = stele_mergebatch_offer(&result, &nrows, m, data, len, commit_id, commit_whole);
	} else {
		rc = offer_one(&result, &nrows, m, data, len, commit_id, commit_whole);
	}
done:
	m->hint = NULL; /* for this offer only */
	if (rc < 0) {
		/* Nothing of the batch is kept; m must be freed (its cursor is stale). */
		if (m->in_batch)
			stele_db_rollback(m->stream.db);
		m->in_batch = 0;
		return rc;
	}
	*outcome = result;
	*rows = result == STELE_MERGE_APPLIED ? nrows : 0;
	return 0;
}

int stele_merge_flush(enum stele_merge_outcome *outcome, struct stele_merge *m)
{
	int rc;

	*outcome = STELE_MERGE_APPLIED;
	if (!m->batch)
		return 0;
	if ((rc = stele_mergebatch_flush(outcome, m)) < 0) {
		if (m->in_batch)
			stele_db_rollback(m->stream.db);
		m->in_batch = 0;
	}
	return rc;
}

void stele_merge_applied(long *sets, long *rows, const struct stele_merge *m)
{
	*sets = m->applied_sets;
	*rows = m->applied_rows;
}
