/* csv.c: the strict RFC 4180 CSV reader, and the text encodings Excel saves CSV in. */
#include <errno.h>
#include <iconv.h>
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
	const char *encoding; /* what the input was read as (stele_csv_encoding) */
	bool sheet;           /* records added by stele_csv_add_record (a workbook) */
	char *data; /* the whole input, NUL-terminated */
	size_t len;
	size_t pos;
	size_t line;        /* line of pos */
	size_t record_line; /* line the last record started on */
	struct stele_buf field;  /* the current record's fields, NUL-separated */
	struct stele_buf records; /* a sheet's records (stele_csv_add_record) */
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
	csv->encoding = "UTF-8";
	stele_buf_init(&csv->field, STELE_BUF_NOLIMIT);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		csv->pos = 3;
	*out = csv;
	csv = NULL;
done:
	stele_csv_free(csv);
	return rc;
}

/* Counts, in s (len bytes), the well-formed UTF-8 sequences of more than one byte
 * (*good) and the bytes that start no well-formed sequence (*bad): no overlong
 * forms, surrogates or code points past U+10FFFF (control characters are the
 * fields' business). */
static void utf8_census(const unsigned char *s, size_t len, size_t *good, size_t *bad)
{
	size_t i = 0;

	*good = *bad = 0;
	while (i < len) {
		unsigned c = s[i], cp;
		size_t n, k = 1;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			n = 0, cp = 0;
		for (k = 1; n && k <= n && i + k < len && (s[i + k] & 0xc0) == 0x80; k++)
			cp = cp << 6 | (s[i + k] & 0x3f);
		if (n == 0 || k <= n || (n == 1 && cp < 0x80) ||
		    (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
			(*bad)++;
			i += k > 1 ? k : 1; /* a cut sequence is one bad character */
			continue;
		}
		(*good)++;
		i += n + 1;
	}
}

/* Converts len bytes of from-encoded text to UTF-8 with glibc's iconv: *out
 * (malloc'd, freed by the caller) and *out_len on success; STELE_EINVALID when
 * the input is not valid text of that encoding. */
static int to_utf8(char **out, size_t *out_len, const char *from, const char *in, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", from);
	size_t cap = len * 2 + 16, left_in = len, left_out;
	char *buf = NULL, *src = (char *)in, *dst;
	int rc = 0;

	if (cd == (iconv_t)-1)
		return stele_error(STELE_EFAIL, "cannot convert from %s: %m", from);
	if (!(buf = malloc(cap))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	dst = buf;
	left_out = cap;
	while (left_in > 0) {
		if (iconv(cd, &src, &left_in, &dst, &left_out) != (size_t)-1)
			continue;
		if (errno != E2BIG) {
			rc = STELE_EINVALID;
			goto done;
		}
		size_t used = (size_t)(dst - buf);
		char *grown = realloc(buf, cap * 2);
		if (!grown) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		buf = grown;
		cap *= 2;
		dst = buf + used;
		left_out = cap - used;
	}
	*out_len = (size_t)(dst - buf);
	*out = buf;
	buf = NULL;
done:
	free(buf);
	iconv_close(cd);
	return rc;
}

int stele_csv_open_text(struct stele_csv **out, const char *name, const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;
	const char *encoding = "UTF-8", *from = NULL;
	struct stele_csv *csv = NULL;
	char *converted = NULL;
	size_t skip = 0, converted_len = 0;
	int rc;

	if (len >= 2 && u[0] == 0xff && u[1] == 0xfe)
		from = encoding = "UTF-16LE", skip = 2;
	else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff)
		from = encoding = "UTF-16BE", skip = 2;
	else if (!(len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)) {
		/* UTF-8 with a damaged byte or two is still UTF-8 (the field check names
		 * the spot); GB18030 text is hardly ever well-formed UTF-8 at all. */
		size_t good, bad;
		utf8_census(u, len, &good, &bad);
		if (bad > 0 && bad * 10 > good)
			from = "GB18030";
	}
	if (from) {
		rc = to_utf8(&converted, &converted_len, from, data + skip, len - skip);
		if (rc == STELE_EINVALID && skip)
			return stele_error(STELE_EINVALID, "%s: text after the %s byte-order mark "
					   "is not valid %s", name, encoding, encoding);
		if (rc == 0) {
			encoding = from;
			data = converted;
			len = converted_len;
		} else if (rc != STELE_EINVALID) {
			return rc;
		}
		/* Neither UTF-8 nor GB18030: read as UTF-8, and the field check names the
		 * line and column of the first bad byte. */
		stele_error_clear();
	}
	if ((rc = stele_csv_open_mem(&csv, name, data, len)) == 0) {
		csv->encoding = encoding;
		*out = csv;
	}
	free(converted);
	return rc;
}

/* Reads the whole of path ("-" is stdin, at most max_bytes) into *buf. */
static int read_all(struct stele_buf *buf, const char *path, size_t max_bytes)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return stele_error(STELE_EFAIL, "cannot open %s: %m", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((rc = stele_buf_append(buf, chunk, n)) < 0) {
			rc = stele_error(STELE_EINVALID, "%s is larger than %zu bytes", path, max_bytes);
			goto done;
		}
	if (ferror(f))
		rc = stele_error(STELE_EFAIL, "cannot read %s: %m", path);
done:
	if (f != stdin)
		fclose(f);
	return rc;
}

int stele_csv_open(struct stele_csv **out, const char *path, size_t max_bytes)
{
	struct stele_buf buf = STELE_BUF_INIT(max_bytes);
	int rc;

	if ((rc = read_all(&buf, path, max_bytes)) == 0)
		rc = stele_csv_open_text(out, path, buf.data ? buf.data : "", buf.len);
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
	stele_buf_free(&csv->records);
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

const char *stele_csv_encoding(const struct stele_csv *csv)
{
	return csv->encoding;
}

bool stele_csv_is_sheet(const struct stele_csv *csv)
{
	return csv->sheet;
}

/* A sheet's records are kept in csv->records as, per record, its line and field
 * count (two size_t) and then its fields, each NUL-terminated. */
int stele_csv_open_records(struct stele_csv **out, const char *name)
{
	int rc = stele_csv_open_mem(out, name, "", 0);

	if (rc == 0) {
		(*out)->sheet = true;
		stele_buf_init(&(*out)->records, STELE_BUF_NOLIMIT);
	}
	return rc;
}

int stele_csv_add_record(struct stele_csv *csv, size_t line, const char *const *fields,
			 size_t n)
{
	int rc;

	if ((rc = stele_buf_append(&csv->records, &line, sizeof(line))) < 0 ||
	    (rc = stele_buf_append(&csv->records, &n, sizeof(n))) < 0)
		return stele_error(STELE_EFAIL, "out of memory");
	for (size_t i = 0; i < n; i++)
		if ((rc = stele_buf_append(&csv->records, fields[i], strlen(fields[i]) + 1)) < 0)
			return stele_error(STELE_EFAIL, "out of memory");
	return 0;
}

int stele_csv_error(const struct stele_csv *csv, size_t col, int code, const char *fmt, ...)
{
	va_list ap;

	/* The message first (translated and in English), then its place before it. */
	va_start(ap, fmt);
	stele_verror(code, fmt, ap);
	va_end(ap);
	if (col)
		return stele_error(code, "%s:%zu:%zu: %s", csv->name, csv->record_line, col,
				   stele_error_message());
	return stele_error(code, "%s:%zu: %s", csv->name, csv->record_line, stele_error_message());
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

/* stele_csv_next of a sheet: the next stored record. */
static int sheet_next(struct stele_csv *csv, char ***fields, size_t *nfields)
{
	size_t line, n;
	int rc;

	if (csv->pos >= csv->records.len)
		return 0;
	memcpy(&line, csv->records.data + csv->pos, sizeof(line));
	memcpy(&n, csv->records.data + csv->pos + sizeof(line), sizeof(n));
	csv->pos += 2 * sizeof(size_t);
	csv->record_line = line;
	for (size_t i = 0; i < n; i++) {
		if ((rc = push_offset(csv, i, csv->pos)) < 0)
			return rc;
		csv->pos += strlen(csv->records.data + csv->pos) + 1;
	}
	if ((rc = push_offset(csv, n, 0)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		csv->fields[i] = csv->records.data + csv->offsets[i];
	csv->fields[n] = NULL;
	*fields = csv->fields;
	*nfields = n;
	return 1;
}

int stele_csv_next(char ***fields, size_t *nfields, struct stele_csv *csv)
{
	const char *d = csv->data;
	size_t n = 0;
	int rc;

	if (csv->sheet)
		return sheet_next(csv, fields, nfields);
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

	if ((rc = stele_csv_next(&fields, &nfields, csv)) < 0)
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
