/* history.h: the county's past states (every row version stamped with the epoch
 * that wrote it), and the one seam through which a ranking reads the county: live,
 * as of a merge run or a time, or with the draft rules (docs/rankings.md). */
#ifndef STELE_HISTORY_H
#define STELE_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

/*
 * Installs the shadow history of the county database, inside the caller's
 * transaction, for every synced table and the bookkeeping a ranking or report
 * reads (stele_stream, stele_quarantine, stele_applied). Only what later changed
 * is kept: NAME_hist holds the versions an update or delete replaced, valid in
 * epochs [_from, _to), with NAME's indexes; NAME_since the epoch of a live version
 * its rowid does not tell (a changed row, a rowid given again); stele_hist_mark the
 * first rowid of each epoch, written when the epoch opens, so an unchanged row's
 * epoch follows from its rowid and costs nothing; stele_hist_cols the columns
 * each epoch's updates changed (or that it deleted a row), and NAME_hist_pk the
 * kept versions by key, so --as-of can undo in place. Rows already there are of
 * epoch 0. Cheap when already installed for this format and schema version.
 * County databases only.
 */
int stele_history_install(sqlite3 *db);

/* This computer's clock in unix milliseconds (the unit of stele_epoch.at and
 * stele_run's times). */
int64_t stele_history_clock_ms(void);

/* Opens a new epoch (a stele_epoch row: now in milliseconds, what) inside the
 * caller's write transaction; *out (may be NULL) is its number. Its time is later
 * than every earlier epoch's (at least by 1 ms), so a time names one state. Every
 * write to a county table opens one first, so no later write changes an earlier
 * state. */
int stele_history_epoch(int64_t *out, sqlite3 *db, const char *what);

/*
 * The epoch of an --as-of value: a merge run id (digits: the state right after
 * that run finished) or a local time YYYY-MM-DD[THH:MM[:SS[.mmm]]] (without
 * milliseconds: the end of that second; a date alone: the end of that day): the
 * state after every write that began by then.
 * *run is the merge run the state rests on (0: none). STELE_EUSAGE for a malformed
 * value, STELE_EINVALID for a run that does not exist or did not finish, or a time
 * before the first state kept.
 */
int stele_history_resolve(int64_t *epoch, int64_t *run, sqlite3 *db, const char *as_of);

/* The newest epoch, and the newest finished merge run at or before it (0: none). */
int stele_history_now(int64_t *epoch, int64_t *run, sqlite3 *db);

/* What a ranking reads. */
enum stele_view_kind {
	STELE_VIEW_LIVE,   /* the database as it is */
	STELE_VIEW_AS_OF,  /* as it was at the end of an epoch */
	STELE_VIEW_DRAFT,  /* as it is, with the draft rules applied (rolled back after) */
};

/*
 * Turns db into the view asked for until stele_view_close: AS_OF turns the kept
 * tables back to the end of epoch inside a savepoint (the rows born since go, the
 * kept versions valid then are written back, in place where the key allows;
 * foreign keys off meanwhile); DRAFT applies the
 * drafts (stele_rules_draft) inside a savepoint. Both are rolled back by
 * stele_view_close: nothing is written to the database. Only one view at a time per connection.
 */
int stele_view_open(sqlite3 *db, enum stele_view_kind kind, int64_t epoch);
void stele_view_close(sqlite3 *db, enum stele_view_kind kind);

#endif
