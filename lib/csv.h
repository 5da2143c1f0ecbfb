/* csv.h: a strict RFC 4180 CSV reader that knows where each field came from, in
 * the encodings Excel saves CSV in; also holds the rows of a workbook's sheet. */
#ifndef STELE_CSV_H
#define STELE_CSV_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The reader holds the whole input (at most max_bytes) and hands out one record at
 * a time. Accepts a leading UTF-8 BOM, "\n" or "\r\n" line ends, quoted fields
 * with "" escapes and embedded line breaks. Every field is checked to be UTF-8.
 * Errors name the input, line and column: "members.csv:3:2: unterminated quote".
 */
struct stele_csv;

/* Reads path into a new reader (stele_csv_open_text); *out freed with
 * stele_csv_free(). "-" is stdin. */
int stele_csv_open(struct stele_csv **out, const char *path, size_t max_bytes);
/*
 * A reader over the text of a file, in the encoding it was saved in: UTF-8 (with
 * or without a BOM), UTF-16LE or UTF-16BE with their BOM, and otherwise GB18030
 * (what Excel saves "CSV" as on a Chinese Windows), converted to UTF-8 with
 * glibc's iconv. Text that is neither UTF-8 nor GB18030, and UTF-8 with at most
 * one bad character in ten well-formed ones, is read as UTF-8, so the
 * field check names where it goes wrong. stele_csv_encoding() tells which.
 */
int stele_csv_open_text(struct stele_csv **out, const char *name, const char *data, size_t len);
/* A reader over a copy of data; name is used in messages. */
int stele_csv_open_mem(struct stele_csv **out, const char *name, const char *data, size_t len);
/* The whole input as read (*len bytes, NUL-terminated), owned by csv. */
const char *stele_csv_data(const struct stele_csv *csv, size_t *len);
void stele_csv_free(struct stele_csv *csv);

/* Reads the next record. Returns 1 with *fields (NUL-terminated strings, owned by
 * the reader, valid until the next call) and *nfields; 0 at end of input; or
 * STELE_EINVALID. Blank lines are skipped. */
int stele_csv_next(char ***fields, size_t *nfields, struct stele_csv *csv);

/* Line number (1-based) on which the last record returned starts. */
size_t stele_csv_line(const struct stele_csv *csv);
/* The input's name as given to open. */
const char *stele_csv_name(const struct stele_csv *csv);
/* What the input was read as: "UTF-8", "UTF-16LE", "UTF-16BE" or "GB18030"
 * (a static string). */
const char *stele_csv_encoding(const struct stele_csv *csv);

/*
 * A reader whose records are given one by one (a workbook's sheet,
 * lib/xlsxread.h), read back by stele_csv_next like a file's. line is the
 * record's row number in messages. Fields are copied.
 */
int stele_csv_open_records(struct stele_csv **out, const char *name);
int stele_csv_add_record(struct stele_csv *csv, size_t line, const char *const *fields,
			 size_t n);
/* Whether the records came from a workbook (stele_csv_open_records). */
bool stele_csv_is_sheet(const struct stele_csv *csv);

/*
 * Reads the header record and maps it: index_of[i] = the column holding names[i],
 * or -1 if names[i] is absent and optional (required[i] false, or required NULL
 * meaning all required). An unknown, duplicate or missing required column is
 * STELE_EINVALID naming it.
 */
int stele_csv_header(struct stele_csv *csv, const char *const *names, size_t n,
		     const int *required, int *index_of);

/* Records "NAME:LINE:COL: message" (COL 1-based, 0 to leave it out) and returns code. */
int stele_csv_error(const struct stele_csv *csv, size_t col, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
