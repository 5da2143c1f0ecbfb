/* agent.h: the agent's commands and the helpers they share (agent/village.c). */
#ifndef STELE_AGENT_H
#define STELE_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "cli.h"

/* One function per command, each in agent/cmd-NAME.c, listed in agent/main.c. */
int cmd_init(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_member(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
extern const struct stele_cmd member_subcommands[];

/* Opens the village directory (lock, database, signing key) and checks it is a
 * village's. Released by stele_ctx_close (done by the dispatcher). */
int agent_open(struct stele_ctx *ctx);

/* The village code of an open directory (ctx->writer). */
#define agent_village(ctx) ((const char *)(ctx)->writer)

/* Starts a captured write (see capture.h); finish with agent_write_commit, or
 * stele_capture_abort on error. */
int agent_write_begin(struct stele_ctx *ctx, struct stele_capture **cap);
/* Commits the write and its change set. */
int agent_write_commit(struct stele_ctx *ctx, struct stele_capture *cap);

/*
 * The next free local id of a table: prefix followed by width digits, one more than
 * the largest id of that shape in the village (M0001, E000001, ...). out holds 24.
 */
int agent_next_id(char *out, struct stele_ctx *ctx, const char *table, const char *prefix,
		  int width);

/* A local id given by a user: 1..32 ASCII letters, digits, '-' or '_'. */
int agent_check_id(const char *id, const char *what);

/* Whether month (days since epoch of any date in it, or a month index via
 * agent_month_of) has a period_close row. */
int agent_month_closed(bool *closed, struct stele_ctx *ctx, int32_t month);
/* The month index (year * 12 + month - 1) of a date in days. */
int32_t agent_month_of(int32_t days);

/* Refuses (STELE_EINVALID) when the month of the date or month text is closed:
 * "<what>: month 2026-08 is closed". text is YYYY-MM-DD or YYYY-MM. */
int agent_refuse_closed(struct stele_ctx *ctx, const char *text, const char *what);

/*
 * A member as given by a command or an import row. For each text field, NULL
 * keeps the stored value (or the default for a new row) and "" clears an optional
 * one. An empty or NULL id on a new member means "assign the next M0001-style id".
 */
struct member_row {
	const char *id, *name, *gender, *born, *joined, *status, *grid;
	bool must_exist;  /* refuse if the id is new (member set) */
	bool must_be_new; /* refuse if the id exists (member add) */
};

/* Validates the row against domain.md and inserts or updates it, inside the
 * caller's captured write. out_id (24 bytes, may be NULL) receives the id. */
int member_put(char *out_id, struct stele_ctx *ctx, const struct member_row *row);

/* Whether a member id exists in this village. */
int agent_member_exists(bool *exists, struct stele_ctx *ctx, const char *id);

#endif
