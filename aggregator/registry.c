/* registry.c: the registry a county publishes in its own stream for its city
 * (registry_source, registry_key: schema/0015-city.sql; docs/levels.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "db.h"
#include "error.h"
#include "url.h"

/* Upserts one stream's entry (remote without any userinfo) inside the capture. */
static int put_source(sqlite3_stmt *put, struct stele_ctx *ctx, const char *code,
		      const char *remote, const char *pubkey)
{
	char shown[1100];
	int rc = 0;

	/* Never a credential: no password and no user name reaches the city. */
	stele_url_redact(shown, sizeof(shown), remote ? remote : "");
	sqlite3_bind_text(put, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(put, 2, shown, -1, SQLITE_STATIC);
	if (pubkey && *pubkey)
		sqlite3_bind_text(put, 3, pubkey, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(put, 3);
	if (sqlite3_step(put) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "writing the published registry");
	sqlite3_reset(put);
	return rc;
}

/* Makes registry_source and registry_key say what the county's local registry
 * says, touching only rows that differ (so an unchanged registry captures nothing). */
static int refresh(struct stele_ctx *ctx)
{
	sqlite3_stmt *list = NULL, *put = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &list, "SELECT village_code, remote, pubkey FROM "
				   "stele_village_source UNION ALL SELECT township_code, remote, "
				   "pubkey FROM stele_township_source ORDER BY 1")) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &put, "INSERT INTO registry_source (code, remote, "
				   "pubkey) VALUES (?1, ?2, ?3) ON CONFLICT (code) DO UPDATE SET "
				   "remote = excluded.remote, pubkey = excluded.pubkey WHERE "
				   "remote IS NOT excluded.remote OR pubkey IS NOT excluded.pubkey")) < 0)
		goto done;
	while ((step = sqlite3_step(list)) == SQLITE_ROW)
		if ((rc = put_source(put, ctx, (const char *)sqlite3_column_text(list, 0),
				     (const char *)sqlite3_column_text(list, 1),
				     (const char *)sqlite3_column_text(list, 2))) < 0)
			goto done;
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the village registry");
		goto done;
	}
	rc = stele_db_exec(ctx->db,
		"DELETE FROM registry_source WHERE code NOT IN (SELECT village_code FROM "
		"stele_village_source UNION SELECT township_code FROM stele_township_source); "
		"INSERT INTO registry_key (code, seq_from, new_key, revokes) "
		"SELECT village_code, seq_from, new_key, revokes FROM stele_key_override WHERE true "
		"ON CONFLICT (code, seq_from) DO UPDATE SET new_key = excluded.new_key, "
		"revokes = excluded.revokes WHERE new_key IS NOT excluded.new_key OR "
		"revokes IS NOT excluded.revokes; "
		"DELETE FROM registry_key WHERE NOT EXISTS (SELECT 1 FROM stele_key_override o "
		"WHERE o.village_code = registry_key.code AND o.seq_from = registry_key.seq_from)");
done:
	sqlite3_finalize(list);
	sqlite3_finalize(put);
	return rc;
}

int agg_registry_publish(uint64_t *seq, struct stele_ctx *ctx)
{
	struct stele_capture *cap = NULL;
	uint64_t s = 0;
	int rc;

	if (agg_level(ctx) != STELE_LEVEL_COUNTY)
		return 0;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	if ((rc = agg_write_end(&s, ctx, cap, refresh(ctx))) < 0)
		return rc;
	if (seq)
		*seq = s;
	return 0;
}
