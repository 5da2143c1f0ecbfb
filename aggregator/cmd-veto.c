/* cmd-veto.c: `stele-aggregator veto add|list`: veto events (一票否决) the county
 * records against a village. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "options.h"
#include "i18n.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "suggest.h"

struct veto_opts {
	const char *year, *note;
};

/* Writes one veto event inside the caller's captured write; out_id gets its id. */
static int veto_put(char *out_id, struct stele_ctx *ctx, const char *village, const char *veto,
		    int32_t year, const char *note)
{
	sqlite3_stmt *stmt = NULL;
	char id[24], hint[96];
	bool exists;
	int64_t known = 0;
	int rc;

	if ((rc = agg_village_exists(&exists, ctx, village)) < 0)
		return rc;
	if (!exists) {
		agg_did_you_mean(hint, sizeof(hint), ctx, AGG_VILLAGE_CODES_SQL, village);
		rc = stele_error(STELE_EINVALID, "veto event: village '%s' is not registered", village);
		stele_suggest_hint(hint);
		return rc;
	}
	if ((rc = stele_db_prepare(ctx->db, &stmt, "SELECT count(*) FROM veto_item WHERE code = ?")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, veto, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		known = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (!known) {
		agg_did_you_mean(hint, sizeof(hint), ctx, AGG_VETO_CODES_SQL, veto);
		rc = stele_error(STELE_EINVALID, "veto event: veto item '%s' is not in the catalogue "
				 "(see 'rules list veto-items')", veto);
		stele_suggest_hint(hint);
		return rc;
	}
	if ((rc = stele_db_next_id(id, ctx->db, "veto_event", "VE", 4, NULL)) < 0)
		return rc;
	if ((rc = stele_db_prepare(ctx->db, &stmt, "INSERT INTO veto_event (id, village_code, "
						   "veto_code, year, note) VALUES (?, ?, ?, ?, ?)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, village, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, veto, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, year);
	stele_bind_text_or_null(stmt, 5, note);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = stele_error(STELE_EINVALID, "veto event %s: %s", id, sqlite3_errmsg(ctx->db));
	sqlite3_finalize(stmt);
	if (rc == 0)
		strcpy(out_id, id);
	return rc;
}

int cmd_veto_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct veto_opts o = { 0 };
	struct stele_capture *cap = NULL;
	char **pos, county[7], id[24];
	int32_t year;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "year", &o.year),
		STELE_OPT_STRING(0, "note", &o.note),
		STELE_OPT_ARGS(2, 2),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!o.year)
		return stele_error(STELE_EUSAGE, "veto add needs --year YYYY");
	if ((rc = stele_parse_year(&year, o.year, "--year")) < 0)
		return rc;
	if (o.note && (rc = stele_check_text(o.note, 1000, "--note")) < 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_county_only(ctx)) < 0 ||
	    (rc = agg_county_code(county, ctx)) < 0)
		return rc;
	if ((rc = stele_check_village_code(pos[0], county, "village")) < 0)
		return rc;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	rc = veto_put(id, ctx, pos[0], pos[1], year, o.note);
	if ((rc = agg_write_end(NULL, ctx, cap, rc)) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

int cmd_veto_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct stele_list list = { agg_open,
		"SELECT e.id, e.village_code, v.name AS village_name, e.veto_code, "
		"i.name AS veto_name, e.year, e.note FROM veto_event e "
		"LEFT JOIN village v ON v.code = e.village_code "
		"LEFT JOIN veto_item i ON i.code = e.veto_code ORDER BY e.id",
		"year", false };

	return stele_cli_list(ctx, cmd, argc, argv, &list);
}
