/* cmd-city.c: `stele-aggregator city join|show`: the city a county belongs to,
 * whose catalogue the county follows from the city's signed stream and publishes
 * on to its villages (docs/levels.md "The rules catalogue at a city"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aggregator.h"
#include "db.h"
#include "error.h"
#include "i18n.h"

struct join_opts {
	const char *remote, *key;
};

/* 0, or STELE_EFAIL naming the directory when it is not a county's. */
static int county_only(struct stele_ctx *ctx)
{
	if (agg_level(ctx) != STELE_LEVEL_COUNTY)
		return stele_error(STELE_EFAIL, "%s is not a county's directory; a county joins "
				   "its city (init --county)", ctx->dir);
	return 0;
}

/* Inserts the city (remote kept without its password, key pinned). */
static int city_put(struct stele_ctx *ctx, const char *code, const char *remote, void *arg)
{
	const struct join_opts *o = arg;

	return stele_db_run(ctx->db, "writing the county's city",
			    "INSERT INTO stele_city_source (city_code, remote, pubkey, joined_at) "
			    "VALUES (?, ?, ?, ?)", "ttti", code, remote, o->key,
			    (int64_t)time(NULL));
}

int cmd_city_join(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct join_opts o = { 0 };
	char county[7], city[STELE_LEVEL_CITY + 1];
	int64_t drafts = 0, joined = 0;
	int rc;

	if ((rc = agg_join_options(&o.remote, &o.key, ctx, cmd, argc, argv, "city join",
				   STELE_LEVEL_CITY)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = county_only(ctx)) < 0 ||
	    (rc = agg_county_code(county, ctx)) < 0)
		return rc;
	snprintf(city, sizeof(city), "%.4s", county);
	if ((rc = stele_db_int(ctx->db, "SELECT count(*) FROM stele_city_source", &joined)) < 0 ||
	    (rc = stele_db_int(ctx->db, "SELECT count(*) FROM stele_rules_draft", &drafts)) < 0)
		return rc;
	if (joined)
		return stele_error(STELE_EINVALID, "county %s already belongs to city %s", county,
				   city);
	/* A draft would go live over the city's catalogue at the next publish. */
	if (drafts)
		return stele_error(STELE_EINVALID, "county %s has draft rules; the city's catalogue "
				   "will govern: drop them first ('rules discard')", county);
	return agg_register_source(ctx, city, o.remote, city_put, &o);
}

/* Opens the directory for city show, refusing one that is not a county's. */
static int open_county(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = agg_open(ctx)) < 0)
		return rc;
	return county_only(ctx);
}

int cmd_city_show(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	/* catalogue_seq: the city's seq the county's catalogue follows up to. */
	static const struct stele_list list = { open_county,
		"SELECT c.city_code AS code, c.remote, c.pubkey AS public_key, "
		"coalesce(st.last_seq, 0) AS merged_seq, c.catalogue_seq, "
		"coalesce(st.state, 'ok') AS state, c.fetch_error "
		"FROM stele_city_source c LEFT JOIN stele_stream st ON st.writer = c.city_code",
		"merged_seq", false };

	return stele_cli_list(ctx, cmd, argc, argv, &list);
}
