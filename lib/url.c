/* url.c: remote URLs: the local path a URL names, the URL shown in messages
 * (without userinfo), and the user name and password a URL carries. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "parse.h"
#include "url.h"

void stele_url_redact(char *out, size_t n, const char *url)
{
	const char *scheme = strstr(url, "://"), *at, *host, *slash;

	if (n == 0)
		return;
	if (!scheme) {
		snprintf(out, n, "%s", url);
		return;
	}
	host = scheme + 3;
	slash = strchr(host, '/');
	at = memchr(host, '@', slash ? (size_t)(slash - host) : strlen(host));
	/* userinfo may itself hold '@' (unescaped): the host starts after the last one. */
	if (at) {
		const char *next;
		while ((next = memchr(at + 1, '@', slash ? (size_t)(slash - at - 1) : strlen(at + 1))))
			at = next;
		snprintf(out, n, "%.*s%s", (int)(host - url), url, at + 1);
	} else {
		snprintf(out, n, "%s", url);
	}
}

int stele_url_local_path(char **path, const char *url)
{
	const char *p;
	char *copy;

	if (strncmp(url, "file://", 7) == 0)
		p = url + 7;
	else if (strstr(url, "://"))
		return 0;
	else if (url[0] != '/' && url[0] != '.' && strchr(url, ':') &&
		 (!strchr(url, '/') || strchr(url, ':') < strchr(url, '/')))
		return 0; /* scp-like host:path is ssh */
	else
		p = url;
	if (!(copy = strdup(p)))
		return stele_error(STELE_EFAIL, "out of memory");
	*path = copy;
	return 1;
}


/* Whether c may appear in a credentials file's field (no white space, no
 * control character). */
static bool credential_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/* Percent-decodes [p, stop) into dst (cap bytes, NUL-terminated, truncated). */
static void percent_decode(char *dst, size_t cap, const char *p, const char *stop)
{
	size_t k = 0;

	for (; p < stop && k + 1 < cap; p++) {
		unsigned char v;
		char hex[3];
		if (*p == '%' && stop - p >= 3) {
			hex[0] = p[1];
			hex[1] = p[2];
			hex[2] = '\0';
			if (stele_hex_decode(&v, 1, hex) == 0) {
				dst[k++] = (char)v;
				p += 2;
				continue;
			}
		}
		dst[k++] = *p;
	}
	dst[k] = '\0';
}

/*
 * Where url's userinfo is: *host just after "://", *at the '@' that ends the
 * userinfo (the last one before the path: a user name may hold an unescaped '@'),
 * *colon the ':' before the password or NULL. Returns false when url has no
 * userinfo (or is no scheme://host URL).
 */
static bool url_userinfo_span(const char **host, const char **at, const char **colon,
			      const char *url)
{
	const char *h = strstr(url, "://"), *end, *last = NULL;

	if (!h)
		return false;
	h += 3;
	end = h + strcspn(h, "/");
	for (const char *p = h; p < end; p++)
		if (*p == '@')
			last = p;
	if (!last)
		return false;
	*host = h;
	*at = last;
	*colon = memchr(h, ':', (size_t)(last - h));
	return true;
}

void stele_url_userinfo(char *user, size_t user_n, char *pass, size_t pass_n, const char *url)
{
	const char *host, *at, *colon;

	user[0] = pass[0] = '\0';
	if (!url_userinfo_span(&host, &at, &colon, url))
		return;
	percent_decode(user, user_n, host, colon ? colon : at);
	if (colon)
		percent_decode(pass, pass_n, colon + 1, at);
}

void stele_url_secret_clear(struct stele_secret *secret)
{
	if (secret->password)
		explicit_bzero(secret->password, strlen(secret->password));
	free(secret->prefix);
	free(secret->user);
	free(secret->password);
	memset(secret, 0, sizeof(*secret));
}

/* Whether s (a decoded user name or password) fits a credentials-file field. */
static bool credential_field_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 500)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!credential_char((unsigned char)s[i]))
			return false;
	return true;
}

int stele_url_take_password(char **kept, struct stele_secret *secret, const char *url,
			    const char *what)
{
	struct stele_secret got = { 0 };
	const char *host, *at, *colon;
	char user[512], pass[512], prefix[2048];
	char *copy = NULL;
	int rc = 0;

	memset(secret, 0, sizeof(*secret));
	if (!url_userinfo_span(&host, &at, &colon, url) || !colon) {
		if (!(*kept = strdup(url)))
			return stele_error(STELE_EFAIL, "out of memory");
		return 0;
	}
	stele_url_userinfo(user, sizeof(user), pass, sizeof(pass), url);
	stele_url_redact(prefix, sizeof(prefix), url);
	if (!*user) {
		rc = stele_error(STELE_EINVALID, "%s %s: a password without a user name", what, prefix);
		goto done;
	}
	if (!credential_field_ok(user) || !credential_field_ok(pass)) {
		rc = stele_error(STELE_EINVALID, "%s %s: the user name or password holds white space or "
				 "control characters (or is too long) and cannot be kept in a "
				 "credentials file; give it in STELE_GIT_USERNAME/STELE_GIT_PASSWORD",
				 what, prefix);
		goto done;
	}
	/* url up to the ':' of the password, then from the '@' on. */
	if (!(copy = malloc(strlen(url) + 1)) || !(got.prefix = strdup(prefix)) ||
	    !(got.user = strdup(user)) || !(got.password = strdup(pass))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	snprintf(copy, strlen(url) + 1, "%.*s%s", (int)(colon - url), url, at);
	*kept = copy;
	copy = NULL;
	*secret = got;
	memset(&got, 0, sizeof(got));
	rc = 1;
done:
	explicit_bzero(pass, sizeof(pass));
	stele_url_secret_clear(&got);
	free(copy);
	return rc;
}
