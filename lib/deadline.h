/* deadline.h: durations given on a command line (30s, 15m, 1h, 1d), and a
 * deadline for a command that must not wait forever on a silent network. */
#ifndef STELE_DEADLINE_H
#define STELE_DEADLINE_H

/* The longest duration accepted: a week. */
#define STELE_DURATION_MAX (7L * 24 * 3600)

/*
 * A duration: a whole number followed by s, m, h or d (no suffix: seconds),
 * between 1 second and STELE_DURATION_MAX. *out in seconds. what (e.g.
 * "--timeout") names it in the STELE_EUSAGE message.
 */
int stele_parse_duration(long *out, const char *text, const char *what);

/* Formats seconds as the largest whole unit that divides them: 90 -> "90s",
 * 900 -> "15m". buf holds 24 bytes. */
void stele_format_duration(char *buf, long seconds);

/*
 * Arms this process's deadline: when seconds have passed, "PROG: " and what
 * (one line, whose one %s is the duration as stele_format_duration writes it; a
 * newline is added) are written to stderr and the process exits with 1 at once
 * (SIGALRM). Only for commands that are safe to stop at any instant. One
 * deadline per process; arming again replaces it.
 */
int stele_deadline_arm(long seconds, const char *prog, const char *what);

/* Cancels the deadline. */
void stele_deadline_disarm(void);

/* Sleeps for ms milliseconds (the platform's sleep, behind this seam). */
void stele_sleep_ms(unsigned ms);

#endif
