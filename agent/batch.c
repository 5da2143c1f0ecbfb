/* batch.c: the agent's batch writer: one captured write of any number of rows, with
 * prepared statements, id counters, cached rules and closed months, and the
 * refusals that name a row's field. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "buf.h"
#include "i18n.h"
#include "batch.h"
#include "db.h"
#include "error.h"
#include "summary.h"
#include "lenient.h"
#include "parse.h"
#include "suggest.h"

int agent_check_id(const char *id, const char *what)
{
	size_t n = strlen(id);

	if (n == 0 || n > 32)
		goto bad;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			goto bad;
	return 0;
bad:
	return stele_error(STELE_EINVALID, "%s '%s' is not 1-32 letters, digits, '-' or '_'", _(what),
			   id);
}

int32_t agent_month_of(int32_t days)
{
	int y, m, d;

	stele_civil_from_days(&y, &m, &d, days);
	return y * 12 + (m - 1);
}

static bool refused_malformed; /* the last refusal was of a malformed value */

/* Batches: one captured write of many rows, with prepared statements and caches. */

static void batch_release(struct agent_batch *b)
{
	for (int i = 0; i < b->nstmts; i++)
		sqlite3_finalize(b->stmts[i].stmt);
	for (size_t i = 0; i < b->nrules; i++) {
		free(b->rules[i].code);
		free(b->rules[i].category);
	}
	for (size_t i = 0; i < b->nitems; i++)
		free(b->items[i].code);
	free(b->rules);
	free(b->items);
	free(b->closed);
	memset(b, 0, sizeof(*b));
}

int agent_batch_begin(struct agent_batch *b, struct stele_ctx *ctx)
{
	int rc;

	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	agent_refuse_clear();
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	if ((rc = agent_capture_begin(&b->cap, ctx)) < 0)
		b->cap = NULL;
	return rc;
}

/* Whether the stream has said the village's name as it is now (change_note). */
static int name_recorded(bool *recorded, struct stele_ctx *ctx, const char *name)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(ctx->db, &stmt,
				   "SELECT village_name = ?2 FROM change_note WHERE village_code = ?1 "
				   "AND village_name IS NOT NULL ORDER BY seq DESC LIMIT 1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		*recorded = step == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 1;
	else
		rc = stele_error_db(STELE_EFAIL, ctx->db, "reading change notes");
	sqlite3_finalize(stmt);
	return rc;
}

int agent_capture_note(struct stele_capture *cap, struct stele_ctx *ctx, uint64_t reverts,
		       const char *why)
{
	struct stele_change_note note = { .reverts = reverts, .note = why };
	char *clerk = NULL, *name = NULL;
	bool recorded = true;
	int rc;

	if ((rc = stele_meta_get(ctx->db, "clerk", &clerk)) < 0 ||
	    (rc = stele_meta_get(ctx->db, "village_name", &name)) < 0 ||
	    (name && *name && (rc = name_recorded(&recorded, ctx, name)) < 0))
		goto done;
	note.clerk = clerk && *clerk ? clerk : NULL;
	note.village_name = recorded ? NULL : name;
	rc = stele_capture_note(cap, &note);
done:
	free(clerk);
	free(name);
	return rc;
}

int agent_capture_begin(struct stele_capture **out, struct stele_ctx *ctx)
{
	struct stele_capture *cap = NULL;
	int rc;

	if ((rc = stele_capture_begin(&cap, ctx->db, agent_village(ctx))) < 0)
		return rc;
	if ((rc = agent_capture_note(cap, ctx, 0, NULL)) < 0) {
		stele_capture_abort(cap);
		return rc;
	}
	*out = cap;
	return 0;
}

/* Commits b (released either way); *seq is the new change set's, 0 if nothing changed. */
static int batch_commit(uint64_t *seq, struct agent_batch *b)
{
	struct stele_capture *cap = b->cap;
	struct stele_ctx *ctx = b->ctx;

	/* Statements go first: none may hold the transaction open at COMMIT. */
	b->cap = NULL;
	batch_release(b);
	return stele_capture_commit(seq, cap, ctx->sk);
}

int agent_batch_commit(struct agent_batch *b)
{
	uint64_t seq;

	return batch_commit(&seq, b);
}

void agent_batch_abort(struct agent_batch *b)
{
	struct stele_capture *cap = b->cap;

	b->cap = NULL;
	batch_release(b);
	stele_capture_abort(cap);
}

int agent_batch_finish(struct agent_batch *b, int rc)
{
	struct stele_ctx *ctx = b->ctx;
	sqlite3_stmt *stmt = NULL;
	uint64_t seq = 0;

	if (rc < 0) {
		bool form = b->form; /* abort clears the batch */
		agent_batch_abort(b);
		/* A command's own values: malformed is a usage error (exit 2). */
		if (rc == STELE_EINVALID && refused_malformed && !form)
			rc = stele_error(STELE_EUSAGE, "%s", stele_error_message());
		return rc;
	}
	if ((rc = batch_commit(&seq, b)) < 0)
		return rc;
	if (seq == 0) {
		fprintf(stderr, _("%s: nothing changed\n"), ctx->prog);
		return 0;
	}
	/* The success line says what the change set says, in the clerk's language. */
	if (stele_db_prepare(ctx->db, &stmt, "SELECT summary, data FROM stele_outbox WHERE seq = ?") == 0) {
		sqlite3_bind_int64(stmt, 1, (sqlite3_int64)seq);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			char *local = NULL;

			stele_cs_encoded_summary_local(&local, sqlite3_column_blob(stmt, 1),
						       (size_t)sqlite3_column_bytes(stmt, 1));
			fprintf(stderr, _("%s: change set %llu: %s\n"), ctx->prog,
				(unsigned long long)seq,
				local ? local : (const char *)sqlite3_column_text(stmt, 0));
			free(local);
		}
		sqlite3_finalize(stmt);
	}
	stele_error_clear();
	return 0;
}

int agent_batch_stmt(sqlite3_stmt **out, struct agent_batch *b, const char *sql)
{
	sqlite3_stmt *stmt;
	int rc;

	for (int i = 0; i < b->nstmts; i++)
		if (b->stmts[i].sql == sql) {
			sqlite3_reset(b->stmts[i].stmt);
			sqlite3_clear_bindings(b->stmts[i].stmt);
			*out = b->stmts[i].stmt;
			return 0;
		}
	if (b->nstmts == AGENT_BATCH_STMTS)
		return stele_error(STELE_EFAIL, "too many statements in one write");
	if ((rc = stele_db_prepare(b->ctx->db, &stmt, sql)) < 0)
		return rc;
	b->stmts[b->nstmts].sql = sql;
	b->stmts[b->nstmts].stmt = stmt;
	b->nstmts++;
	*out = stmt;
	return 0;
}

int agent_batch_exec(struct agent_batch *b, sqlite3_stmt *stmt, const char *doing)
{
	int rc = 0;

	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, doing);
	sqlite3_reset(stmt);
	return rc;
}

int agent_batch_write_texts(struct agent_batch *b, const char *sql, const char *const *texts,
			    int n, const char *doing)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = agent_batch_stmt(&stmt, b, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(stmt, i + 2, texts[i], -1, SQLITE_STATIC);
	return agent_batch_exec(b, stmt, doing);
}

/* The counter slot of table, or -1. */
static int id_slot(const struct agent_batch *b, const char *table)
{
	for (int i = 0; i < b->nids; i++)
		if (strcmp(b->ids[i].table, table) == 0)
			return i;
	return -1;
}

int agent_batch_next_id(char *out, struct agent_batch *b, const char *table, const char *prefix,
			int width)
{
	int slot = id_slot(b, table), rc;
	char first[24];

	if (slot < 0) {
		if (b->nids == AGENT_BATCH_IDS)
			return stele_error(STELE_EFAIL, "too many id counters in one write");
		if ((rc = stele_db_next_id(first, b->ctx->db, table, prefix, width,
					    agent_village(b->ctx))) < 0)
			return rc;
		slot = b->nids++;
		b->ids[slot].table = table;
		b->ids[slot].next = strtoll(first + strlen(prefix), NULL, 10);
	}
	snprintf(out, 24, "%s%0*lld", prefix, width, b->ids[slot].next);
	b->ids[slot].next++;
	return 0;
}

void agent_batch_saw_id(struct agent_batch *b, const char *table, const char *prefix, int width,
			const char *id)
{
	size_t plen = strlen(prefix);
	int slot = id_slot(b, table);
	long long n = 0;

	/* Only a counter already read can be behind; an unread one reads max() later. */
	if (slot < 0 || strncmp(id, prefix, plen) != 0 || strlen(id) != plen + (size_t)width)
		return;
	for (const char *p = id + plen; *p; p++) {
		if (*p < '0' || *p > '9')
			return;
		n = n * 10 + (*p - '0');
	}
	if (n >= b->ids[slot].next)
		b->ids[slot].next = n + 1;
}

int32_t agent_month_of_text(const char *text)
{
	int32_t v = 0;

	if (strlen(text) == 7) {
		stele_parse_month(&v, text, NULL);
		return v;
	}
	stele_parse_date(&v, text, NULL);
	return agent_month_of(v);
}

static int load_closed(struct agent_batch *b)
{
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0;
	int rc, step;

	if ((rc = stele_db_prepare(b->ctx->db, &stmt, "SELECT period FROM period_close "
						      "WHERE village_code = ? ORDER BY period")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int32_t month;
		if (stele_parse_month(&month, (const char *)sqlite3_column_text(stmt, 0), NULL) < 0)
			continue;
		if ((rc = stele_array_reserve(&b->closed, &cap, b->nclosed, sizeof(*b->closed), 16)) < 0)
			goto done;
		b->closed[b->nclosed++] = month;
	}
	if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading closed months");
		goto done;
	}
	b->closed_loaded = true;
done:
	sqlite3_finalize(stmt);
	return rc;
}

int agent_batch_month_closed(bool *closed, struct agent_batch *b, int32_t month)
{
	size_t lo = 0, hi;
	int rc;

	if (!b->closed_loaded && (rc = load_closed(b)) < 0)
		return rc;
	hi = b->nclosed;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->closed[mid] < month)
			lo = mid + 1;
		else
			hi = mid;
	}
	*closed = lo < b->nclosed && b->closed[lo] == month;
	return 0;
}

static int load_rules(struct agent_batch *b)
{
	sqlite3_stmt *stmt = NULL;
	int64_t count;
	int rc, step;

	if ((rc = stele_db_int(b->ctx->db, "SELECT count(*) FROM point_rule", &count)) < 0)
		return rc;
	if (!(b->rules = calloc((size_t)count + 1, sizeof(*b->rules))))
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = stele_db_prepare(b->ctx->db, &stmt, "SELECT code, category, points, active "
						      "FROM point_rule ORDER BY code")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && b->nrules < (size_t)count) {
		struct agent_rule *r = &b->rules[b->nrules];
		if (!(r->code = strdup((const char *)sqlite3_column_text(stmt, 0))) ||
		    !(r->category = strdup((const char *)sqlite3_column_text(stmt, 1)))) {
			free(r->code);
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		r->points = sqlite3_column_int64(stmt, 2);
		r->active = sqlite3_column_int(stmt, 3) != 0;
		b->nrules++;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading point rules");
		goto done;
	}
	b->rules_loaded = true;
done:
	sqlite3_finalize(stmt);
	return rc;
}

int agent_batch_rule(const struct agent_rule **out, struct agent_batch *b, const char *code)
{
	int rc;

	if (!b->rules_loaded && (rc = load_rules(b)) < 0)
		return rc;
	*out = NULL;
	for (size_t i = 0; i < b->nrules; i++)
		if (strcmp(b->rules[i].code, code) == 0)
			*out = &b->rules[i];
	return 0;
}

static int load_items(struct agent_batch *b)
{
	sqlite3_stmt *stmt = NULL;
	int64_t count;
	int rc, step;

	if ((rc = stele_db_int(b->ctx->db, "SELECT count(*) FROM standard_item", &count)) < 0)
		return rc;
	if (!(b->items = calloc((size_t)count + 1, sizeof(*b->items))))
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = stele_db_prepare(b->ctx->db, &stmt, "SELECT code, max_score, active "
						      "FROM standard_item ORDER BY code")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && b->nitems < (size_t)count) {
		struct agent_item *it = &b->items[b->nitems];
		if (!(it->code = strdup((const char *)sqlite3_column_text(stmt, 0)))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		it->max_score = sqlite3_column_int64(stmt, 1);
		it->active = sqlite3_column_int(stmt, 2) != 0;
		b->nitems++;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading standard items");
		goto done;
	}
	b->items_loaded = true;
done:
	sqlite3_finalize(stmt);
	return rc;
}

int agent_batch_item(const struct agent_item **out, struct agent_batch *b, const char *code)
{
	int rc;

	if (!b->items_loaded && (rc = load_items(b)) < 0)
		return rc;
	*out = NULL;
	for (size_t i = 0; i < b->nitems; i++)
		if (strcmp(b->items[i].code, code) == 0)
			*out = &b->items[i];
	return 0;
}

static const char member_exists_sql[] =
	"SELECT 1 FROM member WHERE village_code = ? AND id = ?";

int agent_batch_member_exists(bool *exists, struct agent_batch *b, const char *id)
{
	sqlite3_stmt *stmt;
	int rc, step;

	if ((rc = agent_batch_stmt(&stmt, b, member_exists_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		*exists = step == SQLITE_ROW;
	else
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading members");
	sqlite3_reset(stmt);
	return rc;
}

/* Refusals that name a field. */

static int refused_field = -1;

/* Records the refusal of field (malformed: of a value that is not well-formed). */
static int __attribute__((format(printf, 3, 0)))
refuse_v(int field, bool malformed, const char *fmt, va_list ap)
{
	stele_verror(STELE_EINVALID, fmt, ap);
	refused_field = field;
	refused_malformed = malformed;
	return STELE_EINVALID;
}

int agent_refuse(int field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = refuse_v(field, false, fmt, ap);
	va_end(ap);
	return rc;
}

int agent_refuse_malformed(int field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = refuse_v(field, true, fmt, ap);
	va_end(ap);
	return rc;
}

int agent_refused_field(void)
{
	return refused_field;
}

void agent_refuse_clear(void)
{
	refused_field = -1;
	refused_malformed = false;
}

int agent_refuse_closed_month(int field, const char *label, int32_t month)
{
	char name[8];

	stele_format_month(name, month);
	return agent_refuse(field, "%s: month %s is closed (corrections go into an open month)",
			    label, name);
}

bool agent_in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

int agent_batch_refuse_closed(struct agent_batch *b, int field, const char *label,
			      const char *text)
{
	int32_t month;
	bool closed;
	int rc;

	if (!text || !*text)
		return 0;
	month = agent_month_of_text(text);
	if ((rc = agent_batch_month_closed(&closed, b, month)) < 0)
		return rc;
	return closed ? agent_refuse_closed_month(field, label, month) : 0;
}

int agent_batch_closing_change(struct agent_batch *b, int field, const char *label,
			       const char *own, const char *old_closing, const char *new_closing)
{
	bool own_closed;
	int rc;

	if ((rc = agent_batch_month_closed(&own_closed, b, agent_month_of_text(own))) < 0)
		return rc;
	/* The closing that happened in a closed month is part of that month. */
	if ((rc = agent_batch_refuse_closed(b, field, label, old_closing)) < 0 ||
	    (rc = agent_batch_refuse_closed(b, field, label, new_closing)) < 0)
		return rc;
	/* A row of a closed month may be closed out, never reopened. */
	if (own_closed && !*new_closing)
		return agent_refuse_closed_month(field, label, agent_month_of_text(own));
	return 0;
}

int agent_batch_read_row(char **cols, int n, bool *exists, struct agent_batch *b,
			 const char *sql, const char *key)
{
	sqlite3_stmt *stmt;
	int rc, step;

	if ((rc = agent_batch_stmt(&stmt, b, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(stmt, i);
			if (!(cols[i] = strdup(v ? (const char *)v : ""))) {
				agent_free_cols(cols, i);
				rc = stele_error(STELE_EFAIL, "out of memory");
				break;
			}
		}
		*exists = rc == 0;
	} else if (step == SQLITE_DONE) {
		*exists = false;
	} else {
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading a row");
	}
	sqlite3_reset(stmt);
	return rc;
}

int agent_batch_row_ref(struct agent_row_ref *out, char **old, struct agent_batch *b,
			const struct agent_row_kind *k, const char *given_id, bool must_exist,
			bool must_be_new)
{
	struct agent_row_ref ref = { .exists = false };
	char id_what[48];
	int rc = 0;

	if (given_id && *given_id) {
		snprintf(id_what, sizeof(id_what), "%s id", k->what);
		if (agent_check_id(given_id, id_what) < 0)
			return agent_refuse_malformed(0, "%s", stele_error_message());
		snprintf(ref.id, sizeof(ref.id), "%s", given_id);
		if ((rc = agent_batch_read_row(old, old ? k->ncols : 0, &ref.exists, b, k->get_sql,
					       ref.id)) < 0)
			return rc;
		agent_batch_saw_id(b, k->table, k->prefix, k->width, ref.id);
	} else if ((rc = agent_batch_next_id(ref.id, b, k->table, k->prefix, k->width)) < 0) {
		return rc;
	}
	/* TRANSLATORS: a row named in messages: "member 'M0001'". */
	snprintf(ref.label, sizeof(ref.label), _("%s '%s'"), _(k->what), ref.id);
	if (must_exist && !ref.exists) {
		char sql[128], hint[96];
		snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE village_code = ?1 ORDER BY id",
			 k->table);
		agent_did_you_mean(hint, sizeof(hint), b, sql, ref.id);
		rc = agent_refuse(0, "%s does not exist in village %s", ref.label,
				  agent_village(b->ctx));
		stele_suggest_hint(hint);
	}
	else if (must_be_new && ref.exists)
		rc = agent_refuse(0, "%s already exists in village %s", ref.label,
				  agent_village(b->ctx));
	if (rc < 0) {
		if (ref.exists && old)
			agent_free_cols(old, k->ncols);
		return rc;
	}
	*out = ref;
	return 0;
}

void agent_free_cols(char **cols, int n)
{
	for (int i = 0; i < n; i++) {
		free(cols[i]);
		cols[i] = NULL;
	}
}

int agent_check_field_text(int field, const char *label, const char *what, const char *s,
			   size_t max_bytes)
{
	if (stele_check_text(s, max_bytes, what) < 0)
		return agent_refuse_malformed(field, "%s: %s", label, stele_error_message());
	return 0;
}

int agent_lenient_field(const char **s, char buf[32], int field, const char *label, char type)
{
	char tmp[32];
	size_t n = *s ? strlen(*s) : 0;
	int rc;

	if (!n || n >= sizeof(tmp))
		return 0; /* empty, or too long to be a date: the strict check says so */
	memcpy(tmp, *s, n + 1);
	stele_lenient_trim(tmp);
	stele_lenient_ascii(tmp);
	rc = type == 'm' ? stele_lenient_month(buf, tmp) : stele_lenient_date(buf, tmp, "date");
	if (rc < 0)
		return agent_refuse_malformed(field, "%s: %s", label, stele_error_message());
	if (rc == 0 && strcmp(tmp, *s) != 0)
		memcpy(buf, tmp, strlen(tmp) + 1); /* spaces or full-width forms only */
	if (rc == 1 || strcmp(tmp, *s) != 0)
		*s = buf;
	return 0;
}

int agent_check_field_date(int field, const char *label, const char *what, const char *s)
{
	int32_t days;

	if (stele_parse_date(&days, s, what) < 0)
		return agent_refuse_malformed(field, "%s: %s", label, stele_error_message());
	return 0;
}

int agent_batch_delete(struct agent_batch *b, const struct agent_row_kind *k, const char *id,
		       const char *const *date_cols, const char *blocked_sql,
		       const char *blocked_why)
{
	struct agent_row_ref ref;
	sqlite3_stmt *stmt = NULL;
	char sql[256];
	int rc, step;

	if ((rc = agent_batch_row_ref(&ref, NULL, b, k, id, true, false)) < 0)
		return rc;
	for (; date_cols && *date_cols && rc == 0; date_cols++) {
		snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE village_code = ?1 AND id = ?2",
			 *date_cols, k->table);
		if ((rc = stele_db_prepare(b->ctx->db, &stmt, sql)) < 0)
			return rc;
		sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, ref.id, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
			rc = agent_batch_refuse_closed(b, -1, ref.label,
						       (const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	if (rc == 0 && blocked_sql) {
		if ((rc = stele_db_prepare(b->ctx->db, &stmt, blocked_sql)) < 0)
			return rc;
		sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, ref.id, -1, SQLITE_STATIC);
		step = sqlite3_step(stmt);
		if (step == SQLITE_ROW) {
			char why[256];
			snprintf(why, sizeof(why), _(blocked_why),
				 (const char *)sqlite3_column_text(stmt, 0));
			rc = agent_refuse(-1, "%s: %s", ref.label, why);
		} else if (step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, b->ctx->db, "reading a row to delete");
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	if (rc < 0)
		return rc;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE village_code = ?1 AND id = ?2", k->table);
	if ((rc = stele_db_prepare(b->ctx->db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, ref.id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, b->ctx->db, "deleting a row");
	sqlite3_finalize(stmt);
	return rc;
}

void agent_did_you_mean(char *out, size_t outsz, struct agent_batch *b, const char *sql,
			const char *given)
{
	const char *params[] = { agent_village(b->ctx), NULL };
	char best[64];

	out[0] = '\0';
	if (stele_suggest_query(best, sizeof(best), b->ctx->db, sql, params, given) == 1)
		snprintf(out, outsz, "%s", best);
	stele_error_clear(); /* a failed lookup only costs the hint */
}
