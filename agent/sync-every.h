/* sync-every.h: `stele-agent sync --every` and `--timeout` (agent/sync-every.c). */
#ifndef STELE_SYNC_EVERY_H
#define STELE_SYNC_EVERY_H

#include "cli.h"

/*
 * For cmd_sync to call before parsing its own options. Removes --every DURATION
 * and --timeout DURATION from argv (updating *argc). With --every, runs the
 * periodic loop (each round a child `stele-agent -C DIR sync --timeout T` with
 * the remaining arguments) until SIGINT or SIGTERM, then returns 1 (done). With
 * --timeout alone, arms this process's timeout and returns 0 (go on syncing).
 * With neither, or with -h/--help, returns 0. <0 on error, with a message.
 */
int agent_sync_schedule(struct stele_ctx *ctx, const struct stele_cmd *cmd, int *argc, char **argv);

#endif
