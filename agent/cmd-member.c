/* cmd-member.c: `stele-agent member add|set|list`, and the validated member write
 * that import shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "db.h"
#include "error.h"
#include "parse.h"

const char *const member_statuses[] = { "active", "transferred_out", "flowing", "deceased", NULL };

static const char member_get_sql[] =
	"SELECT '', name, gender, born, joined, status, grid FROM member "
	"WHERE village_code = ?1 AND id = ?2";
const struct agent_row_kind member_kind = { "member", "member", "M", 4, member_get_sql,
					    MF_COUNT };

/* NULL fields keep their value; "" clears an optional one. */
static const char member_update_sql[] =
	"UPDATE member SET name = coalesce(?3, name), "
	"gender = CASE WHEN ?4 IS NULL THEN gender ELSE nullif(?4, '') END, "
	"born = CASE WHEN ?5 IS NULL THEN born ELSE CAST(nullif(?5, '') AS INTEGER) END, "
	"joined = CASE WHEN ?6 IS NULL THEN joined ELSE nullif(?6, '') END, "
	"status = coalesce(nullif(?7, ''), status), "
	"grid = CASE WHEN ?8 IS NULL THEN grid ELSE nullif(?8, '') END "
	"WHERE village_code = ?1 AND id = ?2";
static const char member_insert_sql[] =
	"INSERT INTO member (village_code, id, name, gender, born, joined, status, grid) "
	"VALUES (?1, ?2, ?3, nullif(?4, ''), CAST(nullif(?5, '') AS INTEGER), "
	"nullif(?6, ''), coalesce(nullif(?7, ''), 'active'), nullif(?8, ''))";

int member_put(char *out_id, struct agent_batch *b, const struct member_row *row)
{
	struct agent_row_ref ref;
	const char *id = ref.id, *label = ref.label;
	bool exists;
	int64_t born;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = agent_batch_row_ref(&ref, NULL, b, &member_kind, row->id, row->must_exist,
				      row->must_be_new)) < 0)
		return rc;
	exists = ref.exists;
	if (!exists && (!row->name || !*row->name))
		return agent_refuse_malformed(MF_NAME, "%s: name is empty", label);
	if (row->name) {
		if (!*row->name)
			return agent_refuse_malformed(MF_NAME, "%s: name is empty", label);
		if ((rc = stele_check_text(row->name, 100, "member name")) < 0)
			return rc;
	}
	if (row->gender && *row->gender && strcmp(row->gender, "M") != 0 && strcmp(row->gender, "F") != 0)
		return agent_refuse_malformed(MF_GENDER, "%s: gender '%s' is not M, F or empty", label, row->gender);
	if (row->born && *row->born && stele_parse_int(row->born, 1900, 2999, &born, "born") < 0)
		return agent_refuse_malformed(MF_BORN, "%s: born '%s' is not a year", label, row->born);
	if (row->joined && *row->joined &&
	    ((rc = agent_check_field_date(MF_JOINED, label, "joined", row->joined)) < 0 ||
	     (rc = agent_batch_refuse_closed(b, MF_JOINED, label, row->joined)) < 0))
		return rc;
	if (row->status && !agent_in_list(member_statuses, row->status))
		return agent_refuse_malformed(MF_STATUS, "%s: status '%s' is not active, transferred_out, "
				   "flowing or deceased", label, row->status);
	if (row->grid && *row->grid &&
	    (rc = agent_check_field_text(MF_GRID, label, "grid", row->grid, 64)) < 0)
		return rc;

	if ((rc = agent_batch_stmt(&stmt, b, exists ? member_update_sql : member_insert_sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, agent_village(b->ctx), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, row->gender, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, row->born, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, row->joined, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, row->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, row->grid, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		/* A broken constraint is the row's fault; a disk error is not. */
		if ((sqlite3_errcode(b->ctx->db) & 0xff) == SQLITE_CONSTRAINT)
			rc = stele_error(STELE_EINVALID, "%s: %s", label, sqlite3_errmsg(b->ctx->db));
		else
			rc = stele_error_db(STELE_EFAIL, b->ctx->db, label);
	}
	sqlite3_reset(stmt);
	if (rc == 0 && out_id)
		strcpy(out_id, id);
	return rc;
}

enum { OPT_ID = 1, OPT_NAME, OPT_GENDER, OPT_BORN, OPT_JOINED, OPT_GRID, OPT_STATUS };

static int on_member_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct member_row *row = data;

	switch (opt) {
	case OPT_ID: row->id = arg; break;
	case OPT_NAME: row->name = arg; break;
	case OPT_GENDER: row->gender = arg; break;
	case OPT_BORN: row->born = arg; break;
	case OPT_JOINED: row->joined = arg; break;
	case OPT_GRID: row->grid = arg; break;
	case OPT_STATUS: row->status = arg; break;
	}
	return 0;
}

static const struct option member_longopts[] = {
	{ "id", required_argument, NULL, OPT_ID },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "gender", required_argument, NULL, OPT_GENDER },
	{ "born", required_argument, NULL, OPT_BORN },
	{ "joined", required_argument, NULL, OPT_JOINED },
	{ "grid", required_argument, NULL, OPT_GRID },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ 0 },
};

/* add and set: one captured write of one member. */
static int member_write(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv,
			bool add)
{
	struct member_row row = { 0 };
	struct agent_batch b;
	char *pos[1], id[24];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, member_longopts, false, on_member_opt,
				  &row, pos, 1, 1, &n, &done)) < 0 || done)
		return rc;
	if (add) {
		if (row.name)
			return stele_error(STELE_EUSAGE, "member add takes the name as its argument, "
					   "not --name");
		row.name = pos[0];
		row.must_be_new = true;
	} else {
		if (row.id)
			return stele_error(STELE_EUSAGE, "member set takes the id as its argument");
		row.id = pos[0];
		row.must_exist = true;
	}
	if ((rc = agent_batch_begin(&b, ctx)) < 0 ||
	    (rc = agent_batch_finish(&b, member_put(id, &b, &row))) < 0)
		return rc;
	if (add)
		printf("%s\n", id);
	return 0;
}

static int member_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return member_write(ctx, cmd, argc, argv, true);
}

static int member_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return member_write(ctx, cmd, argc, argv, false);
}

static int on_list_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	*(const char **)data = arg;
	return 0;
}

static int member_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, OPT_STATUS },
		{ 0 },
	};
	const char *status = NULL;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_list_opt, &status,
				  NULL, 0, 0, &n, &done)) < 0 || done)
		return rc;
	if (status && !agent_in_list(member_statuses, status))
		return stele_error(STELE_EUSAGE, "--status '%s' is not active, transferred_out, "
				   "flowing or deceased", status);
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), status, NULL };
	return stele_cli_print_query(ctx,
		"SELECT id, name, gender, born, joined, status, grid FROM member "
		"WHERE village_code = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY id",
		status ? params : (const char *[]){ agent_village(ctx), NULL }, "born");
}

const struct stele_cmd member_subcommands[] = {
	{ "add", member_add,
	  "member add NAME [--id ID] [--gender M|F] [--born YYYY] [--joined DATE] [--grid G] "
	  "[--status S]",
	  "Adds a member and prints its id (M0001, M0002, ... unless --id is given).", NULL },
	{ "set", member_set,
	  "member set ID [--name NAME] [--status S] [--grid G] [--gender M|F] [--born YYYY] "
	  "[--joined DATE]",
	  "Changes a member. S is active, transferred_out, flowing or deceased; an empty\n"
	  "value (--grid '') clears an optional field.", NULL },
	{ "list", member_list, "member list [--status S] [--format table|csv|json] [--bom]",
	  "Lists the village's members.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cmd_member(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
