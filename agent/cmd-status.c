/* cmd-status.c: `stele-agent status`: the village, its pending change sets, sync
 * state, rules version, closed months and record counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"

/* A meta value for display: unix seconds or a UTC stamp become local time with
 * its offset (as everywhere); absent is `none`. */
static void meta_display(char *buf, size_t size, const char *value, const char *none)
{
	char local[STELE_LOCAL_TIME_BYTES], *end;
	long long secs;

	if (!value || !*value) {
		snprintf(buf, size, "%s", none);
		return;
	}
	secs = strtoll(value, &end, 10);
	if (*end != '\0' || secs <= 0)
		secs = stele_parse_utc_stamp(value);
	if (secs > 0) {
		stele_format_local_time(local, secs);
		snprintf(buf, size, "%s", local);
		return;
	}
	snprintf(buf, size, "%s", value);
}

static const char *const status_items[] = { "item", "value" };

/* The months closed: how many, and the first and last (*first and *last are
 * freed by the caller; both "" when none). */
static int closed_months(long long *count, char **first, char **last, struct stele_ctx *ctx)
{
	sqlite3_stmt *stmt = NULL;
	char *a = NULL, *b = NULL;
	int rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT count(*), coalesce(min(period), ''), "
				   "coalesce(max(period), '') FROM period_close "
				   "WHERE village_code = ?1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the status");
		goto done;
	}
	if (!(a = strdup((const char *)sqlite3_column_text(stmt, 1))) ||
	    !(b = strdup((const char *)sqlite3_column_text(stmt, 2)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	*count = sqlite3_column_int64(stmt, 0);
	*first = a;
	*last = b;
	a = b = NULL;
done:
	free(a);
	free(b);
	sqlite3_finalize(stmt);
	return rc;
}

/* A value made of numbers and words: in the reader's language in a table, in the
 * fixed English that scripts read in CSV and JSON (cli.md: they never change with
 * the language). Single fixed values ("never", "none") are the table printer's to
 * translate (lib/words.c). */
#define SAY(ctx, s) ((ctx)->format == STELE_FORMAT_TABLE ? _(s) : (s))

/* Two counts of one query (the village bound as ?1, and after as ?2 when the
 * query has one), as *all and *some. */
static int query_counts(long long *all, long long *some, struct stele_ctx *ctx, const char *sql,
			int64_t after)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		sqlite3_bind_int64(stmt, 2, after);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*all = sqlite3_column_int64(stmt, 0);
		*some = sqlite3_column_int64(stmt, 1);
	} else {
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the status");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int cmd_status(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	/* Each record count, and the part of it that is still open. */
	static const struct { const char *item, *sql, *open; } counts[] = {
		{ "members", "SELECT count(*), count(*) FILTER (WHERE status = 'active') "
			     "FROM member WHERE village_code = ?1", N_("%lld (%lld active)") },
		{ "point events", "SELECT count(*), count(*) FILTER (WHERE stage IN "
				  "('recorded', 'group', 'committee')) "
				  "FROM point_event WHERE village_code = ?1", N_("%lld (%lld under review)") },
		{ "tasks", "SELECT count(*), count(*) FILTER (WHERE closed_on IS NULL) "
			   "FROM task WHERE village_code = ?1", N_("%lld (%lld open)") },
		{ "requests", "SELECT count(*), count(*) FILTER (WHERE resolved_on IS NULL) "
			      "FROM request WHERE village_code = ?1", N_("%lld (%lld open)") },
		{ "income rows", "SELECT count(*), 0 FROM income WHERE village_code = ?1", NULL },
		{ "assessments", "SELECT count(*), 0 FROM assessment WHERE village_code = ?1", NULL },
	};
	struct stele_table *t = NULL;
	char *name = NULL, *synced = NULL, *last_sync = NULL, *remote = NULL, *county_seq = NULL;
	char *first = NULL, *last = NULL, buf[256];
	int64_t synced_seq = 0;
	long long all, some;
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, stele_listing_options, argc, argv,
				  agent_open)) != 0)
		return rc;
	if ((rc = stele_table_new(&t, 2, status_items, NULL)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "village_name", &name)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "synced_seq", &synced)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "last_sync_at", &last_sync)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "remote", &remote)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "county_seq", &county_seq)) < 0)
		goto done;
	if (synced)
		synced_seq = strtoll(synced, NULL, 10);
#define ROW(item, value) \
	do { \
		const char *cells_[] = { (item), (value) }; \
		if ((rc = stele_table_add_row(t, cells_)) < 0) \
			goto done; \
	} while (0)
	ROW("village", agent_village(ctx));
	ROW("name", name ? name : "");
	if ((rc = query_counts(&all, &some, ctx, "SELECT (SELECT count(*) FROM stele_outbox WHERE "
			       "seq > ?2), (SELECT coalesce(max(seq), 0) FROM stele_outbox)",
			       synced_seq)) < 0)
		goto done;
	snprintf(buf, sizeof(buf), SAY(ctx, "%lld (of %lld captured)"), all, some);
	ROW("pending change sets", buf);
	meta_display(buf, sizeof(buf), last_sync, "never");
	ROW("last sync", buf);
	ROW("remote", remote && *remote ? remote : "none");
	if (county_seq && *county_seq)
		snprintf(buf, sizeof(buf), SAY(ctx, "county change set %s"), county_seq);
	else
		snprintf(buf, sizeof(buf), "default catalogue (never synced with the county)");
	ROW("rules version", buf);
	if ((rc = closed_months(&all, &first, &last, ctx)) < 0)
		goto done;
	if (all == 0)
		snprintf(buf, sizeof(buf), "none");
	else
		snprintf(buf, sizeof(buf), SAY(ctx, "%lld (%s to %s)"), all, first, last);
	ROW("months closed", buf);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if ((rc = query_counts(&all, &some, ctx, counts[i].sql, 0)) < 0)
			goto done;
		if (counts[i].open)
			snprintf(buf, sizeof(buf), ctx->format == STELE_FORMAT_TABLE ?
				 _(counts[i].open) : counts[i].open, all, some);
		else
			snprintf(buf, sizeof(buf), "%lld", all);
		ROW(counts[i].item, buf);
	}
#undef ROW
	rc = stele_cli_print(ctx, t);
done:
	stele_table_free(t);
	free(first);
	free(last);
	free(name);
	free(synced);
	free(last_sync);
	free(remote);
	free(county_seq);
	return rc;
}
