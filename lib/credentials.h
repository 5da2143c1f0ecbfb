/* credentials.h: the credentials file ("URL-prefix user password" lines, mode
 * 0600): looked up by the transport, and where the passwords of URLs given on a
 * command line go (never into the database). */
#ifndef STELE_CREDENTIALS_H
#define STELE_CREDENTIALS_H

#include <stddef.h>

#include "url.h"

/*
 * Saves secrets in the credentials file as "PREFIX USER PASSWORD" lines, so that
 * the transport finds them: a line with the same prefix and user is replaced,
 * every other line is kept. The file is rewritten atomically (a temporary file
 * beside it, mode 0600, fsync, rename, fsync of the directory).
 */
int stele_credentials_save(const char *file, const struct stele_secret *secrets, size_t n);

/*
 * Looks url up in a credentials file ("URL-prefix username password" lines, '#'
 * comments). Prefixes are compared with the URLs' userinfo cut out; when url
 * names a user (want_user non-empty) only that user's lines count. The longest
 * matching prefix wins. Returns 1 and fills user/pass (truncated to user_n and
 * pass_n bytes; the caller wipes pass) when a line matches, 0 when none does, <0
 * when the file cannot be used (readable by others, unreadable).
 */
int stele_credentials_lookup(char *user, size_t user_n, char *pass, size_t pass_n,
			     const char *file, const char *url, const char *want_user);

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
 * stele_cli_save_kept_urls (cli.h) saves them; the same URL prefix and user given twice keeps the last.
 */
int stele_credentials_keep_url(char **kept, struct stele_kept_urls *urls, const char *url,
			       const char *what);

/* Wipes and frees the passwords urls holds. */
void stele_credentials_kept_free(struct stele_kept_urls *urls);

#endif
