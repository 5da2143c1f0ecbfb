/* cmd-import.c: `stele-agent import KIND FILE`: a whole CSV in one captured write
 * (one change set), every row through the same validated write as its command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "batch.h"
#include "csv.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "table.h"

#define IMPORT_MAX_BYTES ((size_t)512 << 20)

/* One row's fields in the kind's column order (f[i] is column names[i]). */
typedef int (*import_row_fn)(struct agent_batch *b, char **f);

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

#define COLS(a) a, sizeof(a) / sizeof(a[0])
static const struct import_kind {
	const char *kind;
	const char *const *cols;
	size_t ncols;
	import_row_fn put;
} import_kinds[] = {
	{ "members", COLS(member_cols), import_member },
	{ "points", COLS(point_cols), import_point },
	{ "tasks", COLS(task_cols), import_task },
	{ "requests", COLS(request_cols), import_request },
	{ "income", COLS(income_cols), import_income },
	{ "assessments", COLS(assessment_cols), import_assessment },
	{ NULL, NULL, 0, NULL },
};

/* How many records follow the header (for progress on a terminal only). */
static long count_records(const char *path)
{
	struct stele_csv *csv = NULL;
	char **fields;
	size_t nfields;
	long n = -1;

	if (strcmp(path, "-") == 0 || stele_csv_open(&csv, path, IMPORT_MAX_BYTES) < 0)
		return 0;
	while (stele_csv_next(csv, &fields, &nfields) > 0)
		n++;
	stele_csv_free(csv);
	stele_error_clear();
	return n > 0 ? n : 0;
}

int cmd_import(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct import_kind *k;
	struct stele_csv *csv = NULL;
	struct agent_batch b;
	bool began = false;
	int index_of[8];
	char *pos[2], **fields, *f[8];
	size_t nfields;
	long rows = 0, total = 0;
	int64_t changes_before;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, false, NULL, NULL, pos, 2, 2, &n,
				  &done)) < 0 || done)
		return rc;
	for (k = import_kinds; k->kind && strcmp(k->kind, pos[0]) != 0; k++)
		;
	if (!k->kind)
		return stele_error(STELE_EUSAGE, "unknown kind '%s' (members, points, tasks, "
				   "requests, income or assessments)", pos[0]);
	if ((rc = stele_csv_open(&csv, pos[1], IMPORT_MAX_BYTES)) < 0)
		return rc;
	if ((rc = stele_csv_header(csv, k->cols, k->ncols, NULL, index_of)) < 0)
		goto done;
	if (ctx->verbose_progress)
		total = count_records(pos[1]);
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		goto done;
	began = true;
	changes_before = sqlite3_total_changes64(ctx->db);
	while ((rc = stele_csv_next(csv, &fields, &nfields)) > 0) {
		if (nfields != k->ncols) {
			rc = stele_csv_error(csv, 0, STELE_EINVALID, "expected %zu fields, found %zu",
					     k->ncols, nfields);
			goto done;
		}
		for (size_t i = 0; i < k->ncols; i++) {
			f[i] = fields[index_of[i]];
			/* export's neutralised formula cell ('=...) reads back as it was stored */
			if (f[i][0] == '\'' && stele_csv_formula_like(f[i] + 1))
				f[i]++;
		}
		agent_refuse_clear();
		if ((rc = k->put(&b, f)) < 0) {
			char msg[1024];
			int field = agent_refused_field();
			snprintf(msg, sizeof(msg), "%s", stele_error_message());
			rc = stele_csv_error(csv, field >= 0 ? (size_t)index_of[field] + 1 : 0, rc,
					     "%s", msg);
			goto done;
		}
		rows++;
		if (total && rows % 1000 == 0)
			stele_cli_progress(ctx, "importing", rows, total);
	}
	if (rc < 0)
		goto done;
	int64_t written = sqlite3_total_changes64(ctx->db) - changes_before;
	began = false;
	if ((rc = agent_batch_commit(&b)) < 0)
		goto done;
	if (total)
		stele_cli_progress(ctx, "importing", total, total);
	fprintf(stderr, "%s: imported %ld row%s of %s from %s (%lld written, the rest unchanged)\n",
		ctx->prog, rows, rows == 1 ? "" : "s", k->kind, pos[1], (long long)written);
done:
	if (began)
		agent_batch_abort(&b);
	stele_csv_free(csv);
	return rc;
}
