/* cmd-init.c: `stele-aggregator init`: create a county directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "aggregator.h"
#include "credentials.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "keypair.h"
#include "newdir.h"
#include "parse.h"
#include "remote.h"
#include "rules.h"
#include "url.h"

struct init_opts {
	const char *county, *name, *publish;
};

enum { OPT_COUNTY = 1, OPT_NAME, OPT_PUBLISH };

static int on_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct init_opts *o = data;

	switch (opt) {
	case OPT_COUNTY: o->county = arg; break;
	case OPT_NAME: o->name = arg; break;
	case OPT_PUBLISH: o->publish = arg; break;
	}
	return 0;
}

/* Writes the settings and captures the default catalogue as the county stream's
 * first change set, in one transaction. */
static int init_database(sqlite3 *db, const struct init_opts *o, const unsigned char *pk,
			 const unsigned char *sk)
{
	struct stele_capture *cap = NULL;
	char pk_hex[2 * STELE_PK_BYTES + 1];
	uint64_t seq = 0;
	int rc;

	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	if ((rc = stele_capture_begin(&cap, db, STELE_WRITER_COUNTY)) < 0)
		return rc;
	if ((rc = stele_meta_set(db, "role", "county")) < 0 ||
	    (rc = stele_meta_set(db, "county_code", o->county)) < 0 ||
	    (rc = stele_meta_set(db, "county_name", o->name)) < 0 ||
	    (rc = stele_meta_set(db, "public_key", pk_hex)) < 0 ||
	    (o->publish && (rc = stele_meta_set(db, "publish_url", o->publish)) < 0) ||
	    (rc = stele_rules_install_defaults(db)) < 0 ||
	    /* Last: a directory without a writer was not initialized completely. */
	    (rc = stele_meta_set(db, "writer", STELE_WRITER_COUNTY)) < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	return stele_capture_commit(&seq, cap, sk);
}

int cmd_init(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "county", required_argument, NULL, OPT_COUNTY },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "publish", required_argument, NULL, OPT_PUBLISH },
		{ 0 },
	};
	struct init_opts o = { 0 };
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	char *publish = NULL;
	struct stele_newdir nd;
	unsigned char sk[STELE_SK_BYTES];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, NULL,
				  0, 0, &n, &done)) < 0 || done)
		return rc;
	if (!o.county || !o.name)
		return stele_error(STELE_EUSAGE, "init needs --county CODE and --name NAME");
	if ((rc = stele_check_county_code(o.county, "county code")) < 0 ||
	    (rc = stele_check_text(o.name, 200, "county name")) < 0)
		return rc;
	if (!*o.name)
		return stele_error(STELE_EINVALID, "county name is empty");
	if (o.publish && (rc = stele_check_text(o.publish, 1024, "--publish")) < 0)
		return rc;
	/* Kept without its password (saved in the credentials file once all is made). */
	if (o.publish && (rc = stele_credentials_keep_url(&publish, &urls, o.publish, "--publish")) < 0)
		goto done;
	o.publish = publish;

	if ((rc = stele_newdir_begin(&nd, ctx)) < 0)
		goto done;
	if ((rc = stele_key_load(sk, nd.key_path)) == 0 &&
	    (rc = init_database(nd.db, &o, nd.pk, sk)) == 0)
		rc = stele_credentials_save_kept(&urls, ctx);
	sodium_memzero(sk, sizeof(sk));
	if ((rc = stele_newdir_end(&nd, rc)) < 0)
		goto done;
	fprintf(stderr, _("%s: initialized county %s (%s) in %s\n"), ctx->prog, o.county, o.name,
		ctx->dir);
done:
	stele_credentials_kept_free(&urls);
	free(publish);
	return rc;
}
