/* xlsxwrite.c: writing a table as an .xlsx workbook with libxlsxwriter. */
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "error.h"
#include "xlsxwrite.h"

/* The decimals of a number's text ("68767.90" -> 2). */
static int decimals(const char *s)
{
	const char *dot = strchr(s, '.');

	return dot ? (int)strlen(dot + 1) : 0;
}

int stele_xlsx_write(const struct stele_table *t, const char *sheet, const char *path)
{
	lxw_workbook_options opts = { .constant_memory = LXW_TRUE };
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	lxw_format *bold, *fixed[3];
	lxw_worksheet *ws;
	lxw_error err = LXW_NO_ERROR;
	int rc = 0;

	if (!wb)
		return stele_error(STELE_EFAIL, "cannot create %s", path);
	if (!(ws = workbook_add_worksheet(wb, sheet)) || !(bold = workbook_add_format(wb))) {
		rc = stele_error(STELE_EFAIL, "cannot create %s: out of memory", path);
		goto done;
	}
	format_set_bold(bold);
	for (int i = 0; i < 3; i++) {
		static const char *const codes[] = { "0", "0.0", "0.00" };
		if (!(fixed[i] = workbook_add_format(wb))) {
			rc = stele_error(STELE_EFAIL, "cannot create %s: out of memory", path);
			goto done;
		}
		format_set_num_format(fixed[i], codes[i]);
	}
	worksheet_freeze_panes(ws, 1, 0);
	for (size_t c = 0; c < t->ncols && c < LXW_COL_MAX; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
				     t->kinds[c] == STELE_COL_NUMBER ? 10 : 14, NULL);
		if ((err = worksheet_write_string(ws, 0, (lxw_col_t)c, t->names[c], bold)))
			goto done;
	}
	for (size_t r = 0; r < t->nrows && r + 1 < LXW_ROW_MAX; r++)
		for (size_t c = 0; c < t->ncols && c < LXW_COL_MAX; c++) {
			const char *v = stele_table_cell(t, r, c);
			lxw_row_t row = (lxw_row_t)(r + 1);
			if (!v || !*v)
				continue;
			if (t->kinds[c] == STELE_COL_NUMBER) {
				int d = decimals(v);
				err = worksheet_write_number(ws, row, (lxw_col_t)c, strtod(v, NULL),
							     fixed[d < 3 ? d : 2]);
			} else {
				err = worksheet_write_string(ws, row, (lxw_col_t)c, v, NULL);
			}
			if (err)
				goto done;
		}
	if (t->nrows + 1 >= LXW_ROW_MAX)
		rc = stele_error(STELE_EINVALID, "%s: %zu rows do not fit in one sheet (at most %u)",
				 path, t->nrows, (unsigned)LXW_ROW_MAX - 1);
done:
	if (err && rc == 0)
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", path, lxw_strerror(err));
	err = workbook_close(wb);
	if (err && rc == 0)
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", path, lxw_strerror(err));
	return rc;
}
