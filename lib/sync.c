/* sync.c: the agent's pull of the county rules stream, through the same checks and
 * apply as the aggregator's merge (lib/merge.c). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "domain.h"
#include "error.h"
#include "merge.h"
#include "parse.h"
#include "sync.h"

/* The county stream's pinned key and merge, carried through the walk. */
struct county_pull {
	sqlite3 *db;
	git_repository *repo;
	struct stele_merge *m;  /* the county's stream, opened with key */
	unsigned char key[STELE_PK_BYTES];
	bool have_key;          /* meta 'county_key' is set (else: pin on first use) */
	uint64_t applied;
};

/* Opens the county's stream with key into p->m, scoped to the county of this
 * village (the first 6 digits of its code): the county's rows that belong to a
 * village must name one of its own (lib/domain.h). */
static int open_county(struct county_pull *p)
{
	char *village = NULL, county[STELE_LEVEL_COUNTY + 1];
	int rc;

	if ((rc = stele_merge_open(&p->m, p->db, STELE_WRITER_COUNTY, p->key, 0)) < 0)
		return rc;
	if ((rc = stele_meta_get(p->db, "village_code", &village)) < 0)
		return rc;
	if (village && stele_writer_level(village) == STELE_LEVEL_VILLAGE) {
		snprintf(county, sizeof(county), "%.6s", village);
		rc = stele_merge_set_scope(p->m, county);
	}
	free(village);
	return rc;
}

/* Deletes the default catalogue before the county's own arrives. */
static int clear_county_tables(sqlite3 *db)
{
	char sql[96];
	int rc;

	for (const char *const *t = stele_county_tables; *t; t++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s", *t);
		if ((rc = stele_db_exec(db, sql)) < 0)
			return rc;
	}
	return 0;
}

/* 0 when signer, the key a county commit names, is the county's pinned key or the
 * key in force for the seq its change set claims (after the county's key
 * rotations); 1 when it is neither. The signature itself is the merge's to check. */
static int named_key_in_force(struct county_pull *p, const unsigned char signer[STELE_PK_BYTES],
			      const void *data, size_t len)
{
	unsigned char pk[STELE_PK_BYTES];
	uint64_t seq = stele_cs_peek_seq(data, len), next = stele_merge_last_seq(p->m) + 1;
	bool revoked;
	int rc;

	if (memcmp(signer, p->key, STELE_PK_BYTES) == 0)
		return 0;
	if ((rc = stele_merge_key_in_force(pk, &revoked, p->m, seq && seq <= next ? seq : next)) < 0)
		return rc;
	return memcmp(signer, pk, STELE_PK_BYTES) == 0 ? 0 : 1;
}

/* Offers one county change set, with the agent's own rows (the catalogue cleared
 * before seq 1, the key pinned on first use, meta county_seq), in one transaction. */
static int pull_one(void *ctx, const git_oid *commit, const void *data, size_t len,
		    bool commit_end)
{
	struct county_pull *p = ctx;
	enum stele_merge_outcome outcome;
	unsigned char signer[STELE_PK_BYTES];
	char hex[STELE_OID_HEX_LEN + 1], key_hex[2 * STELE_PK_BYTES + 1], seq_text[24];
	bool pin = false;
	long rows = 0;
	int rc;

	stele_git_oid_hex(hex, commit);
	if (!data)
		return stele_error(STELE_EVERIFY, "county commit %.12s holds no change set", hex);
	if ((rc = stele_repo_commit_pubkey(signer, p->repo, commit)) < 0)
		return rc;
	if (!p->have_key && stele_merge_last_seq(p->m) == 0 && p->applied == 0) {
		/* Trust on first use: the county's stream is opened again with its key. */
		memcpy(p->key, signer, STELE_PK_BYTES);
		stele_merge_free(p->m);
		p->m = NULL;
		if ((rc = open_county(p)) < 0)
			return rc;
		pin = true;
	} else if ((rc = named_key_in_force(p, signer, data, len)) != 0) {
		if (rc < 0)
			return rc;
		return stele_error(STELE_EVERIFY, "county commit %.12s names a signing key that is "
				   "not the county's pinned key, nor the key in force for its seq "
				   "(the county's key rotations: docs/keys.md)", hex);
	}
	if ((rc = stele_merge_begin(p->m)) < 0)
		return rc;
	if (stele_merge_last_seq(p->m) == 0 && (rc = clear_county_tables(p->db)) < 0)
		goto done;
	if (pin) {
		stele_hex_encode(key_hex, p->key, STELE_PK_BYTES);
		if ((rc = stele_meta_set(p->db, "county_key", key_hex)) < 0)
			goto done;
	}
	if ((rc = stele_merge_offer(&outcome, &rows, p->m, data, len, hex, commit_end)) < 0) {
		if (rc == STELE_EVERIFY)
			rc = stele_error(rc, "county commit %.12s: %s", hex, stele_error_message());
		goto done;
	}
	if (outcome == STELE_MERGE_APPLIED) {
		snprintf(seq_text, sizeof(seq_text), "%llu",
			 (unsigned long long)stele_merge_last_seq(p->m));
		if ((rc = stele_meta_set(p->db, "county_seq", seq_text)) < 0)
			goto done;
		p->applied++;
	}
	if ((rc = stele_merge_commit(p->m)) < 0)
		goto done;
	p->have_key = true;
done:
	if (rc < 0) {
		/* Nothing of this change set is kept; the stream's cursor is stale. */
		stele_merge_free(p->m);
		p->m = NULL;
	}
	return rc;
}

int stele_sync_pull_county(uint64_t *applied, uint64_t *county_seq, sqlite3 *db,
			   git_repository *repo, const char *url,
			   const struct stele_remote_opts *opts)
{
	struct county_pull p = { .db = db, .repo = repo };
	char *pinned = NULL;
	const char *last;
	git_oid since;
	int found = 0, rc;

	memset(&since, 0, sizeof(since));
	if ((rc = stele_meta_get(db, "county_key", &pinned)) < 0)
		return rc;
	if (pinned) {
		if (stele_hex_decode(p.key, STELE_PK_BYTES, pinned) < 0) {
			rc = stele_error(STELE_EFAIL, "the pinned county key is not a public key");
			goto done;
		}
		p.have_key = true;
	}
	if ((rc = open_county(&p)) < 0)
		goto done;
	last = stele_merge_last_commit(p.m);
	if (stele_merge_last_seq(p.m) > 0 && *last && stele_git_oid_parse(&since, last) < 0) {
		rc = stele_error(STELE_EFAIL, "the county stream's cursor names no commit");
		goto done;
	}
	if ((rc = stele_remote_fetch(&found, repo, url, STELE_BRANCH, STELE_COUNTY_REF, opts)) < 0)
		goto done;
	if (found && (rc = stele_repo_walk(repo, STELE_COUNTY_REF, &since, pull_one, &p)) < 0) {
		if (strstr(stele_error_message_en(), "history rewritten"))
			rc = stele_error(STELE_EVERIFY, "the county's stream was rewritten: the county "
					 "change set this village applied last is no longer on it");
		goto done;
	}
	*applied = p.applied;
	*county_seq = p.m ? stele_merge_last_seq(p.m) : 0;
done:
	stele_merge_free(p.m);
	free(pinned);
	return rc;
}
