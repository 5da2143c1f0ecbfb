/* localremote.c: a remote that is a local path (a directory, a USB stick): fetched
 * from and pushed to as one pack written in one piece, not through libgit2's local
 * transport; created as a bare repository and locked for a push. Part of the
 * transport (remote-int.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "git.h"
#include "gitrepo.h"
#include "remote-int.h"

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
 * fetch of a repository that is one pack of exactly that history (as many objects
 * as the limit check counted, checked) copies the pack as it is (whole_pack), with
 * no walk of its own. Nothing is written when repo has the tip already.
 */
int stele_localremote_fetch(git_repository *repo, git_repository *source, const git_oid *tip,
			    size_t checked, const char *shown)
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
	/* Nothing hidden, and the remote's one pack holds as many objects as tip's
	 * history, all of which it must hold (no loose object): it is exactly that
	 * history, copied as it is, with no walk to count it again. */
	if (!hidden && checked && whole_pack(&bytes, &len, source, checked) == 1) {
		if ((rc = stele_git_write_pack_bytes(NULL, repo, bytes, len)) < 0)
			rc = stele_error(rc, "%s: %s", what, stele_error_message());
		goto done;
	}
	if (git_packbuilder_new(&pb, source) < 0 || git_packbuilder_insert_walk(pb, walk) < 0) {
		rc = stele_git_fail(STELE_EFAIL, what);
		goto done;
	}
	if ((objects = git_packbuilder_object_count(pb)) == 0)
		goto done;
	if ((rc = stele_git_write_pack(NULL, repo, pb, NULL)) < 0)
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

/* Creates a bare repository at a local remote's path (HEAD -> main). Its parent
 * directory must exist: a missing mount point is not silently replaced. The
 * repository is made beside it and renamed into place, so a kill leaves either
 * nothing or a complete repository. */
int stele_localremote_create(const char *path, const char *shown)
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
int stele_localremote_lock(int *fd, const char *path, const char *shown)
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
 * sets), then its ref moved only forward and only from the tip it had; then the
 * remote's small packs are folded into one (stele_repo_tidy_remote).
 */
int stele_localremote_push(git_repository *repo, const char *path, const char *local_ref,
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
	/* Each push adds a pack, and the county's fetch opens every one: the small
	 * ones are folded together (the caller holds the remote's lock; a fold that
	 * fails leaves the remote as the push made it). */
	if (rc == 0 && stele_repo_tidy_remote(dest) < 0)
		stele_error_clear();
done:
	git_reference_free(moved);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	git_repository_free(dest);
	return rc;
}

