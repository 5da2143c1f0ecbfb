/* db.c: opening Stele databases, applying migrations, statement helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "error.h"
#include "parse.h"

int stele_schema_version(void)
{
	return stele_migrations[stele_migration_count - 1].version;
}

int stele_db_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return stele_error_db(STELE_EFAIL, db, "database");
	return 0;
}

int stele_db_prepare(sqlite3 *db, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
		return stele_error_db(STELE_EFAIL, db, "database");
	return 0;
}

int stele_db_begin(sqlite3 *db)
{
	return stele_db_exec(db, "BEGIN IMMEDIATE");
}

int stele_db_commit(sqlite3 *db)
{
	return stele_db_exec(db, "COMMIT");
}

void stele_db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* Binds stmt's ?1, ?2, ... from ap as types says (stele_db_run's letters). */
static void bind_typed(sqlite3_stmt *stmt, const char *types, va_list ap)
{
	for (int i = 0; types[i]; i++) {
		switch (types[i]) {
		case 't':
			sqlite3_bind_text(stmt, i + 1, va_arg(ap, const char *), -1, SQLITE_STATIC);
			break;
		case 'e':
			stele_bind_text_or_null(stmt, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
			break;
		default:
			STELE_ASSERT(types[i] == 'n');
			sqlite3_bind_int(stmt, i + 1, va_arg(ap, int));
		}
	}
}

int stele_db_run(sqlite3 *db, const char *what, const char *sql, const char *types, ...)
{
	sqlite3_stmt *stmt = NULL;
	va_list ap;
	int rc;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	va_start(ap, types);
	bind_typed(stmt, types, ap);
	va_end(ap);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error_db(STELE_EFAIL, db, what);
	sqlite3_finalize(stmt);
	return rc;
}

int stele_db_query_int(int64_t *out, sqlite3 *db, const char *what, const char *sql,
		       const char *types, ...)
{
	sqlite3_stmt *stmt = NULL;
	va_list ap;
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	va_start(ap, types);
	bind_typed(stmt, types, ap);
	va_end(ap);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else if (step == SQLITE_DONE)
		*out = 0;
	else
		rc = stele_error_db(STELE_EFAIL, db, what);
	sqlite3_finalize(stmt);
	return rc;
}

int stele_db_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, db, "database");
		goto done;
	}
	*out = sqlite3_column_int64(stmt, 0);
done:
	sqlite3_finalize(stmt);
	return rc;
}

int stele_db_next_id(char out[24], sqlite3 *db, const char *table, const char *prefix,
		     int width, const char *village)
{
	sqlite3_stmt *stmt = NULL;
	char sql[256], pattern[48];
	long long next = 1;
	int rc;

	snprintf(pattern, sizeof(pattern), "%s", prefix);
	for (int i = 0; i < width && strlen(pattern) + 5 < sizeof(pattern); i++)
		strcat(pattern, "[0-9]");
	snprintf(sql, sizeof(sql),
		 "SELECT max(CAST(substr(id, %d) AS INTEGER)) FROM %s WHERE id GLOB ?1%s",
		 (int)strlen(prefix) + 1, table, village ? " AND village_code = ?2" : "");
	if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, pattern, -1, SQLITE_STATIC);
	if (village)
		sqlite3_bind_text(stmt, 2, village, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = stele_error_db(STELE_EFAIL, db, "assigning an id");
		goto done;
	}
	if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		next = sqlite3_column_int64(stmt, 0) + 1;
	snprintf(out, 24, "%s%0*lld", prefix, width, next);
done:
	sqlite3_finalize(stmt);
	return rc;
}

static int migrate(sqlite3 *db, const char *path)
{
	int64_t current;
	int rc;

	if ((rc = stele_db_int(db, "PRAGMA user_version", &current)) < 0)
		return rc;
	if (current > stele_schema_version())
		return stele_error(STELE_EFAIL,
				   "database %s has schema version %lld, newer than this program's %d; "
				   "upgrade Stele", path, (long long)current, stele_schema_version());
	for (int i = 0; i < stele_migration_count; i++) {
		const struct stele_migration *m = &stele_migrations[i];
		char pragma[64];

		if (m->version <= current)
			continue;
		if ((rc = stele_db_begin(db)) < 0)
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(db, m->sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
			rc = stele_error(STELE_EFAIL, "migration %s failed: %s", m->name, sqlite3_errmsg(db));
			stele_db_rollback(db);
			return rc;
		}
		if ((rc = stele_db_commit(db)) < 0)
			return rc;
	}
	return 0;
}

/* SQL local_time(X): X (unix seconds, or a UTC stamp "...Z") as
 * stele_format_local_time writes it; NULL for NULL or anything else. */
static void sql_local_time(sqlite3_context *sctx, int argc, sqlite3_value **argv)
{
	char buf[STELE_LOCAL_TIME_BYTES];
	int64_t secs = -1;

	if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER)
		secs = sqlite3_value_int64(argv[0]);
	else if (sqlite3_value_type(argv[0]) == SQLITE_TEXT)
		secs = stele_parse_utc_stamp((const char *)sqlite3_value_text(argv[0]));
	if (secs < 0) {
		sqlite3_result_null(sctx);
		return;
	}
	stele_format_local_time(buf, secs);
	sqlite3_result_text(sctx, buf, -1, SQLITE_TRANSIENT);
}

/* SQLite counts every allocation under a process-wide mutex (SQLITE_CONFIG_MEMSTATUS)
 * for sqlite3_memory_used, which nothing here reads. It can only be turned off
 * before SQLite starts, which any sqlite3_* call may do: so at program start. */
__attribute__((constructor)) static void config_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int stele_db_open(sqlite3 **out, const char *path, int flags)
{
	sqlite3 *db = NULL;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	if (flags & STELE_DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (flags & STELE_DB_READ)
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
		rc = stele_error(STELE_EFAIL, "cannot open database %s: %s", path,
				 db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	if (flags & STELE_DB_READ) {
		int64_t version;
		sqlite3_extended_result_codes(db, 1);
		sqlite3_busy_timeout(db, 5000);
		if ((rc = stele_db_exec(db, "PRAGMA trusted_schema = OFF")) < 0 ||
		    (rc = stele_db_int(db, "PRAGMA user_version", &version)) < 0)
			goto done;
		if (version != stele_schema_version()) {
			rc = stele_error(STELE_EFAIL, "database %s has schema version %lld, not this "
					 "program's %d", path, (long long)version, stele_schema_version());
			goto done;
		}
		goto opened;
	}
	/* SQLite quietly falls back to read-only when the read-write open fails (an
	 * I/O error, a full disk): every later write would then be refused as if the
	 * data were at fault. It is an I/O failure, and it is reported here. */
	if (sqlite3_db_readonly(db, "main") == 1) {
		rc = stele_error(STELE_EFAIL, "cannot open database %s for writing", path);
		goto done;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 5000);
	if ((rc = stele_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
				    "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF")) < 0)
		goto done;
	if (sqlite3_create_function(db, "local_time", 1, SQLITE_UTF8, NULL,
				    sql_local_time, NULL, NULL) != SQLITE_OK) {
		rc = stele_error_db(STELE_EFAIL, db, "opening the database");
		goto done;
	}
	if ((rc = migrate(db, path)) < 0)
		goto done;
opened:
	*out = db;
	db = NULL;
done:
	if (db)
		sqlite3_close(db);
	return rc;
}

void stele_db_close(sqlite3 *db)
{
	if (db)
		sqlite3_close_v2(db);
}

int stele_meta_get(sqlite3 *db, const char *key, char **out)
{
	sqlite3_stmt *stmt = NULL;
	char *value = NULL;
	int rc, step;

	if ((rc = stele_db_prepare(db, &stmt, "SELECT value FROM stele_meta WHERE key = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		value = strdup((const char *)sqlite3_column_text(stmt, 0));
		if (!value) {
			rc = stele_error(STELE_EFAIL, "out of memory");
			goto done;
		}
	} else if (step != SQLITE_DONE) {
		rc = stele_error_db(STELE_EFAIL, db, "reading settings");
		goto done;
	}
	*out = value;
done:
	sqlite3_finalize(stmt);
	return rc;
}

int stele_meta_set(sqlite3 *db, const char *key, const char *value)
{
	int rc;

	rc = stele_db_run(db, "writing settings",
			  "INSERT INTO stele_meta (key, value) VALUES (?, ?) "
			  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			  "tt", key, value);
	return rc;
}

int stele_bind_text_or_null(sqlite3_stmt *stmt, int idx, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(stmt, idx);
	return sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT);
}

/* The synced tables and the order their rows are dumped in. */
static const struct {
	const char *table;
	const char *order;
	int village_owned;
} dump_tables[] = {
	{ "point_rule", "code", 0 },
	{ "standard_item", "code", 0 },
	{ "veto_item", "code", 0 },
	{ "veto_event", "id", 0 },
	{ "ranking_config", "key", 0 },
	{ "village", "code", 0 },
	{ "member", "village_code, id", 1 },
	{ "point_event", "village_code, id", 1 },
	{ "task", "village_code, id", 1 },
	{ "request", "village_code, id", 1 },
	{ "income", "village_code, id", 1 },
	{ "assessment", "village_code, year, item_code", 1 },
	{ "period_close", "village_code, period", 1 },
	{ "writer_key", "village_code, seq_from", 1 },
	{ "grid", "village_code, id", 1 },
};

/* One value of a dump: NULL is \N; '|', '\' and line breaks are escaped, so two
 * different sets of rows never dump alike. */
static int dump_value(struct stele_buf *buf, int type, const char *v)
{
	int rc = 0;

	if (type == SQLITE_NULL || !v)
		return stele_buf_puts(buf, "\\N");
	for (; *v && rc == 0; v++) {
		switch (*v) {
		case '|': rc = stele_buf_puts(buf, "\\p"); break;
		case '\\': rc = stele_buf_puts(buf, "\\\\"); break;
		case '\n': rc = stele_buf_puts(buf, "\\n"); break;
		case '\r': rc = stele_buf_puts(buf, "\\r"); break;
		default: rc = stele_buf_putc(buf, *v);
		}
	}
	return rc;
}

int stele_db_dump(char **out, sqlite3 *db, const char *village)
{
	struct stele_buf buf = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	for (size_t t = 0; t < sizeof(dump_tables) / sizeof(dump_tables[0]); t++) {
		char sql[256];
		int step;

		if (village && !dump_tables[t].village_owned)
			continue;
		snprintf(sql, sizeof(sql), "SELECT * FROM %s%s ORDER BY %s", dump_tables[t].table,
			 village && dump_tables[t].village_owned ? " WHERE village_code = ?" : "",
			 dump_tables[t].order);
		if ((rc = stele_db_prepare(db, &stmt, sql)) < 0)
			goto done;
		if (village && dump_tables[t].village_owned)
			sqlite3_bind_text(stmt, 1, village, -1, SQLITE_STATIC);
		while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
			if ((rc = stele_buf_puts(&buf, dump_tables[t].table)) < 0)
				goto done;
			for (int c = 0; c < sqlite3_column_count(stmt); c++) {
				const char *v = (const char *)sqlite3_column_text(stmt, c);
				if ((rc = stele_buf_putc(&buf, '|')) < 0 ||
				    (rc = dump_value(&buf, sqlite3_column_type(stmt, c), v)) < 0)
					goto done;
			}
			if ((rc = stele_buf_putc(&buf, '\n')) < 0)
				goto done;
		}
		if (step != SQLITE_DONE) {
			rc = stele_error_db(STELE_EFAIL, db, "dumping");
			goto done;
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	*out = stele_buf_detach(&buf, NULL);
done:
	sqlite3_finalize(stmt);
	stele_buf_free(&buf);
	return rc;
}
