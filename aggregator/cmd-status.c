/* cmd-status.c: `stele-aggregator status`: where every village's stream stands (and,
 * at a city, every county's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aggregator.h"
#include "changeset.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"

enum { COL_CODE, COL_NAME, COL_MERGED, COL_LAST, COL_MONTHS, COL_LAST_CLOSED, COL_STATE,
       COL_BEHIND, COL_FETCHED, COL_FETCH_ERROR, COL_NOTE, NCOLS };

/*
 * How far the mirror's fetched history is ahead of the cursor (merged, at the
 * commit last_commit): *behind (change sets fetched but not merged) and *diverged
 * when it does not extend the merged history. *known is false when nothing was
 * fetched.
 */
static int fetched_ahead(bool *known, long *behind, bool *diverged, struct stele_ctx *ctx,
			 const char *code, uint64_t merged, const char *last_commit)
{
	git_repository *repo = NULL;
	void *data = NULL;
	size_t len = 0;
	uint64_t seq;
	char *mirror = agg_mirror_path(ctx, code);
	git_oid tip, cursor;
	bool have_cursor;
	int rc = 0;

	*known = false;
	*diverged = false;
	*behind = 0;
	if (!mirror)
		return stele_error(STELE_EFAIL, "out of memory");
	if (access(mirror, F_OK) != 0)
		goto done;
	if ((rc = stele_repo_open(&repo, mirror, 0)) < 0)
		goto done;
	if (stele_repo_ref(&tip, repo, AGG_INCOMING_REF) != 1)
		goto done;
	*known = true;
	have_cursor = last_commit && *last_commit && stele_git_oid_parse(&cursor, last_commit) == 0;
	if (have_cursor) {
		if ((rc = stele_repo_descends(repo, &tip, &cursor)) < 0)
			goto done;
		if (rc == 0) {
			/* Either an older delivery (nothing to do) or a rewritten history. */
			if ((rc = stele_repo_descends(repo, &cursor, &tip)) < 0)
				goto done;
			*diverged = rc == 0;
			rc = 0;
			goto done;
		}
	}
	if (have_cursor && stele_git_oid_equal(&tip, &cursor))
		goto done;
	/* Change sets, not commits (a commit may hold a batch of them): the tip's
	 * seq past the merged one; commits when the tip holds none to read. */
	if (stele_repo_read(&data, &len, repo, &tip) == 0 && (seq = stele_cs_peek_seq(data, len))) {
		*behind = seq > merged ? (long)(seq - merged) : 0;
	} else {
		stele_error_clear();
		rc = stele_repo_count(behind, repo, &tip, have_cursor ? &cursor : NULL);
	}
done:
	free(data);
	stele_repo_close(repo);
	free(mirror);
	return rc;
}

static int status_table(struct stele_table **out, struct stele_ctx *ctx)
{
	static const char *const names[NCOLS] = {
		"code", "name", "merged_seq", "last_merged", "months_closed", "last_closed", "state",
		"behind", "fetched_at", "fetch_error", "note",
	};
	static const enum stele_col_kind kinds[NCOLS] = {
		[COL_MERGED] = STELE_COL_NUMBER, [COL_MONTHS] = STELE_COL_NUMBER,
		[COL_BEHIND] = STELE_COL_NUMBER,
	};
	struct stele_table *t = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc, step = SQLITE_DONE;

	if ((rc = stele_table_new(&t, NCOLS, names, kinds)) < 0)
		return rc;
	/* A county's townships are streams too, shown beside its villages (code
	 * order: a township before its villages); at a city its counties come first,
	 * each before its own, and a village its county lists without a key says so. */
	bool city = agg_level(ctx) == STELE_LEVEL_CITY;
	static const char counties[] =
			"SELECT c.county_code AS code, c.name, coalesce(st.last_seq, 0), "
			"local_time(st.applied_at), NULL, NULL, "
			"CASE WHEN coalesce(st.state, 'ok') = 'ok' AND coalesce(st.last_seq, 0) = 0 "
			"THEN 'never synced' ELSE coalesce(st.state, 'ok') END, "
			"local_time(c.fetched_at), c.fetch_error, st.state_note, st.last_commit "
			"FROM stele_county_source c "
			"LEFT JOIN stele_stream st ON st.writer = c.county_code UNION ALL ";
	/* A county under a city: the city's stream (its catalogue) first. */
	static const char cities[] =
			"SELECT c.city_code AS code, NULL, coalesce(st.last_seq, 0), "
			"local_time(st.applied_at), NULL, NULL, "
			"CASE WHEN coalesce(st.state, 'ok') = 'ok' AND coalesce(st.last_seq, 0) = 0 "
			"THEN 'never synced' ELSE coalesce(st.state, 'ok') END, "
			"local_time(c.fetched_at), c.fetch_error, st.state_note, st.last_commit "
			"FROM stele_city_source c "
			"LEFT JOIN stele_stream st ON st.writer = c.city_code UNION ALL ";
	static const char townships[] =
			"SELECT t.township_code AS code, (SELECT min(v.township_name) FROM village v "
			"WHERE v.township_code = t.township_code), coalesce(st.last_seq, 0), "
			"local_time(st.applied_at), NULL, NULL, "
			"CASE WHEN coalesce(st.state, 'ok') = 'ok' AND coalesce(st.last_seq, 0) = 0 "
			"THEN 'never synced' ELSE coalesce(st.state, 'ok') END, "
			"local_time(t.fetched_at), t.fetch_error, st.state_note, st.last_commit "
			"FROM stele_township_source t "
			"LEFT JOIN stele_stream st ON st.writer = t.township_code UNION ALL ";
	static const char villages[] =
			"SELECT v.code, v.name, coalesce(st.last_seq, 0), "
			"local_time(st.applied_at), "
			"(SELECT count(*) FROM period_close p WHERE p.village_code = v.code), "
			"(SELECT max(period) FROM period_close p WHERE p.village_code = v.code), "
			"CASE WHEN ?1 AND s.village_code IS NULL THEN 'not vouched' "
			"WHEN coalesce(st.state, 'ok') = 'ok' AND coalesce(st.last_seq, 0) = 0 "
			"THEN 'never synced' ELSE coalesce(st.state, 'ok') END, "
			"local_time(s.fetched_at), "
			"s.fetch_error, coalesce(st.state_note, CASE WHEN ?1 AND s.village_code IS NULL "
			"THEN 'county ' || substr(v.code, 1, 6) || ' has not published a key for it' "
			"END), st.last_commit "
			"FROM village v LEFT JOIN stele_village_source s ON s.village_code = v.code "
			"LEFT JOIN stele_stream st ON st.writer = v.code ORDER BY 1";
	char sql[sizeof(counties) + sizeof(cities) + sizeof(townships) + sizeof(villages)];

	snprintf(sql, sizeof(sql), "%s%s%s", city ? counties : agg_level(ctx) ==
		 STELE_LEVEL_COUNTY ? cities : "", townships, villages);
	if ((rc = stele_db_prepare(ctx->db, &stmt, sql)) < 0)
		goto done;
	sqlite3_bind_int(stmt, 1, city);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *cells[NCOLS];
		char behind_text[24];
		bool known, diverged;
		long behind;

		for (int i = 0; i < COL_BEHIND; i++)
			cells[i] = (const char *)sqlite3_column_text(stmt, i);
		cells[COL_FETCHED] = (const char *)sqlite3_column_text(stmt, 7);
		cells[COL_FETCH_ERROR] = (const char *)sqlite3_column_text(stmt, 8);
		cells[COL_NOTE] = (const char *)sqlite3_column_text(stmt, 9);
		if ((rc = fetched_ahead(&known, &behind, &diverged, ctx, cells[COL_CODE],
					(uint64_t)sqlite3_column_int64(stmt, COL_MERGED),
					(const char *)sqlite3_column_text(stmt, 10))) < 0)
			goto done;
		snprintf(behind_text, sizeof(behind_text), "%ld", behind);
		cells[COL_BEHIND] = known && !diverged ? behind_text : NULL;
		if (diverged && strcmp(cells[COL_STATE], "ok") == 0) {
			cells[COL_STATE] = "diverged";
			if (!cells[COL_NOTE])
				cells[COL_NOTE] = "the fetched history does not extend the merged one; "
						  "merge will hold it";
		}
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
done:
	return stele_table_end(out, t, stmt, rc, step, ctx->db, "reading the status");
}

int cmd_status(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct stele_table *t = NULL;
	int rc, n;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, stele_listing_options, argc, argv)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = stele_git_init()) < 0)
		return rc;
	if ((rc = status_table(&t, ctx)) < 0)
		return rc;
	rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}
