/* test-parse.c: codes, dates, months, decimals, whole numbers, UTF-8, hex and public keys
 * (lib/parse.c). */
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "changeset.h"
#include "error.h"
#include "parse.h"

static void date_ok(const char *s, int y, int m, int d)
{
	int32_t days = -1;
	char back[11];

	if (stele_parse_date(&days, s, "date") != 0)
		fail_msg("'%s' refused: %s", s, stele_error_message());
	assert_int_equal(days, stele_days_from_civil(y, m, d));
	stele_format_date(back, days);
	assert_string_equal(back, s);
}

static void date_bad(const char *s)
{
	int32_t days = 12345;

	if (stele_parse_date(&days, s, "--date") != STELE_EINVALID)
		fail_msg("date '%s' accepted", s);
	assert_int_equal(days, 12345);
	assert_non_null(strstr(stele_error_message(), "--date"));
}

static void test_dates(void **state)
{
	int32_t days;

	(void)state;
	date_ok("1970-01-01", 1970, 1, 1);
	assert_int_equal(stele_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(stele_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(stele_days_from_civil(2026, 8, 6), 20671);
	date_ok("2026-08-06", 2026, 8, 6);
	date_ok("1900-01-01", 1900, 1, 1);
	date_ok("2999-12-31", 2999, 12, 31);
	date_ok("2024-02-29", 2024, 2, 29); /* leap: divisible by 4 */
	date_ok("2000-02-29", 2000, 2, 29); /* leap: divisible by 400 */
	date_ok("2026-02-28", 2026, 2, 28);
	date_ok("2026-12-31", 2026, 12, 31);
	date_bad("2026-02-30");
	date_bad("2026-02-29"); /* not a leap year */
	date_bad("2100-02-29"); /* divisible by 100, not 400 */
	date_bad("1900-02-29");
	date_bad("2026-04-31");
	date_bad("2026-13-01");
	date_bad("2026-00-10");
	date_bad("2026-01-00");
	date_bad("2026-01-32");
	date_bad("1899-12-31");
	date_bad("3000-01-01");
	date_bad("2026-1-01");
	date_bad("2026-01-1");
	date_bad("2026/01/01");
	date_bad("20260101");
	date_bad("2026-01-01 ");
	date_bad(" 2026-01-01");
	date_bad("2026-01-0a");
	date_bad("+026-01-01");
	date_bad("");
	assert_string_equal(stele_error_message(), "--date '' is not a date (YYYY-MM-DD)");
	date_bad("2026-02-30");
	assert_string_equal(stele_error_message(), "--date '2026-02-30' is not a real date");

	/* Every day from 1900 to 2999 round-trips through days and text. */
	for (int32_t d = stele_days_from_civil(1900, 1, 1); d <= stele_days_from_civil(2999, 12, 31);
	     d++) {
		char text[11];
		int y, m, dd;

		stele_civil_from_days(&y, &m, &dd, d);
		assert_int_equal(stele_days_from_civil(y, m, dd), d);
		stele_format_date(text, d);
		assert_int_equal(stele_parse_date(&days, text, NULL), 0);
		assert_int_equal(days, d);
	}
	/* 1900-01-01 .. 2999-12-31: 1100 years with 267 leap days (275 fourth years less 8 centuries). */
	assert_int_equal(stele_days_from_civil(3000, 1, 1) - stele_days_from_civil(1900, 1, 1),
			 1100 * 365 + 267);
}

static void test_months_years(void **state)
{
	int32_t v = -7;
	char text[11];

	(void)state;
	assert_int_equal(stele_parse_month(&v, "2026-08", NULL), 0);
	assert_int_equal(v, 2026 * 12 + 7);
	stele_format_month(text, v);
	assert_string_equal(text, "2026-08");
	assert_int_equal(stele_parse_month(&v, "2026-12", NULL), 0);
	stele_format_month(text, v);
	assert_string_equal(text, "2026-12");
	assert_int_equal(stele_parse_month(&v, "1900-01", NULL), 0);
	stele_format_month(text, v);
	assert_string_equal(text, "1900-01");
	/* Consecutive indexes are consecutive months across a year end. */
	assert_int_equal(stele_parse_month(&v, "2027-01", NULL), 0);
	stele_format_month(text, v - 1);
	assert_string_equal(text, "2026-12");

	v = -7;
	assert_int_equal(stele_parse_month(&v, "2026-13", "--month"), STELE_EINVALID);
	assert_int_equal(stele_parse_month(&v, "2026-00", "--month"), STELE_EINVALID);
	assert_int_equal(stele_parse_month(&v, "2026-8", "--month"), STELE_EINVALID);
	assert_int_equal(stele_parse_month(&v, "2026-08-01", "--month"), STELE_EINVALID);
	assert_int_equal(stele_parse_month(&v, "1899-12", "--month"), STELE_EINVALID);
	assert_int_equal(stele_parse_month(&v, "3000-01", "--month"), STELE_EINVALID);
	assert_int_equal(stele_parse_month(&v, "2026_08", "--month"), STELE_EINVALID);
	assert_int_equal(stele_parse_month(&v, "", "--month"), STELE_EINVALID);
	assert_int_equal(v, -7);

	assert_int_equal(stele_parse_year(&v, "2026", NULL), 0);
	assert_int_equal(v, 2026);
	assert_int_equal(stele_parse_year(&v, "1899", NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_year(&v, "3000", NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_year(&v, "226", NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_year(&v, "20260", NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_year(&v, "20a6", NULL), STELE_EINVALID);
	assert_int_equal(v, 2026);
}

static void fixed_ok(const char *s, int places, int64_t want)
{
	int64_t v = 0x5a5a;

	if (stele_parse_fixed(&v, s, places, "points") != 0)
		fail_msg("'%s' (%d places) refused: %s", s, places, stele_error_message());
	if (v != want)
		fail_msg("'%s' (%d places) gave %lld, wanted %lld", s, places, (long long)v,
			 (long long)want);
}

static void fixed_bad(const char *s, int places)
{
	int64_t v = 0x5a5a;

	if (stele_parse_fixed(&v, s, places, "points") != STELE_EINVALID)
		fail_msg("'%s' (%d places) accepted as %lld", s, places, (long long)v);
	assert_int_equal(v, 0x5a5a);
	assert_non_null(strstr(stele_error_message(), "points"));
}

static void test_fixed(void **state)
{
	int64_t v;

	(void)state;
	/* Tenths (points, scores). */
	fixed_ok("2", 1, 20);
	fixed_ok("0.5", 1, 5);
	fixed_ok("-3.5", 1, -35);
	fixed_ok("2.50", 1, 25);   /* trailing zeros are fine */
	fixed_ok("2.500000", 1, 25);
	fixed_ok("0", 1, 0);
	fixed_ok("-0", 1, 0);
	fixed_ok("-0.0", 1, 0);
	fixed_ok("100", 1, 1000);
	fixed_ok("007.5", 1, 75);
	fixed_ok("99999999999999.9", 1, 999999999999999LL);
	fixed_bad("2.05", 1);      /* a second decimal that is not zero */
	assert_string_equal(stele_error_message(), "points '2.05' has more than 1 decimal place");
	fixed_bad("2.55", 1);
	fixed_bad("0.01", 1);
	fixed_bad("100000000000000", 1); /* 10^15 tenths */
	fixed_bad("1000000000000000", 1);
	fixed_bad("99999999999999999999999", 1);
	fixed_bad("", 1);
	fixed_bad("-", 1);
	fixed_bad(".", 1);
	fixed_bad("2.", 1);
	fixed_bad("+2", 1);
	fixed_bad("--2", 1);
	fixed_bad("2-", 1);
	fixed_bad(" 2", 1);
	fixed_bad("2 ", 1);
	fixed_bad("2,5", 1);
	fixed_bad("1e3", 1);
	fixed_bad("2.5.1", 1);
	fixed_bad("０.5", 1); /* full-width digit */
	fixed_bad("nan", 1);
	/* Fen (money). */
	fixed_ok("68767.9", 2, 6876790);
	fixed_ok("68767.91", 2, 6876791);
	fixed_ok("12500", 2, 1250000);
	fixed_ok("-0.05", 2, -5);
	fixed_ok("0.10", 2, 10);
	fixed_ok("9999999999999.99", 2, 999999999999999LL);
	fixed_bad("0.005", 2);
	fixed_bad("10000000000000", 2);
	assert_int_equal(stele_parse_fen(&v, "1.5", NULL), 0);
	assert_int_equal(v, 150);
	assert_int_equal(stele_parse_tenths(&v, "1.5", NULL), 0);
	assert_int_equal(v, 15);
	assert_int_equal(stele_parse_tenths(&v, "1.55", NULL), STELE_EINVALID);
}

static void format_is(int64_t value, int places, const char *want)
{
	char buf[32];

	stele_format_fixed(buf, value, places);
	assert_string_equal(buf, want);
}

static void test_format_fixed(void **state)
{
	char buf[32];

	(void)state;
	format_is(35, 1, "3.5");
	format_is(-20, 1, "-2.0");
	format_is(5, 1, "0.5");
	format_is(-5, 1, "-0.5");
	format_is(-0, 1, "0.0");
	format_is(0, 2, "0.00");
	format_is(-5, 2, "-0.05");
	format_is(-105, 2, "-1.05");
	format_is(6876790, 2, "68767.90");
	format_is(1250000, 2, "12500.00");
	format_is(42, 0, "42");
	format_is(-42, 0, "-42");
	format_is(INT64_MAX, 1, "922337203685477580.7");
	format_is(INT64_MIN, 1, "-922337203685477580.8");
	format_is(INT64_MIN, 0, "-9223372036854775808");
	/* Formatting and parsing agree. */
	for (int64_t v = -2000; v <= 2000; v++) {
		int64_t back;

		stele_format_fixed(buf, v, 1);
		assert_int_equal(stele_parse_tenths(&back, buf, NULL), 0);
		assert_int_equal(back, v);
		stele_format_fixed(buf, v, 2);
		assert_int_equal(stele_parse_fen(&back, buf, NULL), 0);
		assert_int_equal(back, v);
	}
}

static void test_int(void **state)
{
	int64_t v = 99;

	(void)state;
	assert_int_equal(stele_parse_int(&v, "1970", 1900, 2999, "born"), 0);
	assert_int_equal(v, 1970);
	assert_int_equal(stele_parse_int(&v, "-5", -10, 10, NULL), 0);
	assert_int_equal(v, -5);
	assert_int_equal(stele_parse_int(&v, "0", 0, 0, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(stele_parse_int(&v, "9223372036854775807", 0, INT64_MAX, NULL), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(stele_parse_int(&v, "-9223372036854775808", INT64_MIN, 0, NULL), 0);
	assert_int_equal(v, INT64_MIN);
	v = 99;
	/* Past the range of int64: refused, not clamped. */
	assert_int_equal(stele_parse_int(&v, "9223372036854775808", 0, INT64_MAX, NULL),
			 STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "99999999999999999999", 0, INT64_MAX, NULL),
			 STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "-9223372036854775809", INT64_MIN, 0, NULL),
			 STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "1899", 1900, 2999, "born"), STELE_EINVALID);
	assert_string_equal(stele_error_message(), "born '1899' is not a whole number from 1900 to 2999");
	assert_int_equal(stele_parse_int(&v, "3000", 1900, 2999, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "", 0, 10, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "-", 0, 10, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "+5", 0, 10, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, " 5", 0, 10, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "5 ", 0, 10, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "5.0", 0, 10, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "0x5", 0, 10, NULL), STELE_EINVALID);
	assert_int_equal(stele_parse_int(&v, "- 5", -10, 10, NULL), STELE_EINVALID);
	assert_int_equal(v, 99);
}

static void test_codes(void **state)
{
	(void)state;
	assert_int_equal(stele_check_village_code("140402101201", NULL, NULL), 0);
	assert_int_equal(stele_check_village_code("140402101201", "140402", NULL), 0);
	assert_int_equal(stele_check_village_code("140403101201", "140402", "--village"),
			 STELE_EINVALID);
	assert_string_equal(stele_error_message(),
			    "--village '140403101201' is not in county 140402");
	assert_int_equal(stele_check_village_code("14040210120", NULL, NULL), STELE_EINVALID);
	assert_int_equal(stele_check_village_code("1404021012011", NULL, NULL), STELE_EINVALID);
	assert_int_equal(stele_check_village_code("14040210120a", NULL, NULL), STELE_EINVALID);
	assert_int_equal(stele_check_village_code(" 40402101201", NULL, NULL), STELE_EINVALID);
	assert_int_equal(stele_check_village_code("-40402101201", NULL, NULL), STELE_EINVALID);
	assert_int_equal(stele_check_village_code("１40402101201", NULL, NULL), STELE_EINVALID);
	assert_int_equal(stele_check_village_code("", NULL, NULL), STELE_EINVALID);
	assert_int_equal(stele_check_county_code("140402", NULL), 0);
	assert_int_equal(stele_check_county_code("14040", NULL), STELE_EINVALID);
	assert_int_equal(stele_check_county_code("1404021", NULL), STELE_EINVALID);
	assert_int_equal(stele_check_county_code("14040x", NULL), STELE_EINVALID);
	assert_int_equal(stele_check_county_code("", NULL), STELE_EINVALID);
}

#define UTF8_OK(s) assert_true(stele_utf8_valid((s), sizeof(s) - 1))
#define UTF8_BAD(s) assert_false(stele_utf8_valid((s), sizeof(s) - 1))

static void test_utf8(void **state)
{
	(void)state;
	UTF8_OK("");
	UTF8_OK("plain ASCII");
	UTF8_OK("张三 东村 城关镇");
	UTF8_OK("tab\tis fine");
	UTF8_BAD("\xc2\x80");            /* U+0080, the first two-byte: a C1 control */
	UTF8_BAD("\xc2\x9b");            /* U+009B, CSI: a terminal's escape */
	UTF8_BAD("\xc2\x9f");            /* U+009F, the last C1 control */
	UTF8_OK("\xc2\xa0");             /* U+00A0, the first two-byte that is text */
	UTF8_OK("\xdf\xbf");             /* U+07FF */
	UTF8_OK("\xe0\xa0\x80");         /* U+0800, the first three-byte */
	UTF8_OK("\xed\x9f\xbf");         /* U+D7FF, just below the surrogates */
	UTF8_OK("\xee\x80\x80");         /* U+E000, just above */
	UTF8_OK("\xef\xbf\xbf");         /* U+FFFF */
	UTF8_OK("\xf0\x90\x80\x80");     /* U+10000, the first four-byte */
	UTF8_OK("\xf4\x8f\xbf\xbf");     /* U+10FFFF, the last */
	UTF8_OK("\xf0\x9f\x8c\xbe");     /* an emoji */
	/* Overlong forms. */
	UTF8_BAD("\xc0\xaf");
	UTF8_BAD("\xc1\xbf");
	UTF8_BAD("\xe0\x80\xaf");
	UTF8_BAD("\xe0\x9f\xbf");
	UTF8_BAD("\xf0\x80\x80\xaf");
	UTF8_BAD("\xf0\x8f\xbf\xbf");
	/* Surrogates, and past U+10FFFF. */
	UTF8_BAD("\xed\xa0\x80");
	UTF8_BAD("\xed\xbf\xbf");
	UTF8_BAD("\xed\xa0\xbd\xed\xb2\xa9"); /* a CESU-8 pair */
	UTF8_BAD("\xf4\x90\x80\x80");
	UTF8_BAD("\xf5\x80\x80\x80");
	UTF8_BAD("\xf8\x88\x80\x80\x80");
	UTF8_BAD("\xff");
	UTF8_BAD("\xfe");
	/* Cut short, stray continuations, bad continuations. */
	UTF8_BAD("\xe5\xbc");
	UTF8_BAD("a\xe5");
	UTF8_BAD("\xf0\x9f\x8c");
	UTF8_BAD("\x80");
	UTF8_BAD("\xbf abc");
	UTF8_BAD("\xe5\x41\xa0");
	UTF8_BAD("\xc3\xc3\xa9");
	/* Controls: one line of text. */
	UTF8_BAD("two\nlines");
	UTF8_BAD("cr\r");
	UTF8_BAD("nul\0inside");
	UTF8_BAD("\x1b[31m");
	UTF8_BAD("del\x7f");
	/* A valid sequence cut by len is invalid. */
	assert_false(stele_utf8_valid("\xe5\xbc\xa0", 2));
	assert_true(stele_utf8_valid("\xe5\xbc\xa0", 3));

	assert_int_equal(stele_check_text("张三", 6, "name"), 0);
	assert_int_equal(stele_check_text("张三", 5, "name"), STELE_EINVALID);
	assert_string_equal(stele_error_message(), "name is longer than 5 bytes");
	assert_int_equal(stele_check_text("a\nb", 10, "name"), STELE_EINVALID);
	assert_string_equal(stele_error_message(), "name is not valid one-line UTF-8 text");
}

static void test_hex(void **state)
{
	static const unsigned char bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	unsigned char out[6] = { 0 }, keep[6];
	char hex[13];

	(void)state;
	stele_hex_encode(hex, bytes, sizeof(bytes));
	assert_string_equal(hex, "00017f80abff");
	assert_int_equal(stele_hex_decode(out, sizeof(out), hex), 0);
	assert_memory_equal(out, bytes, sizeof(bytes));
	assert_int_equal(stele_hex_decode(out, sizeof(out), "00017F80ABFF"), 0);
	assert_memory_equal(out, bytes, sizeof(bytes));
	stele_hex_encode(hex, bytes, 0);
	assert_string_equal(hex, "");

	/* Refused, and out untouched. */
	memset(out, 0x33, sizeof(out));
	memcpy(keep, out, sizeof(out));
	assert_int_equal(stele_hex_decode(out, sizeof(out), "00017f80abf"), STELE_EINVALID);
	assert_int_equal(stele_hex_decode(out, sizeof(out), "secret-seed!"), STELE_EINVALID);
	assert_null(strstr(stele_error_message(), "secret"));
	assert_int_equal(stele_hex_decode(out, sizeof(out), "00017f80abff0"), STELE_EINVALID);
	assert_int_equal(stele_hex_decode(out, sizeof(out), "00017f80abfg"), STELE_EINVALID);
	assert_int_equal(stele_hex_decode(out, sizeof(out), "00017f80ab f"), STELE_EINVALID);
	assert_int_equal(stele_hex_decode(out, sizeof(out), ""), STELE_EINVALID);
	assert_memory_equal(out, keep, sizeof(out));
}

static void test_pubkey(void **state)
{
	static const char hex[] = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
	unsigned char pk[STELE_PK_BYTES], keep[STELE_PK_BYTES];

	(void)state;
	assert_int_equal(stele_parse_pubkey(pk, hex, "--key", STELE_LEVEL_COUNTY), 0);
	assert_int_equal(pk[0], 0x00);
	assert_int_equal(pk[17], 0x11);
	assert_int_equal(pk[31], 0xff);
	assert_int_equal(stele_parse_pubkey(NULL, hex, "--key", STELE_LEVEL_VILLAGE), 0);

	/* Refused, pk untouched, the message saying where a key of that level comes from. */
	memset(pk, 0x33, sizeof(pk));
	memcpy(keep, pk, sizeof(pk));
	assert_int_equal(stele_parse_pubkey(pk, "00112233", "--key", STELE_LEVEL_VILLAGE),
			 STELE_EINVALID);
	assert_string_equal(stele_error_message(), "--key is not a public key (64 hex digits, "
			    "from 'stele-agent key')");
	assert_int_equal(stele_parse_pubkey(pk, "", "--county-key", STELE_LEVEL_COUNTY),
			 STELE_EINVALID);
	assert_string_equal(stele_error_message(), "--county-key is not a public key (64 hex "
			    "digits, from 'stele-aggregator key' in the county's directory)");
	assert_int_equal(stele_parse_pubkey(pk, hex + 1, "--key", STELE_LEVEL_TOWNSHIP),
			 STELE_EINVALID);
	assert_non_null(strstr(stele_error_message(), "in the township's directory"));
	assert_int_equal(stele_parse_pubkey(pk, "secret-seed!", "--key", STELE_LEVEL_CITY),
			 STELE_EINVALID);
	assert_non_null(strstr(stele_error_message(), "in the city's directory"));
	assert_null(strstr(stele_error_message(), "secret"));
	assert_memory_equal(pk, keep, sizeof(pk));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_months_years),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_format_fixed),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_pubkey),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
