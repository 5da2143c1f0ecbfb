/* cmd-county.c: `stele-aggregator county add|list|join|revoke`: the counties of a city, whose
 * streams carry the registries of the villages and townships the city fetches
 * and verifies itself (docs/levels.md "Cities"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "options.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"

struct county_opts {
	const char *name, *remote, *key;
};

/* 0, or STELE_EFAIL naming the directory when it is not a city's. */
static int city_only(struct stele_ctx *ctx)
{
	if (agg_level(ctx) != STELE_LEVEL_CITY)
		return stele_error(STELE_EFAIL, "%s is not a city's directory; counties are "
				   "registered at a city (init --city)", ctx->dir);
	return 0;
}

/* Inserts the registration (remote kept without its password, key pinned). */
static int county_put(struct stele_ctx *ctx, const char *code, const char *remote, void *arg)
{
	const struct county_opts *o = arg;
	int rc;

	if ((rc = stele_db_run(ctx->db, "writing the county registry",
			       "INSERT INTO stele_county_source (county_code, name, remote, pubkey) "
			       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (county_code) DO NOTHING",
			       "tttt", code, o->name, remote, o->key)) < 0)
		return rc;
	if (sqlite3_changes(ctx->db) == 0)
		return stele_error(STELE_EINVALID, "county %s is already registered", code);
	return 0;
}

int cmd_county_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct county_opts o = { 0 };
	char **pos;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "name", &o.name),
		STELE_OPT_STRING(0, "remote", &o.remote),
		STELE_OPT_STRING(0, "key", &o.key),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.name || !o.remote || !o.key)
		return stele_error(STELE_EUSAGE, "county add needs --name NAME, --remote URL and "
				   "--key KEY");
	if (stele_check_county_code(pos[0], "county") < 0)
		return STELE_EUSAGE;
	if ((rc = stele_check_text(o.name, 200, "--name")) < 0)
		return rc;
	if (!*o.name)
		return stele_error(STELE_EINVALID, "county %s: --name is empty", pos[0]);
	if ((rc = agg_check_source(o.remote, o.key, STELE_LEVEL_COUNTY)) < 0)
		return stele_error(rc, "county %s: %s", pos[0], stele_error_message());
	if ((rc = agg_open(ctx)) < 0 || (rc = city_only(ctx)) < 0)
		return rc;
	if (strncmp(pos[0], ctx->writer, STELE_LEVEL_CITY) != 0)
		return stele_error(STELE_EINVALID, "county %s is not in city %s", pos[0], ctx->writer);
	return agg_register_source(ctx, pos[0], o.remote, county_put, &o);
}

int cmd_county_join(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct county_opts o = { .name = "" };
	char county[STELE_LEVEL_COUNTY + 1];
	int64_t joined = 0;
	int rc;

	if ((rc = agg_join_options(&o.remote, &o.key, ctx, cmd, argc, argv, "county join",
				   STELE_LEVEL_COUNTY)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	if (agg_level(ctx) != STELE_LEVEL_TOWNSHIP)
		return stele_error(STELE_EFAIL, "%s is not a township's directory; a township joins "
				   "its county (init --township)", ctx->dir);
	snprintf(county, sizeof(county), "%.6s", ctx->writer);
	if ((rc = stele_db_int(ctx->db, "SELECT count(*) FROM stele_county_source", &joined)) < 0)
		return rc;
	if (joined)
		return stele_error(STELE_EINVALID, "township %s already belongs to county %s",
				   ctx->writer, county);
	return agg_register_source(ctx, county, o.remote, county_put, &o);
}

/* Opens the directory for county list: a city's (its counties) or a township's
 * (its county). */
static int open_city_or_township(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = agg_open(ctx)) < 0)
		return rc;
	return agg_level(ctx) == STELE_LEVEL_TOWNSHIP ? 0 : city_only(ctx);
}

int cmd_county_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	/* villages: what its merged registry vouches for (with a key); the city
	 * fetches each of those itself. */
	/* catalogue_seq: at a township, the county's seq its catalogue follows up to
	 * (a city keeps its own: 0). */
	static const struct stele_list list = { open_city_or_township,
		"SELECT c.county_code AS code, c.name, c.remote, c.pubkey AS public_key, "
		"coalesce(st.last_seq, 0) AS merged_seq, coalesce(st.state, 'ok') AS state, "
		"(SELECT count(*) FROM registry_source r WHERE length(r.code) = 12 "
		"  AND substr(r.code, 1, 6) = c.county_code AND r.pubkey IS NOT NULL) AS villages, "
		"(SELECT count(*) FROM registry_source r WHERE length(r.code) = 9 "
		"  AND substr(r.code, 1, 6) = c.county_code AND r.pubkey IS NOT NULL) AS townships, "
		"c.catalogue_seq, c.fetch_error "
		"FROM stele_county_source c LEFT JOIN stele_stream st ON st.writer = c.county_code "
		"ORDER BY c.county_code",
		"merged_seq", false };

	return stele_cli_list(ctx, cmd, argc, argv, &list);
}

/* `county revoke CODE --from-seq N [--key KEY]`: a county's key stolen or lost. */
int cmd_county_revoke(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agg_revoke(ctx, cmd, argc, argv, STELE_LEVEL_COUNTY);
}
