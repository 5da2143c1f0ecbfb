/* outbox-check.c: the crash campaign's oracle for one village directory: the
 * database passes PRAGMA integrity_check; the outbox is seqs 1..N with no gap,
 * each change set's stored hash is its bytes' hash, it decodes and verifies with the
 * village's key, names its own seq and the previous one's hash; and replaying every
 * change set in order onto an empty database gives exactly the village's rows (so no
 * row was written without its change set, and no change set without its rows).
 * Usage: outbox-check DIR — prints "outbox: N change sets, chain and replay ok" and
 * exits 0, or prints what is wrong and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "changeset.h"
#include "cli.h"
#include "db.h"
#include "error.h"
#include "keypair.h"
#include "parse.h"

/* Any conflict means the stream does not rebuild the rows: stop the replay. */
static int on_conflict(void *ctx, int conflict, sqlite3_changeset_iter *it)
{
	(void)ctx;
	(void)conflict;
	(void)it;
	return SQLITE_CHANGESET_ABORT;
}

/* Copies the county-owned tables from the live database (attached as "live") into
 * the replay database: the village's outbox never carries them. */
static int copy_county_tables(sqlite3 *replay, const char *db_path)
{
	static const char *const tables[] = { "point_rule", "standard_item", "veto_item",
					      "veto_event", "ranking_config", "village" };
	char sql[4200];
	int rc;

	if (strchr(db_path, '\''))
		return stele_error(STELE_EFAIL, "path %s has a quote", db_path);
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS live", db_path);
	if ((rc = stele_db_exec(replay, sql)) < 0)
		return rc;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM main.%s; INSERT INTO main.%s SELECT * FROM live.%s",
			 tables[i], tables[i], tables[i]);
		if ((rc = stele_db_exec(replay, sql)) < 0)
			return rc;
	}
	return stele_db_exec(replay, "DETACH live");
}

/* Walks the outbox of db, checking the chain and applying each change set to replay.
 * *count is the number of change sets. */
static int check_outbox(uint64_t *count, sqlite3 *db, sqlite3 *replay, const char *village,
			const unsigned char pk[STELE_PK_BYTES])
{
	unsigned char prev[STELE_HASH_BYTES] = { 0 }, hash[STELE_HASH_BYTES];
	struct stele_changeset *cs = NULL;
	sqlite3_stmt *stmt = NULL;
	uint64_t want = 1;
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt, "SELECT seq, created_at, summary, hash, data "
					      "FROM stele_outbox ORDER BY seq")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(stmt, 0);
		const unsigned char *data = sqlite3_column_blob(stmt, 4);
		size_t len = (size_t)sqlite3_column_bytes(stmt, 4);

		if (seq != want) {
			rc = stele_error(STELE_EFAIL, "outbox seq %llu follows seq %llu (a gap)",
					 (unsigned long long)seq, (unsigned long long)want - 1);
			goto done;
		}
		stele_cs_hash(hash, data, len);
		if (sqlite3_column_bytes(stmt, 3) != STELE_HASH_BYTES ||
		    memcmp(sqlite3_column_blob(stmt, 3), hash, STELE_HASH_BYTES) != 0) {
			rc = stele_error(STELE_EFAIL, "outbox seq %llu: stored hash is not its bytes' hash",
					 (unsigned long long)seq);
			goto done;
		}
		if ((rc = stele_cs_decode(&cs, NULL, data, len, pk)) < 0) {
			rc = stele_error(STELE_EFAIL, "outbox seq %llu: %s", (unsigned long long)seq,
					 stele_error_message());
			goto done;
		}
		if (cs->seq != seq || strcmp(cs->writer, village) != 0 ||
		    memcmp(cs->prev_hash, prev, STELE_HASH_BYTES) != 0 ||
		    cs->created_at != sqlite3_column_int64(stmt, 1) ||
		    strcmp(cs->summary, (const char *)sqlite3_column_text(stmt, 2)) != 0) {
			rc = stele_error(STELE_EFAIL, "outbox seq %llu: change set names seq %llu, writer "
					 "%s, or a previous hash, clock or summary that is not the row's",
					 (unsigned long long)seq, (unsigned long long)cs->seq, cs->writer);
			goto done;
		}
		if (cs->changes_len &&
		    sqlite3changeset_apply(replay, (int)cs->changes_len, cs->changes, NULL, on_conflict,
					   NULL) != SQLITE_OK) {
			rc = stele_error(STELE_EFAIL, "outbox seq %llu (%s) does not apply on the replay of "
					 "seqs before it: %s", (unsigned long long)seq, cs->summary,
					 sqlite3_errmsg(replay));
			goto done;
		}
		memcpy(prev, hash, STELE_HASH_BYTES);
		stele_cs_free(cs);
		cs = NULL;
		want++;
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "reading the outbox");
		goto done;
	}
	*count = want - 1;
done:
	stele_cs_free(cs);
	sqlite3_finalize(stmt);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned char sk[STELE_SK_BYTES], pk[STELE_PK_BYTES];
	char db_path[4096], key_path[4096];
	char *village = NULL, *integrity = NULL, *live_dump = NULL, *replay_dump = NULL;
	sqlite3 *db = NULL, *replay = NULL;
	sqlite3_stmt *stmt = NULL;
	uint64_t count = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: outbox-check DIR\n");
		return 2;
	}
	snprintf(db_path, sizeof(db_path), "%s/%s", argv[1], STELE_DB_FILE);
	snprintf(key_path, sizeof(key_path), "%s/%s", argv[1], STELE_KEY_FILE);
	if ((rc = stele_db_open(&db, db_path, 0)) < 0)
		goto done;
	if ((rc = stele_db_prepare(db, &stmt, "PRAGMA integrity_check")) < 0)
		goto done;
	if (sqlite3_step(stmt) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") != 0) {
		integrity = strdup(sqlite3_column_text(stmt, 0) ? (const char *)sqlite3_column_text(stmt, 0)
								: "?");
		rc = stele_error(STELE_EFAIL, "integrity_check: %s", integrity ? integrity : "?");
		goto done;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((rc = stele_meta_get(db, "village_code", &village)) < 0)
		goto done;
	if (!village) {
		rc = stele_error(STELE_EFAIL, "%s is not a village directory", argv[1]);
		goto done;
	}
	if ((rc = stele_key_load(sk, key_path)) < 0)
		goto done;
	stele_key_public(pk, sk);
	if ((rc = stele_db_open(&replay, ":memory:", STELE_DB_CREATE)) < 0 ||
	    (rc = copy_county_tables(replay, db_path)) < 0 ||
	    (rc = check_outbox(&count, db, replay, village, pk)) < 0)
		goto done;
	if ((rc = stele_db_dump(&live_dump, db, NULL)) < 0 ||
	    (rc = stele_db_dump(&replay_dump, replay, NULL)) < 0)
		goto done;
	if (strcmp(live_dump, replay_dump) != 0) {
		rc = stele_error(STELE_EFAIL, "the rows differ from the replay of the outbox's %llu "
				 "change sets (a write without its change set, or the reverse)",
				 (unsigned long long)count);
		goto done;
	}
	printf("outbox: %llu change sets, chain and replay ok\n", (unsigned long long)count);
done:
	if (rc < 0)
		fprintf(stderr, "outbox-check: %s: %s\n", argv[1], stele_error_message());
	sqlite3_finalize(stmt);
	stele_db_close(db);
	stele_db_close(replay);
	free(village);
	free(integrity);
	free(live_dump);
	free(replay_dump);
	return rc < 0 ? 1 : 0;
}
