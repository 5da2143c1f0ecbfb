/* url.h: remote URLs: the local path a URL names, the URL shown in messages, and the
 * user name and password a URL carries (taken out before a URL is stored). */
#ifndef STELE_URL_H
#define STELE_URL_H

#include <stddef.h>

/* url without its userinfo ("https://user:pw@host/x" -> "https://host/x"), for
 * messages; truncated to n bytes. */
void stele_url_redact(char *out, size_t n, const char *url);

/* Whether url names a local repository (a plain path or file://): returns 1 with
 * *path the path (malloc'd, caller frees), 0 for a network URL, <0 on error. */
int stele_url_local_path(char **path, const char *url);

/* A password taken out of a URL, for the credentials file: the URL without any
 * userinfo (the line's prefix), and the percent-decoded user name and password.
 * Owned strings; stele_url_secret_clear wipes the password and frees them. */
struct stele_secret {
	char *prefix, *user, *password;
};
void stele_url_secret_clear(struct stele_secret *secret);

/*
 * Takes the password out of url so that it is never stored: *kept is url with the
 * password removed and the user name kept ("https://u:pw@h/x" -> "https://u@h/x"),
 * malloc'd, freed by the caller. Returns 1 and fills *secret when url held a
 * password, 0 (secret zeroed, *kept a copy of url) when it did not. A password
 * without a user name, or a user name or password the credentials file cannot
 * hold (white space, control characters, over 500 bytes) is STELE_EINVALID, with
 * what (e.g. "--remote") in the message and never the password.
 */
int stele_url_take_password(char **kept, struct stele_secret *secret, const char *url,
			    const char *what);

/* The user name and password in url's userinfo, percent-decoded (truncated to
 * user_n and pass_n bytes). Either may come back empty. The caller wipes pass. */
void stele_url_userinfo(char *user, size_t user_n, char *pass, size_t pass_n, const char *url);

#endif
