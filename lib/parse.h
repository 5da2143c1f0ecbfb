/* parse.h: strict parsing and formatting of the domain's values (domain.md units). */
#ifndef STELE_PARSE_H
#define STELE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain.h"

/*
 * Parsers return 0 and write *out only on success; on failure they return
 * STELE_EINVALID and record a message naming `what` (e.g. "--date", "column
 * occurred_on") and the bad text. `what` may be NULL for a generic message.
 */

/* True if s (len bytes) is valid UTF-8 with no NUL, no C0 control other than tab
 * (newlines are refused too: every stored text is one line), no DEL and no C1
 * control (U+0080..U+009F): nothing a terminal would act on. */
bool stele_utf8_valid(const char *s, size_t len);

/* Refuses text that is not valid one-line UTF-8, or longer than max_bytes. */
int stele_check_text(const char *s, size_t max_bytes, const char *what);

/* A village code: exactly 12 ASCII digits; if county is non-NULL, it must start
 * with county: a county's 6 digits, or a township's 9. */
int stele_check_village_code(const char *s, const char *county, const char *what);

/* A county code: exactly 6 ASCII digits. */
int stele_check_county_code(const char *s, const char *what);

/* A township code: exactly 9 ASCII digits; if county is non-NULL, its first 6. */
int stele_check_township_code(const char *s, const char *county, const char *what);

/* YYYY-MM-DD, a real calendar date, year 1900..2999. *out = days since 1970-01-01. */
int stele_parse_date(int32_t *out, const char *s, const char *what);
/* YYYY-MM, *out = year * 12 + (month - 1). */
int stele_parse_month(int32_t *out, const char *s, const char *what);
/* YYYY, 1900..2999. */
int stele_parse_year(int32_t *out, const char *s, const char *what);

/* Days since 1970-01-01 of a valid (y, m, d), and back. */
int32_t stele_days_from_civil(int y, int m, int d);
void stele_civil_from_days(int *y, int *m, int *d, int32_t days);

/* Formats days as YYYY-MM-DD / a month index as YYYY-MM into buf (>= 11 bytes). */
void stele_format_date(char *buf, int32_t days);
void stele_format_month(char *buf, int32_t month);
/* Today's date in local time, as days since 1970-01-01. */
int32_t stele_today(void);
/* A moment as people read it everywhere (status, log, quarantine): this
 * computer's local time with its offset from UTC, "2026-12-01 23:21:17 +08:00".
 * buf holds STELE_LOCAL_TIME_BYTES. */
#define STELE_LOCAL_TIME_BYTES 32
void stele_format_local_time(char *buf, int64_t unix_seconds);
/* Unix seconds of a stored UTC stamp "YYYY-MM-DDTHH:MM:SSZ"; -1 if it is not one. */
int64_t stele_parse_utc_stamp(const char *s);

/* A decimal with at most `places` fractional digits (extra trailing zeros are
 * accepted), optional leading '-', into an integer of 10^places units:
 * "2" -> 20, "-3.5" -> -35 with places = 1; "68767.9" -> 6876790 with places = 2.
 * |value| must stay below 10^15 units. */
int stele_parse_fixed(int64_t *out, const char *s, int places, const char *what);
#define stele_parse_tenths(out, s, what) stele_parse_fixed((out), (s), 1, (what))
#define stele_parse_fen(out, s, what) stele_parse_fixed((out), (s), 2, (what))

/* Formats units of 10^-places with exactly `places` decimals: 35 -> "3.5",
 * -20 -> "-2.0", 5 -> "0.5", -5 -> "-0.5". buf must hold 32 bytes. */
void stele_format_fixed(char *buf, int64_t value, int places);

/* A whole number in [min, max]. */
int stele_parse_int(int64_t *out, const char *s, int64_t min, int64_t max, const char *what);

/* Lowercase hex of n bytes into out (2n+1 bytes); and back (exactly 2n digits).
 * The decoder's message never repeats its input, which may be secret. */
void stele_hex_encode(char *out, const unsigned char *in, size_t n);
int stele_hex_decode(unsigned char *out, size_t n, const char *hex);

/*
 * A writer's public key as its `key` command prints it (64 hex digits) into pk
 * (STELE_PK_BYTES bytes; NULL: only checked). level is whose key it is: the
 * message says where to read one (a village's: 'stele-agent key'; a township's,
 * county's or city's: 'stele-aggregator key' in its directory), naming what
 * ("--key"). The command adds whose it is ("county 341100: ...").
 */
int stele_parse_pubkey(unsigned char *pk, const char *s, const char *what, enum stele_level level);

#endif
