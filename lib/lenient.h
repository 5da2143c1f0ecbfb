/* lenient.h: the values people and Excel write, made into the strict forms the
 * domain takes (2026/11/3 -> 2026-11-03, full-width digits, date serials). */
#ifndef STELE_LENIENT_H
#define STELE_LENIENT_H

#include <stddef.h>

/*
 * Everything here rewrites toward domain.md's one spelling and never guesses:
 * what it does not recognise is left as it was (the strict check then refuses it
 * with its own message), and what could be read two ways is refused
 * (STELE_EINVALID, naming `what` and the text).
 */

/* Removes surrounding spaces (the ASCII space and the ideographic space U+3000)
 * from s, in place. A tab is no space here: it stays (a stored text may start
 * with one, and export and import round-trip it). */
void stele_lenient_trim(char *s);

/* Full-width ASCII forms (U+FF01..U+FF5E: ０-９, Ａ-Ｚ, －, ／, ．, ...) and
 * U+3000 become their ASCII characters, in place (the text never grows). */
void stele_lenient_ascii(char *s);

/*
 * A date as written by Excel or a person, into out (11 bytes) as YYYY-MM-DD:
 * 2026-11-3, 2026/11/3, 2026.11.3, 20261103, 2026年11月3日, with an optional
 * midnight time (2026/11/3 0:00), and D/M/YYYY or M/D/YYYY when only one reading
 * is a date (25/3/2026). Returns 1 when out holds a date, 0 when s is not
 * recognised (out untouched), STELE_EINVALID when s could be two dates
 * (11/3/2026). The calendar check is the strict parser's.
 */
int stele_lenient_date(char *out, const char *s, const char *what);

/* A month: 2026-1, 2026/01, 2026.1, 2026年1月, or a date on the 1st (Excel turns
 * a typed 2026-01 into 2026/1/1), into out (8 bytes) as YYYY-MM. Returns 1 or 0
 * as stele_lenient_date. */
int stele_lenient_month(char *out, const char *s);

/* A year written 2026年 into out (5 bytes) as 2026. Returns 1 or 0. */
int stele_lenient_year(char *out, const char *s);

/*
 * A command-line month ('m') or year ('y') as people write it (2026/11, 2026年11月,
 * full-width digits, spaces around it; 2026年), for the strict parser that follows:
 * buf (32 bytes, the caller's) in domain.md's form when recognised, else s trimmed
 * and made ASCII, which the strict parser then names. Returns buf, or s itself
 * when s is NULL, empty or too long for buf.
 */
const char *stele_lenient_arg(char buf[32], const char *s, char type);

/* A decimal with thousands separators in groups of three (1,234.50) into out
 * (outsz bytes) without them. Returns 1 or 0. */
int stele_lenient_number(char *out, size_t outsz, const char *s);

/* An Excel date serial (a whole number of days, 1900 date system: 1 is
 * 1900-01-01, 61 is 1900-03-01) into out (11 bytes) as YYYY-MM-DD. Returns 1,
 * or 0 when s is not a serial of a date in 1900..2999. */
int stele_lenient_serial(char *out, const char *s);

#endif
