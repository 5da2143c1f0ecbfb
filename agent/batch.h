/* batch.h: the agent's batch writer (agent/batch.c): captured writes of any number
 * of rows, id counters, closed months, cached rules, and refusals naming a field. */
#ifndef STELE_AGENT_BATCH_H
#define STELE_AGENT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "agent.h"
#include "capture.h"

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
	bool form; /* a workbench form (web_begin): a malformed value stays a refusal
		    * (STELE_EINVALID) shown beside its field, never a usage error */
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
/* Starts a captured write of the open village directory whose change set names
 * the clerk (meta 'clerk', set by 'clerk set') and, until the stream has said it,
 * the village's name (lib/capture.h stele_capture_note). *out is committed or
 * aborted by the caller. */
int agent_capture_begin(struct stele_capture **out, struct stele_ctx *ctx);
/* Sets cap's change note as agent_capture_begin does, with reverts and why
 * (may be 0 and NULL) added: a revert's. */
int agent_capture_note(struct stele_capture *cap, struct stele_ctx *ctx, uint64_t reverts,
		       const char *why);
/* Commits the rows and their change set; releases b either way. */
int agent_batch_commit(struct agent_batch *b);
/* Rolls back and releases b (safe on a batch that failed to begin). */
void agent_batch_abort(struct agent_batch *b);
/*
 * Ends a begun batch by the result of its writes: rc < 0 rolls it back and
 * returns rc (the writes' refusal; a refusal of a malformed value,
 * agent_refuse_malformed, becomes STELE_EUSAGE); otherwise commits
 * (agent_batch_commit) and says on stderr, in one line, what it did
 * ("stele-agent: change set 5: point event E000003 reviewed", or "nothing
 * changed"). A
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

/*
 * Deletes row id of kind k inside the batch: refused (agent_refuse) if it does
 * not exist, if one of its date or month columns (date_cols, NULL-ended) lies in
 * a closed month, or if blocked_sql (village ?1, id ?2; may be NULL) returns a
 * row: then "LABEL: " and blocked_why with that row's first column for %s.
 */
int agent_batch_delete(struct agent_batch *b, const struct agent_row_kind *k, const char *id,
		       const char *const *date_cols, const char *blocked_sql,
		       const char *blocked_why);

/*
 * A date (type 'd') or month ('m') as people write it on the command line or in
 * the workbench (2026/11/3, 2026-11-3, 2026年11月3日, full-width digits, spaces
 * around it), rewritten into buf (32 bytes, the caller's) in domain.md's form;
 * *s then points to buf. *s stays as it is when nothing is recognised: the strict
 * check that follows names it. A date that could be two (11/3/2026) is refused
 * as malformed (agent_refuse_malformed on field, after "LABEL: "), naming both.
 */
int agent_lenient_field(const char **s, char buf[32], int field, const char *label, char type);

/* Field checks that refuse through agent_refuse(field, "LABEL: ..."): one-line
 * UTF-8 text of at most max_bytes; a real YYYY-MM-DD date. */
int agent_check_field_text(int field, const char *label, const char *what, const char *s,
			   size_t max_bytes);
int agent_check_field_date(int field, const char *label, const char *what, const char *s);
/* The point rule with that code, or NULL (the batch owns it). */
int agent_batch_rule(const struct agent_rule **out, struct agent_batch *b, const char *code);
/* The standard item with that code, or NULL (the batch owns it). */
int agent_batch_item(const struct agent_item **out, struct agent_batch *b, const char *code);
/* Whether a member id exists in this village (a prepared lookup). */
int agent_batch_member_exists(bool *exists, struct agent_batch *b, const char *id);

/*
 * "Did you mean": out (outsz bytes) receives the closest of the codes or ids sql
 * lists (the village as ?1; lib/suggest.h) to a given one that does not exist,
 * or "" when none is close. Called before the refusal (it clears the message);
 * stele_suggest_hint(out) after it ends the refusal with "(did you mean 'B01'?)".
 */
void agent_did_you_mean(char *out, size_t outsz, struct agent_batch *b, const char *sql,
			const char *given);
#define AGENT_MEMBER_IDS_SQL "SELECT id FROM member WHERE village_code = ?1 ORDER BY id"
#define AGENT_RULE_CODES_SQL "SELECT code FROM point_rule WHERE active = 1 ORDER BY code"
#define AGENT_ITEM_CODES_SQL "SELECT code FROM standard_item WHERE active = 1 ORDER BY code"

/*
 * A refusal of one field of a row: records "fmt..." as a STELE_EINVALID message
 * and remembers field (the row's column number in cli.md's import/export column
 * list, from 0; -1 for none), so import can name the CSV column.
 */
int agent_refuse(int field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* agent_refuse for a value that is malformed (not a date, not a number, not an
 * id, empty, not one line) rather than refused by a rule: the same exit 3 in an
 * import (the file's data), but agent_batch_finish makes it a usage error (exit
 * 2) of the command that gave it. */
int agent_refuse_malformed(int field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The field of the last agent_refuse (-1 if none since agent_refuse_clear). */
int agent_refused_field(void);
void agent_refuse_clear(void);
/* Refuses with "LABEL: month YYYY-MM is closed (corrections go into an open
 * month)". */
int agent_refuse_closed_month(int field, const char *label, int32_t month);

/* Whether s is in the NULL-terminated list. */
bool agent_in_list(const char *const *list, const char *s);

#endif
