/* import.c: a whole CSV of one kind of record into the caller's batch, every row
 * through the same validated write as its command; shared by `stele-agent import`
 * and the workbench's import (which shows every refused row before committing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "batch.h"
#include "csv.h"
#include "db.h"
#include "error.h"
#include "import.h"
#include "lenient.h"
#include "parse.h"
#include "records.h"
#include "table.h"
#include "words.h"
#include "xlsxread.h"

static int import_point(struct agent_batch *b, char **f)
{
	struct point_row row = { .id = f[0], .member_id = f[1], .rule_code = f[2],
				 .occurred_on = f[3], .points = f[4], .stage = f[5], .note = f[6] };

	return point_put(NULL, b, &row);
}

static int import_task(struct agent_batch *b, char **f)
{
	struct task_row row = { .id = f[0], .title = f[1], .category = f[2], .assignee = f[3],
				.due_on = f[4], .closed_on = f[5] };

	return task_put(NULL, b, &row);
}

static int import_request(struct agent_batch *b, char **f)
{
	struct request_row row = { .id = f[0], .received_on = f[1], .category = f[2],
				   .grid = f[3], .resolved_on = f[4], .satisfied = f[5] };

	return request_put(NULL, b, &row);
}

static int import_income(struct agent_batch *b, char **f)
{
	struct income_row row = { .id = f[0], .period = f[1], .amount = f[2], .source = f[3] };

	return income_put(NULL, b, &row);
}

static int import_assessment(struct agent_batch *b, char **f)
{
	struct assessment_row row = { .year = f[0], .item_code = f[1], .score = f[2],
				      .note = f[3] };

	return assessment_put(b, &row);
}

/* Members go through member_put (cmd-member.c); the field checks come first here
 * so that a refusal names its column. */
static int import_member(struct agent_batch *b, char **f)
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
	if (*f[MF_BORN] && stele_parse_int(f[MF_BORN], 1900, 2999, &born, "born") < 0) {
		rc = agent_refuse(MF_BORN, "%s: born '%s' is not a year", label, f[MF_BORN]);
		goto done;
	}
	if (*f[MF_JOINED] && stele_parse_date(f[MF_JOINED], &days, "joined") < 0) {
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
	if (exists && !changed)
		goto done;
	if (v[MF_JOINED] && (rc = agent_batch_refuse_closed(b, MF_JOINED, label, v[MF_JOINED])) < 0)
		goto done;
	struct member_row row = { .id = v[MF_ID], .name = v[MF_NAME], .gender = v[MF_GENDER],
				  .born = v[MF_BORN], .joined = v[MF_JOINED],
				  .status = v[MF_STATUS], .grid = v[MF_GRID] };
	rc = member_put(NULL, b, &row);
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
/* The columns holding fixed values (words.h); a task's or request's category is text. */
static const char *const import_words[] = { "gender", "status", "stage", "satisfied", NULL };

#define COLS(a) a, sizeof(a) / sizeof(a[0])
static const struct agent_import_kind import_kinds[] = {
	{ "members", COLS(member_cols), "itcydct", import_member },
	{ "points", COLS(point_cols), "iicdnct", import_point },
	{ "tasks", COLS(task_cols), "ittidd", import_task },
	{ "requests", COLS(request_cols), "idttdc", import_request },
	{ "income", COLS(income_cols), "imnt", import_income },
	{ "assessments", COLS(assessment_cols), "ycnt", import_assessment },
	{ NULL, NULL, 0, NULL, NULL },
};

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
		     const struct agent_import_kind *k, struct stele_csv *csv,
		     agent_import_refused_fn on_refused, void *arg,
		     agent_import_progress_fn progress, void *progress_arg)
{
	int index_of[8];
	char **fields, *f[8], norm[8][32];
	size_t nfields;
	long n = 0, refused = 0, split = 0;
	bool sheet = stele_csv_is_sheet(csv);
	int rc;

	if ((rc = stele_csv_header(csv, k->cols, k->ncols, NULL, index_of)) < 0)
		return rc;
	while ((rc = stele_csv_next(csv, &fields, &nfields)) > 0) {
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
		if ((rc = k->put(b, f)) < 0) {
			char msg[1024];
			int field = agent_refused_field();
			snprintf(msg, sizeof(msg), "%s", stele_error_message());
			rc = stele_csv_error(csv, field >= 0 ? (size_t)index_of[field] + 1 : 0, rc,
					     "%s", msg);
			goto row_done;
		}
		if ((rc = stele_capture_split(b->cap, b->ctx->sk, AGENT_IMPORT_CHANGESET_BYTES)) < 0)
			return rc;
		split += rc;
		rc = 0;
row_done:
		if (rc == STELE_EINVALID && on_refused) {
			/* A refused put wrote nothing: the next rows can still be checked. */
			refused++;
			if ((rc = on_refused(arg, stele_error_message())) < 0)
				return rc;
			continue;
		}
		if (rc < 0)
			return rc;
		if (progress && n % 1000 == 0)
			progress(progress_arg, n);
	}
	if (rc < 0)
		return rc;
	if (refused)
		return stele_error(STELE_EINVALID, "%ld of %ld rows refused", refused, n);
	*rows = n;
	if (splits)
		*splits = split;
	return 0;
}
