/* xlsxwrite.h: a result table written as an Excel workbook (.xlsx) with
 * libxlsxwriter. */
#ifndef STELE_XLSXWRITE_H
#define STELE_XLSXWRITE_H

#include "table.h"

/*
 * Writes t to path as a workbook of one sheet named sheet: the column names in
 * bold on row 1 (frozen), then one row per table row. Text cells are strings
 * (never formulas: a cell "=1+1" stays that text); number columns are numbers
 * shown with the decimals their text has ("2.0" as 2.0). Empty cells are left
 * empty. Rows are written as they go (libxlsxwriter's constant_memory mode), so
 * a large table costs little memory.
 */
int stele_xlsx_write(const struct stele_table *t, const char *sheet, const char *path);

#endif
