/* forks.c: a village whose stream two computers write (docs/county-guide.md "A
 * forked village"): fetch keeps every branch it replaces, merge tells a fork from
 * damage, keeps the branch it does not merge and holds the village until county
 * staff resolve it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aggregator.h"
#include "db.h"
#include "error.h"
#include "fork.h"
#include "gitrepo.h"

/* ref = prefix + the commit's hex id, into out (128 bytes). */
static void ref_for(char out[128], const char *prefix, const git_oid *commit)
{
	char hex[STELE_OID_HEX_LEN + 1];

	snprintf(out, 128, "%s%s", prefix, stele_git_oid_hex(hex, commit));
}

int agg_keep_replaced(git_repository *mirror, const git_oid *before)
{
	git_oid now;
	char name[128];
	int rc;

	if ((rc = stele_repo_ref(&now, mirror, AGG_INCOMING_REF)) <= 0)
		return rc; /* nothing fetched: before is still the incoming ref */
	if ((rc = stele_repo_descends(mirror, &now, before)) != 0)
		return rc < 0 ? rc : 0; /* contained in what was fetched */
	ref_for(name, AGG_BRANCH_PREFIX, before);
	return stele_repo_set_ref(mirror, name, before, "stele: kept a replaced delivery");
}

int agg_fork_unresolved(char *note, size_t note_n, struct stele_ctx *ctx, const char *code)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT seq, ref FROM stele_fork WHERE "
				   "village_code = ? AND resolved_at IS NULL ORDER BY seq LIMIT 1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		snprintf(note, note_n, "forked at seq %lld: two computers write this village's "
			 "stream; the branch not merged is kept (%s); see docs/county-guide.md "
			 "'A forked village'", (long long)sqlite3_column_int64(stmt, 0),
			 (const char *)sqlite3_column_text(stmt, 1));
		rc = 1;
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading forks");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Records the fork of code whose other branch ends at tip, kept at ref; *fresh is
 * whether it was not known yet, *resolved whether county staff resolved it. */
static int record_fork(bool *fresh, bool *resolved, struct stele_ctx *ctx, const char *code,
		       const struct stele_fork_point *at, const git_oid *tip, const char *ref)
{
	sqlite3_stmt *stmt = NULL;
	char hex[STELE_OID_HEX_LEN + 1];
	int rc, step;

	stele_git_oid_hex(hex, tip);
	if ((rc = stele_db_run(ctx->db, "recording a fork",
			       "INSERT INTO stele_fork (village_code, seq, commit_id, ref, "
			       "merged_summary, other_summary, detected_at) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			       "titttti", code, (int64_t)at->seq, hex, ref, at->merged_summary,
			       at->summary, (int64_t)time(NULL))) < 0)
		return rc;
	*fresh = sqlite3_changes(ctx->db) > 0;
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT resolved_at IS NOT NULL FROM stele_fork "
				   "WHERE village_code = ? AND commit_id = ?")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, hex, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading forks");
		goto done;
	}
	*resolved = sqlite3_column_int(stmt, 0) != 0;
done:
	sqlite3_finalize(stmt);
	return rc;
}

int agg_fork_examine(enum agg_fork_verdict *verdict, struct stele_ctx *ctx, const char *code,
		     git_repository *mirror, const char *ref, const git_oid *tip,
		     const unsigned char pk[STELE_PK_BYTES])
{
	struct stele_fork_point at;
	char name[128];
	bool fresh = false, resolved = false;
	int rc;

	if ((rc = stele_fork_find(&at, mirror, ref, ctx->db, code, pk)) < 0)
		return rc;
	if (!at.seq || !at.signed_by_village) {
		*verdict = AGG_FORK_NONE;
		return 0;
	}
	/* The branch is kept under its own name before anything records it. */
	ref_for(name, AGG_FORK_PREFIX, tip);
	if ((rc = stele_repo_set_ref(mirror, name, tip, "stele: a fork kept")) < 0)
		return rc;
	if ((rc = record_fork(&fresh, &resolved, ctx, code, &at, tip, name)) < 0)
		return rc;
	if (fresh)
		fprintf(stderr, _("%s: village %s: forked at seq %llu: merged '%s', kept '%s' as %s\n"),
			ctx->prog, code, (unsigned long long)at.seq, at.merged_summary, at.summary,
			name);
	*verdict = resolved ? AGG_FORK_RESOLVED : AGG_FORK_HELD;
	return 0;
}

int agg_fork_resolve(long *count, struct stele_ctx *ctx, const char *code)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt, "UPDATE stele_fork SET resolved_at = ? "
				   "WHERE village_code = ? AND resolved_at IS NULL")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(stmt, 2, code, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "resolving forks");
	else
		*count = sqlite3_changes(ctx->db);
	sqlite3_finalize(stmt);
	return rc;
}
