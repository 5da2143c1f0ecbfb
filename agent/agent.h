/* agent.h: the agent's commands (one per agent/cmd-NAME.c, listed in commands.def) and
 * what every command uses: opening the village directory. The helpers they share
 * are batch.h (the batch writer), records.h (the validated write of each kind of
 * record), keyfile.h (the key files) and repo.h (the repository and its remotes). */
#ifndef STELE_AGENT_H
#define STELE_AGENT_H

#include "options.h"
#include "i18n.h"
#include "keys.h"
#include "remote.h"

/* The commands' functions (cmd_*, each in agent/cmd-NAME.c), declared from the
 * program's one command list. */
#include "commands.def"

/* Opens the village directory (lock, database, signing key; agent/keyfile.c) and
 * checks it is a village's. Released by stele_ctx_close (done by the dispatcher). */
int agent_open(struct stele_ctx *ctx);
/* The same for reading only, without the lock or the key (stele_ctx_open_read). */
int agent_open_read(struct stele_ctx *ctx);

/* The village code of an open directory (ctx->writer). */
#define agent_village(ctx) ((const char *)(ctx)->writer)

#endif
