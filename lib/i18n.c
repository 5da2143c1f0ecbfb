/* i18n.c: the programs' language: the locale, where the catalogue is, contexts. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

/* The installed catalogues, relative to the directory the program is installed
 * in (`make install` compiles in the path from BINDIR to LOCALEDIR, the same
 * "../share/locale" for every PREFIX, so installing elsewhere rebuilds nothing).
 * STELE_LOCALEDIR_FALLBACK is used only when the program cannot tell where it is. */
#ifndef STELE_LOCALEDIR_REL
#define STELE_LOCALEDIR_REL "../share/locale"
#endif
#define STELE_LOCALEDIR_FALLBACK "/usr/share/locale"

/* The first of LC_ALL, LC_MESSAGES, LANG that is set and not empty (POSIX order). */
static const char *messages_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

static void set_locale(void)
{
	const char *want;

	if (setlocale(LC_ALL, ""))
		goto fixed;
	/* The environment names a locale this machine has not generated. Messages
	 * can still follow it: gettext reads LANGUAGE whenever the locale is not
	 * "C", and C.UTF-8 is not. */
	want = messages_locale();
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "C.utf8"))
		return;
	if (want && strcmp(want, "C") != 0 && strcmp(want, "POSIX") != 0 &&
	    strncmp(want, "C.", 2) != 0 && !(getenv("LANGUAGE") && *getenv("LANGUAGE")))
		setenv("LANGUAGE", want, 1);
fixed:
	setlocale(LC_NUMERIC, "C");
	setlocale(LC_COLLATE, "C");
	setlocale(LC_TIME, "C");
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* DIR/locale when the running executable is in DIR and DIR/locale exists (a
 * build directory), into buf; false otherwise. (Linux: /proc/self/exe; a port
 * asks its own system for the executable's path here.) */
/* The directory of the running program, in buf; false if it cannot be told. */
static bool executable_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (!(slash = strrchr(buf, '/')))
		return false;
	*slash = '\0';
	return true;
}

/* "DIR/sub" in buf, if it fits and is a directory. */
static bool dir_under(char *buf, size_t size, const char *dir, const char *sub)
{
	if ((size_t)snprintf(buf, size, "%s/%s", dir, sub) >= size)
		return false;
	return is_dir(buf);
}

void stele_i18n_init(void)
{
	static char dir[8300];
	char exe[4096];
	const char *env = getenv("STELE_LOCALEDIR");
	bool have_exe;

	set_locale();
	have_exe = executable_dir(exe, sizeof(exe));
	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (!(have_exe && dir_under(dir, sizeof(dir), exe, "locale")) &&
		 !(have_exe && dir_under(dir, sizeof(dir), exe, STELE_LOCALEDIR_REL)))
		snprintf(dir, sizeof(dir), "%s", STELE_LOCALEDIR_FALLBACK);
	bindtextdomain(STELE_TEXT_DOMAIN, dir);
	bind_textdomain_codeset(STELE_TEXT_DOMAIN, "UTF-8");
	textdomain(STELE_TEXT_DOMAIN);
}

const char *stele_gettext(const char *s)
{
	return s && *s ? gettext(s) : s;
}

const char *stele_pgettext(const char *ctx, const char *s)
{
	char key[256];
	const char *t;

	/* gettext keys a message with context as "CONTEXT\004MSGID". */
	if (!s || !*s || (size_t)snprintf(key, sizeof(key), "%s\004%s", ctx, s) >= sizeof(key))
		return s;
	t = gettext(key);
	return t == key ? s : t;
}
