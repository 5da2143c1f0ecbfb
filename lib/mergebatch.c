/* mergebatch.c: the combined mode of a stream's merge: consecutive change sets,
 * checked as they come (their signatures together, when applied), have their rows applied by one
 * sqlite3changeset_apply, then their records; the same database as one by one
 * (lib/rowmap.h says when that holds), and one by one again when the combined
 * apply does not go through, so a refusal names its change set. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "buf.h"
#include "db.h"
#include "error.h"
#include "merge-int.h"
#include "mergejobs.h"
#include "rowmap.h"

/* A batch is applied after this many change sets; a change set of more rows than
 * this is applied alone (SQLite's per-apply cost is nothing beside its rows). */
#define PENDING_MAX      512
#define COMBINE_MAX_ROWS 256

/* A checked change set waiting for the flush. */
struct pending {
	struct stele_changeset *cs;
	unsigned char hash[STELE_HASH_BYTES];
	char commit[72];
	bool whole;           /* it ends its commit */
	long rows;
	unsigned char *data;  /* its encoded bytes, for a quarantine */
	size_t len;
	unsigned char pk[STELE_PK_BYTES]; /* the key its signature must verify against */
	bool signed_ok;       /* verified (by the flush, or before it was added) */
	struct stele_presig *sig; /* checked ahead by a worker (lib/mergejobs.c), or NULL */
	size_t end;           /* where its rows end in the combined bytes */
};

struct stele_mergebatch {
	struct stele_rowmap *rm;
	struct stele_apply *own; /* the statements of the apply, when m has none given */
	struct pending *p;
	size_t n, cap;
	/* The stream before the first pending one (m's runs ahead). */
	uint64_t base_seq;
	unsigned char base_hash[STELE_HASH_BYTES];
};

int stele_mergebatch_new(struct stele_merge *m)
{
	struct stele_mergebatch *b = calloc(1, sizeof(*b));
	int rc;

	if (!b)
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = stele_rowmap_new(&b->rm, m->stream.db)) < 0) {
		free(b);
		return rc;
	}
	/* The savepoints' statement journals stay in memory (temp_store cannot change
	 * inside a transaction: then it stays as it is). */
	if (sqlite3_get_autocommit(m->stream.db) &&
	    (rc = stele_db_exec(m->stream.db, "PRAGMA temp_store = MEMORY")) < 0) {
		stele_mergebatch_free(b);
		return rc;
	}
	m->batch = b;
	return 0;
}

/* Drops what is pending (never applied) and empties the map. */
static void drop_pending(struct stele_mergebatch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		stele_cs_free(b->p[i].cs);
		free(b->p[i].data);
	}
	b->n = 0;
	stele_rowmap_reset(b->rm);
}

void stele_mergebatch_free(struct stele_mergebatch *b)
{
	if (!b)
		return;
	drop_pending(b);
	free(b->p);
	stele_apply_free(b->own);
	stele_rowmap_free(b->rm);
	free(b);
}

static int on_conflict(void *arg, int type, sqlite3_changeset_iter *it)
{
	*(int *)arg = type;
	return SQLITE_CHANGESET_ABORT;
}

/* Signatures of pending ones [from, to). */
struct verify_span {
	struct pending *p;
	size_t from, to;
};

static void *verify_span(void *arg)
{
	struct verify_span *v = arg;

	for (size_t i = v->from; i < v->to; i++)
		if (!v->p[i].signed_ok)
			v->p[i].signed_ok = stele_presig_verify(v->p[i].sig, v->p[i].data,
								v->p[i].len, v->p[i].pk);
	return NULL;
}

/* Verifies the pending ones' signatures, half of them on a second thread (the
 * Ed25519 check is most of a small change set's cost) unless workers checked
 * them ahead or m has one thread; *good is how many lead that verify. */
static void verify_pending(size_t *good, const struct stele_merge *m, struct stele_mergebatch *b)
{
	struct verify_span first = { b->p, 0, b->n }, second = { b->p, b->n, b->n };
	pthread_t worker;
	bool threaded = false;

	if (b->n >= 16 && m->threads > 1 && !b->p[0].sig) {
		first.to = second.from = b->n / 2;
		threaded = pthread_create(&worker, NULL, verify_span, &second) == 0;
		if (!threaded)
			first.to = b->n;
	}
	verify_span(&first);
	if (threaded)
		pthread_join(worker, NULL);
	*good = 0;
	while (*good < b->n && b->p[*good].signed_ok)
		(*good)++;
}

/* The stream as it stands after pending one i - 1 (i 0: where the batch began). */
static void stream_at(struct stele_merge *m, const struct stele_mergebatch *b, size_t i)
{
	m->stream.last_seq = i ? b->p[i - 1].cs->seq : b->base_seq;
	memcpy(m->stream.last_hash, i ? b->p[i - 1].hash : b->base_hash, STELE_HASH_BYTES);
}

/* Refuses data, whose signature did not verify: checked again in full, with the
 * stream where it stands, so the refusal is the one one by one gives. */
static int refuse_unsigned(enum stele_merge_outcome *outcome, struct stele_merge *m,
			   const unsigned char *data, size_t len, const char *commit_id)
{
	struct stele_merge_check c = { 0 };
	int rc = stele_merge_check_ahead(&c, m, data, len, NULL);

	stele_cs_free(c.cs);
	if (rc == 0) /* cannot be: the same key in force, the same bytes */
		stele_merge_refuse(m, "signature", "seq %llu: signature does not verify",
				   (unsigned long long)c.seq);
	else if (rc != STELE_EVERIFY)
		return rc;
	*outcome = STELE_MERGE_QUARANTINED;
	return stele_merge_refused(m, c.seq, commit_id, data, len);
}

int stele_mergebatch_flush(enum stele_merge_outcome *outcome, struct stele_merge *m)
{
	struct stele_mergebatch *b = m->batch;
	size_t good = 0, n;
	int rc = 0, src = SQLITE_OK, seen = 0;

	*outcome = STELE_MERGE_APPLIED;
	if (b->n == 0)
		return 0;
	if ((rc = stele_merge_begin(m)) < 0)
		goto done;
	/* The ones whose signatures verify, up to the first that does not. */
	verify_pending(&good, m, b);
	n = good;
	/* One apply for their rows, in its own savepoint; FK checks at its end. */
	if (n > 0 && b->p[n - 1].end > 0) {
		const unsigned char *grouped;
		size_t grouped_len;

		if ((rc = stele_rowmap_grouped(&grouped, &grouped_len, b->rm, b->p[n - 1].end)) < 0)
			goto done;
		/* Through the kept statements; what does not apply cleanly there is undone
		 * and applied by SQLite, which decides as it always has. */
		struct stele_apply *a = m->apply ? m->apply : b->own;
		bool clean = false;

		if (!a && (rc = stele_apply_new(&b->own, m->stream.db)) < 0)
			goto done;
		if (!a)
			a = b->own;
		if ((rc = stele_apply_changes(&clean, a, grouped, grouped_len,
					      stele_stream_filter(&m->stream), NULL)) < 0)
			goto done;
		if (!clean)
			src = sqlite3changeset_apply_v2(m->stream.db, (int)grouped_len,
							(void *)grouped, stele_stream_filter(&m->stream),
							on_conflict, &seen, NULL, NULL, 0);
	}
	if (src == SQLITE_OK && !seen) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = stele_merge_record(m, b->p[i].cs, b->p[i].hash, b->p[i].commit,
						b->p[i].whole, b->p[i].rows, i == 0 || i == n - 1);
		if (rc < 0)
			goto done;
	} else {
		/* Undone by its savepoint: one by one from where the batch began, so the
		 * refusal (or the error) is the exact change set's. */
		for (size_t i = 0; i < n; i++) {
			struct pending *p = &b->p[i];

			stream_at(m, b, i);
			rc = stele_merge_apply_one(m, p->cs);
			if (rc == STELE_EVERIFY) {
				*outcome = STELE_MERGE_QUARANTINED;
				rc = stele_merge_refused(m, p->cs->seq, p->commit, p->data, p->len);
				goto done;
			}
			if (rc < 0 ||
			    (rc = stele_merge_record(m, p->cs, p->hash, p->commit, p->whole, p->rows,
						     true)) < 0)
				goto done;
		}
	}
	stream_at(m, b, n);
	if (n < b->n)
		rc = refuse_unsigned(outcome, m, b->p[n].data, b->p[n].len, b->p[n].commit);
done:
	drop_pending(b);
	return rc;
}

/* Adds a checked change set to the pending ones (taking c->cs: NULL afterwards)
 * and moves the stream past it; whole as stele_merge_record's. */
static int add_pending(struct stele_merge *m, struct stele_merge_check *c,
		       const unsigned char *data, size_t len, const char *commit_id, bool whole,
		       const unsigned char pk[STELE_PK_BYTES], bool signed_ok,
		       struct stele_presig *sig)
{
	struct stele_mergebatch *b = m->batch;
	struct pending *p;
	int rc;

	if ((rc = stele_merge_begin(m)) < 0)
		return rc;
	if ((rc = stele_array_reserve(&b->p, &b->cap, b->n, sizeof(*b->p), 64)) < 0)
		return rc;
	p = &b->p[b->n];
	if (!(p->data = malloc(len ? len : 1)))
		return stele_error(STELE_EFAIL, "out of memory");
	memcpy(p->data, data, len);
	p->len = len;
	p->cs = c->cs;
	c->cs = NULL;
	memcpy(p->hash, c->hash, STELE_HASH_BYTES);
	snprintf(p->commit, sizeof(p->commit), "%s", commit_id ? commit_id : "");
	p->whole = whole;
	p->rows = c->rows;
	memcpy(p->pk, pk, STELE_PK_BYTES);
	p->signed_ok = signed_ok;
	p->sig = sig;
	p->end = stele_rowmap_bytes(b->rm)->len;
	if (b->n == 0) {
		b->base_seq = m->stream.last_seq;
		memcpy(b->base_hash, m->stream.last_hash, STELE_HASH_BYTES);
	}
	b->n++;
	stele_stream_advance(&m->stream, p->cs, p->hash);
	return 0;
}

/* Flushes; *stop when that quarantined one of the pending ones. */
static int flush_first(bool *stop, enum stele_merge_outcome *outcome, struct stele_merge *m)
{
	int rc = stele_mergebatch_flush(outcome, m);

	*stop = rc < 0 || *outcome == STELE_MERGE_QUARANTINED;
	return rc;
}

int stele_mergebatch_offer(enum stele_merge_outcome *outcome, long *rows, struct stele_merge *m,
			   const unsigned char *data, size_t len, const char *commit_id, bool whole)
{
	struct stele_mergebatch *b = m->batch;
	enum stele_rowmap_verdict verdict = STELE_ROWMAP_ALONE;
	struct stele_merge_check c = { 0 };
	unsigned char pk[STELE_PK_BYTES];
	struct stele_presig *sig = m->hint;
	bool stop = false, signed_ok = false;
	int rc;

	m->hint = NULL;
	*outcome = STELE_MERGE_APPLIED;
	*rows = 0;
	/* Anything but the next seq (a delivery again, a gap, unreadable) is judged
	 * against what is applied, as one by one. */
	if (b->n && stele_cs_peek_seq(data, len) != m->stream.last_seq + 1 &&
	    ((rc = flush_first(&stop, outcome, m)) < 0 || stop))
		return rc;
	/* Every check but the signature, which the flush verifies for the batch. */
	rc = stele_merge_check_ahead(&c, m, data, len, pk);
	if (rc == STELE_EVERIFY) {
		/* The ones before it are applied first (their refusal comes first); then
		 * it is checked in full, signature first, for the refusal one by one
		 * gives. */
		if ((rc = flush_first(&stop, outcome, m)) < 0 || stop)
			goto done;
		rc = stele_merge_check_ahead(&c, m, data, len, NULL);
		if (rc == STELE_EVERIFY) {
			*outcome = STELE_MERGE_QUARANTINED;
			rc = stele_merge_refused(m, c.seq, commit_id, data, len);
			goto done;
		}
		signed_ok = true;
	}
	if (rc < 0)
		goto done;
	if (c.duplicate) {
		/* Skipped only if it is what it claims to be (pending: none). */
		if (!signed_ok && !stele_presig_verify(sig, data, len, pk))
			rc = refuse_unsigned(outcome, m, data, len, commit_id);
		else
			*outcome = STELE_MERGE_DUPLICATE;
		goto done;
	}
	if (!m->stream.announced && c.rows <= COMBINE_MAX_ROWS) {
		if ((rc = stele_rowmap_add(&verdict, b->rm, c.cs->changes, c.cs->changes_len)) < 0)
			goto done;
		if (verdict == STELE_ROWMAP_FLUSH) {
			if ((rc = flush_first(&stop, outcome, m)) < 0 || stop)
				goto done;
			if ((rc = stele_rowmap_add(&verdict, b->rm, c.cs->changes, c.cs->changes_len)) < 0)
				goto done;
		}
	}
	if (verdict == STELE_ROWMAP_JOINED) {
		if ((rc = add_pending(m, &c, data, len, commit_id, whole, pk, signed_ok, sig)) < 0)
			goto done;
		*rows = c.rows;
		if (b->n >= PENDING_MAX)
			rc = stele_mergebatch_flush(outcome, m);
		goto done;
	}
	/* Alone (a key announced, many rows, rows the map cannot describe): after the
	 * pending ones, on its own, its signature verified first. */
	if ((rc = flush_first(&stop, outcome, m)) < 0 || stop)
		goto done;
	if (!signed_ok && !stele_presig_verify(sig, data, len, pk)) {
		rc = refuse_unsigned(outcome, m, data, len, commit_id);
		goto done;
	}
	if ((rc = stele_merge_begin(m)) < 0)
		goto done;
	rc = stele_merge_apply_one(m, c.cs);
	if (rc == STELE_EVERIFY) {
		*outcome = STELE_MERGE_QUARANTINED;
		rc = stele_merge_refused(m, c.seq, commit_id, data, len);
		goto done;
	}
	if (rc < 0 ||
	    (rc = stele_merge_record(m, c.cs, c.hash, commit_id, whole, c.rows, true)) < 0)
		goto done;
	stele_stream_advance(&m->stream, c.cs, c.hash);
	*rows = c.rows;
done:
	stele_cs_free(c.cs);
	return rc;
}
