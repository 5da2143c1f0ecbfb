/* rowcheck.c: the value rules of every synced table, checked on each row change the
 * agent signs and each one the merge applies (one validator per table). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "error.h"
#include "parse.h"
#include "rowcheck.h"

enum col_kind {
	C_ANY,    /* checked elsewhere (village_code: the ownership check) */
	C_ID,     /* 1..32 ASCII letters, digits, '-', '_' (agent_check_id) */
	C_CODE,   /* a rule or item code: 1..16 ASCII letters, digits, '-', '_', '.' */
	C_TEXT,   /* one-line UTF-8 without control characters, lo..hi bytes */
	C_DATE,   /* YYYY-MM-DD, a real date */
	C_MONTH,  /* YYYY-MM */
	C_INT,    /* an integer in lo..hi */
	C_FIXED,  /* an integer in lo..hi, shown with `places` decimals */
	C_ENUM,   /* one of set */
};

struct col_rule {
	const char *name;
	enum col_kind kind;
	bool optional;            /* NULL (or '') is allowed */
	int64_t lo, hi;
	int places;
	const char *const *set;
};

struct table_rule {
	const char *table;
	int ncol;                 /* the columns known here; later ones are not checked */
	int label;                /* how a row is named: 1 its id column, 2 (year, item), 3 (period) */
	struct col_rule cols[8];
};

static const char *const genders[] = { "M", "F", NULL };
static const char *const statuses[] = { "active", "transferred_out", "flowing", "deceased", NULL };
static const char *const stages[] = { "recorded", "group", "committee", "assembly", "published",
				      "rejected", NULL };
static const char *const categories[] = { "base", "merit", "bonus", "deduction", "zeroing", NULL };

#define ANY(n)            { n, C_ANY, false, 0, 0, 0, NULL }
#define ID(n, opt)        { n, C_ID, opt, 1, 32, 0, NULL }
#define CODE(n)           { n, C_CODE, false, 1, 16, 0, NULL }
#define TEXT(n, opt, lo, hi) { n, C_TEXT, opt, lo, hi, 0, NULL }
#define DATE(n, opt)      { n, C_DATE, opt, 0, 0, 0, NULL }
#define MONTH(n)          { n, C_MONTH, false, 0, 0, 0, NULL }
#define INT(n, opt, lo, hi) { n, C_INT, opt, lo, hi, 0, NULL }
#define FIXED(n, lo, hi, p) { n, C_FIXED, false, lo, hi, p, NULL }
#define ENUM(n, opt, set) { n, C_ENUM, opt, 0, 0, 0, set }

/* Column order is the schema's (schema/0001-core.sql, 0002-writer-key.sql,
 * 0005-corrections.sql, 0007-governance.sql, 0010-reversals.sql,
 * 0011-weak-requests.sql, 0012-grids.sql, 0015-city.sql). */
static const struct table_rule tables[] = {
	{ "member", 8, 1, { ANY("village_code"), ID("id", false),
		TEXT("name", false, 1, STELE_NAME_MAX), ENUM("gender", true, genders),
		INT("born", true, 1900, 2999), DATE("joined", true), ENUM("status", false, statuses),
		TEXT("grid", true, 0, STELE_LABEL_MAX) } },
	{ "point_event", 8, 1, { ANY("village_code"), ID("id", false), ID("member_id", false),
		CODE("rule_code"), DATE("occurred_on", false),
		FIXED("points", -STELE_POINTS_MAX, STELE_POINTS_MAX, 1), ENUM("stage", false, stages),
		TEXT("note", true, 0, STELE_NOTE_MAX) } },
	{ "task", 7, 1, { ANY("village_code"), ID("id", false), TEXT("title", false, 1, STELE_TITLE_MAX),
		TEXT("category", true, 0, STELE_LABEL_MAX), ID("assignee", true), DATE("due_on", false),
		DATE("closed_on", true) } },
	{ "request", 7, 1, { ANY("village_code"), ID("id", false), DATE("received_on", false),
		TEXT("category", true, 0, STELE_LABEL_MAX), TEXT("grid", true, 0, STELE_LABEL_MAX),
		DATE("resolved_on", true), INT("satisfied", true, 0, 1) } },
	{ "income", 5, 1, { ANY("village_code"), ID("id", false), MONTH("period"),
		FIXED("amount", -STELE_FEN_MAX, STELE_FEN_MAX, 2),
		TEXT("source", false, 0, STELE_LABEL_MAX) } },
	{ "assessment", 5, 2, { ANY("village_code"), INT("year", false, 1900, 2999), CODE("item_code"),
		FIXED("score", 0, STELE_SCORE_MAX, 1), TEXT("note", true, 0, STELE_NOTE_MAX) } },
	{ "period_close", 3, 3, { ANY("village_code"), MONTH("period"),
		TEXT("closed_at", false, 1, 32) } },
	/* schema/0005-corrections.sql: who made a change set, what it reverts, the name. */
	{ "change_note", 6, 3, { ANY("village_code"), INT("seq", false, 1, INT64_MAX),
		TEXT("clerk", true, 0, 64), INT("reverts", true, 1, INT64_MAX),
		TEXT("note", true, 0, STELE_NOTE_MAX), TEXT("village_name", true, 0, 200) } },
	/* schema/0010-reversals.sql: which event a reversing event reverses. */
	{ "point_reversal", 3, 2, { ANY("village_code"), ID("event_id", false),
		ID("reverses", false) } },
	{ "issued_task_close", 3, 1, { ANY("village_code"), ID("task_id", false),
		DATE("closed_on", false) } },
	/* schema/0012-grids.sql: the village's grid registry (网格). */
	{ "grid", 5, 1, { ANY("village_code"), ID("id", false), TEXT("name", true, 0, STELE_LABEL_MAX),
		INT("households", true, 0, STELE_HOUSEHOLDS_MAX), TEXT("worker", true, 0, STELE_NAME_MAX) } },
	/* schema/0011-weak-requests.sql: who took a request, its escalation, feedback. */
	{ "request_followup", 6, 1, { ANY("village_code"), ID("request_id", false),
		ID("handler", true), TEXT("escalated_to", true, 1, STELE_LABEL_MAX),
		DATE("escalated_on", true), TEXT("feedback", true, 0, STELE_NOTE_MAX) } },
	/* The county's: what an agent applies from the county stream. */
	{ "point_rule", 5, 0, { CODE("code"), ENUM("category", false, categories),
		TEXT("name", false, 1, 200), FIXED("points", -STELE_POINTS_MAX, STELE_POINTS_MAX, 1),
		INT("active", false, 0, 1) } },
	{ "standard_item", 4, 0, { CODE("code"), TEXT("name", false, 1, 200),
		FIXED("max_score", 0, STELE_SCORE_MAX, 1), INT("active", false, 0, 1) } },
	/* The township's first review (schema/0008-levels.sql). */
	{ "township_review", 5, 2, { ANY("village_code"), INT("year", false, 1900, 2999),
		CODE("item_code"), FIXED("score", 0, STELE_SCORE_MAX, 1),
		TEXT("note", true, 0, STELE_NOTE_MAX) } },
	{ "village", 4, 0, { ANY("code"), TEXT("name", false, 1, 200), ANY("township_code"),
		TEXT("township_name", false, 1, 200) } },
	{ "issued_task", 5, 0, { ID("id", false), TEXT("title", false, 1, STELE_TITLE_MAX),
		TEXT("category", true, 0, STELE_LABEL_MAX), DATE("due_on", false),
		DATE("issued_on", false) } },
	{ "issued_task_village", 2, 0, { ID("task_id", false), ANY("village_code") } },
	/* The county's published registry (schema/0015-city.sql); the keys' hex digits
	 * are the schema's CHECK. */
	{ "registry_source", 3, 0, { ANY("code"), TEXT("remote", false, 0, 1024),
		TEXT("pubkey", true, 64, 64) } },
	{ "registry_key", 4, 0, { ANY("code"), INT("seq_from", false, 1, INT64_MAX),
		TEXT("new_key", true, 64, 64), INT("revokes", false, 0, 1) } },
};

/* A value for a message: short printable text as it is (quoted), else what it is;
 * returns out. */
static const char *shown(char out[48], const struct stele_cs_value *v)
{
	if (v->type == SQLITE_TEXT && v->len <= 32 &&
	    stele_utf8_valid((const char *)v->bytes, v->len))
		snprintf(out, 48, "'%.*s'", (int)v->len, (const char *)v->bytes);
	else if (v->type == SQLITE_INTEGER)
		snprintf(out, 48, "%" PRId64, v->integer);
	else
		snprintf(out, 48, "%s", v->type == SQLITE_NULL ? "empty" :
			 v->type == SQLITE_TEXT ? "a text that is not short one-line UTF-8" :
			 v->type == SQLITE_FLOAT ? "a floating-point value" : "a blob");
	return out;
}

/* How the row is named in messages: "income 'I0001'", "assessment 2026 A01". */
static void row_label(char out[128], const struct table_rule *t, const struct stele_cs_row *row)
{
	const struct stele_cs_value *k = row->op == SQLITE_INSERT ? row->new_values : row->old_values;
	char a[48], b[48];

	if (t->label == 1 && row->ncol > 1) {
		shown(a, &k[1]);
		snprintf(out, 128, "%s %s", t->table, a);
	} else if (t->label == 2 && row->ncol > 2) {
		shown(a, &k[1]);
		shown(b, &k[2]);
		snprintf(out, 128, "%s %s %s", t->table, a, b);
	} else if (t->label == 3 && row->ncol > 1) {
		shown(a, &k[1]);
		snprintf(out, 128, "%s %s", t->table, a);
	} else if (t->label == 0 && row->ncol > 0) {
		shown(a, &k[0]);
		snprintf(out, 128, "%s %s", t->table, a);
	} else {
		snprintf(out, 128, "%s row change %lu", t->table, row->number);
	}
}

/* A row's label for messages, written on first use: most rows pass and need none. */
struct row_name {
	const struct table_rule *t;
	const struct stele_cs_row *row;
	char text[128];
};

static const char *name_of(struct row_name *n)
{
	if (!n->text[0])
		row_label(n->text, n->t, n->row);
	return n->text;
}

static bool ascii_word(const struct stele_cs_value *v, size_t max, const char *extra)
{
	if (v->len == 0 || v->len > max)
		return false;
	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = v->bytes[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (c && strchr(extra, c))))
			return false;
	}
	return true;
}

static bool in_set(const struct stele_cs_value *v, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == v->len && memcmp(*set, v->bytes, v->len) == 0)
			return true;
	return false;
}

/* Checks one value; 0 or STELE_EINVALID naming the row and the column. Nothing is
 * formatted unless it fails. */
static int check_value(struct row_name *name, const struct col_rule *c,
		       const struct stele_cs_value *v)
{
	char text[48], copy[16], lo[32], hi[32];
	int32_t parsed;

	if (c->kind == C_ANY || v->type == 0)
		return 0;
	if (v->type == SQLITE_NULL || (v->type == SQLITE_TEXT && v->len == 0 && c->kind != C_TEXT)) {
		if (c->optional)
			return 0;
		return stele_error(STELE_EINVALID, "%s: %s is empty", name_of(name), c->name);
	}
	switch (c->kind) {
	case C_INT:
	case C_FIXED:
		if (v->type != SQLITE_INTEGER)
			return stele_error(STELE_EINVALID, "%s: %s is %s, not a whole number",
					   name_of(name), c->name, shown(text, v));
		if (v->integer >= c->lo && v->integer <= c->hi)
			return 0;
		if (c->kind == C_INT)
			return stele_error(STELE_EINVALID, "%s: %s %" PRId64 " is not %" PRId64
					   "..%" PRId64, name_of(name), c->name, v->integer, c->lo,
					   c->hi);
		stele_format_fixed(text, v->integer, c->places);
		stele_format_fixed(lo, c->lo, c->places);
		stele_format_fixed(hi, c->hi, c->places);
		return stele_error(STELE_EINVALID, "%s: %s %s is out of range (%s..%s)",
				   name_of(name), c->name, text, lo, hi);
	default:
		break;
	}
	if (v->type != SQLITE_TEXT)
		return stele_error(STELE_EINVALID, "%s: %s is %s, not a text", name_of(name), c->name,
				   shown(text, v));
	switch (c->kind) {
	case C_ID:
		if (!ascii_word(v, 32, "-_"))
			return stele_error(STELE_EINVALID, "%s: %s %s is not 1-32 letters, digits, '-' "
					   "or '_'", name_of(name), c->name, shown(text, v));
		return 0;
	case C_CODE:
		if (!ascii_word(v, 16, "-_."))
			return stele_error(STELE_EINVALID, "%s: %s %s is not 1-16 letters, digits, '-', "
					   "'_' or '.'", name_of(name), c->name, shown(text, v));
		return 0;
	case C_TEXT:
		if (!stele_utf8_valid((const char *)v->bytes, v->len))
			return stele_error(STELE_EINVALID, "%s: %s is not valid one-line UTF-8 text "
					   "(or holds a control character)", name_of(name), c->name);
		if (v->len < (size_t)c->lo)
			return stele_error(STELE_EINVALID, "%s: %s is empty", name_of(name), c->name);
		if (v->len > (size_t)c->hi)
			return stele_error(STELE_EINVALID, "%s: %s is longer than %" PRId64 " bytes",
					   name_of(name), c->name, c->hi);
		return 0;
	case C_ENUM:
		if (!in_set(v, c->set))
			return stele_error(STELE_EINVALID, "%s: %s %s is not one of its values",
					   name_of(name), c->name, shown(text, v));
		return 0;
	case C_DATE:
	case C_MONTH:
		if (v->len >= sizeof(copy))
			goto bad_date;
		memcpy(copy, v->bytes, v->len);
		copy[v->len] = '\0';
		if (c->kind == C_DATE ? stele_parse_date(&parsed, copy, NULL) == 0 && v->len == 10
				      : stele_parse_month(&parsed, copy, NULL) == 0 && v->len == 7)
			return 0;
		stele_error_clear();
bad_date:
		return stele_error(STELE_EINVALID, "%s: %s %s is not a real %s", name_of(name),
				   c->name, shown(text, v),
				   c->kind == C_DATE ? "YYYY-MM-DD date" : "YYYY-MM month");
	default:
		return 0;
	}
}

static int stage_index(const struct stele_cs_value *v)
{
	for (int i = 0; stages[i]; i++)
		if (v->type == SQLITE_TEXT && strlen(stages[i]) == v->len &&
		    memcmp(stages[i], v->bytes, v->len) == 0)
			return i;
	return -1;
}

/* domain.md: a point event's stage never moves back; published and rejected are final. */
static int check_stage_move(struct row_name *name, const struct stele_cs_row *row)
{
	enum { PUBLISHED = 4, REJECTED = 5 };
	int from = stage_index(&row->old_values[6]), to = stage_index(&row->new_values[6]);

	if (row->new_values[6].type == 0 || from < 0 || to < 0 || from == to)
		return 0;
	if (from == PUBLISHED || from == REJECTED)
		return stele_error(STELE_EINVALID, "%s: stage %s is final, it cannot move to %s",
				   name_of(name), stages[from], stages[to]);
	if (to != REJECTED && to < from)
		return stele_error(STELE_EINVALID, "%s: stage cannot move back from %s to %s",
				   name_of(name), stages[from], stages[to]);
	return 0;
}

int stele_row_check(const struct stele_cs_row *row)
{
	struct row_name name = { .row = row };
	int rc, n;

	if (row->op == SQLITE_DELETE)
		return 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]) && !name.t; i++)
		if (strcmp(tables[i].table, row->table) == 0)
			name.t = &tables[i];
	if (!name.t)
		return 0;
	n = row->ncol < name.t->ncol ? row->ncol : name.t->ncol;
	for (int i = 0; i < n; i++)
		if ((rc = check_value(&name, &name.t->cols[i], &row->new_values[i])) < 0)
			return rc;
	if (row->op == SQLITE_UPDATE && strcmp(name.t->table, "point_event") == 0 && n > 6)
		return check_stage_move(&name, row);
	return 0;
}

int stele_check_bound(int64_t v, int64_t max, int places, const char *what)
{
	char text[32], limit[32];

	if (v >= -max && v <= max)
		return 0;
	stele_format_fixed(text, v, places);
	stele_format_fixed(limit, max, places);
	return stele_error(STELE_EINVALID, "%s %s is out of range (at most %s either way)",
			   what ? what : "value", text, limit);
}
