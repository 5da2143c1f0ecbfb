/* cmd-import.c: `stele-agent import KIND FILE`: a whole CSV or .xlsx file in one
 * transaction, every row through the same validated write as its command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "batch.h"
#include "csv.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "import.h"
#include "parse.h"
#include "records.h"
#include "xlsxread.h"

/* How many records follow the header (for progress on a terminal only). */
static long count_records(const char *path)
{
	struct stele_csv *csv = NULL;
	char **fields;
	size_t nfields;
	long n = -1;

	if (strcmp(path, "-") == 0 || stele_xlsx_path(path) ||
	    stele_csv_open(&csv, path, AGENT_IMPORT_MAX_BYTES) < 0)
		return 0;
	while (stele_csv_next(&fields, &nfields, csv) > 0)
		n++;
	stele_csv_free(csv);
	stele_error_clear();
	return n > 0 ? n : 0;
}

struct import_progress {
	struct stele_ctx *ctx;
	long total;
};

static void on_progress(void *arg, long rows)
{
	struct import_progress *p = arg;

	if (p->total)
		stele_cli_progress(p->ctx, "importing", rows, p->total);
}

int cmd_import(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct agent_import_kind *k;
	struct stele_csv *csv = NULL;
	struct agent_batch b;
	struct import_progress p = { ctx, 0 };
	bool began = false, allow_duplicates = false;
	char **pos;
	long rows = 0, total = 0, splits = 0;
	int64_t changes_before;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_BOOL(0, "allow-duplicates", &allow_duplicates),
		STELE_OPT_ARGS(2, 2),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!(k = agent_import_kind(pos[0])))
		return stele_error(STELE_EUSAGE, "unknown kind '%s' (members, points, tasks, "
				   "requests, income, assessments or grids)", pos[0]);
	if ((rc = agent_import_open(&csv, pos[1])) < 0)
		return rc;
	if (strcmp(stele_csv_encoding(csv), "UTF-8") != 0)
		fprintf(stderr, _("%s: reading %s as %s text (converted to UTF-8)\n"), ctx->prog,
			pos[1], stele_csv_encoding(csv));
	if (ctx->verbose_progress)
		total = count_records(pos[1]);
	p.total = total;
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		goto done;
	began = true;
	changes_before = sqlite3_total_changes64(ctx->db);
	if ((rc = agent_import_csv(&rows, &splits, &b, k, csv, allow_duplicates, NULL, NULL,
				    on_progress, &p)) < 0)
		goto done;
	/* The outbox rows of the change sets already stored are no rows of the file. */
	int64_t written = sqlite3_total_changes64(ctx->db) - changes_before - splits;
	began = false;
	if ((rc = agent_batch_commit(&b)) < 0)
		goto done;
	if (total)
		stele_cli_progress(ctx, "importing", total, total);
	fprintf(stderr, P_("%s: imported %ld row of %s from %s (%lld written, the rest unchanged)\n",
			   "%s: imported %ld rows of %s from %s (%lld written, the rest unchanged)\n",
			   rows),
		ctx->prog, rows, _(k->label), pos[1], (long long)written);
done:
	if (began)
		agent_batch_abort(&b);
	stele_csv_free(csv);
	return rc;
}
