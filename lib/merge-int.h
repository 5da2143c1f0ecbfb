/* merge-int.h: what merge.c (one change set at a time) and mergebatch.c (consecutive
 * change sets combined into one apply) share inside the library; not for callers. */
#ifndef STELE_MERGE_INT_H
#define STELE_MERGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "changeset.h"
#include "merge.h"

struct stele_keys;
struct stele_mergebatch;

struct stele_merge {
	struct stele_stream stream;  /* writer, cursor seq and hash, table shapes; in the
					combined mode it runs ahead over the pending ones */
	struct stele_keys *keys;     /* the key in force for each seq, from the pinned key */
	unsigned flags;
	int64_t run;                 /* the county's merge run (0: none) */
	char last_commit[72];        /* the cursor's commit: the last one merged whole */
	int in_batch;
	sqlite3_stmt *insert_applied, *upsert_stream, *applied_hash;
	char reason[16];
	char detail[512];
	long applied_sets, applied_rows;  /* applied since open (not pending) */
	struct stele_mergebatch *batch;   /* STELE_MERGE_COMBINE: the pending ones; else NULL */
	struct stele_presig *hint;        /* the next offer's signature checked ahead, or NULL */
	long threads;                     /* the flush's verifying threads (stele_merge_set_threads) */
	struct stele_apply *apply;        /* the caller's (stele_merge_set_apply), or NULL */
};

/* Sets m's reason and detail (detail from the recorded message when fmt is NULL). */
void stele_merge_refuse(struct stele_merge *m, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One change set as stele_merge_check_ahead finds it. The caller zeroes it first
 * and frees cs (stele_cs_free). */
struct stele_merge_check {
	struct stele_changeset *cs;           /* decoded and checked (0), else untouched */
	unsigned char hash[STELE_HASH_BYTES]; /* stele_cs_hash of the data */
	uint64_t seq;                         /* the seq it names, once it was readable */
	long rows;                            /* its rows (0) */
	int duplicate;                        /* a seq already applied, the same bytes */
};

/*
 * Checks 1-5 of sync.md on one change set (data, len) against m's stream as it
 * stands (in the combined mode: past the pending ones), signature included, without
 * applying anything or moving the stream, into c (its hash first): 0 with c->cs and
 * c->rows, or c->duplicate set (cs untouched); STELE_EVERIFY with m's reason and
 * detail set (and c->seq if it was readable); or another error.
 * defer_pk (may be NULL) leaves the signature unchecked: it receives the key it
 * must verify against (stele_cs_signed_by) before the change set is applied, and
 * a refusal is not the one to report (check again without it: the signature is
 * checked before anything else).
 */
int stele_merge_check_ahead(struct stele_merge_check *c, struct stele_merge *m,
			    const unsigned char *data, size_t len, unsigned char *defer_pk);

/* Applies one checked change set alone (stele_stream_apply, in its own savepoint),
 * forgetting the kept key when it announces one. STELE_EVERIFY is a refusal (m's
 * reason and detail set); another error is not the change set's. */
int stele_merge_apply_one(struct stele_merge *m, const struct stele_changeset *cs);

/*
 * Records an applied change set inside the batch: its stele_applied row and, with
 * cursor, the cursor row (stele_stream) at it, whose commit is commit_id when
 * whole (it ends its commit), else still the last one merged whole (a resumed walk
 * meets the commit again from its first change set). Does not move m's stream. Of a run
 * of change sets recorded together, writing the cursor at the first and the last
 * leaves what writing it at each would (the same row, the same kept version: the
 * first one the epoch replaced, the same changed columns: lib/history.c).
 */
int stele_merge_record(struct stele_merge *m, const struct stele_changeset *cs,
		       const unsigned char hash[STELE_HASH_BYTES], const char *commit_id,
		       bool whole, long rows, bool cursor);

/* A refused change set (reason and detail already in m): with STELE_MERGE_QUARANTINE
 * recorded in stele_quarantine and the stream stopped, inside the batch (0); without,
 * STELE_EVERIFY with the detail as the message. seq is 0 when unknown. */
int stele_merge_refused(struct stele_merge *m, uint64_t seq, const char *commit_id,
			const void *data, size_t len);

/* The combined mode (lib/mergebatch.c). stele_mergebatch_new sets m->batch up
 * (PRAGMA temp_store = MEMORY on m's db); stele_mergebatch_free frees it and what
 * is pending (never applied). */
int stele_mergebatch_new(struct stele_merge *m);
void stele_mergebatch_free(struct stele_mergebatch *b);

/*
 * The combined mode's stele_merge_offer (same contract): checks the change set at
 * once, all but its signature (stele_merge_check_ahead with defer_pk), then either
 * adds it to the pending ones, whose signatures and rows the next flush verifies and
 * applies together, or, when it cannot be combined (lib/rowmap.h), flushes and
 * applies it alone, its signature verified first. A refusal flushes first:
 * the ones before it are applied, as one by one they would have been. *outcome
 * APPLIED means taken (applied, or pending until the next flush), *rows its row
 * changes; whole is stele_merge_offer's commit_whole. On an error (<0) the caller
 * rolls the batch back.
 */
int stele_mergebatch_offer(enum stele_merge_outcome *outcome, long *rows, struct stele_merge *m,
			   const unsigned char *data, size_t len, const char *commit_id, bool whole);

/*
 * Applies the pending change sets: their signatures verified (half on a second
 * thread; the batch ends before the first that fails, which is then checked in
 * full and refused), their rows combined into one sqlite3changeset_apply, then
 * their records in order. If the combined apply does
 * not go through (a conflict, a constraint, a foreign key at its end) it is undone
 * and they are applied one by one, so a refusal names the exact change set
 * (stele_merge_refused; *outcome QUARANTINED) and the ones after it are dropped.
 * Nothing pending: *outcome APPLIED. On an error (<0) the caller rolls back.
 */
int stele_mergebatch_flush(enum stele_merge_outcome *outcome, struct stele_merge *m);

#endif
