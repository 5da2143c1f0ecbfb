/* csbatch.h: several encoded change sets in one commit's blob (a batch), as a
 * sync of many change sets commits them (docs/format.md, "Batches"). */
#ifndef STELE_CSBATCH_H
#define STELE_CSBATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "changeset.h"

/*
 * A batch is the 8 bytes STELE_CSBATCH_MAGIC, then one or more items, each a
 * 4-byte big-endian length (1 to STELE_CS_MAX_ENCODED) and that many bytes: an
 * encoded change set (changeset.h), in seq order. Nothing follows the last item.
 * A blob that does not start with the magic is one encoded change set, as every
 * commit held before batches.
 */
#define STELE_CSBATCH_MAGIC     "STELECB1"
#define STELE_CSBATCH_MAGIC_LEN 8
#define STELE_CSBATCH_ITEM_HEAD 4

/* Whether data starts as a batch does (it may still be malformed). */
bool stele_csbatch_is(const void *data, size_t len);

/*
 * The framing of the batch data, checked as a whole before any item is used: the
 * last item at *last (len *last_len, pointing into data). Returns 0, or
 * STELE_EVERIFY with a message when the framing is broken (no item, a length of 0,
 * past STELE_CS_MAX_ENCODED or past the end). data must pass stele_csbatch_is.
 */
int stele_csbatch_scan(const unsigned char **last, size_t *last_len, const unsigned char *data,
		       size_t len);

/*
 * Steps through the items of a batch that stele_csbatch_scan accepted: *at
 * starts at 0 (set it to 0 before the first call); returns 1 with *item and
 * *item_len (pointing into data) and *at moved past it, or 0 after the last.
 */
int stele_csbatch_next(const unsigned char **item, size_t *item_len, size_t *at,
		       const unsigned char *data, size_t len);

/* The batch's bytes once an encoded change set of len bytes joins one of batch_len
 * bytes (0: none yet). */
size_t stele_csbatch_grown(size_t batch_len, size_t len);

/* Whether an encoded change set of len bytes may join a batch of batch_len bytes:
 * into an empty one always (a commit of one holds it alone, unframed); else while
 * the batch stays within STELE_CS_MAX_ENCODED bytes, the limit of the file. */
bool stele_csbatch_fits(size_t batch_len, size_t len);

/* STELE_CS_MAX_ENCODED and the framing of one item: the limit of a buffer that
 * builds batches (one change set of the largest size framed). */
#define STELE_CSBATCH_BUF_MAX (STELE_CS_MAX_ENCODED + STELE_CSBATCH_MAGIC_LEN + \
			       STELE_CSBATCH_ITEM_HEAD)

/* Appends the encoded change set cs (1 to STELE_CS_MAX_ENCODED bytes) to the batch
 * being built in b (limit at least STELE_CSBATCH_BUF_MAX), writing the magic first
 * when b is empty. 0; STELE_EINVALID when stele_csbatch_fits says no (b is left as
 * it was); STELE_EFAIL out of memory. */
int stele_csbatch_add(struct stele_buf *b, const void *cs, size_t len);

#endif
