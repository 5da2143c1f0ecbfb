/* sync.c: the checks a change set from another writer passes, applying it, and the
 * agent's pull of the county rules stream. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "domain.h"
#include "error.h"
#include "parse.h"
#include "sync.h"

int stele_sync_check_ownership(long *rows, const void *changes, size_t len, const char *writer)
{
	sqlite3_changeset_iter *it = NULL;
	bool county = strcmp(writer, STELE_WRITER_COUNTY) == 0;
	long row = 0;
	int rc = 0, src;

	if (len == 0)
		goto counted;
	if (sqlite3changeset_start(&it, (int)len, (void *)changes) != SQLITE_OK) {
		rc = stele_error(STELE_EVERIFY, "row changes do not parse");
		goto done;
	}
	while ((src = sqlite3changeset_next(it)) == SQLITE_ROW) {
		const char *table;
		int ncol, op, indirect, npk;
		unsigned char *pk;
		sqlite3_value *code = NULL;

		row++;
		if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) != SQLITE_OK ||
		    sqlite3changeset_pk(it, &pk, &npk) != SQLITE_OK) {
			rc = stele_error(STELE_EVERIFY, "row change %ld does not parse", row);
			goto done;
		}
		if (county) {
			if (!stele_is_county_table(table)) {
				rc = stele_error(STELE_EVERIFY, "row change %ld touches table '%s', "
						 "which the county does not own", row, table);
				goto done;
			}
			continue;
		}
		if (!stele_is_village_table(table)) {
			rc = stele_error(STELE_EVERIFY, "row change %ld touches table '%s', which "
					 "villages do not own", row, table);
			goto done;
		}
		/* village_code is the first column and the first key column. */
		if (npk < 1 || !pk[0] ||
		    (op == SQLITE_INSERT ? sqlite3changeset_new(it, 0, &code)
					 : sqlite3changeset_old(it, 0, &code)) != SQLITE_OK ||
		    !code || sqlite3_value_type(code) != SQLITE_TEXT ||
		    strcmp((const char *)sqlite3_value_text(code), writer) != 0) {
			rc = stele_error(STELE_EVERIFY, "row change %ld in table '%s' is not "
					 "village %s's row", row, table, writer);
			goto done;
		}
	}
	if (src != SQLITE_DONE) {
		rc = stele_error(STELE_EVERIFY, "row changes do not parse after row %ld", row);
		goto done;
	}
counted:
	if (rows)
		*rows = row;
done:
	sqlite3changeset_finalize(it);
	return rc;
}

int stele_sync_check_chain(const struct stele_changeset *cs, const char *writer,
			   uint64_t last_seq, const unsigned char last_hash[STELE_HASH_BYTES])
{
	static const unsigned char zeros[STELE_HASH_BYTES];

	if (strcmp(cs->writer, writer) != 0)
		return stele_error(STELE_EVERIFY, "seq %llu is written by '%s', not %s",
				   (unsigned long long)cs->seq, cs->writer, writer);
	if (cs->seq != last_seq + 1)
		return stele_error(STELE_EVERIFY, "seq %llu does not follow seq %llu (a change set "
				   "is missing, repeated or out of order)",
				   (unsigned long long)cs->seq, (unsigned long long)last_seq);
	if (memcmp(cs->prev_hash, last_seq ? last_hash : zeros, STELE_HASH_BYTES) != 0)
		return stele_error(STELE_EVERIFY, "seq %llu does not name the hash of seq %llu "
				   "(the chain is broken)", (unsigned long long)cs->seq,
				   (unsigned long long)last_seq);
	if (cs->schema < 1 || cs->schema > (unsigned)stele_schema_version())
		return stele_error(STELE_EVERIFY, "seq %llu has schema version %u, which this "
				   "program does not know (it knows 1..%d); upgrade Stele",
				   (unsigned long long)cs->seq, cs->schema, stele_schema_version());
	return 0;
}

/* The first conflict seen while applying. */
struct conflict {
	char table[64];
	int type;
};

static int on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	struct conflict *c = ctx;
	const char *table = "?";
	int ncol, op, indirect;

	if (c->type == 0) {
		sqlite3changeset_op(it, &table, &ncol, &op, &indirect);
		snprintf(c->table, sizeof(c->table), "%s", table);
		c->type = type;
	}
	return SQLITE_CHANGESET_ABORT;
}

static const char *conflict_name(int type)
{
	switch (type) {
	case SQLITE_CHANGESET_DATA: return "a row differs from what it expects";
	case SQLITE_CHANGESET_NOTFOUND: return "a row it changes is missing";
	case SQLITE_CHANGESET_CONFLICT: return "a row it adds is already there";
	case SQLITE_CHANGESET_CONSTRAINT: return "a constraint fails";
	case SQLITE_CHANGESET_FOREIGN_KEY: return "a foreign key fails";
	default: return "a conflict";
	}
}

int stele_sync_apply(sqlite3 *db, const void *changes, size_t len)
{
	struct conflict c = { .type = 0 };
	int src;

	if (len == 0)
		return 0;
	src = sqlite3changeset_apply(db, (int)len, (void *)changes, NULL, on_conflict, &c);
	if (src == SQLITE_OK)
		return 0;
	if (c.type)
		return stele_error(STELE_EVERIFY, "cannot apply: %s in table '%s'",
				   conflict_name(c.type), c.table);
	if (src == SQLITE_BUSY)
		return stele_error_db(STELE_EBUSY, db, "applying a change set");
	return stele_error(STELE_EVERIFY, "cannot apply: %s", sqlite3_errstr(src));
}

/* The county stream's cursor and pinned key, carried through the walk. */
struct county_pull {
	sqlite3 *db;
	git_repository *repo;
	unsigned char key[STELE_PK_BYTES];
	bool have_key;       /* meta 'county_key' was set (else: pin on first use) */
	uint64_t last_seq;
	unsigned char last_hash[STELE_HASH_BYTES];
	uint64_t applied;
};

static int read_cursor(struct county_pull *p)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(p->db, &stmt, "SELECT last_seq, last_hash, last_commit "
						 "FROM stele_stream WHERE writer = 'county'")) < 0)
		return rc;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		p->last_seq = (uint64_t)sqlite3_column_int64(stmt, 0);
		if (p->last_seq > 0 && sqlite3_column_bytes(stmt, 1) != STELE_HASH_BYTES) {
			rc = stele_error(STELE_EFAIL, "the county stream's cursor is damaged");
			goto done;
		}
		if (p->last_seq > 0)
			memcpy(p->last_hash, sqlite3_column_blob(stmt, 1), STELE_HASH_BYTES);
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, p->db, "reading the county stream's cursor");
	}
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* The cursor's commit id, or a zero id. */
static int read_cursor_commit(git_oid *out, sqlite3 *db)
{
	char *hex = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = stele_db_prepare(db, &stmt, "SELECT last_commit FROM stele_stream "
					      "WHERE writer = 'county' AND last_seq > 0")) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		hex = (char *)sqlite3_column_text(stmt, 0);
	if (hex && git_oid_fromstr(out, hex) < 0)
		rc = stele_error(STELE_EFAIL, "the county stream's cursor names no commit");
	sqlite3_finalize(stmt);
	return rc;
}

/* Deletes the default catalogue before the county's own arrives. */
static int clear_county_tables(sqlite3 *db)
{
	char sql[96];
	int rc;

	for (const char *const *t = stele_county_tables; *t; t++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s", *t);
		if ((rc = stele_db_exec(db, sql)) < 0)
			return rc;
	}
	return 0;
}

/* Applies one checked county change set and advances the cursor, in one transaction. */
static int apply_county(struct county_pull *p, const struct stele_changeset *cs,
			const unsigned char hash[STELE_HASH_BYTES], const char *commit_hex, long rows)
{
	sqlite3_stmt *stmt = NULL;
	char seq_text[24], key_hex[2 * STELE_PK_BYTES + 1];
	int64_t now = (int64_t)time(NULL);
	int rc;

	if ((rc = stele_db_begin(p->db)) < 0)
		return rc;
	if (p->last_seq == 0 && (rc = clear_county_tables(p->db)) < 0)
		goto done;
	if (!p->have_key) {
		stele_hex_encode(key_hex, p->key, STELE_PK_BYTES);
		if ((rc = stele_meta_set(p->db, "county_key", key_hex)) < 0)
			goto done;
	}
	if ((rc = stele_sync_apply(p->db, cs->changes, cs->changes_len)) < 0) {
		rc = stele_error(rc, "county change set seq %llu (commit %.12s): %s",
				 (unsigned long long)cs->seq, commit_hex, stele_error_message());
		goto done;
	}
	if ((rc = stele_db_prepare(p->db, &stmt,
			"INSERT INTO stele_stream (writer, last_seq, last_hash, last_commit, applied_at) "
			"VALUES ('county', ?1, ?2, ?3, ?4) ON CONFLICT (writer) DO UPDATE SET "
			"last_seq = ?1, last_hash = ?2, last_commit = ?3, applied_at = ?4")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)cs->seq);
	sqlite3_bind_blob(stmt, 2, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, commit_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, now);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, p->db, "advancing the county stream's cursor");
		goto done;
	}
	sqlite3_finalize(stmt);
	if ((rc = stele_db_prepare(p->db, &stmt,
			"INSERT INTO stele_applied (writer, seq, hash, commit_id, created_at, "
			"applied_at, rows, summary) VALUES ('county', ?, ?, ?, ?, ?, ?, ?)")) < 0)
		goto done;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)cs->seq);
	sqlite3_bind_blob(stmt, 2, hash, STELE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, commit_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, cs->created_at);
	sqlite3_bind_int64(stmt, 5, now);
	sqlite3_bind_int64(stmt, 6, rows);
	sqlite3_bind_text(stmt, 7, cs->summary ? cs->summary : "", -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, p->db, "recording a county change set");
		goto done;
	}
	snprintf(seq_text, sizeof(seq_text), "%llu", (unsigned long long)cs->seq);
	if ((rc = stele_meta_set(p->db, "county_seq", seq_text)) < 0)
		goto done;
	rc = stele_db_commit(p->db);
done:
	sqlite3_finalize(stmt);
	if (rc < 0)
		stele_db_rollback(p->db);
	return rc;
}

static int pull_one(void *ctx, const git_oid *commit, const void *data, size_t len)
{
	struct county_pull *p = ctx;
	struct stele_changeset *cs = NULL;
	unsigned char signer[STELE_PK_BYTES], hash[STELE_HASH_BYTES];
	char hex[GIT_OID_HEXSZ + 1];
	long rows = 0;
	int rc;

	git_oid_tostr(hex, sizeof(hex), commit);
	if (!data)
		return stele_error(STELE_EVERIFY, "county commit %.12s holds no change set", hex);
	if ((rc = stele_repo_commit_pubkey(signer, p->repo, commit)) < 0)
		return rc;
	if (!p->have_key && p->last_seq == 0 && p->applied == 0) {
		memcpy(p->key, signer, STELE_PK_BYTES); /* trust on first use */
	} else if (memcmp(signer, p->key, STELE_PK_BYTES) != 0) {
		return stele_error(STELE_EVERIFY, "county commit %.12s names a signing key that is "
				   "not the county's pinned key", hex);
	}
	if ((rc = stele_cs_decode(&cs, NULL, data, len, p->key)) < 0) {
		if (rc == STELE_EVERIFY)
			rc = stele_error(rc, "county commit %.12s: %s", hex, stele_error_message());
		return rc;
	}
	if ((rc = stele_sync_check_chain(cs, STELE_WRITER_COUNTY, p->last_seq, p->last_hash)) < 0 ||
	    (rc = stele_sync_check_ownership(&rows, cs->changes, cs->changes_len,
					     STELE_WRITER_COUNTY)) < 0) {
		rc = stele_error(rc, "county change set (commit %.12s): %s", hex, stele_error_message());
		goto done;
	}
	stele_cs_hash(hash, data, len);
	if ((rc = apply_county(p, cs, hash, hex, rows)) < 0)
		goto done;
	p->have_key = true;
	p->last_seq = cs->seq;
	memcpy(p->last_hash, hash, STELE_HASH_BYTES);
	p->applied++;
done:
	stele_cs_free(cs);
	return rc;
}

int stele_sync_pull_county(uint64_t *applied, uint64_t *county_seq, sqlite3 *db,
			   git_repository *repo, const char *url,
			   const struct stele_remote_opts *opts)
{
	struct county_pull p = { .db = db, .repo = repo };
	char *pinned = NULL;
	git_oid since;
	int found = 0, rc;

	if ((rc = stele_meta_get(db, "county_key", &pinned)) < 0)
		return rc;
	if (pinned) {
		if (stele_hex_decode(p.key, STELE_PK_BYTES, pinned) < 0) {
			rc = stele_error(STELE_EFAIL, "the pinned county key is not a public key");
			goto done;
		}
		p.have_key = true;
	}
	if ((rc = read_cursor(&p)) < 0 || (rc = read_cursor_commit(&since, db)) < 0)
		goto done;
	if ((rc = stele_repo_fetch(&found, repo, url, STELE_BRANCH, STELE_COUNTY_REF, opts)) < 0)
		goto done;
	if (found && (rc = stele_repo_walk(repo, STELE_COUNTY_REF, &since, pull_one, &p)) < 0) {
		if (strstr(stele_error_message(), "history rewritten"))
			rc = stele_error(STELE_EVERIFY, "the county's stream was rewritten: the county "
					 "change set this village applied last is no longer on it");
		goto done;
	}
	*applied = p.applied;
	*county_seq = p.last_seq;
done:
	free(pinned);
	return rc;
}
