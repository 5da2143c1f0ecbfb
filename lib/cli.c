/* cli.c: dispatch, option parsing, the directory context, exit codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "keypair.h"
#include "parse.h"

static const struct stele_cmd *find_cmd(const struct stele_cmd *cmds, const char *name)
{
	for (; cmds->name; cmds++)
		if (strcmp(cmds->name, name) == 0)
			return cmds;
	return NULL;
}

void stele_cli_usage(const struct stele_ctx *ctx, const struct stele_cmd *cmd)
{
	/* The tables' usage and help are marked with N_() and translated here. */
	printf(_("usage: %s %s\n"), ctx->prog, _(cmd->usage));
	if (cmd->subs)
		for (const struct stele_cmd *s = cmd->subs; s->name; s++)
			printf(_("   or: %s %s\n"), ctx->prog, _(s->usage));
	if (cmd->help)
		printf("\n%s\n", _(cmd->help));
}

static void print_commands(const struct stele_ctx *ctx, const struct stele_cmd *cmds)
{
	printf(_("usage: %s [-C DIR] COMMAND [ARGS]\n       %s --version\n\ncommands:\n"),
	       ctx->prog, ctx->prog);
	for (; cmds->name; cmds++)
		printf("  %s\n", _(cmds->usage));
	printf(_("\n'%s COMMAND --help' explains one command. Exit codes: 0 ok, 1 failure,\n"
		 "2 usage (a malformed value on the command line: not a date, not a number),\n"
		 "3 invalid data (a well-formed value refused by a rule; nothing written),\n"
		 "4 busy, 5 verification failed.\n"), ctx->prog);
}

static bool progress_open; /* a progress line is on stderr, not yet ended */

void stele_cli_progress_end(void)
{
	if (progress_open)
		fputc('\n', stderr);
	progress_open = false;
}

static int finish(const struct stele_ctx *ctx, int rc)
{
	stele_cli_progress_end(); /* a message never continues a progress line */
	if (rc < 0) {
		const char *msg = stele_error_message();
		fprintf(stderr, "%s: %s\n", ctx->prog, *msg ? msg : _("failed"));
	}
	return stele_exit_code(rc);
}

int stele_cli_subcommand(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct stele_cmd *sub;

	if (argc < 2)
		return stele_error(STELE_EUSAGE, "%s needs a subcommand (see '%s %s --help')",
				   cmd->name, ctx->prog, cmd->name);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		stele_cli_usage(ctx, cmd);
		return 0;
	}
	if (!(sub = find_cmd(cmd->subs, argv[1])))
		return stele_error(STELE_EUSAGE, "unknown subcommand '%s %s'", cmd->name, argv[1]);
	return sub->run(ctx, sub, argc - 1, argv + 1);
}

int stele_cli_main(struct stele_ctx *ctx, const struct stele_cmd *cmds, int argc, char **argv)
{
	const struct stele_cmd *cmd;
	const char *dir = getenv("STELE_DIR");
	int i = 1, rc;

	ctx->format = STELE_FORMAT_TABLE;
	ctx->verbose_progress = isatty(STDERR_FILENO);
	if (sodium_init() < 0)
		return finish(ctx, stele_error(STELE_EFAIL, "cannot initialize libsodium"));
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
			dir = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "-C", 2) == 0 && argv[i][2]) {
			dir = argv[i] + 2;
			i++;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("%s %s\n", ctx->prog, STELE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_commands(ctx, cmds);
			return 0;
		} else {
			return finish(ctx, stele_error(STELE_EUSAGE, "unknown option '%s'", argv[i]));
		}
	}
	if (i >= argc) {
		print_commands(ctx, cmds);
		return 2;
	}
	if (!(cmd = find_cmd(cmds, argv[i])))
		return finish(ctx, stele_error(STELE_EUSAGE, "unknown command '%s' (see '%s --help')",
					       argv[i], ctx->prog));
	if (!(ctx->dir = strdup(dir && *dir ? dir : ".")))
		return finish(ctx, stele_error(STELE_EFAIL, "out of memory"));
	rc = cmd->run(ctx, cmd, argc - i, argv + i);
	stele_ctx_close(ctx);
	free(ctx->dir);
	ctx->dir = NULL;
	if (fflush(stdout) != 0 && rc >= 0)
		rc = stele_error(STELE_EFAIL, "cannot write output: %s", strerror(errno));
	return finish(ctx, rc);
}

/* Whether s is a negative number ("-120.50", "-.5"): a value, never an option. */
static bool negative_number(const char *s)
{
	return s[0] == '-' && ((s[1] >= '0' && s[1] <= '9') ||
			       (s[1] == '.' && s[2] >= '0' && s[2] <= '9'));
}

/* Whether the option argv[i] (not a negative number) takes the next element as its
 * value: "--name V" of a required_argument long option, "-n V" of a short one. */
static bool takes_next(const char *a, const char *shortopts, const struct option *longopts)
{
	if (a[1] == '-') {
		size_t n = strcspn(a + 2, "=");
		if (a[2 + n] == '=')
			return false;
		for (; longopts && longopts[0].name; longopts++)
			if (strlen(longopts[0].name) == n && strncmp(longopts[0].name, a + 2, n) == 0)
				return longopts[0].has_arg == required_argument;
		return strncmp(a + 2, "format", n) == 0 && n == 6;
	}
	for (const char *c = a + 1; *c; c++) {
		const char *at = shortopts ? strchr(shortopts, *c) : NULL;
		if (at && at[1] == ':')
			return c[1] == '\0'; /* "-n5" holds its value */
	}
	return false;
}

/*
 * argv with every positional argument moved after a "--", in order, so that a
 * negative number where a value is expected ("income add 2026-11 -120.50") is
 * that value, not an unknown option. *out (argc + 2 entries, NULL-ended) is
 * freed by the caller; its strings are argv's.
 */
static int values_last(char ***out, int *out_argc, int argc, char **argv, const char *shortopts,
		       const struct option *longopts)
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
		if (takes_next(a, shortopts, longopts) && i + 1 < argc)
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

static int parse_args(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		      const char *shortopts, const struct option *longopts, bool listing,
		      stele_opt_fn on_opt, void *arg, char **positional, int max_positional,
		      int min_positional, int *npositional, bool *done);

int stele_cli_parse(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		    const char *shortopts, const struct option *longopts, bool listing,
		    stele_opt_fn on_opt, void *arg, char **positional, int max_positional,
		    int min_positional, int *npositional, bool *done)
{
	char **args = NULL;
	int nargs = 0, rc;

	if ((rc = values_last(&args, &nargs, argc, argv, shortopts, longopts)) < 0)
		return rc;
	rc = parse_args(ctx, cmd, nargs, args, shortopts, longopts, listing, on_opt, arg,
			positional, max_positional, min_positional, npositional, done);
	free(args);
	return rc;
}

static int parse_args(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
		      const char *shortopts, const struct option *longopts, bool listing,
		      stele_opt_fn on_opt, void *arg, char **positional, int max_positional,
		      int min_positional, int *npositional, bool *done)
{
	struct option opts[64];
	char shorts[64];
	int n = 0, opt, rc;

	for (; longopts && longopts[n].name; n++) {
		if (n >= 60)
			return stele_error(STELE_EFAIL, "too many options");
		opts[n] = longopts[n];
	}
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	if (listing) {
		opts[n++] = (struct option){ "format", required_argument, NULL, STELE_OPT_FORMAT };
		opts[n++] = (struct option){ "bom", no_argument, NULL, STELE_OPT_BOM };
		opts[n++] = (struct option){ "raw", no_argument, NULL, STELE_OPT_RAW };
	}
	opts[n] = (struct option){ 0 };
	snprintf(shorts, sizeof(shorts), ":h%s", shortopts ? shortopts : "");
	*done = false;
	optind = 0; /* GNU: reinitialize for each command */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			stele_cli_usage(ctx, cmd);
			*done = true;
			return 0;
		case STELE_OPT_FORMAT:
			if ((rc = stele_format_parse(optarg, &ctx->format)) < 0)
				return rc;
			break;
		case STELE_OPT_BOM:
			ctx->bom = true;
			break;
		case STELE_OPT_RAW:
			ctx->raw = true;
			break;
		case '?':
			return stele_error(STELE_EUSAGE, "%s: unknown option '%s' (see --help)", cmd->name,
					   argv[optind - 1]);
		case ':':
			return stele_error(STELE_EUSAGE, "%s: option '%s' needs a value", cmd->name,
					   argv[optind - 1]);
		default:
			if (!on_opt)
				return stele_error(STELE_EUSAGE, "%s: unexpected option", cmd->name);
			if ((rc = on_opt(ctx, opt, optarg, arg)) < 0)
				return rc;
		}
	}
	int count = argc - optind;
	if (count > max_positional)
		return stele_error(STELE_EUSAGE, "%s: unexpected argument '%s' (usage: %s %s)",
				   cmd->name, argv[optind + max_positional], ctx->prog, _(cmd->usage));
	if (count < min_positional)
		return stele_error(STELE_EUSAGE, "%s: missing argument (usage: %s %s)", cmd->name,
				   ctx->prog, _(cmd->usage));
	for (int i = 0; i < count; i++)
		positional[i] = argv[optind + i];
	*npositional = count;
	return 0;
}

char *stele_ctx_path(const struct stele_ctx *ctx, const char *name)
{
	size_t n = strlen(ctx->dir) + strlen(name) + 2;
	char *path = malloc(n);

	if (path)
		snprintf(path, n, "%s/%s", ctx->dir, name);
	return path;
}

/* stele_ctx_open with the lock and for writing, or (reading) neither. */
static int ctx_open(struct stele_ctx *ctx, bool need_key, bool reading)
{
	char *db_path = NULL, *key_path = NULL, *marker = NULL;
	int rc;

	if (!(db_path = stele_ctx_path(ctx, STELE_DB_FILE)) ||
	    !(key_path = stele_ctx_path(ctx, STELE_KEY_FILE))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (!(marker = stele_ctx_path(ctx, STELE_RESTORING_FILE))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (access(marker, F_OK) == 0) {
		rc = stele_error(STELE_EFAIL, "%s holds a restore that did not finish; run '%s "
				 "restore' into it again (it starts over)", ctx->dir, ctx->prog);
		goto done;
	}
	if (access(db_path, F_OK) != 0) {
		rc = stele_error(STELE_EFAIL, "%s is not a Stele directory (no %s); run '%s init' first",
				 ctx->dir, STELE_DB_FILE, ctx->prog);
		goto done;
	}
	if (!reading && (rc = stele_lock_acquire(&ctx->lock, ctx->dir)) < 0)
		goto done;
	if ((rc = stele_db_open(&ctx->db, db_path, reading ? STELE_DB_READ : 0)) < 0)
		goto done;
	if ((rc = stele_meta_get(ctx->db, "writer", &ctx->writer)) < 0)
		goto done;
	if (!ctx->writer) {
		rc = stele_error(STELE_EFAIL, "%s was not initialized completely; run '%s init' again",
				 ctx->dir, ctx->prog);
		goto done;
	}
	if (need_key) {
		if ((rc = stele_key_load(ctx->sk, key_path)) < 0)
			goto done;
		ctx->have_key = true;
	}
done:
	free(db_path);
	free(key_path);
	free(marker);
	return rc;
}

int stele_ctx_open(struct stele_ctx *ctx, bool need_key)
{
	return ctx_open(ctx, need_key, false);
}

int stele_ctx_open_read(struct stele_ctx *ctx)
{
	return ctx_open(ctx, false, true);
}

void stele_ctx_close(struct stele_ctx *ctx)
{
	stele_db_close(ctx->db);
	ctx->db = NULL;
	stele_lock_release(ctx->lock);
	ctx->lock = NULL;
	free(ctx->writer);
	ctx->writer = NULL;
	sodium_memzero(ctx->sk, sizeof(ctx->sk));
	ctx->have_key = false;
}

void stele_cli_print_public_key(const struct stele_ctx *ctx)
{
	unsigned char pk[STELE_PK_BYTES];
	char hex[2 * STELE_PK_BYTES + 1];

	stele_key_public(pk, ctx->sk);
	stele_hex_encode(hex, pk, STELE_PK_BYTES);
	printf("%s\n", hex);
}

int stele_cli_print(struct stele_ctx *ctx, const struct stele_table *t)
{
	return stele_table_print(t, ctx->format, (ctx->bom ? STELE_PRINT_BOM : 0) |
				 (ctx->raw ? STELE_PRINT_RAW : 0), stdout);
}

int stele_cli_print_query(struct stele_ctx *ctx, const char *sql, const char *const *params,
			  const char *number_cols)
{
	struct stele_table *t = NULL;
	int rc;

	if ((rc = stele_table_from_query(&t, ctx->db, sql, params, number_cols)) < 0)
		return rc;
	rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}

void stele_cli_progress(const struct stele_ctx *ctx, const char *what, long done, long total)
{
	if (!ctx->verbose_progress)
		return;
	/* what ("fetching", "importing") is plain English, translated here. */
	fprintf(stderr, "\r%s %ld/%ld", _(what), done, total);
	progress_open = true;
	if (done >= total)
		stele_cli_progress_end();
}
