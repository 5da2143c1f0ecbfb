/* html.h: the one HTML writer: every value is escaped unless a call names itself raw. */
#ifndef STELE_HTML_H
#define STELE_HTML_H

#include <stdarg.h>

#include "buf.h"

/*
 * Appends fmt to b. fmt is the program's own markup (a string literal); what its
 * conversions print is escaped:
 *   %s    a value, HTML-escaped (& < > " ' become entities), safe in text and
 *         inside a double-quoted attribute value (write attributes quoted); NULL
 *         prints nothing; a precision (%.20s) cuts it to that many bytes first
 *   %d %i %u %x %ld %lld %lu %llu %zu %jd ...   integers, as printf prints them
 *   %f %e %g      doubles, as printf prints them
 *   %%    a percent sign
 * Any other conversion (%c, %p, %n, a width on %s) is refused with STELE_EFAIL,
 * so a value can never reach the output unescaped. A failed call leaves b's
 * contents as they were; like every append to b, its failure sticks (buf.h):
 * STELE_EINVALID past b's limit, STELE_EFAIL out of memory or a refused conversion.
 */
int stele_html(struct stele_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int stele_html_v(struct stele_buf *b, const char *fmt, va_list ap);

/* Appends s HTML-escaped (as %s does). */
int stele_html_text(struct stele_buf *b, const char *s);

/* Appends s percent-encoded for a URL's query value or path segment: only
 * A-Z a-z 0-9 - . _ ~ stay as they are, so the result is also safe in an
 * attribute. (Use it inside href="...?q=" built with stele_html.) */
int stele_html_url(struct stele_buf *b, const char *s);

/* Appends markup exactly as given: only for markup the program itself built or
 * embedded (the CSS, a fragment written by stele_html), never for a value. */
int stele_html_raw(struct stele_buf *b, const char *markup);

#endif
