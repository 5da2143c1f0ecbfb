/* child.h: running this program again as a child in the background (the
 * workbench's sync runs the very `stele-agent sync` a clerk would type, while the
 * workbench goes on answering). */
#ifndef STELE_CHILD_H
#define STELE_CHILD_H

#include <stdbool.h>

#include "buf.h"

struct stele_child;

/*
 * Starts the executable of this process with args (args[0] is its name for ps; a
 * NULL-terminated list), its stdin /dev/null, and its stdout and stderr both into
 * a temporary file no one else can open (removed at once; read it with
 * stele_child_output); env (NULL-terminated "NAME=VALUE" strings, may be NULL) is
 * added to this process's environment. Does not wait. *out is freed with
 * stele_child_free. STELE_EFAIL when it cannot be started. (Linux:
 * /proc/self/exe; a port asks its own system for the executable's path here.)
 */
int stele_child_start(struct stele_child **out, const char *const *args,
		      const char *const *env);

/* Whether the child still runs (never waits); once it has ended, *status is its
 * exit code, or 128 + the signal that ended it. */
bool stele_child_running(struct stele_child *c, int *status);

/* Everything the child wrote so far, appended to out (what does not fit out's
 * limit is dropped). */
int stele_child_output(struct stele_buf *out, const struct stele_child *c);

/* Stops a child that still runs (SIGTERM, then waits for it) and frees c. NULL
 * is a no-op. */
void stele_child_free(struct stele_child *c);

#endif
