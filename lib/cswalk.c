/* cswalk.c: our own bounded walk of SQLite changeset bytes (docs/format.md "The
 * row changes and their validator"): SQLite's iterator sees only what it accepted. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cswalk.h"
#include "error.h"

/* Where the walk is, and the row being read (kept here: ~4 KiB). */
struct walk {
	const unsigned char *p;
	size_t len, pos;
	struct stele_cs_row row;
	enum stele_cs_fault *why;
};

/* Records a structural failure at byte at. */
static int walk_fail(struct walk *w, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int walk_fail(struct walk *w, size_t at, const char *fmt, ...)
{
	va_list ap;

	/* The message (translated and in English), then its place before it. */
	va_start(ap, fmt);
	stele_verror(STELE_EVERIFY, fmt, ap);
	va_end(ap);
	*w->why = STELE_CS_FAULT_CHANGES;
	return stele_error(STELE_EVERIFY, "row changes: byte %zu: %s", at, stele_error_message());
}

/*
 * An SQLite varint (1..9 bytes, big-endian groups of 7 bits, the ninth byte whole)
 * whose value is at most max. A leading zero group is refused: SQLite writes none.
 */
static int walk_varint(uint64_t *out, struct walk *w, uint64_t max, const char *what)
{
	size_t at = w->pos;
	uint64_t v = 0;

	for (int i = 0; i < 9; i++) {
		unsigned char b;

		if (w->pos >= w->len)
			return walk_fail(w, at, "%s is cut short", what);
		b = w->p[w->pos++];
		if (i == 0 && b == 0x80)
			return walk_fail(w, at, "%s is not a minimal varint", what);
		if (i == 8) {
			v = v << 8 | b;
			break;
		}
		v = v << 7 | (b & 0x7f);
		if (!(b & 0x80))
			break;
	}
	if (v > max)
		return walk_fail(w, at, "%s %llu is past %llu", what, (unsigned long long)v,
				 (unsigned long long)max);
	*out = v;
	return 0;
}

/* A table header, from its 'T'. */
static int walk_table(struct walk *w)
{
	bool place_seen[STELE_CS_MAX_COLUMNS + 1] = { false };
	size_t at = w->pos, name_at, n;
	uint64_t ncol;
	int keys = 0, top = 0, rc;

	w->pos++;
	if ((rc = walk_varint(&ncol, w, STELE_CS_MAX_COLUMNS, "column count")) < 0)
		return rc;
	if (ncol == 0)
		return walk_fail(w, at, "table header has no columns");
	if (ncol > w->len - w->pos)
		return walk_fail(w, w->pos, "primary-key flags are cut short");
	for (size_t i = 0; i < ncol; i++) {
		unsigned char place = w->p[w->pos + i];

		if (place == 0)
			continue;
		if (place > ncol || place_seen[place])
			return walk_fail(w, w->pos + i, "primary-key flag %u of column %zu is not a "
					 "place 1..%u in the key", place, i, (unsigned)ncol);
		place_seen[place] = true;
		keys++;
		if (place > top)
			top = place;
	}
	if (keys == 0)
		return walk_fail(w, w->pos, "table has no primary key");
	if (top != keys)
		return walk_fail(w, w->pos, "primary-key flags skip a place (%d columns, place %d)",
				 keys, top);
	w->row.ncol = (int)ncol;
	w->row.pk = w->p + w->pos;
	w->pos += ncol;
	name_at = w->pos;
	for (n = 0; n <= STELE_CS_MAX_NAME && name_at + n < w->len && w->p[name_at + n]; n++) {
		unsigned char c = w->p[name_at + n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return walk_fail(w, name_at + n, "table name holds byte 0x%02x", c);
	}
	if (n > STELE_CS_MAX_NAME)
		return walk_fail(w, name_at, "table name is longer than %d bytes", STELE_CS_MAX_NAME);
	if (name_at + n >= w->len)
		return walk_fail(w, name_at, "table name is not NUL-terminated");
	if (n == 0)
		return walk_fail(w, name_at, "table name is empty");
	w->row.table = (const char *)w->p + name_at;
	w->pos = name_at + n + 1;
	return 0;
}

/* One value; type 0 (undefined) only where may_be_undefined. */
static int walk_value(struct stele_cs_value *v, struct walk *w, bool may_be_undefined)
{
	size_t at = w->pos;
	uint64_t n;
	int rc;

	memset(v, 0, sizeof(*v));
	if (w->pos >= w->len)
		return walk_fail(w, at, "record is cut short");
	v->type = w->p[w->pos++];
	switch (v->type) {
	case 0:
		if (!may_be_undefined)
			return walk_fail(w, at, "undefined value where the record must be complete");
		return 0;
	case SQLITE_NULL:
		return 0;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		if (w->len - w->pos < 8)
			return walk_fail(w, at, "%s value is cut short",
					 v->type == SQLITE_INTEGER ? "integer" : "real");
		v->integer = 0;
		for (int i = 0; i < 8; i++) /* big-endian, as SQLite writes it */
			v->integer = (int64_t)((uint64_t)v->integer << 8 | w->p[w->pos + i]);
		w->pos += 8;
		return 0;
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		if ((rc = walk_varint(&n, w, w->len - w->pos,
				      v->type == SQLITE_TEXT ? "text length" : "blob length")) < 0)
			return rc;
		if (n > w->len - w->pos) /* the varint's own bytes came off what remained */
			return walk_fail(w, at, "value of %llu bytes runs past the end",
					 (unsigned long long)n);
		v->bytes = w->p + w->pos;
		v->len = (size_t)n;
		w->pos += (size_t)n;
		return 0;
	}
	return walk_fail(w, at, "value type 0x%02x is not one of 0..5", (unsigned)v->type);
}

/* A record of ncol values. */
static int walk_record(struct stele_cs_value *values, struct walk *w, bool may_be_undefined)
{
	int rc;

	for (int i = 0; i < w->row.ncol; i++)
		if ((rc = walk_value(&values[i], w, may_be_undefined)) < 0)
			return rc;
	return 0;
}

/* One row change, from its operation byte. */
static int walk_row(struct walk *w)
{
	struct stele_cs_row *r = &w->row;
	size_t at = w->pos;
	bool changed = false;
	int rc;

	if (w->len - w->pos < 2)
		return walk_fail(w, at, "row change is cut short");
	r->op = w->p[w->pos];
	r->indirect = w->p[w->pos + 1];
	r->offset = at;
	if (r->op != SQLITE_INSERT && r->op != SQLITE_UPDATE && r->op != SQLITE_DELETE)
		return walk_fail(w, at, "operation byte 0x%02x is not insert, update or delete",
				 (unsigned)r->op);
	if (r->indirect != 0 && r->indirect != 1)
		return walk_fail(w, at + 1, "indirect flag is 0x%02x, not 0 or 1",
				 (unsigned)r->indirect);
	w->pos += 2;
	if (r->op != SQLITE_INSERT && (rc = walk_record(r->old_values, w, r->op == SQLITE_UPDATE)) < 0)
		return rc;
	if (r->op != SQLITE_DELETE && (rc = walk_record(r->new_values, w, r->op == SQLITE_UPDATE)) < 0)
		return rc;
	if (r->op != SQLITE_UPDATE)
		return 0;
	for (int i = 0; i < r->ncol; i++) {
		bool had = r->old_values[i].type != 0, has = r->new_values[i].type != 0;

		if (r->pk[i] && (!had || has))
			return walk_fail(w, at, "update of %s must name key column %d in its old record "
					 "and leave it alone in its new one", r->table, i);
		if (!r->pk[i] && had != has)
			return walk_fail(w, at, "update of %s has column %d in only one of its records",
					 r->table, i);
		changed |= has;
	}
	if (!changed)
		return walk_fail(w, at, "update of %s changes no column", r->table);
	return 0;
}

int stele_cs_walk(enum stele_cs_fault *fault, const void *changes, size_t len,
		  stele_cs_row_fn fn, void *ctx)
{
	enum stele_cs_fault why = STELE_CS_FAULT_NONE;
	struct walk *w = NULL;
	unsigned long rows_in_table = 0;
	size_t table_at = 0;
	int rc = 0;

	if (len > STELE_CS_MAX_CHANGES) {
		why = STELE_CS_FAULT_TOO_LARGE;
		rc = stele_error(STELE_EVERIFY, "row changes of %zu bytes are past the limit of %u "
				 "bytes", len, STELE_CS_MAX_CHANGES);
		goto done;
	}
	if (!(w = malloc(sizeof(*w)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	/* Not the value arrays (~4 KiB, written before they are read: a row's ncol
	 * values are read whole), which zeroing cost as much as a small walk. */
	memset(w, 0, offsetof(struct walk, row) + offsetof(struct stele_cs_row, old_values));
	w->p = changes;
	w->len = len;
	w->why = &why;
	/* Each turn consumes at least one byte: the walk ends. */
	while (w->pos < w->len) {
		unsigned char b = w->p[w->pos];

		if (b == 'T' || b == 'P') {
			if (b == 'P') {
				rc = walk_fail(w, w->pos, "a patchset table header; only changesets "
					       "are accepted");
				goto done;
			}
			if (w->row.table && rows_in_table == 0) {
				rc = walk_fail(w, table_at, "table %s has no row changes", w->row.table);
				goto done;
			}
			table_at = w->pos;
			rows_in_table = 0;
			if ((rc = walk_table(w)) < 0)
				goto done;
			continue;
		}
		if (!w->row.table) {
			rc = walk_fail(w, 0, "starts with byte 0x%02x, not a table header", b);
			goto done;
		}
		if ((rc = walk_row(w)) < 0)
			goto done;
		rows_in_table++;
		w->row.number++;
		if (fn && (rc = fn(ctx, &w->row)) != 0)
			goto done;
	}
	if (w->row.table && rows_in_table == 0)
		rc = walk_fail(w, table_at, "table %s has no row changes", w->row.table);
done:
	if (fault)
		*fault = rc == STELE_EVERIFY ? why : STELE_CS_FAULT_NONE;
	free(w);
	return rc;
}
