/* remote.c: the transport: fetch and fast-forward-only push of a stream through
 * in-memory libgit2 remotes (paths and USB sticks, https, ssh), with credentials
 * from the URL, the environment or the credentials file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "credentials.h"
#include "error.h"
#include "fileio.h"
#include "git.h"
#include "gitrepo.h"
#include "i18n.h"
#include "remote.h"
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

/* State shared by the transport callbacks of one fetch or push. */
struct transport {
	const struct stele_remote_opts *opts;
	char shown[1024];     /* the URL without userinfo, for messages */
	char user[256];       /* the user name of the last credentials offered */
	int tries;            /* credential callback calls so far */
	bool offered;         /* some credentials were offered (the URL's count) */
	bool auth_refused;    /* the server refused every credential offered */
	bool no_credentials;  /* the server wants credentials and there are none */
	char refused[512];    /* a server's refusal reported through push_update_reference */
	bool have_refusal;
};

int stele_remote_opts_from_env(struct stele_remote_opts *opts, const char *dir)
{
	const char *env = getenv("STELE_GIT_CREDENTIALS");
	struct stele_buf path = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	const char *ca = getenv("STELE_CA_FILE"), *key = getenv("STELE_SSH_KEY");

	memset(opts, 0, sizeof(*opts));
	if ((env && *env ? stele_buf_puts(&path, env)
			 : stele_buf_printf(&path, "%s/credentials", dir)) < 0) {
		stele_buf_free(&path);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	opts->owned = stele_buf_detach(&path, NULL);
	if (!opts->owned)
		return stele_error(STELE_EFAIL, "out of memory");
	opts->credentials_file = opts->owned;
	opts->ca_file = ca && *ca ? ca : NULL;
	opts->ssh_key = key && *key ? key : NULL;
	return 0;
}

void stele_remote_opts_release(struct stele_remote_opts *opts)
{
	free(opts->owned);
	memset(opts, 0, sizeof(*opts));
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
	struct transport *t = payload;
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
	struct transport *t = payload;

	if (t->opts && t->opts->progress && stats->total_objects > 0)
		t->opts->progress(t->opts->progress_data, false, stats->received_objects,
				  stats->total_objects);
	return 0;
}

static int on_push_transfer(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	struct transport *t = payload;

	if (t->opts && t->opts->progress && total > 0)
		t->opts->progress(t->opts->progress_data, true, current, total);
	return 0;
}

static int on_push_update(const char *refname, const char *status, void *payload)
{
	struct transport *t = payload;

	char reason[400];

	if (status && !t->have_refusal) {
		stele_git_one_line(reason, sizeof(reason), status);
		snprintf(t->refused, sizeof(t->refused), "%s: %s", refname, reason);
		t->have_refusal = true;
	}
	return 0;
}

static void transport_callbacks(git_remote_callbacks *cb, struct transport *t)
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
static int transport_fail(const struct transport *t, const char *url, const char *what)
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

/* The names of the pack files of repo (objects/pack), for removing what one fetch
 * added. *names is freed by the caller with free_names. */
static int pack_names(char ***names, size_t *n, git_repository *repo)
{
	char dir[PATH_MAX], **list = NULL, **grown;
	size_t count = 0;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_path(repo));
	*names = NULL;
	*n = 0;
	if (!(d = opendir(dir)))
		return 0; /* no pack yet */
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!(grown = realloc(list, (count + 1) * sizeof(*list))) ||
		    !(grown[count] = strdup(e->d_name))) {
			if (grown)
				list = grown;
			closedir(d);
			for (size_t i = 0; i < count; i++)
				free(list[i]);
			free(list);
			return stele_error(STELE_EFAIL, "out of memory");
		}
		list = grown;
		count++;
	}
	closedir(d);
	*names = list;
	*n = count;
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Removes the pack files of repo that are not in before[0..nbefore): what a refused
 * fetch brought is not kept. */
static void remove_new_packs(git_repository *repo, char **before, size_t nbefore)
{
	char **now = NULL, path[PATH_MAX + 256], dir[PATH_MAX];
	size_t n = 0;

	snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_path(repo));
	if (pack_names(&now, &n, repo) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		bool old = false;
		for (size_t j = 0; j < nbefore && !old; j++)
			old = strcmp(now[i], before[j]) == 0;
		if (old)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, now[i]);
		unlink(path);
	}
	free_names(now, n);
	stele_file_sync_dir(dir);
}

/* Whether dir (a repository's objects/) holds a loose object: a two-digit fan-out
 * directory with an entry in it. */
static bool has_loose(const char *dir)
{
	char path[PATH_MAX + 8];
	struct dirent *e, *f;
	bool found = false;
	DIR *d, *sub;

	if (!(d = opendir(dir)))
		return false;
	while (!found && (e = readdir(d))) {
		if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(sub = opendir(path)))
			continue;
		while (!found && (f = readdir(sub)))
			found = f->d_name[0] != '.';
		closedir(sub);
	}
	closedir(d);
	return found;
}

/*
 * The bytes of source's only pack, when it holds exactly `objects` objects (the
 * count of what is to be copied, all of which source holds) and source has no loose
 * object and no other pack: then that pack is exactly what is to be copied, every
 * object of it already checked, and it need not be built again (libgit2's
 * packbuilder deflates every object anew and searches for deltas: most of a cold
 * fetch's CPU time). Returns 1 with *data (malloc'd, caller frees) and *len, or 0
 * when it is not so (or cannot tell), never an error: the caller builds the pack.
 */
static int whole_pack(void **data, size_t *len, git_repository *source, size_t objects)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], pack[300] = "";
	unsigned char head[8 + 256 * 4];
	struct dirent *e;
	struct stat st;
	void *bytes = NULL;
	size_t n;
	int fd = -1, found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%sobjects", git_repository_path(source));
	if (has_loose(dir))
		return 0;
	snprintf(path, sizeof(path), "%s/pack", dir);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && l < sizeof(pack) && strcmp(e->d_name + l - 5, ".pack") == 0) {
			found++;
			memcpy(pack, e->d_name, l - 5);
			pack[l - 5] = '\0';
		}
	}
	closedir(d);
	if (found != 1)
		return 0;
	/* The index's last fan-out entry is its number of objects (version 2). */
	snprintf(path, sizeof(path), "%s/pack/%s.idx", dir, pack);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = (size_t)read(fd, head, sizeof(head));
	close(fd);
	if (n != sizeof(head) || memcmp(head, "\377tOc\0\0\0\2", 8) != 0 ||
	    ((size_t)head[sizeof(head) - 4] << 24 | (size_t)head[sizeof(head) - 3] << 16 |
	     (size_t)head[sizeof(head) - 2] << 8 | head[sizeof(head) - 1]) != objects)
		return 0;
	snprintf(path, sizeof(path), "%s/pack/%s.pack", dir, pack);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || (uint64_t)st.st_size > STELE_GIT_MAX_FETCH ||
	    !(bytes = malloc((size_t)st.st_size)))
		goto fail;
	for (n = 0; n < (size_t)st.st_size;) {
		ssize_t got = read(fd, (char *)bytes + n, (size_t)st.st_size - n);
		if (got <= 0)
			goto fail;
		n += (size_t)got;
	}
	close(fd);
	*data = bytes;
	*len = n;
	return 1;
fail:
	close(fd);
	free(bytes);
	return 0;
}

/*
 * Copies what repo lacks of tip's history from the local repository source (already
 * checked by stele_repo_check_new): the commits reachable from tip and from none of
 * repo's refs that source also has, as one pack handed to repo's indexer in one
 * piece (stele_git_write_pack). libgit2's local transport feeds its indexer object
 * by object, and the indexer maps and unmaps the pack for every piece: on a virtual
 * machine each munmap is a TLB shootdown across the fetch's threads, most of a
 * county's cold fetch (measured: 54 % of a 40-village fetch in munmap). A first
 * fetch of a repository that is one pack of exactly that history copies the pack
 * as it is (whole_pack). Nothing is written when repo has the tip already.
 */
static int fetch_local(git_repository *repo, git_repository *source, const git_oid *tip,
		       const char *shown)
{
	git_reference_iterator *refs = NULL;
	git_reference *ref = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_odb *source_odb = NULL, *repo_odb = NULL;
	char what[1100];
	void *bytes = NULL;
	size_t objects, len = 0;
	bool hidden = false;
	int grc, rc = 0;

	snprintf(what, sizeof(what), "cannot fetch from remote %s", shown);
	/* A tip repo has already has its history (as libgit2's local transport
	 * judges: a repository of loose objects whose ref has moved past it). */
	if (git_repository_odb(&repo_odb, repo) < 0) {
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	if (git_odb_exists(repo_odb, tip))
		goto done;
	if (git_repository_odb(&source_odb, source) < 0 || git_revwalk_new(&walk, source) < 0 ||
	    git_revwalk_push(walk, tip) < 0 || git_reference_iterator_new(&refs, repo) < 0) {
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	/* What repo's refs name is there already, with its history. */
	while ((grc = git_reference_next(&ref, refs)) == 0) {
		git_reference *resolved = NULL;
		const git_oid *id;

		if (git_reference_resolve(&resolved, ref) == 0 &&
		    (id = git_reference_target(resolved)) && git_odb_exists(source_odb, id)) {
			if (git_revwalk_hide(walk, id) < 0)
				git_error_clear(); /* not a commit: nothing to hide */
			else
				hidden = true;
		}
		git_reference_free(resolved);
		git_reference_free(ref);
		ref = NULL;
	}
	if (grc != GIT_ITEROVER) {
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	if (git_packbuilder_new(&pb, source) < 0 || git_packbuilder_insert_walk(pb, walk) < 0) {
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	if ((objects = git_packbuilder_object_count(pb)) == 0)
		goto done;
	/* Nothing hidden and the remote's one pack is exactly that: copied as it is. */
	if (!hidden && whole_pack(&bytes, &len, source, objects) == 1)
		rc = stele_git_write_pack_bytes(NULL, repo, bytes, len);
	else
		rc = stele_git_write_pack(NULL, repo, pb, NULL);
	if (rc < 0)
		rc = stele_error(rc, "%s: %s", what, stele_error_message());
done:
	free(bytes);
	git_packbuilder_free(pb);
	git_revwalk_free(walk);
	git_reference_iterator_free(refs);
	git_odb_free(source_odb);
	git_odb_free(repo_odb);
	return rc;
}

/* An in-memory remote for url: no name, nothing stored in the repository's
 * config, and no insteadOf rewriting from the user's git config. */
static int remote_create(git_remote **out, git_repository *repo, const char *url)
{
	git_remote_create_options opts;

	git_remote_create_options_init(&opts, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	opts.repository = repo;
	opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	return git_remote_create_with_opts(out, url, &opts);
}

static void transport_setup(struct transport *t, const char *url,
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
 * resolved by transport_url (*target: the caller frees it). */
static int transport_start(struct transport *t, char **target, bool *local, bool *exists,
			   const char *url, const struct stele_remote_opts *opts)
{
	int rc;

	if ((rc = stele_git_init()) < 0)
		return rc;
	transport_setup(t, url, opts);
	return transport_url(target, local, exists, url);
}

int stele_remote_fetch(int *found, git_repository *repo, const char *url, const char *remote_ref,
		     const char *local_ref, const struct stele_remote_opts *opts)
{
	git_fetch_options fetch;
	git_remote_callbacks cb;
	const git_remote_head **heads;
	git_remote *remote = NULL;
	git_repository *source = NULL;
	git_reference *moved = NULL;
	git_commit *commit = NULL;
	struct transport t;
	git_oid tip;
	char *target = NULL, spec[1024];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	bool local, exists, have = false;
	size_t nheads, npacks = 0;
	char **packs = NULL;
	int rc;

	if ((rc = transport_start(&t, &target, &local, &exists, url, opts)) < 0)
		goto done;
	if (local && !exists) {
		rc = stele_error(STELE_EFAIL, "remote %s does not exist (is the USB stick plugged in?)",
				 t.shown);
		goto done;
	}
	git_fetch_options_init(&fetch, GIT_FETCH_OPTIONS_VERSION);
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	transport_callbacks(&cb, &t);
	fetch.callbacks = cb;
	fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fetch.prune = GIT_FETCH_NO_PRUNE;
	fetch.update_fetchhead = 0;
	if (remote_create(&remote, repo, target) < 0) {
		rc = transport_fail(&t, target, "cannot use remote");
		goto done;
	}
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, NULL, NULL) < 0) {
		rc = transport_fail(&t, target, "cannot reach remote");
		goto done;
	}
	if (git_remote_ls(&heads, &nheads, remote) < 0) {
		rc = transport_fail(&t, target, "cannot list remote");
		goto done;
	}
	for (size_t i = 0; i < nheads; i++)
		if (strcmp(heads[i]->name, remote_ref) == 0) {
			tip = heads[i]->oid;
			have = true;
		}
	if (!have) {
		*found = 0;
		goto done;
	}
	/* A local remote is checked before its objects are copied: libgit2's local
	 * transport reads each whole object into memory. */
	if (local && !stele_git_oid_is_zero(&tip)) {
		if (git_repository_open_bare(&source, target) < 0) {
			rc = transport_fail(&t, target, "cannot open remote");
			goto done;
		}
		if ((rc = stele_repo_check_new(NULL, source, &tip, repo)) < 0) {
			rc = stele_error(rc, "remote %s: %s", t.shown, stele_error_message());
			goto done;
		}
	}
	if ((rc = pack_names(&packs, &npacks, repo)) < 0)
		goto done;
	snprintf(spec, sizeof(spec), "%s:%s", remote_ref, local_ref);
	/* A local remote's objects are copied as one pack (fetch_local). */
	if (source) {
		if ((rc = fetch_local(repo, source, &tip, t.shown)) < 0) {
			remove_new_packs(repo, packs, npacks);
			goto done;
		}
	} else if (git_remote_download(remote, &refspecs, &fetch) < 0) {
		rc = transport_fail(&t, target, "cannot fetch from remote");
		goto done;
	}
	/* What came over the network is checked before any ref names it; refused, its
	 * packs go (the repository keeps nothing of it). */
	if ((rc = stele_repo_check_new(NULL, repo, &tip, repo)) < 0) {
		if (rc == STELE_EVERIFY)
			rc = stele_error(rc, "remote %s: %s", t.shown, stele_error_message());
		remove_new_packs(repo, packs, npacks);
		goto done;
	}
	/* The caller judges the new tip; the ref simply follows the remote. */
	if (git_commit_lookup(&commit, repo, &tip) < 0) {
		rc = transport_fail(&t, target, "incomplete fetch from remote");
		goto done;
	}
	if (git_reference_create(&moved, repo, local_ref, &tip, 1, "stele: fetch") < 0) {
		rc = stele_git_fail(STELE_EFAIL, "recording the fetched branch");
		goto done;
	}
	*found = 1;
done:
	if (remote)
		git_remote_disconnect(remote);
	git_reference_free(moved);
	git_commit_free(commit);
	git_remote_free(remote);
	git_repository_free(source);
	free(target);
	free_names(packs, npacks);
	return rc;
}

/* Creates a bare repository at a local remote's path (HEAD -> main). Its parent
 * directory must exist: a missing mount point is not silently replaced. The
 * repository is made beside it and renamed into place, so a kill leaves either
 * nothing or a complete repository. */
static int create_local_remote(const char *path, const char *shown)
{
	git_repository *created = NULL;
	git_repository_init_options init;
	char *parent = strdup(path), *slash, staging[PATH_MAX];
	int rc = 0;

	if (!parent)
		return stele_error(STELE_EFAIL, "out of memory");
	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	while ((slash = strrchr(parent, '/')) && slash[1] == '\0' && slash != parent)
		*slash = '\0';
	if ((slash = strrchr(parent, '/')) && slash != parent)
		*slash = '\0';
	if (access(parent, F_OK) != 0) {
		rc = stele_error(STELE_EFAIL, "remote %s does not exist and neither does %s "
				 "(is the USB stick plugged in?)", shown, parent);
		goto done;
	}
	snprintf(staging, sizeof(staging), "%s.stele-new", path);
	stele_file_remove_tree(staging, 0); /* a killed attempt's */
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	init.initial_head = "main";
	if (git_repository_init_ext(&created, staging, &init) < 0) {
		char what[1100];
		snprintf(what, sizeof(what), "cannot create remote %s", shown);
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	if (rename(staging, path) < 0)
		rc = stele_error(STELE_EFAIL, "cannot create remote %s: %s", shown, strerror(errno));
done:
	git_repository_free(created);
	free(parent);
	return rc;
}

/* Holds a local remote for one push (see stele_remote_push); *fd is closed by the
 * caller to release it. */
static int lock_local_remote(int *fd, const char *path, const char *shown)
{
	char lock_path[PATH_MAX];
	int lock_fd;

	snprintf(lock_path, sizeof(lock_path), "%s/stele.lock", path);
	if ((lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return stele_error(STELE_EFAIL, "cannot lock remote %s: %s", shown, strerror(errno));
	if (flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		close(lock_fd);
		if (errno == EWOULDBLOCK)
			return stele_error(STELE_EBUSY, "remote %s is in use by another sync; retry",
					   shown);
		return stele_error(STELE_EFAIL, "cannot lock remote %s: %s", shown, strerror(errno));
	}
	stele_git_clear_locks(path);
	*fd = lock_fd;
	return 0;
}

/*
 * Pushes local_ref to remote_ref of the local remote at path (locked by the
 * caller): the commits it lacks as one pack in one piece (libgit2's local
 * transport feeds its indexer object by object, seconds for a thousand change
 * sets), then its ref moved only forward and only from the tip it had.
 */
static int push_local(git_repository *repo, const char *path, const char *local_ref,
		      const char *remote_ref, const char *shown)
{
	git_repository *dest = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_reference *moved = NULL;
	git_oid ours, theirs;
	char what[1100];
	bool have_theirs;
	int grc, rc = 0;

	snprintf(what, sizeof(what), "cannot push to remote %s", shown);
	if (git_reference_name_to_id(&ours, repo, local_ref) < 0 ||
	    git_repository_open_bare(&dest, path) < 0) {
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	grc = git_reference_name_to_id(&theirs, dest, remote_ref);
	if (grc < 0 && grc != GIT_ENOTFOUND) {
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	have_theirs = grc == 0;
	if (have_theirs && git_oid_equal(&ours, &theirs))
		goto done;
	/* Their tip must be in our history (an unknown one is not). */
	if (have_theirs && git_graph_descendant_of(repo, &ours, &theirs) != 1) {
		git_error_clear();
		rc = stele_error(STELE_EFAIL, "remote %s has commits that %s does not have "
				 "(not a fast-forward); nothing was pushed", shown, local_ref);
		goto done;
	}
	/* The commits the last `sync` committed, from their tip: the pack it wrote
	 * holds them all, and is not built again. */
	const void *kept = NULL;
	size_t kept_len = 0;
	if (stele_git_recall_pack(&kept, &kept_len, have_theirs ? &theirs : NULL, &ours)) {
		rc = stele_git_write_pack_bytes(NULL, dest, kept, kept_len);
		stele_git_forget_pack();
		if (rc < 0)
			goto done;
	} else {
		if (git_packbuilder_new(&pb, repo) < 0 || git_revwalk_new(&walk, repo) < 0 ||
		    git_revwalk_push(walk, &ours) < 0 ||
		    (have_theirs && git_revwalk_hide(walk, &theirs) < 0) ||
		    git_packbuilder_insert_walk(pb, walk) < 0) {
			rc = stele_git_fail(STELE_EFAIL, what);
			goto done;
		}
		if ((rc = stele_git_write_pack(NULL, dest, pb, NULL)) < 0)
			goto done;
	}
	if (have_theirs)
		grc = git_reference_create_matching(&moved, dest, remote_ref, &ours, 1, &theirs,
						    "stele: push");
	else
		grc = git_reference_create(&moved, dest, remote_ref, &ours, 0, "stele: push");
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS)
		rc = stele_error(STELE_EBUSY, "remote %s moved during the push; retry", shown);
	else if (grc < 0)
		rc = stele_git_fail(STELE_EFAIL, what);
done:
	git_reference_free(moved);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	git_repository_free(dest);
	return rc;
}

int stele_remote_push(git_repository *repo, const char *url, const char *local_ref,
		    const char *remote_ref, int create_local, const struct stele_remote_opts *opts)
{
	git_push_options push;
	git_remote *remote = NULL;
	struct transport t;
	char *target = NULL, spec[1024];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	bool local, exists;
	int rc, lock_fd = -1;

	if ((rc = transport_start(&t, &target, &local, &exists, url, opts)) < 0)
		goto done;
	if (local && !exists) {
		if (!create_local) {
			rc = stele_error(STELE_EFAIL, "remote %s does not exist", t.shown);
			goto done;
		}
		if ((rc = create_local_remote(target, t.shown)) < 0)
			goto done;
	}
	git_push_options_init(&push, GIT_PUSH_OPTIONS_VERSION);
	if (local && (rc = lock_local_remote(&lock_fd, target, t.shown)) < 0)
		goto done;
	if (local) {
		rc = push_local(repo, target, local_ref, remote_ref, t.shown);
		goto done;
	}
	transport_callbacks(&push.callbacks, &t);
	/* No '+': libgit2 refuses a non-fast-forward before sending, the server after. */
	snprintf(spec, sizeof(spec), "%s:%s", local_ref, remote_ref);
	if (remote_create(&remote, repo, target) < 0) {
		rc = transport_fail(&t, target, "cannot use remote");
		goto done;
	}
	if (git_remote_push(remote, &refspecs, &push) < 0) {
		const git_error *e = git_error_last();
		if (e && e->klass == GIT_ERROR_REFERENCE && strstr(e->message, "fast"))
			rc = stele_error(STELE_EFAIL, "remote %s has commits that %s does not have "
					 "(not a fast-forward); nothing was pushed", t.shown,
					 local_ref);
		else
			rc = transport_fail(&t, target, "cannot push to remote");
		goto done;
	}
	if (t.have_refusal) {
		rc = stele_error(STELE_EFAIL, "remote %s refused %s", t.shown, t.refused);
		goto done;
	}
done:
	if (lock_fd >= 0)
		close(lock_fd);
	git_remote_free(remote);
	free(target);
	return rc;
}

