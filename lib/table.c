/* table.c: result tables and their output as aligned text, CSV and JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "error.h"
#include "table.h"
#include "words.h"

int stele_table_new(struct stele_table **out, size_t ncols, const char *const *names,
		    const enum stele_col_kind *kinds)
{
	struct stele_table *t = calloc(1, sizeof(*t));
	int rc = 0;

	if (!t || !(t->names = calloc(ncols, sizeof(char *))) ||
	    !(t->kinds = calloc(ncols, sizeof(*t->kinds)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		if (!(t->names[i] = strdup(names[i]))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		t->kinds[i] = kinds ? kinds[i] : STELE_COL_TEXT;
	}
	*out = t;
	t = NULL;
done:
	stele_table_free(t);
	return rc;
}

void stele_table_free(struct stele_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->names && i < t->ncols; i++)
		free(t->names[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->names);
	free(t->kinds);
	free(t->cells);
	free(t);
}

int stele_table_add_row(struct stele_table *t, const char *const *cells)
{
	int rc;

	/* Rows of ncols cells (one at least: an element has a size). */
	if ((rc = stele_array_reserve(&t->cells, &t->cap, t->nrows,
				      (t->ncols ? t->ncols : 1) * sizeof(char *), 16)) < 0)
		return rc;
	char **row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		row[i] = NULL;
		if (cells[i] && !(row[i] = strdup(cells[i]))) {
			for (size_t j = 0; j < i; j++)
				free(row[j]);
			return stele_error(STELE_EFAIL, "out of memory");
		}
	}
	t->nrows++;
	return 0;
}

const char *stele_table_cell(const struct stele_table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}

static bool name_in_list(const char *name, const char *list)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

int stele_table_from_query(struct stele_table **out, sqlite3 *db, const char *sql,
			   const char *const *params, const char *number_cols)
{
	struct stele_table *t = NULL;
	sqlite3_stmt *stmt = NULL;
	const char **names = NULL, **cells = NULL;
	enum stele_col_kind *kinds = NULL;
	int rc, step = SQLITE_DONE, ncols;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	for (int i = 0; params && params[i]; i++)
		sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);
	ncols = sqlite3_column_count(stmt);
	names = calloc((size_t)ncols + 1, sizeof(char *));
	cells = calloc((size_t)ncols + 1, sizeof(char *));
	kinds = calloc((size_t)ncols + 1, sizeof(*kinds));
	if (!names || !cells || !kinds) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	for (int i = 0; i < ncols; i++) {
		names[i] = sqlite3_column_name(stmt, i);
		kinds[i] = name_in_list(names[i], number_cols) ? STELE_COL_NUMBER : STELE_COL_TEXT;
	}
	if ((rc = stele_table_new(&t, (size_t)ncols, names, kinds)) < 0)
		goto done;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++)
			cells[i] = (const char *)sqlite3_column_text(stmt, i);
		if ((rc = stele_table_add_row(t, cells)) < 0)
			goto done;
	}
done:
	free(names);
	free(cells);
	free(kinds);
	return stele_table_end(out, t, stmt, rc, step, db, "query");
}

int stele_format_parse(enum stele_format *out, const char *s)
{
	if (strcmp(s, "table") == 0)
		*out = STELE_FORMAT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*out = STELE_FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = STELE_FORMAT_JSON;
	else
		return stele_error(STELE_EUSAGE, "unknown format '%s' (table, csv or json)", s);
	return 0;
}

static bool is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	       (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	       (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	       (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t stele_display_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t width = 0;

	while (*s) {
		uint32_t cp;
		int n;

		if (*s < 0x80) {
			cp = *s;
			n = 0;
		} else if (*s < 0xe0) {
			cp = *s & 0x1f;
			n = 1;
		} else if (*s < 0xf0) {
			cp = *s & 0x0f;
			n = 2;
		} else {
			cp = *s & 0x07;
			n = 3;
		}
		s++;
		for (int i = 0; i < n && (*s & 0xc0) == 0x80; i++, s++)
			cp = (cp << 6) | (*s & 0x3f);
		width += is_wide(cp) ? 2 : 1;
	}
	return width;
}

/* Whether s is a plain decimal number ("-3.5", "+2", "68767.90"): data, never a
 * formula. */
static bool is_number(const char *s)
{
	bool digits = false;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits = true;
	if (*s == '.' && digits) {
		digits = false;
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits = true;
	}
	return digits && !*s;
}

bool stele_csv_formula_like(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s) && !is_number(s);
}

/* One CSV cell, quoted when it holds a separator, a quote or a line break. A text
 * cell a spreadsheet would read as a formula gets a leading apostrophe unless raw
 * (docs/formats: "CSV output"). */
static void print_csv_field(FILE *f, const char *s, bool neutralise)
{
	bool quote_mark;

	if (!s)
		return;
	quote_mark = neutralise && stele_csv_formula_like(s);
	if (!strpbrk(s, ",\"\r\n")) {
		if (quote_mark)
			fputc('\'', f);
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (quote_mark)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* What table format shows at (r, c), r == 0 being the header: the column's
 * header and its fixed values in the reader's language (words.h); CSV and JSON
 * show names and cells as they are. */
static const char *shown(const struct stele_table *t, const bool *fixed, size_t r, size_t c)
{
	const char *cell;

	if (r == 0)
		return stele_word_column(t->names[c]);
	cell = stele_table_cell(t, r - 1, c);
	return fixed[c] ? stele_word_show(t->names[c], cell) : cell;
}

static int print_aligned(const struct stele_table *t, FILE *f)
{
	size_t *width = calloc(t->ncols, sizeof(size_t));
	bool *fixed = calloc(t->ncols, sizeof(bool));
	int rc = 0;

	if (!width || !fixed) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	for (size_t c = 0; c < t->ncols; c++)
		fixed[c] = stele_word_field(t->names[c]);
	for (size_t r = 0; r <= t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = shown(t, fixed, r, c);
			size_t w = cell ? stele_display_width(cell) : 0;
			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = shown(t, fixed, r, c);
			size_t w = cell ? stele_display_width(cell) : 0;
			bool right = r > 0 && t->kinds[c] == STELE_COL_NUMBER;

			if (right)
				fprintf(f, "%*s", (int)(width[c] - w), "");
			fputs(cell ? cell : "", f);
			if (c + 1 < t->ncols)
				fprintf(f, "%*s", (int)(right ? 2 : width[c] - w + 2), "");
		}
		fputc('\n', f);
	}
done:
	free(width);
	free(fixed);
	return rc;
}

int stele_table_print(const struct stele_table *t, enum stele_format format, unsigned flags,
		      FILE *f)
{
	bool bom = flags & STELE_PRINT_BOM, raw = flags & STELE_PRINT_RAW;

	switch (format) {
	case STELE_FORMAT_TABLE:
		if (print_aligned(t, f) < 0)
			return STELE_EFAIL;
		break;
	case STELE_FORMAT_CSV:
		if (bom)
			fputs("\xef\xbb\xbf", f);
		for (size_t c = 0; c < t->ncols; c++) {
			print_csv_field(f, t->names[c], false);
			fputc(c + 1 < t->ncols ? ',' : '\n', f);
		}
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < t->ncols; c++) {
				print_csv_field(f, stele_table_cell(t, r, c),
						!raw && t->kinds[c] == STELE_COL_TEXT);
				fputc(c + 1 < t->ncols ? ',' : '\n', f);
			}
		break;
	case STELE_FORMAT_JSON:
		fputc('[', f);
		for (size_t r = 0; r < t->nrows; r++) {
			fputs(r ? ",\n {" : "\n {", f);
			for (size_t c = 0; c < t->ncols; c++) {
				const char *cell = stele_table_cell(t, r, c);
				if (c)
					fputs(", ", f);
				print_json_string(f, t->names[c]);
				fputs(": ", f);
				if (!cell)
					fputs("null", f);
				else if (t->kinds[c] == STELE_COL_NUMBER)
					fputs(cell, f);
				else
					print_json_string(f, cell);
			}
			fputc('}', f);
		}
		fputs(t->nrows ? "\n]\n" : "]\n", f);
		break;
	}
	if (fflush(f) != 0 || ferror(f))
		return stele_error(STELE_EFAIL, "cannot write output");
	return 0;
}

int stele_table_end(struct stele_table **out, struct stele_table *t, sqlite3_stmt *stmt, int rc,
		    int step, sqlite3 *db, const char *what)
{
	if (rc == 0 && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, what);
	sqlite3_finalize(stmt);
	if (rc < 0) {
		stele_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
