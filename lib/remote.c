/* remote.c: the transport: fetch and fast-forward-only push of a stream (paths and
 * USB sticks, https, ssh), and their options. A network remote goes through
 * transport.c, a local path through localremote.c (remote-int.h). */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "fileio.h"
#include "git.h"
#include "gitrepo.h"
#include "remote-int.h"

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
	struct stele_transport t;
	git_oid tip;
	char *target = NULL, spec[1024];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	bool local, exists, have = false;
	size_t nheads, npacks = 0, checked = 0;
	char **packs = NULL;
	int rc;

	if ((rc = stele_transport_start(&t, &target, &local, &exists, url, opts)) < 0)
		goto done;
	if (local && !exists) {
		rc = stele_error(STELE_EFAIL, "remote %s does not exist (is the USB stick plugged in?)",
				 t.shown);
		goto done;
	}
	git_fetch_options_init(&fetch, GIT_FETCH_OPTIONS_VERSION);
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	stele_transport_callbacks(&cb, &t);
	fetch.callbacks = cb;
	fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fetch.prune = GIT_FETCH_NO_PRUNE;
	fetch.update_fetchhead = 0;
	if (stele_transport_remote(&remote, repo, target) < 0) {
		rc = stele_transport_fail(&t, target, "cannot use remote");
		goto done;
	}
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, NULL, NULL) < 0) {
		rc = stele_transport_fail(&t, target, "cannot reach remote");
		goto done;
	}
	if (git_remote_ls(&heads, &nheads, remote) < 0) {
		rc = stele_transport_fail(&t, target, "cannot list remote");
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
			rc = stele_transport_fail(&t, target, "cannot open remote");
			goto done;
		}
		if ((rc = stele_repo_check_new(NULL, &checked, source, &tip, repo)) < 0) {
			rc = stele_error(rc, "remote %s: %s", t.shown, stele_error_message());
			goto done;
		}
	}
	if ((rc = pack_names(&packs, &npacks, repo)) < 0)
		goto done;
	snprintf(spec, sizeof(spec), "%s:%s", remote_ref, local_ref);
	/* A local remote's objects are copied as one pack (stele_localremote_fetch). */
	if (source) {
		if ((rc = stele_localremote_fetch(repo, source, &tip, checked, t.shown)) < 0) {
			remove_new_packs(repo, packs, npacks);
			goto done;
		}
	} else if (git_remote_download(remote, &refspecs, &fetch) < 0) {
		rc = stele_transport_fail(&t, target, "cannot fetch from remote");
		goto done;
	}
	/* What came over the network is checked before any ref names it; refused, its
	 * packs go (the repository keeps nothing of it). A local remote's were checked
	 * where they were, above: the objects of tip's history, named by their hashes,
	 * are the same bytes here (the indexer hashed every one of them). */
	if (!source && (rc = stele_repo_check_new(NULL, NULL, repo, &tip, repo)) < 0) {
		if (rc == STELE_EVERIFY)
			rc = stele_error(rc, "remote %s: %s", t.shown, stele_error_message());
		remove_new_packs(repo, packs, npacks);
		goto done;
	}
	/* The caller judges the new tip; the ref simply follows the remote. */
	if (git_commit_lookup(&commit, repo, &tip) < 0) {
		rc = stele_transport_fail(&t, target, "incomplete fetch from remote");
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

int stele_remote_push(git_repository *repo, const char *url, const char *local_ref,
		    const char *remote_ref, int create_local, const struct stele_remote_opts *opts)
{
	git_push_options push;
	git_remote *remote = NULL;
	struct stele_transport t;
	char *target = NULL, spec[1024];
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	bool local, exists;
	int rc, lock_fd = -1;

	if ((rc = stele_transport_start(&t, &target, &local, &exists, url, opts)) < 0)
		goto done;
	if (local && !exists) {
		if (!create_local) {
			rc = stele_error(STELE_EFAIL, "remote %s does not exist", t.shown);
			goto done;
		}
		if ((rc = stele_localremote_create(target, t.shown)) < 0)
			goto done;
	}
	git_push_options_init(&push, GIT_PUSH_OPTIONS_VERSION);
	if (local && (rc = stele_localremote_lock(&lock_fd, target, t.shown)) < 0)
		goto done;
	if (local) {
		rc = stele_localremote_push(repo, target, local_ref, remote_ref, t.shown);
		goto done;
	}
	stele_transport_callbacks(&push.callbacks, &t);
	/* No '+': libgit2 refuses a non-fast-forward before sending, the server after. */
	snprintf(spec, sizeof(spec), "%s:%s", local_ref, remote_ref);
	if (stele_transport_remote(&remote, repo, target) < 0) {
		rc = stele_transport_fail(&t, target, "cannot use remote");
		goto done;
	}
	if (git_remote_push(remote, &refspecs, &push) < 0) {
		const git_error *e = git_error_last();
		if (e && e->klass == GIT_ERROR_REFERENCE && strstr(e->message, "fast"))
			rc = stele_error(STELE_EFAIL, "remote %s has commits that %s does not have "
					 "(not a fast-forward); nothing was pushed", t.shown,
					 local_ref);
		else
			rc = stele_transport_fail(&t, target, "cannot push to remote");
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
