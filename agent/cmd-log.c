/* cmd-log.c: `stele-agent log [-n N]`: the village's change sets, newest first:
 * from the repository (with its commit and whether its signature verifies), then
 * the ones still pending in the outbox. */
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "keyfile.h"
#include "parse.h"
#include "repo.h"
#include "i18n.h"
#include "changeset.h"
#include "summary.h"

/* The repository's side of the log, gathered into a temporary table. */
struct log_walk {
	struct stele_ctx *ctx;
	sqlite3_stmt *insert;
	struct stele_keys *keys; /* the village's key history */
	bool local;              /* summaries in the reader's language (table format) */
};

/* Binds the summary of cs at column col of stmt: the stored (canonical) line, or in
 * the reader's language when local; the stored one if that cannot be made. */
static void bind_summary(sqlite3_stmt *stmt, int col, const struct stele_changeset *cs, bool local)
{
	char *text = NULL;

	if (local && stele_cs_summarize_local(&text, cs->changes, cs->changes_len) == 0) {
		sqlite3_bind_text(stmt, col, text, -1, free);
		return;
	}
	stele_error_clear();
	sqlite3_bind_text(stmt, col, cs->summary ? cs->summary : "", -1, SQLITE_TRANSIENT);
}

static int log_commit(void *data, const git_oid *commit, const void *bytes, size_t len,
		      bool commit_end)
{
	struct log_walk *w = data;
	struct stele_changeset *cs = NULL;
	char hex[STELE_OID_HEX_LEN + 1];
	const char *signature = "bad";
	unsigned char pk[STELE_PK_BYTES];
	uint64_t seq = stele_cs_peek_seq(bytes, len);
	bool revoked = false;
	int rc = STELE_EVERIFY;

	stele_git_oid_hex(hex, commit);
	/* Each change set against the key in force for its seq. */
	if (bytes && seq > 0) {
		if ((rc = stele_keys_in_force(pk, &revoked, w->keys, seq)) < 0)
			return rc;
		if ((rc = stele_cs_decode(&cs, NULL, bytes, len, pk)) == 0)
			signature = "ok";
	}
	if (rc == STELE_EVERIFY && bytes)
		rc = stele_cs_decode(&cs, NULL, bytes, len, NULL);
	if (rc == STELE_EFAIL)
		return rc;
	sqlite3_reset(w->insert);
	if (cs) {
		sqlite3_bind_int64(w->insert, 1, (sqlite3_int64)cs->seq);
		sqlite3_bind_int64(w->insert, 2, cs->created_at);
		bind_summary(w->insert, 3, cs, w->local);
	} else {
		sqlite3_bind_null(w->insert, 1);
		sqlite3_bind_null(w->insert, 2);
		sqlite3_bind_text(w->insert, 3, w->local ? _("(not a change set)") : "(not a change set)",
				  -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_text(w->insert, 4, hex, 12, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->insert, 5, signature, -1, SQLITE_STATIC);
	rc = sqlite3_step(w->insert) == SQLITE_DONE ? 0 : stele_error_db(STELE_EFAIL, w->ctx->db, "reading history");
	stele_cs_free(cs);
	return rc;
}

/* Adds the outbox's change sets past the repository's to temp.log_entry: its
 * stored summary, or (w->local) one in the reader's language from its bytes. */
static int pending(struct log_walk *w)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	if ((rc = stele_db_prepare(w->ctx->db, &stmt, "SELECT seq, created_at, summary, data FROM "
				   "stele_outbox WHERE seq > (SELECT coalesce(max(seq), 0) FROM "
				   "temp.log_entry) ORDER BY seq")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		char *local = NULL;

		/* The village's own bytes, written by this program: read, not verified. */
		if (w->local && stele_cs_encoded_summary_local(&local, sqlite3_column_blob(stmt, 3),
							       (size_t)sqlite3_column_bytes(stmt, 3)) < 0)
			stele_error_clear();
		sqlite3_reset(w->insert);
		sqlite3_bind_int64(w->insert, 1, sqlite3_column_int64(stmt, 0));
		sqlite3_bind_int64(w->insert, 2, sqlite3_column_int64(stmt, 1));
		if (local)
			sqlite3_bind_text(w->insert, 3, local, -1, free);
		else
			sqlite3_bind_text(w->insert, 3, (const char *)sqlite3_column_text(stmt, 2), -1,
					  SQLITE_TRANSIENT);
		sqlite3_bind_text(w->insert, 4, "pending", -1, SQLITE_STATIC);
		sqlite3_bind_text(w->insert, 5, "ok", -1, SQLITE_STATIC);
		if (sqlite3_step(w->insert) != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, w->ctx->db, "reading history");
			break;
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, w->ctx->db, "reading the outbox");
	sqlite3_finalize(stmt);
	return rc;
}

/* Fills temp.log_entry from the repository and the outbox's pending rows. */
static int gather(struct stele_ctx *ctx)
{
	struct log_walk w = { .ctx = ctx, .local = ctx->format == STELE_FORMAT_TABLE };
	git_repository *repo = NULL;
	int rc;

	if ((rc = agent_keys_open(&w.keys, ctx, ctx->db)) < 0)
		return rc;
	if ((rc = stele_db_exec(ctx->db, "CREATE TEMP TABLE log_entry (seq INTEGER, created_at "
				"INTEGER, summary TEXT, commit_id TEXT, signature TEXT)")) < 0 ||
	    (rc = agent_repo_open(&repo, ctx, true)) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &w.insert, "INSERT INTO temp.log_entry "
				   "VALUES (?, ?, ?, ?, ?)")) < 0 ||
	    (rc = stele_repo_walk(repo, STELE_BRANCH, NULL, log_commit, &w)) < 0)
		goto done;
	rc = pending(&w);
done:
	sqlite3_finalize(w.insert);
	stele_keys_free(w.keys);
	stele_repo_close(repo);
	return rc;
}

int cmd_log(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *count = NULL;
	char limit[24] = "-1";
	int64_t max;
	char **args;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING('n', "max-count", &count),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (count) {
		if (stele_parse_int(&max, count, 0, 1000000000, "-n") < 0)
			return stele_error(STELE_EUSAGE, "%s", stele_error_message());
		snprintf(limit, sizeof(limit), "%lld", (long long)max);
	}
	if ((rc = agent_open(ctx)) < 0 || (rc = gather(ctx)) < 0)
		return rc;
	const char *params[] = { limit, NULL };
	return stele_cli_print_query(ctx,
		"SELECT seq, local_time(created_at) AS time, summary, "
		"commit_id AS \"commit\", signature FROM temp.log_entry "
		"ORDER BY seq IS NULL, seq DESC LIMIT CAST(?1 AS INTEGER)", params, "seq");
}
