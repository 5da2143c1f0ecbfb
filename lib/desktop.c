/* desktop.c: opening a URL in the desktop's browser (xdg-open). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "desktop.h"
#include "error.h"

extern char **environ;

int stele_open_url(const char *url)
{
	const char *prog = getenv("STELE_BROWSER");
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	char *argv[3];
	pid_t pid;
	int err;

	if (!prog || !*prog)
		prog = "xdg-open";
	argv[0] = (char *)prog;
	argv[1] = (char *)url;
	argv[2] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* The browser must not hold the server's output or share its signals. */
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
	err = posix_spawnp(&pid, prog, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err)
		return stele_error(STELE_EFAIL, "cannot start %s to open the browser: %s", prog,
				   strerror(err));
	/* xdg-open hands the URL to the browser and ends; reap it when it does. */
	for (int i = 0; i < 50 && waitpid(pid, NULL, WNOHANG) == 0; i++)
		stele_sleep_ms(20);
	return 0;
}
