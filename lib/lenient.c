/* lenient.c: the dates, numbers and full-width forms Excel and people write. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "lenient.h"
#include "parse.h"

#define IDEOGRAPHIC_SPACE "\xe3\x80\x80"

void stele_lenient_trim(char *s)
{
	size_t start = 0, end = strlen(s);

	for (;;) {
		if (s[start] == ' ')
			start++;
		else if (strncmp(s + start, IDEOGRAPHIC_SPACE, 3) == 0)
			start += 3;
		else
			break;
	}
	for (;;) {
		if (end > start && s[end - 1] == ' ')
			end--;
		else if (end >= start + 3 && memcmp(s + end - 3, IDEOGRAPHIC_SPACE, 3) == 0)
			end -= 3;
		else
			break;
	}
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
}

void stele_lenient_ascii(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;

	while (*r) {
		/* U+FF01..U+FF5E is EF BC 81..EF BD 9E; U+3000 is E3 80 80. */
		if (r[0] == 0xef && (r[1] == 0xbc || r[1] == 0xbd) && r[2] >= 0x80 && r[2] <= 0xbf) {
			unsigned cp = (0xfu << 12) | ((r[1] & 0x3fu) << 6) | (r[2] & 0x3fu);
			if (cp >= 0xff01 && cp <= 0xff5e) {
				*w++ = (unsigned char)(cp - 0xff01 + 0x21);
				r += 3;
				continue;
			}
		}
		if (r[0] == 0xe3 && r[1] == 0x80 && r[2] == 0x80) {
			*w++ = ' ';
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* Splits s into at most 3 runs of digits separated by one separator each:
 * n[] their values, len[] their digit counts, sep[] the text after each (up to
 * the next digit), *count how many. Returns false on anything else. */
static bool split_numbers(const char *s, int n[3], int len[3], const char *sep[3],
			  size_t seplen[3], int *count)
{
	int k = 0;

	while (*s) {
		if (k == 3 || *s < '0' || *s > '9')
			return false;
		n[k] = 0;
		len[k] = 0;
		while (*s >= '0' && *s <= '9') {
			if (len[k] < 8)
				n[k] = n[k] * 10 + (*s - '0');
			len[k]++;
			s++;
		}
		sep[k] = s;
		while (*s && (*s < '0' || *s > '9'))
			s++;
		seplen[k] = (size_t)(s - sep[k]);
		k++;
	}
	*count = k;
	return k > 0;
}

static bool sep_is(const char *sep, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(sep, want, len) == 0;
}

/* Whether (y, m, d) is a real date in 1900..2999. */
static bool real_date(int y, int m, int d)
{
	char text[16];
	int32_t days;

	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
	if (stele_parse_date(&days, text, NULL) < 0) {
		stele_error_clear();
		return false;
	}
	return true;
}

/* s with a trailing midnight time (" 0:00", " 00:00:00") cut off, into buf. */
static const char *without_midnight(char *buf, size_t bufsz, const char *s)
{
	const char *sp = strrchr(s, ' ');

	if (!sp || (strcmp(sp, " 0:00") != 0 && strcmp(sp, " 00:00") != 0 &&
		    strcmp(sp, " 0:00:00") != 0 && strcmp(sp, " 00:00:00") != 0))
		return s;
	snprintf(buf, bufsz, "%.*s", (int)(sp - s), s);
	return buf;
}

int stele_lenient_date(char *out, const char *s, const char *what)
{
	int n[3], len[3], count, y, m, d;
	const char *sep[3];
	size_t seplen[3];
	char buf[64];

	if (strlen(s) >= sizeof(buf))
		return 0;
	s = without_midnight(buf, sizeof(buf), s);
	if (!split_numbers(s, n, len, sep, seplen, &count))
		return 0;
	if (count == 1 && len[0] == 8) { /* 20261103 */
		y = n[0] / 10000, m = n[0] / 100 % 100, d = n[0] % 100;
	} else if (count != 3 || len[1] > 2 || (len[2] > 2 && len[2] != 4)) {
		return 0;
	} else if (len[0] == 4 && len[1] <= 2 && len[2] <= 2 &&
		   ((sep_is(sep[0], seplen[0], "-") && sep_is(sep[1], seplen[1], "-")) ||
		    (sep_is(sep[0], seplen[0], "/") && sep_is(sep[1], seplen[1], "/")) ||
		    (sep_is(sep[0], seplen[0], ".") && sep_is(sep[1], seplen[1], ".")) ||
		    (sep_is(sep[0], seplen[0], "年") && sep_is(sep[1], seplen[1], "月"))) &&
		   (seplen[2] == 0 || (sep_is(sep[1], seplen[1], "月") &&
				       sep_is(sep[2], seplen[2], "日")))) {
		y = n[0], m = n[1], d = n[2];
	} else if (len[0] <= 2 && len[1] <= 2 && len[2] == 4 && seplen[2] == 0 &&
		   sep_is(sep[0], seplen[0], "/") && sep_is(sep[1], seplen[1], "/")) {
		/* D/M/YYYY or M/D/YYYY: only when one reading alone is a date. */
		bool dm = real_date(n[2], n[1], n[0]), md = real_date(n[2], n[0], n[1]);
		y = n[2];
		if (dm && md && n[0] != n[1])
			return stele_error(STELE_EINVALID, "%s%s'%s' could be %04d-%02d-%02d or "
					   "%04d-%02d-%02d; write it as YYYY-MM-DD",
					   what ? what : "", what ? " " : "", s, y, n[1], n[0],
					   y, n[0], n[1]);
		if (!dm && !md)
			return 0;
		m = md ? n[0] : n[1];
		d = md ? n[1] : n[0];
	} else {
		return 0;
	}
	if (y < 1000 || y > 9999 || m > 99 || d > 99)
		return 0;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 100,
		 (unsigned)d % 100);
	return 1;
}

int stele_lenient_month(char *out, const char *s)
{
	int n[3], len[3], count;
	const char *sep[3];
	size_t seplen[3];
	char date[11];

	if (split_numbers(s, n, len, sep, seplen, &count) && count == 2 && len[0] == 4 &&
	    len[1] <= 2 &&
	    ((seplen[1] == 0 && (sep_is(sep[0], seplen[0], "-") || sep_is(sep[0], seplen[0], "/") ||
				 sep_is(sep[0], seplen[0], "."))) ||
	     (sep_is(sep[0], seplen[0], "年") && sep_is(sep[1], seplen[1], "月")))) {
		snprintf(out, 8, "%04u-%02u", (unsigned)n[0] % 10000, (unsigned)n[1] % 100);
		return 1;
	}
	if (stele_lenient_date(date, s, NULL) == 1 && strcmp(date + 8, "01") == 0) {
		snprintf(out, 8, "%.7s", date);
		return 1;
	}
	stele_error_clear();
	return 0;
}

int stele_lenient_year(char *out, const char *s)
{
	size_t n = strlen(s);

	if (n != 4 + strlen("年") || strcmp(s + 4, "年") != 0)
		return 0;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	snprintf(out, 5, "%.4s", s);
	return 1;
}

int stele_lenient_number(char *out, size_t outsz, const char *s)
{
	const char *p = s;
	size_t w = 0, group = 0;
	bool grouped = false;

	if (*p == '-' || *p == '+')
		p++;
	if (!strchr(p, ',') || strlen(s) >= outsz)
		return 0;
	if (*s == '-')
		out[w++] = '-';
	for (; *p && *p != '.'; p++) {
		if (*p == ',') {
			/* 1-3 digits before the first comma, exactly 3 after each. */
			if (group == 0 || group > 3 || (grouped && group != 3))
				return 0;
			grouped = true;
			group = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return 0;
		out[w++] = *p;
		group++;
	}
	if (group != 3)
		return 0;
	for (; *p; p++) {
		if (*p != '.' && (*p < '0' || *p > '9'))
			return 0;
		out[w++] = *p;
	}
	out[w] = '\0';
	return 1;
}

int stele_lenient_serial(char *out, const char *s)
{
	int64_t serial;
	int y, m, d;

	/* A serial from a workbook's number cell: whole days, maybe written "46329.0". */
	char buf[32];
	size_t n = strlen(s);
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n + 1);
	if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
		buf[n - 2] = '\0';
	if (stele_parse_int(&serial, buf, 1, 401768, NULL) < 0) { /* 2999-12-31 */
		stele_error_clear();
		return 0;
	}
	if (serial == 60) /* Lotus 1-2-3's 1900-02-29, which never was */
		return 0;
	/* Serial 1 is 1900-01-01; from 61 on it counts from 1899-12-30. */
	int32_t days = stele_days_from_civil(1899, 12, serial < 60 ? 31 : 30) + (int32_t)serial;
	stele_civil_from_days(&y, &m, &d, days);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 100,
		 (unsigned)d % 100);
	return 1;
}

const char *stele_lenient_arg(char buf[32], const char *s, char type)
{
	char tmp[32];
	size_t n = s ? strlen(s) : 0;
	int rc;

	if (!n || n >= sizeof(tmp))
		return s; /* empty, or too long to be a month: the strict check says so */
	memcpy(tmp, s, n + 1);
	stele_lenient_trim(tmp);
	stele_lenient_ascii(tmp);
	rc = type == 'm' ? stele_lenient_month(buf, tmp) : stele_lenient_year(buf, tmp);
	if (rc == 1)
		return buf;
	memcpy(buf, tmp, strlen(tmp) + 1);
	return buf;
}
