/* cmd-export.c: `stele-agent export KIND [--out FILE]`: a table of the village's
 * records as CSV (default), JSON or an Excel workbook, with exactly the columns
 * `import` reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "agent.h"
#include "records.h"
#include "error.h"
#include "fileio.h"
#include "xlsxread.h"
#include "xlsxwrite.h"

/* The format a file name asks for by its extension: 1 for .xlsx, 0 with *format
 * for .csv and .json, or a usage error. */
static int format_of_path(enum stele_format *format, bool *xlsx, const char *path)
{
	const char *dot = strrchr(path, '.');

	*xlsx = stele_xlsx_path(path);
	if (*xlsx)
		return 0;
	if (dot && strcasecmp(dot, ".csv") == 0)
		*format = STELE_FORMAT_CSV;
	else if (dot && strcasecmp(dot, ".json") == 0)
		*format = STELE_FORMAT_JSON;
	else
		return stele_error(STELE_EUSAGE, "--out '%s': the file name must end in .csv, "
				   ".xlsx or .json", path);
	return 0;
}

/* Writes t to path (a workbook, or CSV with a BOM for Excel, or JSON) through a
 * temporary file renamed into place, so a failure leaves no half a file. */
static int write_file(const struct stele_table *t, const char *kind, const char *path,
		      bool xlsx, enum stele_format format, bool raw)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int rc = 0;

	if (asprintf(&tmp, "%s.tmp%s", path, xlsx ? ".xlsx" : "") < 0) {
		tmp = NULL;
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (xlsx) {
		rc = stele_xlsx_write(t, kind, tmp);
	} else if (!(f = fopen(tmp, "wb"))) {
		rc = stele_error(STELE_EFAIL, "cannot write %s: %m", path);
	} else if ((rc = stele_table_print(t, format,
					   (format == STELE_FORMAT_CSV ? STELE_PRINT_BOM : 0) |
					   (raw ? STELE_PRINT_RAW : 0), f)) == 0 &&
		   (fflush(f) != 0 || ferror(f))) {
		rc = stele_error(STELE_EFAIL, "cannot write %s: %m", path);
	}
	if (f && fclose(f) != 0 && rc == 0)
		rc = stele_error(STELE_EFAIL, "cannot write %s: %m", path);
	if (rc == 0)
		rc = stele_file_rename(tmp, path, "export");
done:
	if (rc < 0 && tmp)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cmd_export(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct agent_export *e;
	struct stele_table *t = NULL;
	enum stele_format format = STELE_FORMAT_CSV;
	const char *out = NULL;
	bool xlsx = false;
	char **pos;
	int rc, n;

	/* Export feeds import: CSV unless --format (or --out's extension) says otherwise. */
	ctx->format = (enum stele_format)-1;
	const struct stele_option options[] = {
		STELE_OPT_STRING('o', "out", &out),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!(e = agent_export_find(pos[0])))
		return stele_error(STELE_EUSAGE, "unknown kind '%s' (members, points, tasks, "
				   "requests, income, assessments or grids)", pos[0]);
	if (out && (rc = format_of_path(&format, &xlsx, out)) < 0)
		return rc;
	if (out && (int)ctx->format != -1 && (xlsx || ctx->format != format))
		return stele_error(STELE_EUSAGE, "--format %s does not match --out '%s'",
				   ctx->format == STELE_FORMAT_JSON ? "json" :
				   ctx->format == STELE_FORMAT_CSV ? "csv" : "table", out);
	if ((int)ctx->format == -1)
		ctx->format = STELE_FORMAT_CSV;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), NULL };
	if (!out)
		return stele_cli_print_query(ctx, e->sql, params, e->number_cols);
	if ((rc = stele_table_from_query(&t, ctx->db, e->sql, params, e->number_cols)) < 0)
		return rc;
	rc = write_file(t, e->kind, out, xlsx, format, ctx->raw);
	stele_table_free(t);
	return rc;
}
