/* usb.c: the mount points of USB sticks (under /media and /run/media). */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "error.h"
#include "usb.h"

struct list {
	char **v;
	size_t n, cap;
};

static int add(struct list *l, const char *path)
{
	int rc;

	/* Room for the new path and the NULL after it. */
	if ((rc = stele_array_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v), 8)) < 0)
		return rc;
	if (!(l->v[l->n] = strdup(path)))
		return stele_error(STELE_EFAIL, "out of memory");
	l->v[++l->n] = NULL;
	return 0;
}

/* A mount point: a directory on another device than its parent. */
static bool is_mount(const char *path, const struct stat *st)
{
	char parent[4200];
	struct stat pst;

	snprintf(parent, sizeof(parent), "%s/..", path);
	return stat(parent, &pst) == 0 && pst.st_dev != st->st_dev;
}

/* The directories in dir: mount points (or every one, when any), and with depth
 * left the mount points one level further down. */
static int scan(struct list *l, const char *dir, int depth, bool any)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return 0; /* no such root here */
	while (rc == 0 && (e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (any || is_mount(path, &st))
			rc = add(l, path);
		else if (depth > 0)
			rc = scan(l, path, depth - 1, false);
	}
	closedir(d);
	return rc;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int stele_usb_list(char ***out, size_t *count)
{
	const char *env = getenv("STELE_USB_ROOTS");
	struct list l = { 0 };
	int rc = 0;

	if ((rc = add(&l, "")) < 0) /* makes the array; the placeholder is removed below */
		goto done;
	free(l.v[0]);
	l.v[0] = NULL;
	l.n = 0;
	if (env && *env) {
		char *roots = strdup(env), *save = NULL;
		if (!roots) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		for (char *r = strtok_r(roots, ":", &save); r && rc == 0; r = strtok_r(NULL, ":", &save))
			rc = scan(&l, r, 0, true);
		free(roots);
	} else {
		if ((rc = scan(&l, "/media", 1, false)) == 0)
			rc = scan(&l, "/run/media", 1, false);
	}
	if (rc < 0)
		goto done;
	qsort(l.v, l.n, sizeof(*l.v), cmp);
	*out = l.v;
	*count = l.n;
	l.v = NULL;
done:
	stele_usb_free(l.v);
	return rc;
}

void stele_usb_free(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}
