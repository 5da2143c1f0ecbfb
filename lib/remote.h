/* remote.h: the transport: fetching and pushing a stream (git over a path or USB
 * stick, https or ssh) fast-forward only, with its options. */
#ifndef STELE_REMOTE_H
#define STELE_REMOTE_H

#include <stdbool.h>

#include "gitrepo.h"

/*
 * Transport options: credentials come from the URL, the environment
 * (STELE_GIT_USERNAME / STELE_GIT_PASSWORD) or the credentials file, in that
 * order, each tried once; never printed. ssh:// host keys are checked by libgit2
 * against ~/.ssh/known_hosts (an unknown host is refused); the ssh key is
 * ssh_key, else the ssh agent's.
 */
struct stele_remote_opts {
	const char *credentials_file; /* "URL-prefix username password" lines, mode 0600; may be NULL */
	const char *ca_file;          /* the CAs for https:// (replaces the system's); may be NULL */
	const char *ssh_key;          /* private key file for ssh://; NULL: the ssh agent */
	/* Progress of a transfer (objects sent or received, done of total), or NULL;
	 * the command layer shows it (stele_cli_transfer_progress). */
	void (*progress)(void *data, bool sending, unsigned done, unsigned total);
	void *progress_data;
	char *owned;                  /* storage of stele_remote_opts_from_env; NULL otherwise */
};

/*
 * The remote options both programs use, in one place: the credentials file is
 * $STELE_GIT_CREDENTIALS, else DIR/credentials; ca_file is $STELE_CA_FILE,
 * ssh_key $STELE_SSH_KEY (unset or empty: none). progress is NULL. The strings point
 * into the environment or into storage opts owns: release it with
 * stele_remote_opts_release after the last transfer.
 */
int stele_remote_opts_from_env(struct stele_remote_opts *opts, const char *dir);
void stele_remote_opts_release(struct stele_remote_opts *opts);

/*
 * Fetches url's remote_ref into local_ref (forced: the caller decides whether the
 * new tip descends from what it had). A URL that is a plain path or file:// is a
 * local bare repository. An empty remote (no such ref) leaves local_ref untouched
 * and returns 0 with *found = 0. The new history must keep the git-level limits
 * (stele_repo_check_new): a local remote is checked before anything is copied
 * (then what repo lacks is copied as one pack, indexed in one piece), any other
 * before local_ref moves; over them, STELE_EVERIFY naming the remote
 * and the limit, local_ref untouched and nothing fetched kept.
 */
int stele_remote_fetch(int *found, git_repository *repo, const char *url, const char *remote_ref,
		       const char *local_ref, const struct stele_remote_opts *opts);

/*
 * Pushes local_ref to url's remote_ref, fast-forward only. A server's refusal
 * (reported only through push_update_reference) is an error naming the ref and the
 * server's reason. A path or file:// remote that does not exist is created as a
 * bare repository when create_local is non-zero (a USB stick) and its parent
 * directory exists. A local remote is held with flock on REMOTE/stele.lock during
 * the push (another Stele push there gets STELE_EBUSY); holding it, a ref lock
 * left in it by a killed push is removed first.
 */
int stele_remote_push(git_repository *repo, const char *url, const char *local_ref,
		      const char *remote_ref, int create_local, const struct stele_remote_opts *opts);

#endif
