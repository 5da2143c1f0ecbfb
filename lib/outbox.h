/* outbox.h: the outbox's change sets past a stream's tip, committed to its
 * repository as one pack (the village's sync, the county's rules publish). */
#ifndef STELE_OUTBOX_H
#define STELE_OUTBOX_H

#include <sqlite3.h>
#include <stdint.h>

#include "git.h"

/* Writes the public key that signed the change set seq, as 64 hex digits and a
 * NUL, into pk_hex. 0, or <0 with the message recorded. */
typedef int (*stele_outbox_key_fn)(char *pk_hex, uint64_t seq, void *arg);

/*
 * Commits every change set of db's stele_outbox with a seq past tip_seq to ref
 * of repo, in seq order ("seq N: summary" each, by writer, at its created_at,
 * with the key key_for names), written as one pack with one move of ref. The
 * commits are planned first, in db (commit_first, inside a savepoint: the caller
 * may hold a transaction): consecutive change sets not planned yet that one key
 * signed share a commit (a batch, stele_repo_pack_add), and a plan once written
 * is kept, so the same outbox always gives the same commits (a repository rebuilt
 * from it is the one pushed). The seqs must follow tip_seq without a gap, else
 * STELE_EVERIFY ("the outbox jumps ...") and nothing is committed. *first and
 * *last are the seqs committed (0 and 0 if none), written only on success.
 */
int stele_outbox_commit(uint64_t *first, uint64_t *last, sqlite3 *db, git_repository *repo,
			const char *ref, uint64_t tip_seq, const char *writer,
			stele_outbox_key_fn key_for, void *arg);

#endif
