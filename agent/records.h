/*
 * records.h: the village's records: one validated write per kind (member.c,
 * point.c, task.c, request.c, income.c, assessment.c, grid.c), shared by the commands,
 * import and the workbench, and each kind's export query (exports.c).
 *
 * Every xxx_put writes one row inside the caller's batch (batch.h: begin it with
 * agent_batch_begin, end it with agent_batch_finish or agent_batch_commit). It
 * validates the row against domain.md, then inserts or updates it. Text fields:
 * NULL keeps the stored value (or the default for a new row), "" clears an
 * optional one; values are the texts a clerk types (dates YYYY-MM-DD, points
 * with one decimal, money with two). Empty or NULL id on a new row: the next id
 * is assigned. out_id (24 bytes, may be NULL) receives the row's id. Every
 * refusal is STELE_EINVALID through agent_refuse, naming the row and the rule
 * (agent_refused_field tells which field); nothing is written then, and the
 * caller aborts the batch. The row structs only point at the caller's strings.
 */
#ifndef STELE_AGENT_RECORDS_H
#define STELE_AGENT_RECORDS_H

#include <stdbool.h>

#include "batch.h"

/* SQL expressions that format integer tenths / fen with exactly one / two
 * decimals ("-0.5", "68767.90"), without floating point. */
#define AGENT_SQL_TENTHS(c) \
	"(CASE WHEN " c " < 0 THEN '-' ELSE '' END || (abs(" c ") / 10) || '.' || (abs(" c ") % 10))"
#define AGENT_SQL_FEN(c) \
	"(CASE WHEN " c " < 0 THEN '-' ELSE '' END || (abs(" c ") / 100) || '.' || " \
	"substr('0' || (abs(" c ") % 100), -2))"

/* Which stages a point event may take. */
extern const char *const point_stages[]; /* recorded ... published, rejected; NULL-ended */
/* The place of stage in point_stages (0 = recorded), or -1 when it is none. */
int point_stage_index(const char *stage);

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
	bool unreviewed; /* points set: only an event still at stage recorded changes */
	const char *reverses; /* a new event reversing this one (point_reverse) */
};
int point_put(char *out_id, struct agent_batch *b, const struct point_row *row);

/*
 * Records the reversal (红字冲销) of published event id, inside the caller's batch:
 * a new event (stage recorded, on date, with note) of the same member and rule
 * with the opposite points, and its point_reversal row (schema 0010). Refused
 * (agent_refuse) for an event not published, a reversal, or one reversed
 * already; the new event's date must lie in an open month. out_id (24 bytes)
 * receives the new event's id.
 */
int point_reverse(char *out_id, struct agent_batch *b, const char *id, const char *date,
		  const char *note);

struct task_row {
	const char *id, *title, *category, *assignee, *due_on, *closed_on;
	bool must_exist, must_be_new;
	bool closing; /* task close: refuse a task already closed */
	bool editing; /* task set: only an open task, due in an open month */
};
int task_put(char *out_id, struct agent_batch *b, const struct task_row *row);

struct request_row {
	const char *id, *received_on, *category, *grid, *resolved_on;
	const char *satisfied; /* "1", "0" or "" */
	bool must_exist, must_be_new;
	bool resolving; /* request resolve: refuse a request already resolved */
	bool editing;   /* request set: only an unresolved one, received in an open month */
};
int request_put(char *out_id, struct agent_batch *b, const struct request_row *row);

/* A request's follow-up (agent/followup.c): each field NULL to leave it as it is;
 * handler "" clears it. escalated_to and escalated_on go together (once, on an
 * open request); feedback only on a resolved request. */
struct followup_row {
	const char *request_id;
	const char *handler;                   /* a member id of the village, or "" */
	const char *escalated_to, *escalated_on;
	const char *feedback;
};
/* Writes the request_followup row of an existing request (refusals as agent_refuse);
 * a row left with nothing in it is deleted. */
int request_followup_put(struct agent_batch *b, const struct followup_row *row);
/* The resident's feedback on a resolved request (办理反馈, `request feedback`):
 * satisfied ("1", "0", or NULL to leave it) through request_put (a resolved request,
 * its resolution in an open month), then note (NULL to leave it) through
 * request_followup_put, both in b. Refusals as agent_refuse. */
int request_feedback_put(struct agent_batch *b, const char *request_id, const char *satisfied,
			 const char *note);
/* --satisfied as given (yes, no, 是, 否; NULL: not given) into *code ("1", "0",
 * NULL); a word that is none of these is a usage error. */
int agent_satisfied_code(const char **code, const char *given);
/* Deletes the follow-up of request_id, if any (before the request itself). */
int request_followup_delete(struct agent_batch *b, const char *request_id);
/* Refuses (agent_refuse on received_field / resolved_field) dates of request id that
 * would put its escalation before it was received or after it was resolved. */
int request_followup_check_dates(struct agent_batch *b, int received_field, int resolved_field,
				 const char *label, const char *id, const char *received,
				 const char *resolved);

struct income_row {
	const char *id, *period, *amount, *source;
	bool must_exist, must_be_new;
	bool editing; /* income set: only a row of an open month */
};
int income_put(char *out_id, struct agent_batch *b, const struct income_row *row);

/*
 * A grid of the village's registry (网格, schema/0012-grids.sql): id is its code,
 * households a whole number 0..100000, worker the grid worker's name. Not dated,
 * so no month closes it. grid_delete refuses a grid a member or request names.
 */
struct grid_row {
	const char *id, *name, *households, *worker;
	bool must_exist, must_be_new;
};
enum { GF_ID, GF_NAME, GF_HOUSEHOLDS, GF_WORKER, GF_COUNT };
extern const struct agent_row_kind grid_kind;
int grid_put(char *out_id, struct agent_batch *b, const struct grid_row *row);
int grid_delete(struct agent_batch *b, const char *id);
/*
 * The registry's check of the grid a row of table ("member" or "request") with id
 * id is given: "" and NULL pass; so does any grid while the village has no grid
 * registered, a registered grid, and the grid the stored row already has (rows
 * written before the registry listed their grid keep it). Otherwise refused
 * (agent_refuse on field): "LABEL: grid 'G9' is not in the village's grid
 * registry", with a did-you-mean hint.
 */
int grid_check(struct agent_batch *b, int field, const char *label, const char *table,
	       const char *id, const char *grid);

/* Assessments are keyed by (year, item_code): put inserts or updates. */
struct assessment_row {
	const char *year, *item_code, *score, *note;
};
int assessment_put(struct agent_batch *b, const struct assessment_row *row);

/*
 * Deleting a record that nothing has made final, inside the caller's batch
 * (agent_batch_delete): refused in a closed month; a point event only at stage
 * recorded (a reviewed one is corrected by a new event); a member only when no
 * point event or task names them.
 */
int member_delete(struct agent_batch *b, const char *id);
int point_delete(struct agent_batch *b, const char *id);
int task_delete(struct agent_batch *b, const char *id);
int request_delete(struct agent_batch *b, const char *id);
int income_delete(struct agent_batch *b, const char *id);

/* The export/list query of each kind (cli.md's columns, village as ?1), and its
 * numeric columns for JSON. */
struct agent_export {
	const char *kind;
	const char *sql;
	const char *number_cols;
};
extern const struct agent_export agent_exports[]; /* NULL-kind-terminated */
const struct agent_export *agent_export_find(const char *kind);

#endif
