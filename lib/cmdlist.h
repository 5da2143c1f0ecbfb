/*
 * cmdlist.h: reads a program's command list, agent/commands.def or
 * aggregator/commands.def, which includes this file first and undefines its
 * macros last (docs/architecture.md "Commands"). No include guard: the list is
 * read twice. By default each CMD, GROUP and SUB declares its function (the
 * program's header); where STELE_CMDLIST_TABLE is defined, it is a row of the
 * command table (struct stele_cmd, cli.h), a GROUP's subcommands its own table.
 */
#include "cli.h"

#ifdef STELE_CMDLIST_TABLE
#define CMD(name, fn, usage, help) { name, fn, usage, help, NULL },
#define GROUP(name, fn, usage, help, subs) \
	{ name, fn, usage, help, (const struct stele_cmd[]){ subs { NULL, NULL, NULL, NULL, NULL } } },
#define SUB CMD
#else
#define CMD(name, fn, usage, help) \
	int fn(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
#define GROUP(name, fn, usage, help, subs) CMD(name, fn, usage, help) subs
#define SUB CMD
#endif
