/* buf.h: the one growable byte buffer, with a size cap for untrusted input. */
#ifndef STELE_BUF_H
#define STELE_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A buffer owns data (always NUL-terminated when non-NULL, the NUL not counted in
 * len). It never grows past limit bytes: an append that would is refused with
 * STELE_EINVALID and leaves the buffer as it was. Free with stele_buf_free().
 *
 * The first failure sticks, as in libgit2's git_str: error holds its code and
 * every later append does nothing and returns it again, so a caller may append
 * many times and check once at the end (stele_buf_error, or stele_buf_detach's
 * NULL); the message recorded by the first failure stays the one reported.
 */
struct stele_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit;
	int error;   /* 0, or the code of the first failed append */
};

#define STELE_BUF_NOLIMIT ((size_t)-1)
#define STELE_BUF_INIT(lim) { NULL, 0, 0, (lim), 0 }

void stele_buf_init(struct stele_buf *buf, size_t limit);
/* Frees data and clears the error. */
void stele_buf_free(struct stele_buf *buf);
/* Empties the buffer (keeping its memory) and clears the error. */
void stele_buf_reset(struct stele_buf *buf);

/* 0, or the code of the first append that failed since init, reset or free. */
int stele_buf_error(const struct stele_buf *buf);

/* Makes room for n more bytes. 0, or STELE_EINVALID past the limit, STELE_EFAIL
 * out of memory. */
int stele_buf_grow(struct stele_buf *buf, size_t n);

/* Makes room for element n of the array *items (void * standing for T **, of
 * *cap elements of elem bytes; n <= *cap), doubling its capacity, first when it
 * has none. *items and *cap change only on success; the caller frees *items.
 * 0, or STELE_EFAIL out of memory (or past SIZE_MAX bytes). */
int stele_array_reserve(void *items, size_t *cap, size_t n, size_t elem, size_t first);

int stele_buf_append(struct stele_buf *buf, const void *data, size_t n);
int stele_buf_puts(struct stele_buf *buf, const char *s);
int stele_buf_putc(struct stele_buf *buf, char c);
int stele_buf_printf(struct stele_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int stele_buf_vprintf(struct stele_buf *buf, const char *fmt, va_list ap);

/* Hands data to the caller (who frees it with free()) and empties the buffer. An
 * empty buffer yields a freshly allocated "". NULL on out of memory, or when an
 * append had failed (the buffer is then freed, its error cleared). */
char *stele_buf_detach(struct stele_buf *buf, size_t *len);

#endif
