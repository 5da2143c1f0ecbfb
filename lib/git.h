/* git.h: what the git modules of lib/ share (libgit2 set up once, its errors, object
 * ids). Only lib/git.c, lib/gitrepo.c and lib/remote.c call libgit2; the rest of the
 * code uses the ids through the functions here. */
#ifndef STELE_GIT_H
#define STELE_GIT_H

#include <stdbool.h>
#include <stddef.h>
#include <git2.h>

/* Hex digits of a commit id (SHA-1). A buffer for one holds STELE_OID_HEX_LEN + 1. */
#define STELE_OID_HEX_LEN 40

/* Initializes libgit2 once per process (fsync of objects and refs on). Safe to call
 * more than once, from any thread. */
int stele_git_init(void);

/* id as 40 lowercase hex digits in out; returns out. */
const char *stele_git_oid_hex(char out[STELE_OID_HEX_LEN + 1], const git_oid *id);

/* Parses 40 hex digits into *out (written only on success); STELE_EINVALID
 * otherwise. */
int stele_git_oid_parse(git_oid *out, const char *hex);

bool stele_git_oid_equal(const git_oid *a, const git_oid *b);
bool stele_git_oid_is_zero(const git_oid *id);

/*
 * For the git modules only. stele_git_fail records libgit2's last message after
 * `what` ("what: message", one line) and returns code. stele_git_one_line copies
 * text that comes from outside (libgit2's messages, a server's refusal) into out
 * (n bytes) as one line: every run of control characters and white space becomes
 * one space, leading and trailing ones go, and a cut never splits a UTF-8
 * character (the CLI's contract is one line per message; gitolite, for one,
 * answers in several). stele_git_clear_locks removes the lock files a killed
 * process left in the git directory gitdir (*.lock under refs/, packed-refs.lock,
 * HEAD.lock, config.lock): only for a caller that knows no live writer owns them.
 */
int stele_git_fail(int code, const char *what);
/* Writes what pb holds as one pack file with its index into dest's objects/pack
 * (both fsync'd, as stele_git_init turns libgit2's fsync on); name (may be NULL)
 * gets the pack's name, objects/pack/pack-NAME.pack. A kill leaves at most a
 * temporary file or a pack nothing names yet. kept (may be NULL) receives the
 * pack's bytes on success (the caller git_buf_dispose()s them).
 * stele_git_write_pack_bytes writes a pack already built (complete: no deltas
 * against objects outside it) the same way. */
int stele_git_write_pack(char name[STELE_OID_HEX_LEN + 1], git_repository *dest,
			 git_packbuilder *pb, git_buf *kept);
int stele_git_write_pack_bytes(char name[STELE_OID_HEX_LEN + 1], git_repository *dest,
			       const void *data, size_t len);

/*
 * The pack of the commits base..tip (base NULL: from the first commit), as the
 * last commit of this process wrote it (stele_git_remember_pack takes bytes), for
 * a local push of exactly those commits right after, so the same pack is not built
 * twice (lib/remote.c). stele_git_recall_pack: whether it is the pack of base..tip,
 * and then its bytes (kept until the next remember or forget). Not thread-safe;
 * one pack at a time.
 */
void stele_git_remember_pack(const git_oid *base, const git_oid *tip, git_buf *bytes);
bool stele_git_recall_pack(const void **data, size_t *len, const git_oid *base, const git_oid *tip);
void stele_git_forget_pack(void);
void stele_git_one_line(char *out, size_t n, const char *in);
void stele_git_clear_locks(const char *gitdir);

#endif
