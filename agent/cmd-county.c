/* cmd-county.c: `stele-agent county revoke`: the county's signing key, stolen or
 * lost, refused from a seq on and its new key taken, as the county says by phone
 * or letter (docs/keys.md "A stolen or lost county key"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "options.h"
#include "parse.h"

/* The last county seq this village took (meta county_seq; 0 when none). */
static int county_seq(int64_t *out, struct stele_ctx *ctx)
{
	char *text = NULL;
	int rc;

	if ((rc = stele_meta_get(ctx->db, "county_seq", &text)) < 0)
		return rc;
	*out = text && *text ? strtoll(text, NULL, 10) : 0;
	free(text);
	return 0;
}

/* `county revoke --from-seq N [--key KEY]`: a local stele_key_override row under
 * the county's code (the village's first 6 digits), which lib/keys.c reads for the
 * county's stream as the county reads a village's ('village revoke'). */
int cmd_county_revoke(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct { const char *from_seq, *key; } o = { 0 };
	unsigned char pk[STELE_PK_BYTES];
	char **pos, county[STELE_LEVEL_COUNTY + 1], key_hex[2 * STELE_PK_BYTES + 1];
	int64_t from_seq, merged = 0;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "from-seq", &o.from_seq),
		STELE_OPT_STRING(0, "key", &o.key),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.from_seq)
		return stele_error(STELE_EUSAGE, "county revoke needs --from-seq N (the first change "
				   "set the revoked key may not sign)");
	if (stele_parse_int(&from_seq, o.from_seq, 1, INT64_MAX, "--from-seq") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if (o.key && stele_parse_pubkey(pk, o.key, "--key", STELE_LEVEL_COUNTY) < 0)
		return stele_error(STELE_EINVALID, "%s", stele_error_message());
	if (o.key)
		stele_hex_encode(key_hex, pk, STELE_PK_BYTES);
	if ((rc = agent_open(ctx)) < 0 || (rc = county_seq(&merged, ctx)) < 0)
		return rc;
	snprintf(county, sizeof(county), "%.6s", agent_village(ctx));
	if (from_seq <= merged)
		return stele_error(STELE_EINVALID, "the county's change sets up to seq %lld are "
				   "already taken, so a revocation can start at seq %lld at the "
				   "earliest; what was taken is not undone (docs/keys.md)",
				   (long long)merged, (long long)merged + 1);
	if ((rc = stele_db_begin(ctx->db)) < 0)
		return rc;
	/* Again at the same seq: the key in force from there is replaced. */
	if ((rc = stele_db_run(ctx->db, "recording the revocation",
			       "INSERT INTO stele_key_override (village_code, seq_from, new_key, "
			       "revokes, at) VALUES (?1, ?2, ?3, 1, unixepoch()) "
			       "ON CONFLICT (village_code, seq_from) "
			       "DO UPDATE SET new_key = ?3, revokes = 1, at = unixepoch()",
			       "tie", county, from_seq, o.key ? key_hex : NULL)) < 0 ||
	    (rc = stele_db_commit(ctx->db)) < 0) {
		stele_db_rollback(ctx->db);
		return rc;
	}
	if (o.key)
		fprintf(stderr, _("%s: county %s: from seq %lld on, its rules signed with the key in "
			"force there are refused (revoked) and the key %.16s... signs instead\n"),
			ctx->prog, county, (long long)from_seq, key_hex);
	else
		fprintf(stderr, _("%s: county %s: from seq %lld on, its rules signed with the key in "
			"force there are refused (revoked); none are taken until 'county revoke "
			"--from-seq %lld --key KEY' names the county's new key\n"), ctx->prog, county,
			(long long)from_seq, (long long)from_seq);
	return 0;
}
