/* credentials.c: the credentials file ("URL-prefix user password" lines, mode
 * 0600): looked up by the transport, rewritten when a command line's URL carried a
 * password (passwords never go into the database). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "credentials.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "remote.h"
#include "url.h"

/* One line of a credentials file split into its three fields (pointers into
 * line, which is modified). Returns false for a comment, a blank line or a line
 * without three fields. */
static bool credentials_line(char **prefix, char **user, char **pass, char *line)
{
	char *save = NULL;

	if (line[0] == '#')
		return false;
	*prefix = strtok_r(line, " \t\r\n", &save);
	*user = *prefix ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	*pass = *user ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	return *pass != NULL;
}

/* Opens a credentials file for reading, refusing one that others may read.
 * *f is NULL (and 0 returned) when the file does not exist. */
static int credentials_open(FILE **f, const char *file)
{
	struct stat st;

	*f = fopen(file, "r");
	if (!*f)
		return errno == ENOENT ? 0 : stele_error(STELE_EFAIL, "cannot read credentials "
							 "file %s: %s", file, strerror(errno));
	if (fstat(fileno(*f), &st) == 0 && (st.st_mode & 077)) {
		fclose(*f);
		*f = NULL;
		return stele_error(STELE_EFAIL, "credentials file %s is readable by others; "
				   "run chmod 600 %s", file, file);
	}
	return 0;
}

int stele_credentials_lookup(char *user, size_t user_n, char *pass, size_t pass_n,
				 const char *file, const char *url, const char *want_user)
{
	char *line = NULL, *prefix, *u, *p, shown_url[2048], shown_prefix[2048];
	size_t cap = 0, best = 0;
	FILE *f;
	int rc, found = 0;

	if ((rc = credentials_open(&f, file)) < 0 || !f)
		return rc;
	stele_url_redact(shown_url, sizeof(shown_url), url);
	while (getline(&line, &cap, f) > 0) {
		if (!credentials_line(&prefix, &u, &p, line))
			continue;
		stele_url_redact(shown_prefix, sizeof(shown_prefix), prefix);
		size_t len = strlen(shown_prefix);
		if (len == 0 || len <= best || strncmp(shown_url, shown_prefix, len) != 0 ||
		    (*want_user && strcmp(u, want_user) != 0))
			continue;
		snprintf(user, user_n, "%s", u);
		snprintf(pass, pass_n, "%s", p);
		best = len;
		found = 1;
	}
	fclose(f);
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	return found;
}

int stele_credentials_save(const char *file, const struct stele_secret *secrets, size_t n)
{
	struct stele_buf out = STELE_BUF_INIT(16u << 20);
	char *line = NULL, *copy = NULL, *prefix, *u, *p;
	size_t cap = 0;
	ssize_t got;
	FILE *f = NULL;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = credentials_open(&f, file)) < 0)
		return rc;
	/* Every line of the old file but those the new secrets replace. */
	while (f && (got = getline(&line, &cap, f)) > 0) {
		bool replaced = false;
		free(copy);
		if (!(copy = strdup(line))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		if (credentials_line(&prefix, &u, &p, copy))
			for (size_t i = 0; i < n && !replaced; i++)
				replaced = strcmp(prefix, secrets[i].prefix) == 0 &&
					   strcmp(u, secrets[i].user) == 0;
		if (replaced)
			continue;
		if ((rc = stele_buf_append(&out, line, (size_t)got)) < 0 ||
		    (line[got - 1] != '\n' && (rc = stele_buf_putc(&out, '\n')) < 0))
			goto done;
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = stele_buf_printf(&out, "%s %s %s\n", secrets[i].prefix, secrets[i].user,
					   secrets[i].password)) < 0)
			goto done;
	rc = stele_file_replace(file, out.data, out.len, 0600, "credentials file");
done:
	if (f)
		fclose(f);
	if (out.data)
		explicit_bzero(out.data, out.len);
	stele_buf_free(&out);
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	if (copy) {
		explicit_bzero(copy, strlen(copy));
		free(copy);
	}
	return rc;
}

int stele_credentials_keep_url(char **kept, struct stele_kept_urls *urls, const char *url,
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
			stele_url_secret_clear(&urls->secrets[i]);
			urls->secrets[i] = secret;
			*kept = stored;
			return 0;
		}
	if ((rc = stele_array_reserve(&urls->secrets, &urls->cap, urls->n, sizeof(*urls->secrets),
				      4)) < 0) {
		stele_url_secret_clear(&secret);
		free(stored);
		return rc;
	}
	urls->secrets[urls->n++] = secret;
	*kept = stored;
	return 0;
}

void stele_credentials_kept_free(struct stele_kept_urls *urls)
{
	for (size_t i = 0; i < urls->n; i++)
		stele_url_secret_clear(&urls->secrets[i]);
	free(urls->secrets);
	memset(urls, 0, sizeof(*urls));
}
