/* parse.c: strict parsing and formatting of codes, dates, decimals and text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "i18n.h"
#include "changeset.h"
#include "parse.h"

/* What is at fault, in the reader's language: callers pass plain English
 * ("--date", "column occurred_on"), extracted by keyword (tools/pot.sh). */
#define WHAT(w) ((w) ? _(w) : _("value"))

bool stele_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		unsigned char c = *s;
		uint32_t cp;
		int n;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return false;
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (end - s <= n)
			return false;
		for (int i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		/* C1 controls: U+009B is a terminal's CSI, as ESC [ is. */
		if (cp >= 0x80 && cp <= 0x9f)
			return false;
		s += n + 1;
	}
	return true;
}

int stele_check_text(const char *s, size_t max_bytes, const char *what)
{
	size_t len = strlen(s);

	if (len > max_bytes)
		return stele_error(STELE_EINVALID, "%s is longer than %zu bytes", WHAT(what), max_bytes);
	if (!stele_utf8_valid(s, len))
		return stele_error(STELE_EINVALID, "%s is not valid one-line UTF-8 text", WHAT(what));
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[n] == '\0';
}

int stele_check_village_code(const char *s, const char *county, const char *what)
{
	if (strlen(s) != 12 || !all_digits(s, 12))
		return stele_error(STELE_EINVALID, "%s '%s' is not a 12-digit village code",
				   WHAT(what), s);
	if (county && strlen(county) == 9 && strncmp(s, county, 9) != 0)
		return stele_error(STELE_EINVALID, "%s '%s' is not in township %s", WHAT(what), s,
				   county);
	if (county && strncmp(s, county, 6) != 0)
		return stele_error(STELE_EINVALID, "%s '%s' is not in county %s", WHAT(what), s, county);
	return 0;
}

int stele_check_county_code(const char *s, const char *what)
{
	if (strlen(s) != 6 || !all_digits(s, 6))
		return stele_error(STELE_EINVALID, "%s '%s' is not a 6-digit county code", WHAT(what), s);
	return 0;
}

int stele_check_township_code(const char *s, const char *county, const char *what)
{
	if (strlen(s) != 9 || !all_digits(s, 9))
		return stele_error(STELE_EINVALID, "%s '%s' is not a 9-digit township code",
				   WHAT(what), s);
	if (county && strncmp(s, county, 6) != 0)
		return stele_error(STELE_EINVALID, "%s '%s' is not in county %s", WHAT(what), s, county);
	return 0;
}

/* Howard Hinnant's days_from_civil, exact for the proleptic Gregorian calendar. */
int32_t stele_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void stele_civil_from_days(int *y, int *m, int *d, int32_t z)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits_at(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int stele_parse_date(int32_t *out, const char *s, const char *what)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || (y = digits_at(s, 4)) < 0 ||
	    (m = digits_at(s + 5, 2)) < 0 || (d = digits_at(s + 8, 2)) < 0)
		return stele_error(STELE_EINVALID, "%s '%s' is not a date (YYYY-MM-DD)", WHAT(what), s);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return stele_error(STELE_EINVALID, "%s '%s' is not a real date", WHAT(what), s);
	*out = stele_days_from_civil(y, m, d);
	return 0;
}

int stele_parse_month(int32_t *out, const char *s, const char *what)
{
	int y, m;

	if (strlen(s) != 7 || s[4] != '-' || (y = digits_at(s, 4)) < 0 ||
	    (m = digits_at(s + 5, 2)) < 0)
		return stele_error(STELE_EINVALID, "%s '%s' is not a month (YYYY-MM)", WHAT(what), s);
	if (y < 1900 || y > 2999 || m < 1 || m > 12)
		return stele_error(STELE_EINVALID, "%s '%s' is not a real month", WHAT(what), s);
	*out = y * 12 + (m - 1);
	return 0;
}

int stele_parse_year(int32_t *out, const char *s, const char *what)
{
	int y;

	if (strlen(s) != 4 || (y = digits_at(s, 4)) < 0 || y < 1900 || y > 2999)
		return stele_error(STELE_EINVALID, "%s '%s' is not a year (YYYY)", WHAT(what), s);
	*out = y;
	return 0;
}

void stele_format_date(char *buf, int32_t days)
{
	int y, m, d;

	stele_civil_from_days(&y, &m, &d, days);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

void stele_format_month(char *buf, int32_t month)
{
	snprintf(buf, 8, "%04u-%02u", (unsigned)(month / 12) % 10000u,
		 (unsigned)(month % 12 + 1) % 100u);
}

int32_t stele_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return stele_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void stele_format_local_time(char *buf, int64_t unix_seconds)
{
	time_t t = (time_t)unix_seconds;
	char zone[8] = "+0000";
	struct tm tm;

	if (!localtime_r(&t, &tm)) {
		snprintf(buf, STELE_LOCAL_TIME_BYTES, "%lld", (long long)unix_seconds);
		return;
	}
	strftime(zone, sizeof(zone), "%z", &tm);
	strftime(buf, STELE_LOCAL_TIME_BYTES, "%Y-%m-%d %H:%M:%S", &tm);
	/* +0800 is written +08:00 (ISO 8601) */
	snprintf(buf + strlen(buf), STELE_LOCAL_TIME_BYTES - strlen(buf), " %.3s:%.2s", zone,
		 zone + 3);
}

int64_t stele_parse_utc_stamp(const char *s)
{
	int y, mo, d, h, mi, sec;
	char z = 0, tail;
	int32_t days;
	char date[11];

	if (strlen(s) != 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &y, &mo, &d, &h, &mi, &sec, &z, &tail) != 7 ||
	    z != 'Z' || h > 23 || mi > 59 || sec > 60)
		return -1;
	snprintf(date, sizeof(date), "%.10s", s);
	if (stele_parse_date(&days, date, NULL) < 0)
		return -1;
	return (int64_t)days * 86400 + h * 3600 + mi * 60 + sec;
}

int stele_parse_fixed(int64_t *out, const char *s, int places, const char *what)
{
	const char *p = s;
	bool neg = false, any = false;
	int64_t v = 0;
	int frac = 0;
	const int64_t max = 1000000000000000LL;

	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		any = true;
		if (v >= max)
			goto bad;
	}
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			goto bad;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (frac < places) {
				v = v * 10 + (*p - '0');
				frac++;
			} else if (*p != '0') {
				return stele_error(STELE_EINVALID,
						   P_("%s '%s' has more than %d decimal place",
						      "%s '%s' has more than %d decimal places", places),
						   WHAT(what), s, places);
			}
			any = true;
		}
	}
	if (!any || *p != '\0')
		goto bad;
	for (; frac < places; frac++)
		v *= 10;
	if (v >= max)
		goto bad;
	*out = neg ? -v : v;
	return 0;
bad:
	return stele_error(STELE_EINVALID,
			   P_("%s '%s' is not a number with at most %d decimal place",
			      "%s '%s' is not a number with at most %d decimal places", places),
			   WHAT(what), s, places);
}

void stele_format_fixed(char *buf, int64_t value, int places)
{
	int64_t scale = 1;
	uint64_t mag = value < 0 ? (uint64_t)(-(value + 1)) + 1 : (uint64_t)value;

	for (int i = 0; i < places; i++)
		scale *= 10;
	if (places == 0)
		snprintf(buf, 32, "%s%llu", value < 0 ? "-" : "", (unsigned long long)mag);
	else
		snprintf(buf, 32, "%s%llu.%0*llu", value < 0 ? "-" : "",
			 (unsigned long long)(mag / (uint64_t)scale), places,
			 (unsigned long long)(mag % (uint64_t)scale));
}

int stele_parse_int(int64_t *out, const char *s, int64_t min, int64_t max, const char *what)
{
	char *end;
	long long v;

	if (!*s || !((*s >= '0' && *s <= '9') || *s == '-'))
		goto bad;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0' || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	return stele_error(STELE_EINVALID, "%s '%s' is not a whole number from %lld to %lld",
			   WHAT(what), s, (long long)min, (long long)max);
}

void stele_hex_encode(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int stele_hex_decode(unsigned char *out, size_t n, const char *hex)
{
	if (strlen(hex) != 2 * n)
		return stele_error(STELE_EINVALID, "not %zu hex digits", 2 * n);
	/* Check every digit first: out is written only on success. */
	for (size_t i = 0; i < 2 * n; i++)
		if (hexval(hex[i]) < 0)
			return stele_error(STELE_EINVALID, "not %zu hex digits", 2 * n);
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	return 0;
}

int stele_parse_pubkey(unsigned char *pk, const char *s, const char *what, enum stele_level level)
{
	unsigned char key[STELE_PK_BYTES];

	if (stele_hex_decode(key, sizeof(key), s) == 0) {
		if (pk)
			memcpy(pk, key, sizeof(key));
		return 0;
	}
	switch (level) {
	case STELE_LEVEL_VILLAGE:
		return stele_error(STELE_EINVALID, "%s is not a public key (64 hex digits, from "
				   "'stele-agent key')", WHAT(what));
	case STELE_LEVEL_TOWNSHIP:
		return stele_error(STELE_EINVALID, "%s is not a public key (64 hex digits, from "
				   "'stele-aggregator key' in the township's directory)", WHAT(what));
	case STELE_LEVEL_CITY:
		return stele_error(STELE_EINVALID, "%s is not a public key (64 hex digits, from "
				   "'stele-aggregator key' in the city's directory)", WHAT(what));
	default:
		return stele_error(STELE_EINVALID, "%s is not a public key (64 hex digits, from "
				   "'stele-aggregator key' in the county's directory)", WHAT(what));
	}
}
