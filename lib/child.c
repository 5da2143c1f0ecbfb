/* child.c: running this program again as a child, its output captured. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "child.h"

extern char **environ;

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

int stele_run_self(int *status, struct stele_buf *out, const char *const *args,
		   const char *const *env)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **envp = NULL, buf[4096];
	int fds[2] = { -1, -1 }, err, rc = 0, st = 0;
	sigset_t none;
	pid_t pid;
	ssize_t n;

	if (!(envp = merged_env(env)))
		return stele_error(STELE_EFAIL, "out of memory");
	if (pipe2(fds, O_CLOEXEC) < 0) {
		free(envp);
		return stele_error(STELE_EFAIL, "cannot make a pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
	/* The child takes SIGINT/SIGTERM as a command does, whatever this thread blocks. */
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	err = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, (char *const *)args, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[1]);
	free(envp);
	if (err) {
		close(fds[0]);
		return stele_error(STELE_EFAIL, "cannot start %s: %s", args[0], strerror(err));
	}
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (out->len + (size_t)n <= out->limit && !out->error)
			stele_buf_append(out, buf, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			rc = stele_error(STELE_EFAIL, "waiting for %s: %s", args[0], strerror(errno));
			break;
		}
	}
	if (rc == 0)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return rc;
}
