/* import.c: a whole CSV of one kind of record into the caller's batch, every row
 * through the same validated write as its command; shared by `stele-agent import`
 * and the workbench's import (which shows every refused row before committing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "batch.h"
#include "buf.h"
#include "csv.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "import.h"
#include "lenient.h"
#include "parse.h"
#include "records.h"
#include "table.h"
#include "words.h"
#include "xlsxread.h"

static int import_point(char *out_id, struct agent_batch *b, char **f)
{
	struct point_row row = { .id = f[0], .member_id = f[1], .rule_code = f[2],
				 .occurred_on = f[3], .points = f[4], .stage = f[5], .note = f[6] };

	return point_put(out_id, b, &row);
}

static int import_task(char *out_id, struct agent_batch *b, char **f)
{
	struct task_row row = { .id = f[0], .title = f[1], .category = f[2], .assignee = f[3],
				.due_on = f[4], .closed_on = f[5] };

	return task_put(out_id, b, &row);
}

static int import_request(char *out_id, struct agent_batch *b, char **f)
{
	struct request_row row = { .id = f[0], .received_on = f[1], .category = f[2],
				   .grid = f[3], .resolved_on = f[4], .satisfied = f[5] };

	return request_put(out_id, b, &row);
}

static int import_income(char *out_id, struct agent_batch *b, char **f)
{
	struct income_row row = { .id = f[0], .period = f[1], .amount = f[2], .source = f[3] };

	return income_put(out_id, b, &row);
}

static int import_grid(char *out_id, struct agent_batch *b, char **f)
{
	struct grid_row row = { .id = f[0], .name = f[1], .households = f[2], .worker = f[3] };

	return grid_put(out_id, b, &row);
}

static int import_assessment(char *out_id, struct agent_batch *b, char **f)
{
	*out_id = '\0';

	struct assessment_row row = { .year = f[0], .item_code = f[1], .score = f[2],
				      .note = f[3] };

	return assessment_put(b, &row);
}

/* Members go through member_put (cmd-member.c); the field checks come first here
 * so that a refusal names its column. */
static int import_member(char *out_id, struct agent_batch *b, char **f)
{
	char *old[MF_COUNT] = { 0 };
	const char *v[MF_COUNT];
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	bool exists, changed = false;
	int32_t days;
	int64_t born;
	int rc = 0;

	if ((rc = agent_batch_row_ref(&ref, old, b, &member_kind, f[MF_ID], false, false)) < 0)
		return rc;
	exists = ref.exists;
	if (!*f[MF_NAME]) {
		rc = agent_refuse(MF_NAME, "%s: name is empty", label);
		goto done;
	}
	if ((rc = agent_check_field_text(MF_NAME, label, "name", f[MF_NAME], 100)) < 0 ||
	    (rc = agent_check_field_text(MF_GRID, label, "grid", f[MF_GRID], 64)) < 0)
		goto done;
	if (*f[MF_GENDER] && strcmp(f[MF_GENDER], "M") != 0 && strcmp(f[MF_GENDER], "F") != 0) {
		rc = agent_refuse(MF_GENDER, "%s: gender '%s' is not M, F or empty", label,
				  f[MF_GENDER]);
		goto done;
	}
	if (*f[MF_BORN] && stele_parse_int(&born, f[MF_BORN], 1900, 2999, "born") < 0) {
		rc = agent_refuse(MF_BORN, "%s: born '%s' is not a year", label, f[MF_BORN]);
		goto done;
	}
	if (*f[MF_JOINED] && stele_parse_date(&days, f[MF_JOINED], "joined") < 0) {
		rc = agent_refuse(MF_JOINED, "%s: %s", label, stele_error_message());
		goto done;
	}
	if (*f[MF_STATUS] && !agent_in_list(member_statuses, f[MF_STATUS])) {
		rc = agent_refuse(MF_STATUS, "%s: status '%s' is not active, transferred_out, "
				  "flowing or deceased", label, f[MF_STATUS]);
		goto done;
	}
	/* Unchanged fields are kept (NULL), so an unchanged row writes nothing and a
	 * join date in a closed month that stays as it was is no change to that month. */
	v[MF_ID] = id;
	for (int i = 1; i < MF_COUNT; i++) {
		v[i] = exists && strcmp(f[i], old[i]) == 0 ? NULL : f[i];
		changed |= v[i] != NULL && !(i == MF_STATUS && !*v[i]);
	}
	if (v[MF_STATUS] && !*v[MF_STATUS])
		v[MF_STATUS] = NULL; /* empty status: active for a new member, else kept */
	snprintf(out_id, 24, "%s", id);
	if (exists && !changed)
		goto done;
	if (v[MF_JOINED] && (rc = agent_batch_refuse_closed(b, MF_JOINED, label, v[MF_JOINED])) < 0)
		goto done;
	struct member_row row = { .id = v[MF_ID], .name = v[MF_NAME], .gender = v[MF_GENDER],
				  .born = v[MF_BORN], .joined = v[MF_JOINED],
				  .status = v[MF_STATUS], .grid = v[MF_GRID] };
	rc = member_put(out_id, b, &row);
done:
	agent_free_cols(old, MF_COUNT);
	return rc;
}

static const char *const member_cols[] = { "id", "name", "gender", "born", "joined", "status",
					   "grid" };
static const char *const point_cols[] = { "id", "member_id", "rule_code", "occurred_on",
					  "points", "stage", "note" };
static const char *const task_cols[] = { "id", "title", "category", "assignee", "due_on",
					 "closed_on" };
static const char *const request_cols[] = { "id", "received_on", "category", "grid",
					    "resolved_on", "satisfied" };
static const char *const income_cols[] = { "id", "period", "amount", "source" };
static const char *const assessment_cols[] = { "year", "item_code", "score", "note" };
static const char *const grid_cols[] = { "id", "name", "households", "worker" };
/* The columns holding fixed values (words.h); a task's or request's category is text. */
static const char *const import_words[] = { "gender", "status", "stage", "satisfied", NULL };

/*
 * The duplicate guard: a row imported with an empty id that repeats a record
 * stored before the import (rowid <= ?3) in what the record says (not in what
 * its review or closing has done since: stage, closed_on, resolved_on, status),
 * found from the new row (village ?1, id ?2). Income needs none: its
 * (period, source) is unique.
 */
#define DUP_SQL(table, same) \
	"SELECT o.id FROM " table " n JOIN " table " o ON o.village_code = n.village_code " \
	"AND o.rowid <= ?3 AND o.id <> n.id AND " same " WHERE n.village_code = ?1 " \
	"AND n.id = ?2 ORDER BY o.id LIMIT 1"
static const char member_dup_sql[] = DUP_SQL("member",
	"o.name = n.name AND o.gender IS n.gender AND o.born IS n.born AND o.joined IS n.joined");
static const char point_dup_sql[] = DUP_SQL("point_event",
	"o.member_id = n.member_id AND o.occurred_on = n.occurred_on AND "
	"o.rule_code = n.rule_code AND o.points = n.points AND o.note IS n.note");
static const char task_dup_sql[] = DUP_SQL("task",
	"o.due_on = n.due_on AND o.title = n.title AND o.category IS n.category AND "
	"o.assignee IS n.assignee");
static const char request_dup_sql[] = DUP_SQL("request",
	"o.received_on = n.received_on AND o.category IS n.category AND o.grid IS n.grid");

#define COLS(a) a, sizeof(a) / sizeof(a[0])
static const struct agent_import_kind import_kinds[] = {
	{ "members", COLS(member_cols), "itcydct", import_member, "member",
	  NC_("record", "member"), member_dup_sql, N_("members") },
	{ "points", COLS(point_cols), "iicdnct", import_point, "point_event",
	  NC_("record", "point event"), point_dup_sql, N_("point events") },
	{ "tasks", COLS(task_cols), "ittidd", import_task, "task", NC_("record", "task"),
	  task_dup_sql, N_("tasks") },
	{ "requests", COLS(request_cols), "idttdc", import_request, "request",
	  NC_("record", "request"), request_dup_sql, N_("requests") },
	{ "income", COLS(income_cols), "imnt", import_income, "income", NC_("record", "income"),
	  NULL, N_("income") },
	{ "assessments", COLS(assessment_cols), "ycnt", import_assessment, "assessment",
	  NC_("record", "assessment"), NULL,
	  N_("self-assessment scores") },
	{ "grids", COLS(grid_cols), "itnt", import_grid, "grid", NC_("record", "grid"), NULL,
	  N_("grids") },
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL },
};

#define DUP_LIST_MAX 10 /* lines named in the refusal; the rest are counted */

/* The duplicate guard's findings: the lines that repeat records, as text. */
struct dup_guard {
	const struct agent_import_kind *k;
	int64_t last_rowid; /* the table's rows before the import: rowid <= this */
	struct stele_buf lines;
	long count;
};

/* Checks the row just written with the new id id (given empty in the file). */
static int dup_check(struct dup_guard *g, struct agent_batch *b, const struct stele_csv *csv,
		     const char *id)
{
	sqlite3_stmt *stmt;
	int rc, step;

	if ((rc = agent_batch_stmt(&stmt, b, g->k->dup_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, g->last_rowid);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		if (++g->count <= DUP_LIST_MAX)
			rc = stele_buf_printf(&g->lines, _("%sline %zu repeats %s '%s'"),
					      g->count > 1 ? ", " : "", stele_csv_line(csv),
					      C_("record", g->k->what), (const char *)sqlite3_column_text(stmt, 0));
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "looking for duplicates");
	}
	sqlite3_reset(stmt);
	return rc;
}

/*
 * One field as the row's write will take it: surrounding spaces trimmed; in
 * every column but text, full-width digits, letters and punctuation made ASCII;
 * dates, months, years and numbers in the spellings Excel writes rewritten to
 * domain.md's (into buf, 32 bytes), and in a workbook a date column's day serial.
 * *out is the field itself or buf. STELE_EINVALID for a date that could be two.
 */
static int read_field(char **out, char *buf, char *field, char type, bool sheet)
{
	int rc = 0;

	stele_lenient_trim(field);
	*out = field;
	if (type == 't')
		return 0;
	stele_lenient_ascii(field);
	if (type == 'd' && ((sheet && (rc = stele_lenient_serial(buf, field)) == 1) ||
			    (rc = stele_lenient_date(buf, field, "date")) == 1))
		*out = buf;
	else if (type == 'm' && (rc = stele_lenient_month(buf, field)) == 1)
		*out = buf;
	else if (type == 'y' && (rc = stele_lenient_year(buf, field)) == 1)
		*out = buf;
	else if (type == 'n' && (rc = stele_lenient_number(buf, 32, field)) == 1)
		*out = buf;
	return rc < 0 ? rc : 0;
}

int agent_import_open(struct stele_csv **out, const char *path)
{
	return stele_xlsx_path(path) ? stele_xlsx_read(out, path, AGENT_IMPORT_MAX_BYTES)
				     : stele_csv_open(out, path, AGENT_IMPORT_MAX_BYTES);
}

const struct agent_import_kind *agent_import_kind(const char *kind)
{
	for (const struct agent_import_kind *k = import_kinds; k->kind; k++)
		if (strcmp(k->kind, kind) == 0)
			return k;
	return NULL;
}

int agent_import_csv(long *rows, long *splits, struct agent_batch *b,
		     const struct agent_import_kind *k, struct stele_csv *csv, bool allow_duplicates,
		     agent_import_refused_fn on_refused, void *arg,
		     agent_import_progress_fn progress, void *progress_arg)
{
	struct dup_guard guard = { .k = k, .lines = STELE_BUF_INIT(STELE_BUF_NOLIMIT) };
	bool guarded = k->dup_sql && !allow_duplicates;
	int index_of[8];
	char **fields, *f[8], norm[8][32], id[24];
	size_t nfields;
	long n = 0, refused = 0, split = 0;
	bool sheet = stele_csv_is_sheet(csv);
	int rc;

	if ((rc = stele_csv_header(csv, k->cols, k->ncols, NULL, index_of)) < 0)
		goto done;
	if (guarded) {
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT coalesce(max(rowid), 0) FROM %s", k->table);
		if ((rc = stele_db_int(b->ctx->db, sql, &guard.last_rowid)) < 0)
			goto done;
	}
	while ((rc = stele_csv_next(&fields, &nfields, csv)) > 0) {
		n++;
		if (nfields != k->ncols) {
			rc = stele_csv_error(csv, 0, STELE_EINVALID, "expected %zu fields, found %zu",
					     k->ncols, nfields);
			goto row_done;
		}
		for (size_t i = 0; i < k->ncols; i++) {
			char *raw = fields[index_of[i]];
			/* export's neutralised formula cell ('=...) reads back as it was stored */
			if (raw[0] == '\'' && stele_csv_formula_like(raw + 1))
				raw++;
			if ((rc = read_field(&f[i], norm[i], raw, k->types[i], sheet)) < 0) {
				rc = stele_csv_error(csv, (size_t)index_of[i] + 1, rc, "%s",
						     stele_error_message());
				goto row_done;
			}
			if (agent_in_list(import_words, k->cols[i]))
				f[i] = (char *)stele_word_code(k->cols[i], f[i]);
		}
		agent_refuse_clear();
		if ((rc = k->put(id, b, f)) < 0) {
			char msg[1024];
			int field = agent_refused_field();
			snprintf(msg, sizeof(msg), "%s", stele_error_message());
			rc = stele_csv_error(csv, field >= 0 ? (size_t)index_of[field] + 1 : 0, rc,
					     "%s", msg);
			goto row_done;
		}
		if (guarded && !*f[0] && (rc = dup_check(&guard, b, csv, id)) < 0)
			goto row_done;
		if ((rc = stele_capture_split(b->cap, b->ctx->sk, AGENT_IMPORT_CHANGESET_BYTES)) < 0)
			goto done;
		split += rc;
		rc = 0;
row_done:
		if (rc == STELE_EINVALID && on_refused) {
			/* A refused put wrote nothing: the next rows can still be checked. */
			refused++;
			if ((rc = on_refused(arg, stele_error_message())) < 0)
				goto done;
			continue;
		}
		if (rc < 0)
			goto done;
		if (progress && n % 1000 == 0)
			progress(progress_arg, n);
	}
	if (rc < 0)
		goto done;
	if (refused) {
		rc = stele_error(STELE_EINVALID, "%ld of %ld rows refused", refused, n);
		goto done;
	}
	if (guard.count) {
		if (guard.count > DUP_LIST_MAX &&
		    (rc = stele_buf_printf(&guard.lines, _(" and %ld more"),
					   guard.count - DUP_LIST_MAX)) < 0)
			goto done;
		rc = stele_error(STELE_EINVALID,
				 P_("%s: %ld row with an empty id repeats records already stored "
				    "(%s); nothing imported: if they are new records, import with "
				    "--allow-duplicates",
				    "%s: %ld rows with an empty id repeat records already stored "
				    "(%s); nothing imported: if they are new records, import with "
				    "--allow-duplicates", guard.count),
				 stele_csv_name(csv), guard.count, guard.lines.data);
		goto done;
	}
	*rows = n;
	if (splits)
		*splits = split;
done:
	stele_buf_free(&guard.lines);
	return rc;
}
