/* gitrepo.h: change-set streams in git (libgit2): one commit per change set on one
 * branch of a bare repository, fetched and pushed fast-forward only. */
#ifndef STELE_GITREPO_H
#define STELE_GITREPO_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

/* The branch every stream lives on, and the files each commit's tree holds: the
 * encoded change set, and the signer's public key as 64 hex digits and "\n" (so a
 * reader can pin a key on first use; it is never trusted over a pinned key). */
#define STELE_BRANCH    "refs/heads/main"
#define STELE_CS_FILE   "changeset"
#define STELE_PUB_FILE  "writer.pub"

/* Initializes libgit2 once per process (fsync of objects and refs on). Safe to call
 * more than once, from any thread. */
int stele_git_init(void);

/* Opens the bare repository at path, creating it (bare, HEAD -> main) if create is
 * non-zero and it is missing or was left half-created by a killed run (whose stale
 * lock files are removed first: the repository must be private to a directory
 * whose lock the caller holds). *out is freed by the caller with git_repository_free. */
int stele_repo_open(git_repository **out, const char *path, int create);

/*
 * Removes the lock files (any *.lock under refs/, packed-refs.lock, HEAD.lock,
 * config.lock) a killed process left in repo: libgit2 will not move a ref while
 * one exists.
 * Only for a caller that holds the Stele directory lock, so no live writer can
 * own them.
 */
int stele_repo_clear_stale_locks(git_repository *repo);

/*
 * The tip of ref: *commit its id and *seq the seq of the change set it holds; a
 * missing ref (an empty stream) gives *seq = 0 and a zero *commit.
 */
int stele_repo_tip(git_oid *commit, uint64_t *seq, git_repository *repo, const char *ref);

/*
 * Appends one commit holding data as STELE_CS_FILE and pubkey_hex as
 * STELE_PUB_FILE on ref, whose parent is ref's current tip, with message as the
 * commit message (author/committer "stele <writer>", time = created_at). The ref
 * moves only if it still points at the old tip. *out is the new commit's id.
 */
int stele_repo_append(git_oid *out, git_repository *repo, const char *ref,
		      const void *data, size_t len, const char *pubkey_hex,
		      const char *message, const char *writer, int64_t created_at);

/* The STELE_CS_FILE bytes of a commit: *data (malloc'd, caller frees) and *len.
 * A commit without one (or with one past STELE_CS_MAX_ENCODED) is STELE_EVERIFY. */
int stele_repo_read(void **data, size_t *len, git_repository *repo, const git_oid *commit);

/* The signer's public key recorded in a commit's STELE_PUB_FILE. */
int stele_repo_commit_pubkey(unsigned char pk[32], git_repository *repo, const git_oid *commit);

/*
 * Calls fn for each commit on ref's first-parent chain after `since` (NULL: from
 * the root), oldest first, with the STELE_CS_FILE blob of each. Stops and returns
 * fn's value if it returns non-zero. If since is not on the chain (history was
 * rewritten) returns STELE_EVERIFY with a message saying so, before calling fn.
 * A commit without the file, or with a blob larger than STELE_CS_MAX_ENCODED, is
 * passed with data NULL and len 0 so the caller can quarantine it.
 */
typedef int (*stele_walk_fn)(void *ctx, const git_oid *commit, const void *data, size_t len);
int stele_repo_walk(git_repository *repo, const char *ref, const git_oid *since,
		    stele_walk_fn fn, void *ctx);

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
	int progress;                 /* report progress on stderr */
	char *owned;                  /* storage of stele_remote_opts_from_env; NULL otherwise */
};

/*
 * The remote options both programs use, in one place: the credentials file is
 * $STELE_GIT_CREDENTIALS, else DIR/credentials; ca_file is $STELE_CA_FILE,
 * ssh_key $STELE_SSH_KEY (unset or empty: none). progress is 0. The strings point
 * into the environment or into storage opts owns: release it with
 * stele_remote_opts_release after the last transfer.
 */
int stele_remote_opts_from_env(struct stele_remote_opts *opts, const char *dir);
void stele_remote_opts_release(struct stele_remote_opts *opts);

/* A password taken out of a URL, for the credentials file: the URL without any
 * userinfo (the line's prefix), and the percent-decoded user name and password.
 * Owned strings; stele_secret_clear wipes the password and frees them. */
struct stele_secret {
	char *prefix, *user, *password;
};
void stele_secret_clear(struct stele_secret *secret);

/*
 * Takes the password out of url so that it is never stored: *kept is url with the
 * password removed and the user name kept ("https://u:pw@h/x" -> "https://u@h/x"),
 * malloc'd, freed by the caller. Returns 1 and fills *secret when url held a
 * password, 0 (secret zeroed, *kept a copy of url) when it did not. A password
 * without a user name, or a user name or password the credentials file cannot
 * hold (white space, control characters, over 500 bytes) is STELE_EINVALID, with
 * what (e.g. "--remote") in the message and never the password.
 */
int stele_url_take_password(char **kept, struct stele_secret *secret, const char *url,
			    const char *what);

/*
 * Saves secrets in the credentials file as "PREFIX USER PASSWORD" lines, so that
 * the transport finds them: a line with the same prefix and user is replaced,
 * every other line is kept. The file is rewritten atomically (a temporary file
 * beside it, mode 0600, fsync, rename, fsync of the directory).
 */
int stele_credentials_save(const char *file, const struct stele_secret *secrets, size_t n);

/*
 * Fetches url's remote_ref into local_ref (forced: the caller decides whether the
 * new tip descends from what it had). A URL that is a plain path or file:// is a
 * local bare repository. An empty remote (no such ref) leaves local_ref untouched
 * and returns 0 with *found = 0.
 */
int stele_repo_fetch(int *found, git_repository *repo, const char *url, const char *remote_ref,
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
int stele_repo_push(git_repository *repo, const char *url, const char *local_ref,
		    const char *remote_ref, int create_local, const struct stele_remote_opts *opts);

/* url without its userinfo ("https://user:pw@host/x" -> "https://host/x"), for
 * messages; truncated to n bytes. */
void stele_url_redact(char *out, size_t n, const char *url);

/* Whether url names a local repository (a plain path or file://): returns 1 with
 * *path the path (malloc'd, caller frees), 0 for a network URL, <0 on error. */
int stele_url_local_path(char **path, const char *url);

/* True (1) if ancestor is `descendant` or one of its ancestors, 0 if not. */
int stele_repo_descends(git_repository *repo, const git_oid *descendant, const git_oid *ancestor);

#endif
