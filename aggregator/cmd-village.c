/* cmd-village.c: `stele-aggregator village add|set|import|list|revoke|keys`: the
 * registry of villages, their remotes, pinned keys and key revocations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "options.h"
#include "i18n.h"
#include "credentials.h"
#include "csv.h"
#include "db.h"
#include "error.h"
#include "history.h"
#include "parse.h"
#include "suggest.h"

/*
 * One village as given by a command or an import row. NULL keeps the stored value
 * (set) and "" clears remote or key. The village row (code, name, township) is
 * county-owned and captured; remote and key are local (stele_village_source).
 */
struct village_row {
	const char *code, *name, *township_name, *remote, *key;
	bool must_exist;  /* set: refuse a code not registered */
	bool must_be_new; /* add: refuse a registered code */
	bool rename;      /* --rename: a new township name renames the whole township */
};

/*
 * One township code has one name: refuses (STELE_EINVALID) a township name that
 * differs from the one the township's other villages carry, unless row->rename,
 * which renames the township in every village (inside the caller's write).
 */
static int township_name_check(struct stele_ctx *ctx, const struct village_row *row,
			       const char *township, const char *who)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if (!row->township_name)
		return 0;
	if ((rc = stele_db_prepare(ctx->db, &stmt,
			"SELECT township_name, code FROM village WHERE township_code = ?1 "
			"AND code <> ?2 AND township_name <> ?3 ORDER BY code LIMIT 1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, township, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, row->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->township_name, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW && !row->rename)
		rc = stele_error(STELE_EINVALID, "%s: township %s is named %s (village %s); one "
				 "township has one name: give --township-name %s, or rename the "
				 "township with --rename", who, township,
				 (const char *)sqlite3_column_text(stmt, 0),
				 (const char *)sqlite3_column_text(stmt, 1),
				 (const char *)sqlite3_column_text(stmt, 0));
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the registry");
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc < 0 || step != SQLITE_ROW)
		return rc;
	rc = stele_db_run(ctx->db, "renaming the township",
			  "UPDATE village SET township_name = ?2 "
			  "WHERE township_code = ?1",
			  "tt", township, row->township_name);
	return rc;
}

/*
 * Validates row and inserts or updates it inside the caller's captured write.
 * label prefixes messages (e.g. "villages.csv:3"), may be NULL. A new remote or
 * key puts a held or quarantined stream back to 'ok', so the next merge retries.
 */
static int village_put(struct stele_ctx *ctx, const char *county, const struct village_row *row,
		       const char *label)
{
	char who[96], township[10];
	sqlite3_stmt *stmt = NULL;
	bool exists;
	int rc;

	if (label)
		snprintf(who, sizeof(who), "%s: village '%s'", label, row->code);
	else
		snprintf(who, sizeof(who), "village '%s'", row->code);
	if (stele_check_village_code(row->code, county, "code") < 0)
		return stele_error(STELE_EINVALID, "%s: %s", label ? label : "village",
				   stele_error_message());
	if ((rc = agg_village_exists(&exists, ctx, row->code)) < 0)
		return rc;
	if (row->must_be_new && exists)
		return stele_error(STELE_EINVALID, "%s is already registered (change it with "
				   "'village set')", who);
	if (row->must_exist && !exists) {
		char hint[96];
		agg_did_you_mean(hint, sizeof(hint), ctx, AGG_VILLAGE_CODES_SQL, row->code);
		rc = stele_error(STELE_EINVALID, "%s is not registered", who);
		stele_suggest_hint(hint);
		return rc;
	}
	if (!exists && (!row->name || !*row->name))
		return stele_error(STELE_EINVALID, "%s: name is empty", who);
	if (!exists && (!row->township_name || !*row->township_name))
		return stele_error(STELE_EINVALID, "%s: township name is empty", who);
	if ((row->name && !*row->name) || (row->township_name && !*row->township_name))
		return stele_error(STELE_EINVALID, "%s: %s is empty", who,
				   row->name && !*row->name ? "name" : "township name");
	if ((row->name && stele_check_text(row->name, 200, "name") < 0) ||
	    (row->township_name && stele_check_text(row->township_name, 200, "township name") < 0) ||
	    (row->remote && stele_check_text(row->remote, 1024, "remote") < 0))
		return stele_error(STELE_EINVALID, "%s: %s", who, stele_error_message());
	if (row->key && *row->key &&
	    stele_parse_pubkey(NULL, row->key, "key", STELE_LEVEL_VILLAGE) < 0)
		return stele_error(STELE_EINVALID, "%s: %s", who, stele_error_message());
	memcpy(township, row->code, 9);
	township[9] = '\0';
	if ((rc = township_name_check(ctx, row, township, who)) < 0)
		return rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt, exists
			? "UPDATE village SET name = coalesce(?2, name), "
			  "township_name = coalesce(?4, township_name) WHERE code = ?1 AND ?3 IS NOT NULL"
			: "INSERT INTO village (code, name, township_code, township_name) "
			  "VALUES (?1, ?2, ?3, ?4)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, row->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, row->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, township, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, row->township_name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error(STELE_EINVALID, "%s: %s", who, sqlite3_errmsg(ctx->db));
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc < 0)
		return rc;

	rc = stele_db_run(ctx->db, "writing the village registry",
			  "INSERT INTO stele_village_source (village_code, remote, pubkey) "
			  "VALUES (?1, coalesce(?2, ''), nullif(?3, '')) ON CONFLICT (village_code) DO UPDATE SET "
			  "remote = coalesce(?2, remote), "
			  "pubkey = CASE WHEN ?3 IS NULL THEN pubkey ELSE nullif(?3, '') END",
			  "ttt", row->code, row->remote, row->key);
	if (rc < 0 || !exists || (!row->remote && !row->key))
		return rc;
	/* A repaired registration deserves another look at a stopped stream. */
	rc = stele_db_run(ctx->db, "resetting the stream state",
			  "UPDATE stele_stream SET state = 'ok', state_note = NULL "
			  "WHERE writer = ? AND state <> 'ok'",
			  "t", row->code);
	return rc;
}

/* add and set: one captured write of one village. */
static int village_write(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv, bool add)
{
	struct village_row row = { 0 };
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	struct stele_capture *cap = NULL;
	char **pos, county[10], *remote = NULL;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "name", &row.name),
		STELE_OPT_STRING(0, "township-name", &row.township_name),
		STELE_OPT_STRING(0, "remote", &row.remote),
		STELE_OPT_STRING(0, "key", &row.key),
		STELE_OPT_BOOL(0, "rename", &row.rename),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	row.code = pos[0];
	if (add) {
		if (!row.name || !row.township_name)
			return stele_error(STELE_EUSAGE, "village add needs --name NAME and "
					   "--township-name NAME");
		row.must_be_new = true;
	} else {
		if (!row.name && !row.township_name && !row.remote && !row.key)
			return stele_error(STELE_EUSAGE, "village set: nothing to change (--name, "
					   "--township-name, --remote, --key)");
		row.must_exist = true;
	}
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_scope_code(county, ctx)) < 0)
		return rc;
	/* The registry keeps the remote without its password. */
	if (row.remote && (rc = stele_credentials_keep_url(&remote, &urls, row.remote, "--remote")) < 0)
		goto done;
	row.remote = remote ? remote : row.remote;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		goto done;
	if ((rc = village_put(ctx, county, &row, NULL)) == 0)
		rc = stele_cli_save_kept_urls(&urls, ctx);
	if ((rc = agg_write_end(NULL, ctx, cap, rc)) < 0)
		goto done;
	if (add)
		printf("%s\n", row.code);
done:
	stele_credentials_kept_free(&urls);
	free(remote);
	return rc;
}

int cmd_village_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return village_write(ctx, cmd, argc, argv, true);
}

int cmd_village_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return village_write(ctx, cmd, argc, argv, false);
}

int cmd_village_import(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const char *const names[] = { "code", "name", "township_name", "remote", "key" };
	static const int required[] = { 1, 1, 1, 0, 0 };
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	struct stele_capture *cap = NULL;
	struct stele_csv *csv = NULL;
	char **pos, county[10], label[300], *remote = NULL;
	int index_of[5], rc, n, got;
	long rows = 0;
	char **fields;
	size_t nfields;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_ARGS(1, 1)), argc,
				      argv)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_scope_code(county, ctx)) < 0)
		return rc;
	if ((rc = stele_csv_open(&csv, pos[0], 64u << 20)) < 0)
		return rc;
	if ((rc = stele_csv_header(csv, names, 5, required, index_of)) < 0)
		goto done;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		goto done;
	while ((got = stele_csv_next(&fields, &nfields, csv)) == 1) {
		struct village_row row = { 0 };

		if (nfields != (size_t)((index_of[3] >= 0) + (index_of[4] >= 0) + 3)) {
			rc = stele_csv_error(csv, 0, STELE_EINVALID, "%zu fields, the header has %d",
					     nfields, (index_of[3] >= 0) + (index_of[4] >= 0) + 3);
			goto done;
		}
		row.code = fields[index_of[0]];
		row.name = fields[index_of[1]];
		row.township_name = fields[index_of[2]];
		row.remote = index_of[3] >= 0 ? fields[index_of[3]] : NULL;
		row.key = index_of[4] >= 0 ? fields[index_of[4]] : NULL;
		snprintf(label, sizeof(label), "%s:%zu", stele_csv_name(csv), stele_csv_line(csv));
		/* The registry keeps the remote without its password. */
		free(remote);
		remote = NULL;
		if (row.remote && (rc = stele_credentials_keep_url(&remote, &urls, row.remote, label)) < 0)
			goto done;
		row.remote = remote ? remote : row.remote;
		if ((rc = village_put(ctx, county, &row, label)) < 0)
			goto done;
		rows++;
	}
	if (got < 0) {
		rc = got;
		goto done;
	}
	/* Every row is valid: the passwords go to the credentials file, then the
	 * registry commits (a failed commit leaves only unused lines there). */
	if ((rc = stele_cli_save_kept_urls(&urls, ctx)) < 0)
		goto done;
	rc = agg_write_commit(NULL, ctx, cap);
	cap = NULL;
	if (rc == 0)
		fprintf(stderr, P_("%s: registered %ld village from %s\n",
				   "%s: registered %ld villages from %s\n", rows), ctx->prog, rows, pos[0]);
done:
	stele_capture_abort(cap);
	stele_csv_free(csv);
	stele_credentials_kept_free(&urls);
	free(remote);
	return rc;
}

int cmd_village_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct stele_list list = { agg_open,
		"SELECT v.code, v.name, v.township_code, v.township_name, s.remote, "
		"CASE WHEN s.pubkey IS NULL THEN 'no' ELSE 'yes' END AS key_pinned, "
		"coalesce(st.last_seq, 0) AS merged_seq "
		"FROM village v LEFT JOIN stele_village_source s ON s.village_code = v.code "
		"LEFT JOIN stele_stream st ON st.writer = v.code ORDER BY v.code",
		"merged_seq", false };

	return stele_cli_list(ctx, cmd, argc, argv, &list);
}

/* `village revoke CODE --from-seq N [--key KEY]`: a compromised key (docs/keys.md). */
int cmd_village_revoke(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agg_revoke(ctx, cmd, argc, argv, STELE_LEVEL_VILLAGE);
}

/* `village keys CODE`: the county's view of a village's key history. */
int cmd_village_keys(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char **pos;
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_LISTING(),
				      STELE_OPT_ARGS(1, 1)), argc, argv)) != 0)
		return rc;
	if ((rc = agg_open_village(ctx, pos[0])) < 0)
		return rc;
	const char *params[] = { pos[0], NULL };
	/* The rule of lib/keys.c: the newest seq_from wins; at equal seq_from a
	 * revocation beats a rotation, which beats the registered key. */
	return stele_cli_print_query(ctx,
		"WITH k(seq_from, rank, public_key, source) AS ("
		" SELECT 1, 0, pubkey, 'registered' FROM stele_village_source WHERE village_code = ?1"
		" UNION ALL SELECT seq_from, 1, pubkey, 'rotation' FROM writer_key"
		"  WHERE village_code = ?1"
		" UNION ALL SELECT seq_from, 2, new_key,"
		"  CASE WHEN new_key IS NULL THEN 'revoked' ELSE 'revocation' END"
		"  FROM stele_key_override WHERE village_code = ?1),"
		" h AS (SELECT seq_from, max(rank) AS rank FROM k GROUP BY seq_from) "
		"SELECT k.seq_from, lead(k.seq_from) OVER (ORDER BY k.seq_from) - 1 AS seq_to, "
		"k.public_key, k.source FROM k JOIN h USING (seq_from, rank) ORDER BY k.seq_from",
		params, "seq_from,seq_to");
}
