/* apply.c: a changeset applied through statements kept across applies (apply.h says
 * why); anything but a clean apply is undone and left to sqlite3changeset_apply. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "buf.h"
#include "db.h"
#include "error.h"

/* Columns a table may have here (each kind of UPDATE is named by two masks). */
#define APPLY_MAX_COLS 64

/* One UPDATE statement: the columns it sets, and those its WHERE compares. */
struct update_stmt {
	uint64_t set, where;
	sqlite3_stmt *stmt;
};

/* What is known of one table: its shape as the database has it, and its statements
 * (prepared on first use). */
struct apply_table {
	char *name;
	int ncol;                   /* 0: no such table, or too many columns */
	char **cols;                /* ncol names */
	unsigned char pk[APPLY_MAX_COLS];
	sqlite3_stmt *insert, *delete;
	struct update_stmt *updates;
	size_t n_updates, cap_updates;
};

struct stele_apply {
	sqlite3 *db;
	struct apply_table *tables;
	size_t n_tables, cap_tables;
	sqlite3_stmt *savepoint, *release, *rollback_to;
};

static void table_free(struct apply_table *t)
{
	for (int i = 0; i < t->ncol; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->name);
	sqlite3_finalize(t->insert);
	sqlite3_finalize(t->delete);
	for (size_t i = 0; i < t->n_updates; i++)
		sqlite3_finalize(t->updates[i].stmt);
	free(t->updates);
}

void stele_apply_free(struct stele_apply *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_tables; i++)
		table_free(&a->tables[i]);
	free(a->tables);
	sqlite3_finalize(a->savepoint);
	sqlite3_finalize(a->release);
	sqlite3_finalize(a->rollback_to);
	free(a);
}

int stele_apply_new(struct stele_apply **out, sqlite3 *db)
{
	struct stele_apply *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return stele_error(STELE_EFAIL, "out of memory");
	a->db = db;
	if ((rc = stele_db_prepare(db, &a->savepoint, "SAVEPOINT stele_apply")) < 0 ||
	    (rc = stele_db_prepare(db, &a->release, "RELEASE stele_apply")) < 0 ||
	    (rc = stele_db_prepare(db, &a->rollback_to, "ROLLBACK TO stele_apply")) < 0) {
		stele_apply_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* Reads t's columns and primary key from the database (t->name set). A table
 * that is missing, or has more than APPLY_MAX_COLS columns, keeps ncol 0. */
static int table_load(struct stele_apply *a, struct apply_table *t)
{
	sqlite3_stmt *stmt = NULL;
	char **cols = NULL;
	size_t cap = 0, n = 0;
	int rc, step;

	if ((rc = stele_db_prepare(a->db, &stmt, "SELECT name, pk FROM pragma_table_info(?1)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, t->name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);

		if (n == APPLY_MAX_COLS || !name) {
			n = 0; /* unusable here: always left to sqlite3changeset_apply */
			break;
		}
		if ((rc = stele_array_reserve(&cols, &cap, n, sizeof(*cols), 16)) < 0)
			goto done;
		if (!(cols[n] = strdup(name))) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
		t->pk[n] = sqlite3_column_int(stmt, 1) > 0;
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, a->db, "reading a table's columns");
		goto done;
	}
	t->cols = cols;
	t->ncol = (int)n;
	cols = NULL;
	n = 0;
done:
	for (size_t i = 0; i < n; i++)
		free(cols[i]);
	free(cols);
	sqlite3_finalize(stmt);
	return rc;
}

/* The entry of table name in a, loaded on first use: *out (a owns it). */
static int table_get(struct apply_table **out, struct stele_apply *a, const char *name)
{
	struct apply_table *t;
	int rc;

	for (size_t i = 0; i < a->n_tables; i++)
		if (strcmp(a->tables[i].name, name) == 0) {
			*out = &a->tables[i];
			return 0;
		}
	if ((rc = stele_array_reserve(&a->tables, &a->cap_tables, a->n_tables,
				      sizeof(*a->tables), 16)) < 0)
		return rc;
	t = &a->tables[a->n_tables];
	memset(t, 0, sizeof(*t));
	if (!(t->name = strdup(name)))
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = table_load(a, t)) < 0) {
		table_free(t);
		return rc;
	}
	a->n_tables++;
	*out = t;
	return 0;
}

/* Appends name as an SQL identifier, in double quotes. */
static void put_ident(struct stele_buf *sql, const char *name)
{
	stele_buf_putc(sql, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			stele_buf_putc(sql, '"');
		stele_buf_putc(sql, *p);
	}
	stele_buf_putc(sql, '"');
}

/* Column i's new value is parameter i + 1, its old value parameter ncol + i + 1. */
static void put_cond(struct stele_buf *sql, const struct apply_table *t, uint64_t where)
{
	const char *sep = " WHERE ";

	for (int i = 0; i < t->ncol; i++) {
		if (!(where & (UINT64_C(1) << i)))
			continue;
		stele_buf_puts(sql, sep);
		put_ident(sql, t->cols[i]);
		stele_buf_printf(sql, t->pk[i] ? " = ?%d" : " IS ?%d", t->ncol + i + 1);
		sep = " AND ";
	}
}

/* Prepares t's statement of kind op (for an UPDATE, of those masks) into *out. */
static int prepare(sqlite3_stmt **out, struct stele_apply *a, const struct apply_table *t,
		   int op, uint64_t set, uint64_t where)
{
	struct stele_buf sql = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	int rc;

	if (op == SQLITE_INSERT) {
		stele_buf_puts(&sql, "INSERT INTO main.");
		put_ident(&sql, t->name);
		for (int i = 0; i < t->ncol; i++)
			stele_buf_printf(&sql, i ? ", ?%d" : " VALUES (?%d", i + 1);
		stele_buf_putc(&sql, ')');
	} else if (op == SQLITE_DELETE) {
		stele_buf_puts(&sql, "DELETE FROM main.");
		put_ident(&sql, t->name);
		put_cond(&sql, t, where);
	} else {
		const char *sep = " SET ";

		stele_buf_puts(&sql, "UPDATE main.");
		put_ident(&sql, t->name);
		for (int i = 0; i < t->ncol; i++) {
			if (!(set & (UINT64_C(1) << i)))
				continue;
			stele_buf_puts(&sql, sep);
			put_ident(&sql, t->cols[i]);
			stele_buf_printf(&sql, " = ?%d", i + 1);
			sep = ", ";
		}
		put_cond(&sql, t, where);
	}
	if ((rc = stele_buf_error(&sql)) == 0)
		rc = stele_db_prepare(a->db, out, sql.data);
	stele_buf_free(&sql);
	return rc;
}

/* t's UPDATE for those masks, prepared on first use (t owns it). */
static int update_stmt(sqlite3_stmt **out, struct stele_apply *a, struct apply_table *t,
		       uint64_t set, uint64_t where)
{
	struct update_stmt *u;
	int rc;

	for (size_t i = 0; i < t->n_updates; i++)
		if (t->updates[i].set == set && t->updates[i].where == where) {
			*out = t->updates[i].stmt;
			return 0;
		}
	if ((rc = stele_array_reserve(&t->updates, &t->cap_updates, t->n_updates,
				      sizeof(*t->updates), 4)) < 0)
		return rc;
	u = &t->updates[t->n_updates];
	if ((rc = prepare(&u->stmt, a, t, SQLITE_UPDATE, set, where)) < 0)
		return rc;
	u->set = set;
	u->where = where;
	t->n_updates++;
	*out = u->stmt;
	return 0;
}

/*
 * Applies the iterator's current change to t: 1 when it applied cleanly (a
 * DELETE or UPDATE changed exactly one row), 0 when not (a statement that failed
 * has been reset), < 0 on an error of this module (a statement not prepared).
 */
static int apply_change(struct stele_apply *a, struct apply_table *t, sqlite3_changeset_iter *it,
			int op)
{
	sqlite3_stmt *stmt = NULL;
	uint64_t set = 0, where = 0;
	int rc, step;

	/* Which values the change holds: an INSERT every new one, a DELETE every old
	 * one, an UPDATE the primary key's old values and the old and new values of
	 * the columns it changes. */
	for (int i = 0; i < t->ncol; i++) {
		sqlite3_value *v = NULL;

		if (op != SQLITE_INSERT && sqlite3changeset_old(it, i, &v) == SQLITE_OK && v)
			where |= UINT64_C(1) << i;
		v = NULL;
		if (op != SQLITE_DELETE && sqlite3changeset_new(it, i, &v) == SQLITE_OK && v)
			set |= UINT64_C(1) << i;
	}
	const uint64_t all = t->ncol == 64 ? UINT64_MAX : (UINT64_C(1) << t->ncol) - 1;
	uint64_t keys = 0;
	for (int i = 0; i < t->ncol; i++)
		if (t->pk[i])
			keys |= UINT64_C(1) << i;
	switch (op) {
	case SQLITE_INSERT:
		if (set != all)
			return 0;
		if (!t->insert && (rc = prepare(&t->insert, a, t, op, 0, 0)) < 0)
			return rc;
		stmt = t->insert;
		break;
	case SQLITE_DELETE:
		if (where != all)
			return 0;
		if (!t->delete && (rc = prepare(&t->delete, a, t, op, 0, all)) < 0)
			return rc;
		stmt = t->delete;
		break;
	case SQLITE_UPDATE:
		/* A key never changes in an UPDATE (the session records a DELETE and an
		 * INSERT); the columns set are compared with their old values. */
		if ((where & keys) != keys || (set & keys) || set == 0 || (where & ~keys) != set)
			return 0;
		if ((rc = update_stmt(&stmt, a, t, set, where)) < 0)
			return rc;
		break;
	default:
		return 0;
	}
	for (int i = 0; i < t->ncol; i++) {
		sqlite3_value *v = NULL;

		if ((set & (UINT64_C(1) << i)) && sqlite3changeset_new(it, i, &v) == SQLITE_OK)
			sqlite3_bind_value(stmt, i + 1, v);
		v = NULL;
		if ((where & (UINT64_C(1) << i)) && sqlite3changeset_old(it, i, &v) == SQLITE_OK)
			sqlite3_bind_value(stmt, t->ncol + i + 1, v);
	}
	step = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (step != SQLITE_DONE)
		return 0;
	return op == SQLITE_INSERT || sqlite3_changes(a->db) == 1;
}

/* Whether the change's table is t as the database has it: as many columns, the
 * same primary key. */
static bool same_shape(const struct apply_table *t, sqlite3_changeset_iter *it, int ncol)
{
	unsigned char *pk = NULL;
	int npk = 0;

	if (t->ncol == 0 || ncol != t->ncol ||
	    sqlite3changeset_pk(it, &pk, &npk) != SQLITE_OK || npk != ncol)
		return false;
	for (int i = 0; i < ncol; i++)
		if (!pk[i] != !t->pk[i])
			return false;
	return true;
}

static int step_reset(struct stele_apply *a, sqlite3_stmt *stmt, const char *what)
{
	int step = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return step == SQLITE_DONE ? 0 : stele_error_db(STELE_EFAIL, a->db, what);
}

int stele_apply_changes(bool *clean, struct stele_apply *a, const void *changes, size_t len,
			int (*filter)(void *arg, const char *table), void *filter_arg)
{
	sqlite3_changeset_iter *it = NULL;
	struct apply_table *t = NULL;
	bool skip = false;
	int ok = 1, rc, next = SQLITE_DONE;

	if (len > INT_MAX) {
		*clean = false;
		return 0;
	}
	if ((rc = step_reset(a, a->savepoint, "opening the apply's savepoint")) < 0)
		return rc;
	if (sqlite3changeset_start(&it, (int)len, (void *)changes) != SQLITE_OK)
		ok = 0;
	while (ok == 1 && (next = sqlite3changeset_next(it)) == SQLITE_ROW) {
		const char *name = NULL;
		int ncol = 0, op = 0, indirect = 0;

		if (sqlite3changeset_op(it, &name, &ncol, &op, &indirect) != SQLITE_OK) {
			ok = 0;
			break;
		}
		/* A new table: the filter is asked once, as sqlite3changeset_apply asks it. */
		if (!t || strcmp(t->name, name) != 0) {
			if ((rc = table_get(&t, a, name)) < 0)
				break;
			skip = filter && !filter(filter_arg, name);
			if (!skip && !same_shape(t, it, ncol))
				ok = 0;
		}
		if (!skip && ok == 1)
			ok = apply_change(a, t, it, op);
	}
	if (ok < 0)
		rc = ok;
	if (ok == 1 && next != SQLITE_DONE)
		ok = 0; /* an unreadable changeset */
	if (it)
		sqlite3changeset_finalize(it);
	if (rc == 0 && ok == 1) {
		int fks = 0, high = 0;

		/* A foreign key a statement left violated (a deferred one, had it been
		 * deferred): sqlite3changeset_apply refuses such an apply. */
		if (sqlite3_db_status(a->db, SQLITE_DBSTATUS_DEFERRED_FKS, &fks, &high, 0) != SQLITE_OK ||
		    fks != 0)
			ok = 0;
	}
	if (rc < 0 || ok != 1) {
		int undo = step_reset(a, a->rollback_to, "undoing an apply");

		if (undo == 0)
			undo = step_reset(a, a->release, "closing the apply's savepoint");
		if (rc == 0)
			rc = undo;
	} else {
		rc = step_reset(a, a->release, "closing the apply's savepoint");
	}
	if (rc == 0)
		*clean = ok == 1;
	return rc;
}
