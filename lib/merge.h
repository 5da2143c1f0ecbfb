/* merge.h: verifying and applying one writer's change-set stream, exactly once: the
 * one set of checks the aggregator's merge, the agent's county pull, restore and
 * verify all use (shared/spec/sync.md "The aggregator checks"; docs/sync.md). */
#ifndef STELE_MERGE_H
#define STELE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "changeset.h"
#include "cswalk.h"
#include "domain.h"

/*
 * Refusal reasons, stable words (stored in stele_quarantine.reason by the
 * aggregator):
 *   malformed, format, signature, payload, too-large, changes  (decoding; see
 *                                       stele_cs_fault_name)
 *   writer     signed by, or naming, a writer other than the stream's
 *   chain      a gap, a repeat, or a predecessor hash that is not the last one's
 *   schema     a schema version, or a table shape, this program does not know
 *   ownership  a row outside the writer's tables, or carrying another village's code
 *   value      a row value that breaks its table's rules (lib/rowcheck.h: types,
 *              bounds, dates, text), as the agent would have refused it
 *   conflict   the rows do not apply cleanly, or an applied seq arrives with
 *              different bytes
 *   revoked    signed by a key the county revoked for this seq ('village revoke')
 *   key        a signing-key announcement (writer_key row) that is not one insert
 *              for the next seq with a well-formed key (docs/keys.md)
 */

#define STELE_STREAM_TABLES 32   /* synced tables a stream can know the shape of */

/* A synced table's shape in the database: its columns' primary-key places. */
struct stele_table_shape {
	const char *name;
	int ncol;
	unsigned char pk[STELE_CS_MAX_COLUMNS]; /* 0, or the column's place (1..) in the key */
	int loaded;                             /* 0 not yet, 1 loaded, -1 absent from db */
};

/*
 * One writer's stream as its checks see it: whose it is, where its chain stands,
 * and the shapes of the synced tables in db (read on first use). Set up with
 * stele_stream_init; holds no resources (nothing to free). Not thread-safe.
 */
struct stele_stream {
	sqlite3 *db;
	char writer[STELE_CS_WRITER_MAX + 1];        /* a village code, or STELE_WRITER_COUNTY */
	enum stele_level level;                      /* the writer's (lib/domain.h) */
	char scope[STELE_LEVEL_VILLAGE + 1];         /* what its rows' village codes start with */
	uint64_t last_seq;                           /* 0: nothing applied yet */
	unsigned char last_hash[STELE_HASH_BYTES];   /* of seq last_seq; zeros when 0 */
	struct stele_table_shape shapes[STELE_STREAM_TABLES];
	size_t nshapes;
	bool announced;      /* the change set stele_stream_check last accepted announces a
				key (a writer_key row): a stele_keys on db must forget */
	bool one_county;     /* read by a township of the county: its issued tasks are taken */
};

/* Sets s up for writer's stream in db, at seq 0 (set last_seq and last_hash to start
 * elsewhere). writer is a village, township, county (STELE_WRITER_COUNTY), city or
 * province code; its scope is its code (the county's: "", any village, until
 * stele_stream_set_scope names it). STELE_EINVALID if writer is no level's. */
int stele_stream_init(struct stele_stream *s, sqlite3 *db, const char *writer);

/* Narrows the county stream's scope to the county's code (6 digits), known to its
 * readers: its villages' rows must then start with it. STELE_EINVALID if code is
 * not a 6-digit code or s is not a county stream. */
int stele_stream_set_scope(struct stele_stream *s, const char *code);

/*
 * Checks 3-5 of sync.md on a decoded (so signature-checked) change set, in order:
 * it names s's writer ("writer"); its seq is last_seq + 1 and its prev_hash is
 * last_hash ("chain"); its schema version is one this program knows ("schema");
 * every row change is in a table the writer's level owns, and a row that belongs
 * to a village carries a 12-digit village code starting with the writer's scope
 * (stele_code_within; for a village, its own code: "ownership") whose number of
 * columns and primary key are those
 * of the table in db ("schema"; SQLite's apply would skip it silently); a
 * writer_key row only as one insert announcing the next seq's key ("key",
 * stele_keys_check_announcement); every value the rules of its table allow
 * ("value", stele_row_check). The rows
 * are read by stele_cs_walk, never by SQLite. Returns 0 with *rows (may be NULL)
 * the number of row changes; STELE_EVERIFY with a one-line message naming the seq
 * and *reason set to a static word above; or STELE_EFAIL (reading db's schema).
 */
int stele_stream_check(const char **reason, long *rows, struct stele_stream *s,
		       const struct stele_changeset *cs);

/*
 * Applies cs's row changes to s's db inside the caller's transaction, in a
 * savepoint: any conflict (a row already there, missing, different from what the
 * change set expects, or a constraint) aborts with none of it applied,
 * STELE_EVERIFY naming the seq and table, *reason "conflict". STELE_EBUSY if the
 * database is busy, STELE_EFAIL on another database error. Call only after
 * stele_stream_check accepted cs.
 */
int stele_stream_apply(const char **reason, struct stele_stream *s,
		       const struct stele_changeset *cs);

/* Whether s is a county's stream read at a city: named by the county's 6-digit
 * code, it takes change sets naming the writer "county" (writer; NULL: whatever
 * the name), and leaves the city's own tables out of the apply (the catalogue,
 * the county's issued tasks: docs/levels.md "Cities"). */
bool stele_stream_county_at_city(const struct stele_stream *s, const char *writer);

/* sqlite3changeset_apply_v2's table filter for s's change sets: NULL (every table)
 * but for a county's stream at a city, where it leaves out the tables named above
 * (at a township of the county, one_county: the catalogue, which the township
 * follows itself, aggregator/city.c, and the villages' names, which it registers
 * itself), and a city's stream (read at its counties),
 * whose tables are all left out but writer_key (the city's own key rotations): the
 * county applies the verified change sets itself, captured in its own stream.
 * Every apply of s's bytes, one by one or combined, passes it. */
typedef int (*stele_stream_filter_fn)(void *arg, const char *table);
stele_stream_filter_fn stele_stream_filter(const struct stele_stream *s);

/* Moves s's chain past cs, whose encoded bytes hash to hash. */
void stele_stream_advance(struct stele_stream *s, const struct stele_changeset *cs,
			  const unsigned char hash[STELE_HASH_BYTES]);

/*
 * The row checks of stele_stream_check alone, on raw SQLite changeset bytes
 * (walked first): 0, or STELE_EVERIFY with a message and *reason ("changes",
 * "too-large", "ownership", "schema" or "value"). Reads only db's schema.
 */
int stele_merge_check_changes(const char **reason, sqlite3 *db, const char *writer,
			      const void *changes, size_t len);

/* What became of one change set offered to a stream. */
enum stele_merge_outcome {
	STELE_MERGE_APPLIED,     /* verified and applied; the cursor moved */
	STELE_MERGE_DUPLICATE,   /* a seq already applied, byte-identical: nothing done */
	STELE_MERGE_QUARANTINED, /* refused: recorded in stele_quarantine; the stream stops */
};

/* stele_merge_open flags. */
#define STELE_MERGE_QUARANTINE 1u  /* record refusals in stele_quarantine (the aggregator);
				      without it a refusal is an STELE_EVERIFY error (the agent) */
#define STELE_MERGE_COMBINE    2u  /* combine consecutive change sets into one apply
				      (lib/mergebatch.c): the same database as one by
				      one, faster for many small change sets */

/*
 * One writer's stream open for merging into db: its cursor (stele_stream),
 * its pinned key, and the open batch transaction. Free with stele_merge_free
 * (which rolls back an uncommitted batch).
 */
struct stele_merge;

/*
 * Opens writer's stream in db (creating its stele_stream row if missing, on the
 * first commit). pk is the pinned public key, the key of seq 1: each change set is
 * verified with the key in force for its seq (lib/keys.h: rotations applied from
 * the stream, the county's revocations). flags 0 or STELE_MERGE_QUARANTINE.
 * *out is freed by the caller with stele_merge_free.
 */
int stele_merge_open(struct stele_merge **out, sqlite3 *db, const char *writer,
		     const unsigned char pk[STELE_PK_BYTES], unsigned flags);
void stele_merge_free(struct stele_merge *m);
/* Records run (the county's merge run number) with every change set m applies. */
void stele_merge_set_run(struct stele_merge *m, int64_t run);

struct stele_presig;
/* The signature of the next offer's bytes, checked ahead by a worker
 * (lib/mergejobs.h; NULL: none); the combined mode uses it for that one offer,
 * which still decides everything itself. The caller keeps sig alive until the
 * offer's batch is flushed. */
void stele_merge_hint(struct stele_merge *m, struct stele_presig *sig);

/* The threads the combined mode's flush verifies signatures on when no worker
 * checked them ahead (1 or 2; 2 unless set). */
void stele_merge_set_threads(struct stele_merge *m, long threads);

/* The statements the combined mode's flush applies its rows with (lib/apply.h),
 * shared by the merges of one run so that each table's are prepared once; a stays
 * the caller's and outlives m. Unset, m keeps its own. */
struct stele_apply;
void stele_merge_set_apply(struct stele_merge *m, struct stele_apply *a);

/* stele_stream_set_scope on m's stream (the agent names its county's code): the
 * county's key rotations are then those written under that code. */
int stele_merge_set_scope(struct stele_merge *m, const char *code);

/* The key in force for seq in m's stream (stele_keys_in_force). */
int stele_merge_key_in_force(unsigned char pk[STELE_PK_BYTES], bool *revoked,
			     struct stele_merge *m, uint64_t seq);

/* Marks m's stream, a county's, as read by a township of that county (one_county). */
void stele_merge_set_one_county(struct stele_merge *m);

/* The cursor: last applied seq (0 if none), and the last git commit merged whole
 * (hex, "" if none): the commit of the last applied seq, unless that one was merged
 * in part (a batch, stele_merge_offer). */
uint64_t stele_merge_last_seq(const struct stele_merge *m);
const char *stele_merge_last_commit(const struct stele_merge *m);

/* Begins the batch transaction if none is open, so the caller can write its own
 * rows in the same transaction as the next offers (nothing if one is open). */
int stele_merge_begin(struct stele_merge *m);

/*
 * Offers the next change set (data: its encoded bytes, len; data NULL means the
 * commit held no readable change set: "malformed", or with len > 0 one of len bytes,
 * past STELE_CS_MAX_ENCODED, not read: "too-large") found in commit commit_id (hex, may
 * be NULL). commit_whole says it is the last change set that commit holds (a commit
 * of one, or a batch's last: stele_repo_walk's commit_end): only then does the
 * cursor's commit move to it, so a walk resumed at the cursor meets a commit
 * merged in part again, from its first change set (the ones applied are
 * duplicates).
 * Decodes it with the key in force for its seq (checks 1-2; signed with a key
 * revoked there: "revoked"), then stele_stream_check and stele_stream_apply; if good, records it in stele_applied and advances the
 * cursor, all inside the current batch transaction (begun here if none is open).
 * A seq already applied with the same bytes is a duplicate (nothing done); with
 * other bytes a "conflict". A refused change set, with STELE_MERGE_QUARANTINE, is
 * recorded in stele_quarantine and the stream's state set to 'quarantined' in the
 * same transaction (outcome QUARANTINED); the caller then stops offering and
 * commits. Without the flag a refusal returns STELE_EVERIFY with the refusal's
 * detail as the message. *rows receives the number of row changes applied.
 * Returns 0, or <0 (a refusal without the flag, or an error that is not the change
 * set's fault: I/O, memory): then the whole batch is rolled back and m, whose
 * cursor is then stale, must be freed.
 */
int stele_merge_offer(enum stele_merge_outcome *outcome, long *rows, struct stele_merge *m,
		      const void *data, size_t len, const char *commit_id, bool commit_whole);

/*
 * STELE_MERGE_COMBINE: an offer whose outcome is APPLIED may still be pending,
 * its rows applied with the ones after it. stele_merge_flush applies what is
 * pending now (*outcome QUARANTINED if one of them is refused: recorded as an
 * offer's refusal would be, the ones after it dropped; the caller stops
 * offering), inside the batch; with nothing pending, or without the flag, it does
 * nothing (*outcome APPLIED). <0 as stele_merge_offer (the batch is rolled back).
 */
int stele_merge_flush(enum stele_merge_outcome *outcome, struct stele_merge *m);

/* The change sets, and their row changes, m applied since it was opened (not the
 * pending ones). */
void stele_merge_applied(long *sets, long *rows, const struct stele_merge *m);

/* Commits the open batch (nothing if none), flushing what is pending first (a
 * refusal found then is recorded and committed; call stele_merge_flush first to
 * learn of it). Until then nothing offered is durable. */
int stele_merge_commit(struct stele_merge *m);

/* Sets the stream's state ('ok', 'held' or 'quarantined') and note, in its own
 * transaction (or the open batch). note may be NULL. */
int stele_merge_set_state(struct stele_merge *m, const char *state, const char *note);

/* The last refusal's reason word and detail (quarantined, or returned as an
 * error), for the caller's report; valid until the next offer. */
const char *stele_merge_quarantine_reason(const struct stele_merge *m);
const char *stele_merge_quarantine_detail(const struct stele_merge *m);

#endif
