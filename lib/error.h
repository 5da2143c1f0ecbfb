/* error.h: how library code reports failure: a negative code plus one recorded line. */
#ifndef STELE_ERROR_H
#define STELE_ERROR_H

#include <stdarg.h>

/*
 * Library functions return 0 on success and one of these (negative) on failure,
 * after recording a one-line message with stele_error(). The command layer prints
 * the message and exits with -code (cli.md's exit codes).
 */
enum {
	STELE_OK       = 0,
	STELE_EFAIL    = -1, /* I/O, git, network: exit 1 */
	STELE_EUSAGE   = -2, /* bad command line: exit 2 */
	STELE_EINVALID = -3, /* invalid data, refused, nothing written: exit 3 */
	STELE_EBUSY    = -4, /* another process holds the directory: exit 4 */
	STELE_EVERIFY  = -5, /* a change set failed verification: exit 5 */
};

/* Records a message (printf-style, lowercase start, no trailing newline) for the
 * calling thread and returns code, so callers can write `return stele_error(...)`.
 * fmt is plain English: it is translated here (xgettext extracts it by keyword,
 * docs/translating.md), and kept in English too (stele_error_message_en). */
int stele_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records msg, a message without conversions (a table's N_()-marked text),
 * translated and in English, as stele_error does; returns code. */
int stele_error_text(int code, const char *msg);
int stele_verror(int code, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Appends fmt (plain English, translated here like stele_error's) to the calling
 * thread's message in both languages: a hint after a refusal whose own message
 * stays as it was. */
void stele_error_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Records the message of the database handle's last error, prefixed with what
 * (plain English, translated here). */
struct sqlite3;
int stele_error_db(int code, struct sqlite3 *db, const char *what);

/* The calling thread's last message ("" if none) in the reader's language; valid
 * until the next stele_error. */
const char *stele_error_message(void);
/* The same message in English, as the source writes it: for what is stored (a
 * quarantine's detail, a fetch error) or compared, which never depends on the
 * language of whoever ran the command. */
const char *stele_error_message_en(void);

/* Clears the calling thread's message. */
void stele_error_clear(void);

/* The exit code for a library return code: 0 for >= 0, else -code (1..5). */
int stele_exit_code(int code);

/*
 * STELE_ASSERT(cond): an internal invariant, never a check of input (input is
 * refused with a code and a message). In a debug build (NDEBUG undefined, the
 * default) a false cond names the file, line and condition on stderr and aborts,
 * so the fuzzers and the sanitizer builds stop at the broken invariant; with
 * -DNDEBUG it compiles to nothing and cond is not evaluated.
 */
#ifdef NDEBUG
#define STELE_ASSERT(cond) ((void)0)
#else
#define STELE_ASSERT(cond) \
	((cond) ? (void)0 : stele_assert_fail(__FILE__, __LINE__, #cond))
#endif
_Noreturn void stele_assert_fail(const char *file, int line, const char *cond);

#endif
