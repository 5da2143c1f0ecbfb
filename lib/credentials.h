/* credentials.h: URLs given on a command line, made fit to keep: passwords go to
 * the credentials file, never into the database (both programs' commands). */
#ifndef STELE_CREDENTIALS_H
#define STELE_CREDENTIALS_H

#include <stddef.h>

#include "cli.h"
#include "gitrepo.h"

/* The passwords taken out of a command's URLs, until they are saved. */
struct stele_kept_urls {
	struct stele_secret *secrets;
	size_t n, cap;
};
#define STELE_KEPT_URLS_INIT { NULL, 0, 0 }

/*
 * Takes the password out of url (stele_url_take_password; what names the option
 * or column in messages): *kept is the URL to store, without the password
 * (malloc'd, freed by the caller). The password is held in urls until
 * stele_kept_urls_save; the same URL prefix and user given twice keeps the last.
 */
int stele_kept_urls_add(char **kept, struct stele_kept_urls *urls, const char *url,
			const char *what);

/*
 * Saves every password held in urls in the credentials file the transport reads
 * for the directory ($STELE_GIT_CREDENTIALS, else DIR/credentials), in one atomic
 * rewrite, and says on stderr, for each, where it went (without the password).
 * Nothing to do when urls holds none.
 */
int stele_kept_urls_save(struct stele_kept_urls *urls, const struct stele_ctx *ctx);

/* Wipes and frees the passwords urls holds. */
void stele_kept_urls_free(struct stele_kept_urls *urls);

#endif
