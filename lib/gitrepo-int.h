/* gitrepo-int.h: what the stream store's files share inside the library: gitrepo.c
 * (commits, refs, walks) and gitpack.c (many commits as one pack); not for callers. */
#ifndef STELE_GITREPO_INT_H
#define STELE_GITREPO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "git.h"

/* Writes the blobs, tree and commit of one commit (data as STELE_CS_FILE: one
 * change set or a batch) into repo's object database (whichever backend takes
 * writes first): parent NULL for a root commit. *out is the commit's id. Moves no
 * ref. */
int stele_repo_write_commit(git_oid *out, git_repository *repo, const git_oid *parent_id,
			    const void *data, size_t len, const char *pubkey_hex,
			    const char *message, const char *writer, int64_t created_at);

/* Moves ref to id from old (NULL: ref must not exist yet); a ref that moved
 * meanwhile is STELE_EBUSY. */
int stele_repo_move_ref(git_repository *repo, const char *ref, const git_oid *id,
			const git_oid *old);

/* ref's tip: 1 with *out, 0 when ref does not exist. */
int stele_repo_read_tip(git_oid *out, git_repository *repo, const char *ref);

#endif
