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
#include "i18n.h"
#include "parse.h"
#include "summary.h"

enum verb { V_ADDED, V_CHANGED, V_REMOVED, V_CLOSED, V_REOPENED, V_RESOLVED, V_REVIEWED,
	    V_REJECTED };
/* The canonical words; C_("summary verb", ...) of them for the reader's language
 * (rows of a table that has no noun of its own). */
static const char *const verb_words[] = {
	NC_("summary verb", "added"), NC_("summary verb", "changed"),
	NC_("summary verb", "removed"), NC_("summary verb", "closed"),
	NC_("summary verb", "reopened"), NC_("summary verb", "resolved"),
	NC_("summary verb", "reviewed"), NC_("summary verb", "rejected"),
};

/* The same in the reader's language: for one row named by its id (kind, id) and
 * for a count (count, kind's noun for a count). */
struct verb_local {
	const char *one, *many;
};
static const struct verb_local verb_local[] = {
	/* TRANSLATORS: a change set's summary: "%1$s %2$s added" is a kind and a row's
	 * id ("member M0001 added"); "%1$llu %2$s added" a count and the kind's noun
	 * for a count ("25 members added"). */
	{ NC_("summary", "%1$s %2$s added"), NC_("summary", "%1$llu %2$s added") },
	{ NC_("summary", "%1$s %2$s changed"), NC_("summary", "%1$llu %2$s changed") },
	{ NC_("summary", "%1$s %2$s removed"), NC_("summary", "%1$llu %2$s removed") },
	{ NC_("summary", "%1$s %2$s closed"), NC_("summary", "%1$llu %2$s closed") },
	{ NC_("summary", "%1$s %2$s reopened"), NC_("summary", "%1$llu %2$s reopened") },
	{ NC_("summary", "%1$s %2$s resolved"), NC_("summary", "%1$llu %2$s resolved") },
	{ NC_("summary", "%1$s %2$s reviewed"), NC_("summary", "%1$llu %2$s reviewed") },
	{ NC_("summary", "%1$s %2$s rejected"), NC_("summary", "%1$llu %2$s rejected") },
};

/* A month's closing and reopening, said as clerks say them (月结): the month,
 * or the count of months. */
static const struct verb_local month_local[] = {
	[V_CLOSED] = { NC_("summary", "month %1$s closed"), NC_("summary", "%1$llu months closed") },
	[V_REOPENED] = { NC_("summary", "month %1$s reopened"),
			 NC_("summary", "%1$llu months reopened") },
};

/* What an update means beyond "changed", read from one column's new value. */
enum special { SP_NONE, SP_TASK, SP_REQUEST, SP_EVENT, SP_MONTH };

struct kind {
	const char *table, *one, *many;
	bool village;    /* village_code is in the primary key: not part of the id */
	enum special special;
	const char *column; /* the column SP_TASK / SP_REQUEST / SP_EVENT read */
	const char *local_one, *local_many; /* the nouns of the reader's language */
};

static const struct kind kinds[] = {
	/* TRANSLATORS: a change set's summary, in the reader's language (`log`, the
	 * workbench): each kind's noun for one row named by its id, then for a count
	 * ("%llu" before it), which in Chinese carries its measure word (名党员). */
	{ "member", "member", "members", true, SP_NONE, NULL,
	  NC_("summary", "member"), NC_("summary", "members") },
	{ "point_event", "point event", "point events", true, SP_EVENT, "stage",
	  NC_("summary", "point event"), NC_("summary", "point events") },
	{ "task", "task", "tasks", true, SP_TASK, "closed_on",
	  NC_("summary", "task"), NC_("summary", "tasks") },
	{ "request", "request", "requests", true, SP_REQUEST, "resolved_on",
	  NC_("summary", "request"), NC_("summary", "requests") },
	{ "income", "income entry", "income entries", true, SP_NONE, NULL,
	  NC_("summary", "income entry"), NC_("summary", "income entries") },
	{ "assessment", "assessment item", "assessment items", true, SP_NONE, NULL,
	  NC_("summary", "assessment item"), NC_("summary", "assessment items") },
	{ "period_close", "month", "months", true, SP_MONTH, NULL,
	  NC_("summary", "month"), NC_("summary", "months") },
	{ "writer_key", "signing key from seq", "signing keys", true, SP_NONE, NULL,
	  NC_("summary", "signing key from seq"), NC_("summary", "signing keys") },
	{ "point_reversal", "reversal", "reversals", true, SP_NONE, NULL,
	  NC_("summary", "reversal"), NC_("summary", "reversals") },
	{ "point_rule", "point rule", "point rules", false, SP_NONE, NULL,
	  NC_("summary", "point rule"), NC_("summary", "point rules") },
	{ "standard_item", "standard item", "standard items", false, SP_NONE, NULL,
	  NC_("summary", "standard item"), NC_("summary", "standard items") },
	{ "veto_item", "veto item", "veto items", false, SP_NONE, NULL,
	  NC_("summary", "veto item"), NC_("summary", "veto items") },
	{ "veto_event", "veto event", "veto events", true, SP_NONE, NULL,
	  NC_("summary", "veto event"), NC_("summary", "veto events") },
	{ "ranking_config", "ranking setting", "ranking settings", false, SP_NONE, NULL,
	  NC_("summary", "ranking setting"), NC_("summary", "ranking settings") },
	{ "village", "village", "villages", false, SP_NONE, NULL,
	  NC_("summary", "village"), NC_("summary", "villages") },
	{ "issued_task", "issued task", "issued tasks", false, SP_NONE, NULL,
	  NC_("summary", "issued task"), NC_("summary", "issued tasks") },
	{ "issued_task_village", "issued task for village", "issued tasks' villages", false,
	  SP_NONE, NULL, NC_("summary", "issued task for village"),
	  NC_("summary", "issued tasks' villages") },
	/* A closing is a row of its own: added = closed, as a month's period_close. */
	{ "issued_task_close", "issued task", "issued tasks", true, SP_MONTH, NULL,
	  NC_("summary", "issued task"), NC_("summary", "issued tasks") },
	{ "grid", "grid", "grids", true, SP_NONE, NULL,
	  NC_("summary", "grid"), NC_("summary", "grids") },
	{ "request_followup", "request follow-up", "request follow-ups", true, SP_NONE, NULL,
	  NC_("summary", "request follow-up"), NC_("summary", "request follow-ups") },
	{ "registry_source", "registered stream", "registered streams", false, SP_NONE, NULL,
	  NC_("summary", "registered stream"), NC_("summary", "registered streams") },
	{ "registry_key", "key override", "key overrides", false, SP_NONE, NULL,
	  NC_("summary", "key override"), NC_("summary", "key overrides") },
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

/* Appends the canonical summary of s (English, the bytes every change set and
 * commit message carries: never translated, never changed) to b. */
static int summary_write(struct stele_buf *b, const struct summary *s, int64_t reverts,
			 const char *note, const char *clerk)
{
	int rc = 0;

	if (reverts > 0 &&
	    (rc = stele_buf_printf(b, "revert of seq %lld%s%s%s: ", (long long)reverts,
				   *note ? " (" : "", note, *note ? ")" : "")) < 0)
		return rc;
	for (int i = 0; i < s->ngroups; i++) {
		const struct group *g = &s->groups[i];
		const char *sep = i ? ", " : "";
		const char *verb = verb_words[g->verb];

		if (g->kind < 0)
			rc = stele_buf_printf(b, "%s%llu %s row%s %s", sep, (unsigned long long)g->count,
					      g->table, g->count == 1 ? "" : "s", verb);
		else if (g->count == 1 && g->id[0])
			rc = stele_buf_printf(b, "%s%s %s %s", sep, kinds[g->kind].one, g->id, verb);
		else
			rc = stele_buf_printf(b, "%s%llu %s %s", sep, (unsigned long long)g->count,
					      g->count == 1 ? kinds[g->kind].one : kinds[g->kind].many,
					      verb);
		if (rc < 0)
			return rc;
	}
	if (s->others && (rc = stele_buf_printf(b, ", %llu other row%s changed",
						(unsigned long long)s->others,
						s->others == 1 ? "" : "s")) < 0)
		return rc;
	if (s->ngroups == 0 && (rc = stele_buf_puts(b, "no changes")) < 0)
		return rc;
	if (*clerk && (rc = stele_buf_printf(b, " (clerk %s)", clerk)) < 0)
		return rc;
	return rc;
}

/* Group g in the reader's language, into b. */
static int group_write_local(struct stele_buf *b, const struct group *g)
{
	const struct kind *k = g->kind >= 0 ? &kinds[g->kind] : NULL;
	const unsigned long long n = (unsigned long long)g->count;

	if (!k)
		/* TRANSLATORS: rows of a table with no noun of its own: the count, the
		 * table's name, the verb ("3 foo rows added"). */
		return stele_buf_printf(b, P_("%1$llu %2$s row %3$s", "%1$llu %2$s rows %3$s", n), n,
					g->table, C_("summary verb", verb_words[g->verb]));
	if (strcmp(k->table, "period_close") == 0 && month_local[g->verb].one) {
		const struct verb_local *m = &month_local[g->verb];

		if (g->count == 1 && g->id[0])
			return stele_buf_printf(b, C_("summary", m->one), g->id);
		return stele_buf_printf(b, C_("summary", m->many), n);
	}
	if (g->count == 1 && g->id[0])
		return stele_buf_printf(b, C_("summary", verb_local[g->verb].one),
					C_("summary", k->local_one), g->id);
	return stele_buf_printf(b, C_("summary", verb_local[g->verb].many), n,
				C_("summary", g->count == 1 ? k->local_one : k->local_many));
}

/* Appends the summary of s in the reader's language (gettext) to b: what the
 * clerk reads in `log` and the workbench; the same facts as summary_write. */
static int summary_write_local(struct stele_buf *b, const struct summary *s, int64_t reverts,
			       const char *note, const char *clerk)
{
	int rc;

	if (reverts > 0) {
		if (*note)
			rc = stele_buf_printf(b, _("revert of seq %lld (%s): "), (long long)reverts, note);
		else
			rc = stele_buf_printf(b, _("revert of seq %lld: "), (long long)reverts);
		if (rc < 0)
			return rc;
	}
	for (int i = 0; i < s->ngroups; i++) {
		/* TRANSLATORS: between the parts of a change set's summary. */
		if ((i && (rc = stele_buf_puts(b, C_("summary", ", "))) < 0) ||
		    (rc = group_write_local(b, &s->groups[i])) < 0)
			return rc;
	}
	if (s->others &&
	    (rc = stele_buf_printf(b, P_(", %llu other row changed", ", %llu other rows changed",
					 s->others), (unsigned long long)s->others)) < 0)
		return rc;
	if (s->ngroups == 0 && (rc = stele_buf_puts(b, C_("summary", "no changes"))) < 0)
		return rc;
	if (*clerk && (rc = stele_buf_printf(b, C_("summary", " (clerk %s)"), clerk)) < 0)
		return rc;
	return 0;
}

/* The summary of changes, canonical or local; *out malloc'd, freed by the caller. */
static int summarize(char **out, const void *changes, size_t len, bool local)
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
	if ((rc = (local ? summary_write_local : summary_write)(&buf, s, reverts, note, clerk)) < 0)
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

/* *out is malloc'd and freed by the caller. */
int stele_cs_summarize(char **out, const void *changes, size_t len)
{
	return summarize(out, changes, len, false);
}

/* *out is malloc'd and freed by the caller. */
int stele_cs_summarize_local(char **out, const void *changes, size_t len)
{
	return summarize(out, changes, len, true);
}

/* *out is malloc'd and freed by the caller. */
int stele_cs_encoded_summary_local(char **out, const void *data, size_t len)
{
	struct stele_changeset *cs = NULL;
	int rc;

	if ((rc = stele_cs_decode(&cs, NULL, data, len, NULL)) < 0)
		return rc;
	rc = stele_cs_summarize_local(out, cs->changes, cs->changes_len);
	stele_cs_free(cs);
	return rc;
}
