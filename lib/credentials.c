/* credentials.c: URLs given on a command line, made fit to keep: passwords go to
 * the credentials file, never into the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credentials.h"
#include "error.h"
#include "i18n.h"

int stele_kept_urls_add(char **kept, struct stele_kept_urls *urls, const char *url,
			const char *what)
{
	struct stele_secret secret;
	char *stored = NULL;
	int rc;

	if ((rc = stele_url_take_password(&stored, &secret, url, what)) <= 0) {
		if (rc == 0)
			*kept = stored;
		return rc;
	}
	for (size_t i = 0; i < urls->n; i++)
		if (strcmp(urls->secrets[i].prefix, secret.prefix) == 0 &&
		    strcmp(urls->secrets[i].user, secret.user) == 0) {
			stele_secret_clear(&urls->secrets[i]);
			urls->secrets[i] = secret;
			*kept = stored;
			return 0;
		}
	if (urls->n == urls->cap) {
		size_t cap = urls->cap ? 2 * urls->cap : 4;
		struct stele_secret *grown = realloc(urls->secrets, cap * sizeof(*grown));
		if (!grown) {
			stele_secret_clear(&secret);
			free(stored);
			return stele_error(STELE_EFAIL, "out of memory");
		}
		urls->secrets = grown;
		urls->cap = cap;
	}
	urls->secrets[urls->n++] = secret;
	*kept = stored;
	return 0;
}

int stele_kept_urls_save(struct stele_kept_urls *urls, const struct stele_ctx *ctx)
{
	struct stele_remote_opts opts;
	int rc;

	if (urls->n == 0)
		return 0;
	if ((rc = stele_remote_opts_from_env(&opts, ctx->dir)) < 0)
		return rc;
	rc = stele_credentials_save(opts.credentials_file, urls->secrets, urls->n);
	for (size_t i = 0; rc == 0 && i < urls->n; i++)
		fprintf(stderr, _("%s: the password of %s for %s is kept in %s (mode 600), not in "
			"the database\n"), ctx->prog, urls->secrets[i].user, urls->secrets[i].prefix,
			opts.credentials_file);
	stele_remote_opts_release(&opts);
	return rc;
}

void stele_kept_urls_free(struct stele_kept_urls *urls)
{
	for (size_t i = 0; i < urls->n; i++)
		stele_secret_clear(&urls->secrets[i]);
	free(urls->secrets);
	memset(urls, 0, sizeof(*urls));
}
