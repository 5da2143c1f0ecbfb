/* cmd-init.c: `stele-aggregator init`: create a county directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aggregator.h"
#include "credentials.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "parse.h"
#include "rules.h"

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
	char *db_path = NULL, *key_path = NULL, *repo_path = NULL, *publish = NULL;
	unsigned char pk[STELE_PK_BYTES], sk[STELE_SK_BYTES];
	bool created_key = false, created_db = false;
	git_repository *repo = NULL;
	sqlite3 *db = NULL;
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
	if (o.publish && (rc = stele_kept_urls_add(&publish, &urls, o.publish, "--publish")) < 0)
		goto done;
	o.publish = publish;

	if (mkdir(ctx->dir, 0755) < 0 && errno != EEXIST) {
		rc = stele_error(STELE_EFAIL, "cannot create %s: %s", ctx->dir, strerror(errno));
		goto done;
	}
	if (!(db_path = stele_ctx_path(ctx, STELE_DB_FILE)) ||
	    !(key_path = stele_ctx_path(ctx, STELE_KEY_FILE)) ||
	    !(repo_path = stele_ctx_path(ctx, STELE_REPO_DIR))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = stele_lock_acquire(&ctx->lock, ctx->dir)) < 0)
		goto done;
	if (access(db_path, F_OK) == 0) {
		rc = stele_error(STELE_EFAIL, "%s is already a Stele directory", ctx->dir);
		goto done;
	}
	if ((rc = stele_key_generate(pk, key_path)) < 0)
		goto done;
	created_key = true;
	if ((rc = stele_key_load(sk, key_path)) < 0)
		goto done;
	if ((rc = stele_git_init()) < 0 || (rc = stele_repo_open(&repo, repo_path, 1)) < 0)
		goto done;
	created_db = true;
	if ((rc = stele_db_open(&db, db_path, STELE_DB_CREATE)) < 0)
		goto done;
	if ((rc = init_database(db, &o, pk, sk)) < 0 || (rc = stele_kept_urls_save(&urls, ctx)) < 0)
		goto done;
done:
	git_repository_free(repo);
	stele_db_close(db);
	memset(sk, 0, sizeof(sk));
	if (rc < 0) {
		/* Leave nothing half-made behind (an empty repo.git is harmless). */
		static const char *const suffixes[] = { "", "-wal", "-shm" };
		for (int i = 0; created_db && i < 3; i++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
			unlink(path);
		}
		if (created_key)
			unlink(key_path);
	} else {
		fprintf(stderr, "%s: initialized county %s (%s) in %s\n", ctx->prog, o.county, o.name,
			ctx->dir);
	}
	stele_kept_urls_free(&urls);
	free(publish);
	free(db_path);
	free(key_path);
	free(repo_path);
	return rc;
}
