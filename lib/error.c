/* error.c: per-thread recording of the last error message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "error.h"

static _Thread_local char last_message[1024];

int stele_error(int code, const char *fmt, ...)
{
	char message[sizeof(last_message)];
	va_list ap;

	/* Formatted apart first: callers may pass stele_error_message() as an
	 * argument to prefix the previous message. */
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	memcpy(last_message, message, sizeof(last_message));
	return code;
}

int stele_error_db(int code, sqlite3 *db, const char *what)
{
	if (db && sqlite3_errcode(db) == SQLITE_BUSY)
		code = STELE_EBUSY;
	return stele_error(code, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

const char *stele_error_message(void)
{
	return last_message;
}

void stele_error_clear(void)
{
	last_message[0] = '\0';
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
