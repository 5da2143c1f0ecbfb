/* cmd-rules.c: `stele-aggregator rules import|list|publish`: the county's rules
 * catalogue, and publishing the county stream to the villages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aggregator.h"
#include "i18n.h"
#include "csv.h"
#include "db.h"
#include "error.h"
#include "gitrepo.h"
#include "history.h"
#include "keypair.h"
#include "parse.h"
#include "remote.h"
#include "rules.h"
#include "url.h"

int cmd_rules_import(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	enum stele_rules_kind kind;
	struct stele_csv *csv = NULL;
	const char *data;
	char **pos;
	size_t len;
	int rc, n;

	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, STELE_OPTIONS(STELE_OPT_ARGS(2, 2)), argc,
				      argv)) != 0)
		return rc;
	if ((rc = stele_rules_kind_parse(&kind, pos[0])) < 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = agg_county_only(ctx)) < 0 ||
	    (rc = agg_not_under_city(ctx)) < 0)
		return rc;
	if ((rc = stele_csv_open(&csv, pos[1], 16u << 20)) < 0)
		return rc;
	data = stele_csv_data(csv, &len);
	/* A draft: validated now, live for the county and the villages at publish. */
	if ((rc = stele_db_begin(ctx->db)) < 0)
		goto done;
	if ((rc = stele_rules_draft_put(ctx->db, kind, pos[1], data, len)) < 0) {
		stele_db_rollback(ctx->db);
		goto done;
	}
	if ((rc = stele_db_commit(ctx->db)) == 0)
		fprintf(stderr, _("%s: %s imported from %s as a draft (compare with 'rules diff', "
				  "try with 'rank ... --draft', make live with 'rules publish')\n"),
			ctx->prog, pos[0], pos[1]);
done:
	stele_csv_free(csv);
	return rc;
}

/* Makes the drafts live as one county change set (nothing when there are none). */
static int drafts_go_live(int *count, struct stele_ctx *ctx)
{
	struct stele_capture *cap = NULL;
	int64_t drafts = 0;
	int rc;

	*count = 0;
	if ((rc = stele_db_int(ctx->db, "SELECT count(*) FROM stele_rules_draft", &drafts)) < 0 ||
	    drafts == 0)
		return rc;
	if ((rc = agg_write_begin(ctx, &cap)) < 0)
		return rc;
	if ((rc = stele_rules_drafts_apply(count, ctx->db)) == 0)
		rc = stele_rules_drafts_discard(NULL, ctx->db);
	return agg_write_end(NULL, ctx, cap, rc);
}

/* The text of a rules row for diff, per kind. */
#define DIFF_ROWS                                                                        \
	"SELECT 'point-rules' AS kind, code AS key, category || ',' || name || ',' || "    \
	"printf('%.1f', points / 10.0) || ',' || active AS row FROM point_rule UNION ALL " \
	"SELECT 'standard-items', code, name || ',' || printf('%.1f', max_score / 10.0) || " \
	"',' || active FROM standard_item UNION ALL "                                       \
	"SELECT 'veto-items', code, name FROM veto_item UNION ALL "                          \
	"SELECT 'config', key, value FROM ranking_config"

int cmd_rules_diff(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct stele_table *t = NULL;
	int rc, n;
	char **args;

	if ((rc = stele_cli_start(&args, &n, ctx, cmd, stele_listing_options, argc, argv,
				  agg_open)) != 0)
		return rc;
	/* The live rows are kept aside, then compared with the tables the drafts make
	 * (applied in a savepoint, rolled back). */
	if ((rc = stele_db_exec(ctx->db, "DROP TABLE IF EXISTS temp.rules_live; "
					 "CREATE TEMP TABLE rules_live AS " DIFF_ROWS)) < 0)
		return rc;
	if ((rc = stele_view_open(ctx->db, STELE_VIEW_DRAFT, 0)) == 0) {
		rc = stele_table_from_query(&t, ctx->db,
			"WITH draft AS (" DIFF_ROWS ") "
			"SELECT d.kind, d.key, iif(l.row IS NULL, 'added', 'changed') AS change, "
			"l.row AS live, d.row AS draft FROM draft d LEFT JOIN temp.rules_live l "
			"ON l.kind = d.kind AND l.key = d.key WHERE l.row IS NOT d.row "
			"UNION ALL SELECT l.kind, l.key, 'removed', l.row, NULL FROM temp.rules_live l "
			"WHERE NOT EXISTS (SELECT 1 FROM draft d WHERE d.kind = l.kind AND d.key = l.key) "
			"ORDER BY 1, 2", NULL, NULL);
		stele_view_close(ctx->db, STELE_VIEW_DRAFT);
	}
	stele_db_exec(ctx->db, "DROP TABLE IF EXISTS temp.rules_live");
	if (rc == 0)
		rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}

int cmd_rules_discard(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	int rc, n, count = 0;
	char **args;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, NULL, argc, argv)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0 || (rc = stele_rules_drafts_discard(&count, ctx->db)) < 0)
		return rc;
	if (count)
		fprintf(stderr, P_("%s: %d draft discarded; the live rules stand\n",
				   "%s: %d drafts discarded; the live rules stand\n", count),
			ctx->prog, count);
	else
		fprintf(stderr, _("%s: there is no draft to discard\n"), ctx->prog);
	return 0;
}

int cmd_rules_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	enum stele_rules_kind kind;
	struct stele_table *t = NULL;
	bool draft = false;
	char **pos;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_BOOL(0, "draft", &draft),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = stele_rules_kind_parse(&kind, pos[0])) < 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	enum stele_view_kind view = draft ? STELE_VIEW_DRAFT : STELE_VIEW_LIVE;
	if ((rc = stele_view_open(ctx->db, view, 0)) < 0)
		return rc;
	rc = stele_table_from_query(&t, ctx->db, stele_rules_list_sql(kind), NULL, "active");
	stele_view_close(ctx->db, view);
	if (rc == 0)
		rc = stele_cli_print(ctx, t);
	stele_table_free(t);
	return rc;
}

int cmd_rules_publish(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *to = NULL;
	char **args;
	int rc, n, drafts = 0;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "to", &to),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = agg_open(ctx)) < 0)
		return rc;
	if ((rc = drafts_go_live(&drafts, ctx)) < 0)
		return rc;
	if (drafts)
		fprintf(stderr, P_("%s: the draft rules (%d table) are live for the county\n",
				   "%s: the draft rules (%d tables) are live for the county\n", drafts),
			ctx->prog, drafts);
	/* The city's catalogue, and the registry the county's city reads (docs/levels.md
	 * "Cities"). */
	if ((rc = agg_follow_catalogue(NULL, ctx)) < 0 || (rc = agg_registry_publish(NULL, ctx)) < 0)
		return rc;
	return agg_publish_stream(ctx, to, true);
}
