/* rowcmd.h: the start and end the record commands share: one row written as one
 * change set (add, set), rows deleted all or none (delete). */
#ifndef STELE_AGENT_ROWCMD_H
#define STELE_AGENT_ROWCMD_H

#include <stdbool.h>

#include "batch.h"
#include "options.h"

/* Writes row (a kind's row struct) inside b, as a kind's xxx_put does; id (24
 * bytes) receives the row's id. */
typedef int (*agent_row_fn)(char *id, struct agent_batch *b, const void *row);

/* Opens the village, writes row through put as one change set and, with print_id,
 * prints the row's id on its own line. Returns 0 or <0 (nothing written). */
int agent_write_row(struct stele_ctx *ctx, agent_row_fn put, const void *row, bool print_id);

/*
 * `KIND set ID [--option V]...`: reads the line by options (its STRING options
 * bound to row's fields, and STELE_OPT_ARGS(1, 1)), sets *id to the argument and
 * writes the row with agent_write_row. Refused with nothing (a usage message
 * without conversions, N_()-marked; NULL: never) when no option is given.
 */
int agent_cmd_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		  const struct stele_option *options, const char **id, agent_row_fn put,
		  const void *row, const char *nothing);

/* `KIND list`: the rows of export kind (exports.c) of this village, in ctx's format. */
int agent_cmd_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		   const char *kind);

/* `KIND list [--open]`: sql's rows in ctx's format, ?1 the village, ?2 '1' with
 * --open (only the rows not closed yet), else '0'. */
int agent_cmd_list_open(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			char **argv, const char *sql, const char *number_cols);

/* date, or (NULL) today written into buf (16 bytes, the caller's). */
const char *agent_date_or_today(char *buf, const char *date);

/* Opens the village and runs one(b, ids[i], data) for each of the n ids in one
 * batch: every one written, or (the first failure) none. */
typedef int (*agent_id_fn)(struct agent_batch *b, const char *id, const void *data);
int agent_each_id(struct stele_ctx *ctx, char **ids, int n, agent_id_fn one, const void *data);

/* `KIND delete ID...`: every id deleted by del in one batch, or none. */
typedef int (*agent_delete_fn)(struct agent_batch *b, const char *id);
int agent_cmd_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		     agent_delete_fn del);

#endif
