/* db.h: opening a Stele database, its migrations, and small statement helpers. */
#ifndef STELE_DB_H
#define STELE_DB_H

#include <stdint.h>
#include <sqlite3.h>

/* One schema/NNNN-name.sql file, embedded at build time (tools/embed-schema.sh). */
struct stele_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct stele_migration stele_migrations[];
extern const int stele_migration_count;

/* The schema version this program writes: the number of the last migration. */
int stele_schema_version(void);

enum {
	STELE_DB_CREATE = 1 << 0, /* create the file if missing */
	STELE_DB_READ = 1 << 1,   /* read only: no migration, the schema must be this program's */
};

/*
 * Opens path with WAL, synchronous=FULL, foreign keys on, and applies every
 * pending migration, each in its own transaction. A database whose schema is
 * newer than this program is refused (STELE_EFAIL, nothing changed). With
 * STELE_DB_READ it is opened read only and changes nothing: a schema other than
 * this program's is refused (STELE_EFAIL) instead of migrated. On success
 * *out is the handle, closed by the caller with stele_db_close().
 */
int stele_db_open(sqlite3 **out, const char *path, int flags);
void stele_db_close(sqlite3 *db);

/* Runs SQL with no results. */
int stele_db_exec(sqlite3 *db, const char *sql);

/* Prepares sql; on failure records the database's message. The caller finalizes. */
int stele_db_prepare(sqlite3 *db, sqlite3_stmt **out, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (rollback never fails the caller). */
int stele_db_begin(sqlite3 *db);
int stele_db_commit(sqlite3 *db);
void stele_db_rollback(sqlite3 *db);

/* stele_meta: *out is a malloc'd copy the caller frees, or NULL when the key is
 * absent (which is not an error). */
int stele_meta_get(sqlite3 *db, const char *key, char **out);
int stele_meta_set(sqlite3 *db, const char *key, const char *value);

/*
 * Runs one statement that returns no rows (an INSERT, UPDATE or DELETE), binding
 * its parameters ?1, ?2, ... from the arguments as types says, one letter each:
 * 't' a text (const char *; NULL binds NULL), 'e' a text that is NULL when empty
 * (stele_bind_text_or_null), 'i' an int64_t, 'n' an int. A failure is
 * STELE_EFAIL naming what ("writing the village registry"). sqlite3_changes(db)
 * tells the rows it changed.
 */
int stele_db_run(sqlite3 *db, const char *what, const char *sql, const char *types, ...);

/* The first column of sql's first row as an integer into *out (0 when it returns
 * no row or NULL), its parameters bound as stele_db_run's types say; a failure is
 * STELE_EFAIL naming what ("reading the weak list"), *out left alone. Nothing to
 * free. */
int stele_db_query_int(int64_t *out, sqlite3 *db, const char *what, const char *sql,
		       const char *types, ...);

/* The single integer result of sql (with no parameters), or STELE_EFAIL. */
int stele_db_int(sqlite3 *db, const char *sql, int64_t *out);

/* The next free id of table: prefix and width digits, one more than the largest
 * id of that shape (M0001, E000001, J0001, VE0001, ...), among the rows of village
 * (NULL: all rows). Ids of another shape ("OLD-7") stay out of the sequence. out
 * holds 24 bytes, written on success only. */
int stele_db_next_id(char out[24], sqlite3 *db, const char *table, const char *prefix,
		     int width, const char *village);

/* Binds text, or NULL when s is NULL or empty (absent optional values are NULL). */
int stele_bind_text_or_null(sqlite3_stmt *stmt, int idx, const char *s);

/* Canonical text dump of every synced table (ordered by primary key), for tests and
 * `verify`: two databases hold the same rows if their dumps are equal. *out is
 * malloc'd, freed by the caller. village may be NULL (all rows) or limit
 * village-owned tables to one village. */
int stele_db_dump(char **out, sqlite3 *db, const char *village);

#endif
