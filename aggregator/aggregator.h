/* aggregator.h: the county tool's commands and the helpers they share. */
#ifndef STELE_AGGREGATOR_H
#define STELE_AGGREGATOR_H

#include "capture.h"
#include "cli.h"

/* One function per command, each in aggregator/cmd-NAME.c, listed in main.c. */
int cmd_rank(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_report(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
extern const struct stele_cmd rank_subcommands[];

/* Opens the county directory for reading rankings (lock and database, no key)
 * and checks its role is 'county' (aggregator/cmd-rank.c). Released by
 * stele_ctx_close (done by the dispatcher). */
int rank_open_county(struct stele_ctx *ctx);

#endif
