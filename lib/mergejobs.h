/* mergejobs.h: the verification workers of a merge run (`--jobs N`): threads that
 * read streams' new change sets from their repositories and verify their
 * signatures ahead of the one thread that checks and applies them, in order. */
#ifndef STELE_MERGEJOBS_H
#define STELE_MERGEJOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "changeset.h"
#include "git.h"

/* How many threads --jobs means when it is not given: the cores online (1 to 256). */
long stele_jobs_default(void);

/*
 * A signature checked ahead: whether data verifies against pk (stele_cs_signed_by),
 * a pure function of the two, computed once by whichever thread gets to it first
 * (a worker, or the applying thread that needs it now). The bytes stay the item's.
 */
struct stele_presig;

/* Whether data verifies against pk, as stele_cs_signed_by says: the answer s holds
 * when s is NULL or was queued for other bytes or another key, computed here;
 * otherwise s's, waiting for the worker that is verifying it, or verified on the
 * calling thread if no worker has begun it. */
bool stele_presig_verify(struct stele_presig *s, const unsigned char *data, size_t len,
			 const unsigned char pk[STELE_PK_BYTES]);

/* One commit of a walk read ahead, in stream order: what stele_repo_walk's callback
 * gets (data NULL and len its size when the change set was too large to read). */
struct stele_mergeitem {
	git_oid commit;
	const unsigned char *data;
	size_t len;
	bool commit_end;          /* the last change set of its commit (stele_repo_walk) */
	struct stele_presig *sig; /* NULL when data is */
};

struct stele_mergejobs;
struct stele_mergejob;

/* Starts threads workers (>= 1). Free with stele_mergejobs_free, which stops them
 * and frees every job. */
int stele_mergejobs_new(struct stele_mergejobs **out, long threads);
void stele_mergejobs_free(struct stele_mergejobs *p);

/*
 * Queues the walk of ref in the repository at path from since (exclusive; NULL:
 * from its first commit) to its tip, as stele_repo_walk does it; nothing if the
 * tip is since or older. Each change set's signature is verified against pk (NULL:
 * the key its first commit names, stele_repo_commit_pubkey). Jobs are walked in
 * the order queued, ahead of the consumer by a bounded amount of memory. *out is
 * the pool's (freed by stele_mergejob_done or stele_mergejobs_free).
 */
int stele_mergejobs_add(struct stele_mergejob **out, struct stele_mergejobs *p, const char *path,
			const char *ref, const git_oid *since, const unsigned char *pk);

/* The tip the job walks to (false until its walk began, or if it could not read it),
 * and since as queued. */
bool stele_mergejob_tip(git_oid *tip, struct stele_mergejob *j);

/*
 * The job's next item, waiting for it: 1 with *item (the job's, valid until
 * stele_mergejob_done), or 0 at the end of the walk, with *complete true when the
 * walk reached the tip without an error (false: walk again from the last item to
 * meet what stopped it).
 */
int stele_mergejob_next(const struct stele_mergeitem **item, bool *complete,
			struct stele_mergejob *j);

/* The consumer is done with j (all of it read or not): its walk is stopped, its
 * items freed. */
void stele_mergejob_done(struct stele_mergejobs *p, struct stele_mergejob *j);

#endif
