/* city.c: a city over its counties (docs/levels.md "Cities"): each county's stream,
 * verified with the key the city pinned for it, carries the registry of the
 * villages and townships it vouches for; the city fetches and verifies those
 * streams itself, end to end, never a county's copy of them. And the other way:
 * the city's catalogue, in the city's stream, followed by a county that belongs to
 * the city and published on in the county's own stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "capture.h"
#include "changeset.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "gitrepo.h"
#include "i18n.h"
#include "rules.h"

/* The statements of agg_city_adopt, in order. Each stream is taken only under a
 * registered county whose code starts it: the county stream's own check already
 * refused a registry row outside its county (ownership), this says it again. */
static const char *const adopt_sql[] = {
	"INSERT INTO stele_village_source (village_code, remote, pubkey) "
	"SELECT r.code, r.remote, r.pubkey FROM registry_source r "
	"WHERE length(r.code) = 12 AND r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source) "
	"ON CONFLICT (village_code) DO UPDATE SET remote = excluded.remote, "
	"pubkey = excluded.pubkey WHERE remote IS NOT excluded.remote OR "
	"pubkey IS NOT excluded.pubkey",

	"INSERT INTO stele_township_source (township_code, remote, pubkey) "
	"SELECT r.code, r.remote, r.pubkey FROM registry_source r "
	"WHERE length(r.code) = 9 AND r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source) "
	"ON CONFLICT (township_code) DO UPDATE SET remote = excluded.remote, "
	"pubkey = excluded.pubkey WHERE remote IS NOT excluded.remote OR "
	"pubkey IS NOT excluded.pubkey",

	"DELETE FROM stele_village_source WHERE village_code NOT IN "
	"(SELECT r.code FROM registry_source r WHERE r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source))",

	"DELETE FROM stele_township_source WHERE township_code NOT IN "
	"(SELECT r.code FROM registry_source r WHERE r.pubkey IS NOT NULL "
	"AND substr(r.code, 1, 6) IN (SELECT county_code FROM stele_county_source))",

	/* The counties' revocations and replacements, as 'village revoke' wrote them
	 * there: lib/keys.c reads them from stele_key_override at the city too. */
	"INSERT INTO stele_key_override (village_code, seq_from, new_key, revokes, at) "
	"SELECT code, seq_from, new_key, revokes, CAST(strftime('%s', 'now') AS INTEGER) "
	"FROM registry_key WHERE true ON CONFLICT (village_code, seq_from) DO UPDATE SET "
	"new_key = excluded.new_key, revokes = excluded.revokes WHERE "
	"new_key IS NOT excluded.new_key OR revokes IS NOT excluded.revokes",

	/* The city's own revocations of its counties' keys ('county revoke') stay. */
	"DELETE FROM stele_key_override WHERE length(village_code) <> 6 AND NOT EXISTS "
	"(SELECT 1 FROM registry_key k "
	"WHERE k.code = stele_key_override.village_code "
	"AND k.seq_from = stele_key_override.seq_from)",
};

int agg_city_adopt(long *changed, struct stele_ctx *ctx)
{
	long count = 0;
	int rc;

	if ((rc = stele_db_begin(ctx->db)) < 0)
		return rc;
	for (size_t i = 0; i < sizeof(adopt_sql) / sizeof(adopt_sql[0]); i++) {
		if ((rc = stele_db_exec(ctx->db, adopt_sql[i])) < 0) {
			stele_db_rollback(ctx->db);
			return rc;
		}
		count += sqlite3_changes(ctx->db);
	}
	if ((rc = stele_db_commit(ctx->db)) < 0)
		return rc;
	if (changed)
		*changed = count;
	return 0;
}

/* Whether a fetch or merge error lets the rest go on (a stream's own trouble,
 * reported on stderr), rather than stopping the round. */
static bool partial(int rc)
{
	return rc == STELE_EFAIL || rc == STELE_EVERIFY;
}

int agg_city_fetch(struct agg_fetch_tally *tally, struct stele_ctx *ctx,
		   const struct agg_fetch_opts *opts)
{
	struct agg_fetch_tally counties = { 0 };
	int rc;

	agg_city_set_list(AGG_CITY_COUNTIES);
	if ((rc = agg_fetch_round(&counties, ctx, opts)) < 0)
		goto done;
	/* What the counties' streams now vouch for is what the next round fetches: they
	 * are merged here (a county that cannot be stops only its own registry where it
	 * was, said on stderr; merge says it again). */
	rc = agg_merge(ctx);
	if (rc < 0 && !partial(rc))
		goto done;
	if ((rc = agg_city_adopt(NULL, ctx)) < 0)
		goto done;
	agg_city_set_list(AGG_CITY_BELOW);
	if ((rc = agg_fetch_round(tally, ctx, opts)) < 0)
		goto done;
	tally->jobs += counties.jobs;
	tally->failed += counties.failed;
	tally->others += counties.others;
	tally->others_failed += counties.others_failed;
	tally->quarantined += counties.quarantined;
	/* The second round ignored the counties' entries the first one took. */
	tally->ignored -= (long)counties.jobs;
	if (tally->ignored < 0)
		tally->ignored = 0;
done:
	agg_city_set_list(AGG_CITY_ALL);
	return rc;
}

/* The catalogue tables the city's stream writes (lib/domain.c). */
static int reset_catalogue(struct stele_ctx *ctx)
{
	char sql[96];
	int rc;

	for (const char *const *t = stele_city_tables; *t; t++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s", *t);
		if ((rc = stele_db_exec(ctx->db, sql)) < 0)
			return rc;
	}
	return stele_rules_install_defaults(ctx->db);
}

/* The city's change sets the county takes: those its merge verified after the
 * last one followed, read again from the mirror (each proved the same bytes by
 * its hash in stele_applied). */
struct follow_walk {
	struct stele_ctx *ctx;
	const char *code;
	uint64_t after, upto;
	sqlite3_stmt *hash;            /* the merged change set's hash */
	struct stele_changeset **cs;   /* seq after + 1 .. upto, in order */
	size_t n;
	int rc;
};

static int follow_one(void *arg, const git_oid *commit, const void *data, size_t len,
		      bool commit_end)
{
	struct follow_walk *w = arg;
	unsigned char hash[STELE_HASH_BYTES];
	struct stele_changeset *cs = NULL;
	uint64_t seq;
	int step;

	(void)commit;
	seq = data ? stele_cs_peek_seq(data, len) : 0;
	if (seq <= w->after || seq > w->upto)
		return 0;
	stele_cs_hash(hash, data, len);
	sqlite3_bind_text(w->hash, 1, w->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(w->hash, 2, (sqlite3_int64)seq);
	step = sqlite3_step(w->hash);
	if (step != SQLITE_ROW || sqlite3_column_bytes(w->hash, 0) != STELE_HASH_BYTES ||
	    memcmp(sqlite3_column_blob(w->hash, 0), hash, STELE_HASH_BYTES) != 0 ||
	    seq != w->after + 1 + w->n) {
		sqlite3_reset(w->hash);
		w->rc = stele_error(STELE_EFAIL, "%s: seq %llu in its mirror is not the change "
				    "set merged; nothing of its catalogue was taken", w->code,
				    (unsigned long long)seq);
		return 1;
	}
	sqlite3_reset(w->hash);
	/* Verified when it was merged (the same bytes): decoded only. */
	if ((w->rc = stele_cs_decode(&cs, NULL, data, len, NULL)) < 0)
		return 1;
	w->cs[w->n++] = cs;
	return 0;
}

/* The conflicts of the county's catalogue with the city's: the city's row wins
 * (a row the county still had as its own is replaced; one already gone is left). */
static int follow_conflict(void *arg, int type, sqlite3_changeset_iter *it)
{
	(void)arg;
	(void)it;
	if (type == SQLITE_CHANGESET_DATA || type == SQLITE_CHANGESET_CONFLICT)
		return SQLITE_CHANGESET_REPLACE;
	if (type == SQLITE_CHANGESET_NOTFOUND)
		return SQLITE_CHANGESET_OMIT;
	return SQLITE_CHANGESET_ABORT;
}

/* The level above whose catalogue a directory follows, and where it is
 * registered: a county's city (`city join`), a township's county (`county join`). */
struct above {
	const char *table, *column;
};
static const struct above city_above = { "stele_city_source", "city_code" };
static const struct above county_above = { "stele_county_source", "county_code" };

/* The directory's level above, and where its merge and the follow stand: 1 with
 * the row, 0 when there is none. */
static int above_row(char code[8], uint64_t *merged, uint64_t *followed, struct stele_ctx *ctx,
		     const struct above *above)
{
	sqlite3_stmt *stmt = NULL;
	char sql[256];
	int rc, step;

	snprintf(sql, sizeof(sql), "SELECT a.%s, coalesce(s.last_seq, 0), a.catalogue_seq "
		 "FROM %s a LEFT JOIN stele_stream s ON s.writer = a.%s", above->column,
		 above->table, above->column);
	if ((rc = stele_db_prepare(ctx->db, &stmt, sql)) < 0)
		return rc;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		snprintf(code, 8, "%s", (const char *)sqlite3_column_text(stmt, 0));
		*merged = (uint64_t)sqlite3_column_int64(stmt, 1);
		*followed = (uint64_t)sqlite3_column_int64(stmt, 2);
		rc = 1;
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the level above");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* The follow's table filter: the catalogue only (a city's stream holds nothing
 * else; a county's stream, read at a township, does). */
static int catalogue_only(void *arg, const char *table)
{
	(void)arg;
	return stele_level_owns(STELE_LEVEL_CITY, table);
}

int agg_follow_catalogue(uint64_t *seq, struct stele_ctx *ctx)
{
	struct follow_walk w = { .ctx = ctx };
	struct stele_capture *cap = NULL;
	git_repository *repo = NULL;
	const struct above *above;
	char code[8], *mirror = NULL;
	uint64_t merged = 0, followed = 0, s = 0;
	char sql[96];
	bool began = false, changed;
	int changes, rc;

	/* A county's catalogue is published on to its villages: captured in its own
	 * stream. A township's is its own league's only: written, not captured (its
	 * stream carries its reviews, nothing else). */
	if (agg_level(ctx) == STELE_LEVEL_COUNTY)
		above = &city_above;
	else if (agg_level(ctx) == STELE_LEVEL_TOWNSHIP)
		above = &county_above;
	else
		return 0;
	if ((rc = above_row(code, &merged, &followed, ctx, above)) <= 0)
		return rc;
	if (merged <= followed)
		return 0;
	w.code = code;
	w.after = followed;
	w.upto = merged;
	if (!(w.cs = calloc((size_t)(merged - followed), sizeof(*w.cs))) ||
	    !(mirror = agg_mirror_path(ctx, code))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = stele_git_init()) < 0 || (rc = stele_repo_open(&repo, mirror, 0)) < 0 ||
	    (rc = stele_db_prepare(ctx->db, &w.hash, "SELECT hash FROM stele_applied "
				   "WHERE writer = ?1 AND seq = ?2")) < 0)
		goto done;
	rc = stele_repo_walk(repo, AGG_INCOMING_REF, NULL, follow_one, &w);
	if (w.rc < 0) {
		rc = w.rc;
		goto done;
	}
	if (rc < 0)
		goto done;
	if (w.n != merged - followed) {
		rc = stele_error(STELE_EFAIL, "%s: its mirror holds %zu of the %llu change sets "
				 "merged since seq %llu; nothing of its catalogue was taken", code,
				 w.n, (unsigned long long)(merged - followed),
				 (unsigned long long)followed);
		goto done;
	}
	/* What the change sets above change in the catalogue, and where the follow
	 * stands, together: at a county one change set of its own stream. */
	if (above == &city_above)
		rc = agg_write_begin(ctx, &cap);
	else if ((rc = stele_db_begin(ctx->db)) == 0)
		began = true;
	if (rc < 0)
		goto done;
	changes = sqlite3_total_changes(ctx->db);
	if (followed == 0 && (rc = reset_catalogue(ctx)) < 0)
		goto done;
	for (size_t i = 0; i < w.n; i++) {
		int src = sqlite3changeset_apply_v2(ctx->db, (int)w.cs[i]->changes_len,
						    w.cs[i]->changes, catalogue_only, follow_conflict,
						    NULL, NULL, NULL, 0);
		if (src != SQLITE_OK) {
			rc = stele_error_db(STELE_EFAIL, ctx->db, "applying the catalogue above");
			goto done;
		}
	}
	changed = sqlite3_total_changes(ctx->db) != changes;
	snprintf(sql, sizeof(sql), "UPDATE %s SET catalogue_seq = ?", above->table);
	if ((rc = stele_db_run(ctx->db, "recording the catalogue followed", sql, "i",
			       (int64_t)merged)) < 0)
		goto done;
	if (cap) {
		rc = agg_write_commit(&s, ctx, cap); /* frees cap either way */
		cap = NULL;
	} else {
		rc = stele_db_commit(ctx->db);
		began = false;
	}
	if (rc < 0)
		goto done;
	if (above == &city_above && s)
		fprintf(stderr, _("%s: the catalogue of city %s (to seq %llu) is the county's; "
				  "its next publish carries it to the villages\n"), ctx->prog, code,
			(unsigned long long)merged);
	else if (above == &county_above && changed)
		fprintf(stderr, _("%s: the catalogue of county %s (to seq %llu) is the "
				  "township's\n"), ctx->prog, code, (unsigned long long)merged);
	if (seq)
		*seq = s;
done:
	stele_capture_abort(cap); /* NULL once committed */
	if (began)
		stele_db_rollback(ctx->db);
	for (size_t i = 0; w.cs && i < w.n; i++)
		stele_cs_free(w.cs[i]);
	free(w.cs);
	sqlite3_finalize(w.hash);
	stele_repo_close(repo);
	free(mirror);
	return rc;
}

int agg_not_under_city(struct stele_ctx *ctx)
{
	char code[8];
	uint64_t merged, followed;
	int rc;

	if (agg_level(ctx) != STELE_LEVEL_COUNTY)
		return 0;
	if ((rc = above_row(code, &merged, &followed, ctx, &city_above)) <= 0)
		return rc;
	return stele_error(STELE_EFAIL, "%s belongs to city %s, whose catalogue governs: the "
			   "rules are imported at the city and reach this county at its sync",
			   ctx->dir, code);
}

int agg_after_merge(struct stele_ctx *ctx)
{
	int rc;

	if (agg_level(ctx) == STELE_LEVEL_TOWNSHIP)
		return agg_follow_catalogue(NULL, ctx);
	if (agg_level(ctx) != STELE_LEVEL_COUNTY)
		return 0;
	if ((rc = agg_follow_catalogue(NULL, ctx)) < 0)
		return rc;
	return agg_publish_stream(ctx, NULL, false);
}
