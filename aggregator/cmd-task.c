/* cmd-task.c: `stele-aggregator task issue|progress|overdue`: tasks the county
 * issues to villages (上级交办) and how the villages close them out (督办). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "rowcheck.h"
#include "suggest.h"

#define TASK_TARGETS_MAX 256  /* --township and --village options of one issue */

struct task_opts {
	const char *due, *category, *date;
	const char *targets[TASK_TARGETS_MAX];  /* each township or village, in order */
	char kinds[TASK_TARGETS_MAX];           /* 't' township, 'v' village */
	int ntargets;
};

/* --township and --village: each a target, in order, opt->code its kind ('t', 'v'). */
static int on_target(struct stele_ctx *ctx, const struct stele_option *opt, const char *arg)
{
	struct task_opts *o = opt->value;

	if (o->ntargets == TASK_TARGETS_MAX)
		return stele_error(STELE_EUSAGE, "task issue takes at most %d --township and "
				   "--village options", TASK_TARGETS_MAX);
	o->kinds[o->ntargets] = (char)opt->code;
	o->targets[o->ntargets++] = arg;
	return 0;
}

/* Runs sql binding texts a and b (b may be NULL) inside the caller's write; *changes
 * gets the rows it inserted. */
static int exec2(long *changes, struct stele_ctx *ctx, const char *sql, const char *a,
		 const char *b)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(stmt, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, ctx->db, "writing an issued task");
	else
		*changes = sqlite3_changes(ctx->db);
	sqlite3_finalize(stmt);
	return rc;
}

/* *out: the count sql (one text parameter) reads. */
static int count_of(int64_t *out, struct stele_ctx *ctx, const char *sql, const char *text)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(ctx->db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading the issued tasks");
	sqlite3_finalize(stmt);
	return rc;
}

/* Writes the task and its villages inside the caller's captured write: every
 * registered village when o names none; out_id gets its id. */
static int issue_put(char *out_id, struct stele_ctx *ctx, const char *title,
		     const struct task_opts *o, const char *today)
{
	char id[24], hint[96];
	long n = 0, total = 0;
	int rc;

	if ((rc = stele_db_next_id(id, ctx->db, "issued_task", "J", 4, NULL)) < 0)
		return rc;
	rc = stele_db_run(ctx->db, "writing an issued task",
			  "INSERT INTO issued_task (id, title, category, "
			  "due_on, issued_on) VALUES (?, ?, ?, ?, ?)",
			  "ttett", id, title, o->category, o->due, today);
	if (rc < 0)
		return rc;
	if (o->ntargets == 0 &&
	    (rc = exec2(&total, ctx, "INSERT INTO issued_task_village (task_id, village_code) "
				     "SELECT ?1, code FROM village", id, NULL)) < 0)
		return rc;
	for (int i = 0; i < o->ntargets; i++) {
		if ((rc = exec2(&n, ctx, o->kinds[i] == 't'
				? "INSERT OR IGNORE INTO issued_task_village (task_id, village_code) "
				  "SELECT ?1, code FROM village WHERE township_code = ?2"
				: "INSERT OR IGNORE INTO issued_task_village (task_id, village_code) "
				  "SELECT ?1, code FROM village WHERE code = ?2",
				id, o->targets[i])) < 0)
			return rc;
		if (n == 0 && o->kinds[i] == 'v') {
			bool exists;

			if ((rc = agg_village_exists(&exists, ctx, o->targets[i])) < 0)
				return rc;
			if (!exists) {
				agg_did_you_mean(hint, sizeof(hint), ctx, AGG_VILLAGE_CODES_SQL,
						 o->targets[i]);
				rc = stele_error(STELE_EINVALID, "task issue: village '%s' is not "
						 "registered", o->targets[i]);
				stele_suggest_hint(hint);
				return rc;
			}
		}
		if (n == 0 && o->kinds[i] == 't') {
			int64_t known = 0;

			if ((rc = count_of(&known, ctx, "SELECT count(*) FROM village "
							"WHERE township_code = ?", o->targets[i])) < 0)
				return rc;
			if (!known)
				return stele_error(STELE_EINVALID, "task issue: township %s has no "
						   "registered village", o->targets[i]);
		}
		total += n;
	}
	if (total == 0)
		return stele_error(STELE_EINVALID, "task issue: no village is registered to issue "
				   "the task to");
	strcpy(out_id, id);
	return 0;
}

int cmd_task_issue(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct task_opts o = { 0 };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "due", &o.due),
		STELE_OPT_STRING(0, "category", &o.category),
		STELE_OPT_CALLBACK(0, "township", true, on_target, &o, 't'),
		STELE_OPT_CALLBACK(0, "village", true, on_target, &o, 'v'),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	struct stele_capture *cap = NULL;
	char **pos, county[7], id[24], today[16];
	int32_t due;
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.due)
		return stele_error(STELE_EUSAGE, "task issue needs --due DATE");
	if (stele_parse_date(&due, o.due, "--due") < 0)
		return STELE_EUSAGE;
	if (!*pos[0])
		return stele_error(STELE_EUSAGE, "task issue: the title is empty");
	if (stele_check_text(pos[0], STELE_TITLE_MAX, "the title") < 0 ||
	    (o.category && stele_check_text(o.category, STELE_LABEL_MAX, "--category") < 0))
		return STELE_EUSAGE;
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_county_code(county, ctx)) < 0)
		return rc;
	for (int i = 0; i < o.ntargets; i++) {
		if (o.kinds[i] == 'v' && stele_check_village_code(o.targets[i], county,
								  "--village") < 0)
			return STELE_EUSAGE;
		if (o.kinds[i] == 't' && (strlen(o.targets[i]) != 9 ||
					  strspn(o.targets[i], "0123456789") != 9 ||
					  strncmp(o.targets[i], county, 6) != 0))
			return stele_error(STELE_EUSAGE, "--township '%s' is not a 9-digit township "
					   "code of county %s", o.targets[i], county);
	}
	stele_format_date(today, stele_today());
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	rc = issue_put(id, ctx, pos[0], &o, today);
	if ((rc = agg_write_end(NULL, ctx, cap, rc)) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

/* Each issued task's villages: on time, late, open (docs/rankings.md "Tasks issued
 * from above"). */
static const char progress_sql[] =
	"SELECT i.id, i.title, i.category, i.issued_on, i.due_on, count(*) AS villages, "
	"sum(c.closed_on IS NOT NULL AND c.closed_on <= i.due_on) AS on_time, "
	"sum(c.closed_on IS NOT NULL AND c.closed_on > i.due_on) AS late, "
	"sum(c.closed_on IS NULL) AS open "
	"FROM issued_task i JOIN issued_task_village g ON g.task_id = i.id "
	"LEFT JOIN issued_task_close c ON c.village_code = g.village_code AND c.task_id = i.id "
	"GROUP BY i.id ORDER BY i.id";

/* One task's villages, each with its result (on_time, late, open). */
static const char progress_one_sql[] =
	"SELECT g.village_code, v.name AS village_name, v.township_code, i.due_on, c.closed_on, "
	"CASE WHEN c.closed_on IS NULL THEN 'open' WHEN c.closed_on <= i.due_on THEN 'on_time' "
	"ELSE 'late' END AS result, "
	"CASE WHEN c.closed_on > i.due_on THEN "
	"(unixepoch(c.closed_on) - unixepoch(i.due_on)) / 86400 END AS days_late "
	"FROM issued_task i JOIN issued_task_village g ON g.task_id = i.id "
	"LEFT JOIN village v ON v.code = g.village_code "
	"LEFT JOIN issued_task_close c ON c.village_code = g.village_code AND c.task_id = i.id "
	"WHERE i.id = ?1 ORDER BY g.village_code";

int cmd_task_progress(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	char **pos = { NULL };
	int64_t known = 0;
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_LISTING(),
				      STELE_OPT_ARGS(0, 1)), argc, argv)) != 0)
		return rc;
	if ((rc = rank_open_county(ctx)) < 0)
		return rc;
	if (n == 0)
		return stele_cli_print_query(ctx, progress_sql, NULL, "villages,on_time,late,open");
	if ((rc = count_of(&known, ctx, "SELECT count(*) FROM issued_task WHERE id = ?",
			   pos[0])) < 0)
		return rc;
	if (!known) {
		char hint[96];
		agg_did_you_mean(hint, sizeof(hint), ctx, "SELECT id FROM issued_task ORDER BY id",
				 pos[0]);
		rc = stele_error(STELE_EINVALID, "issued task '%s' does not exist", pos[0]);
		stele_suggest_hint(hint);
		return rc;
	}
	const char *params[] = { pos[0], NULL };
	return stele_cli_print_query(ctx, progress_one_sql, params, "days_late");
}

/* The supervision list (挂牌督办): villages that have not closed out a task past its
 * due date, most days overdue first. */
static const char overdue_sql[] =
	"SELECT (unixepoch(?1) - unixepoch(i.due_on)) / 86400 AS days_overdue, i.id AS task_id, "
	"i.title, i.due_on, g.village_code, v.name AS village_name, v.township_code, "
	"v.township_name "
	"FROM issued_task i JOIN issued_task_village g ON g.task_id = i.id "
	"LEFT JOIN village v ON v.code = g.village_code "
	"LEFT JOIN issued_task_close c ON c.village_code = g.village_code AND c.task_id = i.id "
	"WHERE c.closed_on IS NULL AND i.due_on < ?1 "
	"ORDER BY days_overdue DESC, i.id, g.village_code";

int cmd_task_overdue(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct task_opts o = { 0 };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "date", &o.date), STELE_OPT_LISTING(), STELE_OPT_END()
	};
	char today[16], **args;
	int32_t date;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (o.date && stele_parse_date(&date, o.date, "--date") < 0)
		return STELE_EUSAGE;
	if (!o.date) {
		stele_format_date(today, stele_today());
		o.date = today;
	}
	if ((rc = rank_open_county(ctx)) < 0)
		return rc;
	const char *params[] = { o.date, NULL };
	return stele_cli_print_query(ctx, overdue_sql, params, "days_overdue");
}
