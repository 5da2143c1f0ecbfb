/* cmd-init.c: `stele-agent init`: create a village directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "credentials.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "newdir.h"
#include "parse.h"
#include "repo.h"
#include "rules.h"

struct init_opts {
	const char *village, *name, *remote, *county, *county_key;
};

/* Writes the settings and the default catalogue in one transaction. */
static int init_database(sqlite3 *db, const struct init_opts *o, const unsigned char *pk)
{
	char pk_hex[2 * STELE_PK_BYTES + 1], county[7];
	int rc;

	stele_hex_encode(pk_hex, pk, STELE_PK_BYTES);
	memcpy(county, o->village, 6);
	county[6] = '\0';
	if ((rc = stele_db_begin(db)) < 0)
		return rc;
	if ((rc = stele_meta_set(db, "role", "village")) < 0 ||
	    (rc = stele_meta_set(db, "village_code", o->village)) < 0 ||
	    (rc = stele_meta_set(db, "village_name", o->name)) < 0 ||
	    (rc = stele_meta_set(db, "county_code", county)) < 0 ||
	    (rc = stele_meta_set(db, "public_key", pk_hex)) < 0 ||
	    (o->remote && (rc = stele_meta_set(db, "remote", o->remote)) < 0) ||
	    (o->county && (rc = stele_meta_set(db, "county_url", o->county)) < 0) ||
	    (o->county_key && (rc = stele_meta_set(db, "county_key", o->county_key)) < 0) ||
	    (rc = stele_rules_install_defaults(db)) < 0 ||
	    /* Last: a directory without a writer was not initialized completely. */
	    (rc = stele_meta_set(db, "writer", o->village)) < 0) {
		stele_db_rollback(db);
		return rc;
	}
	return stele_db_commit(db);
}

/* With --county the county's rules are fetched now; an unreachable county only
 * postpones them to the next sync, so init still succeeds. */
static void pull_county_now(struct stele_ctx *ctx, const char *url)
{
	git_repository *repo = NULL;
	int rc;

	/* agent_open takes the directory's lock again. */
	stele_lock_release(ctx->lock);
	ctx->lock = NULL;
	if ((rc = agent_open(ctx)) == 0 && (rc = agent_repo_open(&repo, ctx, false)) == 0)
		rc = agent_pull_county(ctx, repo, url);
	if (rc < 0)
		fprintf(stderr, _("%s: the county rules will come with the next sync: %s\n"), ctx->prog,
			stele_error_message());
	stele_repo_close(repo);
}

int cmd_init(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct init_opts o = { 0 };
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	char *remote = NULL, *county = NULL;
	struct stele_newdir nd;
	char **args;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "village", &o.village),
		STELE_OPT_STRING(0, "name", &o.name),
		STELE_OPT_STRING(0, "remote", &o.remote),
		STELE_OPT_STRING(0, "county", &o.county),
		STELE_OPT_STRING(0, "county-key", &o.county_key),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.village || !o.name)
		return stele_error(STELE_EUSAGE, "init needs --village CODE and --name NAME");
	/* Malformed values on the command line are usage errors (exit 2). */
	if (stele_check_village_code(o.village, NULL, "village code") < 0 ||
	    stele_check_text(o.name, 200, "village name") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if (!*o.name)
		return stele_error(STELE_EUSAGE, "village name is empty");
	if ((o.remote && (rc = stele_check_text(o.remote, 1024, "--remote")) < 0) ||
	    (o.county && (rc = stele_check_text(o.county, 1024, "--county")) < 0))
		return rc;
	if (o.county_key && stele_parse_pubkey(NULL, o.county_key, "--county-key",
					       STELE_LEVEL_COUNTY) < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	/* The URLs are kept without their passwords (saved once the directory is made). */
	if ((o.remote && (rc = stele_credentials_keep_url(&remote, &urls, o.remote, "--remote")) < 0) ||
	    (o.county && (rc = stele_credentials_keep_url(&county, &urls, o.county, "--county")) < 0))
		goto done;
	o.remote = remote;
	o.county = county;

	if ((rc = stele_newdir_begin(&nd, ctx)) < 0)
		goto done;
	if ((rc = init_database(nd.db, &o, nd.pk)) == 0)
		rc = stele_cli_save_kept_urls(&urls, ctx);
	if ((rc = stele_newdir_end(&nd, rc)) < 0)
		goto done;
	fprintf(stderr, _("%s: initialized village %s (%s) in %s\n"), ctx->prog, o.village, o.name,
		ctx->dir);
	if (o.county)
		pull_county_now(ctx, o.county);
done:
	stele_credentials_kept_free(&urls);
	free(remote);
	free(county);
	return rc;
}
