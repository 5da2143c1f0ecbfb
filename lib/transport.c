/* transport.c: the network half of the transport: an in-memory libgit2 remote and
 * its callbacks (credentials from the URL, the environment or the credentials file;
 * host keys and certificates; progress; a server's refusal), a failure as one line
 * naming the remote without credentials, and a URL resolved (a local path made
 * absolute). Part of the transport (remote-int.h). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "credentials.h"
#include "error.h"
#include "git.h"
#include "remote-int.h"
#include "url.h"

/* How often a credential callback may be asked for one operation before giving up
 * (a wrong password must not loop forever). */
#define CREDENTIAL_TRIES 3

/* A local path made absolute (libgit2's local transport wants one). Caller frees. */
static int absolute_path(char **out, const char *path)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	char cwd[PATH_MAX];
	int rc = 0;

	if (path[0] == '/') {
		rc = stele_buf_puts(&b, path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return stele_error(STELE_EFAIL, "cannot read the current directory: %s",
					   strerror(errno));
		rc = stele_buf_printf(&b, "%s/%s", cwd, path);
	}
	if (rc < 0 || !(*out = stele_buf_detach(&b, NULL))) {
		stele_buf_free(&b);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	return 0;
}


/*
 * libgit2 asks for credentials. libgit2 itself first offers a URL's user name and
 * password (transport_setup notes them as offered), so reaching here means they
 * failed or were absent: then the environment, then the credentials file (the
 * line for the URL's user if it names one). Each source is offered once; when
 * none is left the server has refused everything (auth_refused, naming the last
 * user) or there was nothing to offer (no_credentials). An ssh key is offered
 * once.
 */
static int on_credentials(git_credential **out, const char *url, const char *username_from_url,
			  unsigned int allowed, void *payload)
{
	struct stele_transport *t = payload;
	char user[512], pass[512], url_user[512], url_pass[512];
	const char *env_user = getenv("STELE_GIT_USERNAME"), *env_pass = getenv("STELE_GIT_PASSWORD");
	int rc = GIT_PASSTHROUGH, found;

	user[0] = pass[0] = '\0';
	stele_url_userinfo(url_user, sizeof(url_user), url_pass, sizeof(url_pass), url);
	explicit_bzero(url_pass, sizeof(url_pass));
	if (!*url_user && username_from_url)
		snprintf(url_user, sizeof(url_user), "%s", username_from_url);
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		/* Sources in order: 1 the environment, 2 the credentials file. */
		while (!*user && t->tries < 2) {
			int source = ++t->tries;
			if (source == 1 && env_user && *env_user) {
				snprintf(user, sizeof(user), "%s", env_user);
				snprintf(pass, sizeof(pass), "%s", env_pass ? env_pass : "");
			} else if (source == 2 && t->opts && t->opts->credentials_file) {
				found = stele_credentials_lookup(user, sizeof(user), pass, sizeof(pass),
							      t->opts->credentials_file, url, url_user);
				if (found < 0) {
					git_error_set_str(GIT_ERROR_NET, stele_error_message());
					return GIT_EAUTH;
				}
			}
		}
		if (*user) {
			snprintf(t->user, sizeof(t->user), "%s", user);
			t->offered = true;
			rc = git_credential_userpass_plaintext_new(out, user, pass);
		} else {
			if (t->offered)
				t->auth_refused = true;
			else
				t->no_credentials = true;
			git_error_set_str(GIT_ERROR_NET, "authentication failed");
			rc = GIT_EAUTH;
		}
	} else if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		const char *key = t->opts ? t->opts->ssh_key : NULL;
		const char *name = username_from_url ? username_from_url : "git";
		snprintf(t->user, sizeof(t->user), "%s", name);
		if (t->offered) {
			t->auth_refused = true;
			git_error_set_str(GIT_ERROR_SSH, "authentication failed");
			rc = GIT_EAUTH;
		} else {
			t->offered = true;
			if (key)
				rc = git_credential_ssh_key_new(out, name, NULL, key, NULL);
			else
				rc = git_credential_ssh_key_from_agent(out, name);
		}
	} else if (allowed & GIT_CREDENTIAL_USERNAME) {
		if (++t->tries > CREDENTIAL_TRIES) {
			git_error_set_str(GIT_ERROR_NET, "authentication failed");
			rc = GIT_EAUTH;
		} else {
			rc = git_credential_username_new(out, username_from_url ? username_from_url : "git");
		}
	}
	explicit_bzero(pass, sizeof(pass));
	return rc;
}

/*
 * Certificates: https keeps libgit2's verdict (the system's CAs plus ca_file); for
 * ssh, libgit2 1.5.1 checks the host key against ~/.ssh/known_hosts and tells us
 * whether it matched: an unknown or changed host key is refused.
 */
static int on_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	if (valid)
		return 0;
	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2)
		git_error_set(GIT_ERROR_SSH, "host key of %s is not in ~/.ssh/known_hosts "
			      "(add it with ssh-keyscan after checking its fingerprint)", host);
	else
		git_error_set(GIT_ERROR_SSL, "the certificate of %s is not trusted", host);
	return GIT_ECERTIFICATE;
}

static int on_transfer(const git_indexer_progress *stats, void *payload)
{
	struct stele_transport *t = payload;

	if (t->opts && t->opts->progress && stats->total_objects > 0)
		t->opts->progress(t->opts->progress_data, false, stats->received_objects,
				  stats->total_objects);
	return 0;
}

static int on_push_transfer(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	struct stele_transport *t = payload;

	if (t->opts && t->opts->progress && total > 0)
		t->opts->progress(t->opts->progress_data, true, current, total);
	return 0;
}

static int on_push_update(const char *refname, const char *status, void *payload)
{
	struct stele_transport *t = payload;

	char reason[400];

	if (status && !t->have_refusal) {
		stele_git_one_line(reason, sizeof(reason), status);
		snprintf(t->refused, sizeof(t->refused), "%s: %s", refname, reason);
		t->have_refusal = true;
	}
	return 0;
}

void stele_transport_callbacks(git_remote_callbacks *cb, struct stele_transport *t)
{
	cb->credentials = on_credentials;
	cb->certificate_check = on_certificate;
	cb->transfer_progress = on_transfer;
	cb->push_transfer_progress = on_push_transfer;
	cb->push_update_reference = on_push_update;
	cb->payload = t;
}

/* Whether a libgit2 message says the host could not be reached at all. */
static bool unreachable_message(const char *msg)
{
	static const char *const signs[] = {
		"failed to connect", "failed to resolve", "Connection refused", "timed out",
		"Network is unreachable", "No route to host", "Failed to start SSH session",
		NULL,
	};

	for (int i = 0; signs[i]; i++)
		if (strstr(msg, signs[i]))
			return true;
	return false;
}

/*
 * Records a transport failure naming the remote without credentials, one line,
 * saying which of these it was: the server refused the credentials (401 after
 * every source was tried, or a refused ssh key), there were none to give, it
 * refused access to the repository (http 403, gitolite's DENIED), or it could not
 * be reached (connection refused, name not resolved): "cannot reach remote".
 * Anything else is "what URL: libgit2's message". libgit2's message may quote
 * the URL: any userinfo in it is cut out the same way.
 */
int stele_transport_fail(const struct stele_transport *t, const char *url, const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown error";
	struct stele_buf clean = STELE_BUF_INIT(4096);
	const char *at = strstr(msg, url);
	char line[768];
	int rc;

	if (at && strcmp(url, t->shown) != 0 &&
	    stele_buf_printf(&clean, "%.*s%s%s", (int)(at - msg), msg, t->shown,
			     at + strlen(url)) == 0)
		msg = clean.data;
	stele_git_one_line(line, sizeof(line), msg);
	if (t->auth_refused || (t->offered && strstr(line, "status code: 401")))
		rc = stele_error(STELE_EFAIL, "remote %s refused the credentials for %s", t->shown,
				 t->user);
	else if (t->no_credentials || strstr(line, "status code: 401"))
		rc = stele_error(STELE_EFAIL, "remote %s wants a user name and password and none "
				 "was given (put them in %s, or in STELE_GIT_USERNAME and "
				 "STELE_GIT_PASSWORD)", t->shown,
				 t->opts && t->opts->credentials_file ? t->opts->credentials_file
								      : "a credentials file");
	else if (strstr(line, "status code: 403"))
		rc = stele_error(STELE_EFAIL, "remote %s refused access: the server answered 403 "
				 "Forbidden (this account may not use this repository)", t->shown);
	else if (strstr(line, "DENIED"))
		rc = stele_error(STELE_EFAIL, "remote %s refused access: %s", t->shown, line);
	else if (unreachable_message(line))
		rc = stele_error(STELE_EFAIL, "cannot reach remote %s: %s", t->shown, line);
	else
		rc = stele_error(STELE_EFAIL, "%s %s: %s", what, t->shown, line);
	stele_buf_free(&clean);
	return rc;
}

/* The URL libgit2 gets: a local path made absolute, anything else as it is.
 * *local tells which; *exists whether a local path exists. Caller frees *out. */
static int transport_url(char **out, bool *local, bool *exists, const char *url)
{
	char *path = NULL;
	int rc;

	if ((rc = stele_url_local_path(&path, url)) < 0)
		return rc;
	*local = rc == 1;
	*exists = true;
	if (!*local) {
		if (!(*out = strdup(url)))
			return stele_error(STELE_EFAIL, "out of memory");
		return 0;
	}
	rc = absolute_path(out, path);
	if (rc == 0) {
		struct stat st;
		*exists = stat(*out, &st) == 0;
		/* A FIFO, a device or a file where a repository should be (libgit2 would
		 * call it an unsupported URL). */
		if (*exists && !S_ISDIR(st.st_mode)) {
			rc = stele_error(STELE_EFAIL, "remote %s is not a repository (it is %s, not a "
					 "directory)", *out, S_ISFIFO(st.st_mode) ? "a FIFO" :
					 S_ISREG(st.st_mode) ? "a file" : "a special file");
			free(*out);
			*out = NULL;
		}
	}
	free(path);
	return rc;
}

/* An in-memory remote for url: no name, nothing stored in the repository's
 * config, and no insteadOf rewriting from the user's git config. */
int stele_transport_remote(git_remote **out, git_repository *repo, const char *url)
{
	git_remote_create_options opts;

	git_remote_create_options_init(&opts, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	opts.repository = repo;
	opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	return git_remote_create_with_opts(out, url, &opts);
}

static void transport_setup(struct stele_transport *t, const char *url,
			    const struct stele_remote_opts *opts)
{
	static pthread_mutex_t ca_lock = PTHREAD_MUTEX_INITIALIZER;
	static char ca_set[PATH_MAX];
	char user[256], pass[512];

	memset(t, 0, sizeof(*t));
	t->opts = opts;
	stele_url_redact(t->shown, sizeof(t->shown), url);
	/* libgit2 offers a URL's user name and password itself, before asking us. */
	stele_url_userinfo(user, sizeof(user), pass, sizeof(pass), url);
	if (*user && *pass) {
		snprintf(t->user, sizeof(t->user), "%s", user);
		t->offered = true;
	}
	explicit_bzero(pass, sizeof(pass));
	/*
	 * The CA list is global to libgit2 and replacing it while another thread's
	 * handshake uses it is not safe: it is set when it changes, which for the
	 * aggregator's parallel fetches (one ca_file for all) is once, by the first.
	 */
	if (opts && opts->ca_file) {
		pthread_mutex_lock(&ca_lock);
		if (strcmp(ca_set, opts->ca_file) != 0) {
			git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, opts->ca_file, NULL);
			snprintf(ca_set, sizeof(ca_set), "%s", opts->ca_file);
		}
		pthread_mutex_unlock(&ca_lock);
	}
}

/* The start of a fetch or a push: libgit2 ready, t set up for url, and url
 * resolved by transport_url (*target: the caller frees it; remote-int.h). */
int stele_transport_start(struct stele_transport *t, char **target, bool *local, bool *exists,
			  const char *url, const struct stele_remote_opts *opts)
{
	int rc;

	if ((rc = stele_git_init()) < 0)
		return rc;
	transport_setup(t, url, opts);
	return transport_url(target, local, exists, url);
}
