/* unit-sql.h: the SQL fixture the change-set tests share: run SQL or fail the
 * test, and capture what SQL changes as a changeset. Include after unit.h. */
#ifndef STELE_UNIT_SQL_H
#define STELE_UNIT_SQL_H

#include <sqlite3.h>

/* Runs sql on db; fails the test with SQLite's message if it does not succeed. */
static inline void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

/* The changeset sql makes on every table of db (foreign keys checked only at the
 * end, which never comes: rolled back). Caller sqlite3_free()s. */
static inline void *capture(int *len, sqlite3 *db, const char *sql)
{
	sqlite3_session *session = NULL;
	void *changes = NULL;

	exec(db, "BEGIN; PRAGMA defer_foreign_keys = ON");
	assert_int_equal(sqlite3session_create(db, "main", &session), SQLITE_OK);
	assert_int_equal(sqlite3session_attach(session, NULL), SQLITE_OK);
	exec(db, sql);
	assert_int_equal(sqlite3session_changeset(session, len, &changes), SQLITE_OK);
	sqlite3session_delete(session);
	exec(db, "ROLLBACK");
	return changes;
}

#endif
