/* deadline.c: durations given on a command line, and a deadline (SIGALRM) for a
 * command that must not wait forever on a silent network. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "error.h"
#include "parse.h"

int stele_parse_duration(long *out, const char *text, const char *what)
{
	static const struct { char suffix; long seconds; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	char number[24];
	size_t len = strlen(text);
	long unit = 1;
	int64_t n;

	if (len > 0 && len < sizeof(number)) {
		memcpy(number, text, len + 1);
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (number[len - 1] == units[i].suffix) {
				unit = units[i].seconds;
				number[--len] = '\0';
			}
		if (len > 0 && strspn(number, "0123456789") == len &&
		    stele_parse_int(&n, number, 1, STELE_DURATION_MAX / unit, what) == 0) {
			*out = (long)n * unit;
			return 0;
		}
	}
	return stele_error(STELE_EUSAGE, "%s: '%s' is not a duration (like 30s, 15m, 1h or 1d, "
			   "at most 7d)", what, text);
}

void stele_format_duration(char *buf, long seconds)
{
	if (seconds % 86400 == 0)
		snprintf(buf, 24, "%ldd", seconds / 86400);
	else if (seconds % 3600 == 0)
		snprintf(buf, 24, "%ldh", seconds / 3600);
	else if (seconds % 60 == 0)
		snprintf(buf, 24, "%ldm", seconds / 60);
	else
		snprintf(buf, 24, "%lds", seconds);
}

/* What the alarm writes before the process exits (set before it is armed). */
static char deadline_message[512];
static size_t deadline_message_len;

static void on_deadline(int sig)
{
	ssize_t ignored = write(STDERR_FILENO, deadline_message, deadline_message_len);

	(void)ignored;
	(void)sig;
	_exit(1);
}

int stele_deadline_arm(long seconds, const char *prog, const char *what)
{
	struct sigaction sa;
	char shown[24];
	size_t len;

	alarm(0);
	stele_format_duration(shown, seconds);
	len = (size_t)snprintf(deadline_message, sizeof(deadline_message), "%s: ", prog);
	if (len < sizeof(deadline_message))
		snprintf(deadline_message + len, sizeof(deadline_message) - len, what, shown);
	len = strlen(deadline_message);
	snprintf(deadline_message + len, sizeof(deadline_message) - len, "\n");
	deadline_message_len = strlen(deadline_message);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_deadline;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return stele_error(STELE_EFAIL, "cannot set the deadline: %s", strerror(errno));
	alarm((unsigned)seconds);
	return 0;
}

void stele_deadline_disarm(void)
{
	alarm(0);
}

void stele_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
