/* csv.c: the strict RFC 4180 CSV reader. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "error.h"
#include "parse.h"

struct stele_csv {
	char *name;
	char *data; /* the whole input, NUL-terminated */
	size_t len;
	size_t pos;
	size_t line;        /* line of pos */
	size_t record_line; /* line the last record started on */
	struct stele_buf field;  /* the current record's fields, NUL-separated */
	size_t *offsets;
	char **fields;
	size_t cap;
};

int stele_csv_open_mem(struct stele_csv **out, const char *name, const char *data, size_t len)
{
	struct stele_csv *csv = calloc(1, sizeof(*csv));
	int rc = 0;

	if (!csv || !(csv->name = strdup(name)) || !(csv->data = malloc(len + 1))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	memcpy(csv->data, data, len);
	csv->data[len] = '\0';
	csv->len = len;
	csv->line = 1;
	stele_buf_init(&csv->field, STELE_BUF_NOLIMIT);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		csv->pos = 3;
	*out = csv;
	csv = NULL;
done:
	stele_csv_free(csv);
	return rc;
}

int stele_csv_open(struct stele_csv **out, const char *path, size_t max_bytes)
{
	struct stele_buf buf = STELE_BUF_INIT(max_bytes);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return stele_error(STELE_EFAIL, "cannot open %s: %m", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((rc = stele_buf_append(&buf, chunk, n)) < 0) {
			rc = stele_error(STELE_EINVALID, "%s is larger than %zu bytes", path, max_bytes);
			goto done;
		}
	if (ferror(f)) {
		rc = stele_error(STELE_EFAIL, "cannot read %s: %m", path);
		goto done;
	}
	rc = stele_csv_open_mem(out, path, buf.data ? buf.data : "", buf.len);
done:
	if (f != stdin)
		fclose(f);
	stele_buf_free(&buf);
	return rc;
}

const char *stele_csv_data(const struct stele_csv *csv, size_t *len)
{
	*len = csv->len;
	return csv->data;
}

void stele_csv_free(struct stele_csv *csv)
{
	if (!csv)
		return;
	free(csv->name);
	free(csv->data);
	stele_buf_free(&csv->field);
	free(csv->offsets);
	free(csv->fields);
	free(csv);
}

size_t stele_csv_line(const struct stele_csv *csv)
{
	return csv->record_line;
}

const char *stele_csv_name(const struct stele_csv *csv)
{
	return csv->name;
}

int stele_csv_error(const struct stele_csv *csv, size_t col, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (col)
		return stele_error(code, "%s:%zu:%zu: %s", csv->name, csv->record_line, col, msg);
	return stele_error(code, "%s:%zu: %s", csv->name, csv->record_line, msg);
}

static int push_offset(struct stele_csv *csv, size_t n, size_t off)
{
	if (n >= csv->cap) {
		size_t cap = csv->cap ? csv->cap * 2 : 16;
		size_t *offsets = realloc(csv->offsets, cap * sizeof(size_t));
		if (!offsets)
			return stele_error(STELE_EFAIL, "out of memory");
		csv->offsets = offsets;
		char **fields = realloc(csv->fields, (cap + 1) * sizeof(char *));
		if (!fields)
			return stele_error(STELE_EFAIL, "out of memory");
		csv->fields = fields;
		csv->cap = cap;
	}
	csv->offsets[n] = off;
	return 0;
}

int stele_csv_next(struct stele_csv *csv, char ***fields, size_t *nfields)
{
	const char *d = csv->data;
	size_t n = 0;
	int rc;

	/* Skip blank lines. */
	while (csv->pos < csv->len && (d[csv->pos] == '\n' || d[csv->pos] == '\r')) {
		if (d[csv->pos] == '\n')
			csv->line++;
		csv->pos++;
	}
	if (csv->pos >= csv->len)
		return 0;
	csv->record_line = csv->line;
	stele_buf_reset(&csv->field);
	for (;;) {
		size_t start = csv->field.len;
		bool quoted = false;

		if ((rc = push_offset(csv, n, start)) < 0)
			return rc;
		n++;
		if (d[csv->pos] == '"') {
			quoted = true;
			csv->pos++;
			for (;;) {
				if (csv->pos >= csv->len)
					return stele_csv_error(csv, n, STELE_EINVALID, "unterminated quoted field");
				char c = d[csv->pos++];
				if (c == '"') {
					if (d[csv->pos] == '"') {
						csv->pos++;
					} else {
						break;
					}
				} else if (c == '\n') {
					csv->line++;
				}
				if ((rc = stele_buf_putc(&csv->field, c)) < 0)
					return rc;
			}
		}
		while (csv->pos < csv->len && d[csv->pos] != ',' && d[csv->pos] != '\n' &&
		       !(d[csv->pos] == '\r' && d[csv->pos + 1] == '\n')) {
			if (quoted || d[csv->pos] == '"')
				return stele_csv_error(csv, n, STELE_EINVALID,
						       "stray quote or text after a quoted field");
			if ((rc = stele_buf_putc(&csv->field, d[csv->pos++])) < 0)
				return rc;
		}
		if ((rc = stele_buf_putc(&csv->field, '\0')) < 0)
			return rc;
		if (!stele_utf8_valid(csv->field.data + start, csv->field.len - start - 1) &&
		    !quoted)
			return stele_csv_error(csv, n, STELE_EINVALID, "field is not valid UTF-8 text");
		if (quoted) {
			/* Quoted fields may hold line breaks; still refuse invalid UTF-8. */
			const char *f = csv->field.data + start;
			for (size_t i = 0; f[i]; i++) {
				size_t run = strcspn(f + i, "\r\n");
				if (!stele_utf8_valid(f + i, run))
					return stele_csv_error(csv, n, STELE_EINVALID,
							       "field is not valid UTF-8 text");
				i += run;
				if (!f[i])
					break;
			}
		}
		if (csv->pos < csv->len && d[csv->pos] == ',') {
			csv->pos++;
			continue;
		}
		if (csv->pos < csv->len) {
			csv->pos += d[csv->pos] == '\r' ? 2 : 1;
			csv->line++;
		}
		break;
	}
	for (size_t i = 0; i < n; i++)
		csv->fields[i] = csv->field.data + csv->offsets[i];
	csv->fields[n] = NULL;
	*fields = csv->fields;
	*nfields = n;
	return 1;
}

int stele_csv_header(struct stele_csv *csv, const char *const *names, size_t n,
		     const int *required, int *index_of)
{
	char **fields;
	size_t nfields;
	int rc;

	if ((rc = stele_csv_next(csv, &fields, &nfields)) < 0)
		return rc;
	if (rc == 0)
		return stele_error(STELE_EINVALID, "%s: empty file, expected a header row", csv->name);
	for (size_t i = 0; i < n; i++)
		index_of[i] = -1;
	for (size_t c = 0; c < nfields; c++) {
		size_t i;
		for (i = 0; i < n && strcmp(fields[c], names[i]) != 0; i++)
			;
		if (i == n)
			return stele_csv_error(csv, c + 1, STELE_EINVALID, "unknown column '%s'", fields[c]);
		if (index_of[i] >= 0)
			return stele_csv_error(csv, c + 1, STELE_EINVALID, "duplicate column '%s'", fields[c]);
		index_of[i] = (int)c;
	}
	for (size_t i = 0; i < n; i++)
		if (index_of[i] < 0 && (!required || required[i]))
			return stele_csv_error(csv, 0, STELE_EINVALID, "missing column '%s'", names[i]);
	return 0;
}
