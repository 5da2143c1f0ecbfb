/* fuzz-csv.c: libFuzzer target for the strict CSV reader: stele_csv_open_mem and
 * stele_csv_open_text (the encodings), the header mapping of the members import,
 * stele_csv_next to the end, and import's lenient reading of every field. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "csv.h"
#include "error.h"
#include "lenient.h"
#include "parse.h"
#include "fuzz.h"

static const char *const member_columns[] = { "id", "name", "gender", "born", "joined",
					      "status", "grid" };
static const int member_required[] = { 1, 1, 0, 0, 0, 0, 0 };
#define NCOLUMNS (sizeof(member_columns) / sizeof(member_columns[0]))

/* Every line of a field (quoted fields may hold line breaks) is valid UTF-8. */
static bool field_valid(const char *f)
{
	while (*f) {
		size_t run = strcspn(f, "\r\n");

		if (!stele_utf8_valid(f, run))
			return false;
		f += run;
		if (*f)
			f++;
	}
	return true;
}

/* Import's lenient readings of a field keep their promises: a date is
 * YYYY-MM-DD, a month YYYY-MM, nothing grows past its buffer. */
static void lenient_checks(const char *field)
{
	char copy[256], out[32];
	int rc;

	if (strlen(field) >= sizeof(copy))
		return;
	strcpy(copy, field);
	stele_lenient_trim(copy);
	stele_lenient_ascii(copy);
	FUZZ_CHECK(strlen(copy) <= strlen(field), "lenient text grew");
	rc = stele_lenient_date(out, copy, "date");
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == STELE_EINVALID, "date returned %d", rc);
	if (rc == 1)
		FUZZ_CHECK(strlen(out) == 10 && out[4] == '-' && out[7] == '-', "date '%s'", out);
	if ((rc = stele_lenient_month(out, copy)) == 1)
		FUZZ_CHECK(strlen(out) == 7 && out[4] == '-', "month '%s'", out);
	if ((rc = stele_lenient_serial(out, copy)) == 1)
		FUZZ_CHECK(strlen(out) == 10, "serial date '%s'", out);
	if ((rc = stele_lenient_number(out, sizeof(out), copy)) == 1)
		FUZZ_CHECK(strlen(out) < strlen(copy), "number '%s' from '%s'", out, copy);
	stele_error_clear();
}

/* Reads every record of csv (header first if with_header), checking the reader's
 * promises; size bounds the number of records a correct reader can return. */
static void read_all(struct stele_csv *csv, size_t size, bool with_header)
{
	int index_of[NCOLUMNS];
	size_t records = 0, last_line = 0, nfields;
	char **fields;
	int rc;

	if (with_header) {
		rc = stele_csv_header(csv, member_columns, NCOLUMNS, member_required, index_of);
		FUZZ_CHECK(rc == 0 || rc == STELE_EINVALID, "header returned %d", rc);
		if (rc < 0) {
			FUZZ_CHECK(strncmp(stele_error_message(), "fuzz.csv:", 9) == 0,
				   "header error does not name the file: %s", stele_error_message());
			return;
		}
		for (size_t i = 0; i < NCOLUMNS; i++)
			FUZZ_CHECK(index_of[i] >= -1 && (index_of[i] >= 0 || !member_required[i]),
				   "column %s mapped to %d", member_columns[i], index_of[i]);
	}
	while ((rc = stele_csv_next(&fields, &nfields, csv)) == 1) {
		FUZZ_CHECK(++records <= size + 1, "more records than input bytes");
		FUZZ_CHECK(nfields >= 1 && fields[nfields] == NULL, "%zu fields, not NULL-ended",
			   nfields);
		for (size_t i = 0; i < nfields; i++) {
			FUZZ_CHECK(field_valid(fields[i]), "field %zu is not valid UTF-8", i + 1);
			lenient_checks(fields[i]);
		}
		FUZZ_CHECK(stele_csv_line(csv) > last_line, "record line %zu after %zu",
			   stele_csv_line(csv), last_line);
		last_line = stele_csv_line(csv);
	}
	FUZZ_CHECK(rc == 0 || rc == STELE_EINVALID, "next returned %d", rc);
	if (rc < 0)
		FUZZ_CHECK(strncmp(stele_error_message(), "fuzz.csv:", 9) == 0,
			   "record error does not name the file: %s", stele_error_message());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stele_csv *csv = NULL;

	for (int with_header = 0; with_header < 2; with_header++) {
		FUZZ_CHECK(stele_csv_open_mem(&csv, "fuzz.csv", (const char *)data, size) == 0,
			   "open_mem failed: %s", stele_error_message());
		read_all(csv, size, with_header);
		stele_csv_free(csv);
	}
	/* As import reads a file: in whatever encoding it turns out to be. */
	csv = NULL;
	int rc = stele_csv_open_text(&csv, "fuzz.csv", (const char *)data, size);
	FUZZ_CHECK(rc == 0 || rc == STELE_EINVALID, "open_text returned %d", rc);
	FUZZ_CHECK((rc == 0) == (csv != NULL), "open_text's reader and result disagree");
	if (csv) {
		read_all(csv, size, false);
		stele_csv_free(csv);
	}
	return 0;
}
