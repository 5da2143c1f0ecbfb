/* html.c: the HTML writer: printf-like formatting that escapes every value. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "html.h"

int stele_html_raw(struct stele_buf *b, const char *markup)
{
	return stele_buf_puts(b, markup ? markup : "");
}

/* Appends n bytes of s, escaped, all or nothing. */
static int escape_n(struct stele_buf *b, const char *s, size_t n)
{
	size_t start = b->len, run = 0;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *ent = NULL;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		if ((rc = stele_buf_append(b, s + run, i - run)) == 0)
			rc = stele_buf_puts(b, ent);
		run = i + 1;
	}
	if (rc == 0)
		rc = stele_buf_append(b, s + run, n - run);
	if (rc < 0 && b->data) {
		b->len = start;
		b->data[start] = '\0';
	}
	return rc;
}

int stele_html_text(struct stele_buf *b, const char *s)
{
	return s ? escape_n(b, s, strlen(s)) : 0;
}

int stele_html_url(struct stele_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = b->len;
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && rc == 0; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			rc = stele_buf_putc(b, (char)*p);
		} else {
			char e[4] = { '%', hex[*p >> 4], hex[*p & 15], 0 };
			rc = stele_buf_puts(b, e);
		}
	}
	if (rc < 0 && b->data) {
		b->len = start;
		b->data[start] = '\0';
	}
	return rc;
}

/* One numeric conversion: spec is a complete printf conversion ("%-08lld"). */
static int put_number(struct stele_buf *b, const char *spec, char conv, const char *len,
		      va_list *ap)
{
	char out[128];
	int n;
	bool is_signed = conv == 'd' || conv == 'i';

	if (strchr("feEgG", conv)) {
		if (*len)
			return stele_error(STELE_EFAIL, "html: unsupported length in '%s'", spec);
		n = snprintf(out, sizeof(out), spec, va_arg(*ap, double));
	} else if (!strcmp(len, "")) {
		n = is_signed ? snprintf(out, sizeof(out), spec, va_arg(*ap, int))
			      : snprintf(out, sizeof(out), spec, va_arg(*ap, unsigned));
	} else if (!strcmp(len, "l")) {
		n = is_signed ? snprintf(out, sizeof(out), spec, va_arg(*ap, long))
			      : snprintf(out, sizeof(out), spec, va_arg(*ap, unsigned long));
	} else if (!strcmp(len, "ll")) {
		n = is_signed ? snprintf(out, sizeof(out), spec, va_arg(*ap, long long))
			      : snprintf(out, sizeof(out), spec, va_arg(*ap, unsigned long long));
	} else if (!strcmp(len, "z")) {
		n = snprintf(out, sizeof(out), spec, va_arg(*ap, size_t));
	} else if (!strcmp(len, "j")) {
		n = is_signed ? snprintf(out, sizeof(out), spec, va_arg(*ap, intmax_t))
			      : snprintf(out, sizeof(out), spec, va_arg(*ap, uintmax_t));
	} else if (!strcmp(len, "h") || !strcmp(len, "hh")) {
		/* Promoted to int through the varargs, printed narrowed as printf does. */
		n = snprintf(out, sizeof(out), spec, va_arg(*ap, int));
	} else {
		return stele_error(STELE_EFAIL, "html: unsupported length in '%s'", spec);
	}
	if (n < 0 || (size_t)n >= sizeof(out))
		return stele_error(STELE_EFAIL, "html: conversion '%s' too wide", spec);
	return stele_buf_append(b, out, (size_t)n);
}

int stele_html_v(struct stele_buf *b, const char *fmt, va_list ap_in)
{
	size_t start = b->len;
	const char *p = fmt, *lit = fmt;
	va_list ap;
	int rc = 0;

	va_copy(ap, ap_in);
	while (*p && rc == 0) {
		char spec[48], len[3] = "";
		size_t k = 0;
		int width = -1, prec = -1;
		bool has_width = false;

		if (*p != '%') {
			p++;
			continue;
		}
		if ((rc = stele_buf_append(b, lit, (size_t)(p - lit))) < 0)
			break;
		p++;
		if (*p == '%') {
			rc = stele_buf_putc(b, '%');
			lit = ++p;
			continue;
		}
		spec[k++] = '%';
		while (*p && strchr("-+ #0", *p) && k < 8)
			spec[k++] = *p++;
		if (*p == '*') {
			width = va_arg(ap, int);
			has_width = true;
			p++;
		} else if (*p >= '0' && *p <= '9') {
			width = 0;
			has_width = true;
			while (*p >= '0' && *p <= '9' && width < 1000)
				width = width * 10 + (*p++ - '0');
		}
		if (has_width)
			k += (size_t)snprintf(spec + k, sizeof(spec) - k, "%d", width);
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				prec = va_arg(ap, int);
				p++;
			} else {
				while (*p >= '0' && *p <= '9' && prec < 100000)
					prec = prec * 10 + (*p++ - '0');
			}
			k += (size_t)snprintf(spec + k, sizeof(spec) - k, ".%d", prec);
		}
		while (*p && strchr("hlzj", *p) && strlen(len) < 2) {
			len[strlen(len)] = *p;
			spec[k++] = *p++;
		}
		if (!*p) {
			rc = stele_error(STELE_EFAIL, "html: format ends inside a conversion");
			break;
		}
		spec[k++] = *p;
		spec[k] = '\0';
		if (*p == 's') {
			const char *s = va_arg(ap, const char *);
			size_t n;

			if (has_width || *len) {
				rc = stele_error(STELE_EFAIL, "html: unsupported conversion '%s'", spec);
				break;
			}
			s = s ? s : "";
			n = strlen(s);
			if (prec >= 0 && (size_t)prec < n)
				n = (size_t)prec;
			rc = escape_n(b, s, n);
		} else if (strchr("diuxXfeEgG", *p)) {
			rc = put_number(b, spec, *p, len, &ap);
		} else {
			rc = stele_error(STELE_EFAIL, "html: unsupported conversion '%s'", spec);
		}
		lit = ++p;
	}
	if (rc == 0)
		rc = stele_buf_append(b, lit, (size_t)(p - lit));
	va_end(ap);
	if (rc < 0 && b->data) {
		b->len = start;
		b->data[start] = '\0';
	}
	if (rc < 0 && !b->error)
		b->error = rc; /* a refused conversion sticks, as a failed append does */
	return rc;
}

int stele_html(struct stele_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = stele_html_v(b, fmt, ap);
	va_end(ap);
	return rc;
}
