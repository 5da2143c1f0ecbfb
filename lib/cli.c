/* cli.c: dispatch, the directory context, exit codes (option parsing: options.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "cli.h"
#include "credentials.h"
#include "db.h"
#include "error.h"
#include "i18n.h"
#include "keypair.h"
#include "keystore.h"
#include "parse.h"
#include "remote.h"

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
		/* TRANSLATORS: the program's name, then the one-line error (in Chinese
		 * with a full-width colon, as every other line the program prints). */
		fprintf(stderr, _("%s: %s\n"), ctx->prog, *msg ? msg : _("failed"));
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

int stele_cli_save_kept_urls(struct stele_kept_urls *urls, const struct stele_ctx *ctx)
{
	struct stele_remote_opts opts;
	int rc;

	if (urls->n == 0)
		return 0;
	if ((rc = stele_remote_opts_from_env(&opts, ctx->dir)) < 0)
		return rc;
	rc = stele_credentials_save(opts.credentials_file, urls->secrets, urls->n);
	for (size_t i = 0; rc == 0 && i < urls->n; i++)
		fprintf(stderr, _("%s: the password of %s for %s is kept in %s (mode 600), not in "
			"the database\n"), ctx->prog, urls->secrets[i].user, urls->secrets[i].prefix,
			opts.credentials_file);
	stele_remote_opts_release(&opts);
	return rc;
}

void stele_cli_transfer_progress(void *data, bool sending, unsigned done, unsigned total)
{
	fputc('\r', stderr);
	if (sending)
		fprintf(stderr, _("sending %u/%u objects"), done, total);
	else
		fprintf(stderr, _("receiving %u/%u objects"), done, total);
	if (done == total)
		fputc('\n', stderr);
}

int stele_cli_key_recover(struct stele_ctx *ctx, bool village)
{
	enum stele_keystore_state state;
	char *hex = NULL, *path = NULL;
	int rc;

	if ((rc = stele_keystore_recover(&state, ctx)) < 0)
		return rc;
	if (state == STELE_KEYSTORE_REMOVED)
		fprintf(stderr, _("%s: removed %s, the unused key of an interrupted 'key rotate' "
			"(the rotation did not happen)\n"), ctx->prog, STELE_NEW_KEY_FILE);
	else if (state == STELE_KEYSTORE_FINISHED)
		fprintf(stderr, _("%s: finished an interrupted 'key rotate': %s is the new key\n"),
			ctx->prog, STELE_KEY_FILE);
	if (state != STELE_KEYSTORE_MISMATCH)
		return 0;
	if ((rc = stele_meta_get(ctx->db, "public_key", &hex)) < 0)
		return rc;
	if (!(path = stele_ctx_path(ctx, STELE_KEY_FILE)))
		rc = stele_error(STELE_EFAIL, "out of memory");
	else if (village)
		rc = stele_error(STELE_EFAIL, "%s is not the key this village signs with (public key "
				 "%.16s...); put the village's own %s back (docs/keys.md)", path,
				 hex ? hex : "", STELE_KEY_FILE);
	else
		rc = stele_error(STELE_EFAIL, "%s is not the key this directory signs with (public key "
				 "%.16s...); put the directory's own %s back (docs/keys.md)", path,
				 hex ? hex : "", STELE_KEY_FILE);
	free(path);
	free(hex);
	return rc;
}
