/* fork.h: a second writer of one village's stream (two computers with the
 * village's key): where a branch of its history parts from what was merged, told
 * apart from damage (docs/county-guide.md "A forked village"). */
#ifndef STELE_FORK_H
#define STELE_FORK_H

#include <stdbool.h>
#include <stdint.h>
#include <git2.h>
#include <sqlite3.h>

#include "changeset.h"

/* Where a branch parts from the stream merged into a database. */
struct stele_fork_point {
	uint64_t seq;            /* the first seq whose change set on the branch is not the
				    one applied; 0: none (the branch agrees with all merged) */
	bool signed_by_village;  /* that change set verifies with the village's key in
				    force for seq: a fork, not damage */
	char summary[256];       /* its summary, when signed_by_village */
	char merged_summary[256];/* the summary of the change set applied at seq */
};

/*
 * Walks ref of repo from its root and compares each change set with the one
 * writer's stream applied in db at the same seq (stele_applied): *out says
 * where they first differ, and whether the differing one is genuinely signed
 * (with the key in force for its seq: pk is the key of seq 1, rotations and
 * revocations from db, lib/keys.h). The walk stops at the first seq db has not
 * applied. Returns 0, or < 0 (a git or database error, a ref that cannot be
 * walked).
 */
int stele_fork_find(struct stele_fork_point *out, git_repository *repo, const char *ref,
		    sqlite3 *db, const char *writer, const unsigned char pk[STELE_PK_BYTES]);

#endif
