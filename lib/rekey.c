/* rekey.c: reading county change sets written before a synced table's key changed
 * (schema/0015-city.sql: veto_event keyed by (village_code, id), not id alone). */
#include <string.h>
#include <sqlite3.h>

#include "cswalk.h"
#include "rekey.h"

/* veto_event's columns (id, village_code, veto_code, year, note): the key flags
 * before 0015 (id alone) and since (village_code first, then id). */
static const unsigned char veto_old_pk[5] = { 1, 0, 0, 0, 0 };
static const unsigned char veto_new_pk[5] = { 2, 1, 0, 0, 0 };

struct rekey_walk {
	unsigned char *changes;
	size_t len;
};

/* Rewrites the key flags of an old veto_event table header in place. Every row
 * of that table follows the same header, so later rows find it rewritten. */
static int on_row(void *arg, const struct stele_cs_row *row)
{
	struct rekey_walk *w = arg;
	size_t at;

	if (strcmp(row->table, "veto_event") != 0 || row->ncol != 5 ||
	    memcmp(row->pk, veto_old_pk, sizeof(veto_old_pk)) != 0)
		return 0;
	/* An update's old record holds only the old key: it has no village code to
	 * find the row by. Left as it is, the stream's shape check refuses it. */
	if (row->op == SQLITE_UPDATE)
		return 0;
	at = (size_t)(row->pk - w->changes);
	if (at + sizeof(veto_new_pk) > w->len)
		return 0;
	memcpy(w->changes + at, veto_new_pk, sizeof(veto_new_pk));
	return 0;
}

int stele_rekey_legacy(unsigned char *changes, size_t len)
{
	struct rekey_walk w = { changes, len };

	if (!changes || len == 0)
		return 0;
	/* Most change sets (every village's) hold no veto_event table header at all:
	 * they are not walked a second time. */
	if (!memmem(changes, len, "veto_event", sizeof("veto_event")))
		return 0;
	return stele_cs_walk(NULL, changes, len, on_row, &w);
}
