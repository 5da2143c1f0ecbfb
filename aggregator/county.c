/* county.c: what the aggregator's commands share: opening the county's (or a
 * township's) directory, captured writes to its stream, the village registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "buf.h"
#include "cli.h"
#include "credentials.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "history.h"
#include "i18n.h"
#include "keystore.h"
#include "options.h"
#include "parse.h"
#include "suggest.h"

int agg_open(struct stele_ctx *ctx)
{
	int rc;

	if ((rc = stele_ctx_open(ctx, true)) < 0)
		return rc;
	if (agg_level(ctx) == STELE_LEVEL_NONE)
		return stele_error(STELE_EFAIL, "%s is village %s's directory; use stele-agent",
				   ctx->dir, ctx->writer);
	if ((rc = stele_cli_key_recover(ctx, false)) < 0)
		return rc;
	/* The past states start here on a county created before they were kept. */
	return stele_history_install(ctx->db);
}

int agg_own_code(char out[10], struct stele_ctx *ctx)
{
	if (agg_level(ctx) == STELE_LEVEL_COUNTY)
		return agg_county_code(out, ctx);
	if (strlen(ctx->writer) >= 10)
		return stele_error(STELE_EFAIL, "%s names a writer '%s' that is no level's code",
				   ctx->dir, ctx->writer);
	snprintf(out, 10, "%s", ctx->writer);
	return 0;
}

int agg_key_tidy(struct stele_ctx *ctx)
{
	char code[10];
	int rc;

	if ((rc = agg_own_code(code, ctx)) < 0)
		return rc;
	return stele_keystore_tidy(ctx, code, "pushed_seq");
}

enum stele_level agg_level(const struct stele_ctx *ctx)
{
	enum stele_level level = ctx->writer ? stele_writer_level(ctx->writer) : STELE_LEVEL_NONE;

	return level == STELE_LEVEL_COUNTY || level == STELE_LEVEL_TOWNSHIP ||
	       level == STELE_LEVEL_CITY ? level : STELE_LEVEL_NONE;
}

int agg_county_only(const struct stele_ctx *ctx)
{
	if (agg_level(ctx) == STELE_LEVEL_TOWNSHIP)
		return stele_error(STELE_EFAIL, "%s is township %s's directory; this is the "
				   "county's to do", ctx->dir, ctx->writer);
	return 0;
}

int agg_township_only(const struct stele_ctx *ctx)
{
	if (agg_level(ctx) != STELE_LEVEL_TOWNSHIP)
		return stele_error(STELE_EFAIL, "%s is not a township's directory; the first review "
				   "is the township's to write (init --township)", ctx->dir);
	return 0;
}

int agg_scope_code(char out[10], struct stele_ctx *ctx)
{
	if (agg_level(ctx) == STELE_LEVEL_TOWNSHIP) {
		snprintf(out, 10, "%s", ctx->writer);
		return 0;
	}
	return agg_county_code(out, ctx);
}

int agg_write_begin(struct stele_ctx *ctx, struct stele_capture **cap)
{
	struct stele_capture *c = NULL;
	int rc;

	if ((rc = stele_capture_begin(&c, ctx->db, ctx->writer)) < 0)
		return rc;
	if ((rc = stele_history_epoch(NULL, ctx->db, "county")) < 0) {
		stele_capture_abort(c);
		return rc;
	}
	*cap = c;
	return 0;
}

int agg_write_commit(uint64_t *seq, struct stele_ctx *ctx, struct stele_capture *cap)
{
	uint64_t s = 0;
	int rc;

	if ((rc = stele_capture_commit(&s, cap, ctx->sk)) < 0)
		return rc;
	if (seq)
		*seq = s;
	return 0;
}

int agg_write_end(uint64_t *seq, struct stele_ctx *ctx, struct stele_capture *cap, int rc)
{
	if (rc < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	return agg_write_commit(seq, ctx, cap);
}

int agg_not_city(const struct stele_ctx *ctx)
{
	if (agg_level(ctx) == STELE_LEVEL_CITY)
		return stele_error(STELE_EFAIL, "%s is city %s's directory; this is done at the "
				   "county, whose registry reaches the city", ctx->dir, ctx->writer);
	return 0;
}

int agg_county_code(char out[7], struct stele_ctx *ctx)
{
	char *code = NULL;
	int rc;

	if ((rc = agg_not_city(ctx)) < 0)
		return rc;
	if ((rc = stele_meta_get(ctx->db, "county_code", &code)) < 0)
		return rc;
	if (!code || strlen(code) != 6) {
		free(code);
		return stele_error(STELE_EFAIL, "%s has no county code; run 'stele-aggregator init'",
				   ctx->dir);
	}
	memcpy(out, code, 7);
	free(code);
	return 0;
}

char *agg_mirror_path(const struct stele_ctx *ctx, const char *code)
{
	size_t n = strlen(ctx->dir) + strlen(AGG_MIRRORS_DIR) + strlen(code) + 8;
	char *path = malloc(n);

	if (path)
		snprintf(path, n, "%s/%s/%s.git", ctx->dir, AGG_MIRRORS_DIR, code);
	return path;
}

/* What agg_villages lists at a city (agg_city_set_list). */
static enum agg_city_list city_list = AGG_CITY_ALL;

void agg_city_set_list(enum agg_city_list which)
{
	city_list = which;
}

void agg_villages_free(struct agg_village *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].remote);
		free(v[i].pubkey);
	}
	free(v);
}

int agg_villages(struct agg_village **out, size_t *n, struct stele_ctx *ctx)
{
	struct agg_village *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t count = 0, cap = 0;
	int rc, step;

	/* A county's townships are streams it merges like its villages' (docs/levels.md);
	 * a city's counties are streams too, each listed before the streams it vouches
	 * for (its code is their prefix). */
	const char *below = "SELECT village_code, remote, pubkey FROM stele_village_source "
			    "UNION ALL SELECT township_code, remote, pubkey FROM stele_township_source";
	const char *counties = "SELECT county_code, remote, pubkey FROM stele_county_source";
	/* A county under a city: the city's stream (its catalogue) comes first. */
	const char *city = "SELECT city_code, remote, pubkey FROM stele_city_source";
	char sql[512];

	/* A township's county (`county join`): its catalogue, vetoes and reviews. */
	if (agg_level(ctx) == STELE_LEVEL_COUNTY)
		snprintf(sql, sizeof(sql), "%s UNION ALL %s ORDER BY 1", city, below);
	else if (agg_level(ctx) == STELE_LEVEL_TOWNSHIP)
		snprintf(sql, sizeof(sql), "%s UNION ALL %s ORDER BY 1", counties, below);
	else if (agg_level(ctx) != STELE_LEVEL_CITY || city_list == AGG_CITY_BELOW)
		snprintf(sql, sizeof(sql), "%s ORDER BY 1", below);
	else if (city_list == AGG_CITY_COUNTIES)
		snprintf(sql, sizeof(sql), "%s ORDER BY 1", counties);
	else
		snprintf(sql, sizeof(sql), "%s UNION ALL %s ORDER BY 1", counties, below);
	if ((rc = stele_db_prepare(ctx->db, &stmt, sql)) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(stmt, 0);
		const char *remote = (const char *)sqlite3_column_text(stmt, 1);
		const char *key = (const char *)sqlite3_column_text(stmt, 2);

		if ((rc = stele_array_reserve(&v, &cap, count, sizeof(*v), 64)) < 0)
			goto done;
		memset(&v[count], 0, sizeof(v[count]));
		snprintf(v[count].code, sizeof(v[count].code), "%s", code ? code : "");
		count++;
		if (!(v[count - 1].remote = strdup(remote ? remote : "")) ||
		    (key && *key && !(v[count - 1].pubkey = strdup(key)))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the village registry");
		goto done;
	}
	*out = v;
	*n = count;
	v = NULL;
done:
	sqlite3_finalize(stmt);
	if (v)
		agg_villages_free(v, count);
	return rc;
}

int agg_village_exists(bool *exists, struct stele_ctx *ctx, const char *code)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &stmt,
				   "SELECT 1 FROM village WHERE code = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		*exists = step == SQLITE_ROW;
	else
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the village registry");
	sqlite3_finalize(stmt);
	return rc;
}

int rank_open_county(struct stele_ctx *ctx)
{
	char *role = NULL;
	int rc;

	if ((rc = stele_ctx_open(ctx, false)) < 0)
		return rc;
	if ((rc = stele_meta_get(ctx->db, "role", &role)) < 0)
		return rc;
	if (!role || (strcmp(role, "county") != 0 && strcmp(role, "township") != 0 &&
		      strcmp(role, "city") != 0))
		rc = stele_error(STELE_EFAIL, "%s is not a county directory; use stele-agent there",
				 ctx->dir);
	free(role);
	return rc;
}

int rank_view_open(struct rank_view *view, struct stele_ctx *ctx, const char *as_of, bool draft)
{
	int64_t epoch = 0, run = 0;
	int rc;

	memset(view, 0, sizeof(*view));
	if (as_of && draft)
		return stele_error(STELE_EUSAGE, "--as-of and --draft do not go together: a draft "
				   "is tried on today's data");
	if (as_of) {
		if ((rc = stele_history_resolve(&epoch, &run, ctx->db, as_of)) < 0)
			return rc;
		view->kind = STELE_VIEW_AS_OF;
	} else {
		if ((rc = stele_history_now(&epoch, &run, ctx->db)) < 0)
			return rc;
		view->kind = draft ? STELE_VIEW_DRAFT : STELE_VIEW_LIVE;
	}
	view->epoch = epoch;
	view->run = run;
	if ((rc = stele_view_open(ctx->db, view->kind, epoch)) < 0)
		return rc;
	view->open = true;
	return 0;
}

void rank_view_close(struct rank_view *view, struct stele_ctx *ctx)
{
	if (view->open)
		stele_view_close(ctx->db, view->kind);
	view->open = false;
}

void agg_say_stream(const struct stele_ctx *ctx, const char *code, const char *what)
{
	switch (strlen(code)) {
	case STELE_LEVEL_CITY:
		fprintf(stderr, _("%s: city %s: %s\n"), ctx->prog, code, what);
		break;
	case STELE_LEVEL_COUNTY:
		fprintf(stderr, _("%s: county %s: %s\n"), ctx->prog, code, what);
		break;
	case STELE_LEVEL_TOWNSHIP:
		fprintf(stderr, _("%s: township %s: %s\n"), ctx->prog, code, what);
		break;
	default:
		fprintf(stderr, _("%s: village %s: %s\n"), ctx->prog, code, what);
	}
}

void agg_did_you_mean(char *out, size_t outsz, struct stele_ctx *ctx, const char *sql,
		      const char *given)
{
	char best[64];

	out[0] = '\0';
	if (stele_suggest_query(best, sizeof(best), ctx->db, sql, NULL, given) == 1)
		snprintf(out, outsz, "%s", best);
	stele_error_clear(); /* a failed lookup only costs the hint */
}

int agg_open_village(struct stele_ctx *ctx, const char *code)
{
	char hint[96];
	bool exists;
	int rc;

	if ((rc = agg_open(ctx)) < 0 || (rc = agg_village_exists(&exists, ctx, code)) < 0)
		return rc;
	if (exists)
		return 0;
	agg_did_you_mean(hint, sizeof(hint), ctx, AGG_VILLAGE_CODES_SQL, code);
	rc = stele_error(STELE_EINVALID, "village '%s' is not registered", code);
	stele_suggest_hint(hint);
	return rc;
}

int agg_check_source(const char *remote, const char *key, enum stele_level level)
{
	int rc;

	if ((rc = stele_check_text(remote, 1024, "--remote")) < 0)
		return rc;
	if (!*remote)
		return stele_error(STELE_EINVALID, "--remote is empty");
	return stele_parse_pubkey(NULL, key, "--key", level);
}

int agg_join_options(const char **remote, const char **key, struct stele_ctx *ctx,
		     const struct stele_cmd *cmd, int argc, char **argv, const char *what,
		     enum stele_level level)
{
	const char *r = NULL, *k = NULL;
	char **pos;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "remote", &r),
		STELE_OPT_STRING(0, "key", &k),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!r || !k)
		return stele_error(STELE_EUSAGE, "%s needs --remote URL and --key KEY", what);
	if ((rc = agg_check_source(r, k, level)) < 0)
		return stele_error(rc, "%s: %s", what, stele_error_message());
	*remote = r;
	*key = k;
	return 0;
}

int agg_register_source(struct stele_ctx *ctx, const char *code, const char *remote,
			int (*put)(struct stele_ctx *ctx, const char *code, const char *remote,
				   void *arg),
			void *arg)
{
	struct stele_kept_urls urls = STELE_KEPT_URLS_INIT;
	char *kept = NULL;
	int rc;

	/* The registry keeps the remote without its password. */
	if ((rc = stele_credentials_keep_url(&kept, &urls, remote, "--remote")) < 0 ||
	    (rc = stele_db_begin(ctx->db)) < 0)
		goto done;
	if ((rc = put(ctx, code, kept ? kept : remote, arg)) < 0 ||
	    (rc = stele_cli_save_kept_urls(&urls, ctx)) < 0) {
		stele_db_rollback(ctx->db);
		goto done;
	}
	if ((rc = stele_db_commit(ctx->db)) < 0)
		goto done;
	printf("%s\n", code);
done:
	stele_credentials_kept_free(&urls);
	free(kept);
	return rc;
}

/* Records the revocation and lets a stopped stream try again, in one transaction. */
static int write_revocation(struct stele_ctx *ctx, const char *code, int64_t from_seq,
			    const char *new_key, const char *command)
{
	int rc;

	if ((rc = stele_db_begin(ctx->db)) < 0)
		return rc;
	/* Again at the same seq: the key in force from there is replaced (the first
	 * revocation's key stays revoked, as it was in force before it). */
	if ((rc = stele_history_epoch(NULL, ctx->db, command)) < 0 ||
	    (rc = stele_db_run(ctx->db, "recording the revocation",
			       "INSERT INTO stele_key_override (village_code, seq_from, new_key, "
			       "revokes, at) VALUES (?1, ?2, ?3, 1, unixepoch()) "
			       "ON CONFLICT (village_code, seq_from) "
			       "DO UPDATE SET new_key = ?3, revokes = 1, at = unixepoch()",
			       "tie", code, from_seq, new_key)) < 0 ||
	    (rc = stele_db_run(ctx->db, "resetting the stream state",
			       "UPDATE stele_stream SET state = 'ok', state_note = NULL "
			       "WHERE writer = ? AND state <> 'ok'", "t", code)) < 0 ||
	    (rc = stele_db_commit(ctx->db)) < 0)
		stele_db_rollback(ctx->db);
	return rc;
}

/* The last seq merged from a stream (0 if none). */
static int merged_seq(int64_t *out, struct stele_ctx *ctx, const char *code)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &stmt,
				   "SELECT last_seq FROM stele_stream WHERE writer = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else if (step == SQLITE_DONE)
		*out = 0;
	else
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the stream");
	sqlite3_finalize(stmt);
	return rc;
}

/* What `village revoke`, `county revoke` and `township revoke` say: the same
 * sentences about a different writer. Each is a format (c-format for xgettext). */
struct revoke_words {
	enum stele_level level;
	const char *command;    /* the epoch's name */
	const char *bad_key;    /* code, the parse's message */
	const char *merged;     /* code, the merged seq, the first seq allowed */
	const char *done_key;   /* prog, code, seq, key (16 digits) */
	const char *done;       /* prog, code, seq, code, seq */
};

static const struct revoke_words revoke_words[] = {
	{ STELE_LEVEL_VILLAGE, "village revoke",
	  /* xgettext:c-format */
	  N_("village '%s': %s"),
	  /* xgettext:c-format */
	  N_("village '%s': change sets up to seq %lld are already merged, so a revocation can "
	     "start at seq %lld at the earliest; merged change sets are not undone (docs/keys.md)"),
	  /* xgettext:c-format */
	  N_("%s: village %s: from seq %lld on, change sets signed with the key in force there are "
	     "refused (revoked) and the key %.16s... signs instead\n"),
	  /* xgettext:c-format */
	  N_("%s: village %s: from seq %lld on, change sets signed with the key in force there are "
	     "refused (revoked); no key signs for it until 'village revoke %s --from-seq %lld "
	     "--key KEY'\n") },
	{ STELE_LEVEL_TOWNSHIP, "township revoke",
	  /* xgettext:c-format */
	  N_("township '%s': %s"),
	  /* xgettext:c-format */
	  N_("township '%s': change sets up to seq %lld are already merged, so a revocation can "
	     "start at seq %lld at the earliest; merged change sets are not undone (docs/keys.md)"),
	  /* xgettext:c-format */
	  N_("%s: township %s: from seq %lld on, change sets signed with the key in force there are "
	     "refused (revoked) and the key %.16s... signs instead\n"),
	  /* xgettext:c-format */
	  N_("%s: township %s: from seq %lld on, change sets signed with the key in force there are "
	     "refused (revoked); no key signs for it until 'township revoke %s --from-seq %lld "
	     "--key KEY'\n") },
	{ STELE_LEVEL_COUNTY, "county revoke",
	  /* xgettext:c-format */
	  N_("county '%s': %s"),
	  /* xgettext:c-format */
	  N_("county '%s': change sets up to seq %lld are already merged, so a revocation can start "
	     "at seq %lld at the earliest; merged change sets are not undone (docs/keys.md)"),
	  /* xgettext:c-format */
	  N_("%s: county %s: from seq %lld on, change sets signed with the key in force there are "
	     "refused (revoked) and the key %.16s... signs instead\n"),
	  /* xgettext:c-format */
	  N_("%s: county %s: from seq %lld on, change sets signed with the key in force there are "
	     "refused (revoked); no key signs for it until 'county revoke %s --from-seq %lld "
	     "--key KEY'\n") },
};

/* 0 when the one row of table's column named code says code is registered here;
 * STELE_EINVALID naming it (and the command that lists them) when not. */
static int registered(struct stele_ctx *ctx, const char *sql, const char *code,
		      enum stele_level level)
{
	int64_t n = 0;
	int rc;

	if ((rc = stele_db_query_int(&n, ctx->db, "reading the registry", sql, "t", code)) < 0)
		return rc;
	if (n > 0)
		return 0;
	if (level == STELE_LEVEL_TOWNSHIP)
		return stele_error(STELE_EINVALID, "township '%s' is not registered here "
				   "('township list')", code);
	return stele_error(STELE_EINVALID, "county '%s' is not registered here ('county list')",
			   code);
}

/* Opens the directory a revocation of code's key is made in: a village's and a
 * township's at their county (a city takes them from its counties' registries),
 * a county's where its stream is read (a city, or a township that joined it). */
static int open_for_revoke(struct stele_ctx *ctx, const char *code, enum stele_level level)
{
	int rc;

	if (level == STELE_LEVEL_VILLAGE) {
		if ((rc = agg_open_village(ctx, code)) < 0)
			return rc;
		return agg_not_city(ctx);
	}
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	if (level == STELE_LEVEL_TOWNSHIP) {
		if (agg_level(ctx) != STELE_LEVEL_COUNTY)
			return stele_error(STELE_EFAIL, "%s is not a county's directory; a township's "
					   "key is revoked at its county", ctx->dir);
		return registered(ctx, "SELECT count(*) FROM stele_township_source "
				       "WHERE township_code = ?", code, level);
	}
	if (agg_level(ctx) != STELE_LEVEL_CITY && agg_level(ctx) != STELE_LEVEL_TOWNSHIP)
		return stele_error(STELE_EFAIL, "%s is not a city's or a township's directory; a "
				   "county's key is revoked where its stream is read", ctx->dir);
	return registered(ctx, "SELECT count(*) FROM stele_county_source WHERE county_code = ?",
			  code, level);
}

int agg_revoke(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
	       enum stele_level level)
{
	struct { const char *from_seq, *key; } o = { 0 };
	const struct revoke_words *w = &revoke_words[0];
	unsigned char pk[STELE_PK_BYTES];
	char **pos, key_hex[2 * STELE_PK_BYTES + 1];
	int64_t from_seq, merged = 0;
	int rc, n;

	for (size_t i = 0; i < sizeof(revoke_words) / sizeof(*revoke_words); i++)
		if (revoke_words[i].level == level)
			w = &revoke_words[i];
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "from-seq", &o.from_seq),
		STELE_OPT_STRING(0, "key", &o.key),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.from_seq)
		return stele_error(STELE_EUSAGE, "%s needs --from-seq N (the first change set the "
				   "revoked key may not sign)", w->command);
	if (stele_parse_int(&from_seq, o.from_seq, 1, INT64_MAX, "--from-seq") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if (o.key && stele_parse_pubkey(pk, o.key, "--key", level) < 0)
		return stele_error(STELE_EINVALID, w->bad_key, pos[0], stele_error_message());
	if (o.key)
		stele_hex_encode(key_hex, pk, STELE_PK_BYTES);
	if ((rc = open_for_revoke(ctx, pos[0], level)) < 0 ||
	    (rc = merged_seq(&merged, ctx, pos[0])) < 0)
		return rc;
	if (from_seq <= merged)
		return stele_error(STELE_EINVALID, w->merged, pos[0], (long long)merged,
				   (long long)merged + 1);
	if ((rc = write_revocation(ctx, pos[0], from_seq, o.key ? key_hex : NULL, w->command)) < 0)
		return rc;
	if (o.key)
		fprintf(stderr, _(w->done_key), ctx->prog, pos[0], (long long)from_seq, key_hex);
	else
		fprintf(stderr, _(w->done), ctx->prog, pos[0], (long long)from_seq, pos[0],
			(long long)from_seq);
	return 0;
}
