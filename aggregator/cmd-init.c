/* cmd-init.c: `stele-aggregator init`: create a county directory, or a township's or a
 * city's. */
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
	const char *county, *township, *city, *name, *publish;
};

/*
 * The directory's settings (stele_meta: its role, its codes, its name, its public
 * key, the publish URL) and the default catalogue. The writer is set last: a
 * directory without one was not initialized completely. The caller holds the
 * transaction.
 */
static int put_settings(sqlite3 *db, const struct init_opts *o, const unsigned char *pk,
			const char *role, const char *writer)
{
	char pk_hex[2 * STELE_PK_BYTES + 1], county[7] = "";
	int rc;

	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	if (o->county || o->township)
		snprintf(county, sizeof(county), "%.6s", o->county ? o->county : o->township);
	if ((rc = stele_meta_set(db, "role", role)) < 0 ||
	    (*county && (rc = stele_meta_set(db, "county_code", county)) < 0) ||
	    (o->township && (rc = stele_meta_set(db, "township_code", o->township)) < 0) ||
	    (o->city && (rc = stele_meta_set(db, "city_code", o->city)) < 0) ||
	    /* The report's title names the directory's own area. */
	    (rc = stele_meta_set(db, "county_name", o->name)) < 0 ||
	    (rc = stele_meta_set(db, "public_key", pk_hex)) < 0 ||
	    (o->publish && (rc = stele_meta_set(db, "publish_url", o->publish)) < 0) ||
	    (rc = stele_rules_install_defaults(db)) < 0 ||
	    (rc = stele_meta_set(db, "writer", writer)) < 0)
		return rc;
	return 0;
}

/*
 * A township's directory (docs/levels.md): the settings and the default catalogue,
 * for the township's own league table (not captured: the catalogue is the
 * county's, and a township's stream carries only its own first reviews), in one
 * transaction. Its writer is its 9-digit code.
 */
static int init_township(sqlite3 *db, const struct init_opts *o, const unsigned char *pk)
{
	int rc;

	if ((rc = stele_db_begin(db)) < 0)
		return rc;
	if ((rc = put_settings(db, o, pk, "township", o->township)) < 0) {
		stele_db_rollback(db);
		return rc;
	}
	return stele_db_commit(db);
}

/*
 * A county's or a city's directory: the settings, and the default catalogue
 * captured as its stream's first change set, in one transaction. A county's writer
 * is STELE_WRITER_COUNTY; a city's (docs/levels.md "Cities") its 4-digit code: the
 * catalogue is the city's own (the one its rankings use; its counties follow it
 * and publish it on to their villages), and it registers counties ('county add')
 * and writes only its catalogue.
 */
static int init_captured(sqlite3 *db, const struct init_opts *o, const unsigned char *pk,
			 const unsigned char *sk)
{
	const char *writer = o->city ? o->city : STELE_WRITER_COUNTY;
	struct stele_capture *cap = NULL;
	uint64_t seq = 0;
	int rc;

	if ((rc = stele_capture_begin(&cap, db, writer)) < 0)
		return rc;
	if ((rc = put_settings(db, o, pk, o->city ? "city" : "county", writer)) < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	return stele_capture_commit(&seq, cap, sk);
}

/* A city code: exactly 4 ASCII digits. */
static int check_city_code(const char *s)
{
	if (strlen(s) != STELE_LEVEL_CITY || strspn(s, "0123456789") != STELE_LEVEL_CITY)
		return stele_error(STELE_EUSAGE, "city code '%s' is not a 4-digit city code", s);
	return 0;
}

int cmd_init(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct init_opts o = { 0 };
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	char *publish = NULL;
	struct stele_newdir nd;
	unsigned char sk[STELE_SK_BYTES];
	char **args;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "county", &o.county),
		STELE_OPT_STRING(0, "township", &o.township),
		STELE_OPT_STRING(0, "city", &o.city),
		STELE_OPT_STRING(0, "name", &o.name),
		STELE_OPT_STRING(0, "publish", &o.publish),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!!o.county + !!o.township + !!o.city != 1 || !o.name)
		return stele_error(STELE_EUSAGE, "init needs --county CODE (or --township CODE, or "
				   "--city CODE) and --name NAME");
	if (o.city && check_city_code(o.city) < 0)
		return STELE_EUSAGE;
	/* Malformed values on the command line are usage errors (exit 2). */
	if ((o.county && stele_check_county_code(o.county, "county code") < 0) ||
	    (o.township && stele_check_township_code(o.township, NULL, "township code") < 0) ||
	    stele_check_text(o.name, 200, o.county ? "county name" : o.city ? "city name"
								     : "township name") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if (!*o.name)
		return stele_error(STELE_EUSAGE, o.county ? "county name is empty" :
				   o.city ? "city name is empty" : "township name is empty");
	if (o.publish && (rc = stele_check_text(o.publish, 1024, "--publish")) < 0)
		return rc;
	/* Kept without its password (saved in the credentials file once all is made). */
	if (o.publish && (rc = stele_credentials_keep_url(&publish, &urls, o.publish, "--publish")) < 0)
		goto done;
	o.publish = publish;

	if ((rc = stele_newdir_begin(&nd, ctx)) < 0)
		goto done;
	if ((rc = stele_key_load(sk, nd.key_path)) == 0 &&
	    (rc = o.township ? init_township(nd.db, &o, nd.pk) :
		  init_captured(nd.db, &o, nd.pk, sk)) == 0)
		rc = stele_cli_save_kept_urls(&urls, ctx);
	sodium_memzero(sk, sizeof(sk));
	if ((rc = stele_newdir_end(&nd, rc)) < 0)
		goto done;
	if (o.county)
		fprintf(stderr, _("%s: initialized county %s (%s) in %s\n"), ctx->prog, o.county,
			o.name, ctx->dir);
	else if (o.city)
		fprintf(stderr, _("%s: initialized city %s (%s) in %s\n"), ctx->prog, o.city,
			o.name, ctx->dir);
	else
		fprintf(stderr, _("%s: initialized township %s (%s) in %s\n"), ctx->prog, o.township,
			o.name, ctx->dir);
done:
	stele_credentials_kept_free(&urls);
	free(publish);
	return rc;
}
