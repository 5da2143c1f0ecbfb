/* sync.h: reading a writer's stream: the checks every change set passes before it
 * is applied, applying it, and the agent's pull of the county's rules stream. */
#ifndef STELE_SYNC_H
#define STELE_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "changeset.h"
#include "gitrepo.h"

/* Where the agent keeps the remote tips it fetched. */
#define STELE_ORIGIN_REF "refs/remotes/origin/main"
#define STELE_COUNTY_REF "refs/remotes/county/main"

/*
 * Checks that every row change in changes (SQLite changeset bytes) touches a table
 * that writer owns: county-owned tables for STELE_WRITER_COUNTY; otherwise
 * village-owned tables, with village_code (their first column) equal to writer.
 * STELE_EVERIFY names the first row at fault. *rows (may be NULL) receives the
 * number of row changes.
 */
int stele_sync_check_ownership(long *rows, const void *changes, size_t len, const char *writer);

/*
 * Checks that cs comes from writer, extends the chain whose last change set has
 * last_seq and last_hash (zeros when last_seq is 0), and has a schema version this
 * program knows. STELE_EVERIFY with a message naming the seq otherwise.
 */
int stele_sync_check_chain(const struct stele_changeset *cs, const char *writer,
			   uint64_t last_seq, const unsigned char last_hash[STELE_HASH_BYTES]);

/*
 * Applies the row changes to db, inside the caller's transaction. Any conflict (a
 * row already there, missing, or different from what the change set expects, or a
 * constraint) aborts: STELE_EVERIFY naming the table, and none of it applied.
 */
int stele_sync_apply(sqlite3 *db, const void *changes, size_t len);

/*
 * The agent's pull of the county stream from url: fetches its main into
 * STELE_COUNTY_REF of repo, then, for each county commit after the cursor
 * (stele_stream 'county'), checks the signer (meta 'county_key', pinned on first
 * use from the first commit's writer.pub), signature, chain, schema and
 * ownership, and applies it, records it and advances the cursor in one
 * transaction. Before the first county change set the default catalogue is
 * deleted from the county-owned tables (the county's first change sets recreate
 * them). *applied is the number applied now, *county_seq the county seq reached.
 * A county that has published nothing yet is not an error.
 */
int stele_sync_pull_county(uint64_t *applied, uint64_t *county_seq, sqlite3 *db,
			   git_repository *repo, const char *url,
			   const struct stele_remote_opts *opts);

#endif
