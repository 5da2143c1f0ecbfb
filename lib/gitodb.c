/* gitodb.c: the stream store's objects as objects: what a fetch would add, checked
 * from their headers before any is read, repacking everything into one pack (gc;
 * libgit2 has none), and folding a remote's small packs together after a push.
 * Part of the stream store (gitrepo.h). */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

#include "buf.h"
#include "changeset.h"
#include "error.h"
#include "gitrepo.h"

/* Hides from walk every commit a ref of known points at (ids repo lacks are
 * skipped); *hidden says whether any was. */
static int hide_known(bool *hidden, git_revwalk *walk, git_repository *known)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_reference *resolved = NULL;

	*hidden = false;
	if (git_reference_iterator_new(&it, known) < 0)
		return stele_git_fail(STELE_EFAIL, "listing refs");
	while (git_reference_next(&ref, it) == 0) {
		if (git_reference_resolve(&resolved, ref) == 0 && git_reference_target(resolved) &&
		    git_revwalk_hide(walk, git_reference_target(resolved)) == 0) /* unknown: fine */
			*hidden = true;
		git_reference_free(resolved);
		git_reference_free(ref);
		resolved = ref = NULL;
	}
	git_reference_iterator_free(it);
	git_error_clear();
	return 0;
}

/* The size and type of an object from its header (nothing else is read). */
static int object_size(size_t *size, git_object_t *type, git_odb *odb, const git_oid *id,
		       const char *commit_hex)
{
	char what[GIT_OID_HEXSZ + 48];

	if (git_odb_read_header(size, type, odb, id) < 0) {
		snprintf(what, sizeof(what), "commit %s: reading an object", commit_hex);
		return stele_git_fail(STELE_EFAIL, what);
	}
	return 0;
}

/* qsort's order of object ids. */
static int oid_order(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* Appends id to ids (*n of *cap); <0 on OOM. */
static int note_id(git_oid **ids, size_t *n, size_t *cap, const git_oid *id)
{
	int rc;

	if ((rc = stele_array_reserve(ids, cap, *n, sizeof(**ids), 256)) < 0)
		return rc;
	git_oid_cpy(&(*ids)[(*n)++], id);
	return 0;
}

/* The number of distinct ids among n (sorted in place). */
static size_t distinct(git_oid *ids, size_t n)
{
	size_t count = 0;

	qsort(ids, n, sizeof(*ids), oid_order);
	for (size_t i = 0; i < n; i++)
		count += i == 0 || !git_oid_equal(&ids[i], &ids[i - 1]);
	return count;
}

int stele_repo_check_new(uint64_t *bytes, size_t *objects, git_repository *repo,
			 const git_oid *tip, git_repository *known)
{
	git_revwalk *walk = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	git_oid id, *ids = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	uint64_t total = 0;
	size_t size, nids = 0, capids = 0;
	bool hidden = false, counting;
	int rc = 0, grc;

	if (git_repository_odb(&odb, repo) < 0 || git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, tip) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "walking the new history");
		goto done;
	}
	if ((rc = hide_known(&hidden, walk, known)) < 0)
		goto done;
	/* Counted only where the walk is all of tip's history. */
	counting = objects && !hidden;
	while ((grc = git_revwalk_next(&id, walk)) == 0) {
		git_oid_tostr(hex, sizeof(hex), &id);
		if ((rc = object_size(&size, &type, odb, &id, hex)) < 0)
			goto done;
		if (type != GIT_OBJECT_COMMIT || size > STELE_GIT_MAX_COMMIT) {
			rc = stele_error(STELE_EVERIFY, "commit %s is %zu bytes, past the limit of %u",
					 hex, size, STELE_GIT_MAX_COMMIT);
			goto done;
		}
		total += size;
		if (counting && (rc = note_id(&ids, &nids, &capids, &id)) < 0)
			goto done;
		if (git_commit_lookup(&commit, repo, &id) < 0) {
			rc = stele_git_fail(STELE_EFAIL, "reading a new commit");
			goto done;
		}
		if ((rc = object_size(&size, &type, odb, git_commit_tree_id(commit), hex)) < 0)
			goto done;
		if (type != GIT_OBJECT_TREE || size > STELE_GIT_MAX_TREE) {
			rc = stele_error(STELE_EVERIFY, "commit %s: its tree is %zu bytes, past the "
					 "limit of %u", hex, size, STELE_GIT_MAX_TREE);
			goto done;
		}
		total += size;
		if (counting && (rc = note_id(&ids, &nids, &capids, git_commit_tree_id(commit))) < 0)
			goto done;
		if (git_commit_tree(&tree, commit) < 0) {
			rc = stele_git_fail(STELE_EFAIL, "reading a new tree");
			goto done;
		}
		if (git_tree_entrycount(tree) > STELE_GIT_MAX_ENTRIES) {
			rc = stele_error(STELE_EVERIFY, "commit %s: its tree has %zu entries, past the "
					 "limit of %d", hex, git_tree_entrycount(tree),
					 STELE_GIT_MAX_ENTRIES);
			goto done;
		}
		for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
			const git_tree_entry *e = git_tree_entry_byindex(tree, i);
			const char *name = git_tree_entry_name(e);
			size_t max = strcmp(name, STELE_CS_FILE) == 0 ? STELE_CS_MAX_ENCODED
				   : strcmp(name, STELE_PUB_FILE) == 0 ? STELE_GIT_MAX_PUB : 0;

			if (!max || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
				rc = stele_error(STELE_EVERIFY, "commit %s: its tree holds '%.64s', which "
						 "is not %s or %s", hex, name, STELE_CS_FILE,
						 STELE_PUB_FILE);
				goto done;
			}
			if ((rc = object_size(&size, &type, odb, git_tree_entry_id(e), hex)) < 0 ||
			    (counting && (rc = note_id(&ids, &nids, &capids, git_tree_entry_id(e))) < 0))
				goto done;
			if (size > max) {
				rc = stele_error(STELE_EVERIFY, "commit %s: %s is %zu bytes, past the "
						 "limit of %zu", hex, name, size, max);
				goto done;
			}
			total += size;
		}
		if (total > STELE_GIT_MAX_FETCH) {
			rc = stele_error(STELE_EVERIFY, "the new history is past the limit of %u bytes "
					 "in one fetch (at commit %s)", STELE_GIT_MAX_FETCH, hex);
			goto done;
		}
		git_tree_free(tree);
		git_commit_free(commit);
		tree = NULL;
		commit = NULL;
	}
	if (grc != GIT_ITEROVER) {
		rc = stele_git_fail(STELE_EFAIL, "walking the new history");
		goto done;
	}
	if (bytes)
		*bytes = total;
	if (objects)
		*objects = counting ? distinct(ids, nids) : 0;
done:
	free(ids);
	git_tree_free(tree);
	git_commit_free(commit);
	git_revwalk_free(walk);
	git_odb_free(odb);
	return rc;
}

/* Whether name is two hex digits (a loose object directory) or 38 (an object). */
static bool hex_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return i == len;
}

/* The files of a pack, in the order they are removed: the index first, so stock
 * git never sees a pack without its index. */
static const char *const pack_suffixes[] = { ".idx", ".rev", ".pack", NULL };

/* objects/pack/pack-NAME.idx of repo, in idx (n bytes), and whether it is there:
 * the check that a pack just written is where its name says before anything
 * it replaces is removed. */
static bool pack_index_present(char *idx, size_t n, git_repository *repo, const char *name)
{
	snprintf(idx, n, "%sobjects/pack/pack-%s.idx", git_repository_path(repo), name);
	return access(idx, F_OK) == 0;
}

/*
 * Counts (remove 0) or removes (remove 1) repo's loose objects, and its pack files
 * other than pack-KEEP.* (KEEP NULL: none kept); *packs and *loose are how many
 * there were. An index goes before its pack, so stock git never sees a pack
 * without its index; a killed fetch's or sync's temporary files go too.
 */
static int sweep_objects(unsigned *packs, unsigned *loose, git_repository *repo,
			 const char *keep, int remove)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	unsigned np = 0, nl = 0;
	DIR *d, *sub;
	struct dirent *e, *f;

	snprintf(dir, sizeof(dir), "%sobjects", git_repository_path(repo));
	if (!(d = opendir(dir)))
		return stele_error(STELE_EFAIL, "cannot read %s", dir);
	while ((e = readdir(d))) {
		if (!hex_name(e->d_name, 2))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(sub = opendir(path)))
			continue;
		while ((f = readdir(sub))) {
			char file[PATH_MAX + 600];
			if (f->d_name[0] == '.')
				continue;
			nl += hex_name(f->d_name, GIT_OID_HEXSZ - 2);
			snprintf(file, sizeof(file), "%s/%s", path, f->d_name);
			if (remove)
				unlink(file);
		}
		closedir(sub);
		if (remove)
			rmdir(path);
	}
	closedir(d);
	snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_path(repo));
	for (int pass = 0; pack_suffixes[pass] && (d = opendir(dir)); pass++) {
		size_t slen = strlen(pack_suffixes[pass]);
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);
			bool tmp = strncmp(e->d_name, "tmp_", 4) == 0;
			if (e->d_name[0] == '.' || (!tmp && (n < slen ||
			    strcmp(e->d_name + n - slen, pack_suffixes[pass]) != 0)))
				continue;
			if (tmp && pass != 0)
				continue;
			np += !tmp && pass == 2;
			if (keep && strncmp(e->d_name, "pack-", 5) == 0 &&
			    strncmp(e->d_name + 5, keep, GIT_OID_HEXSZ) == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (remove)
				unlink(path);
		}
		closedir(d);
	}
	*packs = np;
	*loose = nl;
	return 0;
}

/* git_odb_foreach callback: every object goes into the new pack. */
static int pack_every_object(const git_oid *id, void *payload)
{
	return git_packbuilder_insert(payload, id, NULL);
}

int stele_repo_gc(unsigned *packs, unsigned *loose, git_repository *repo, unsigned due_packs)
{
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	char name[STELE_OID_HEX_LEN + 1], idx[PATH_MAX + 64];
	unsigned np, nl, left_packs, left_loose;
	int rc;

	if ((rc = sweep_objects(&np, &nl, repo, NULL, 0)) < 0)
		return rc;
	if ((np <= 1 && nl == 0) ||
	    (due_packs && np <= due_packs && nl <= STELE_REPO_GC_LOOSE)) {
		*packs = *loose = 0;
		return 0;
	}
	/* Every object, reachable or not, goes into the new pack: nothing a ref, a
	 * cursor or a kept fork might still name is lost. */
	if (git_repository_odb(&odb, repo) < 0 || git_packbuilder_new(&pb, repo) < 0 ||
	    git_odb_foreach(odb, pack_every_object, pb) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "repacking the repository");
		goto done;
	}
	if ((rc = stele_git_write_pack(name, repo, pb, NULL)) < 0)
		goto done;
	if (!pack_index_present(idx, sizeof(idx), repo, name)) {
		rc = stele_error(STELE_EFAIL, "repacking the repository: the new pack %s is missing",
				 idx);
		goto done;
	}
	/* The new pack is durable: what it replaces can go. */
	if ((rc = sweep_objects(&left_packs, &left_loose, repo, name, 1)) < 0)
		goto done;
	git_odb_refresh(odb);
	*packs = np;
	*loose = nl;
	rc = 1;
done:
	git_packbuilder_free(pb);
	git_odb_free(odb);
	return rc;
}

/* The packs of repo under small_bytes that have their index, at most
 * STELE_REPO_ROLLUP_MAX of them, by name (the 40 hex digits of
 * objects/pack/pack-NAME.pack): into names[], *n. */
#define STELE_REPO_ROLLUP_MAX 64
static int small_packs(char names[][STELE_OID_HEX_LEN + 1], unsigned *n, git_repository *repo,
		       size_t small_bytes)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *e;
	struct stat st;
	DIR *d;

	*n = 0;
	snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_path(repo));
	if (!(d = opendir(dir)))
		return stele_error(STELE_EFAIL, "cannot read %s", dir);
	while ((e = readdir(d)) && *n < STELE_REPO_ROLLUP_MAX) {
		size_t len = strlen(e->d_name);
		if (len != 5 + GIT_OID_HEXSZ + 5 || strncmp(e->d_name, "pack-", 5) != 0 ||
		    strcmp(e->d_name + 5 + GIT_OID_HEXSZ, ".pack") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || (size_t)st.st_size >= small_bytes)
			continue;
		memcpy(names[*n], e->d_name + 5, GIT_OID_HEXSZ);
		names[*n][GIT_OID_HEXSZ] = '\0';
		/* A pack a killed writer left without its index is no pack yet. */
		if (pack_index_present(path, sizeof(path), repo, names[*n]))
			(*n)++;
	}
	closedir(d);
	return 0;
}

/* Puts every object of the pack whose index is idx into pb; *taken false when
 * libgit2 refuses that index (the pack is then left as it is). */
static int insert_pack(bool *taken, git_packbuilder *pb, const char *idx)
{
	git_odb_backend *one = NULL;
	git_odb *odb = NULL;
	int rc = 0;

	*taken = false;
	if (git_odb_new(&odb) < 0 || git_odb_backend_one_pack(&one, idx) < 0 ||
	    git_odb_add_backend(odb, one, 1) < 0) {
		if (one)
			one->free(one); /* the odb owns it only once added */
		git_error_clear();
		goto done;
	}
	if (git_odb_foreach(odb, pack_every_object, pb) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "folding the small packs together");
		goto done;
	}
	*taken = true;
done:
	git_odb_free(odb);
	return rc;
}

int stele_repo_rollup(unsigned *packs, git_repository *repo, size_t small_bytes)
{
	char names[STELE_REPO_ROLLUP_MAX][STELE_OID_HEX_LEN + 1];
	char name[STELE_OID_HEX_LEN + 1], path[PATH_MAX + 64];
	bool taken[STELE_REPO_ROLLUP_MAX];
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	unsigned n, i, folded = 0;
	int rc;

	if ((rc = small_packs(names, &n, repo, small_bytes)) < 0)
		return rc;
	if (n < 2) {
		*packs = 0;
		return 0;
	}
	if (git_packbuilder_new(&pb, repo) < 0) {
		rc = stele_git_fail(STELE_EFAIL, "folding the small packs together");
		goto done;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%sobjects/pack/pack-%s.idx",
			 git_repository_path(repo), names[i]);
		if ((rc = insert_pack(&taken[i], pb, path)) < 0)
			goto done;
		folded += taken[i];
	}
	if (folded < 2) {
		*packs = 0;
		rc = 0;
		goto done;
	}
	if ((rc = stele_git_write_pack(name, repo, pb, NULL)) < 0)
		goto done;
	if (!pack_index_present(path, sizeof(path), repo, name)) {
		rc = stele_error(STELE_EFAIL, "folding the small packs together: the new pack %s "
				 "is missing", path);
		goto done;
	}
	/* The new pack is durable: the ones it holds can go. */
	for (i = 0; i < n; i++) {
		if (!taken[i] || strcmp(names[i], name) == 0)
			continue;
		for (size_t k = 0; pack_suffixes[k]; k++) {
			snprintf(path, sizeof(path), "%sobjects/pack/pack-%s%s",
				 git_repository_path(repo), names[i], pack_suffixes[k]);
			unlink(path);
		}
	}
	if (git_repository_odb(&odb, repo) == 0)
		git_odb_refresh(odb);
	git_error_clear();
	*packs = folded;
	rc = 1;
done:
	git_odb_free(odb);
	git_packbuilder_free(pb);
	return rc;
}

int stele_repo_tidy_remote(git_repository *repo)
{
	unsigned packs, loose;
	int rc;

	if ((rc = stele_repo_rollup(&packs, repo, STELE_REMOTE_ROLLUP_BYTES)) < 0 ||
	    (rc = stele_repo_gc(&packs, &loose, repo, STELE_REMOTE_GC_PACKS)) < 0)
		return rc;
	return 0;
}
