/* cmd-quarantine.c: `stele-aggregator quarantine list|show|retry`: the change sets
 * merge refused, why, and letting a stopped stream try again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "options.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "history.h"
#include "keys.h"
#include "parse.h"

int cmd_quarantine_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct stele_list list = { agg_open,
		"SELECT id, writer AS village, seq, commit_id AS 'commit', reason, detail, "
		"local_time(at) AS at "
		"FROM stele_quarantine ORDER BY id",
		"id,seq", false };

	return stele_cli_list(ctx, cmd, argc, argv, &list);
}

/* Adds a field,value row to t. */
static int add_field(struct stele_table *t, const char *field, const char *value)
{
	const char *cells[2] = { field, value };

	return stele_table_add_row(t, cells);
}

/* The pinned key of a village or a township: 1 with pk, 0 when none is pinned (or
 * readable). */
static int pinned_key(unsigned char pk[STELE_PK_BYTES], struct stele_ctx *ctx, const char *code)
{
	sqlite3_stmt *stmt = NULL;
	int found = 0;

	if (!code || stele_db_prepare(ctx->db, &stmt, "SELECT pubkey FROM stele_village_source "
						      "WHERE village_code = ?1 UNION ALL "
						      "SELECT pubkey FROM stele_township_source "
						      "WHERE township_code = ?1") < 0)
		return 0;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) &&
	    stele_hex_decode(pk, STELE_PK_BYTES, (const char *)sqlite3_column_text(stmt, 0)) == 0)
		found = 1;
	sqlite3_finalize(stmt);
	return found;
}

/*
 * Decodes a quarantined change set of village code claiming seq, if it is signed
 * with the key in force for that seq or a key revoked there (the thief's own
 * words are evidence too); *cs stays NULL otherwise. Unsigned bytes are never
 * parsed.
 */
static void read_signed(struct stele_changeset **cs, struct stele_ctx *ctx, const char *code,
			uint64_t seq, const unsigned char *data, size_t len)
{
	unsigned char base[STELE_PK_BYTES], pk[STELE_PK_BYTES];
	char hex[2 * STELE_PK_BYTES + 1];
	struct stele_keys *keys = NULL;
	bool revoked, by_revoked = false;

	*cs = NULL;
	if (pinned_key(base, ctx, code) != 1 || stele_keys_open(&keys, ctx->db, code, base) < 0)
		return;
	if (seq == 0)
		seq = stele_cs_peek_seq(data, len);
	if (seq > 0 && stele_keys_in_force(pk, &revoked, keys, seq) == 0) {
		if (stele_cs_decode(cs, NULL, data, len, pk) < 0 &&
		    stele_keys_signed_by_revoked(&by_revoked, hex, keys, seq, data, len) == 0 &&
		    by_revoked && stele_hex_decode(pk, STELE_PK_BYTES, hex) == 0 &&
		    stele_cs_decode(cs, NULL, data, len, pk) < 0)
			*cs = NULL;
	}
	stele_keys_free(keys);
}

int cmd_quarantine_show(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const char *const names[] = { "field", "value" };
	struct stele_changeset *cs = NULL;
	struct stele_table *t = NULL;
	sqlite3_stmt *stmt = NULL;
	char **pos, bytes[32], seq_text[24];
	int64_t id;
	int rc, n, step;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_LISTING(),
				      STELE_OPT_ARGS(1, 1)), argc, argv)) != 0)
		return rc;
	if ((rc = stele_parse_int(&id, pos[0], 1, INT64_MAX, "quarantine id")) < 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	if ((rc = stele_db_prepare(ctx->db, &stmt,
			"SELECT writer, seq, commit_id, reason, detail, "
			"local_time(at), data "
			"FROM stele_quarantine WHERE id = ?")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		rc = stele_error(STELE_EINVALID, "quarantine entry %lld does not exist (see "
				 "'quarantine list')", (long long)id);
		goto done;
	}
	if (step != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the quarantine");
		goto done;
	}
	/*
	 * The summary, only when the bytes are signed by the village's pinned key:
	 * unsigned bytes are never parsed (SQLite 3.40's changeset iterator can spin
	 * forever on some malformed input).
	 */
	if (sqlite3_column_bytes(stmt, 6) > 0 && sqlite3_column_text(stmt, 0))
		read_signed(&cs, ctx, (const char *)sqlite3_column_text(stmt, 0),
			    (uint64_t)sqlite3_column_int64(stmt, 1), sqlite3_column_blob(stmt, 6),
			    (size_t)sqlite3_column_bytes(stmt, 6));
	snprintf(bytes, sizeof(bytes), "%d", sqlite3_column_bytes(stmt, 6));
	snprintf(seq_text, sizeof(seq_text), "%lld", (long long)sqlite3_column_int64(stmt, 1));
	if ((rc = stele_table_new(&t, 2, names, NULL)) < 0 ||
	    (rc = add_field(t, "id", pos[0])) < 0 ||
	    (rc = add_field(t, "village", (const char *)sqlite3_column_text(stmt, 0))) < 0 ||
	    (rc = add_field(t, "seq", sqlite3_column_type(stmt, 1) == SQLITE_NULL ? NULL
										    : seq_text)) < 0 ||
	    (rc = add_field(t, "commit", (const char *)sqlite3_column_text(stmt, 2))) < 0 ||
	    (rc = add_field(t, "reason", (const char *)sqlite3_column_text(stmt, 3))) < 0 ||
	    (rc = add_field(t, "detail", (const char *)sqlite3_column_text(stmt, 4))) < 0 ||
	    (rc = add_field(t, "at", (const char *)sqlite3_column_text(stmt, 5))) < 0 ||
	    (rc = add_field(t, "writer", cs ? cs->writer : NULL)) < 0 ||
	    (rc = add_field(t, "summary", cs ? cs->summary : "(not readable: not signed by the key in force, or malformed)")) < 0 ||
	    (rc = add_field(t, "bytes", bytes)) < 0)
		goto done;
	rc = stele_cli_print(ctx, t);
done:
	stele_table_free(t);
	stele_cs_free(cs);
	sqlite3_finalize(stmt);
	return rc;
}

int cmd_quarantine_retry(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	sqlite3_stmt *stmt = NULL;
	char **pos;
	long forks = 0;
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_ARGS(1, 1)), argc,
				      argv)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = stele_db_begin(ctx->db)) < 0)
		return rc;
	if ((rc = stele_history_epoch(NULL, ctx->db, "quarantine retry")) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &stmt,
			"UPDATE stele_stream SET state = 'ok', state_note = NULL "
			"WHERE writer = ? AND state <> 'ok' RETURNING last_seq")) < 0) {
		stele_db_rollback(ctx->db);
		return rc;
	}
	sqlite3_bind_text(stmt, 1, pos[0], -1, SQLITE_STATIC);
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		fprintf(stderr, _("%s: village %s will be verified again from seq %lld at the next "
			"merge\n"), ctx->prog, pos[0], (long long)sqlite3_column_int64(stmt, 0) + 1);
		sqlite3_finalize(stmt);
		stmt = NULL;
		/* A fork is resolved once the other computer's records were replayed. */
		if ((rc = agg_fork_resolve(&forks, ctx, pos[0])) == 0 && forks)
			fprintf(stderr, P_("%s: village %s: %ld fork marked resolved; the branch not "
					   "merged stays in its mirror (refs/stele/fork/)\n",
					   "%s: village %s: %ld forks marked resolved; the branches not "
					   "merged stay in its mirror (refs/stele/fork/)\n", forks),
				ctx->prog, pos[0], forks);
		break;
	case SQLITE_DONE:
		rc = stele_error(STELE_EINVALID, "village '%s' has no held or quarantined stream", pos[0]);
		break;
	default:
		rc = stele_error_db(STELE_EFAIL, ctx->db, "resetting the stream");
	}
	sqlite3_finalize(stmt);
	if (rc < 0) {
		stele_db_rollback(ctx->db);
		return rc;
	}
	return stele_db_commit(ctx->db);
}
