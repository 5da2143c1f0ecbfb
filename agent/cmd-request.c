/* cmd-request.c: `stele-agent request add|set|resolve|delete|list` (residents' requests, 诉求). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "db.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "rowcmd.h"
#include "words.h"

/* The options of add and set, bound to row and handler. */
#define REQUEST_OPTIONS(row, handler) \
	STELE_OPT_STRING(0, "received", &(row).received_on), \
	STELE_OPT_STRING(0, "category", &(row).category), \
	STELE_OPT_STRING(0, "grid", &(row).grid), \
	STELE_OPT_STRING(0, "handler", &(handler))

int cmd_request_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct request_row row = { .must_be_new = true };
	const char *handler = NULL;
	const struct stele_option options[] = { REQUEST_OPTIONS(row, handler), STELE_OPT_END() };
	struct agent_batch b;
	char **args, id[24];
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!row.received_on)
		return stele_error(STELE_EUSAGE, "request add needs --received DATE");
	/* --handler: the member who took it (党员接单), in the same change set. */
	struct followup_row taken = { .request_id = id, .handler = handler };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	if ((rc = request_put(id, &b, &row)) == 0 && handler)
		rc = request_followup_put(&b, &taken);
	if ((rc = agent_batch_finish(&b, rc)) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

int cmd_request_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct request_row row = { .must_exist = true, .editing = true };
	const char *handler = NULL;
	const struct stele_option options[] = {
		REQUEST_OPTIONS(row, handler), STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	struct agent_batch b;
	char **args;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	bool fields = row.received_on || row.category || row.grid;
	if (!fields && !handler)
		return stele_error(STELE_EUSAGE, "request set: nothing to change (--received, "
				   "--category, --grid, --handler)");
	row.id = args[0];
	struct followup_row taken = { .request_id = args[0], .handler = handler };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	if (fields && (rc = request_put(NULL, &b, &row)) < 0)
		return agent_batch_finish(&b, rc);
	return agent_batch_finish(&b, handler ? request_followup_put(&b, &taken) : 0);
}

static int put(char *id, struct agent_batch *b, const void *row)
{
	return request_put(id, b, row);
}

int cmd_request_resolve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct request_row row = { .must_exist = true, .resolving = true };
	const char *satisfied = NULL;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "date", &row.resolved_on),
		STELE_OPT_STRING(0, "satisfied", &satisfied),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	char **args, today[16];
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = agent_satisfied_code(&row.satisfied, satisfied)) < 0)
		return rc;
	row.resolved_on = agent_date_or_today(today, row.resolved_on);
	if (!*row.resolved_on)
		return stele_error(STELE_EUSAGE, "request resolve: --date is empty");
	row.id = args[0];
	return agent_write_row(ctx, put, &row, false);
}

int cmd_request_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_list_open(ctx, cmd, argc, argv,
		"SELECT r.id, r.received_on, r.category, r.grid, r.resolved_on, r.satisfied, "
		"f.handler, f.escalated_to, f.escalated_on, f.feedback FROM request r "
		"LEFT JOIN request_followup f ON f.village_code = r.village_code "
		"AND f.request_id = r.id "
		"WHERE r.village_code = ?1 AND (?2 = '0' OR r.resolved_on IS NULL) ORDER BY r.id",
		"satisfied");
}

int cmd_request_delete(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, request_delete);
}
