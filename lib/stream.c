/* stream.c: the checks every change set of a writer's stream passes (shapes,
 * ownership by code prefix, values), and applying it; merge.c merges a stream
 * exactly once on top of these. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cswalk.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "keys.h"
#include "merge.h"
#include "parse.h"
#include "rowcheck.h"

int stele_stream_init(struct stele_stream *s, sqlite3 *db, const char *writer)
{
	enum stele_level level = stele_writer_level(writer);

	if (strlen(writer) > STELE_CS_WRITER_MAX)
		return stele_error(STELE_EINVALID, "writer name '%s' is too long", writer);
	if (level == STELE_LEVEL_NONE)
		return stele_error(STELE_EINVALID, "writer '%s' is no village, township, county, "
				   "city or province code", writer);
	memset(s, 0, sizeof(*s));
	s->db = db;
	strcpy(s->writer, writer);
	s->level = level;
	if (strcmp(writer, STELE_WRITER_COUNTY) != 0)
		strcpy(s->scope, writer);
	for (const char *const *t = stele_village_tables; *t; t++)
		s->shapes[s->nshapes++].name = *t;
	for (const char *const *t = stele_county_tables; *t; t++)
		s->shapes[s->nshapes++].name = *t;
	for (const char *const *t = stele_township_tables; *t; t++)
		s->shapes[s->nshapes++].name = *t;
	return 0;
}

int stele_stream_set_scope(struct stele_stream *s, const char *code)
{
	if (strcmp(s->writer, STELE_WRITER_COUNTY) != 0 ||
	    stele_writer_level(code) != STELE_LEVEL_COUNTY || strlen(code) != STELE_LEVEL_COUNTY)
		return stele_error(STELE_EINVALID, "'%s' cannot narrow the stream of %s", code,
				   s->writer);
	strcpy(s->scope, code);
	return 0;
}

bool stele_stream_county_at_city(const struct stele_stream *s, const char *writer)
{
	/* A county's change sets name it "county" (docs/levels.md); a city tells its
	 * counties' streams apart by the code it registered each under, and the key
	 * pinned for that code is what proves whose stream it is. */
	return s->level == STELE_LEVEL_COUNTY && strcmp(s->writer, STELE_WRITER_COUNTY) != 0 &&
	       (!writer || strcmp(writer, STELE_WRITER_COUNTY) == 0);
}

void stele_stream_advance(struct stele_stream *s, const struct stele_changeset *cs,
			  const unsigned char hash[STELE_HASH_BYTES])
{
	s->last_seq = cs->seq;
	memcpy(s->last_hash, hash, STELE_HASH_BYTES);
}

/* *out: the shape of a synced table in s's db (NULL if name is not one, or db lacks it). */
static int shape_of(const struct stele_table_shape **out, struct stele_stream *s, const char *name)
{
	struct stele_table_shape *shape = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step, ncol = 0;

	for (size_t i = 0; i < s->nshapes; i++)
		if (strcmp(s->shapes[i].name, name) == 0)
			shape = &s->shapes[i];
	if (!shape) {
		*out = NULL;
		return 0;
	}
	if (shape->loaded == 0) {
		/* table_xinfo is not needed: synced tables have no hidden columns. */
		if ((rc = stele_db_prepare(s->db, &stmt,
					   "SELECT pk FROM pragma_table_info(?) ORDER BY cid")) < 0)
			return rc;
		sqlite3_bind_text(stmt, 1, shape->name, -1, SQLITE_STATIC);
		while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
			if (ncol >= STELE_CS_MAX_COLUMNS) {
				rc = stele_error(STELE_EFAIL, "table %s has too many columns", name);
				goto done;
			}
			shape->pk[ncol++] = (unsigned char)sqlite3_column_int(stmt, 0);
		}
		if (step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, s->db, "reading the schema");
			goto done;
		}
		shape->ncol = ncol;
		shape->loaded = ncol > 0 ? 1 : -1;
	}
	*out = shape->loaded > 0 ? shape : NULL;
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* Whether v, a record's village column, is in s's scope: a 12-digit village code
 * starting with it, or a column the record leaves undefined (an update's). */
static bool in_scope(const struct stele_stream *s, const char *table,
		     const struct stele_cs_value *v)
{
	return v->type == 0 || (v->type == SQLITE_TEXT &&
				stele_domain_row_within(table, s->scope, v->bytes, v->len));
}

/* A value for a message: short one-line text as it is, else what it is. */
static void value_shown(char out[40], const struct stele_cs_value *v)
{
	if (v->type == SQLITE_TEXT && v->len <= 32 && stele_utf8_valid((const char *)v->bytes, v->len))
		snprintf(out, 40, "'%.*s'", (int)v->len, (const char *)v->bytes);
	else
		snprintf(out, 40, "%s", v->type == SQLITE_NULL ? "NULL" : v->type == 0 ? "nothing" :
			 v->type == SQLITE_TEXT ? "a long text" : "a non-text value");
}

/* What the row walk checks against, and its verdict. */
struct row_check {
	struct stele_stream *s;
	const char *seq_prefix;  /* "seq 7: " or "" */
	const char *reason;
	unsigned long rows;      /* seen so far */
};

/* The value rules of the row's table (lib/rowcheck.h): the agent's own, so what an
 * agent would not sign is refused here too. */
static int check_values(struct row_check *c, const struct stele_cs_row *row)
{
	if (stele_row_check(row) == 0)
		return 0;
	c->reason = "value";
	return stele_error(STELE_EVERIFY, "%srow change %lu: %s", c->seq_prefix, row->number,
			   stele_error_message());
}

/* The code a stream's writer_key rows are written under: a village's, a
 * township's, a city's code; a county's 6 digits (its stream's name at a city or
 * a township, its scope where the stream is named "county"); "" when unknown. */
static const char *own_code(const struct stele_stream *s)
{
	if (s->level == STELE_LEVEL_COUNTY && strcmp(s->writer, STELE_WRITER_COUNTY) == 0)
		return s->scope;
	return s->writer;
}

/* Whether v is exactly code (or a column the record leaves undefined). */
static bool is_code(const struct stele_cs_value *v, const char *code)
{
	size_t n = strlen(code);

	return v->type == 0 || (n > 0 && v->type == SQLITE_TEXT && v->len == n &&
				memcmp(v->bytes, code, n) == 0);
}

/* A writer_key row of a county's, township's or city's stream: only its own key,
 * under its own code (the announcement's rules are stele_keys_check_announcement's). */
static int check_own_key(struct row_check *c, const struct stele_cs_row *row, int col)
{
	const struct stele_stream *s = c->s;
	const char *code = own_code(s);
	const struct stele_cs_value *v = NULL;
	char shown[40];

	if (row->op != SQLITE_INSERT && !is_code(&row->old_values[col], code))
		v = &row->old_values[col];
	else if (row->op != SQLITE_DELETE && !is_code(&row->new_values[col], code))
		v = &row->new_values[col];
	else
		return check_values(c, row);
	value_shown(shown, v);
	c->reason = "ownership";
	if (!*code)
		return stele_error(STELE_EVERIFY, "%srow change %lu announces a signing key for %s, "
				   "but the code of %s is not known here", c->seq_prefix, row->number,
				   shown, s->writer);
	return stele_error(STELE_EVERIFY, "%srow change %lu announces a signing key for %s; "
			   "%s may only announce its own (%s)", c->seq_prefix, row->number, shown,
			   s->writer, code);
}

/* One row change: in a table the writer's level owns, of the table's shape here,
 * and, when the row belongs to a village, with a village code in the writer's
 * scope (the one rule of lib/domain.h). */
static int check_row(void *ctx, const struct stele_cs_row *row)
{
	struct row_check *c = ctx;
	const struct stele_table_shape *shape = NULL;
	const struct stele_cs_value *code = NULL;
	const struct stele_stream *s = c->s;
	const char *op;
	char shown[40];
	bool own_key;
	int rc, col;

	c->rows = row->number;
	own_key = s->level != STELE_LEVEL_VILLAGE && strcmp(row->table, "writer_key") == 0;
	if (!own_key && !stele_level_owns(s->level, row->table)) {
		c->reason = "ownership";
		if (s->level == STELE_LEVEL_VILLAGE)
			return stele_error(STELE_EVERIFY, "%srow change %lu writes table '%s', which "
					   "village %s does not own", c->seq_prefix, row->number,
					   row->table, s->writer);
		return stele_error(STELE_EVERIFY, "%srow change %lu writes table '%s', which "
				   "%s does not own", c->seq_prefix, row->number, row->table,
				   s->writer);
	}
	if ((rc = shape_of(&shape, c->s, row->table)) < 0)
		return rc;
	if (!shape || shape->ncol != row->ncol) {
		c->reason = "schema";
		return stele_error(STELE_EVERIFY, "%srow change %lu: table %s has %d columns in the "
				   "change set but %d here", c->seq_prefix, row->number, row->table,
				   row->ncol, shape ? shape->ncol : 0);
	}
	if (memcmp(shape->pk, row->pk, (size_t)row->ncol) != 0) {
		c->reason = "schema";
		return stele_error(STELE_EVERIFY, "%srow change %lu: table %s has a different primary "
				   "key in the change set", c->seq_prefix, row->number, row->table);
	}
	if ((col = stele_domain_village_column(row->table)) < 0)
		return check_values(c, row);   /* the level's catalogue: no village's rows */
	if (own_key)
		return check_own_key(c, row, col);
	/* Every record that holds the column must be in scope. An update's new record
	 * leaves a key column alone (stele_cs_walk); an update that leaves alone a village
	 * column outside the key (veto_event's) holds it in neither record: the row was
	 * in scope when it was inserted, and the apply finds it by its key. */
	if (row->op != SQLITE_INSERT && !in_scope(s, row->table, &row->old_values[col]))
		code = &row->old_values[col];
	else if (row->op != SQLITE_DELETE && !in_scope(s, row->table, &row->new_values[col]))
		code = &row->new_values[col];
	else
		return check_values(c, row);
	value_shown(shown, code);
	c->reason = "ownership";
	op = row->op == SQLITE_INSERT ? "insert" : row->op == SQLITE_DELETE ? "delete" : "update";
	if (s->level == STELE_LEVEL_VILLAGE)
		return stele_error(STELE_EVERIFY, "%srow change %lu (%s of %s) carries village_code "
				   "%s, not %s", c->seq_prefix, row->number, op, row->table, shown,
				   s->writer);
	return stele_error(STELE_EVERIFY, "%srow change %lu (%s of %s) carries village code %s, "
			   "which is not a village of %s", c->seq_prefix, row->number, op, row->table,
			   shown, *s->scope ? s->scope : s->writer);
}

/* Walks the rows through check_row; *rows (may be NULL) counts them. */
static int check_rows(const char **reason, long *rows, struct stele_stream *s,
		      const char *seq_prefix, const void *changes, size_t len)
{
	struct row_check c = { .s = s, .seq_prefix = seq_prefix };
	enum stele_cs_fault fault = STELE_CS_FAULT_NONE;
	int rc;

	rc = stele_cs_walk(&fault, changes, len, check_row, &c);
	if (rc == STELE_EVERIFY && fault != STELE_CS_FAULT_NONE) {
		/* The bytes themselves (the walk's own refusal). */
		*reason = stele_cs_fault_name(fault);
		return *seq_prefix ? stele_error(rc, "%s%s", seq_prefix, stele_error_message()) : rc;
	}
	if (rc == STELE_EVERIFY)
		*reason = c.reason;
	if (rc == 0 && rows)
		*rows = (long)c.rows;
	return rc;
}

int stele_merge_check_changes(const char **reason, sqlite3 *db, const char *writer,
			      const void *changes, size_t len)
{
	struct stele_stream *s = malloc(sizeof(*s));
	int rc;

	if (!s)
		return stele_error(STELE_EFAIL, "out of memory");
	if ((rc = stele_stream_init(s, db, writer)) == 0)
		rc = check_rows(reason, NULL, s, "", changes, len);
	free(s);
	return rc;
}

int stele_stream_check(const char **reason, long *rows, struct stele_stream *s,
		       const struct stele_changeset *cs)
{
	unsigned long long seq = (unsigned long long)cs->seq, last = (unsigned long long)s->last_seq;
	char prefix[32];
	int rc;

	if (strcmp(cs->writer, s->writer) != 0 && !stele_stream_county_at_city(s, cs->writer)) {
		*reason = "writer";
		return stele_error(STELE_EVERIFY, "change set seq %llu names writer %s, not %s", seq,
				   cs->writer, s->writer);
	}
	if (cs->seq <= s->last_seq) {
		*reason = "chain";
		return stele_error(STELE_EVERIFY, "seq %llu comes after seq %llu: it is repeated or "
				   "out of order", seq, last);
	}
	if (cs->seq != s->last_seq + 1) {
		*reason = "chain";
		return stele_error(STELE_EVERIFY, "seq %llu follows seq %llu: change sets %llu..%llu "
				   "are missing", seq, last, last + 1, seq - 1);
	}
	if (memcmp(cs->prev_hash, s->last_hash, STELE_HASH_BYTES) != 0) {
		*reason = "chain";
		return stele_error(STELE_EVERIFY, "seq %llu does not name seq %llu's hash as its "
				   "predecessor", seq, last);
	}
	if (cs->schema < 1 || cs->schema > (unsigned)stele_schema_version()) {
		*reason = "schema";
		return stele_error(STELE_EVERIFY, "seq %llu has schema version %u; this program knows "
				   "1..%d", seq, cs->schema, stele_schema_version());
	}
	snprintf(prefix, sizeof(prefix), "seq %llu: ", seq);
	if ((rc = check_rows(reason, rows, s, prefix, cs->changes, cs->changes_len)) < 0)
		return rc;
	/* Rows that are the village's own may still announce a key wrongly. */
	if ((rc = stele_keys_check_announcement(&s->announced, cs)) < 0)
		*reason = "key";
	return rc;
}

/* What the conflict handler saw, for the message. */
struct conflict_seen {
	int type;
	char table[STELE_CS_MAX_NAME + 1];
};

static int on_conflict(void *arg, int type, sqlite3_changeset_iter *it)
{
	struct conflict_seen *seen = arg;
	const char *table = NULL;
	int ncol, op, indirect;

	if (!seen->type) {
		seen->type = type;
		if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) == SQLITE_OK && table)
			snprintf(seen->table, sizeof(seen->table), "%s", table);
	}
	return SQLITE_CHANGESET_ABORT;
}

static const char *conflict_words(int type)
{
	switch (type) {
	case SQLITE_CHANGESET_DATA: return "the row here differs from the one the change set changes";
	case SQLITE_CHANGESET_NOTFOUND: return "the row it changes does not exist here";
	case SQLITE_CHANGESET_CONFLICT: return "the row it adds already exists here";
	case SQLITE_CHANGESET_CONSTRAINT: return "it breaks a constraint";
	case SQLITE_CHANGESET_FOREIGN_KEY: return "it breaks a foreign key";
	}
	return "it does not apply";
}

/* sqlite3changeset_apply_v2's table filter at a city (0 skips the table): a county
 * stream's catalogue is left out, the city's own (stele_level_owns), and so are the
 * county's issued tasks, numbered per county (docs/levels.md "Cities"). They are
 * checked like every row, then left out of the apply. */
static int city_filter(void *arg, const char *table)
{
	(void)arg;
	return !stele_level_owns(STELE_LEVEL_CITY, table) && strcmp(table, "issued_task") != 0 &&
	       strcmp(table, "issued_task_village") != 0;
}

/* The filter of a county's stream at a township of the county: the catalogue is
 * left out (the township follows it itself, as a county follows its city's), and
 * the villages' names (the township registers its villages itself: `village add`);
 * the issued tasks, numbered by the one county, are taken. */
static int township_filter(void *arg, const char *table)
{
	(void)arg;
	return !stele_level_owns(STELE_LEVEL_CITY, table) && strcmp(table, "village") != 0;
}

/* The filter of a city's stream read at its county: every table is left out of
 * the apply but writer_key, the city's rotations of its own key, which the merge
 * needs to verify the change sets after them (lib/keys.h). The merge verifies the
 * city's change sets (chain, signature, ownership: the catalogue and its own key
 * only); the county then applies the verified ones to its catalogue as its own
 * captured change set (aggregator/city.c), so its stream carries the city's
 * catalogue on to its villages. */
static int key_only_filter(void *arg, const char *table)
{
	(void)arg;
	return strcmp(table, "writer_key") == 0; /* but the city's own key rotations */
}

stele_stream_filter_fn stele_stream_filter(const struct stele_stream *s)
{
	if (s->level == STELE_LEVEL_CITY)
		return key_only_filter;
	if (!stele_stream_county_at_city(s, NULL))
		return NULL;
	return s->one_county ? township_filter : city_filter;
}

int stele_stream_apply(const char **reason, struct stele_stream *s,
		       const struct stele_changeset *cs)
{
	struct conflict_seen seen = { 0 };
	int src;

	if (cs->changes_len == 0)
		return 0;
	/* The default flags wrap the apply in a savepoint: a refused change set leaves
	 * the caller's transaction as it was. */
	src = sqlite3changeset_apply_v2(s->db, (int)cs->changes_len, cs->changes,
					stele_stream_filter(s),
					on_conflict, &seen, NULL, NULL, 0);
	if (src == SQLITE_ABORT || seen.type) {
		*reason = "conflict";
		return stele_error(STELE_EVERIFY, "seq %llu: a row change of %s does not apply: %s",
				   (unsigned long long)cs->seq, seen.table[0] ? seen.table : "a table",
				   conflict_words(seen.type));
	}
	if (src == SQLITE_BUSY)
		return stele_error_db(STELE_EBUSY, s->db, "applying a change set");
	if (src != SQLITE_OK)
		return stele_error_db(STELE_EFAIL, s->db, "applying a change set");
	return 0;
}
