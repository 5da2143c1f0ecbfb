/* test-lenient.c: Excel's spellings made strict (lib/lenient.c), "did you mean"
 * (lib/suggest.c) and CSV encodings (lib/csv.c). */
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "csv.h"
#include "error.h"
#include "lenient.h"
#include "suggest.h"

static void date_is(const char *s, const char *want)
{
	char out[11] = "untouched";

	if (stele_lenient_date(out, s, "date") != 1)
		fail_msg("'%s' not read as a date", s);
	assert_string_equal(out, want);
}

static void date_left(const char *s)
{
	char out[11] = "untouched";

	assert_int_equal(stele_lenient_date(out, s, "date"), 0);
	assert_string_equal(out, "untouched");
}

static void test_dates(void **state)
{
	char out[11];

	(void)state;
	date_is("2026-11-3", "2026-11-03");
	date_is("2026/11/3", "2026-11-03");
	date_is("2026.11.03", "2026-11-03");
	date_is("2026年11月3日", "2026-11-03");
	date_is("2026/11/3 0:00", "2026-11-03");
	date_is("2026/11/3 00:00:00", "2026-11-03");
	date_is("20261103", "2026-11-03");
	date_is("25/11/2026", "2026-11-25");
	date_is("11/25/2026", "2026-11-25");
	date_is("3/3/2026", "2026-03-03");
	date_left("2026/11-3");    /* mixed separators */
	date_left("2026/11/3 9:30"); /* a time of day is no date */
	date_left("26/11/3");
	date_is("2026年11月3", "2026-11-03");
	date_left("");
	date_left("B01");
	assert_int_equal(stele_lenient_date(out, "3/11/2026", "date"), STELE_EINVALID);
	assert_string_equal(stele_error_message(),
			    "date '3/11/2026' could be 2026-11-03 or 2026-03-11; write it as YYYY-MM-DD");
	/* the calendar is the strict parser's: a rewritten 2026/2/30 is still refused there */
	date_is("2026/2/30", "2026-02-30");
}

static void test_months_years_numbers(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(stele_lenient_month(out, "2026/3"), 1);
	assert_string_equal(out, "2026-03");
	assert_int_equal(stele_lenient_month(out, "2026年12月"), 1);
	assert_string_equal(out, "2026-12");
	assert_int_equal(stele_lenient_month(out, "2026/3/1"), 1);
	assert_string_equal(out, "2026-03");
	assert_int_equal(stele_lenient_month(out, "2026/3/2"), 0);
	assert_int_equal(stele_lenient_month(out, "2026-03"), 1);
	assert_int_equal(stele_lenient_year(out, "2026年"), 1);
	assert_string_equal(out, "2026");
	assert_int_equal(stele_lenient_year(out, "二〇二六年"), 0);
	assert_int_equal(stele_lenient_number(out, sizeof(out), "1,234.50"), 1);
	assert_string_equal(out, "1234.50");
	assert_int_equal(stele_lenient_number(out, sizeof(out), "-12,345,678"), 1);
	assert_string_equal(out, "-12345678");
	assert_int_equal(stele_lenient_number(out, sizeof(out), "1,23"), 0);
	assert_int_equal(stele_lenient_number(out, sizeof(out), "1234,567"), 0);
	assert_int_equal(stele_lenient_number(out, sizeof(out), ",123"), 0);
	assert_int_equal(stele_lenient_number(out, sizeof(out), "12.5"), 0);
}

static void test_serials(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(stele_lenient_serial(out, "1"), 1);
	assert_string_equal(out, "1900-01-01");
	assert_int_equal(stele_lenient_serial(out, "59"), 1);
	assert_string_equal(out, "1900-02-28");
	assert_int_equal(stele_lenient_serial(out, "60"), 0); /* 1900-02-29 never was */
	assert_int_equal(stele_lenient_serial(out, "61"), 1);
	assert_string_equal(out, "1900-03-01");
	assert_int_equal(stele_lenient_serial(out, "46329"), 1);
	assert_string_equal(out, "2026-11-03");
	assert_int_equal(stele_lenient_serial(out, "46329.0"), 1);
	assert_int_equal(stele_lenient_serial(out, "46329.5"), 0);
	assert_int_equal(stele_lenient_serial(out, "0"), 0);
	assert_int_equal(stele_lenient_serial(out, "2026-11-03"), 0);
}

static void test_trim_ascii(void **state)
{
	char s[64];

	(void)state;
	snprintf(s, sizeof(s), "  \xe3\x80\x80王 建国\xe3\x80\x80 ");
	stele_lenient_trim(s);
	assert_string_equal(s, "王 建国");
	snprintf(s, sizeof(s), "\tx ");
	stele_lenient_trim(s);
	assert_string_equal(s, "\tx");
	snprintf(s, sizeof(s), "   ");
	stele_lenient_trim(s);
	assert_string_equal(s, "");
	snprintf(s, sizeof(s), "Ｍ０００１／２．５－ｂ\xe3\x80\x80x");
	stele_lenient_ascii(s);
	assert_string_equal(s, "M0001/2.5-b x");
	snprintf(s, sizeof(s), "党员");
	stele_lenient_ascii(s);
	assert_string_equal(s, "党员");
}

static void test_suggest(void **state)
{
	(void)state;
	assert_int_equal(stele_suggest_distance("b01", "B01"), 0);
	assert_int_equal(stele_suggest_distance("B1", "B01"), 1);
	assert_int_equal(stele_suggest_distance("B10", "B01"), 1); /* a swap */
	assert_int_equal(stele_suggest_distance("M001", "M0001"), 1);
	assert_int_equal(stele_suggest_distance("E00001", "E000001"), 1);
	assert_int_equal(stele_suggest_distance("E0001", "E000001"), 2);
	assert_int_equal(stele_suggest_distance("ZZZ", "B01"), -1);
	assert_int_equal(stele_suggest_distance("B1", "D02"), -1);
}

static void encoding_is(const char *data, size_t len, const char *encoding, const char *field)
{
	struct stele_csv *csv = NULL;
	char **fields;
	size_t n;

	if (stele_csv_open_text(&csv, "t.csv", data, len) != 0)
		fail_msg("refused: %s", stele_error_message());
	assert_string_equal(stele_csv_encoding(csv), encoding);
	assert_int_equal(stele_csv_next(&fields, &n, csv), 1);
	assert_int_equal(n, 2);
	assert_string_equal(fields[1], field);
	stele_csv_free(csv);
}

static void test_encodings(void **state)
{
	struct stele_csv *csv = NULL;
	char **fields;
	size_t n;

	(void)state;
	encoding_is("a,\xe7\x8e\x8b\n", 6, "UTF-8", "\xe7\x8e\x8b");
	encoding_is("\xef\xbb\xbf" "a,\xe7\x8e\x8b\n", 9, "UTF-8", "\xe7\x8e\x8b");
	encoding_is("a,\xcd\xf5\n", 5, "GB18030", "\xe7\x8e\x8b"); /* 王 in GBK */
	encoding_is("\xff\xfe" "a\0,\0\x8b\x73\n\0", 10, "UTF-16LE", "\xe7\x8e\x8b");
	encoding_is("\xfe\xff" "\0a\0,\x73\x8b\0\n", 10, "UTF-16BE", "\xe7\x8e\x8b");
	/* neither UTF-8 nor GB18030: read as UTF-8, and the field check names the spot */
	assert_int_equal(stele_csv_open_text(&csv, "t.csv", "a,\xff\n", 4), 0);
	assert_string_equal(stele_csv_encoding(csv), "UTF-8");
	assert_int_equal(stele_csv_next(&fields, &n, csv), STELE_EINVALID);
	assert_string_equal(stele_error_message(), "t.csv:1:2: field is not valid UTF-8 text");
	stele_csv_free(csv);
	csv = NULL;
	/* UTF-8 with one damaged byte among many characters stays UTF-8 */
	static const char damaged[] = "a,\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b"
				      "\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b"
				      "\xe7\x8e\n";
	assert_int_equal(stele_csv_open_text(&csv, "t.csv", damaged, sizeof(damaged) - 1), 0);
	assert_string_equal(stele_csv_encoding(csv), "UTF-8");
	assert_int_equal(stele_csv_next(&fields, &n, csv), STELE_EINVALID);
	stele_csv_free(csv);
	csv = NULL;
	assert_int_equal(stele_csv_open_text(&csv, "t.csv", "\xff\xfe" "a\0\0\xd8", 6),
			 STELE_EINVALID);
	assert_null(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_months_years_numbers),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_trim_ascii),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_encodings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
