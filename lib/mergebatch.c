/* mergebatch.c: the combined mode of a stream's merge: consecutive change sets,
 * checked as they come (signature first), have their rows applied by one
 * sqlite3changeset_apply, then their records; the same database as one by one
 * (lib/rowmap.h says when that holds), and one by one again when the combined
 * apply does not go through, so a refusal names its change set. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "merge-int.h"
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
	long rows;
	unsigned char *data;  /* its encoded bytes, for a quarantine */
	size_t len;
};

struct stele_mergebatch {
	struct stele_rowmap *rm;
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
	stele_rowmap_free(b->rm);
	free(b);
}

static int on_conflict(void *arg, int type, sqlite3_changeset_iter *it)
{
	*(int *)arg = type;
	return SQLITE_CHANGESET_ABORT;
}

int stele_mergebatch_flush(enum stele_merge_outcome *outcome, struct stele_merge *m)
{
	struct stele_mergebatch *b = m->batch;
	const struct stele_buf *bytes = stele_rowmap_bytes(b->rm);
	int rc = 0, src = SQLITE_OK, seen = 0;

	*outcome = STELE_MERGE_APPLIED;
	if (b->n == 0)
		return 0;
	if ((rc = stele_merge_begin(m)) < 0)
		goto done;
	/* One apply for all their rows, in its own savepoint; FK checks at its end. */
	if (bytes->len > 0)
		src = sqlite3changeset_apply_v2(m->stream.db, (int)bytes->len, bytes->data, NULL,
						on_conflict, &seen, NULL, NULL, 0);
	if (src == SQLITE_OK && !seen) {
		for (size_t i = 0; i < b->n && rc == 0; i++)
			rc = stele_merge_record(m, b->p[i].cs, b->p[i].hash, b->p[i].commit,
						b->p[i].rows, i == 0 || i == b->n - 1);
		goto done;
	}
	/* Undone by its savepoint: one by one from where the batch began, so the
	 * refusal (or the error) is the exact change set's. */
	m->stream.last_seq = b->base_seq;
	memcpy(m->stream.last_hash, b->base_hash, STELE_HASH_BYTES);
	for (size_t i = 0; i < b->n; i++) {
		struct pending *p = &b->p[i];

		rc = stele_merge_apply_one(m, p->cs);
		if (rc == STELE_EVERIFY) {
			*outcome = STELE_MERGE_QUARANTINED;
			rc = stele_merge_refused(m, p->cs->seq, p->commit, p->data, p->len);
			break;
		}
		if (rc < 0 || (rc = stele_merge_record(m, p->cs, p->hash, p->commit, p->rows, true)) < 0)
			break;
		stele_stream_advance(&m->stream, p->cs, p->hash);
	}
done:
	drop_pending(b);
	return rc;
}

/* Adds a checked change set to the pending ones (taking cs) and moves the stream
 * past it. */
static int add_pending(struct stele_merge *m, struct stele_changeset *cs,
		       const unsigned char hash[STELE_HASH_BYTES], long rows,
		       const unsigned char *data, size_t len, const char *commit_id)
{
	struct stele_mergebatch *b = m->batch;
	struct pending *p;
	int rc;

	if ((rc = stele_merge_begin(m)) < 0)
		return rc;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		struct pending *grown = realloc(b->p, cap * sizeof(*grown));

		if (!grown)
			return stele_error(STELE_EFAIL, "out of memory");
		b->p = grown;
		b->cap = cap;
	}
	p = &b->p[b->n];
	if (!(p->data = malloc(len ? len : 1)))
		return stele_error(STELE_EFAIL, "out of memory");
	memcpy(p->data, data, len);
	p->len = len;
	p->cs = cs;
	memcpy(p->hash, hash, STELE_HASH_BYTES);
	snprintf(p->commit, sizeof(p->commit), "%s", commit_id ? commit_id : "");
	p->rows = rows;
	if (b->n == 0) {
		b->base_seq = m->stream.last_seq;
		memcpy(b->base_hash, m->stream.last_hash, STELE_HASH_BYTES);
	}
	b->n++;
	stele_stream_advance(&m->stream, cs, hash);
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
			   const unsigned char *data, size_t len, const char *commit_id)
{
	struct stele_mergebatch *b = m->batch;
	enum stele_rowmap_verdict verdict = STELE_ROWMAP_ALONE;
	struct stele_changeset *cs = NULL;
	unsigned char hash[STELE_HASH_BYTES];
	char reason[sizeof(m->reason)], detail[sizeof(m->detail)];
	uint64_t seq = 0;
	long nrows = 0;
	bool stop = false;
	int rc, duplicate = 0;

	*outcome = STELE_MERGE_APPLIED;
	*rows = 0;
	/* Anything but the next seq (a delivery again, a gap, unreadable) is judged
	 * against what is applied, as one by one. */
	if (b->n && stele_cs_peek_seq(data, len) != m->stream.last_seq + 1 &&
	    ((rc = flush_first(&stop, outcome, m)) < 0 || stop))
		return rc;
	stele_cs_hash(hash, data, len);
	rc = stele_merge_check_ahead(&cs, &seq, &duplicate, &nrows, m, data, len, hash);
	if (rc == STELE_EVERIFY) {
		/* The ones before it are applied first; their own refusal comes first. */
		memcpy(reason, m->reason, sizeof(reason));
		memcpy(detail, m->detail, sizeof(detail));
		if ((rc = flush_first(&stop, outcome, m)) < 0 || stop)
			goto done;
		memcpy(m->reason, reason, sizeof(reason));
		memcpy(m->detail, detail, sizeof(detail));
		*outcome = STELE_MERGE_QUARANTINED;
		rc = stele_merge_refused(m, seq, commit_id, data, len);
		goto done;
	}
	if (rc < 0)
		goto done;
	if (duplicate) {
		*outcome = STELE_MERGE_DUPLICATE;
		goto done;
	}
	if (!m->stream.announced && nrows <= COMBINE_MAX_ROWS) {
		if ((rc = stele_rowmap_add(&verdict, b->rm, cs->changes, cs->changes_len)) < 0)
			goto done;
		if (verdict == STELE_ROWMAP_FLUSH) {
			if ((rc = flush_first(&stop, outcome, m)) < 0 || stop)
				goto done;
			if ((rc = stele_rowmap_add(&verdict, b->rm, cs->changes, cs->changes_len)) < 0)
				goto done;
		}
	}
	if (verdict == STELE_ROWMAP_JOINED) {
		if ((rc = add_pending(m, cs, hash, nrows, data, len, commit_id)) < 0)
			goto done;
		cs = NULL;
		*rows = nrows;
		if (b->n >= PENDING_MAX)
			rc = stele_mergebatch_flush(outcome, m);
		goto done;
	}
	/* Alone (a key announced, many rows, rows the map cannot describe): after the
	 * pending ones, on its own. */
	if ((rc = flush_first(&stop, outcome, m)) < 0 || stop || (rc = stele_merge_begin(m)) < 0)
		goto done;
	rc = stele_merge_apply_one(m, cs);
	if (rc == STELE_EVERIFY) {
		*outcome = STELE_MERGE_QUARANTINED;
		rc = stele_merge_refused(m, seq, commit_id, data, len);
		goto done;
	}
	if (rc < 0 || (rc = stele_merge_record(m, cs, hash, commit_id, nrows, true)) < 0)
		goto done;
	stele_stream_advance(&m->stream, cs, hash);
	*rows = nrows;
done:
	stele_cs_free(cs);
	return rc;
}
