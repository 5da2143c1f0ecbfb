/* fuzz-parse.c: libFuzzer target for the domain value parsers (parse.h): dates,
 * months, years, tenths, fen, whole numbers, village codes, text and hex. Every
 * value that parses must format back to text that parses to the same value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "parse.h"
#include "fuzz.h"

static void check_date(const char *s)
{
	int32_t days = 0, again = 0;
	char text[16];

	if (stele_parse_date(&days, s, "date") < 0)
		return;
	stele_format_date(text, days);
	FUZZ_CHECK(strcmp(text, s) == 0, "date '%s' formats back as '%s'", s, text);
	FUZZ_CHECK(stele_parse_date(&again, text, NULL) == 0 && again == days,
		   "date '%s' does not parse back", text);
}

static void check_month(const char *s)
{
	int32_t month = 0, year = 0;
	char text[16];

	if (stele_parse_month(&month, s, "month") == 0) {
		stele_format_month(text, month);
		FUZZ_CHECK(strcmp(text, s) == 0, "month '%s' formats back as '%s'", s, text);
	}
	if (stele_parse_year(&year, s, "year") == 0)
		FUZZ_CHECK(year >= 1900 && year <= 2999, "year '%s' parsed to %d", s, (int)year);
}

static void check_fixed(const char *s, int places)
{
	int64_t value = 0, again = 0;
	char text[32];

	if (stele_parse_fixed(&value, s, places, "amount") < 0)
		return;
	FUZZ_CHECK(value > -1000000000000000LL && value < 1000000000000000LL,
		   "'%s' parsed to %lld, past the documented range", s, (long long)value);
	stele_format_fixed(text, value, places);
	FUZZ_CHECK(stele_parse_fixed(&again, text, places, NULL) == 0 && again == value,
		   "'%s' (%lld) formats as '%s', which does not parse back", s, (long long)value, text);
}

static void check_int(const char *s)
{
	int64_t value = 0;

	if (stele_parse_int(&value, s, -1000, 100000, "number") == 0)
		FUZZ_CHECK(value >= -1000 && value <= 100000, "'%s' parsed to %lld outside its range", s,
			   (long long)value);
	if (stele_parse_int(&value, s, INT64_MIN, INT64_MAX, "number") == 0) {
		char text[32];
		snprintf(text, sizeof(text), "%lld", (long long)value);
		FUZZ_CHECK(strtoll(text, NULL, 10) == value, "'%s' parsed to %lld", s, (long long)value);
	}
}

static void check_hex(const char *s)
{
	unsigned char bytes[32];
	char text[65];
	size_t n = strlen(s) / 2;

	if (n == 0 || n > sizeof(bytes) || stele_hex_decode(bytes, n, s) < 0)
		return;
	stele_hex_encode(text, bytes, n);
	for (size_t i = 0; i < 2 * n; i++)
		FUZZ_CHECK(text[i] == s[i] || text[i] == (s[i] | 0x20),
			   "hex '%s' encodes back as '%s'", s, text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_date(s);
	check_month(s);
	check_fixed(s, 1);
	check_fixed(s, 2);
	check_int(s);
	check_hex(s);
	if (stele_check_village_code(s, "990101", "village") == 0)
		FUZZ_CHECK(strlen(s) == 12 && strncmp(s, "990101", 6) == 0,
			   "village code '%s' accepted", s);
	if (stele_check_text(s, 64, "name") == 0)
		FUZZ_CHECK(strlen(s) <= 64 && !strchr(s, '\n'), "text '%s' accepted", s);
	(void)stele_utf8_valid((const char *)data, size);
	free(s);
	return 0;
}
