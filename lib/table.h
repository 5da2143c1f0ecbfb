/* table.h: a result table (named columns, rows of nullable strings) and its output
 * as an aligned table, CSV or JSON (cli.md's --format). */
#ifndef STELE_TABLE_H
#define STELE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

enum stele_format { STELE_FORMAT_TABLE, STELE_FORMAT_CSV, STELE_FORMAT_JSON };

enum stele_col_kind {
	STELE_COL_TEXT,   /* JSON string */
	STELE_COL_NUMBER, /* JSON number (the cell text is a valid JSON number) */
};

/*
 * A table owns its column names and every cell (malloc'd copies). A NULL cell is
 * empty: printed as "" in table and CSV, null in JSON. Free with stele_table_free().
 */
struct stele_table {
	size_t ncols;
	char **names;
	enum stele_col_kind *kinds;
	size_t nrows;
	size_t cap;
	char **cells; /* nrows * ncols, row-major */
};

/* A new empty table with ncols columns named names[i] of kinds[i] (kinds may be
 * NULL: all text). *out is freed by the caller with stele_table_free(). */
int stele_table_new(struct stele_table **out, size_t ncols, const char *const *names,
		    const enum stele_col_kind *kinds);
void stele_table_free(struct stele_table *t);

/* Appends a row of ncols cells (each copied; NULL stays empty). */
int stele_table_add_row(struct stele_table *t, const char *const *cells);

/* The cell at (row, col), NULL when empty. */
const char *stele_table_cell(const struct stele_table *t, size_t row, size_t col);

/*
 * Runs sql (binding the NULL-terminated text params in order) and returns a table
 * whose columns are the statement's result columns; integer-typed columns whose
 * names are in number_cols (comma-separated, may be NULL) are JSON numbers.
 * *out is freed by the caller.
 */
int stele_table_from_query(struct stele_table **out, sqlite3 *db, const char *sql,
			   const char *const *params, const char *number_cols);

/* stele_table_print flags. */
#define STELE_PRINT_BOM 1u  /* CSV starts with a UTF-8 BOM (--bom) */
#define STELE_PRINT_RAW 2u  /* CSV text cells as stored, formulas not neutralised (--raw) */

/*
 * Writes t to f in the format. Table format aligns columns by display width (CJK
 * characters count two). CSV is RFC 4180; a text cell that a spreadsheet would
 * take for a formula (stele_csv_formula_like) is written with a leading
 * apostrophe, unless STELE_PRINT_RAW: "=HYPERLINK(...)" comes out as
 * "'=HYPERLINK(...)" (OWASP "CSV injection"). Number columns are never changed.
 */
int stele_table_print(const struct stele_table *t, enum stele_format format, unsigned flags,
		      FILE *f);

/* Whether a CSV text cell would be read as a formula: it starts with '=', '+',
 * '-', '@', a tab or a carriage return, and is not a plain decimal number
 * ("-3.5" is data). */
bool stele_csv_formula_like(const char *s);

/*
 * The end of filling t from stmt row by row: rc is 0, or the failure that stopped
 * the rows; step the last sqlite3_step's result, an error of db (named by what)
 * unless SQLITE_DONE. Finalizes stmt. On success *out gets t; otherwise t is
 * freed and *out left alone. Returns 0 or <0.
 */
int stele_table_end(struct stele_table **out, struct stele_table *t, sqlite3_stmt *stmt, int rc,
		    int step, sqlite3 *db, const char *what);

/* Parses "table", "csv" or "json". */
int stele_format_parse(enum stele_format *out, const char *s);

/* Display width in terminal columns of UTF-8 text (East Asian wide = 2). */
size_t stele_display_width(const char *s);

#endif
