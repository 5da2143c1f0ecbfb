/* city.c: a city over its counties (docs/levels.md "Cities"): each county's stream,
 * verified with the key the city pinned for it, carries the registry of the
 * villages and townships it vouches for; the city fetches and verifies those
 * streams itself, end to end, never a county's copy of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "db.h"
#include "error.h"
#include "i18n.h"

/* The statements of agg_city_adopt, in order. Each stream is taken only under a
 * registered county whose code starts it: the county stream's own check already
 * refused a registry row outside its county (ownership), this says it again. */
static const char *const adopt_sql[] = {
	"INSERT INTO stele_village_source (village_code, remote, pubkey) "
	"SELECT r.code, r.remote, r.pubkey FROM registry_source r "
	"WHERE length(r.code) = 12 AND r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source) "
	"ON CONFLICT (village_code) DO UPDATE SET remote = excluded.remote, "
	"pubkey = excluded.pubkey WHERE remote IS NOT excluded.remote OR "
	"pubkey IS NOT excluded.pubkey",

	"INSERT INTO stele_township_source (township_code, remote, pubkey) "
	"SELECT r.code, r.remote, r.pubkey FROM registry_source r "
	"WHERE length(r.code) = 9 AND r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source) "
	"ON CONFLICT (township_code) DO UPDATE SET remote = excluded.remote, "
	"pubkey = excluded.pubkey WHERE remote IS NOT excluded.remote OR "
	"pubkey IS NOT excluded.pubkey",

	"DELETE FROM stele_village_source WHERE village_code NOT IN "
	"(SELECT r.code FROM registry_source r WHERE r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source))",

	"DELETE FROM stele_township_source WHERE township_code NOT IN "
	"(SELECT r.code FROM registry_source r WHERE r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source))",

	/* The counties' revocations and replacements, as 'village revoke' wrote them
	 * there: lib/keys.c reads them from stele_key_override at the city too. */
	"INSERT INTO stele_key_override (village_code, seq_from, new_key, revokes, at) "
	"SELECT code, seq_from, new_key, revokes, CAST(strftime('%s', 'now') AS INTEGER) "
	"FROM registry_key WHERE true ON CONFLICT (village_code, seq_from) DO UPDATE SET "
	"new_key = excluded.new_key, revokes = excluded.revokes WHERE "
	"new_key IS NOT excluded.new_key OR revokes IS NOT excluded.revokes",

	"DELETE FROM stele_key_override WHERE NOT EXISTS (SELECT 1 FROM registry_key k "
	"WHERE k.code = stele_key_override.village_code "
	"AND k.seq_from = stele_key_override.seq_from)",
};

int agg_city_adopt(long *changed, struct stele_ctx *ctx)
{
	long count = 0;
	int rc;

	if ((rc = stele_db_begin(ctx->db)) < 0)
		return rc;
	for (size_t i = 0; i < sizeof(adopt_sql) / sizeof(adopt_sql[0]); i++) {
		if ((rc = stele_db_exec(ctx->db, adopt_sql[i])) < 0) {
			stele_db_rollback(ctx->db);
			return rc;
		}
		count += sqlite3_changes(ctx->db);
	}
	if ((rc = stele_db_commit(ctx->db)) < 0)
		return rc;
	if (changed)
		*changed = count;
	return 0;
}

/* Whether a fetch or merge error lets the rest go on (a stream's own trouble,
 * reported on stderr), rather than stopping the sync. */
static bool partial(int rc)
{
	return rc == STELE_EFAIL || rc == STELE_EVERIFY;
}

int agg_city_sync(struct stele_ctx *ctx, const struct agg_fetch_opts *opts)
{
	char first_msg[1024] = "";
	int rc, first = 0;
	const enum agg_city_list rounds[] = { AGG_CITY_COUNTIES, AGG_CITY_BELOW };

	for (size_t r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++) {
		agg_city_set_list(rounds[r]);
		/* A county or village that cannot be fetched stops only its own part. */
		rc = agg_fetch(ctx, opts);
		if (rc < 0 && !first) {
			first = rc;
			snprintf(first_msg, sizeof(first_msg), "%s", stele_error_message());
		}
		if (rc < 0 && !partial(rc))
			goto done;
		rc = agg_merge(ctx);
		if (rc < 0 && !first) {
			first = rc;
			snprintf(first_msg, sizeof(first_msg), "%s", stele_error_message());
		}
		if (rc < 0 && !partial(rc))
			goto done;
		/* What the counties merged now vouch for is what the next round fetches. */
		if (rounds[r] == AGG_CITY_COUNTIES && (rc = agg_city_adopt(NULL, ctx)) < 0)
			goto done;
	}
	rc = first ? stele_error(first, "%s", first_msg) : 0;
done:
	agg_city_set_list(AGG_CITY_ALL);
	return rc;
}
