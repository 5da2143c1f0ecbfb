/* gitrepo.h: the stream store: change-set streams in bare git repositories, on one
 * branch, each commit holding one change set or a batch of them (csbatch.h); the
 * transport is remote.h. */
#ifndef STELE_GITREPO_H
#define STELE_GITREPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "git.h"

/* The branch every stream lives on, and the files each commit's tree holds: the
 * encoded change set (or a batch of them, csbatch.h), and the public key that
 * signed them as 64 hex digits and "\n" (so a reader can pin a key on first use; it
 * is never trusted over a pinned key). */
#define STELE_BRANCH    "refs/heads/main"
#define STELE_CS_FILE   "changeset"
#define STELE_PUB_FILE  "writer.pub"

/* Opens the bare repository at path, creating it (bare, HEAD -> main) if create is
 * non-zero and it is missing or was left half-created by a killed run (whose stale
 * lock files are removed first: the repository must be private to a directory
 * whose lock the caller holds). *out is freed by the caller with stele_repo_close. */
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

/*
 * Many change sets written as one pack: stele_repo_pack_begin notes ref's tip;
 * each stele_repo_pack_add gathers one change set (in seq order) in memory, into
 * the commit being gathered: consecutive change sets of one key and writer share
 * a commit, whose STELE_CS_FILE is a batch of them (csbatch.h), up to
 * STELE_REPO_BATCH_MAX of them and STELE_CS_MAX_ENCODED bytes. A commit of one
 * change set holds it alone and says its own message ("seq N: ..."), as commits
 * always have; a batch's message is "seq A-B: N change sets", a blank line and
 * each one's message on its own line. Author and committer are "stele <writer>",
 * the time the last change set's created_at. stele_repo_pack_finish writes the
 * commits as one pack file with its index, fsync'd, and only then moves ref once,
 * from the tip it was begun on (a ref that moved meanwhile is STELE_EBUSY). Until
 * then nothing on disk has changed, so a kill at any instant leaves the
 * repository as it was or with the whole pack; an unreferenced pack is harmless,
 * and a repository that holds loose objects reads as before. Staged bytes past
 * STELE_REPO_PACK_MAX are written as a pack of their own first (the ref then
 * moves once per pack), so memory stays bounded. *packs (may be NULL) is how
 * many packs were written. The pack is freed with stele_repo_pack_free (NULL is
 * allowed), which discards whatever was staged and not finished.
 */
#define STELE_REPO_PACK_MAX      (64u << 20)
#define STELE_REPO_BATCH_MAX     1000        /* change sets in one commit */
#define STELE_REPO_BATCH_MESSAGE (48u << 10) /* bytes of a batch's message */
struct stele_repo_pack;
int stele_repo_pack_begin(struct stele_repo_pack **out, git_repository *repo, const char *ref);
int stele_repo_pack_add(struct stele_repo_pack *pack, const void *data, size_t len,
			const char *pubkey_hex, const char *message, const char *writer,
			int64_t created_at);
/* Whether a change set of len bytes, signed by the key of the n change sets
 * (batch_len bytes, csbatch.h) of the commit being gathered (same_key), joins that
 * commit: the one rule stele_repo_pack_add splits by, and lib/outbox.c plans by. */
bool stele_repo_batch_takes(size_t n, size_t batch_len, size_t len, bool same_key);

/* Ends the commit being gathered here: the next change set starts another (the
 * caller's plan of commits, lib/outbox.c). Nothing gathered: nothing happens. */
int stele_repo_pack_commit(struct stele_repo_pack *pack);
int stele_repo_pack_finish(uint64_t *packs, struct stele_repo_pack *pack);
void stele_repo_pack_free(struct stele_repo_pack *pack);

/* The last change set a commit holds (of a batch, its last item; else the whole
 * STELE_CS_FILE blob): *data (malloc'd, caller frees) and *len. A commit without
 * one (or with one past STELE_CS_MAX_ENCODED) is STELE_EVERIFY. */
int stele_repo_read(void **data, size_t *len, git_repository *repo, const git_oid *commit);

/* The signer's public key recorded in a commit's STELE_PUB_FILE. */
int stele_repo_commit_pubkey(unsigned char pk[32], git_repository *repo, const git_oid *commit);

/*
 * Calls fn for each change set of the commits on ref's first-parent chain after
 * `since` (NULL: from the root), oldest first: for a commit whose STELE_CS_FILE
 * is a batch (csbatch.h), once for each of its change sets in order, commit_end
 * true for the last; for any other commit once, with the blob and commit_end
 * true (a batch whose framing is broken is passed whole, for the decode to
 * refuse). Stops and returns fn's value if it returns non-zero. If since is not
 * on the chain (history was rewritten) returns STELE_EVERIFY with a message
 * saying so, before calling fn. A commit without the file is passed with data
 * NULL and len 0, one whose blob is larger than STELE_CS_MAX_ENCODED with data
 * NULL and len its size (never read), so the caller can quarantine it.
 *
 * A cursor that resumes a walk names a commit all of whose change sets were
 * taken: one taken in part is walked again from its first (commit_end says where
 * a commit is taken whole).
 */
typedef int (*stele_walk_fn)(void *ctx, const git_oid *commit, const void *data, size_t len,
			     bool commit_end);
int stele_repo_walk(git_repository *repo, const char *ref, const git_oid *since,
		    stele_walk_fn fn, void *ctx);

/* True (1) if ancestor is `descendant` or one of its ancestors, 0 if not. */
int stele_repo_descends(git_repository *repo, const git_oid *descendant, const git_oid *ancestor);

/* Frees a repository from stele_repo_open (NULL is allowed). */
void stele_repo_close(git_repository *repo);

/* The commit ref points at: 1 with *out set, 0 when there is no such ref (an empty
 * stream), or STELE_EFAIL naming the ref when it cannot be read. */
int stele_repo_ref(git_oid *out, git_repository *repo, const char *ref);

/*
 * The commit ref points at in the bare repository gitdir, read without opening
 * it (opening reads three config files and stats a few dozen paths: at a city's
 * thousands of streams, most of a sync that has nothing to do). Returns 1 with
 * hex set (lower-case, STELE_OID_HEX_LEN digits and a NUL) when ref is a loose
 * ref naming a commit id; 0 when that cannot be told this way (no such file: a
 * packed ref, or none; anything but an id, such as a symbolic ref) and the
 * caller must open the repository to know. A loose ref overrides packed-refs
 * (gitrepository-layout(5)), and git moves it by renaming a whole file, so a 1 is
 * the ref's value at some instant of the call.
 */
int stele_repo_peek_ref(char hex[STELE_OID_HEX_LEN + 1], const char *gitdir, const char *ref);

/*
 * Whether gitdir surely has no ref under prefix (e.g. "refs/stele/branch/"), told
 * without opening it: true when it has no packed-refs file and the prefix's
 * directory is missing or empty; false when there is one, or it cannot tell.
 */
bool stele_repo_peek_no_refs(const char *gitdir, const char *prefix);

/*
 * Git-level limits on what a stream may bring (docs/security.md "Git-level
 * limits"): every commit Stele writes holds one flat tree of STELE_CS_FILE and
 * STELE_PUB_FILE. Checked from object headers, so nothing over them is ever read
 * into memory.
 */
#define STELE_GIT_MAX_COMMIT  (64u << 10)   /* bytes of a commit object */
#define STELE_GIT_MAX_TREE    (1u << 10)    /* bytes of a tree object */
#define STELE_GIT_MAX_ENTRIES 2             /* entries of a tree */
#define STELE_GIT_MAX_PUB     256u          /* bytes of the STELE_PUB_FILE blob */
#define STELE_GIT_MAX_FETCH   (256u << 20)  /* bytes of new objects in one fetch */

/*
 * Checks every commit reachable from tip in repo and not from any ref of known
 * (repo itself, or another repository whose refs say what is already checked):
 * commit and tree sizes, a tree of at most STELE_GIT_MAX_ENTRIES entries, each a
 * blob named STELE_CS_FILE (at most STELE_CS_MAX_ENCODED bytes) or STELE_PUB_FILE
 * (at most STELE_GIT_MAX_PUB), and all their bytes together at most
 * STELE_GIT_MAX_FETCH. Sizes come from object headers: an object over a limit is
 * never read. *bytes (may be NULL) is the total; *objects (may be NULL) the number
 * of distinct objects checked (commits, trees, blobs) when nothing was hidden, so
 * that it is all of tip's history, else 0. Returns 0; STELE_EVERIFY with a message
 * naming the commit and the limit; or STELE_EFAIL (a damaged object).
 */
int stele_repo_check_new(uint64_t *bytes, size_t *objects, git_repository *repo,
			 const git_oid *tip, git_repository *known);

/* Points ref at id, creating or moving it (forced); why goes to the reflog. */
int stele_repo_set_ref(git_repository *repo, const char *ref, const git_oid *id, const char *why);

/* Deletes ref (a missing one is no error). */
int stele_repo_delete_ref(git_repository *repo, const char *ref);

/* The names of the refs under prefix (e.g. "refs/stele/fork/"), at most max of
 * them: *names is an array of *n malloc'd strings, freed by the caller with
 * stele_repo_refs_free. */
int stele_repo_refs(char ***names, size_t *n, git_repository *repo, const char *prefix,
		    size_t max);
void stele_repo_refs_free(char **names, size_t n);

/* *out: the number of first-parent commits from tip back to (not including) stop,
 * or to the root when stop is NULL. */
int stele_repo_count(long *out, git_repository *repo, const git_oid *tip, const git_oid *stop);

/*
 * Repacks repo (libgit2 has no gc): every object it holds, loose or packed,
 * reachable or not, into one new pack (fsync'd with its index), and only then
 * removes the loose objects and the packs it replaces (each index before its
 * pack) and the temporary files of killed runs. A kill at any instant leaves
 * every object readable. With due_packs > 0, only when repo holds more than
 * due_packs packs or STELE_REPO_GC_LOOSE loose objects: STELE_REPO_GC_PACKS for
 * a repository of the program's own (a village's repo.git, a county's mirrors),
 * STELE_REMOTE_GC_PACKS for a USB stick or a shared folder a village pushes to,
 * which every reader (the county's fetch) opens pack by pack. Returns 1
 * with *packs and *loose the packs and loose objects replaced, or 0 when there
 * was nothing to do (a single pack and no loose object, or not due). Only for
 * a caller that holds the directory's lock: no other writer may be adding
 * objects, and repo's readers must reopen it.
 */
#define STELE_REPO_GC_PACKS   50
#define STELE_REMOTE_GC_PACKS 8
#define STELE_REPO_GC_LOOSE   1000
int stele_repo_gc(unsigned *packs, unsigned *loose, git_repository *repo, unsigned due_packs);

/*
 * Folds repo's packs of under small_bytes each (at most 64 at a time) into one
 * new pack, fsync'd with its index, and only then removes the ones it holds
 * (each index before its pack); packs at or past small_bytes are left as they
 * are. A kill at any instant leaves every object readable. Returns 1 with *packs
 * the packs folded, or 0 when fewer than two were small. Only for a caller that
 * holds the directory's lock, as stele_repo_gc.
 *
 * stele_repo_tidy_remote is what a push leaves on a USB stick or a shared folder
 * (lib/localremote.c): its small packs folded into one (STELE_REMOTE_ROLLUP_BYTES),
 * so the stick holds its old history in a few large packs and its recent one in
 * a single small pack, whatever the number of pushes; then repacked whole past
 * STELE_REMOTE_GC_PACKS packs. A push of one change set adds its objects and
 * their 28 bytes of index each, not a pack of its own with the 1,072 bytes every
 * pack index has whatever it holds; the county's fetch opens one or two packs a
 * village, not one per push. Each push rewrites at most the small pack (under
 * 1 MiB: a village's stream of several years).
 */
#define STELE_REMOTE_ROLLUP_BYTES (1u << 20)
int stele_repo_rollup(unsigned *packs, git_repository *repo, size_t small_bytes);
int stele_repo_tidy_remote(git_repository *repo);

#endif
