/* i18n.h: the one way to mark a message a person reads for translation (GNU gettext). */
#ifndef STELE_I18N_H
#define STELE_I18N_H

#include <libintl.h>

/*
 * _("text") translates text now; N_("text") only marks it for xgettext, for
 * tables of strings translated where they are shown (with _() on the pointer).
 * P_(one, many, n) picks the plural form for n. C_(context, "text") translates a
 * short word whose meaning depends on where it is shown (a column header, a
 * stored value); NC_(context, "text") only marks one. The text domain is "stele".
 * Never translate what scripts read: CSV/JSON column names and values, ids.
 * docs/translating.md says how to add a message and a language.
 */
#define _(s) stele_gettext(s)
#define N_(s) (s)
#define P_(one, many, n) ngettext((one), (many), (unsigned long)(n))
#define C_(ctx, s) stele_pgettext((ctx), (s))
#define NC_(ctx, s) (s)

#define STELE_TEXT_DOMAIN "stele"

/*
 * Called first by both programs' main(): the locale from the environment
 * (LC_ALL, LC_MESSAGES, LANG, LANGUAGE) for messages and character type, "C"
 * for numbers, collation and time, so CSV and JSON never depend on the
 * language. When the locale named by the environment is not installed (only
 * C.UTF-8 exists), it falls back to C.UTF-8 with LANGUAGE set from LC_ALL,
 * LC_MESSAGES or LANG, so LANG=zh_CN.UTF-8 still gives Chinese. The catalogue
 * directory is $STELE_LOCALEDIR, else DIR/locale beside the executable (the
 * build directory), else the installed one (PREFIX/share/locale).
 */
void stele_i18n_init(void);

/* gettext, except that "" stays "" (gettext("") is the catalogue's header). The
 * result is static (the catalogue's, or s itself). */
const char *stele_gettext(const char *s) __attribute__((format_arg(1)));

/* The translation of s in context ctx (gettext's msgctxt), or s itself. */
const char *stele_pgettext(const char *ctx, const char *s) __attribute__((format_arg(2)));

#endif
