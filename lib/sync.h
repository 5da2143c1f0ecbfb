/* sync.h: the agent's pull of the county's rules stream (the checks and the apply
 * are lib/merge.h's, the same as the aggregator's merge). */
#ifndef STELE_SYNC_H
#define STELE_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "changeset.h"
#include "remote.h"

/* Where the agent keeps the remote tips it fetched. */
#define STELE_ORIGIN_REF "refs/remotes/origin/main"
#define STELE_COUNTY_REF "refs/remotes/county/main"

/*
 * The agent's pull of the county stream from url: fetches its main into
 * STELE_COUNTY_REF of repo, then, for each county commit after the cursor
 * (stele_stream 'county'), checks the signer (meta 'county_key', pinned on first
 * use from the first commit's writer.pub) and offers the change set to the
 * county's stream (stele_merge_offer, without quarantine: the signature, chain,
 * schema, ownership and shape checks, the apply, stele_applied and the cursor),
 * with meta 'county_seq', in one transaction per change set. A refusal is
 * STELE_EVERIFY naming the commit, and nothing of that change set is kept.
 * Before the first county change set the default catalogue is deleted from the
 * county-owned tables, in its transaction (the county's first change sets
 * recreate them). *applied is the number applied now, *county_seq the county seq reached.
 * A county that has published nothing yet is not an error.
 */
int stele_sync_pull_county(uint64_t *applied, uint64_t *county_seq, sqlite3 *db,
			   git_repository *repo, const char *url,
			   const struct stele_remote_opts *opts);

#endif
