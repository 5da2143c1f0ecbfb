/* i18n.h: the one way to mark a message a person reads for translation (GNU gettext). */
#ifndef STELE_I18N_H
#define STELE_I18N_H

#include <libintl.h>

/*
 * _("text") translates text now; N_("text") only marks it for xgettext, for
 * tables of strings translated where they are shown (with _() on the pointer).
 * P_(one, many, n) picks the plural form for n. The text domain is "stele".
 * Never translate what scripts read: CSV/JSON column names and values, ids.
 */
#define _(s) gettext(s)
#define N_(s) (s)
#define P_(one, many, n) ngettext((one), (many), (unsigned long)(n))

#endif
