/* options.h: a command's line declared as a table of options bound to fields, with
 * its positional counts, after git's parse-options; and the list-command helper. */
#ifndef STELE_OPTIONS_H
#define STELE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

enum stele_opt_kind {
	STELE_OPTK_END = 0,
	STELE_OPTK_STRING,   /* value: const char ** (argv's string, not copied) */
	STELE_OPTK_BOOL,     /* value: bool *, set true */
	STELE_OPTK_INT,      /* value: int64_t *, a whole number in [min, max] */
	STELE_OPTK_MONTH,    /* value: int32_t *, YYYY-MM as stele_parse_month's index */
	STELE_OPTK_YEAR,     /* value: int32_t *, YYYY */
	STELE_OPTK_LIST,     /* value: struct stele_opt_list *, every occurrence in order */
	STELE_OPTK_CALLBACK, /* cb(ctx, opt, optarg): anything else */
	STELE_OPTK_ARGS,     /* not an option: min..max positional arguments */
	STELE_OPTK_LISTING,  /* not an option: --format F, --bom and --raw (into ctx) */
};

struct stele_option;
typedef int (*stele_opt_cb)(struct stele_ctx *ctx, const struct stele_option *opt,
			    const char *arg);

/* One row of the table. Typed values (INT, MONTH, YEAR) are checked after the
 * whole line is read and its positional count found right, in table order, with
 * the option's name ("--year") in the message (STELE_EINVALID, as parse.h's
 * parsers); a value not given stays as the caller set it. */
struct stele_option {
	enum stele_opt_kind kind;
	int short_name;        /* 'n', or 0 */
	const char *long_name; /* "due", or NULL */
	void *value;           /* the bound field (see the kinds); cb's data */
	bool takes_arg;        /* STRING, INT, MONTH, YEAR, LIST, and CALLBACK if so */
	int64_t min, max;      /* INT's range; ARGS' counts */
	stele_opt_cb cb;       /* CALLBACK */
	int code;              /* CALLBACK: the caller's code for the option */
};

/* Every value of a repeated option, argv's strings in order. items is allocated
 * by stele_options_parse; the caller frees it with stele_opt_list_release. */
struct stele_opt_list {
	const char **items;
	int n;
};
void stele_opt_list_release(struct stele_opt_list *l);

#define STELE_OPT_STRING(s, l, v) { .kind = STELE_OPTK_STRING, .short_name = (s), \
	.long_name = (l), .value = (v), .takes_arg = true }
#define STELE_OPT_BOOL(s, l, v) { .kind = STELE_OPTK_BOOL, .short_name = (s), \
	.long_name = (l), .value = (v) }
#define STELE_OPT_INT(s, l, v, lo, hi) { .kind = STELE_OPTK_INT, .short_name = (s), \
	.long_name = (l), .value = (v), .takes_arg = true, .min = (lo), .max = (hi) }
#define STELE_OPT_MONTH(l, v) { .kind = STELE_OPTK_MONTH, .long_name = (l), .value = (v), \
	.takes_arg = true }
#define STELE_OPT_YEAR(l, v) { .kind = STELE_OPTK_YEAR, .long_name = (l), .value = (v), \
	.takes_arg = true }
#define STELE_OPT_LIST(s, l, v) { .kind = STELE_OPTK_LIST, .short_name = (s), \
	.long_name = (l), .value = (v), .takes_arg = true }
#define STELE_OPT_CALLBACK(s, l, arg, fn, data, c) { .kind = STELE_OPTK_CALLBACK, \
	.short_name = (s), .long_name = (l), .value = (data), .takes_arg = (arg), .cb = (fn), \
	.code = (c) }
#define STELE_OPT_ARGS(lo, hi) { .kind = STELE_OPTK_ARGS, .min = (lo), .max = (hi) }
#define STELE_OPT_LISTING() { .kind = STELE_OPTK_LISTING }
#define STELE_OPT_END() { .kind = STELE_OPTK_END }
/* A table written in place: STELE_OPTIONS(STELE_OPT_ARGS(1, 1)). */
#define STELE_OPTIONS(...) ((const struct stele_option[]){ __VA_ARGS__, STELE_OPT_END() })
/* The table of a list command: --format, --bom, --raw, no arguments. */
extern const struct stele_option stele_listing_options[];
/* ARGS' max for "ID...": as many as there are. */
#define STELE_ARGS_MANY INT32_MAX

/* What stele_options_parse returns after printing the help (-h, --help): the
 * command stops and succeeds (a positive code is exit status 0). */
#define STELE_OPT_HELP_SHOWN 1

/*
 * Reads argv (argv[0] the command's name) by the table (STELE_OPT_END()-ended;
 * NULL: no options, no arguments): -h/--help prints cmd's usage and returns
 * STELE_OPT_HELP_SHOWN; a negative number where a value is expected is a value.
 * argv is reordered in place (options first, values after, each in its order);
 * *args then points to the positional arguments inside argv and *nargs counts
 * them. Returns 0, or <0 with the message recorded (usage errors: EUSAGE).
 */
int stele_options_parse(char ***args, int *nargs, struct stele_ctx *ctx,
			const struct stele_cmd *cmd, const struct stele_option *options,
			int argc, char **argv);

/*
 * A list command: no options but the listing ones, no arguments; opens the
 * directory with open (agent_open, agg_open) and prints sql in ctx's format.
 * With bind_writer, ?1 is the directory's writer (a village's own code).
 */
struct stele_list {
	int (*open)(struct stele_ctx *ctx);
	const char *sql;
	const char *number_cols; /* see stele_table_from_query; may be NULL */
	bool bind_writer;
};
int stele_cli_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		   const struct stele_list *list);

/* The start every command repeats: reads the line by options, then opens the
 * directory with open. Returns 0 to go on, STELE_OPT_HELP_SHOWN, or <0. */
int stele_cli_start(char ***args, int *nargs, struct stele_ctx *ctx, const struct stele_cmd *cmd,
		    const struct stele_option *options, int argc, char **argv,
		    int (*open)(struct stele_ctx *ctx));

#endif
