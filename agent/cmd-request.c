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

static int request_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
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

static int request_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
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

static int request_resolve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			   char **argv)
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

static int request_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_list_open(ctx, cmd, argc, argv,
		"SELECT r.id, r.received_on, r.category, r.grid, r.resolved_on, r.satisfied, "
		"f.handler, f.escalated_to, f.escalated_on, f.feedback FROM request r "
		"LEFT JOIN request_followup f ON f.village_code = r.village_code "
		"AND f.request_id = r.id "
		"WHERE r.village_code = ?1 AND (?2 = '0' OR r.resolved_on IS NULL) ORDER BY r.id",
		"satisfied");
}

static int request_delete_cmd(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return agent_cmd_delete(ctx, cmd, argc, argv, request_delete);
}

const struct stele_cmd request_subcommands[] = {
	{ "add", request_add,
	  N_("request add --received DATE [--category C] [--grid G] [--handler MEMBER]"),
	  N_("Records a resident's request and prints its id (R0001, ...). --handler names\n"
	  "the party member who took it (党员接单)."), NULL },
	{ "set", request_set,
	  N_("request set ID [--received DATE] [--category C] [--grid G] [--handler MEMBER]"),
	  N_("Corrects a request not yet resolved, received in an open month (a new date\n"
	  "too); --category '', --grid '' or --handler '' clears it. A resolved request is\n"
	  "not changed."),
	  NULL },
	{ "resolve", request_resolve, N_("request resolve ID [--date DATE] [--satisfied yes|no]"),
	  N_("Resolves a request on DATE (default today, not before it was received). A\n"
	  "request is resolved once; one received in a closed month may still be resolved\n"
	  "with a date in an open month."), NULL },
	{ "escalate", cmd_request_escalate, N_("request escalate ID --to TEXT [--date DATE]"),
	  N_("Escalates an open request (吹哨报到) to the department or level named by --to,\n"
	  "on DATE (default today; not before it was received, in an open month). A\n"
	  "request is escalated once; the county counts the days from then until it is\n"
	  "resolved."), NULL },
	{ "feedback", cmd_request_feedback,
	  N_("request feedback ID [--satisfied yes|no] [--note TEXT]"),
	  N_("Records the resident's feedback on a resolved request (办理反馈): whether they\n"
	  "were satisfied, and what they said. The resolution's month must be open."), NULL },
	{ "delete", request_delete_cmd, N_("request delete ID..."),
	  N_("Deletes requests entered by mistake whose dates lie in open months (all or\n"
	  "none)."), NULL },
	{ "list", request_list, N_("request list [--open] [--format table|csv|json] [--bom] [--raw]"),
	  N_("Lists requests (--open: those not resolved yet), with who took each, where it\n"
	  "was escalated and the feedback."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
