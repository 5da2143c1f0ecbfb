/* fileio.c: durable files and directories: replace, create, fsync of directories,
 * mkdir -p and recursive removal (POSIX; the seam a Windows port replaces). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "i18n.h"

/* Writes all len bytes of data to fd; -1 with errno on failure. */
static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* data into the new file fd (already open for writing), fsync'd and closed; fd is
 * closed whatever happens. -1 with errno on failure. */
static int fill_and_close(int fd, const void *data, size_t len, unsigned mode)
{
	int saved;

	if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

int stele_file_sync_dir(const char *dir)
{
	int fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return stele_error(STELE_EFAIL, "cannot open directory %s: %s", dir, strerror(errno));
	if (fsync(fd) < 0)
		rc = stele_error(STELE_EFAIL, "cannot sync directory %s: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

int stele_file_sync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		return stele_file_sync_dir(".");
	if (slash == path)
		return stele_file_sync_dir("/");
	if ((size_t)(slash - path) >= sizeof(dir))
		return stele_error(STELE_EFAIL, "path is too long: %s", path);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return stele_file_sync_dir(dir);
}

int stele_file_replace(const char *path, const void *data, size_t len, unsigned mode,
		       const char *what)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp))
		return stele_error(STELE_EFAIL, "%s name is too long: %s", _(what), path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		       (mode_t)mode)) < 0)
		return stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(errno));
	if (fill_and_close(fd, data, len, mode) < 0) {
		int saved = errno;
		unlink(tmp);
		return stele_error(STELE_EFAIL, "cannot write %s: %s", tmp, strerror(saved));
	}
	if (rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		return stele_error(STELE_EFAIL, "cannot replace %s %s: %s", _(what), path,
				   strerror(saved));
	}
	return stele_file_sync_parent(path);
}

int stele_file_write(const char *path, const void *data, size_t len, unsigned mode,
		     const char *what)
{
	int fd, failed, saved = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		       (mode_t)mode)) >= 0) {
		failed = write_all(fd, data, len) < 0;
		saved = errno;
		if (close(fd) < 0 && !failed) {
			failed = 1;
			saved = errno;
		}
		if (!failed)
			return 0;
	} else {
		saved = errno;
	}
	return stele_error(STELE_EFAIL, "cannot write %s %s: %s", _(what), path, strerror(saved));
}

int stele_file_create(const char *path, const void *data, size_t len, unsigned mode,
		      const char *what)
{
	int fd, rc;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		       (mode_t)mode)) < 0)
		return stele_error(STELE_EFAIL, "cannot create %s %s: %s", _(what), path,
				   strerror(errno));
	if (fill_and_close(fd, data, len, mode) < 0) {
		int saved = errno;
		unlink(path);
		return stele_error(STELE_EFAIL, "cannot write %s %s: %s", _(what), path,
				   strerror(saved));
	}
	if ((rc = stele_file_sync_parent(path)) < 0)
		unlink(path);
	return rc;
}

int stele_file_rename(const char *from, const char *to, const char *what)
{
	if (rename(from, to) < 0)
		return stele_error(STELE_EFAIL, "cannot put %s in place (%s): %s", _(what), to,
				   strerror(errno));
	return stele_file_sync_parent(to);
}

int stele_file_mkdirs(const char *dir)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return stele_error(STELE_EFAIL, "cannot create %s: %s", dir, strerror(ENAMETOOLONG));
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return stele_error(STELE_EFAIL, "cannot create %s: %s", dir, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

int stele_file_mkdir(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

/* The state of one removal walk (nftw passes none, so it is per thread). */
static _Thread_local struct {
	int keep_top;
	int failed_errno;
	char failed[PATH_MAX];
} removal;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (removal.keep_top && ftw->level == 0)
		return 0;
	if (remove(path) < 0 && errno != ENOENT && !removal.failed_errno) {
		removal.failed_errno = errno;
		snprintf(removal.failed, sizeof(removal.failed), "%s", path);
	}
	return 0;
}

int stele_file_remove_tree(const char *path, int keep_top)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : stele_error(STELE_EFAIL, "cannot remove %s: %s", path,
							 strerror(errno));
	removal.keep_top = keep_top;
	removal.failed_errno = 0;
	removal.failed[0] = '\0';
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && !removal.failed_errno)
		return stele_error(STELE_EFAIL, "cannot remove %s: %s", path, strerror(errno));
	if (removal.failed_errno)
		return stele_error(STELE_EFAIL, "cannot remove %s: %s", removal.failed,
				   strerror(removal.failed_errno));
	return 0;
}
