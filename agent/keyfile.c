/* keyfile.c: the village directory's signing key files (signing.key, .new, .old):
 * opening a directory checks them and finishes an interrupted rotation; the key
 * history's base. The logic is lib/keystore.c's, shared with stele-aggregator
 * (docs/keys.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "keyfile.h"

/* A county's directory is not a village's. */
static int check_village(const struct stele_ctx *ctx)
{
	if (strcmp(ctx->writer, STELE_WRITER_COUNTY) == 0)
		return stele_error(STELE_EFAIL, "%s is a county directory; use stele-aggregator",
				   ctx->dir);
	return 0;
}

int agent_open(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = stele_ctx_open(ctx, true)) < 0 || (rc = check_village(ctx)) < 0)
		return rc;
	return stele_cli_key_recover(ctx, true);
}

int agent_open_read(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = stele_ctx_open_read(ctx)) < 0)
		return rc;
	return check_village(ctx);
}

int agent_key_base(unsigned char pk[STELE_PK_BYTES], sqlite3 *db)
{
	return stele_keystore_base(pk, db);
}

int agent_keys_open(struct stele_keys **out, struct stele_ctx *ctx, sqlite3 *db)
{
	return stele_keystore_keys(out, ctx->db, db, agent_village(ctx));
}

int agent_key_tidy(struct stele_ctx *ctx)
{
	return stele_keystore_tidy(ctx, agent_village(ctx), "synced_seq");
}
