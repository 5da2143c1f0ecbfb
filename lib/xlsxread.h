/* xlsxread.h: the first sheet of an Excel workbook (.xlsx) read as records, with
 * minizip (the zip container) and expat (its XML parts). */
#ifndef STELE_XLSXREAD_H
#define STELE_XLSXREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"

/*
 * Reads the workbook's first sheet into a new reader (stele_csv_open_records):
 * one record per non-empty row, numbered by its row in the sheet, each as wide
 * as the first row (the header; empty cells at the end of a row are ""). Cells:
 * shared and inline strings as their text; numbers as the shortest decimal that
 * is the same double (2, 68767.9); numbers whose cell is formatted as a date as
 * YYYY-MM-DD; booleans as 1 or 0; a formula as its cached result. An error cell
 * (#N/A) is STELE_EINVALID naming its row and column. No part may inflate past
 * max_bytes. *out is freed by the caller with stele_csv_free.
 */
int stele_xlsx_read(struct stele_csv **out, const char *path, size_t max_bytes);

/* The same over a workbook in memory (an upload): data is borrowed for the call;
 * name is the file's name in messages. */
int stele_xlsx_read_mem(struct stele_csv **out, const char *name, const void *data, size_t len,
			size_t max_bytes);

/* Whether path ends in ".xlsx" (any case). */
bool stele_xlsx_path(const char *path);
/* Whether data starts as a zip file does (an .xlsx under another name). */
bool stele_xlsx_data(const void *data, size_t len);

#endif
