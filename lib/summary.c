/* summary.c: the one-line summary of a change set's row changes, for commit
 * messages and `log` ("3 point events added, task T0007 closed"). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "changeset.h"
#include "cswalk.h"
#include "domain.h"
#include "error.h"
#include "parse.h"
#include "summary.h"

enum verb { V_ADDED, V_CHANGED, V_REMOVED, V_CLOSED, V_REOPENED, V_RESOLVED, V_REVIEWED,
	    V_REJECTED };
static const char *const verb_words[] = {
	"added", "changed", "removed", "closed", "reopened", "resolved", "reviewed", "rejected",
};

/* What an update means beyond "changed", read from one column's new value. */
enum special { SP_NONE, SP_TASK, SP_REQUEST, SP_EVENT, SP_MONTH };

struct kind {
	const char *table, *one, *many;
	bool village;    /* village_code is in the primary key: not part of the id */
	enum special special;
	const char *column; /* the column SP_TASK / SP_REQUEST / SP_EVENT read */
};

static const struct kind kinds[] = {
	{ "member", "member", "members", true, SP_NONE, NULL },
	{ "point_event", "point event", "point events", true, SP_EVENT, "stage" },
	{ "task", "task", "tasks", true, SP_TASK, "closed_on" },
	{ "request", "request", "requests", true, SP_REQUEST, "resolved_on" },
	{ "income", "income entry", "income entries", true, SP_NONE, NULL },
	{ "assessment", "assessment item", "assessment items", true, SP_NONE, NULL },
	{ "period_close", "month", "months", true, SP_MONTH, NULL },
	{ "writer_key", "signing key from seq", "signing keys", true, SP_NONE, NULL },
	{ "point_reversal", "reversal", "reversals", true, SP_NONE, NULL },
	{ "point_rule", "point rule", "point rules", false, SP_NONE, NULL },
	{ "standard_item", "standard item", "standard items", false, SP_NONE, NULL },
	{ "veto_item", "veto item", "veto items", false, SP_NONE, NULL },
	{ "veto_event", "veto event", "veto events", true, SP_NONE, NULL },
	{ "ranking_config", "ranking setting", "ranking settings", false, SP_NONE, NULL },
	{ "village", "village", "villages", false, SP_NONE, NULL },
	{ "issued_task", "issued task", "issued tasks", false, SP_NONE, NULL },
	{ "issued_task_village", "issued task for village", "issued tasks' villages", false,
	  SP_NONE, NULL },
	/* A closing is a row of its own: added = closed, as a month's period_close. */
	{ "issued_task_close", "issued task", "issued tasks", true, SP_MONTH, NULL },
	{ "grid", "grid", "grids", true, SP_NONE, NULL },
	{ "request_followup", "request follow-up", "request follow-ups", true, SP_NONE, NULL },
	{ "registry_source", "registered stream", "registered streams", false, SP_NONE, NULL },
	{ "registry_key", "key override", "key overrides", false, SP_NONE, NULL },
};
#define KIND_COUNT ((int)(sizeof(kinds) / sizeof(kinds[0])))

#define GROUPS_MAX 64   /* distinct (table, verb) pairs named; the rest are counted */
#define ID_MAX     64   /* bytes of a row id worth naming */
#define TABLE_MAX  32   /* bytes of an unknown table's name shown */

struct group {
	int kind;                       /* index in kinds, or -1 for another table */
	char table[TABLE_MAX + 1];      /* another table's name, made printable */
	enum verb verb;
	uint64_t count;
	char id[ID_MAX + 1];            /* the first row's id; "" if not nameable */
};

struct summary {
	struct group groups[GROUPS_MAX];
	int ngroups;
	uint64_t others;                /* rows past GROUPS_MAX groups */
};

/* Appends one value of a key to id (capped at ID_MAX); false if not nameable. */
static bool id_append(char *id, sqlite3_value *v)
{
	char num[32];
	const char *text;
	size_t have = strlen(id), n;

	if (!v)
		return false;
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)sqlite3_value_int64(v));
		text = num;
		n = strlen(num);
		break;
	case SQLITE_TEXT:
		text = (const char *)sqlite3_value_text(v);
		n = (size_t)sqlite3_value_bytes(v);
		if (!text || n == 0 || !stele_utf8_valid(text, n))
			return false;
		break;
	default:
		return false;
	}
	if (have + (have ? 1 : 0) + n > ID_MAX)
		return false;
	if (have)
		id[have++] = ' ';
	memcpy(id + have, text, n);
	id[have + n] = '\0';
	return true;
}

/* The row's id: its primary-key values (less village_code), or "" if not nameable. */
static void row_id(char id[ID_MAX + 1], sqlite3_changeset_iter *it, const struct kind *k,
		   int op, int ncol)
{
	unsigned char *pk;
	int npk, vcol;

	id[0] = '\0';
	if (!k || sqlite3changeset_pk(it, &pk, &npk) != SQLITE_OK)
		return;
	vcol = k->village ? stele_domain_column(k->table, "village_code") : -1;
	for (int i = 0; i < npk && i < ncol; i++) {
		sqlite3_value *v = NULL;

		if (!pk[i] || i == vcol)
			continue;
		if ((op == SQLITE_INSERT ? sqlite3changeset_new(it, i, &v)
					 : sqlite3changeset_old(it, i, &v)) != SQLITE_OK ||
		    !id_append(id, v)) {
			id[0] = '\0';
			return;
		}
	}
}

static enum verb row_verb(sqlite3_changeset_iter *it, const struct kind *k, int op, int ncol)
{
	sqlite3_value *v = NULL;
	int column = k && k->column ? stele_domain_column(k->table, k->column) : -1;

	if (op == SQLITE_INSERT)
		return k && k->special == SP_MONTH ? V_CLOSED : V_ADDED;
	if (op == SQLITE_DELETE)
		return k && k->special == SP_MONTH ? V_REOPENED : V_REMOVED;
	if (!k || k->special == SP_NONE || k->special == SP_MONTH || column < 0 ||
	    column >= ncol || sqlite3changeset_new(it, column, &v) != SQLITE_OK || !v)
		return V_CHANGED;
	switch (k->special) {
	case SP_TASK:
		return sqlite3_value_type(v) == SQLITE_NULL ? V_REOPENED : V_CLOSED;
	case SP_REQUEST:
		return sqlite3_value_type(v) == SQLITE_NULL ? V_REOPENED : V_RESOLVED;
	case SP_EVENT: {
		const unsigned char *stage = sqlite3_value_type(v) == SQLITE_TEXT
						     ? sqlite3_value_text(v) : NULL;

		return stage && strcmp((const char *)stage, "rejected") == 0 ? V_REJECTED
									       : V_REVIEWED;
	}
	default:
		return V_CHANGED;
	}
}

/* Another table's name, kept to printable ASCII. */
static void table_shown(char out[TABLE_MAX + 1], const char *table)
{
	size_t i;

	for (i = 0; table[i] && i < TABLE_MAX; i++)
		out[i] = table[i] > 0x20 && table[i] < 0x7f ? table[i] : '?';
	out[i] = '\0';
}

static void summary_add(struct summary *s, int kind, const char *table, enum verb verb,
			const char *id)
{
	char shown[TABLE_MAX + 1] = "";
	struct group *g;

	if (kind < 0)
		table_shown(shown, table);
	for (int i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		if (g->kind == kind && g->verb == verb && strcmp(g->table, shown) == 0) {
			g->count++;
			return;
		}
	}
	if (s->ngroups == GROUPS_MAX) {
		s->others++;
		return;
	}
	g = &s->groups[s->ngroups++];
	g->kind = kind;
	strcpy(g->table, shown);
	g->verb = verb;
	g->count = 1;
	strcpy(g->id, id);
}

/* Cuts text past STELE_CS_SUMMARY_MAX after a whole item (or a whole character) and
 * appends "…". */
static void summary_truncate(struct stele_buf *b)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	size_t cut = STELE_CS_SUMMARY_MAX - (sizeof(ellipsis) - 1), i;

	if (b->len <= STELE_CS_SUMMARY_MAX)
		return;
	for (i = cut; i >= 2; i--)
		if (b->data[i - 2] == ',' && b->data[i - 1] == ' ')
			break;
	if (i >= 2)
		cut = i;
	else
		while (cut > 0 && ((unsigned char)b->data[cut] & 0xc0) == 0x80)
			cut--;
	memcpy(b->data + cut, ellipsis, sizeof(ellipsis));
	b->len = cut + sizeof(ellipsis) - 1;
}

/* Column col of the current row's new record into out (n bytes), kept only if
 * it is text of valid one-line UTF-8 that fits; "" otherwise. */
static void new_text(char *out, size_t n, sqlite3_changeset_iter *it, int ncol, int col)
{
	sqlite3_value *v = NULL;
	const char *text;
	size_t len;

	out[0] = '\0';
	if (col < 0 || col >= ncol || sqlite3changeset_new(it, col, &v) != SQLITE_OK || !v ||
	    sqlite3_value_type(v) != SQLITE_TEXT)
		return;
	text = (const char *)sqlite3_value_text(v);
	len = (size_t)sqlite3_value_bytes(v);
	if (!text || len >= n || !stele_utf8_valid(text, len))
		return;
	memcpy(out, text, len);
	out[len] = '\0';
}

/* The change_note row (schema/0005): its clerk, note and reverts. */
static void note_texts(sqlite3_changeset_iter *it, int ncol, char *clerk, size_t nclerk,
		       char *note, size_t nnote, int64_t *reverts)
{
	int col = stele_domain_column("change_note", "reverts");
	sqlite3_value *v = NULL;

	new_text(clerk, nclerk, it, ncol, stele_domain_column("change_note", "clerk"));
	new_text(note, nnote, it, ncol, stele_domain_column("change_note", "note"));
	if (col >= 0 && col < ncol && sqlite3changeset_new(it, col, &v) == SQLITE_OK && v &&
	    sqlite3_value_type(v) == SQLITE_INTEGER)
		*reverts = sqlite3_value_int64(v);
}

/* *out is malloc'd and freed by the caller. */
int stele_cs_summarize(char **out, const void *changes, size_t len)
{
	struct stele_buf buf = STELE_BUF_INIT(64u << 10);
	struct summary *s = NULL;
	sqlite3_changeset_iter *it = NULL;
	char *text, clerk[ID_MAX + 1] = "", note[ID_MAX * 4 + 1] = "";
	int64_t reverts = 0;
	int rc = 0, src;

	if (len > STELE_CS_MAX_CHANGES)
		return stele_error(STELE_EINVALID, "change set of %zu bytes is past the limit of %u bytes",
				   len, STELE_CS_MAX_CHANGES);
	if (!(s = calloc(1, sizeof(*s)))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	if (len > 0) {
		/* SQLite's iterator sees only bytes our walk accepted. */
		if ((rc = stele_cs_walk(NULL, changes, len, NULL, NULL)) < 0) {
			if (rc == STELE_EVERIFY)
				rc = stele_error(STELE_EINVALID, "%s", stele_error_message());
			goto done;
		}
		if (sqlite3changeset_start(&it, (int)len, (void *)changes) != SQLITE_OK) {
			rc = stele_error(STELE_EINVALID, "row changes do not parse as a SQLite changeset");
			goto done;
		}
		while ((src = sqlite3changeset_next(it)) == SQLITE_ROW) {
			const struct kind *k = NULL;
			const char *table;
			char id[ID_MAX + 1];
			int ncol, op, indirect, kind = -1;

			if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) != SQLITE_OK) {
				src = SQLITE_CORRUPT;
				break;
			}
			/* The change set's own note is said around the rows it describes. */
			if (strcmp(table, "change_note") == 0 && op == SQLITE_INSERT) {
				note_texts(it, ncol, clerk, sizeof(clerk), note, sizeof(note), &reverts);
				continue;
			}
			for (int i = 0; i < KIND_COUNT; i++)
				if (strcmp(kinds[i].table, table) == 0) {
					k = &kinds[i];
					kind = i;
				}
			row_id(id, it, k, op, ncol);
			summary_add(s, kind, table, row_verb(it, k, op, ncol), id);
		}
		if (src != SQLITE_DONE) {
			rc = stele_error(STELE_EINVALID, "row changes do not parse as a SQLite changeset");
			goto done;
		}
	}
	if (reverts > 0 &&
	    (rc = stele_buf_printf(&buf, "revert of seq %lld%s%s%s: ", (long long)reverts,
				   *note ? " (" : "", note, *note ? ")" : "")) < 0)
		goto done;
	for (int i = 0; i < s->ngroups; i++) {
		const struct group *g = &s->groups[i];
		const char *sep = i ? ", " : "";
		const char *verb = verb_words[g->verb];

		if (g->kind < 0)
			rc = stele_buf_printf(&buf, "%s%llu %s row%s %s", sep, (unsigned long long)g->count,
					      g->table, g->count == 1 ? "" : "s", verb);
		else if (g->count == 1 && g->id[0])
			rc = stele_buf_printf(&buf, "%s%s %s %s", sep, kinds[g->kind].one, g->id, verb);
		else
			rc = stele_buf_printf(&buf, "%s%llu %s %s", sep, (unsigned long long)g->count,
					      g->count == 1 ? kinds[g->kind].one : kinds[g->kind].many,
					      verb);
		if (rc < 0)
			goto done;
	}
	if (s->others && (rc = stele_buf_printf(&buf, ", %llu other row%s changed",
						(unsigned long long)s->others,
						s->others == 1 ? "" : "s")) < 0)
		goto done;
	if (s->ngroups == 0 && (rc = stele_buf_puts(&buf, "no changes")) < 0)
		goto done;
	if (*clerk && (rc = stele_buf_printf(&buf, " (clerk %s)", clerk)) < 0)
		goto done;
	summary_truncate(&buf);
	if (!(text = stele_buf_detach(&buf, NULL))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	*out = text;
done:
	sqlite3changeset_finalize(it);
	stele_buf_free(&buf);
	free(s);
	return rc;
}
