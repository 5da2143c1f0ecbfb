/* buf.c: the growable byte buffer with a size cap. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

void stele_buf_init(struct stele_buf *buf, size_t limit)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->limit = limit;
	buf->error = 0;
}

void stele_buf_free(struct stele_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
	buf->error = 0;
}

void stele_buf_reset(struct stele_buf *buf)
{
	buf->len = 0;
	buf->error = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

int stele_buf_error(const struct stele_buf *buf)
{
	return buf->error;
}

/* Records the first failure of buf (see struct stele_buf) and returns code. */
static int buf_fail(struct stele_buf *buf, int code)
{
	if (!buf->error)
		buf->error = code;
	return code;
}

int stele_buf_grow(struct stele_buf *buf, size_t n)
{
	size_t need, cap;
	char *data;

	if (buf->error)
		return buf->error;
	if (n > buf->limit || buf->len > buf->limit - n)
		return buf_fail(buf, stele_error(STELE_EINVALID, "data exceeds the limit of %zu bytes",
						 buf->limit));
	need = buf->len + n + 1;
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	data = realloc(buf->data, cap);
	if (!data)
		return buf_fail(buf, stele_error(STELE_EFAIL, "out of memory"));
	buf->data = data;
	buf->cap = cap;
	return 0;
}

int stele_buf_append(struct stele_buf *buf, const void *data, size_t n)
{
	int rc = stele_buf_grow(buf, n);

	if (rc < 0)
		return rc;
	if (n)
		memcpy(buf->data + buf->len, data, n);
	buf->len += n;
	STELE_ASSERT(buf->len < buf->cap);
	buf->data[buf->len] = '\0';
	return 0;
}

int stele_buf_puts(struct stele_buf *buf, const char *s)
{
	return stele_buf_append(buf, s, strlen(s));
}

int stele_buf_putc(struct stele_buf *buf, char c)
{
	return stele_buf_append(buf, &c, 1);
}

int stele_buf_vprintf(struct stele_buf *buf, const char *fmt, va_list ap)
{
	va_list copy;
	int n, rc;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (buf->error)
		return buf->error;
	if (n < 0)
		return buf_fail(buf, stele_error(STELE_EFAIL, "bad format string"));
	if ((rc = stele_buf_grow(buf, (size_t)n)) < 0)
		return rc;
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	buf->len += (size_t)n;
	return 0;
}

int stele_buf_printf(struct stele_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = stele_buf_vprintf(buf, fmt, ap);
	va_end(ap);
	return rc;
}

char *stele_buf_detach(struct stele_buf *buf, size_t *len)
{
	char *data = buf->data;

	if (buf->error) {
		stele_buf_free(buf);
		return NULL;
	}
	if (!data)
		data = calloc(1, 1);
	if (len)
		*len = buf->len;
	buf->data = NULL;
	buf->len = buf->cap = 0;
	return data;
}

int stele_array_reserve(void *items, size_t *cap, size_t n, size_t elem, size_t first)
{
	void *old, *grown;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : first;
	if (ncap <= *cap || ncap > SIZE_MAX / elem)
		return stele_error(STELE_EFAIL, "out of memory");
	memcpy(&old, items, sizeof(old));
	if (!(grown = realloc(old, ncap * elem)))
		return stele_error(STELE_EFAIL, "out of memory");
	memcpy(items, &grown, sizeof(grown));
	*cap = ncap;
	return 0;
}
