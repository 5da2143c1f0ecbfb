/* sync-every.c: `stele-agent sync --every DURATION` (a sync now and then, each
 * round a child process, with backoff on failure) and `sync --timeout DURATION`
 * (a sync that gives up when the network stalls). */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "deadline.h"
#include "error.h"
#include "parse.h"
#include "sync-every.h"

extern char **environ;

/* The default timeout of each round of --every. */
#define ROUND_TIMEOUT       600
/* The first retry after a failure waits this long (or DURATION if shorter);
 * each further failure doubles the wait, up to DURATION. */
#define RETRY_FIRST_SECONDS 30
/* A round that outlives its own --timeout by this much is killed. */
#define ROUND_GRACE_SECONDS 15

static double monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Arms the --timeout of a one-shot sync: when it expires the process says so and
 * exits with 1. Stopping a sync at any instant is safe (docs/sync.md): what was
 * committed stays committed, what was not pushed is pushed by the next sync.
 */
static int arm_timeout(const struct stele_ctx *ctx, long seconds)
{
	return stele_deadline_arm(seconds, ctx->prog, "sync timed out after %s (the remote did not "
				  "answer); everything is kept for the next sync");
}

/*
 * Waits for the child pid until deadline (monotonic seconds) or a stop signal.
 * Returns 1 with *status when the child ended, 0 at the deadline, or -signal
 * when SIGINT or SIGTERM arrived. SIGINT, SIGTERM and SIGCHLD are blocked.
 */
static int wait_child(int *status, pid_t pid, double deadline)
{
	sigset_t set;
	struct timespec ts;
	double left;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			return 1;
		if (got < 0 && errno != EINTR) {
			*status = 0x7f00; /* reaped elsewhere: count it as a failure */
			return 1;
		}
		if ((left = deadline - monotonic_now()) <= 0)
			return 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			return -sig;
	}
}

/* Stops a child: SIGTERM, then SIGKILL if it is still there after 5 s. Reaps it. */
static void stop_child(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	if (wait_child(&status, pid, monotonic_now() + 5) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
}

/* Sleeps until seconds have passed or a stop signal arrives: returns 0, or
 * -signal. */
static int sleep_or_stop(double seconds)
{
	double deadline = monotonic_now() + seconds, left;
	sigset_t set;
	struct timespec ts;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	while ((left = deadline - monotonic_now()) > 0) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			return -sig;
	}
	return 0;
}

/* One round: `stele-agent -C DIR sync --timeout T ARGS...` as a child process.
 * *exit_code is its exit code, or -1 if it timed out, was killed by a signal or
 * could not be started. Returns 0, or -signal if a stop signal arrived (the child
 * is stopped and reaped). */
static int run_round(int *exit_code, const struct stele_ctx *ctx, char **child_argv,
		     long timeout)
{
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	pid_t pid;
	int status = 0, rc, waited;

	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGCHLD);
	sigaddset(&defaults, SIGALRM);
	*exit_code = -1;
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		fprintf(stderr, _("%s: cannot start a sync: %s\n"), ctx->prog, strerror(rc));
		return 0;
	}
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, "/proc/self/exe", NULL, &attr, child_argv, environ);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		fprintf(stderr, _("%s: cannot start a sync: %s\n"), ctx->prog, strerror(rc));
		return 0;
	}
	waited = wait_child(&status, pid, monotonic_now() + timeout + ROUND_GRACE_SECONDS);
	if (waited < 0) {
		stop_child(pid);
		return waited;
	}
	if (waited == 0) {
		fprintf(stderr, _("%s: the sync did not stop at its timeout; killed it\n"), ctx->prog);
		stop_child(pid);
		return 0;
	}
	if (WIFEXITED(status))
		*exit_code = WEXITSTATUS(status);
	return 0;
}

/*
 * The --every loop. The loop itself holds neither the lock nor the database, so
 * the clerk can work between rounds; a round that finds the directory busy (exit
 * 4) is skipped. Returns 0 when stopped by SIGINT or SIGTERM, or the usage or
 * data error (exit 2 or 3) of a round, which a retry would not mend.
 */
static int sync_every(struct stele_ctx *ctx, long every, long timeout, int argc, char **argv)
{
	char **child_argv = NULL, timeout_text[24], shown[24];
	sigset_t block, old;
	long failures = 0;
	double wait = 0;
	int rc = 0, code, stop = 0, n = 0;

	/* Fail now, not every round, if this is no village directory. */
	if ((rc = agent_open(ctx)) < 0 && rc != STELE_EBUSY)
		return rc;
	stele_ctx_close(ctx);
	stele_error_clear();
	rc = 0;
	if (!(child_argv = calloc((size_t)argc + 8, sizeof(*child_argv))))
		return stele_error(STELE_EFAIL, "out of memory");
	snprintf(timeout_text, sizeof(timeout_text), "%lds", timeout);
	child_argv[n++] = (char *)ctx->prog;
	child_argv[n++] = "-C";
	child_argv[n++] = ctx->dir;
	child_argv[n++] = "sync";
	child_argv[n++] = "--timeout";
	child_argv[n++] = timeout_text;
	for (int i = 1; i < argc; i++)
		child_argv[n++] = argv[i];
	child_argv[n] = NULL;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!stop) {
		if ((stop = run_round(&code, ctx, child_argv, timeout)) != 0)
			break;
		if (code == 0 || code == 4) {
			failures = 0;
			wait = (double)every;
			if (code == 4) {
				stele_format_duration(shown, every);
				fprintf(stderr, _("%s: skipped this sync: the directory is busy; next in "
					"%s\n"), ctx->prog, shown);
			}
		} else if (code == 2 || code == 3) {
			rc = stele_error(code == 2 ? STELE_EUSAGE : STELE_EINVALID,
					 "periodic sync stopped: a retry would fail the same way");
			break;
		} else {
			long retry = every < RETRY_FIRST_SECONDS ? every : RETRY_FIRST_SECONDS;
			for (long k = 0; k < failures && retry < every; k++)
				retry *= 2;
			if (retry > every)
				retry = every;
			failures++;
			/* Up to a tenth less, so villages cut off together do not all come
			 * back at the same instant. */
			wait = (double)retry * (1.0 - randombytes_uniform(1001) / 10000.0);
			stele_format_duration(shown, retry);
			fprintf(stderr, _("%s: sync failed (%s); retrying in %s\n"), ctx->prog,
				code < 0 ? "timed out or killed" : code == 5 ? "verification" : "exit 1",
				shown);
		}
		fflush(stderr);
		stop = sleep_or_stop(wait);
	}
	if (stop)
		fprintf(stderr, _("%s: periodic sync stopped by %s\n"), ctx->prog,
			stop == -SIGINT ? "SIGINT" : "SIGTERM");
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(child_argv);
	return rc;
}

/* Removes count arguments from argv[i] on, shifting the rest down. */
static void drop_args(int *argc, char **argv, int i, int count)
{
	for (int j = i; j + count <= *argc; j++)
		argv[j] = argv[j + count];
	*argc -= count;
}

int agent_sync_schedule(struct stele_ctx *ctx, const struct stele_cmd *cmd, int *argc, char **argv)
{
	const char *every_text = NULL, *timeout_text = NULL;
	long every = 0, timeout = 0;
	bool help = false;
	int rc;

	for (int i = 1; i < *argc;) {
		const char **slot = NULL, *name = argv[i];
		size_t len = 0;

		if (strcmp(name, "--") == 0)
			break;
		if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0)
			help = true;
		if (strncmp(name, "--every", 7) == 0)
			slot = &every_text, len = 7;
		else if (strncmp(name, "--timeout", 9) == 0)
			slot = &timeout_text, len = 9;
		if (!slot || (name[len] != '\0' && name[len] != '=')) {
			i++;
			continue;
		}
		if (name[len] == '=') {
			*slot = name + len + 1;
			drop_args(argc, argv, i, 1);
		} else if (i + 1 < *argc) {
			*slot = argv[i + 1];
			drop_args(argc, argv, i, 2);
		} else {
			return stele_error(STELE_EUSAGE, "%s: option '%s' needs a value", cmd->name, name);
		}
	}
	if (help)
		return 0;
	if (every_text && (rc = stele_parse_duration(&every, every_text, "--every")) < 0)
		return rc;
	if (timeout_text && (rc = stele_parse_duration(&timeout, timeout_text, "--timeout")) < 0)
		return rc;
	if (every) {
		if ((rc = sync_every(ctx, every, timeout ? timeout : ROUND_TIMEOUT, *argc, argv)) < 0)
			return rc;
		return 1;
	}
	if (timeout)
		return arm_timeout(ctx, timeout);
	return 0;
}
