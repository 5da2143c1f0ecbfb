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
#include "words.h"

enum { OPT_RECEIVED = 1, OPT_CATEGORY, OPT_GRID, OPT_DATE, OPT_SATISFIED, OPT_OPEN, OPT_HANDLER };

struct request_opts {
	const char *received, *category, *grid, *date, *satisfied, *handler;
	bool open;
};

static int on_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct request_opts *o = data;

	switch (opt) {
	case OPT_RECEIVED: o->received = arg; break;
	case OPT_CATEGORY: o->category = arg; break;
	case OPT_GRID: o->grid = arg; break;
	case OPT_DATE: o->date = arg; break;
	case OPT_SATISFIED: o->satisfied = arg; break;
	case OPT_OPEN: o->open = true; break;
	case OPT_HANDLER: o->handler = arg; break;
	}
	return 0;
}

static int request_add(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "received", required_argument, NULL, OPT_RECEIVED },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "grid", required_argument, NULL, OPT_GRID },
		{ "handler", required_argument, NULL, OPT_HANDLER },
		{ 0 },
	};
	struct request_opts o = { 0 };
	struct agent_batch b;
	char id[24];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, NULL, 0,
				  0, &n, &done)) < 0 || done)
		return rc;
	if (!o.received)
		return stele_error(STELE_EUSAGE, "request add needs --received DATE");
	struct request_row row = { .received_on = o.received, .category = o.category,
				   .grid = o.grid, .must_be_new = true };
	/* --handler: the member who took it (党员接单), in the same change set. */
	struct followup_row taken = { .request_id = id, .handler = o.handler };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	if ((rc = request_put(id, &b, &row)) == 0 && o.handler)
		rc = request_followup_put(&b, &taken);
	if ((rc = agent_batch_finish(&b, rc)) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

static int request_set(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "received", required_argument, NULL, OPT_RECEIVED },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "grid", required_argument, NULL, OPT_GRID },
		{ "handler", required_argument, NULL, OPT_HANDLER },
		{ 0 },
	};
	struct request_opts o = { 0 };
	struct agent_batch b;
	char *pos[1];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.received && !o.category && !o.grid && !o.handler)
		return stele_error(STELE_EUSAGE, "request set: nothing to change (--received, "
				   "--category, --grid, --handler)");
	struct request_row row = { .id = pos[0], .received_on = o.received, .category = o.category,
				   .grid = o.grid, .must_exist = true, .editing = true };
	struct followup_row taken = { .request_id = pos[0], .handler = o.handler };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	if ((o.received || o.category || o.grid) && (rc = request_put(NULL, &b, &row)) < 0)
		return agent_batch_finish(&b, rc);
	return agent_batch_finish(&b, o.handler ? request_followup_put(&b, &taken) : 0);
}

static int request_resolve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			   char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, OPT_DATE },
		{ "satisfied", required_argument, NULL, OPT_SATISFIED },
		{ 0 },
	};
	struct request_opts o = { 0 };
	struct agent_batch b;
	char *pos[1], today[16];
	const char *satisfied = NULL;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (o.satisfied) {
		/* yes, no or a Chinese word (是, 否) name the stored 1 or 0; the codes
		 * themselves are not words of the option (the code comes back as is). */
		satisfied = stele_word_code("satisfied", o.satisfied);
		if (satisfied == o.satisfied)
			return stele_error(STELE_EUSAGE, "--satisfied '%s' is not yes or no",
					   o.satisfied);
	}
	if (!o.date) {
		stele_format_date(today, stele_today());
		o.date = today;
	}
	if (!*o.date)
		return stele_error(STELE_EUSAGE, "request resolve: --date is empty");
	struct request_row row = { .id = pos[0], .resolved_on = o.date, .satisfied = satisfied,
				   .must_exist = true, .resolving = true };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, request_put(NULL, &b, &row));
}

static int request_list(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "open", no_argument, NULL, OPT_OPEN },
		{ 0 },
	};
	struct request_opts o = { 0 };
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_opt, &o, NULL, 0, 0,
				  &n, &done)) < 0 || done)
		return rc;
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), o.open ? "1" : "0", NULL };
	return stele_cli_print_query(ctx,
		"SELECT r.id, r.received_on, r.category, r.grid, r.resolved_on, r.satisfied, "
		"f.handler, f.escalated_to, f.escalated_on, f.feedback FROM request r "
		"LEFT JOIN request_followup f ON f.village_code = r.village_code "
		"AND f.request_id = r.id "
		"WHERE r.village_code = ?1 AND (?2 = '0' OR r.resolved_on IS NULL) ORDER BY r.id",
		params, "satisfied");
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

int cmd_request(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	return stele_cli_subcommand(ctx, cmd, argc, argv);
}
