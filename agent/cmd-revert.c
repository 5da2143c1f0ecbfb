/* cmd-revert.c: `stele-agent revert SEQ [--note TEXT]`: a new change set that undoes
 * change set SEQ of the village's own stream, under the closed-month and review rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "buf.h"
#include "i18n.h"
#include "batch.h"
#include "changeset.h"
#include "cswalk.h"
#include "records.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "summary.h"

#define NOTE_MAX 200
#define TOUCHED_MAX 100000 /* rows one revert may check (a whole import) */

/* What a revert may change in each village table, and what it checks there. */
static const struct revert_table {
	const char *table, *what;
	const char *key[3];   /* primary-key columns, village_code first */
	const char *dates[2]; /* date or month columns: none may lie in a closed month */
	bool stage;           /* point_event: the review stage never moves back */
} revert_tables[] = {
	{ "member", "member", { "village_code", "id" }, { "joined" }, false },
	{ "point_event", "point event", { "village_code", "id" }, { "occurred_on" }, true },
	{ "task", "task", { "village_code", "id" }, { "due_on", "closed_on" }, false },
	{ "request", "request", { "village_code", "id" }, { "received_on", "resolved_on" }, false },
	{ "income", "income", { "village_code", "id" }, { "period" }, false },
	{ "assessment", "assessment item", { "village_code", "year", "item_code" }, { NULL },
	  false },
	{ "point_reversal", "reversal", { "village_code", "event_id" }, { NULL }, false },
	{ "grid", "grid", { "village_code", "id" }, { NULL }, false },
	{ "request_followup", "request follow-up", { "village_code", "request_id" },
	  { "escalated_on" }, false },
	{ NULL, NULL, { NULL }, { NULL }, false },
};

/* One row the inverse changes: its table and key values (pointing into the
 * inverse changeset), and its state before and after the apply. */
struct row_state {
	bool exists;
	char *dates[2], *stage;
};
struct touched {
	const struct revert_table *t;
	struct stele_cs_value key[3];
	int nkey;
	struct row_state before, after;
};

struct revert {
	struct agent_batch *b;
	uint64_t seq;
	struct touched *rows;
	size_t n, cap;
	char conflict[160]; /* the row a conflict of the apply was on */
	bool foreign_key;   /* the conflict: rows still referred to */
};

static void state_free(struct row_state *s)
{
	free(s->dates[0]);
	free(s->dates[1]);
	free(s->stage);
	memset(s, 0, sizeof(*s));
}

static const struct revert_table *find_table(const char *name)
{
	for (const struct revert_table *t = revert_tables; t->table; t++)
		if (strcmp(t->table, name) == 0)
			return t;
	return NULL;
}

/* The row's name in messages: "point event 'E000003'", "assessment item '2026 A01'". */
static void row_label(char *out, size_t n, const struct touched *r)
{
	size_t at = (size_t)snprintf(out, n, "%s '", r->t->what);

	for (int i = 1; i < r->nkey && at < n; i++) {
		const struct stele_cs_value *v = &r->key[i];
		if (v->type == SQLITE_INTEGER)
			at += (size_t)snprintf(out + at, n - at, "%s%lld", i > 1 ? " " : "",
					       (long long)v->integer);
		else
			at += (size_t)snprintf(out + at, n - at, "%s%.*s", i > 1 ? " " : "",
					       (int)(v->len > 40 ? 40 : v->len), (const char *)v->bytes);
	}
	if (at < n)
		snprintf(out + at, n - at, "'");
}

/* Walk callback: remembers each row the inverse changes, refusing tables a
 * revert never changes. */
static int on_row(void *data, const struct stele_cs_row *row)
{
	struct revert *rv = data;
	const struct revert_table *t;
	const struct stele_cs_value *values;
	struct touched *r;
	int rc;

	if (strcmp(row->table, "change_note") == 0)
		return 0; /* the undone change set's own note stays: it is history */
	if (strcmp(row->table, "period_close") == 0)
		return stele_error(STELE_EINVALID, "change set %llu closed a month: a closed month "
				   "stays closed (corrections go into an open month)",
				   (unsigned long long)rv->seq);
	if (strcmp(row->table, "writer_key") == 0)
		return stele_error(STELE_EINVALID, "change set %llu changed the signing key: a key "
				   "change cannot be reverted (docs/keys.md)",
				   (unsigned long long)rv->seq);
	if (!(t = find_table(row->table)))
		return stele_error(STELE_EINVALID, "change set %llu changes table %s, which a "
				   "revert does not change", (unsigned long long)rv->seq, row->table);
	if (rv->n == TOUCHED_MAX)
		return stele_error(STELE_EINVALID, "change set %llu changes more than %d rows: "
				   "too many to revert at once", (unsigned long long)rv->seq,
				   TOUCHED_MAX);
	if ((rc = stele_array_reserve(&rv->rows, &rv->cap, rv->n, sizeof(*rv->rows), 16)) < 0)
		return rc;
	r = &rv->rows[rv->n];
	memset(r, 0, sizeof(*r));
	r->t = t;
	values = row->op == SQLITE_INSERT ? row->new_values : row->old_values;
	/* The key columns, in their place in the key (pk flags 1..k). */
	for (int c = 0; c < row->ncol; c++)
		if (row->pk[c] && row->pk[c] <= 3) {
			r->key[row->pk[c] - 1] = values[c];
			if (row->pk[c] > r->nkey)
				r->nkey = row->pk[c];
		}
	rv->n++;
	return 0;
}

/* Reads the row's dates and stage as they are now into *s. */
static int read_state(struct row_state *s, struct revert *rv, const struct touched *r)
{
	const struct revert_table *t = r->t;
	sqlite3_stmt *stmt = NULL;
	char sql[512];
	size_t at;
	int rc, step;

	at = (size_t)snprintf(sql, sizeof(sql), "SELECT %s, %s, %s FROM %s WHERE ",
			      t->dates[0] ? t->dates[0] : "NULL", t->dates[1] ? t->dates[1] : "NULL",
			      t->stage ? "stage" : "NULL", t->table);
	for (int i = 0; i < r->nkey && t->key[i]; i++)
		at += (size_t)snprintf(sql + at, sizeof(sql) - at, "%s%s = ?%d", i ? " AND " : "",
				       t->key[i], i + 1);
	if ((rc = stele_db_prepare(rv->b->ctx->db, &stmt, sql)) < 0)
		return rc;
	for (int i = 0; i < r->nkey; i++) {
		const struct stele_cs_value *v = &r->key[i];
		if (v->type == SQLITE_INTEGER)
			sqlite3_bind_int64(stmt, i + 1, v->integer);
		else if (v->type == SQLITE_TEXT)
			sqlite3_bind_text(stmt, i + 1, (const char *)v->bytes, (int)v->len,
					  SQLITE_STATIC);
	}
	memset(s, 0, sizeof(*s));
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		s->exists = true;
		for (int i = 0; i < 3 && rc == 0; i++) {
			const unsigned char *v = sqlite3_column_text(stmt, i);
			char **slot = i < 2 ? &s->dates[i] : &s->stage;
			if (v && !(*slot = strdup((const char *)v)))
				rc = stele_error(STELE_EFAIL, "out of memory");
		}
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, rv->b->ctx->db, "reading a row to revert");
	}
	sqlite3_finalize(stmt);
	if (rc < 0)
		state_free(s);
	return rc;
}

static int stage_index(const char *stage)
{
	for (int i = 0; point_stages[i]; i++)
		if (stage && strcmp(point_stages[i], stage) == 0)
			return i;
	return -1;
}

/* Refuses the revert if row r, before or after it, lies in a closed month, or if
 * its review stage would move back (a reviewed event removed included). */
static int check_row(struct revert *rv, const struct touched *r)
{
	const struct row_state *states[] = { &r->before, &r->after };
	char label[160], month[8];
	bool closed;
	int rc;

	row_label(label, sizeof(label), r);
	for (int s = 0; s < 2; s++)
		for (int d = 0; d < 2; d++) {
			const char *date = states[s]->exists ? states[s]->dates[d] : NULL;
			int32_t m;
			if (!date || !*date)
				continue;
			m = agent_month_of_text(date);
			if ((rc = agent_batch_month_closed(&closed, rv->b, m)) < 0)
				return rc;
			if (closed) {
				stele_format_month(month, m);
				return stele_error(STELE_EINVALID, "change set %llu cannot be "
						   "reverted: %s lies in month %s, which is closed "
						   "(corrections go into an open month)",
						   (unsigned long long)rv->seq, label, month);
			}
		}
	if (r->t->stage && r->before.exists) {
		int from = stage_index(r->before.stage);
		int to = r->after.exists ? stage_index(r->after.stage) : -1;
		if (to < from && to < 0 && from > 0)
			return stele_error(STELE_EINVALID, "change set %llu cannot be reverted: it "
					   "would remove %s, which is at stage %s (a reviewed event "
					   "is corrected by a reversal: 'points reverse')",
					   (unsigned long long)rv->seq, label, r->before.stage);
		if (to < from && to >= 0)
			return stele_error(STELE_EINVALID, "change set %llu cannot be reverted: it "
					   "would move %s back from stage %s to %s",
					   (unsigned long long)rv->seq, label, r->before.stage,
					   r->after.stage);
	}
	return 0;
}

static int skip_notes(void *data, const char *table)
{
	return strcmp(table, "change_note") != 0;
}

/* Any conflict stops the apply: the row has changed since change set seq. */
static int on_conflict(void *data, int kind, sqlite3_changeset_iter *it)
{
	struct revert *rv = data;
	const struct revert_table *t;
	const char *table;
	sqlite3_value *id = NULL;
	int ncol, op, indirect;

	/* A foreign-key conflict comes at the end, with no change to point at. */
	if (kind == SQLITE_CHANGESET_FOREIGN_KEY) {
		rv->foreign_key = true;
		return SQLITE_CHANGESET_ABORT;
	}
	if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) != SQLITE_OK ||
	    !(t = find_table(table))) {
		snprintf(rv->conflict, sizeof(rv->conflict), "a row");
	} else {
		if (ncol > 1)
			(op == SQLITE_INSERT ? sqlite3changeset_new : sqlite3changeset_old)(it, 1, &id);
		if (id && sqlite3_value_type(id) == SQLITE_TEXT)
			snprintf(rv->conflict, sizeof(rv->conflict), "%s '%.40s'", t->what,
				 (const char *)sqlite3_value_text(id));
		else
			snprintf(rv->conflict, sizeof(rv->conflict), "a %s", t->what);
	}
	return SQLITE_CHANGESET_ABORT;
}

/* Reads change set seq of the outbox; *cs is freed by the caller (stele_cs_free). */
static int read_change_set(struct stele_changeset **cs, struct agent_batch *b, uint64_t seq)
{
	sqlite3_stmt *stmt = NULL;
	int64_t last = 0;
	int rc, step;

	if ((rc = stele_db_prepare(b->ctx->db, &stmt,
				   "SELECT data FROM stele_outbox WHERE seq = ?")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		rc = stele_cs_decode(cs, NULL, sqlite3_column_blob(stmt, 0),
				     (size_t)sqlite3_column_bytes(stmt, 0), NULL);
	else if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading the outbox");
	else if ((rc = stele_db_int(b->ctx->db, "SELECT coalesce(max(seq), 0) FROM stele_outbox",
				    &last)) == 0)
		rc = stele_error(STELE_EINVALID, "change set %llu does not exist in village %s "
				 "(its last is %lld; 'log' lists them)", (unsigned long long)seq,
				 agent_village(b->ctx), (long long)last);
	sqlite3_finalize(stmt);
	return rc;
}

/* Whether change set seq was reverted already: *by is the seq that did it, or 0. */
static int reverted_by(int64_t *by, struct agent_batch *b, uint64_t seq)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(b->ctx->db, &stmt, "SELECT min(seq) FROM change_note "
						      "WHERE village_code = ? AND reverts = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)seq);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		*by = sqlite3_column_int64(stmt, 0);
	else
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading change notes");
	sqlite3_finalize(stmt);
	return rc;
}

/* Undoes change set rv->seq inside the batch: *summary (malloc'd, caller frees)
 * is what the undone change set said, in the clerk's language. */
static int revert_in(char **summary, struct revert *rv, const char *note)
{
	struct agent_batch *b = rv->b;
	struct stele_changeset *cs = NULL;
	void *inverse = NULL;
	int inverse_len = 0, rc, arc;
	int64_t by = 0;

	if ((rc = reverted_by(&by, b, rv->seq)) < 0)
		goto done;
	if (by) {
		rc = stele_error(STELE_EINVALID, "change set %llu was reverted already, by change "
				 "set %lld", (unsigned long long)rv->seq, (long long)by);
		goto done;
	}
	if ((rc = read_change_set(&cs, b, rv->seq)) < 0)
		goto done;
	if (sqlite3changeset_invert((int)cs->changes_len, cs->changes, &inverse_len, &inverse) !=
	    SQLITE_OK) {
		rc = stele_error(STELE_EFAIL, "cannot invert change set %llu",
				 (unsigned long long)rv->seq);
		goto done;
	}
	/* Our own signed bytes, but walked as everything is before SQLite reads it. */
	if ((rc = stele_cs_walk(NULL, inverse, (size_t)inverse_len, on_row, rv)) < 0)
		goto done;
	for (size_t i = 0; i < rv->n; i++)
		if ((rc = read_state(&rv->rows[i].before, rv, &rv->rows[i])) < 0)
			goto done;
	arc = sqlite3changeset_apply(b->ctx->db, inverse_len, inverse, skip_notes, on_conflict,
				     rv);
	if (arc != SQLITE_OK) {
		if (rv->foreign_key)
			rc = stele_error(STELE_EINVALID, "change set %llu cannot be reverted: other "
					 "records refer to what it added (a member's point events: "
					 "correct those first)", (unsigned long long)rv->seq);
		else if (rv->conflict[0])
			rc = stele_error(STELE_EINVALID, "change set %llu cannot be reverted: %s has "
					 "changed since (revert the later change sets first, newest "
					 "first)", (unsigned long long)rv->seq, rv->conflict);
		else
			rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reverting");
		goto done;
	}
	for (size_t i = 0; i < rv->n; i++)
		if ((rc = read_state(&rv->rows[i].after, rv, &rv->rows[i])) < 0 ||
		    (rc = check_row(rv, &rv->rows[i])) < 0)
			goto done;
	if ((rc = agent_capture_note(b->cap, b->ctx, rv->seq, note && *note ? note : NULL)) < 0)
		goto done;
	if (stele_cs_summarize_local(summary, cs->changes, cs->changes_len) < 0) {
		stele_error_clear(); /* the stored line says the same in English */
		*summary = cs->summary;
		cs->summary = NULL;
	}
done:
	sqlite3_free(inverse);
	stele_cs_free(cs);
	return rc;
}

int cmd_revert(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct revert rv = { 0 };
	struct agent_batch b;
	const char *note = NULL;
	char **pos, *summary = NULL;
	int64_t seq, new_seq = 0;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "note", &note),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (stele_parse_int(&seq, pos[0], 1, INT64_MAX, "SEQ") < 0)
		return stele_error(STELE_EUSAGE, "change set '%s' is not a seq (1, 2, ...; 'log' "
				   "lists them)", pos[0]);
	if (note && stele_check_text(note, NOTE_MAX, "--note") < 0)
		return stele_error(STELE_EUSAGE, "%s", stele_error_message());
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	rv.b = &b;
	rv.seq = (uint64_t)seq;
	if ((rc = revert_in(&summary, &rv, note)) < 0) {
		agent_batch_abort(&b);
		goto done;
	}
	if ((rc = agent_batch_commit(&b)) < 0)
		goto done;
	if ((rc = stele_db_int(ctx->db, "SELECT coalesce(max(seq), 0) FROM stele_outbox",
			       &new_seq)) < 0)
		goto done;
	fprintf(stderr, _("%s: reverted change set %lld as change set %lld (it was: %s)\n"),
		ctx->prog, (long long)seq, (long long)new_seq, summary);
done:
	for (size_t i = 0; i < rv.n; i++) {
		state_free(&rv.rows[i].before);
		state_free(&rv.rows[i].after);
	}
	free(rv.rows);
	free(summary);
	return rc;
}
