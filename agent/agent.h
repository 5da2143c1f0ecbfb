/* agent.h: the agent's commands (one per agent/cmd-NAME.c, listed in main.c) and
 * what every command uses: opening the village directory. The helpers they share
 * are batch.h (the batch writer), records.h (the validated write of each kind of
 * record), keyfile.h (the key files) and repo.h (the repository and its remotes). */
#ifndef STELE_AGENT_H
#define STELE_AGENT_H

#include "options.h"
#include "i18n.h"
#include "keys.h"
#include "remote.h"

/* One function per command, each in agent/cmd-NAME.c, listed in agent/main.c. */
int cmd_init(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_sync(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_restore(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_verify(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_gc(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_request_escalate(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv);
int cmd_request_feedback(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv);
int cmd_close(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_import(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_export(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_status(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_revert(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_log(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_serve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_replay(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
/* `rank grids` (agent/cmd-grid.c), an entry of the rank subcommands. */
int cmd_rank_grids(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
extern const struct stele_cmd member_subcommands[];
extern const struct stele_cmd points_subcommands[];
extern const struct stele_cmd task_subcommands[];
extern const struct stele_cmd request_subcommands[];
extern const struct stele_cmd income_subcommands[];
extern const struct stele_cmd assess_subcommands[];
extern const struct stele_cmd key_subcommands[];
extern const struct stele_cmd remote_subcommands[];
extern const struct stele_cmd county_subcommands[];
extern const struct stele_cmd clerk_subcommands[];
extern const struct stele_cmd rules_subcommands[];
extern const struct stele_cmd rank_subcommands[];
extern const struct stele_cmd grid_subcommands[];

/* `points rank` (agent/cmd-points-rank.c), an entry of the points subcommands. */
int cmd_points_rank(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
#define POINTS_RANK_USAGE \
	"points rank --year YYYY [--month YYYY-MM] [--format table|csv|json] [--bom] [--raw]"
#define POINTS_RANK_HELP \
	N_("This village's member ranking (积分排名): active members by their points of the\n" \
	   "year (or of one month) counted after their latest zeroing of the year; equal\n" \
	   "points share a rank. The county ranks the same way.")

/* Opens the village directory (lock, database, signing key; agent/keyfile.c) and
 * checks it is a village's. Released by stele_ctx_close (done by the dispatcher). */
int agent_open(struct stele_ctx *ctx);
/* The same for reading only, without the lock or the key (stele_ctx_open_read). */
int agent_open_read(struct stele_ctx *ctx);

/* The village code of an open directory (ctx->writer). */
#define agent_village(ctx) ((const char *)(ctx)->writer)

#endif
