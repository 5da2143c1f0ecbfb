/* error.c: per-thread recording of the last error message, in the reader's
 * language and in English (what is stored). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "error.h"
#include "i18n.h"

static _Thread_local char last_message[1024];
static _Thread_local char last_english[sizeof(last_message)];

/*
 * Formats fmt translated into last_message and as written into last_english.
 * Callers may pass stele_error_message() as an argument to prefix the previous
 * message: each pass must then read the previous message in its own language,
 * so last_message holds the English one during the English pass.
 */
int stele_verror(int code, const char *fmt, va_list ap)
{
	char message[sizeof(last_message)], english[sizeof(last_message)];
	const char *translated = stele_gettext(fmt);
	va_list again;

	va_copy(again, ap);
	vsnprintf(message, sizeof(message), translated, ap);
	if (translated == fmt) {
		memcpy(english, message, sizeof(english));
	} else {
		memcpy(last_message, last_english, sizeof(last_message));
		vsnprintf(english, sizeof(english), fmt, again);
	}
	va_end(again);
	memcpy(last_message, message, sizeof(last_message));
	memcpy(last_english, english, sizeof(last_english));
	return code;
}

int stele_error_text(int code, const char *msg)
{
	snprintf(last_message, sizeof(last_message), "%s", stele_gettext(msg));
	snprintf(last_english, sizeof(last_english), "%s", msg);
	return code;
}

void stele_error_append(const char *fmt, ...)
{
	const char *translated = stele_gettext(fmt);
	size_t m = strlen(last_message), e = strlen(last_english);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message + m, sizeof(last_message) - m, translated, ap);
	va_end(ap);
	va_start(ap, fmt);
	vsnprintf(last_english + e, sizeof(last_english) - e, fmt, ap);
	va_end(ap);
}

int stele_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stele_verror(code, fmt, ap);
	va_end(ap);
	return code;
}

int stele_error_db(int code, sqlite3 *db, const char *what)
{
	const char *why = db ? sqlite3_errmsg(db) : N_("no database");

	if (db && sqlite3_errcode(db) == SQLITE_BUSY)
		code = STELE_EBUSY;
	snprintf(last_message, sizeof(last_message), _("%s: %s"), _(what), db ? why : _(why));
	snprintf(last_english, sizeof(last_english), "%s: %s", what, why);
	return code;
}

const char *stele_error_message(void)
{
	return last_message;
}

const char *stele_error_message_en(void)
{
	return last_english;
}

void stele_error_clear(void)
{
	last_message[0] = '\0';
	last_english[0] = '\0';
}

int stele_exit_code(int code)
{
	if (code >= 0)
		return 0;
	if (code < STELE_EVERIFY)
		return 1;
	return -code;
}

_Noreturn void stele_assert_fail(const char *file, int line, const char *cond)
{
	/* The one write to stderr in lib/: a broken invariant, the program stops. */
	fprintf(stderr, "stele: internal error: %s:%d: assertion failed: %s\n", file, line, cond);
	abort();
}
