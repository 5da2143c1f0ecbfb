/* options.c: reading a command's line by its option table (options.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "options.h"
#include "parse.h"

#define MAX_OPTIONS 60
/* getopt's codes for the listing options (past any short option). */
#define STELE_OPT_FORMAT 0x1000
#define STELE_OPT_BOM    0x1001
#define STELE_OPT_RAW    0x1002

static const struct stele_option no_options[] = { STELE_OPT_END() };
const struct stele_option stele_listing_options[] = { STELE_OPT_LISTING(), STELE_OPT_END() };

void stele_opt_list_release(struct stele_opt_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Whether s is a negative number ("-120.50", "-.5"): a value, never an option. */
static bool negative_number(const char *s)
{
	return s[0] == '-' && ((s[1] >= '0' && s[1] <= '9') ||
			       (s[1] == '.' && s[2] >= '0' && s[2] <= '9'));
}

static bool is_option(const struct stele_option *o)
{
	return o->kind != STELE_OPTK_ARGS && o->kind != STELE_OPTK_LISTING;
}

/* Whether the option a (not a negative number) takes the next element as its
 * value: "--name V" of an option with a value, "-n V" of a short one. */
static bool takes_next(const char *a, const struct stele_option *opts)
{
	if (a[1] == '-') {
		size_t n = strcspn(a + 2, "=");
		if (a[2 + n] == '=')
			return false;
		for (const struct stele_option *o = opts; o->kind; o++)
			if (is_option(o) && o->long_name && strlen(o->long_name) == n &&
			    strncmp(o->long_name, a + 2, n) == 0)
				return o->takes_arg;
		return strncmp(a + 2, "format", n) == 0 && n == 6;
	}
	for (const char *c = a + 1; *c; c++)
		for (const struct stele_option *o = opts; o->kind; o++)
			if (is_option(o) && o->short_name == *c && o->takes_arg)
				return c[1] == '\0'; /* "-n5" holds its value */
	return false;
}

/*
 * argv with every positional argument moved after a "--", in order, so that a
 * negative number where a value is expected ("income add 2026-11 -120.50") is
 * that value, not an unknown option. *out (argc + 2 entries, NULL-ended) is
 * freed by the caller; its strings are argv's.
 */
static int values_last(char ***out, int *out_argc, int argc, char **argv,
		       const struct stele_option *opts)
{
	char **args = malloc(((size_t)argc + 2) * sizeof(char *)), **values;
	int n = 0, nv = 0, i;

	if (!args || !(values = malloc(((size_t)argc + 1) * sizeof(char *)))) {
		free(args);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	args[n++] = argv[0];
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				values[nv++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] == '\0' || negative_number(a)) {
			values[nv++] = a;
			continue;
		}
		args[n++] = a;
		if (takes_next(a, opts) && i + 1 < argc)
			args[n++] = argv[++i];
	}
	args[n++] = "--";
	for (i = 0; i < nv; i++)
		args[n++] = values[i];
	args[n] = NULL;
	free(values);
	*out = args;
	*out_argc = n;
	return 0;
}

/* Stores one occurrence of o with its value arg (NULL for a flag). */
static int take(struct stele_ctx *ctx, const struct stele_option *o, const char *arg,
		const char **raw)
{
	switch (o->kind) {
	case STELE_OPTK_STRING:
		*(const char **)o->value = arg;
		return 0;
	case STELE_OPTK_BOOL:
		*(bool *)o->value = true;
		return 0;
	case STELE_OPTK_INT:
	case STELE_OPTK_MONTH:
	case STELE_OPTK_YEAR:
		*raw = arg; /* checked once the line is read */
		return 0;
	case STELE_OPTK_LIST: {
		struct stele_opt_list *l = o->value;
		const char **items = realloc(l->items, ((size_t)l->n + 1) * sizeof(*items));
		if (!items)
			return stele_error(STELE_EFAIL, "out of memory");
		items[l->n++] = arg;
		l->items = items;
		return 0;
	}
	case STELE_OPTK_CALLBACK:
		return o->cb(ctx, o, arg);
	default:
		return stele_error(STELE_EFAIL, "bad option table");
	}
}

/* A value an option cannot take is a usage error (exit 2), as cli.md's exit codes
 * say of a malformed value on the command line; other failures pass as they are. */
static int usage_value(int rc)
{
	return rc == STELE_EINVALID ? stele_error(STELE_EUSAGE, "%s", stele_error_message()) : rc;
}

/* Checks a typed value given as raw into its field, naming the option. */
static int convert(const struct stele_option *o, const char *raw)
{
	char what[64];
	int32_t v32;
	int64_t v;
	int rc;

	if (o->long_name)
		snprintf(what, sizeof(what), "--%s", o->long_name);
	else
		snprintf(what, sizeof(what), "-%c", o->short_name);
	switch (o->kind) {
	case STELE_OPTK_INT:
		if ((rc = stele_parse_int(&v, raw, o->min, o->max, what)) < 0)
			return usage_value(rc);
		*(int64_t *)o->value = v;
		return 0;
	case STELE_OPTK_MONTH:
		if ((rc = stele_parse_month(&v32, raw, what)) < 0)
			return usage_value(rc);
		*(int32_t *)o->value = v32;
		return 0;
	case STELE_OPTK_YEAR:
		if ((rc = stele_parse_year(&v32, raw, what)) < 0)
			return usage_value(rc);
		*(int32_t *)o->value = v32;
		return 0;
	default:
		return 0;
	}
}

/* The first row of opts doing what row i does (so that getopt takes an abbreviation
 * of two names of one option, "--member" and "--members", as that option). */
static int first_alike(const struct stele_option *opts, int i)
{
	for (int j = 0; j < i; j++)
		if (opts[j].kind == opts[i].kind && opts[j].value == opts[i].value &&
		    opts[j].takes_arg == opts[i].takes_arg && opts[j].cb == opts[i].cb &&
		    opts[j].code == opts[i].code && opts[j].long_name)
			return j;
	return i;
}

/* The getopt tables for opts: longs (MAX_OPTIONS + 5 entries), shorts (64 bytes);
 * a long option's val is its row's index + 256, a short one's its letter. */
static int getopt_tables(struct option *longs, char *shorts, bool *listing,
			 const struct stele_option *opts)
{
	size_t ns = 0;
	int n = 0;

	shorts[ns++] = ':';
	shorts[ns++] = 'h';
	*listing = false;
	for (int i = 0; opts[i].kind; i++) {
		if (opts[i].kind == STELE_OPTK_LISTING)
			*listing = true;
		if (!is_option(&opts[i]))
			continue;
		if (n >= MAX_OPTIONS || ns + 3 >= 64)
			return stele_error(STELE_EFAIL, "too many options");
		if (opts[i].long_name)
			longs[n++] = (struct option){ opts[i].long_name,
				opts[i].takes_arg ? required_argument : no_argument, NULL,
				256 + first_alike(opts, i) };
		if (opts[i].short_name) {
			shorts[ns++] = (char)opts[i].short_name;
			if (opts[i].takes_arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	longs[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	if (*listing) {
		longs[n++] = (struct option){ "format", required_argument, NULL, STELE_OPT_FORMAT };
		longs[n++] = (struct option){ "bom", no_argument, NULL, STELE_OPT_BOM };
		longs[n++] = (struct option){ "raw", no_argument, NULL, STELE_OPT_RAW };
	}
	longs[n] = (struct option){ 0 };
	return 0;
}

/* The row of opts whose short name is c, or NULL. */
static const struct stele_option *find_short(const struct stele_option *opts, int c)
{
	for (; opts->kind; opts++)
		if (is_option(opts) && opts->short_name == c)
			return opts;
	return NULL;
}

/* getopt over the reordered args: *first the index of the first positional. */
static int parse_args(int *first, struct stele_ctx *ctx, const struct stele_cmd *cmd,
		      const struct stele_option *opts, const char **raw, int argc, char **argv)
{
	struct option longs[MAX_OPTIONS + 5];
	char shorts[64];
	bool listing;
	int opt, rc;

	if ((rc = getopt_tables(longs, shorts, &listing, opts)) < 0)
		return rc;
	optind = 0; /* GNU: reinitialize for each command */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct stele_option *o = NULL;

		switch (opt) {
		case 'h':
			stele_cli_usage(ctx, cmd);
			return STELE_OPT_HELP_SHOWN;
		case STELE_OPT_FORMAT:
			if ((rc = stele_format_parse(&ctx->format, optarg)) < 0)
				return rc;
			continue;
		case STELE_OPT_BOM:
			ctx->bom = true;
			continue;
		case STELE_OPT_RAW:
			ctx->raw = true;
			continue;
		case '?':
			return stele_error(STELE_EUSAGE, "%s: unknown option '%s' (see --help)", cmd->name,
					   argv[optind - 1]);
		case ':':
			return stele_error(STELE_EUSAGE, "%s: option '%s' needs a value", cmd->name,
					   argv[optind - 1]);
		}
		if (opt >= 256)
			o = &opts[opt - 256];
		else
			o = find_short(opts, opt);
		if (!o)
			return stele_error(STELE_EUSAGE, "%s: unexpected option", cmd->name);
		if ((rc = take(ctx, o, optarg, &raw[o - opts])) < 0)
			return rc;
	}
	*first = optind;
	return 0;
}

int stele_options_parse(char ***args, int *nargs, struct stele_ctx *ctx,
			const struct stele_cmd *cmd, const struct stele_option *options,
			int argc, char **argv)
{
	const struct stele_option *opts = options ? options : no_options;
	const char **raw = NULL;
	char **list = NULL;
	int64_t min = 0, max = 0;
	int nlist = 0, first = 0, count, rows = 0, rc;

	for (; opts[rows].kind; rows++)
		if (opts[rows].kind == STELE_OPTK_ARGS) {
			min = opts[rows].min;
			max = opts[rows].max;
		}
	if (!(raw = calloc((size_t)rows + 1, sizeof(*raw))))
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = values_last(&list, &nlist, argc, argv, opts)) < 0)
		goto done;
	if ((rc = parse_args(&first, ctx, cmd, opts, raw, nlist, list)) != 0)
		goto done;
	count = nlist - first;
	if (count > max) {
		rc = stele_error(STELE_EUSAGE, "%s: unexpected argument '%s' (usage: %s %s)",
				 cmd->name, list[first + max], ctx->prog, _(cmd->usage));
		goto done;
	}
	if (count < min) {
		rc = stele_error(STELE_EUSAGE, "%s: missing argument (usage: %s %s)", cmd->name,
				 ctx->prog, _(cmd->usage));
		goto done;
	}
	for (int i = 0; i < rows; i++)
		if (raw[i] && (rc = convert(&opts[i], raw[i])) < 0)
			goto done;
	/* The positional arguments are argv's own strings: they go to argv's end. */
	for (int i = 0; i < count; i++)
		argv[argc - count + i] = list[first + i];
	*args = argv + argc - count;
	*nargs = count;
done:
	free(raw);
	free(list);
	return rc;
}

int stele_cli_start(char ***args, int *nargs, struct stele_ctx *ctx, const struct stele_cmd *cmd,
		    const struct stele_option *options, int argc, char **argv,
		    int (*open)(struct stele_ctx *ctx))
{
	int rc;

	if ((rc = stele_options_parse(args, nargs, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	return open(ctx);
}

int stele_cli_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		   const struct stele_list *list)
{
	char **args;
	int nargs, rc;

	if ((rc = stele_cli_start(&args, &nargs, ctx, cmd, stele_listing_options, argc, argv,
				   list->open)) != 0)
		return rc;
	const char *params[] = { list->bind_writer ? ctx->writer : NULL, NULL };
	return stele_cli_print_query(ctx, list->sql, params, list->number_cols);
}
