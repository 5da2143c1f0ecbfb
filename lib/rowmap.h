/* rowmap.h: which consecutive change sets of one stream may be applied as one
 * (lib/mergebatch.c), and their rows combined into one SQLite changeset. */
#ifndef STELE_ROWMAP_H
#define STELE_ROWMAP_H

#include <stddef.h>
#include <sqlite3.h>

#include "buf.h"

/*
 * Applying change sets A then B as one changeset gives what applying them one by
 * one gives when nothing B does depends on what A did: rows applied in the same
 * order get the same rowids and fire the same history triggers (lib/history.c),
 * and a conflict or constraint one by one would meet is met by the combined apply
 * (which is then undone and done one by one). The map keeps, for the change sets
 * of the current batch, fingerprints of the rows they touch (primary key, every
 * UNIQUE index's values) and of the parent rows their foreign keys name. A change
 * set joins only when it touches nothing the batch touched or names, and names no
 * parent row the batch touched: so no row is changed twice in one apply, no UNIQUE
 * or foreign-key check can pass combined yet fail one by one, and SQLite's deferred
 * constraint retries never reorder rows. (The history is not a reason: a merge run
 * opens one epoch, so one by one and combined stamp the same versions.) A change set the fingerprints cannot
 * describe (an update leaving alone part of a UNIQUE index or foreign key it
 * changes; a table with a trigger other than history's, a foreign key not to a
 * primary key, or one with ON DELETE/UPDATE actions) is applied alone. A fingerprint
 * collision only makes a batch shorter.
 */
struct stele_rowmap;

/* What stele_rowmap_add made of a change set. */
enum stele_rowmap_verdict {
	STELE_ROWMAP_JOINED,  /* added to the batch; its rows appended to the combined bytes */
	STELE_ROWMAP_FLUSH,   /* depends on the batch: apply the batch, reset, add it again */
	STELE_ROWMAP_ALONE,   /* never combined: apply the batch, then it on its own */
};

/* A map for db's tables (their shapes read on first use). *out is freed by the
 * caller with stele_rowmap_free. */
int stele_rowmap_new(struct stele_rowmap **out, sqlite3 *db);
void stele_rowmap_free(struct stele_rowmap *rm);

/* Empties the batch (its fingerprints and combined bytes). */
void stele_rowmap_reset(struct stele_rowmap *rm);

/*
 * Decides on one change set's row changes (SQLite changeset bytes already accepted
 * by stele_cs_walk and the stream's checks). JOINED appends them to the combined
 * bytes (stele_rowmap_bytes), leaving out a table header that repeats the one just
 * before (stele_rowmap_grouped gathers the rest).
 * Returns 0, or <0 (memory, reading db's schema).
 */
int stele_rowmap_add(enum stele_rowmap_verdict *verdict, struct stele_rowmap *rm,
		     const void *changes, size_t len);

/* The combined bytes of the batch (owned by rm; valid until the next add or reset). */
const struct stele_buf *stele_rowmap_bytes(const struct stele_rowmap *rm);

/*
 * The combined bytes up to end (where one of the batch's change sets ends), with
 * every table's rows under one header (a header repeated to the byte is left out),
 * the tables in the order the map first met them and each table's rows in their
 * own order. SQLite's apply prepares a table's
 * statements again at every change of table (sessionChangesetApply), so a batch
 * costs one prepare per table rather than one per run. The batch's change sets
 * touch no common row, UNIQUE value or parent row, and its tables have no trigger
 * but history's (which writes only the table's own history and an order-free mark),
 * so the order across tables changes nothing: each table's rowids and history come
 * out as one by one. *out is owned by rm, valid until the next add, reset or
 * grouped. Returns 0, or <0 (memory).
 */
int stele_rowmap_grouped(const unsigned char **out, size_t *outlen, struct stele_rowmap *rm,
			 size_t end);

#endif
