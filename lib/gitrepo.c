/* gitrepo.c: change-set streams in git with libgit2: bare repositories, one commit
 * per change set, first-parent walks, fetch and fast-forward-only push. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "changeset.h"
#include "error.h"
#include "gitrepo.h"
#include "i18n.h"
#include "parse.h"

/* How often a credential callback may be asked for one operation before giving up
 * (a wrong password must not loop forever). */
#define CREDENTIAL_TRIES 3

static pthread_once_t git_once = PTHREAD_ONCE_INIT;
static int git_init_rc;

static void git_init_once(void)
{
	if (git_libgit2_init() < 0 ||
	    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0)
		git_init_rc = -1;
}

int stele_git_init(void)
{
	pthread_once(&git_once, git_init_once);
	if (git_init_rc < 0)
		return stele_error(STELE_EFAIL, "cannot initialize libgit2");
	return 0;
}

/*
 * Copies text that comes from outside (libgit2's messages, a server's refusal) into
 * out (n bytes) as one line: every run of control characters and white space
 * becomes one space, and leading and trailing ones go. The CLI's contract is one
 * line per message; gitolite, for one, answers in several.
 */
static void one_line(char *out, size_t n, const char *in)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t k = 0;
	bool space = false;

	if (n == 0)
		return;
	for (; *p && k + 1 < n; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == ' ') {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < n)
			out[k++] = ' ';
		space = false;
		out[k++] = (char)*p;
	}
	/* Cut short: never in the middle of a UTF-8 character. */
	if (*p && k > 0 && ((unsigned char)out[k - 1] & 0x80)) {
		while (k > 0 && ((unsigned char)out[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)out[k - 1] & 0xc0) == 0xc0)
			k--;
	}
	out[k] = '\0';
}

/* Records libgit2's last message after `what` and returns code. */
static int git_fail(int code, const char *what)
{
	const git_error *e = git_error_last();
	char msg[768];

	one_line(msg, sizeof(msg), e && e->message ? e->message : "unknown git error");
	return stele_error(code, "%s: %s", what, msg);
}

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

static void clear_locks_at(const char *gitdir);

int stele_repo_open(git_repository **out, const char *path, int create)
{
	git_repository_init_options init;
	git_repository *repo = NULL;
	int rc, grc;

	if ((rc = stele_git_init()) < 0)
		return rc;
	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	grc = git_repository_open_bare(&repo, path);
	if (grc == GIT_ENOTFOUND && create) {
		/* A creation killed half way leaves lock files (config.lock) that would
		 * refuse every later attempt. The repository is private to the caller's
		 * directory, whose lock the caller holds: nobody else is creating it. */
		clear_locks_at(path);
		init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
			     GIT_REPOSITORY_INIT_NO_REINIT;
		init.initial_head = "main";
		grc = git_repository_init_ext(&repo, path, &init);
		if (grc < 0) {
			char what[PATH_MAX + 64];
			snprintf(what, sizeof(what), "cannot create repository %s", path);
			return git_fail(STELE_EFAIL, what);
		}
	} else if (grc == GIT_ENOTFOUND) {
		return stele_error(STELE_EFAIL, "%s is not a git repository", path);
	} else if (grc < 0) {
		char what[PATH_MAX + 64];
		snprintf(what, sizeof(what), "cannot open repository %s", path);
		return git_fail(STELE_EFAIL, what);
	}
	*out = repo;
	return 0;
}

static int remove_lock_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(path);

	if (flag == FTW_F && n > 5 && strcmp(path + n - 5, ".lock") == 0)
		unlink(path);
	return 0;
}

/* Removes the stale lock files of the git directory at gitdir. */
static void clear_locks_at(const char *gitdir)
{
	static const char *const files[] = { "packed-refs.lock", "HEAD.lock", "config.lock", NULL };
	char path[PATH_MAX];

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", gitdir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/refs", gitdir);
	nftw(path, remove_lock_file, 16, FTW_PHYS);
}

int stele_repo_clear_stale_locks(git_repository *repo)
{
	clear_locks_at(git_repository_path(repo));
	return 0;
}

/* The blob named name in commit's tree: *blob (caller frees with git_blob_free),
 * or NULL when the entry is missing, not a blob, or larger than max bytes. */
static int commit_file(git_blob **blob, git_repository *repo, const git_oid *commit_id,
		       const char *name, size_t max)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	const git_tree_entry *entry;
	git_odb *odb = NULL;
	git_object_t type;
	size_t size;
	char what[GIT_OID_HEXSZ + 64], hex[GIT_OID_HEXSZ + 1];
	int rc = 0;

	*blob = NULL;
	/* Errors name the commit: a damaged object is then found with `git cat-file`. */
	snprintf(what, sizeof(what), "commit %s", git_oid_tostr(hex, sizeof(hex), commit_id));
	if (git_commit_lookup(&commit, repo, commit_id) < 0 || git_commit_tree(&tree, commit) < 0) {
		rc = git_fail(STELE_EFAIL, strcat(what, ": reading the commit"));
		goto done;
	}
	entry = git_tree_entry_byname(tree, name);
	if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		goto done;
	/* Look at the size before loading: a huge blob is never read into memory. */
	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, git_tree_entry_id(entry)) < 0) {
		rc = git_fail(STELE_EFAIL, strcat(what, ": reading its tree"));
		goto done;
	}
	if (type != GIT_OBJECT_BLOB || size > max)
		goto done;
	if (git_blob_lookup(blob, repo, git_tree_entry_id(entry)) < 0)
		rc = git_fail(STELE_EFAIL, strcat(what, strcmp(name, STELE_CS_FILE) == 0 ?
						   ": reading its change set" : ": reading its key"));
done:
	git_odb_free(odb);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int stele_repo_tip(git_oid *commit, uint64_t *seq, git_repository *repo, const char *ref)
{
	struct stele_changeset *cs = NULL;
	git_blob *blob = NULL;
	git_oid tip;
	char hex[GIT_OID_HEXSZ + 1];
	int grc, rc = 0;

	grc = git_reference_name_to_id(&tip, repo, ref);
	if (grc == GIT_ENOTFOUND) {
		memset(commit, 0, sizeof(*commit));
		*seq = 0;
		return 0;
	}
	if (grc < 0)
		return git_fail(STELE_EFAIL, "reading the branch");
	if ((rc = commit_file(&blob, repo, &tip, STELE_CS_FILE, STELE_CS_MAX_ENCODED)) < 0)
		goto done;
	git_oid_tostr(hex, sizeof(hex), &tip);
	if (!blob) {
		rc = stele_error(STELE_EVERIFY, "commit %s on %s holds no change set", hex, ref);
		goto done;
	}
	if (stele_cs_decode(&cs, NULL, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			    NULL) < 0) {
		rc = stele_error(STELE_EVERIFY, "commit %s on %s: %s", hex, ref, stele_error_message());
		goto done;
	}
	*commit = tip;
	*seq = cs->seq;
done:
	stele_cs_free(cs);
	git_blob_free(blob);
	return rc;
}

int stele_repo_append(git_oid *out, git_repository *repo, const char *ref,
		      const void *data, size_t len, const char *pubkey_hex,
		      const char *message, const char *writer, int64_t created_at)
{
	git_treebuilder *builder = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_reference *moved = NULL;
	git_tree *tree = NULL;
	git_oid cs_blob, pk_blob, tree_id, commit_id, old_tip;
	struct stele_buf text = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	bool have_parent;
	int grc, rc = 0;

	if (stele_buf_printf(&text, "%s\n", pubkey_hex) < 0) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (git_blob_create_from_buffer(&cs_blob, repo, data, len) < 0 ||
	    git_blob_create_from_buffer(&pk_blob, repo, text.data, text.len) < 0 ||
	    git_treebuilder_new(&builder, repo, NULL) < 0 ||
	    git_treebuilder_insert(NULL, builder, STELE_CS_FILE, &cs_blob, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_insert(NULL, builder, STELE_PUB_FILE, &pk_blob, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree_id, builder) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) < 0) {
		rc = git_fail(STELE_EFAIL, "writing a change set to the repository");
		goto done;
	}
	grc = git_reference_name_to_id(&old_tip, repo, ref);
	if (grc < 0 && grc != GIT_ENOTFOUND) {
		rc = git_fail(STELE_EFAIL, "reading the branch");
		goto done;
	}
	have_parent = grc == 0;
	if (have_parent && git_commit_lookup(&parent, repo, &old_tip) < 0) {
		rc = git_fail(STELE_EFAIL, "reading the branch's tip");
		goto done;
	}
	if (git_signature_new(&sig, "stele", writer, (git_time_t)created_at, 0) < 0) {
		rc = git_fail(STELE_EFAIL, "making the commit's signature");
		goto done;
	}
	stele_buf_reset(&text);
	if (stele_buf_puts(&text, message) < 0 ||
	    (text.len == 0 || text.data[text.len - 1] != '\n' ? stele_buf_putc(&text, '\n') : 0) < 0) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, text.data, tree,
			      have_parent ? 1 : 0, (const git_commit **)&parent) < 0) {
		rc = git_fail(STELE_EFAIL, "writing a commit");
		goto done;
	}
	/* The ref moves only from the tip we built on: a concurrent append loses. */
	if (have_parent)
		grc = git_reference_create_matching(&moved, repo, ref, &commit_id, 1, &old_tip,
						    "stele: append");
	else
		grc = git_reference_create(&moved, repo, ref, &commit_id, 0, "stele: append");
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS) {
		rc = stele_error(STELE_EBUSY, "%s moved while a change set was appended", ref);
		goto done;
	}
	if (grc < 0) {
		rc = git_fail(STELE_EFAIL, "moving the branch");
		goto done;
	}
	*out = commit_id;
done:
	git_reference_free(moved);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	git_treebuilder_free(builder);
	stele_buf_free(&text);
	return rc;
}

int stele_repo_read(void **data, size_t *len, git_repository *repo, const git_oid *commit)
{
	git_blob *blob = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	size_t n;
	void *copy;
	int rc;

	if ((rc = commit_file(&blob, repo, commit, STELE_CS_FILE, STELE_CS_MAX_ENCODED)) < 0)
		return rc;
	if (!blob) {
		git_oid_tostr(hex, sizeof(hex), commit);
		return stele_error(STELE_EVERIFY, "commit %s holds no change set", hex);
	}
	n = (size_t)git_blob_rawsize(blob);
	if (!(copy = malloc(n ? n : 1))) {
		git_blob_free(blob);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	memcpy(copy, git_blob_rawcontent(blob), n);
	git_blob_free(blob);
	*data = copy;
	*len = n;
	return 0;
}

int stele_repo_commit_pubkey(unsigned char pk[32], git_repository *repo, const git_oid *commit)
{
	git_blob *blob = NULL;
	char hex[2 * STELE_PK_BYTES + 1], id[GIT_OID_HEXSZ + 1];
	const char *p;
	size_t n;
	int rc = 0;

	if ((rc = commit_file(&blob, repo, commit, STELE_PUB_FILE, 256)) < 0)
		return rc;
	git_oid_tostr(id, sizeof(id), commit);
	if (!blob) {
		rc = stele_error(STELE_EVERIFY, "commit %s has no %s", id, STELE_PUB_FILE);
		goto done;
	}
	p = git_blob_rawcontent(blob);
	n = (size_t)git_blob_rawsize(blob);
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n != 2 * STELE_PK_BYTES) {
		rc = stele_error(STELE_EVERIFY, "commit %s: %s is not a public key", id, STELE_PUB_FILE);
		goto done;
	}
	memcpy(hex, p, n);
	hex[n] = '\0';
	if (stele_hex_decode(pk, STELE_PK_BYTES, hex) < 0)
		rc = stele_error(STELE_EVERIFY, "commit %s: %s is not a public key", id, STELE_PUB_FILE);
done:
	git_blob_free(blob);
	return rc;
}

int stele_repo_walk(git_repository *repo, const char *ref, const git_oid *since,
		    stele_walk_fn fn, void *ctx)
{
	git_oid *chain = NULL, at;
	size_t count = 0, cap = 0;
	git_commit *commit = NULL;
	git_blob *blob = NULL;
	bool found_since = false;
	char hex[GIT_OID_HEXSZ + 1];
	int grc, rc = 0;

	grc = git_reference_name_to_id(&at, repo, ref);
	if (grc == GIT_ENOTFOUND) {
		if (since && !git_oid_is_zero(since)) {
			git_oid_tostr(hex, sizeof(hex), since);
			return stele_error(STELE_EVERIFY, "history rewritten: %s is gone, "
					   "commit %s is no longer on it", ref, hex);
		}
		return 0;
	}
	if (grc < 0)
		return git_fail(STELE_EFAIL, "reading the branch");
	if (since && git_oid_is_zero(since))
		since = NULL;
	/* Collect the first-parent chain back to since (or the root), newest first. */
	for (;;) {
		if (since && git_oid_equal(&at, since)) {
			found_since = true;
			break;
		}
		if (count == cap) {
			size_t ncap = cap ? 2 * cap : 256;
			git_oid *grown = realloc(chain, ncap * sizeof(*chain));
			if (!grown) {
				rc = stele_error(STELE_EFAIL, "out of memory");
				goto done;
			}
			chain = grown;
			cap = ncap;
		}
		chain[count++] = at;
		if (git_commit_lookup(&commit, repo, &at) < 0) {
			char what[GIT_OID_HEXSZ + 32];
			snprintf(what, sizeof(what), "commit %s: reading history",
				 git_oid_tostr(hex, sizeof(hex), &at));
			rc = git_fail(STELE_EFAIL, what);
			goto done;
		}
		if (git_commit_parentcount(commit) == 0)
			break;
		at = *git_commit_parent_id(commit, 0);
		git_commit_free(commit);
		commit = NULL;
	}
	if (since && !found_since) {
		git_oid_tostr(hex, sizeof(hex), since);
		rc = stele_error(STELE_EVERIFY, "history rewritten: commit %s is not on %s", hex, ref);
		goto done;
	}
	while (count > 0) {
		const git_oid *id = &chain[--count];
		if ((rc = commit_file(&blob, repo, id, STELE_CS_FILE, STELE_CS_MAX_ENCODED)) < 0)
			goto done;
		rc = blob ? fn(ctx, id, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))
			  : fn(ctx, id, NULL, 0);
		git_blob_free(blob);
		blob = NULL;
		if (rc != 0)
			goto done;
	}
done:
	git_commit_free(commit);
	free(chain);
	return rc;
}

int stele_repo_descends(git_repository *repo, const git_oid *descendant, const git_oid *ancestor)
{
	int grc;

	if (git_oid_equal(descendant, ancestor))
		return 1;
	grc = git_graph_descendant_of(repo, descendant, ancestor);
	if (grc < 0)
		return git_fail(STELE_EFAIL, "comparing histories");
	return grc;
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

/* The user name and password in url's userinfo, percent-decoding them. Either may
 * come back empty. */
static void url_userinfo(char *user, size_t user_n, char *pass, size_t pass_n, const char *url)
{
	const char *host, *at, *colon;

	user[0] = pass[0] = '\0';
	if (!url_userinfo_span(&host, &at, &colon, url))
		return;
	percent_decode(user, user_n, host, colon ? colon : at);
	if (colon)
		percent_decode(pass, pass_n, colon + 1, at);
}

void stele_secret_clear(struct stele_secret *secret)
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
	url_userinfo(user, sizeof(user), pass, sizeof(pass), url);
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
	stele_secret_clear(&got);
	free(copy);
	return rc;
}

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

/*
 * Looks url up in a credentials file ("URL-prefix username password" lines, '#'
 * comments). Prefixes are compared with the URLs' userinfo cut out; when url
 * names a user (want_user non-empty) only that user's lines count. The longest
 * matching prefix wins. Returns 1 and fills user/pass when a line matches, 0 when
 * none does, <0 when the file cannot be used.
 */
static int credentials_from_file(char *user, size_t user_n, char *pass, size_t pass_n,
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
	char *line = NULL, *copy = NULL, *prefix, *u, *p, *dir = NULL, *slash;
	char tmp[PATH_MAX];
	size_t cap = 0;
	ssize_t got;
	FILE *f = NULL;
	int rc, fd = -1;

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
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", file, (long)getpid()) >= (int)sizeof(tmp)) {
		rc = stele_error(STELE_EFAIL, "credentials file name too long: %s", file);
		goto done;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
	    fchmod(fd, 0600) < 0) {
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	for (size_t off = 0; off < out.len;) {
		ssize_t w = write(fd, out.data + off, out.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(errno));
			goto done;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp, file) < 0) {
		rc = stele_error(STELE_EFAIL, "cannot replace %s: %s", file, strerror(errno));
		goto done;
	}
	tmp[0] = '\0';
	/* The rename itself must reach the disk. */
	if (!(dir = strdup(file))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	if ((fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	fd = -1;
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (tmp[0] && rc < 0)
		unlink(tmp);
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
	free(dir);
	return rc;
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
	url_userinfo(url_user, sizeof(url_user), url_pass, sizeof(url_pass), url);
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
				found = credentials_from_file(user, sizeof(user), pass, sizeof(pass),
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
		if (++t->tries > 3) {
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

	if (t->opts && t->opts->progress && stats->total_objects > 0) {
		fputc('\r', stderr);
		fprintf(stderr, _("receiving %u/%u objects"), stats->received_objects,
			stats->total_objects);
		if (stats->received_objects == stats->total_objects)
			fputc('\n', stderr);
	}
	return 0;
}

static int on_push_transfer(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	struct transport *t = payload;

	if (t->opts && t->opts->progress && total > 0) {
		fputc('\r', stderr);
		fprintf(stderr, _("sending %u/%u objects"), current, total);
		if (current == total)
			fputc('\n', stderr);
	}
	return 0;
}

static int on_push_update(const char *refname, const char *status, void *payload)
{
	struct transport *t = payload;

	char reason[400];

	if (status && !t->have_refusal) {
		one_line(reason, sizeof(reason), status);
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
	one_line(line, sizeof(line), msg);
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
	if (rc == 0)
		*exists = access(*out, F_OK) == 0;
	free(path);
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
	url_userinfo(user, sizeof(user), pass, sizeof(pass), url);
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

int stele_repo_fetch(int *found, git_repository *repo, const char *url, const char *remote_ref,
		     const char *local_ref, const struct stele_remote_opts *opts)
{
	git_fetch_options fetch;
	git_remote_callbacks cb;
	const git_remote_head **heads;
	git_remote *remote = NULL;
	git_reference *moved = NULL;
	git_commit *commit = NULL;
	struct transport t;
	git_oid tip;
	char *target = NULL, spec[1024];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	bool local, exists, have = false;
	size_t nheads;
	int rc;

	if ((rc = stele_git_init()) < 0)
		return rc;
	transport_setup(&t, url, opts);
	if ((rc = transport_url(&target, &local, &exists, url)) < 0)
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
	snprintf(spec, sizeof(spec), "%s:%s", remote_ref, local_ref);
	if (git_remote_download(remote, &refspecs, &fetch) < 0) {
		rc = transport_fail(&t, target, "cannot fetch from remote");
		goto done;
	}
	/* The caller judges the new tip; the ref simply follows the remote. */
	if (git_commit_lookup(&commit, repo, &tip) < 0) {
		rc = transport_fail(&t, target, "incomplete fetch from remote");
		goto done;
	}
	if (git_reference_create(&moved, repo, local_ref, &tip, 1, "stele: fetch") < 0) {
		rc = git_fail(STELE_EFAIL, "recording the fetched branch");
		goto done;
	}
	*found = 1;
done:
	if (remote)
		git_remote_disconnect(remote);
	git_reference_free(moved);
	git_commit_free(commit);
	git_remote_free(remote);
	free(target);
	return rc;
}

static int remove_any(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
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
	nftw(staging, remove_any, 16, FTW_DEPTH | FTW_PHYS); /* a killed attempt's */
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	init.initial_head = "main";
	if (git_repository_init_ext(&created, staging, &init) < 0) {
		char what[1100];
		snprintf(what, sizeof(what), "cannot create remote %s", shown);
		rc = git_fail(STELE_EFAIL, what);
		goto done;
	}
	if (rename(staging, path) < 0)
		rc = stele_error(STELE_EFAIL, "cannot create remote %s: %s", shown, strerror(errno));
done:
	git_repository_free(created);
	free(parent);
	return rc;
}

/* Holds a local remote for one push (see stele_repo_push); *fd is closed by the
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
	clear_locks_at(path);
	*fd = lock_fd;
	return 0;
}

int stele_repo_push(git_repository *repo, const char *url, const char *local_ref,
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

	if ((rc = stele_git_init()) < 0)
		return rc;
	transport_setup(&t, url, opts);
	if ((rc = transport_url(&target, &local, &exists, url)) < 0)
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
