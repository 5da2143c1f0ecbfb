/* cli.h: the command layer both programs share: dispatch tables, the working
 * directory context, common options, and turning library errors into exit codes. */
#ifndef STELE_CLI_H
#define STELE_CLI_H

#include <stdbool.h>
#include <sqlite3.h>

#include "changeset.h"
#include "lock.h"
#include "table.h"

/* The files of a Stele directory (agent's village or aggregator's county). */
#define STELE_DB_FILE   "stele.db"
#define STELE_KEY_FILE  "signing.key"
#define STELE_REPO_DIR  "repo.git"
/* Present while `stele-agent restore` builds a directory; removed when it is done. */
#define STELE_RESTORING_FILE "restore.incomplete"

struct stele_ctx {
	const char *prog;  /* "stele-agent" or "stele-aggregator" */
	char *dir;         /* the working directory (-C, $STELE_DIR or ".") */
	sqlite3 *db;       /* open after stele_ctx_open */
	struct stele_lock *lock;
	char *writer;      /* stele_meta 'writer': village code or "county" */
	unsigned char sk[STELE_SK_BYTES];
	bool have_key;
	enum stele_format format; /* --format, for listing commands */
	bool bom;                 /* --bom */
	bool raw;                 /* --raw: CSV cells as stored (stele_table_print) */
	bool verbose_progress;    /* stderr is a terminal */
	long jobs;                /* --jobs of fetch, merge, sync: threads (0: one per core) */
};

struct stele_cmd;
typedef int (*stele_cmd_fn)(struct stele_ctx *ctx, const struct stele_cmd *cmd,
			    int argc, char **argv);

/* One command or subcommand. usage is the text after the program name, e.g.
 * "member add NAME [--id ID] [--gender M|F]"; help adds lines of explanation. */
struct stele_cmd {
	const char *name;
	stele_cmd_fn run;
	const char *usage;
	const char *help;
	const struct stele_cmd *subs; /* NULL-name-terminated subcommands, or NULL */
};

/* The programs' main: global options (-C DIR, --version, -h), then the command
 * named by the first argument. Returns the process exit code. */
int stele_cli_main(struct stele_ctx *ctx, const struct stele_cmd *cmds, int argc, char **argv);

/* Runs the subcommand of cmd named by argv[1] (argv[0] is cmd's name). */
int stele_cli_subcommand(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);

/* Prints cmd's usage and help to stdout. */
void stele_cli_usage(const struct stele_ctx *ctx, const struct stele_cmd *cmd);

/* Opens the directory: takes the lock, opens the database (migrating it), reads
 * the writer and, if need_key, the signing key. Fails with a clear message if the
 * directory was never initialized. Resources are released by stele_ctx_close. */
int stele_ctx_open(struct stele_ctx *ctx, bool need_key);
/* The same for reading only, without the lock: the database read only (a
 * consistent snapshot per statement, beside any writer: WAL), no key. For a
 * server that must answer while a sync or a command holds the directory. */
int stele_ctx_open_read(struct stele_ctx *ctx);
void stele_ctx_close(struct stele_ctx *ctx);

/* Joins ctx->dir and name into a new string (caller frees), NULL on OOM. */
char *stele_ctx_path(const struct stele_ctx *ctx, const char *name);

/* Prints a table in ctx's format to stdout. */
int stele_cli_print(struct stele_ctx *ctx, const struct stele_table *t);

/* Prints the opened directory's public key (ctx->sk's), as hex on one line: what
 * `key` shows in a village, township or county directory. */
void stele_cli_print_public_key(const struct stele_ctx *ctx);

/* Runs a query and prints it in ctx's format (see stele_table_from_query). */
int stele_cli_print_query(struct stele_ctx *ctx, const char *sql, const char *const *params,
			  const char *number_cols);

/* Progress on stderr when it is a terminal: "\rfetching 12/300". Ends the line when
 * done == total. Silent otherwise. */
void stele_cli_progress(const struct stele_ctx *ctx, const char *what, long done, long total);
/*
 * Saves every password held in urls (credentials.h) in the credentials file the
 * transport reads for the directory ($STELE_GIT_CREDENTIALS, else DIR/credentials),
 * in one atomic rewrite, and says on stderr, for each, where it went (without the
 * password). Nothing to do when urls holds none.
 */
struct stele_kept_urls;
int stele_cli_save_kept_urls(struct stele_kept_urls *urls, const struct stele_ctx *ctx);

/* A transfer's progress on stderr (stele_remote_opts.progress, set where stderr is
 * a terminal): "\rreceiving 12/300 objects", the line ended when done == total. */
void stele_cli_transfer_progress(void *data, bool sending, unsigned done, unsigned total);

/* Ends a progress line left open (a message must start a line of its own); done
 * by the dispatcher before the final message. */
void stele_cli_progress_end(void);

/*
 * Finishes or undoes a `key rotate` a kill interrupted in ctx's directory
 * (stele_keystore_recover), saying which on stderr, and refuses (STELE_EFAIL) a
 * signing.key that is not the key the directory's database says it signs with;
 * village words the message for a village's directory, else for an aggregator's.
 */
int stele_cli_key_recover(struct stele_ctx *ctx, bool village);

#endif
