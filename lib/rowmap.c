/* rowmap.c: the fingerprints of the rows a batch of change sets touches and names,
 * deciding which change sets may be applied as one, and their combined bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cswalk.h"
#include "buf.h"
#include "db.h"
#include "error.h"
#include "rowmap.h"

#define MAX_TABLES  48
#define MAX_LINKS   8    /* foreign keys, or UNIQUE indexes, of one table */
#define MAX_LINKCOL 8    /* columns of one */

#define TOUCHED 1u
#define NAMED   2u

/* A foreign key (child columns in the order of the parent's key columns) or a
 * UNIQUE index (its columns). */
struct link {
	char parent[STELE_CS_MAX_NAME + 1];  /* foreign keys: the parent table */
	int n;
	int col[MAX_LINKCOL];                /* the child table's column places (0..) */
};

/* What the map knows of one table. */
struct table {
	char name[STELE_CS_MAX_NAME + 1];
	bool alone;                      /* never combined (see rowmap.h) */
	int nfk, nuniq;
	struct link fk[MAX_LINKS], uniq[MAX_LINKS];
};

/* One fingerprint of the change set being decided. */
struct mark {
	uint64_t h;
	unsigned kind;
};

/* What one run added to the combined bytes: len bytes at off, rows of the table
 * rm->tables[table] under the header of hdr_len bytes at hdr_off (at off itself
 * when the piece begins with it; before, when it continues the piece before). */
struct piece {
	size_t off, len, hdr_off, hdr_len;
	size_t table;
};

/* A run of rows of one table inside a change set's bytes. */
struct run {
	size_t header, rows;  /* offsets of its 'T' and of its first row */
	const char *name;
	const unsigned char *pk;
	size_t table;         /* its place in rm->tables */
};

struct stele_rowmap {
	sqlite3 *db;
	struct table tables[MAX_TABLES];
	size_t ntables;
	/* The batch's fingerprints: open addressing, 0 is empty. */
	uint64_t *keys;
	unsigned char *kinds;
	size_t cap, used;
	/* The change set being decided. */
	struct mark *marks;
	size_t nmarks, capmarks;
	struct run *runs;
	size_t nruns, capruns;
	bool alone;
	int rc;
	/* The combined bytes, what each run added to them, and the same gathered by
	 * table (stele_rowmap_grouped). */
	struct stele_buf bytes;
	struct piece *pieces;
	size_t npieces, cappieces;
	struct stele_buf grouped;
};

int stele_rowmap_new(struct stele_rowmap **out, sqlite3 *db)
{
	struct stele_rowmap *rm = calloc(1, sizeof(*rm));

	if (!rm)
		return stele_error(STELE_EFAIL, "out of memory");
	rm->db = db;
	stele_buf_init(&rm->bytes, STELE_BUF_NOLIMIT);
	stele_buf_init(&rm->grouped, STELE_BUF_NOLIMIT);
	*out = rm;
	return 0;
}

void stele_rowmap_free(struct stele_rowmap *rm)
{
	if (!rm)
		return;
	free(rm->keys);
	free(rm->kinds);
	free(rm->marks);
	free(rm->runs);
	stele_buf_free(&rm->bytes);
	stele_buf_free(&rm->grouped);
	free(rm->pieces);
	free(rm);
}

void stele_rowmap_reset(struct stele_rowmap *rm)
{
	if (rm->used) {
		memset(rm->keys, 0, rm->cap * sizeof(*rm->keys));
		memset(rm->kinds, 0, rm->cap);
	}
	rm->used = 0;
	stele_buf_reset(&rm->bytes);
	rm->npieces = 0;
}

const struct stele_buf *stele_rowmap_bytes(const struct stele_rowmap *rm)
{
	return &rm->bytes;
}

/* The place (0..) in table of column name, or (name NULL) of the column that is
 * place key in its primary key; -1 if none (or name is not in the key), -2 on an
 * error. */
static int key_column(sqlite3 *db, const char *table, const char *name, int key)
{
	sqlite3_stmt *stmt = NULL;
	int place = -1;

	if (stele_db_prepare(db, &stmt, name ? "SELECT cid FROM pragma_table_info(?1) "
					       "WHERE name = ?2 AND pk > 0"
					     : "SELECT cid FROM pragma_table_info(?1) WHERE pk = ?3") < 0)
		return -2;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	if (name)
		sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(stmt, 3, key);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		place = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return place;
}

/* The place (0..) of column name in table, -1 if none, -2 on an error. */
static int column_place(sqlite3 *db, const char *table, const char *name)
{
	sqlite3_stmt *stmt = NULL;
	int place = -1;

	if (stele_db_prepare(db, &stmt, "SELECT cid FROM pragma_table_info(?1) WHERE name = ?2") < 0)
		return -2;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		place = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return place;
}

/*
 * t's foreign keys, each as its columns in the order of the parent's key columns
 * in the parent (the order the parent's own fingerprint reads them in). One that
 * is not to the parent's whole primary key, or has ON DELETE/UPDATE actions,
 * makes t alone.
 */
static int load_fks(struct table *t, sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step = SQLITE_DONE, id = -1, parent_place[MAX_LINKCOL];
	int64_t parent_keys = 0;
	struct link *l = NULL;
	char sql[200];

	if ((rc = stele_db_prepare(db, &stmt, "SELECT id, seq, \"table\", \"from\", \"to\", "
					      "on_update, on_delete FROM pragma_foreign_key_list(?) "
					      "ORDER BY id, seq")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, t->name, -1, SQLITE_STATIC);
	while (!t->alone && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *parent = (const char *)sqlite3_column_text(stmt, 2);
		const char *from = (const char *)sqlite3_column_text(stmt, 3);
		const char *to = (const char *)sqlite3_column_text(stmt, 4);
		const char *upd = (const char *)sqlite3_column_text(stmt, 5);
		const char *del = (const char *)sqlite3_column_text(stmt, 6);
		int child, up;

		if (!parent || !from || strlen(parent) > STELE_CS_MAX_NAME ||
		    !upd || !del || (strcmp(upd, "NO ACTION") != 0 && strcmp(upd, "RESTRICT") != 0) ||
		    (strcmp(del, "NO ACTION") != 0 && strcmp(del, "RESTRICT") != 0)) {
			t->alone = true;
			break;
		}
		if (sqlite3_column_int(stmt, 0) != id) {
			if ((l && l->n != parent_keys) || t->nfk == MAX_LINKS) {
				t->alone = true;
				break;
			}
			id = sqlite3_column_int(stmt, 0);
			l = &t->fk[t->nfk++];
			memset(l, 0, sizeof(*l));
			snprintf(l->parent, sizeof(l->parent), "%s", parent);
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM pragma_table_info('%s') "
				 "WHERE pk > 0", parent);
			if ((rc = stele_db_int(db, sql, &parent_keys)) < 0)
				goto done;
		}
		child = column_place(db, t->name, from);
		up = key_column(db, parent, to, sqlite3_column_int(stmt, 1) + 1);
		if (child == -2 || up == -2) {
			rc = stele_error_db(STELE_EFAIL, db, "reading the schema");
			goto done;
		}
		if (child < 0 || up < 0 || l->n == MAX_LINKCOL) {
			t->alone = true;
			break;
		}
		parent_place[l->n] = up;
		l->col[l->n++] = child;
		for (int i = l->n - 1; i > 0 && parent_place[i - 1] > parent_place[i]; i--) {
			int x = parent_place[i];
			parent_place[i] = parent_place[i - 1];
			parent_place[i - 1] = x;
			x = l->col[i];
			l->col[i] = l->col[i - 1];
			l->col[i - 1] = x;
		}
	}
	if (!t->alone && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the schema");
	else if (!t->alone && l && l->n != parent_keys)
		t->alone = true;
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* t's UNIQUE indexes other than its primary key. */
static int load_uniques(struct table *t, sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step = SQLITE_DONE;

	if ((rc = stele_db_prepare(db, &stmt, "SELECT il.name, ii.cid FROM pragma_index_list(?1) il, "
					      "pragma_index_info(il.name) ii WHERE il.\"unique\" AND "
					      "il.origin != 'pk' ORDER BY il.name, ii.seqno")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, t->name, -1, SQLITE_STATIC);
	char last[128] = "";
	struct link *l = NULL;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);
		int cid = sqlite3_column_int(stmt, 1);

		if (!name || strcmp(name, last) != 0) {
			if (t->nuniq == MAX_LINKS) {
				t->alone = true;
				break;
			}
			snprintf(last, sizeof(last), "%s", name ? name : "");
			l = &t->uniq[t->nuniq++];
			memset(l, 0, sizeof(*l));
		}
		if (cid < 0 || l->n == MAX_LINKCOL) { /* an expression, or the rowid */
			t->alone = true;
			break;
		}
		l->col[l->n++] = cid;
	}
	if (!t->alone && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the schema");
	sqlite3_finalize(stmt);
	return rc;
}

/* The table named name (loaded on first use); NULL with rc on an error. */
static int table_of(struct table **out, struct stele_rowmap *rm, const char *name)
{
	struct table *t;
	char sql[320];
	int64_t triggers = 0;
	int rc;

	for (size_t i = 0; i < rm->ntables; i++)
		if (strcmp(rm->tables[i].name, name) == 0) {
			*out = &rm->tables[i];
			return 0;
		}
	if (rm->ntables == MAX_TABLES)
		return stele_error(STELE_EFAIL, "too many tables in one stream");
	t = &rm->tables[rm->ntables];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	/* A trigger other than history's (NAME_hist_i, _u, _d: they write only the
	 * history's own tables) may write rows the map does not see. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
		 "tbl_name = '%s' AND name NOT IN ('%s_hist_i', '%s_hist_u', '%s_hist_d')",
		 name, name, name, name);
	if ((rc = stele_db_int(rm->db, sql, &triggers)) < 0 || (rc = load_fks(t, rm->db)) < 0 ||
	    (rc = load_uniques(t, rm->db)) < 0)
		return rc;
	if (triggers)
		t->alone = true;
	rm->ntables++;
	*out = t;
	return 0;
}

/* FNV-1a over the bytes. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t hash_value(uint64_t h, const struct stele_cs_value *v)
{
	unsigned char type = (unsigned char)v->type;

	h = fnv(h, &type, 1);
	if (v->type == SQLITE_INTEGER || v->type == SQLITE_FLOAT)
		h = fnv(h, &v->integer, sizeof(v->integer));
	else if (v->type == SQLITE_TEXT || v->type == SQLITE_BLOB)
		h = fnv(fnv(h, &v->len, sizeof(v->len)), v->bytes, v->len);
	return h;
}

/* The fingerprint's start: what it is of (a key or an index) and in which table. */
static uint64_t hash_start(char what, const char *table, int index)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, &what, 1);

	h = fnv(h, table, strlen(table) + 1);
	return fnv(h, &index, sizeof(index));
}

static int add_mark(struct stele_rowmap *rm, uint64_t h, unsigned kind)
{
	int rc;

	if ((rc = stele_array_reserve(&rm->marks, &rm->capmarks, rm->nmarks, sizeof(*rm->marks),
				      64)) < 0)
		return rc;
	rm->marks[rm->nmarks].h = h ? h : 1;
	rm->marks[rm->nmarks++].kind = kind;
	return 0;
}

/*
 * The value of column col after the change (after: new record, else old), or
 * before it; NULL when the record does not say (an update's unchanged column).
 * An update's new record leaves its key to the old one.
 */
static const struct stele_cs_value *value_at(const struct stele_cs_row *row, int col, bool after)
{
	const struct stele_cs_value *v;

	if (after && row->op != SQLITE_DELETE) {
		v = &row->new_values[col];
		if (v->type != 0 || row->op == SQLITE_INSERT)
			return v->type ? v : NULL;
	}
	if (row->op == SQLITE_INSERT)
		return NULL;
	v = &row->old_values[col];
	return v->type ? v : NULL;
}

/* The fingerprint of link l's values in the record before or after the change; 0
 * when it holds a NULL (no constraint applies), -1 when the record leaves one out. */
static int link_hash(uint64_t *h, const struct stele_cs_row *row, const struct link *l,
		     uint64_t start, bool after)
{
	*h = start;
	for (int i = 0; i < l->n; i++) {
		const struct stele_cs_value *v;

		if (l->col[i] >= row->ncol)
			return -1;
		if (!(v = value_at(row, l->col[i], after)))
			return -1;
		if (v->type == SQLITE_NULL)
			return 0;
		*h = hash_value(*h, v);
	}
	return 1;
}

/* Whether an update changes one of link l's columns. */
static bool link_changed(const struct stele_cs_row *row, const struct link *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->col[i] < row->ncol && row->new_values[l->col[i]].type != 0)
			return true;
	return false;
}

/* The marks of link l (a UNIQUE index: TOUCHED; a foreign key: NAMED) for row. */
static int mark_link(struct stele_rowmap *rm, const struct stele_cs_row *row, const struct link *l,
		     uint64_t start, unsigned kind)
{
	uint64_t h;
	int rc, have;

	if (row->op == SQLITE_UPDATE && !link_changed(row, l))
		return 0;
	for (int after = 0; after < 2; after++) {
		if ((after && row->op == SQLITE_DELETE) || (!after && row->op == SQLITE_INSERT))
			continue;
		if ((have = link_hash(&h, row, l, start, after)) < 0) {
			rm->alone = true;
			return 0;
		}
		if (have && (rc = add_mark(rm, h, kind)) < 0)
			return rc;
	}
	return 0;
}

/* stele_cs_walk callback: one row's fingerprints, and the runs of tables. */
static int on_row(void *arg, const struct stele_cs_row *row)
{
	struct stele_rowmap *rm = arg;
	struct table *t = NULL;
	uint64_t h;
	int rc;

	if ((rc = table_of(&t, rm, row->table)) < 0)
		return rc;
	if (rm->nruns == 0 || rm->runs[rm->nruns - 1].name != row->table) {
		if ((rc = stele_array_reserve(&rm->runs, &rm->capruns, rm->nruns, sizeof(*rm->runs),
					      8)) < 0)
			return rc;
		/* The header is 'T', the column count (one byte: at most 64), the key
		 * flags, the name; the first row follows it. */
		struct run *r = &rm->runs[rm->nruns++];
		r->name = row->table;
		r->pk = row->pk;
		r->table = (size_t)(t - rm->tables);
		r->header = 0; /* known once the walk is over (stele_rowmap_add) */
		r->rows = row->offset;
	}
	if (t->alone) {
		rm->alone = true;
		return 0;
	}
	/* The row itself: by its key, in the record that holds it. */
	h = hash_start('K', row->table, 0);
	for (int i = 0; i < row->ncol; i++)
		if (row->pk[i])
			h = hash_value(h, row->op == SQLITE_INSERT ? &row->new_values[i]
								   : &row->old_values[i]);
	if ((rc = add_mark(rm, h, TOUCHED)) < 0)
		return rc;
	for (int k = 0; k < t->nuniq; k++)
		if ((rc = mark_link(rm, row, &t->uniq[k], hash_start('U', row->table, k), TOUCHED)) < 0)
			return rc;
	/* A parent row is named by the fingerprint of its own key. */
	for (int k = 0; k < t->nfk; k++)
		if ((rc = mark_link(rm, row, &t->fk[k], hash_start('K', t->fk[k].parent, 0), NAMED)) < 0)
			return rc;
	return 0;
}

static int map_grow(struct stele_rowmap *rm)
{
	size_t cap = rm->cap ? 2 * rm->cap : 1024;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	unsigned char *kinds = calloc(cap, 1);

	if (!keys || !kinds) {
		free(keys);
		free(kinds);
		return stele_error(STELE_EFAIL, "out of memory");
	}
	for (size_t i = 0; i < rm->cap; i++) {
		if (!rm->keys[i])
			continue;
		size_t j = rm->keys[i] & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = rm->keys[i];
		kinds[j] = rm->kinds[i];
	}
	free(rm->keys);
	free(rm->kinds);
	rm->keys = keys;
	rm->kinds = kinds;
	rm->cap = cap;
	return 0;
}

/* The slot of h (its own, or the empty one it would take). */
static size_t map_slot(const struct stele_rowmap *rm, uint64_t h)
{
	size_t j = h & (rm->cap - 1);

	while (rm->keys[j] && rm->keys[j] != h)
		j = (j + 1) & (rm->cap - 1);
	return j;
}

/* Whether piece a's header and the n bytes of header h are the same to the byte
 * (the same table, columns and key). */
static bool same_header(const struct stele_rowmap *rm, const struct piece *a,
			const unsigned char *h, size_t n)
{
	return a->hdr_len == n && memcmp(rm->bytes.data + a->hdr_off, h, n) == 0;
}

/* Appends the change set's bytes to the combined ones, leaving out a header that
 * repeats the one they end in, and notes each run's piece. */
static int append_runs(struct stele_rowmap *rm, const unsigned char *p, size_t len)
{
	int rc = 0;

	for (size_t i = 0; i < rm->nruns && rc == 0; i++) {
		const struct run *r = &rm->runs[i];
		size_t end = i + 1 < rm->nruns ? rm->runs[i + 1].header : len;
		size_t hdr_len = r->rows - r->header, off = rm->bytes.len, hdr_off = off;
		const struct piece *last = rm->npieces ? &rm->pieces[rm->npieces - 1] : NULL;
		size_t from = r->header;
		struct piece *piece;

		if (last && same_header(rm, last, p + r->header, hdr_len)) {
			from = r->rows;
			hdr_off = last->hdr_off;
		}
		if ((rc = stele_array_reserve(&rm->pieces, &rm->cappieces, rm->npieces,
					      sizeof(*rm->pieces), 64)) < 0 ||
		    (rc = stele_buf_append(&rm->bytes, p + from, end - from)) < 0)
			break;
		piece = &rm->pieces[rm->npieces++];
		*piece = (struct piece){ .off = off, .len = end - from, .hdr_off = hdr_off,
					 .hdr_len = hdr_len, .table = r->table };
	}
	return rc;
}

int stele_rowmap_grouped(const unsigned char **out, size_t *outlen, struct stele_rowmap *rm,
			 size_t end)
{
	int rc = 0;

	stele_buf_reset(&rm->grouped);
	for (size_t t = 0; t < rm->ntables && rc == 0; t++) {
		const struct piece *head = NULL; /* the piece whose header the rows stand under */

		for (size_t k = 0; k < rm->npieces && rc == 0; k++) {
			const struct piece *piece = &rm->pieces[k];
			size_t skip = 0;

			if (piece->table != t || piece->off + piece->len > end)
				continue;
			/* A piece that begins with its header: left out under the same one. */
			if (piece->off == piece->hdr_off) {
				if (head && same_header(rm, head, (const unsigned char *)rm->bytes.data +
							piece->off, piece->hdr_len))
					skip = piece->hdr_len;
				else
					head = piece;
			}
			rc = stele_buf_append(&rm->grouped, rm->bytes.data + piece->off + skip,
					      piece->len - skip);
		}
	}
	if (rc < 0)
		return rc;
	*out = (const unsigned char *)rm->grouped.data;
	*outlen = rm->grouped.len;
	return 0;
}

int stele_rowmap_add(enum stele_rowmap_verdict *verdict, struct stele_rowmap *rm,
		     const void *changes, size_t len)
{
	const unsigned char *p = changes;
	int rc;

	rm->nmarks = rm->nruns = 0;
	rm->alone = false;
	if ((rc = stele_cs_walk(NULL, changes, len, on_row, rm)) < 0)
		return rc;
	/* The runs' headers, as offsets into these bytes. */
	for (size_t i = 0; i < rm->nruns; i++) {
		rm->runs[i].header = (size_t)(rm->runs[i].pk - 2 - p);
		if (p[rm->runs[i].header] != 'T')
			rm->alone = true; /* not the header read: never combined */
	}
	if (rm->alone) {
		*verdict = STELE_ROWMAP_ALONE;
		return 0;
	}
	if (rm->used) {
		for (size_t i = 0; i < rm->nmarks; i++) {
			size_t j = map_slot(rm, rm->marks[i].h);
			unsigned seen = rm->keys[j] ? rm->kinds[j] : 0;

			/* What it touches the batch touched or named; what it names the
			 * batch touched. */
			if ((rm->marks[i].kind == TOUCHED && seen) || (seen & TOUCHED)) {
				*verdict = STELE_ROWMAP_FLUSH;
				return 0;
			}
		}
	}
	for (size_t i = 0; i < rm->nmarks; i++) {
		if (2 * (rm->used + 1) > rm->cap && (rc = map_grow(rm)) < 0)
			return rc;
		size_t j = map_slot(rm, rm->marks[i].h);
		if (!rm->keys[j]) {
			rm->keys[j] = rm->marks[i].h;
			rm->used++;
		}
		rm->kinds[j] |= (unsigned char)rm->marks[i].kind;
	}
	if ((rc = append_runs(rm, p, len)) < 0)
		return rc;
	*verdict = STELE_ROWMAP_JOINED;
	return 0;
}
