/* gitrepo.c: the stream store: change-set streams in bare git repositories, commits
 * of one change set or a batch on one branch; appends, reads, first-parent walks. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "buf.h"
#include "changeset.h"
#include "csbatch.h"
#include "error.h"
#include "fileio.h"
#include "gitrepo.h"
#include "gitrepo-int.h"
#include "parse.h"

/*
 * Makes the bare repository path as `git init --bare` would read it, with nothing
 * a stream needs left out and nothing else: objects/pack, refs/heads, a config
 * saying it is bare, and HEAD naming main, written last (a run killed before it
 * leaves a directory that is not yet a repository, made again by the next run).
 * libgit2's init also probes the file system (a symlink, a file mode, case) and
 * writes a description, info/exclude and more: at a county's or city's first
 * fetch, thousands of mirrors, and about a tenth of that fetch's time.
 */
static int make_bare(const char *path)
{
	static const char *const dirs[] = { "objects", "objects/pack", "objects/info", "refs",
					    "refs/heads", "refs/tags" };
	static const char config[] = "[core]\n\trepositoryformatversion = 0\n"
				     "\tfilemode = true\n\tbare = true\n";
	static const char head[] = "ref: " STELE_BRANCH "\n";
	char file[PATH_MAX], tmp[PATH_MAX];
	int rc;

	if ((rc = stele_file_mkdirs(path)) < 0)
		return rc;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (snprintf(file, sizeof(file), "%s/%s", path, dirs[i]) >= (int)sizeof(file))
			return stele_error(STELE_EFAIL, "cannot create repository %s: name too long",
					   path);
		if ((rc = stele_file_mkdir(file)) < 0)
			return rc;
	}
	snprintf(file, sizeof(file), "%s/config", path);
	if ((rc = stele_file_write(file, config, sizeof(config) - 1, 0644, "git config")) < 0)
		return rc;
	if (snprintf(file, sizeof(file), "%s/HEAD", path) >= (int)sizeof(file) ||
	    snprintf(tmp, sizeof(tmp), "%s/HEAD.new", path) >= (int)sizeof(tmp))
		return stele_error(STELE_EFAIL, "cannot create repository %s: name too long", path);
	if ((rc = stele_file_write(tmp, head, sizeof(head) - 1, 0644, "git HEAD")) < 0)
		return rc;
	if (rename(tmp, file) < 0)
		return stele_error(STELE_EFAIL, "cannot create repository %s: %s", path,
				   strerror(errno));
	return 0;
}

int stele_repo_open(git_repository **out, const char *path, int create)
{
	git_repository *repo = NULL;
	int rc, grc;

	if ((rc = stele_git_init()) < 0)
		return rc;
	grc = git_repository_open_bare(&repo, path);
	if (grc == GIT_ENOTFOUND && create) {
		/* A creation killed half way by an earlier version (libgit2's init) left
		 * lock files (config.lock). The repository is private to the caller's
		 * directory, whose lock the caller holds: nobody else is creating it. */
		stele_git_clear_locks(path);
		if ((rc = make_bare(path)) < 0)
			return rc;
		grc = git_repository_open_bare(&repo, path);
		if (grc < 0) {
			char what[PATH_MAX + 64];
			snprintf(what, sizeof(what), "cannot create repository %s", path);
			return stele_git_fail(STELE_EFAIL, what);
		}
	} else if (grc == GIT_ENOTFOUND) {
		return stele_error(STELE_EFAIL, "%s is not a git repository", path);
	} else if (grc < 0) {
		char what[PATH_MAX + 64];
		snprintf(what, sizeof(what), "cannot open repository %s", path);
		return stele_git_fail(STELE_EFAIL, what);
	}
	*out = repo;
	return 0;
}

int stele_repo_clear_stale_locks(git_repository *repo)
{
	stele_git_clear_locks(git_repository_path(repo));
	return 0;
}

/* The blob named name in commit's tree: *blob (caller frees with git_blob_free),
 * or NULL when the entry is missing, not a blob, or larger than max bytes (then
 * *oversize, when not NULL, is its size; else 0). */
static int commit_file_sized(git_blob **blob, size_t *oversize, git_repository *repo,
			     const git_oid *commit_id, const char *name, size_t max)
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
	if (oversize)
		*oversize = 0;
	/* Errors name the commit: a damaged object is then found with `git cat-file`. */
	snprintf(what, sizeof(what), "commit %s", git_oid_tostr(hex, sizeof(hex), commit_id));
	if (git_commit_lookup(&commit, repo, commit_id) < 0 || git_commit_tree(&tree, commit) < 0) {
		rc = stele_git_fail(STELE_EFAIL, strcat(what, ": reading the commit"));
		goto done;
	}
	entry = git_tree_entry_byname(tree, name);
	if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		goto done;
	/* Look at the size before loading: a huge blob is never read into memory. */
	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, git_tree_entry_id(entry)) < 0) {
		rc = stele_git_fail(STELE_EFAIL, strcat(what, ": reading its tree"));
		goto done;
	}
	if (type == GIT_OBJECT_BLOB && size > max && oversize)
		*oversize = size;
	if (type != GIT_OBJECT_BLOB || size > max)
		goto done;
	if (git_blob_lookup(blob, repo, git_tree_entry_id(entry)) < 0)
		rc = stele_git_fail(STELE_EFAIL, strcat(what, strcmp(name, STELE_CS_FILE) == 0 ?
						   ": reading its change set" : ": reading its key"));
done:
	git_odb_free(odb);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

static int commit_file(git_blob **blob, git_repository *repo, const git_oid *commit_id,
		       const char *name, size_t max)
{
	return commit_file_sized(blob, NULL, repo, commit_id, name, max);
}

/* The last change set of a commit's STELE_CS_FILE blob (the blob itself unless it
 * is a well-formed batch: a malformed one is left for the decode to refuse). */
static void last_item(const unsigned char **item, size_t *item_len, const void *blob, size_t len)
{
	*item = blob;
	*item_len = len;
	if (stele_csbatch_is(blob, len) && stele_csbatch_scan(item, item_len, blob, len) < 0) {
		*item = blob;
		*item_len = len;
	}
}

int stele_repo_tip(git_oid *commit, uint64_t *seq, git_repository *repo, const char *ref)
{
	struct stele_changeset *cs = NULL;
	const unsigned char *data;
	size_t len;
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
		return stele_git_fail(STELE_EFAIL, "reading the branch");
	if ((rc = commit_file(&blob, repo, &tip, STELE_CS_FILE, STELE_CS_MAX_ENCODED)) < 0)
		goto done;
	git_oid_tostr(hex, sizeof(hex), &tip);
	if (!blob) {
		rc = stele_error(STELE_EVERIFY, "commit %s on %s holds no change set", hex, ref);
		goto done;
	}
	last_item(&data, &len, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	if (stele_cs_decode(&cs, NULL, data, len, NULL) < 0) {
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

int stele_repo_write_commit(git_oid *out, git_repository *repo, const git_oid *parent_id,
			    const void *data, size_t len, const char *pubkey_hex,
			    const char *message, const char *writer, int64_t created_at)
{
	git_treebuilder *builder = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_oid cs_blob, pk_blob, tree_id, commit_id;
	struct stele_buf text = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	int rc = 0;

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
		rc = stele_git_fail(STELE_EFAIL, "writing a change set to the repository");
		goto done;
	}
	if (parent_id && git_commit_lookup(&parent, repo, parent_id) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "reading the branch's tip");
		goto done;
	}
	if (git_signature_new(&sig, "stele", writer, (git_time_t)created_at, 0) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "making the commit's signature");
		goto done;
	}
	stele_buf_reset(&text);
	if (stele_buf_puts(&text, message) < 0 ||
	    (text.len == 0 || text.data[text.len - 1] != '\n' ? stele_buf_putc(&text, '\n') : 0) < 0) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, text.data, tree,
			      parent ? 1 : 0, (const git_commit **)&parent) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "writing a commit");
		goto done;
	}
	*out = commit_id;
done:
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	git_treebuilder_free(builder);
	stele_buf_free(&text);
	return rc;
}

int stele_repo_move_ref(git_repository *repo, const char *ref, const git_oid *id,
			const git_oid *old)
{
	git_reference *moved = NULL;
	int grc;

	/* The ref moves only from the tip we built on: a concurrent append loses. */
	if (old)
		grc = git_reference_create_matching(&moved, repo, ref, id, 1, old, "stele: append");
	else
		grc = git_reference_create(&moved, repo, ref, id, 0, "stele: append");
	git_reference_free(moved);
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS)
		return stele_error(STELE_EBUSY, "%s moved while a change set was appended", ref);
	if (grc < 0)
		return stele_git_fail(STELE_EFAIL, "moving the branch");
	return 0;
}

int stele_repo_read_tip(git_oid *out, git_repository *repo, const char *ref)
{
	int grc = git_reference_name_to_id(out, repo, ref);

	if (grc == GIT_ENOTFOUND)
		return 0;
	if (grc < 0)
		return stele_git_fail(STELE_EFAIL, "reading the branch");
	return 1;
}

int stele_repo_append(git_oid *out, git_repository *repo, const char *ref,
		      const void *data, size_t len, const char *pubkey_hex,
		      const char *message, const char *writer, int64_t created_at)
{
	git_oid commit_id, old_tip;
	int rc, have;

	if ((have = stele_repo_read_tip(&old_tip, repo, ref)) < 0)
		return have;
	if ((rc = stele_repo_write_commit(&commit_id, repo, have ? &old_tip : NULL, data, len, pubkey_hex,
			       message, writer, created_at)) < 0 ||
	    (rc = stele_repo_move_ref(repo, ref, &commit_id, have ? &old_tip : NULL)) < 0)
		return rc;
	*out = commit_id;
	return 0;
}

int stele_repo_read(void **data, size_t *len, git_repository *repo, const git_oid *commit)
{
	const unsigned char *item;
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
	last_item(&item, &n, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	if (!(copy = malloc(n ? n : 1))) {
		git_blob_free(blob);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	memcpy(copy, item, n);
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

/* Calls fn for each change set of one commit's blob, the last one with commit_end;
 * a batch whose framing is broken is passed whole, for the decode to refuse. */
static int walk_items(stele_walk_fn fn, void *ctx, const git_oid *id, const void *blob,
		      size_t len)
{
	const unsigned char *item, *last;
	size_t item_len, last_len, at = 0;
	int rc;

	if (!stele_csbatch_is(blob, len) || stele_csbatch_scan(&last, &last_len, blob, len) < 0)
		return fn(ctx, id, blob, len, true);
	while (stele_csbatch_next(&item, &item_len, &at, blob, len) == 1)
		if ((rc = fn(ctx, id, item, item_len, item == last)) != 0)
			return rc;
	return 0;
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
		return stele_git_fail(STELE_EFAIL, "reading the branch");
	if (since && git_oid_is_zero(since))
		since = NULL;
	/* Collect the first-parent chain back to since (or the root), newest first. */
	for (;;) {
		if (since && git_oid_equal(&at, since)) {
			found_since = true;
			break;
		}
		if ((rc = stele_array_reserve(&chain, &cap, count, sizeof(*chain), 256)) < 0)
			goto done;
		chain[count++] = at;
		if (git_commit_lookup(&commit, repo, &at) < 0) {
			char what[GIT_OID_HEXSZ + 32];
			snprintf(what, sizeof(what), "commit %s: reading history",
				 git_oid_tostr(hex, sizeof(hex), &at));
			rc = stele_git_fail(STELE_EFAIL, what);
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
		size_t oversize = 0;
		if ((rc = commit_file_sized(&blob, &oversize, repo, id, STELE_CS_FILE,
					    STELE_CS_MAX_ENCODED)) < 0)
			goto done;
		rc = blob ? walk_items(fn, ctx, id, git_blob_rawcontent(blob),
				       (size_t)git_blob_rawsize(blob))
			  : fn(ctx, id, NULL, oversize, true);
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
		return stele_git_fail(STELE_EFAIL, "comparing histories");
	return grc;
}

void stele_repo_close(git_repository *repo)
{
	git_repository_free(repo);
}

int stele_repo_ref(git_oid *out, git_repository *repo, const char *ref)
{
	git_oid id;
	int grc = git_reference_name_to_id(&id, repo, ref);

	if (grc == GIT_ENOTFOUND)
		return 0;
	if (grc < 0)
		return stele_git_fail(STELE_EFAIL, ref);
	*out = id;
	return 1;
}

int stele_repo_peek_ref(char hex[STELE_OID_HEX_LEN + 1], const char *gitdir, const char *ref)
{
	char path[PATH_MAX], line[STELE_OID_HEX_LEN + 2];
	FILE *f;
	size_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", gitdir, ref) >= sizeof(path) ||
	    !(f = fopen(path, "rb")))
		return 0;
	/* One id and a newline, nothing more (a symbolic ref starts "ref: "): a
	 * buffer one byte longer tells a longer file. */
	n = fread(line, 1, sizeof(line), f);
	fclose(f);
	if (n != STELE_OID_HEX_LEN + 1 || line[STELE_OID_HEX_LEN] != '\n')
		return 0;
	for (size_t i = 0; i < STELE_OID_HEX_LEN; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			return 0;
	memcpy(hex, line, STELE_OID_HEX_LEN);
	hex[STELE_OID_HEX_LEN] = '\0';
	return 1;
}

bool stele_repo_peek_no_refs(const char *gitdir, const char *prefix)
{
	char path[PATH_MAX];
	struct dirent *e;
	bool none = true;
	DIR *d;

	if ((size_t)snprintf(path, sizeof(path), "%s/packed-refs", gitdir) >= sizeof(path) ||
	    access(path, F_OK) == 0 || errno != ENOENT)
		return false;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", gitdir, prefix) >= sizeof(path))
		return false;
	if (!(d = opendir(path)))
		return errno == ENOENT;
	while (none && (e = readdir(d)))
		none = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return none;
}

int stele_repo_count(long *out, git_repository *repo, const git_oid *tip, const git_oid *stop)
{
	git_revwalk *walk = NULL;
	git_oid id;
	long n = 0;
	int rc = 0;

	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, tip) < 0 ||
	    (stop && git_revwalk_hide(walk, stop) < 0)) {
		rc = stele_error(STELE_EFAIL, "cannot walk a village history");
		goto done;
	}
	git_revwalk_simplify_first_parent(walk);
	while (git_revwalk_next(&id, walk) == 0)
		n++;
	*out = n;
done:
	git_revwalk_free(walk);
	return rc;
}

int stele_repo_set_ref(git_repository *repo, const char *ref, const git_oid *id, const char *why)
{
	git_reference *r = NULL;

	if (git_reference_create(&r, repo, ref, id, 1, why) < 0)
		return stele_git_fail(STELE_EFAIL, ref);
	git_reference_free(r);
	return 0;
}

int stele_repo_delete_ref(git_repository *repo, const char *ref)
{
	git_reference *r = NULL;
	int grc = git_reference_lookup(&r, repo, ref);

	if (grc == GIT_ENOTFOUND)
		return 0;
	if (grc < 0 || git_reference_delete(r) < 0) {
		git_reference_free(r);
		return stele_git_fail(STELE_EFAIL, ref);
	}
	git_reference_free(r);
	return 0;
}

/* The refs stele_repo_refs collects. */
struct ref_list {
	char **names;
	size_t n, max;
	int failed;
};

static int collect_ref(const char *name, void *arg)
{
	struct ref_list *l = arg;
	char *copy;

	if (l->n >= l->max)
		return 0;
	if (!(copy = strdup(name))) {
		l->failed = 1;
		return 1;
	}
	l->names[l->n++] = copy;
	return 0;
}

int stele_repo_refs(char ***names, size_t *n, git_repository *repo, const char *prefix,
		    size_t max)
{
	struct ref_list l = { .max = max };
	char glob[256];
	int grc;

	if (!(l.names = calloc(max ? max : 1, sizeof(char *))))
		return stele_error(STELE_EFAIL, "out of memory");
	snprintf(glob, sizeof(glob), "%s*", prefix);
	grc = git_reference_foreach_glob(repo, glob, collect_ref, &l);
	if (l.failed || (grc < 0 && grc != GIT_EUSER)) {
		stele_repo_refs_free(l.names, l.n);
		return l.failed ? stele_error(STELE_EFAIL, "out of memory")
				: stele_git_fail(STELE_EFAIL, prefix);
	}
	*names = l.names;
	*n = l.n;
	return 0;
}

void stele_repo_refs_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}
