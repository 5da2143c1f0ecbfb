/* cmd-township.c: `stele-aggregator township add|list|revoke`: the townships whose streams
 * (their first reviews, township_review) the county merges like its villages'
 * (docs/levels.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "options.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"

struct township_opts {
	const char *remote, *key;
};

/* Inserts the registration (remote kept without its password, key pinned). */
static int township_put(struct stele_ctx *ctx, const char *code, const char *remote,
			void *key_arg)
{
	const char *key = key_arg;
	int rc;

	if ((rc = stele_db_run(ctx->db, "writing the township registry",
			       "INSERT INTO stele_township_source (township_code, remote, pubkey) "
			       "VALUES (?1, ?2, ?3) ON CONFLICT (township_code) DO NOTHING",
			       "ttt", code, remote, key)) < 0)
		return rc;
	if (sqlite3_changes(ctx->db) == 0)
		return stele_error(STELE_EINVALID, "township %s is already registered", code);
	return 0;
}

int cmd_township_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct township_opts o = { 0 };
	char **pos, county[7];
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "remote", &o.remote),
		STELE_OPT_STRING(0, "key", &o.key),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.remote || !o.key)
		return stele_error(STELE_EUSAGE, "township add needs --remote URL and --key KEY");
	if (stele_check_township_code(pos[0], NULL, "township") < 0)
		return STELE_EUSAGE;
	if ((rc = agg_check_source(o.remote, o.key, STELE_LEVEL_TOWNSHIP)) < 0)
		return stele_error(rc, "township %s: %s", pos[0], stele_error_message());
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_county_only(ctx)) < 0 ||
	    (rc = agg_county_code(county, ctx)) < 0)
		return rc;
	if ((rc = stele_check_township_code(pos[0], county, "township")) < 0)
		return rc;
	return agg_register_source(ctx, pos[0], o.remote, township_put, (void *)o.key);
}

int cmd_township_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct stele_list list = { agg_open,
		"SELECT t.township_code AS code, t.remote, t.pubkey AS public_key, "
		"coalesce(st.last_seq, 0) AS merged_seq, coalesce(st.state, 'ok') AS state "
		"FROM stele_township_source t LEFT JOIN stele_stream st ON st.writer = t.township_code "
		"ORDER BY t.township_code",
		"merged_seq", false };

	return stele_cli_list(ctx, cmd, argc, argv, &list);
}

/* `township revoke CODE --from-seq N [--key KEY]`: a township's key stolen or lost. */
int cmd_township_revoke(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agg_revoke(ctx, cmd, argc, argv, STELE_LEVEL_TOWNSHIP);
}
