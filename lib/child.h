/* child.h: running this program again as a child (the workbench's sync runs the
 * very `stele-agent sync` a clerk would type). */
#ifndef STELE_CHILD_H
#define STELE_CHILD_H

#include "buf.h"

/*
 * Runs the executable of this process with args (args[0] is its name for ps; a
 * NULL-terminated list), its stdin /dev/null, and its stdout and stderr both into
 * out (what does not fit out's limit is read and dropped); env (NULL-terminated
 * "NAME=VALUE" strings, may be NULL) is added to this process's environment.
 * Waits for it. *status is its exit code, or 128 + the signal that ended it.
 * STELE_EFAIL when it cannot be started. (Linux: /proc/self/exe; a port asks its
 * own system for the executable's path here.)
 */
int stele_run_self(int *status, struct stele_buf *out, const char *const *args,
		   const char *const *env);

#endif
