/* child.c: running this program again as a background child, its output kept in a
 * temporary file. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "child.h"

extern char **environ;

struct stele_child {
	pid_t pid;
	int fd;      /* the output file, unlinked */
	bool ended;
	int status;
};

/* environ followed by add (a new array of borrowed pointers; caller frees it). */
static char **merged_env(const char *const *add)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (add && add[k])
		k++;
	if (!(env = calloc(n + k + 1, sizeof(*env))))
		return NULL;
	/* Added names replace the inherited ones. */
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;
		for (size_t j = 0; j < k && !replaced; j++) {
			size_t len = strcspn(add[j], "=");
			replaced = strncmp(environ[i], add[j], len) == 0 && environ[i][len] == '=';
		}
		if (!replaced)
			env[out++] = environ[i];
	}
	for (size_t j = 0; j < k; j++)
		env[out++] = (char *)add[j];
	env[out] = NULL;
	return env;
}

/* A new temporary file, already removed: only this process (and the child it is
 * handed to) can reach it. */
static int temp_file(int *out)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/stele-child-XXXXXX",
			     dir && *dir ? dir : "/tmp") >= sizeof(path))
		return stele_error(STELE_EFAIL, "TMPDIR is too long");
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		return stele_error(STELE_EFAIL, "cannot make a temporary file in %s: %s",
				   dir && *dir ? dir : "/tmp", strerror(errno));
	unlink(path);
	*out = fd;
	return 0;
}

int stele_child_start(struct stele_child **out, const char *const *args,
		      const char *const *env)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct stele_child *c = NULL;
	char **envp = NULL;
	int fd = -1, err, rc;
	sigset_t none;
	pid_t pid;

	if (!(envp = merged_env(env)) || !(c = calloc(1, sizeof(*c)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if ((rc = temp_file(&fd)) < 0)
		goto done;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fd, STDERR_FILENO);
	/* The child takes SIGINT/SIGTERM as a command does, whatever this thread blocks. */
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	err = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, (char *const *)args, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err) {
		rc = stele_error(STELE_EFAIL, "cannot start %s: %s", args[0], strerror(err));
		goto done;
	}
	c->pid = pid;
	c->fd = fd;
	fd = -1;
	*out = c;
	c = NULL;
done:
	if (fd >= 0)
		close(fd);
	free(c);
	free(envp);
	return rc;
}

bool stele_child_running(struct stele_child *c, int *status)
{
	int st = 0;
	pid_t got;

	if (!c->ended) {
		while ((got = waitpid(c->pid, &st, WNOHANG)) < 0 && errno == EINTR)
			;
		if (got == 0)
			return true;
		c->ended = true;
		/* got < 0: someone else reaped it; its code is lost, and counts as a failure. */
		c->status = got < 0 ? 1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	*status = c->status;
	return false;
}

int stele_child_output(struct stele_buf *out, const struct stele_child *c)
{
	char buf[4096];
	off_t off = 0;
	ssize_t n;
	int rc;

	while ((n = pread(c->fd, buf, sizeof(buf), off)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return stele_error(STELE_EFAIL, "cannot read the output of a child: %s",
					   strerror(errno));
		}
		off += n;
		if (out->len + (size_t)n > out->limit)
			break;
		if ((rc = stele_buf_append(out, buf, (size_t)n)) < 0)
			return rc;
	}
	return 0;
}

void stele_child_free(struct stele_child *c)
{
	int status;

	if (!c)
		return;
	if (stele_child_running(c, &status)) {
		kill(c->pid, SIGTERM);
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close(c->fd);
	free(c);
}
