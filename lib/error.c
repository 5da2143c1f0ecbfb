/* error.c: per-thread recording of the last error message. */
#include <stdarg.h>
#include <stdio.h>
#include <sqlite3.h>

#include "error.h"

static _Thread_local char last_message[1024];

int stele_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
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
