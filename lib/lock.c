/* lock.c: the directory lock (flock on dir/lock, holding the owner's pid). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "error.h"
#include "lock.h"

struct stele_lock {
	int fd;
};

int stele_lock_acquire(struct stele_lock **out, const char *dir)
{
	char path[4096], pid[32] = "";
	struct stele_lock *lock;
	int fd, n;

	if ((size_t)snprintf(path, sizeof(path), "%s/lock", dir) >= sizeof(path))
		return stele_error(STELE_EFAIL, "directory name too long: %s", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return stele_error(STELE_EFAIL, "cannot open %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		if (err == EWOULDBLOCK) {
			n = (int)pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			return stele_error(STELE_EBUSY, "directory %s is in use by process %s; retry when it ends",
					   dir, *pid ? pid : "(unknown)");
		}
		close(fd);
		return stele_error(STELE_EFAIL, "cannot lock %s: %s", path, strerror(err));
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		close(fd);
		return stele_error(STELE_EFAIL, "cannot write %s: %s", path, strerror(errno));
	}
	if (!(lock = malloc(sizeof(*lock)))) {
		close(fd);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	lock->fd = fd;
	*out = lock;
	return 0;
}

void stele_lock_release(struct stele_lock *lock)
{
	if (!lock)
		return;
	close(lock->fd); /* closing drops the flock */
	free(lock);
}
