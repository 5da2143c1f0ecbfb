/* agent.h: the agent's commands and the helpers they share (agent/village.c). */
#ifndef STELE_AGENT_H
#define STELE_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "cli.h"
#include "remote.h"
#include "keys.h"

/* One function per command, each in agent/cmd-NAME.c, listed in agent/main.c. */
int cmd_init(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_member(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_key(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_sync(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_restore(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_verify(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_points(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_task(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_request(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_income(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_assess(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_close(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_import(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_export(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_status(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_log(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
int cmd_rules(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
extern const struct stele_cmd member_subcommands[];
extern const struct stele_cmd points_subcommands[];
extern const struct stele_cmd task_subcommands[];
extern const struct stele_cmd request_subcommands[];
extern const struct stele_cmd income_subcommands[];
extern const struct stele_cmd assess_subcommands[];
extern const struct stele_cmd key_subcommands[];
extern const struct stele_cmd rules_subcommands[];

/* `points rank` (agent/cmd-points-rank.c), an entry of the points subcommands. */
int points_rank(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv);
#define POINTS_RANK_USAGE \
	"points rank --year YYYY [--month YYYY-MM] [--format table|csv|json] [--bom]"
#define POINTS_RANK_HELP \
	"This village's member ranking (积分排名): active members by their points of the\n" \
	"year (or of one month) counted after their latest zeroing of the year; equal\n" \
	"points share a rank. The county ranks the same way."

/* Opens the village directory (lock, database, signing key) and checks it is a
 * village's. Released by stele_ctx_close (done by the dispatcher). */
int agent_open(struct stele_ctx *ctx);

/* Keys (agent/cmd-key.c, docs/keys.md). A rotation writes the new key to
 * signing.key.new before its transaction and moves it to signing.key after; the
 * replaced key stays as signing.key.old until the rotation is pushed. */
#define AGENT_NEW_KEY_FILE "signing.key.new"
#define AGENT_OLD_KEY_FILE "signing.key.old"

/* The key that signed the village's seq 1: meta 'initial_public_key' (set by the
 * first rotation, and by restore), else 'public_key'. */
int agent_key_base(unsigned char pk[STELE_PK_BYTES], sqlite3 *db);
/* The key history of the village's stream as db holds it (the directory's own
 * database, or a replica being replayed), from agent_key_base of ctx->db. *out
 * is freed by the caller with stele_keys_free. */
int agent_keys_open(struct stele_keys **out, struct stele_ctx *ctx, sqlite3 *db);
/* Run by agent_open: finishes a 'key rotate' interrupted after its transaction
 * (signing.key.new becomes signing.key, ctx->sk is reloaded), or removes the
 * unused key file of one interrupted before it; then refuses a signing.key
 * that is not the key meta 'public_key' says the village signs with. */
int agent_key_recover(struct stele_ctx *ctx);
/* Removes signing.key.old once synced_seq has reached the last rotation. */
int agent_key_tidy(struct stele_ctx *ctx);

/* The village code of an open directory (ctx->writer). */
#define agent_village(ctx) ((const char *)(ctx)->writer)

/* A local id given by a user: 1..32 ASCII letters, digits, '-' or '_'. */
int agent_check_id(const char *id, const char *what);

/* The month index (year * 12 + month - 1) of a date in days. */
int32_t agent_month_of(int32_t days);

/*
 * A batch: one captured write of any number of rows (a command writes one row, an
 * import a whole file). It prepares each statement once, assigns ids from a
 * counter instead of a max() per row, and caches the rules catalogue and the
 * closed months, so the xxx_put() functions below cost a few B-tree lookups per
 * row. Everything it holds is released by agent_batch_commit or agent_batch_abort.
 */
#define AGENT_BATCH_STMTS 32
#define AGENT_BATCH_IDS   8

struct agent_rule {
	char *code, *category;
	int64_t points; /* tenths */
	bool active;
};

struct agent_item {
	char *code;
	int64_t max_score; /* tenths */
	bool active;
};

struct agent_batch {
	struct stele_ctx *ctx;
	struct stele_capture *cap;
	struct { const char *sql; sqlite3_stmt *stmt; } stmts[AGENT_BATCH_STMTS];
	int nstmts;
	struct { const char *table; long long next; } ids[AGENT_BATCH_IDS];
	int nids;
	int32_t *closed; /* closed month indexes, ascending */
	size_t nclosed;
	bool closed_loaded;
	struct agent_rule *rules;
	size_t nrules;
	bool rules_loaded;
	struct agent_item *items;
	size_t nitems;
	bool items_loaded;
};

/* Opens the village directory (agent_open) and starts a captured write. On
 * failure the batch holds nothing (the directory stays open until
 * stele_ctx_close, as after agent_open). */
int agent_batch_begin(struct agent_batch *b, struct stele_ctx *ctx);
/* Commits the rows and their change set; releases b either way. */
int agent_batch_commit(struct agent_batch *b);
/* Rolls back and releases b (safe on a batch that failed to begin). */
void agent_batch_abort(struct agent_batch *b);
/*
 * Ends a begun batch by the result of its writes: rc < 0 rolls it back and
 * returns rc (the writes' refusal); otherwise commits (agent_batch_commit). A
 * one-row command is then
 *     if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
 *         (rc = agent_batch_finish(&b, task_put(id, &b, &row))) < 0)
 *             return rc;
 * Releases b either way.
 */
int agent_batch_finish(struct agent_batch *b, int rc);

/* The batch's prepared statement for sql, reset and unbound. sql must be a string
 * constant: the cache is keyed by its address. The batch owns *out. */
int agent_batch_stmt(sqlite3_stmt **out, struct agent_batch *b, const char *sql);

/* The next free id of table: prefix and width digits, one more than the largest
 * id of that shape in the village (M0001, E000001, ...), from a counter read once
 * per batch. out holds 24 bytes. */
int agent_batch_next_id(char *out, struct agent_batch *b, const char *table,
			const char *prefix, int width);
/* Tells the counter of table that id is taken (an id given explicitly), so a
 * later assigned id does not collide with it. */
void agent_batch_saw_id(struct agent_batch *b, const char *table, const char *prefix,
			int width, const char *id);

/* Steps a bound write statement of the batch to its end and resets it; a database
 * error is recorded as "DOING: <sqlite message>" (stele_error_db, STELE_EFAIL). */
int agent_batch_exec(struct agent_batch *b, sqlite3_stmt *stmt, const char *doing);
/* Runs the batch's statement sql (a string constant, see agent_batch_stmt) with
 * the village as ?1 and texts[0..n-1] as ?2..?n+1 (agent_batch_exec). */
int agent_batch_write_texts(struct agent_batch *b, const char *sql, const char *const *texts,
			    int n, const char *doing);

/* Whether month (index, see agent_month_of) is closed, from the batch's cache. */
int agent_batch_month_closed(bool *closed, struct agent_batch *b, int32_t month);
/* The month index of a YYYY-MM-DD or YYYY-MM text that has been validated. */
int32_t agent_month_of_text(const char *text);
/* Refuses (agent_refuse on field) a date or month text that lies in a closed
 * month; "" and NULL pass. */
int agent_batch_refuse_closed(struct agent_batch *b, int field, const char *label,
			      const char *text);
/*
 * The closing of a task or request (closed_on, resolved_on) changes from
 * old_closing to new_closing ("" = none) on a row whose own date is own: refused
 * if either closing lies in a closed month, or if the row's own month is closed
 * and the change would reopen it. (A row of a closed month may still be closed
 * out with a date in an open month: the closing belongs to the month it happens in.)
 */
int agent_batch_closing_change(struct agent_batch *b, int field, const char *label,
			       const char *own, const char *old_closing, const char *new_closing);
/*
 * Runs sql (binding the village as ?1 and key as ?2) and copies the first n
 * columns of its row as malloc'd text (NULL as "") into cols[0..n-1], freed by
 * the caller with agent_free_cols; *exists is false (cols untouched) when there is
 * no row.
 */
int agent_batch_read_row(char **cols, int n, bool *exists, struct agent_batch *b,
			 const char *sql, const char *key);
void agent_free_cols(char **cols, int n);

/* How the rows of a village-owned table are named, numbered and read back. */
struct agent_row_kind {
	const char *what;    /* "task": ids are checked as "task id", rows named "task 'T0001'" */
	const char *table;   /* "task" */
	const char *prefix;  /* assigned ids: prefix and width digits, "T" and 4 */
	int width;
	const char *get_sql; /* the stored row (village ?1, id ?2): ncols columns, in the
			      * kind's field order (field 0, the id, may be a dummy '') */
	int ncols;
};

/* The row a put is about: its id, its name in messages, whether it is stored. */
struct agent_row_ref {
	char id[24];
	char label[64]; /* "task 'T0001'" */
	bool exists;
};

/*
 * The id-resolution every xxx_put starts with. A given id (not NULL or "") is
 * checked (agent_check_id), looked up and told to the id counter; otherwise the
 * next free id is assigned. Refuses (agent_refuse on field 0, the id column)
 * "LABEL does not exist in village V" when must_exist, "LABEL already exists in
 * village V" when must_be_new. When old is not NULL and the row exists, old
 * receives its k->ncols columns (agent_batch_read_row; freed by the caller with
 * agent_free_cols). *out and old are written only on success.
 */
int agent_batch_row_ref(struct agent_row_ref *out, char **old, struct agent_batch *b,
			const struct agent_row_kind *k, const char *given_id, bool must_exist,
			bool must_be_new);

/* Field checks that refuse through agent_refuse(field, "LABEL: ..."): one-line
 * UTF-8 text of at most max_bytes; a real YYYY-MM-DD date. */
int agent_check_field_text(int field, const char *label, const char *what, const char *s,
			   size_t max_bytes);
int agent_check_field_date(int field, const char *label, const char *what, const char *s);
/* The point rule with that code, or NULL (the batch owns it). */
int agent_batch_rule(const struct agent_rule **out, struct agent_batch *b, const char *code);
/* The standard item with that code, or NULL (the batch owns it). */
int agent_batch_item(const struct agent_item **out, struct agent_batch *b, const char *code);
/*
 * "Did you mean": out (outsz bytes) receives " (did you mean 'B01'?)" naming the
 * closest of the codes or ids sql lists (the village as ?1; lib/suggest.h) to a
 * given one that does not exist, or "" when none is close. For the end of a
 * refusal: "rule 'b01' does not exist (did you mean 'B01'?)".
 */
void agent_did_you_mean(char *out, size_t outsz, struct agent_batch *b, const char *sql,
			const char *given);
#define AGENT_MEMBER_IDS_SQL "SELECT id FROM member WHERE village_code = ?1 ORDER BY id"
#define AGENT_RULE_CODES_SQL "SELECT code FROM point_rule WHERE active = 1 ORDER BY code"
#define AGENT_ITEM_CODES_SQL "SELECT code FROM standard_item WHERE active = 1 ORDER BY code"

/* Whether a member id exists in this village (a prepared lookup). */
int agent_batch_member_exists(bool *exists, struct agent_batch *b, const char *id);

/*
 * A refusal of one field of a row: records "fmt..." as a STELE_EINVALID message
 * and remembers field (the row's column number in cli.md's import/export column
 * list, from 0; -1 for none), so import can name the CSV column.
 */
int agent_refuse(int field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The field of the last agent_refuse (-1 if none since agent_refuse_clear). */
int agent_refused_field(void);
void agent_refuse_clear(void);
/* Refuses with "LABEL: month YYYY-MM is closed (corrections go into an open
 * month)". */
int agent_refuse_closed_month(int field, const char *label, int32_t month);

/* SQL expressions that format integer tenths / fen with exactly one / two
 * decimals ("-0.5", "68767.90"), without floating point. */
#define AGENT_SQL_TENTHS(c) \
	"(CASE WHEN " c " < 0 THEN '-' ELSE '' END || (abs(" c ") / 10) || '.' || (abs(" c ") % 10))"
#define AGENT_SQL_FEN(c) \
	"(CASE WHEN " c " < 0 THEN '-' ELSE '' END || (abs(" c ") / 100) || '.' || " \
	"substr('0' || (abs(" c ") % 100), -2))"

/* Which stages a point event may take. */
extern const char *const point_stages[]; /* recorded ... published, rejected; NULL-ended */

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
/* The fields of a member, in cli.md's import/export column order. */
enum { MF_ID, MF_NAME, MF_GENDER, MF_BORN, MF_JOINED, MF_STATUS, MF_GRID, MF_COUNT };
/* Members' ids and stored rows (MF_COUNT columns), and the statuses they take. */
extern const struct agent_row_kind member_kind;
extern const char *const member_statuses[]; /* NULL-ended */

/* Validates the row against domain.md and inserts or updates it, inside the
 * caller's batch. out_id (24 bytes, may be NULL) receives the id. Refusals are
 * STELE_EINVALID, naming the member; the caller then aborts the batch. */
int member_put(char *out_id, struct agent_batch *b, const struct member_row *row);

/*
 * Each record kind has one validated write, shared by its command and by import.
 * Text fields: NULL keeps the stored value (or the default for a new row); ""
 * clears an optional one. Empty or NULL id on a new row: the next id is assigned.
 * out_id (24 bytes, may be NULL) receives the row's id. Every refusal is
 * STELE_EINVALID through agent_refuse, naming the row and the rule; nothing is
 * written then (the caller aborts the batch).
 */
struct point_row {
	const char *id, *member_id, *rule_code, *occurred_on, *points, *stage, *note;
	bool must_exist, must_be_new;
	bool review; /* the stage moves exactly one step (or to rejected) */
};
int point_put(char *out_id, struct agent_batch *b, const struct point_row *row);

struct task_row {
	const char *id, *title, *category, *assignee, *due_on, *closed_on;
	bool must_exist, must_be_new;
	bool closing; /* task close: refuse a task already closed */
};
int task_put(char *out_id, struct agent_batch *b, const struct task_row *row);

struct request_row {
	const char *id, *received_on, *category, *grid, *resolved_on;
	const char *satisfied; /* "1", "0" or "" */
	bool must_exist, must_be_new;
	bool resolving; /* request resolve: refuse a request already resolved */
};
int request_put(char *out_id, struct agent_batch *b, const struct request_row *row);

struct income_row {
	const char *id, *period, *amount, *source;
	bool must_exist, must_be_new;
};
int income_put(char *out_id, struct agent_batch *b, const struct income_row *row);

/* Assessments are keyed by (year, item_code): put inserts or updates. */
struct assessment_row {
	const char *year, *item_code, *score, *note;
};
int assessment_put(struct agent_batch *b, const struct assessment_row *row);

/* The export/list query of each kind (cli.md's columns, village as ?1), and its
 * numeric columns for JSON. */
struct agent_export {
	const char *kind;
	const char *sql;
	const char *number_cols;
};
extern const struct agent_export agent_exports[]; /* NULL-kind-terminated */
const struct agent_export *agent_export_find(const char *kind);

/* Whether s is in the NULL-terminated list. */
bool agent_in_list(const char *const *list, const char *s);

/* The village's repository (DIR/repo.git, bare), created if create and missing.
 * *out is freed by the caller with git_repository_free (agent/cmd-sync.c). */
int agent_repo_open(git_repository **out, struct stele_ctx *ctx, bool create);

/* Transport options for the village's remotes (stele_remote_opts_from_env on the
 * directory, with -v's progress). Released by the caller with
 * stele_remote_opts_release after the transfer. */
int agent_remote_opts(struct stele_remote_opts *opts, struct stele_ctx *ctx);

/* Pulls and applies the county's rules stream from url (lib/sync.h), saying on
 * stderr what was applied. */
int agent_pull_county(struct stele_ctx *ctx, git_repository *repo, const char *url);

#endif
