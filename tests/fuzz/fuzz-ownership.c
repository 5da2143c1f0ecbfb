/* fuzz-ownership.c: libFuzzer target for the row checks every incoming change set
 * passes (stele_merge_check_changes: walk, ownership, table shapes, the value rules
 * of lib/rowcheck.h) and the apply that follows them (stele_stream_apply). The input is row changes; for a village
 * writer and for the
 * county, whatever the check lets through is applied to a database holding both
 * villages' and the county's rows under a SQLite session that records what really
 * changed, and every such row must be one the writer owns: a village-owned row of
 * that village, or a county-owned row; and every row it wrote must keep the value
 * rules the agent keeps (stele_row_check on the session's own record of it: what
 * SQLite stored, not what the change set said). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "db.h"
#include "domain.h"
#include "error.h"
#include "rules.h"
#include "merge.h"
#include "rowcheck.h"
#include "fuzz.h"

#define VILLAGE "990101001201"
#define NEIGHBOUR "990101001202"
#define TOWNSHIP "990101001"

static sqlite3 *db;

/* Rows of both villages (ids the seed corpus's change sets name) and the county. */
static const char setup_sql[] =
	"INSERT INTO member (village_code, id, name) VALUES "
	"('" VILLAGE "', 'M0001', '张三'), ('" VILLAGE "', 'M0002', '李四'),"
	"('" NEIGHBOUR "', 'M0001', '王五'), ('" NEIGHBOUR "', 'M0002', '赵六');"
	"INSERT INTO point_event (village_code, id, member_id, rule_code, occurred_on, points) VALUES "
	"('" VILLAGE "', 'E000001', 'M0001', 'B01', '2026-08-03', 20),"
	"('" NEIGHBOUR "', 'E000001', 'M0001', 'B01', '2026-08-03', 20);"
	"INSERT INTO task (village_code, id, title, due_on) VALUES "
	"('" VILLAGE "', 'T0007', '修缮村道', '2026-09-30'), ('" NEIGHBOUR "', 'T0007', '修桥', '2026-09-30');"
	"INSERT INTO village (code, name, township_code, township_name) VALUES "
	"('" VILLAGE "', '正营村', '990101001', '城关镇'), ('" NEIGHBOUR "', '东村', '990101001', '城关镇');";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (stele_db_open(&db, ":memory:", STELE_DB_CREATE) < 0 || stele_db_begin(db) < 0 ||
	    stele_rules_install_defaults(db) < 0 || stele_db_exec(db, setup_sql) < 0 ||
	    stele_db_commit(db) < 0) {
		fprintf(stderr, "fuzz-ownership: setting up the database: %s\n", stele_error_message());
		abort();
	}
	return 0;
}

/* Whether a row change the apply made is one writer may make: a county-owned
 * table for the county; for a township (9 digits) its review table, with a 12-digit
 * code starting with the writer's as its first (key) column; else a village-owned
 * table with the writer's code as its first (key) column. */
static bool owned_change(sqlite3_changeset_iter *it, const char *writer)
{
	sqlite3_value *code = NULL;
	const char *table;
	int ncol, op, indirect;

	FUZZ_CHECK(sqlite3changeset_op(it, &table, &ncol, &op, &indirect) == SQLITE_OK,
		   "the session's own changeset does not iterate");
	if (strcmp(writer, STELE_WRITER_COUNTY) == 0)
		return stele_is_county_table(table);
	if (strlen(writer) == 9 ? strcmp(table, "township_review") != 0
				: !stele_is_village_table(table))
		return false;
	if ((op == SQLITE_INSERT ? sqlite3changeset_new(it, 0, &code)
				 : sqlite3changeset_old(it, 0, &code)) != SQLITE_OK || !code)
		return false;
	if (strlen(writer) == 9)
		return sqlite3_value_type(code) == SQLITE_TEXT &&
		       strlen((const char *)sqlite3_value_text(code)) == 12 &&
		       strncmp((const char *)sqlite3_value_text(code), writer, 9) == 0;
	return sqlite3_value_type(code) == SQLITE_TEXT &&
	       strcmp((const char *)sqlite3_value_text(code), writer) == 0;
}

/* stele_cs_walk callback over the session's record of the apply: each row as stored
 * keeps its table's value rules. */
static int stored_row_valid(void *ctx, const struct stele_cs_row *row)
{
	(void)ctx;
	FUZZ_CHECK(stele_row_check(row) == 0, "the merge applied a row its value rules refuse: %s",
		   stele_error_message());
	return 0;
}

/* Applies data as writer's if the row checks pass, recording what the apply really
 * changed with a session on every table, and checks each change. */
static void check_writer(const uint8_t *data, size_t size, const char *writer)
{
	struct stele_changeset cs = { 0 };
	struct stele_stream stream;
	sqlite3_session *session = NULL;
	sqlite3_changeset_iter *it = NULL;
	const char *reason = NULL;
	void *effect = NULL;
	int effect_len = 0, src, rc;

	rc = stele_merge_check_changes(&reason, db, writer, data, size);
	if (rc < 0) {
		FUZZ_CHECK(rc == STELE_EVERIFY && reason, "row checks returned %d (%s): %s", rc,
			   reason ? reason : "no reason", stele_error_message());
		return;
	}
	FUZZ_CHECK(stele_stream_init(&stream, db, writer) == 0, "stream: %s", stele_error_message());
	cs.format = STELE_CS_FORMAT;
	cs.seq = 1;
	strcpy(cs.writer, writer);
	cs.changes = (unsigned char *)data;
	cs.changes_len = size;
	FUZZ_CHECK(stele_db_begin(db) == 0, "begin: %s", stele_error_message());
	FUZZ_CHECK(sqlite3session_create(db, "main", &session) == SQLITE_OK &&
			   sqlite3session_attach(session, NULL) == SQLITE_OK,
		   "cannot watch the apply: %s", sqlite3_errmsg(db));
	rc = stele_stream_apply(&reason, &stream, &cs);
	if (rc == 0) {
		FUZZ_CHECK(sqlite3session_changeset(session, &effect_len, &effect) == SQLITE_OK,
			   "cannot read what the apply changed");
		FUZZ_CHECK(sqlite3changeset_start(&it, effect_len, effect) == SQLITE_OK,
			   "the session's own changeset does not start");
		while ((src = sqlite3changeset_next(it)) == SQLITE_ROW)
			FUZZ_CHECK(owned_change(it, writer),
				   "a change set that passed the row checks for %s changed a row it "
				   "does not own", writer);
		FUZZ_CHECK(src == SQLITE_DONE, "the session's own changeset does not iterate");
		sqlite3changeset_finalize(it);
		FUZZ_CHECK(stele_cs_walk(NULL, effect, (size_t)effect_len, stored_row_valid, NULL) == 0,
			   "the session's own changeset does not walk: %s", stele_error_message());
		sqlite3_free(effect);
	} else {
		FUZZ_CHECK(rc == STELE_EVERIFY && reason && strcmp(reason, "conflict") == 0,
			   "apply returned %d (%s): %s", rc, reason ? reason : "no reason",
			   stele_error_message());
	}
	sqlite3session_delete(session);
	stele_db_rollback(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_writer(data, size, VILLAGE);
	check_writer(data, size, TOWNSHIP);
	check_writer(data, size, STELE_WRITER_COUNTY);
	return 0;
}
