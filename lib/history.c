/* history.c: the county's past states (the row versions later epochs replaced,
 * kept by triggers; a live row's epoch read from its rowid), and the views a
 * ranking reads them through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "history.h"
#include "parse.h"
#include "rules.h"

/* The county's own bookkeeping that rankings and the report read, and its own
 * tables that are not synced (weak_village: schema/0011-weak-requests.sql). */
static const char *const kept_local[] = { "stele_stream", "stele_quarantine", "stele_applied",
					  "weak_village", NULL };

/* The epoch a trigger stamps: the newest one opened. */
#define EPOCH_NOW "(SELECT coalesce(max(n), 0) FROM stele_epoch)"

/* Calls fn for every kept table until it fails. */
static int each_kept(int (*fn)(void *arg, const char *table), void *arg)
{
	const char *const *lists[] = { stele_village_tables, stele_county_tables, kept_local };
	int rc = 0;

	for (size_t l = 0; l < 3 && rc == 0; l++)
		for (const char *const *t = lists[l]; *t && rc == 0; t++)
			rc = fn(arg, *t);
	return rc;
}

/* A table's columns: names and primary-key positions (pk[i] > 0). */
struct columns {
	int n;
	char name[32][64];
	int pk[32];
};

static int read_columns(struct columns *c, sqlite3 *db, const char *table)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	c->n = 0;
	if ((rc = stele_db_prepare(db, &stmt, "SELECT name, pk FROM pragma_table_info(?) "
					      "ORDER BY cid")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (c->n == 32) {
			rc = stele_error(STELE_EFAIL, "table %s has too many columns to keep", table);
			goto done;
		}
		snprintf(c->name[c->n], sizeof(c->name[0]), "%s", sqlite3_column_text(stmt, 0));
		c->pk[c->n] = sqlite3_column_int(stmt, 1);
		c->n++;
	}
	if (step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the schema");
	else if (c->n == 0)
		rc = stele_error(STELE_EFAIL, "table %s does not exist", table);
done:
	sqlite3_finalize(stmt);
	return rc;
}

/* "c1, c2, ..." with an optional prefix before each name ("NEW."). */
static int column_list(struct stele_buf *b, const struct columns *c, const char *prefix)
{
	int rc = 0;

	for (int i = 0; i < c->n && rc == 0; i++)
		rc = stele_buf_printf(b, "%s%s\"%s\"", i ? ", " : "", prefix, c->name[i]);
	return rc;
}

/* The history's own tables: stele_hist_mark says, per kept table and epoch, the
 * first rowid the epoch could give a new row (so a row's birth epoch follows from
 * its rowid); every epoch opened writes its marks through a trigger, whoever opens
 * it. stele_hist_cols says, per kept table and epoch, which columns an update
 * changed (bit i: column i) or, with every bit, that a row was deleted or a rowid
 * given again; it is kept from epoch history_cols_from on (stele_meta). */
static int create_marks(sqlite3 *db)
{
	return stele_db_exec(db,
		"CREATE TABLE IF NOT EXISTS stele_hist_mark (tbl TEXT NOT NULL, epoch INTEGER NOT "
		"NULL, lo INTEGER NOT NULL, PRIMARY KEY (tbl, epoch)) WITHOUT ROWID; "
		"CREATE INDEX IF NOT EXISTS stele_hist_mark_lo ON stele_hist_mark (tbl, lo, epoch); "
		"CREATE TABLE IF NOT EXISTS stele_hist_cols (tbl TEXT NOT NULL, epoch INTEGER NOT "
		"NULL, cols INTEGER NOT NULL, PRIMARY KEY (tbl, epoch)) WITHOUT ROWID; "
		"INSERT OR IGNORE INTO stele_meta (key, value) SELECT 'history_cols_from', "
		"coalesce(max(n), 0) + 1 FROM stele_epoch;");
}

/* Part of the stele_epoch trigger: one table's mark for the epoch NEW.n. */
static int mark_one(void *arg, const char *table)
{
	return stele_buf_printf(arg, "INSERT INTO stele_hist_mark (tbl, epoch, lo) VALUES ('%s', "
				"NEW.n, max((SELECT coalesce(max(rowid), 0) + 1 FROM main.\"%s\"), "
				"coalesce((SELECT max(lo) FROM stele_hist_mark WHERE tbl = '%s'), 0))); ",
				table, table, table);
}

static int create_mark_trigger(sqlite3 *db)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	int rc;

	if ((rc = stele_buf_puts(&b, "DROP TRIGGER IF EXISTS stele_epoch_mark; CREATE TRIGGER "
				 "stele_epoch_mark AFTER INSERT ON stele_epoch BEGIN ")) == 0 &&
	    (rc = each_kept(mark_one, &b)) == 0 && (rc = stele_buf_puts(&b, "END;")) == 0)
		rc = stele_db_exec(db, b.data);
	stele_buf_free(&b);
	return rc;
}

/*
 * Creates, when missing, NAME_hist (the versions of NAME's rows that a later epoch
 * changed or deleted: NAME's columns, valid in [_from, _to), with NAME's indexes)
 * and NAME_since (the epoch a live row's version began, only for rows whose rowid
 * does not tell it: changed rows, or a rowid given again). Rows already in NAME
 * cost nothing: their rowid says epoch 0.
 */
static int create_hist(sqlite3 *db, const char *table, const struct columns *c)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	sqlite3_stmt *stmt = NULL;
	int64_t exists = 0;
	int rc, step, nindex = 0;

	if ((rc = stele_buf_printf(&b, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
				   "AND name = '%s_hist'", table)) < 0 ||
	    (rc = stele_db_int(db, b.data, &exists)) < 0 || exists)
		goto done;
	stele_buf_reset(&b);
	if ((rc = stele_buf_printf(&b, "CREATE TABLE \"%s_hist\" (", table)) < 0 ||
	    (rc = column_list(&b, c, "")) < 0 ||
	    (rc = stele_buf_puts(&b, ", _from INTEGER NOT NULL, _to INTEGER NOT NULL); ")) < 0 ||
	    (rc = stele_buf_printf(&b, "CREATE TABLE \"%s_since\" (rid INTEGER PRIMARY KEY, "
				   "_from INTEGER NOT NULL); ", table)) < 0 ||
	    (rc = stele_buf_printf(&b, "CREATE INDEX \"%s_hist_at\" ON \"%s_hist\" (_to, _from); ",
				   table, table)) < 0)
		goto done;
	/* Every other index of the table, so past rankings read as fast as live ones. */
	if ((rc = stele_db_prepare(db, &stmt,
		"SELECT group_concat('\"' || ii.name || '\"', ', ') FROM pragma_index_list(?1) il, "
		"pragma_index_info(il.name) ii GROUP BY il.name ORDER BY il.name")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && rc == 0)
		rc = stele_buf_printf(&b, "CREATE INDEX \"%s_hist_%d\" ON \"%s_hist\" (%s); ", table,
				      ++nindex, table, sqlite3_column_text(stmt, 0));
	if (rc == 0 && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, "reading the schema");
	if (rc == 0)
		rc = stele_db_exec(db, b.data);
done:
	sqlite3_finalize(stmt);
	stele_buf_free(&b);
	return rc;
}

/*
 * (Re)creates NAME's three triggers. An update or delete keeps the old version in
 * NAME_hist unless the current epoch wrote it (an epoch leaves at most one version
 * of a row); a version whose rowid does not say its epoch is noted in NAME_since.
 */
static int create_triggers(sqlite3 *db, const char *table, const struct columns *c)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct stele_buf from = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct stele_buf lo = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	int rc;

	/* The epoch the old version began: noted, or the one its rowid was born in. */
	if ((rc = stele_buf_printf(&from, "coalesce((SELECT _from FROM \"%s_since\" WHERE rid = "
				   "OLD.rowid), (SELECT epoch FROM stele_hist_mark WHERE tbl = '%s' "
				   "AND lo <= OLD.rowid ORDER BY lo DESC, epoch DESC LIMIT 1), 0)",
				   table, table)) < 0 ||
	    (rc = stele_buf_printf(&lo, "coalesce((SELECT lo FROM stele_hist_mark WHERE tbl = '%s' "
				   "AND epoch = " EPOCH_NOW "), 9223372036854775807)", table)) < 0)
		goto done;
	if ((rc = stele_buf_printf(&b, "DROP TRIGGER IF EXISTS \"%s_hist_i\"; "
				   "DROP TRIGGER IF EXISTS \"%s_hist_u\"; "
				   "DROP TRIGGER IF EXISTS \"%s_hist_d\"; ", table, table, table)) < 0)
		goto done;
	for (int t = 0; t < 3 && rc == 0; t++) {
		static const char *const what[3] = { "INSERT", "UPDATE", "DELETE" };
		rc = stele_buf_printf(&b, "CREATE TRIGGER \"%s_hist_%c\" AFTER %s ON \"%s\" ",
				      table, "iud"[t], what[t], table);
		/* A new row's rowid at or past the epoch's mark tells its epoch, and no
		 * NAME_since row is that high (every one was written below a mark, and the
		 * marks never go down): such an insert, almost every one, has nothing to
		 * write, and the trigger's body is not run for it. */
		if (rc == 0 && t == 0)
			rc = stele_buf_printf(&b, "WHEN NEW.rowid < %s ", lo.data);
		if (rc == 0)
			rc = stele_buf_puts(&b, "BEGIN ");
		if (rc == 0 && t > 0) {
			rc = stele_buf_printf(&b, "INSERT INTO stele_hist_cols (tbl, epoch, cols) "
					      "VALUES ('%s', " EPOCH_NOW ", ", table);
			for (int i = 0; i < c->n && rc == 0 && t == 1; i++)
				rc = stele_buf_printf(&b, "%s((OLD.\"%s\" IS NOT NEW.\"%s\") << %d)",
						      i ? " | " : "", c->name[i], c->name[i], i);
			if (rc == 0)
				rc = stele_buf_printf(&b, "%s) ON CONFLICT (tbl, epoch) DO UPDATE SET "
						      "cols = cols | excluded.cols; ", t == 2 ? "-1" : "");
		}
		if (rc == 0 && t > 0) {
			if ((rc = stele_buf_printf(&b, "INSERT INTO \"%s_hist\" (", table)) < 0 ||
			    (rc = column_list(&b, c, "")) < 0 ||
			    (rc = stele_buf_puts(&b, ", _from, _to) SELECT ")) < 0 ||
			    (rc = column_list(&b, c, "OLD.")) < 0 ||
			    (rc = stele_buf_printf(&b, ", f, " EPOCH_NOW " FROM (SELECT %s AS f) "
						   "WHERE f < " EPOCH_NOW "; DELETE FROM \"%s_since\" "
						   "WHERE rid = OLD.rowid; ", from.data, table)) < 0)
				break;
		}
		if (rc == 0 && t == 1)
			rc = stele_buf_printf(&b, "DELETE FROM \"%s_since\" WHERE rid = NEW.rowid; "
					      "INSERT INTO \"%s_since\" (rid, _from) SELECT NEW.rowid, "
					      EPOCH_NOW " WHERE NEW.rowid < %s; ", table, table, lo.data);
		/* A rowid given again (the WHEN above) counts as a delete: its row is not
		 * told by rowid. */
		if (rc == 0 && t == 0)
			rc = stele_buf_printf(&b, "DELETE FROM \"%s_since\" WHERE rid = NEW.rowid; "
					      "INSERT INTO \"%s_since\" (rid, _from) VALUES (NEW.rowid, "
					      EPOCH_NOW "); INSERT INTO stele_hist_cols (tbl, epoch, cols) "
					      "VALUES ('%s', " EPOCH_NOW ", -1) ON CONFLICT (tbl, epoch) "
					      "DO UPDATE SET cols = -1; ", table, table, table);
		if (rc == 0)
			rc = stele_buf_puts(&b, "END; ");
	}
	if (rc == 0)
		rc = stele_db_exec(db, b.data);
done:
	stele_buf_free(&b);
	stele_buf_free(&from);
	stele_buf_free(&lo);
	return rc;
}

/* Columns a later migration added to NAME are added to NAME_hist too. */
static int add_new_columns(sqlite3 *db, const char *table, const struct columns *c)
{
	char hist[96];
	struct columns h;
	int rc;

	snprintf(hist, sizeof(hist), "%s_hist", table);
	if ((rc = read_columns(&h, db, hist)) < 0)
		return rc;
	for (int i = 0; i < c->n && rc == 0; i++) {
		bool found = false;
		for (int j = 0; j < h.n && !found; j++)
			found = strcmp(h.name[j], c->name[i]) == 0;
		if (!found) {
			char sql[256];
			snprintf(sql, sizeof(sql), "ALTER TABLE \"%s\" ADD COLUMN \"%s\"", hist,
				 c->name[i]);
			rc = stele_db_exec(db, sql);
		}
	}
	return rc;
}

/* "a.k1 = b.k1 AND a.k2 = b.k2 ..." over the primary-key columns. */
static int pk_match(struct stele_buf *b, const struct columns *c, const char *x, const char *y)
{
	int rc = 0, n = 0;

	for (int i = 0; i < c->n && rc == 0; i++)
		if (c->pk[i] > 0)
			rc = stele_buf_printf(b, "%s%s.\"%s\" = %s.\"%s\"", n++ ? " AND " : "", x,
					      c->name[i], y, c->name[i]);
	return rc;
}

static bool has_pk(const struct columns *c)
{
	for (int i = 0; i < c->n; i++)
		if (c->pk[i] > 0)
			return true;
	return false;
}

/* NAME_hist_pk: the kept versions by NAME's primary key, so that turning a
 * table back finds a row's version in place (undo_one). */
static int create_pk_index(sqlite3 *db, const char *table, const struct columns *c)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	int rc, n = 0;

	if (!has_pk(c))
		return 0;
	rc = stele_buf_printf(&b, "CREATE INDEX IF NOT EXISTS \"%s_hist_pk\" ON \"%s_hist\" (",
			      table, table);
	for (int k = 1; rc == 0 && k <= c->n; k++)
		for (int i = 0; i < c->n && rc == 0; i++)
			if (c->pk[i] == k)
				rc = stele_buf_printf(&b, "%s\"%s\"", n++ ? ", " : "", c->name[i]);
	if (rc == 0 && (rc = stele_buf_puts(&b, ", _to, _from)")) == 0)
		rc = stele_db_exec(db, b.data);
	stele_buf_free(&b);
	return rc;
}

static int install_one(void *arg, const char *table)
{
	sqlite3 *db = arg;
	struct columns c;
	int rc;

	if ((rc = read_columns(&c, db, table)) < 0 || (rc = create_hist(db, table, &c)) < 0 ||
	    (rc = add_new_columns(db, table, &c)) < 0 || (rc = create_pk_index(db, table, &c)) < 0)
		return rc;
	return create_triggers(db, table, &c);
}

int stele_history_install(sqlite3 *db)
{
	char *installed = NULL, version[24];
	int rc;

	/* Installed for this schema version: nothing to do. */
	/* Format 4: the insert trigger's WHEN (create_triggers). */
	snprintf(version, sizeof(version), "4.%d", stele_schema_version());
	if ((rc = stele_meta_get(db, "history_format", &installed)) < 0)
		return rc;
	bool current = installed && strcmp(installed, version) == 0;
	free(installed);
	if (current)
		return 0;
	if ((rc = stele_db_exec(db, "SAVEPOINT history_install")) < 0)
		return rc;
	if ((rc = create_marks(db)) < 0 || (rc = each_kept(install_one, db)) < 0 ||
	    (rc = create_mark_trigger(db)) < 0 ||
	    (rc = stele_meta_set(db, "history_format", version)) < 0) {
		sqlite3_exec(db, "ROLLBACK TO history_install; RELEASE history_install", NULL, NULL,
			     NULL);
		return rc;
	}
	return stele_db_exec(db, "RELEASE history_install");
}

int64_t stele_history_clock_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return (int64_t)time(NULL) * 1000;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int stele_history_epoch(int64_t *out, sqlite3 *db, const char *what)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	/* Each epoch's time is later than the one before, even within a millisecond
	 * or when the clock steps back, so a time names one state. */
	if ((rc = stele_db_prepare(db, &stmt, "INSERT INTO stele_epoch (n, at, what) SELECT "
					      "coalesce(max(n), 0) + 1, max(?1, coalesce(max(at), 0) + 1), "
					      "?2 FROM stele_epoch RETURNING n")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)stele_history_clock_ms());
	sqlite3_bind_text(stmt, 2, what, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		if (out)
			*out = sqlite3_column_int64(stmt, 0);
	} else {
		rc = stele_error_db(STELE_EFAIL, db, "opening an epoch");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* The newest finished run whose epoch is at most epoch (0: none). */
static int run_at(int64_t *run, sqlite3 *db, int64_t epoch)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) FROM stele_run WHERE "
		 "finished_at IS NOT NULL AND epoch <= %lld", (long long)epoch);
	return stele_db_int(db, sql, run);
}

int stele_history_now(int64_t *epoch, int64_t *run, sqlite3 *db)
{
	int64_t e = 0, r = 0;
	int rc;

	if ((rc = stele_db_int(db, "SELECT coalesce(max(n), 0) FROM stele_epoch", &e)) < 0 ||
	    (rc = run_at(&r, db, e)) < 0)
		return rc;
	*epoch = e;
	*run = r;
	return 0;
}

/* A local time YYYY-MM-DD[THH:MM[:SS[.mmm]]] (or with a space) to unix
 * milliseconds. A time without milliseconds is the last millisecond of its second
 * (a date alone: of its day). */
static int parse_time(int64_t *out, const char *s)
{
	int32_t days;
	int h = 23, mi = 59, sec = 59, ms = 999, n = 0;
	char date[11];
	struct tm tm = { 0 };
	int y, m, d;

	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = 0;
	if (stele_parse_date(&days, date, "--as-of") < 0)
		return -1;
	if (s[10]) {
		if ((s[10] != 'T' && s[10] != ' ') ||
		    (sscanf(s + 11, "%2d:%2d%n", &h, &mi, &n) != 2) || n != 5)
			return -1;
		sec = 0;
		if (s[16] == ':') {
			if (sscanf(s + 17, "%2d%n", &sec, &n) != 1 || n != 2)
				return -1;
			if (s[19] == '.') {
				if (strspn(s + 20, "0123456789") != 3 || s[23])
					return -1;
				ms = atoi(s + 20);
			} else if (s[19]) {
				return -1;
			}
		} else if (s[16]) {
			return -1;
		}
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
	}
	stele_civil_from_days(&y, &m, &d, days);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	*out = (int64_t)mktime(&tm) * 1000 + ms;
	return 0;
}

int stele_history_resolve(int64_t *epoch, int64_t *run, sqlite3 *db, const char *as_of)
{
	sqlite3_stmt *stmt = NULL;
	int64_t e = 0, t;
	int rc, step;

	if (*as_of && strspn(as_of, "0123456789") == strlen(as_of) && strlen(as_of) <= 12) {
		int64_t id = strtoll(as_of, NULL, 10);
		if ((rc = stele_db_prepare(db, &stmt, "SELECT epoch, finished_at FROM stele_run "
						      "WHERE id = ?")) < 0)
			return rc;
		sqlite3_bind_int64(stmt, 1, id);
		step = sqlite3_step(stmt);
		if (step == SQLITE_ROW && sqlite3_column_type(stmt, 1) != SQLITE_NULL)
			e = sqlite3_column_int64(stmt, 0);
		else if (step == SQLITE_ROW)
			rc = stele_error(STELE_EINVALID, "merge run %s did not finish; its state was "
					 "never complete", as_of);
		else if (step == SQLITE_DONE)
			rc = stele_error(STELE_EINVALID, "there is no merge run %s (see "
					 "'stele-aggregator log')", as_of);
		else
			rc = stele_error_db(STELE_EFAIL, db, "reading the merge runs");
		sqlite3_finalize(stmt);
		if (rc < 0)
			return rc;
		*epoch = e;
		*run = id;
		return 0;
	}
	if (parse_time(&t, as_of) < 0)
		return stele_error(STELE_EUSAGE, "--as-of '%s' is neither a merge run number nor "
				   "a time YYYY-MM-DD[THH:MM[:SS[.mmm]]]", as_of);
	if ((rc = stele_db_prepare(db, &stmt, "SELECT max(n) FROM stele_epoch WHERE at <= ?")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)t);
	step = sqlite3_step(stmt);
	if (step != SQLITE_ROW)
		rc = stele_error_db(STELE_EFAIL, db, "reading the epochs");
	else if (sqlite3_column_type(stmt, 0) == SQLITE_NULL)
		rc = stele_error(STELE_EINVALID, "--as-of %s is before the first state this county "
				 "kept", as_of);
	else
		e = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc < 0 || (rc = run_at(run, db, e)) < 0)
		return rc;
	*epoch = e;
	return 0;
}

/* One kept table turned back to the end of an epoch, inside the as-of savepoint.
 * fast: no savepoint per table and no statement journal (OR FAIL), so that a
 * page changed is written once, not twice more; a failure then leaves the
 * tables half turned, and stele_view_open rolls back and turns them all back
 * again the careful way (fast false). */
struct undo {
	sqlite3 *db;
	int64_t epoch;
	bool fast;
};

/* How undo_sql turns a table back. */
enum undo_way {
	UNDO_REPLACE,   /* every newer row goes, every old version comes back */
	UNDO_IN_PLACE,  /* by primary key, in place */
	UNDO_UPDATES,   /* only updates since (no delete, no key changed): in place */
};

/*
 * The statements that turn table (columns c) back to the end of epoch, given lo
 * (the first rowid born after it). A row changed or born since is "newer"; a
 * kept version valid then is "old". UNDO_IN_PLACE: newer rows with no old
 * version of their key go, newer rows with one get its values by an UPDATE of
 * only the columns in cols (bit i: column i; an index none of whose columns is
 * set is not touched, so a change of review stage rewrites no date index), and
 * old versions whose key has no row come back. UNDO_UPDATES, when nothing was
 * deleted since: the rows born since go (a range of rowids) and the UPDATE is
 * all. UNDO_REPLACE (no key, or a fallback): delete and insert.
 */
static int undo_sql(struct stele_buf *b, const char *table, const struct columns *c, int64_t lo,
		    int64_t epoch, enum undo_way way, int64_t cols, bool fast)
{
	const char *or_fail = fast ? "OR FAIL " : "";
	char newer[512], old[160];
	int rc, nset = 0;

	snprintf(newer, sizeof(newer), "(rowid >= %lld OR rowid IN (SELECT rid FROM main.\"%s_since\" "
		 "WHERE _from > %lld))", (long long)lo, table, (long long)epoch);
	snprintf(old, sizeof(old), "h._to > %lld AND h._from <= %lld", (long long)epoch,
		 (long long)epoch);
	if (way == UNDO_REPLACE) {
		if ((rc = stele_buf_printf(b, "DELETE FROM main.\"%s\" WHERE %s; INSERT %sINTO "
					   "main.\"%s\" (", table, newer, or_fail, table)) < 0 ||
		    (rc = column_list(b, c, "")) < 0 || (rc = stele_buf_puts(b, ") SELECT ")) < 0 ||
		    (rc = column_list(b, c, "h.")) < 0)
			return rc;
		return stele_buf_printf(b, " FROM main.\"%s_hist\" h WHERE %s; ", table, old);
	}
	if (way == UNDO_UPDATES)
		rc = stele_buf_printf(b, "DELETE FROM main.\"%s\" WHERE rowid >= %lld; ", table,
				      (long long)lo);
	else if ((rc = stele_buf_printf(b, "DELETE FROM main.\"%s\" AS t WHERE %s AND NOT EXISTS "
					"(SELECT 1 FROM main.\"%s_hist\" h WHERE ", table, newer,
					table)) == 0 &&
		 (rc = pk_match(b, c, "h", "t")) == 0)
		rc = stele_buf_printf(b, " AND %s); ", old);
	if (rc < 0)
		return rc;
	for (int i = 0; i < c->n; i++)
		nset += c->pk[i] == 0 && (cols >> i & 1);
	if (nset) {
		if ((rc = stele_buf_printf(b, "UPDATE %smain.\"%s\" AS t SET ", or_fail, table)) < 0)
			return rc;
		for (int i = 0, k = 0; i < c->n && rc == 0; i++)
			if (c->pk[i] == 0 && (cols >> i & 1))
				rc = stele_buf_printf(b, "%s\"%s\" = h.\"%s\"", k++ ? ", " : "",
						      c->name[i], c->name[i]);
		if (rc < 0 ||
		    (rc = stele_buf_printf(b, " FROM main.\"%s_hist\" h WHERE %s AND ", table, old)) < 0 ||
		    (rc = pk_match(b, c, "h", "t")) < 0 || (rc = stele_buf_puts(b, "; ")) < 0)
			return rc;
	}
	if (way == UNDO_UPDATES)
		return 0;
	if ((rc = stele_buf_printf(b, "INSERT %sINTO main.\"%s\" (", or_fail, table)) < 0 ||
	    (rc = column_list(b, c, "")) < 0 || (rc = stele_buf_puts(b, ") SELECT ")) < 0 ||
	    (rc = column_list(b, c, "h.")) < 0 ||
	    (rc = stele_buf_printf(b, " FROM main.\"%s_hist\" h WHERE %s AND NOT EXISTS (SELECT 1 "
				   "FROM main.\"%s\" t WHERE ", table, old, table)) < 0 ||
	    (rc = pk_match(b, c, "t", "h")) < 0)
		return rc;
	return stele_buf_puts(b, "); ");
}

/* *cols: the columns of table that an update changed after epoch (bit i: column
 * i), with every bit set when a row was deleted since or when that is not known
 * (epochs before stele_hist_cols was kept). */
static int changed_since(int64_t *cols, sqlite3 *db, const char *table, int64_t epoch)
{
	sqlite3_stmt *stmt = NULL;
	int64_t from = 0, mask = 0;
	int rc;

	if ((rc = stele_db_int(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM stele_meta "
				   "WHERE key = 'history_cols_from'), 9223372036854775807)", &from)) < 0)
		return rc;
	if (epoch + 1 < from) {
		*cols = -1;
		return 0;
	}
	if ((rc = stele_db_prepare(db, &stmt, "SELECT cols FROM stele_hist_cols WHERE tbl = ? "
					      "AND epoch > ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, epoch);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		mask |= sqlite3_column_int64(stmt, 0);
	rc = rc == SQLITE_DONE ? 0 : stele_error_db(STELE_EFAIL, db, "reading the history");
	sqlite3_finalize(stmt);
	if (rc == 0)
		*cols = mask;
	return rc;
}

/*
 * Turns one table back to the end of s->epoch, inside the savepoint that
 * stele_view_close rolls back: its triggers go (so the undo is not recorded),
 * and the table is turned back (undo_sql); when the in-place way meets a
 * constraint (two rows swapping a unique value midway), it is redone by
 * delete and insert. The cost is what changed since.
 */
static int undo_one(void *arg, const char *table)
{
	struct undo *u = arg;
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	sqlite3_stmt *stmt = NULL;
	struct columns c;
	int64_t lo = 0, kept = 0;
	int rc, step;

	if ((rc = stele_buf_printf(&b, "SELECT coalesce(min(lo), 9223372036854775807) FROM "
				   "stele_hist_mark WHERE tbl = '%s' AND epoch > %lld", table,
				   (long long)u->epoch)) < 0 ||
	    (rc = stele_db_int(u->db, b.data, &lo)) < 0 || (rc = read_columns(&c, u->db, table)) < 0)
		goto done;
	stele_buf_reset(&b);
	if ((rc = stele_db_prepare(u->db, &stmt, "SELECT name FROM main.sqlite_master WHERE "
					      "type = 'trigger' AND tbl_name = ?")) < 0)
		goto done;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && rc == 0)
		rc = stele_buf_printf(&b, "DROP TRIGGER main.\"%s\"; ", sqlite3_column_text(stmt, 0));
	if (rc == 0 && step != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, u->db, "reading the schema");
	if (rc < 0 || (rc = stele_db_exec(u->db, b.data)) < 0)
		goto done;
	stele_buf_reset(&b);
	if ((rc = stele_buf_printf(&b, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
				   "name = '%s_hist_pk'", table)) < 0 ||
	    (rc = stele_db_int(u->db, b.data, &kept)) < 0)
		goto done;
	/* The way: by key when NAME_hist_pk is there; only the updates when nothing
	 * was deleted and no key column changed since. */
	enum undo_way way = kept ? UNDO_IN_PLACE : UNDO_REPLACE;
	int64_t cols = -1;
	if (kept && (rc = changed_since(&cols, u->db, table, u->epoch)) < 0)
		goto done;
	if (kept && !(cols >> 62 & 1)) {
		way = UNDO_UPDATES;
		for (int i = 0; i < c.n; i++)
			if (c.pk[i] > 0 && (cols >> i & 1))
				way = UNDO_IN_PLACE;
	}
	stele_buf_reset(&b);
	if (u->fast) {
		if ((rc = undo_sql(&b, table, &c, lo, u->epoch, way, cols, true)) == 0)
			rc = stele_db_exec(u->db, b.data);
		goto done;
	}
	if ((rc = stele_buf_puts(&b, "SAVEPOINT stele_undo_one; ")) < 0 ||
	    (rc = undo_sql(&b, table, &c, lo, u->epoch, way, cols, false)) < 0 ||
	    (rc = stele_buf_puts(&b, "RELEASE stele_undo_one")) < 0)
		goto done;
	if (sqlite3_exec(u->db, b.data, NULL, NULL, NULL) != SQLITE_OK) {
		if (way == UNDO_REPLACE || (sqlite3_errcode(u->db) & 0xff) != SQLITE_CONSTRAINT) {
			rc = stele_error_db(STELE_EFAIL, u->db, "turning the county back");
			goto done;
		}
		sqlite3_exec(u->db, "ROLLBACK TO stele_undo_one; RELEASE stele_undo_one", NULL, NULL,
			     NULL);
		stele_buf_reset(&b);
		if ((rc = undo_sql(&b, table, &c, lo, u->epoch, UNDO_REPLACE, -1, false)) < 0)
			goto done;
		rc = stele_db_exec(u->db, b.data);
	}
done:
	sqlite3_finalize(stmt);
	stele_buf_free(&b);
	return rc;
}

int stele_view_open(sqlite3 *db, enum stele_view_kind kind, int64_t epoch)
{
	struct undo u = { db, epoch, true };
	int64_t installed = 0, checks_off = 0;
	int rc;

	switch (kind) {
	case STELE_VIEW_AS_OF:
		if ((rc = stele_db_int(db, "SELECT count(*) FROM stele_meta WHERE key = "
					   "'history_format'", &installed)) < 0)
			return rc;
		if (!installed)
			return stele_error(STELE_EINVALID, "this county keeps no past states yet "
					   "(they start with its next write or merge)");
		/* Rows come and go in any order while the tables are turned back (a point
		 * event before its member): no foreign-key checks until the rollback. */
		if (sqlite3_get_autocommit(db))
			sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
		if ((rc = stele_db_exec(db, "SAVEPOINT stele_as_of_view")) < 0) {
			sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
			return rc;
		}
		/* The versions written back passed their CHECK constraints when they
		 * were written: not checked again (SQLite builds a set per row for an
		 * IN list), only while turning back. */
		if ((rc = stele_db_int(db, "PRAGMA ignore_check_constraints", &checks_off)) == 0)
			rc = stele_db_exec(db, "PRAGMA ignore_check_constraints = ON");
		/* Fast first; should that fail (a constraint met midway), from the start
		 * again the careful way, which reports what still fails. */
		if (rc == 0 && (rc = each_kept(undo_one, &u)) < 0) {
			stele_error_clear();
			u.fast = false;
			if ((rc = stele_db_exec(db, "ROLLBACK TO stele_as_of_view")) == 0)
				rc = each_kept(undo_one, &u);
		}
		if (!checks_off)
			sqlite3_exec(db, "PRAGMA ignore_check_constraints = OFF", NULL, NULL, NULL);
		if (rc < 0)
			stele_view_close(db, STELE_VIEW_AS_OF);
		return rc;
	case STELE_VIEW_DRAFT:
		if ((rc = stele_db_exec(db, "SAVEPOINT stele_draft_view")) < 0)
			return rc;
		if ((rc = stele_rules_drafts_apply(NULL, db)) < 0)
			sqlite3_exec(db, "ROLLBACK TO stele_draft_view; RELEASE stele_draft_view",
				     NULL, NULL, NULL);
		return rc;
	default:
		return 0;
	}
}

void stele_view_close(sqlite3 *db, enum stele_view_kind kind)
{
	if (kind == STELE_VIEW_AS_OF) {
		sqlite3_exec(db, "ROLLBACK TO stele_as_of_view; RELEASE stele_as_of_view", NULL, NULL,
			     NULL);
		if (sqlite3_get_autocommit(db))
			sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	} else if (kind == STELE_VIEW_DRAFT) {
		sqlite3_exec(db, "ROLLBACK TO stele_draft_view; RELEASE stele_draft_view", NULL,
			     NULL, NULL);
	}
}
