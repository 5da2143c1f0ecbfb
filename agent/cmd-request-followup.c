/* cmd-request-followup.c: `stele-agent request escalate|feedback` (吹哨报到, 办理反馈):
 * a request called up to a department or level, and the resident's feedback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "i18n.h"
#include "batch.h"
#include "error.h"
#include "parse.h"
#include "records.h"
#include "rowcmd.h"
#include "words.h"

int cmd_request_escalate(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv)
{
	const char *date = NULL;
	struct followup_row row = { 0 };
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "to", &row.escalated_to),
		STELE_OPT_STRING(0, "date", &date),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	struct agent_batch b;
	char **args, today[16];
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!row.escalated_to)
		return stele_error(STELE_EUSAGE, "request escalate needs --to TEXT");
	row.escalated_on = agent_date_or_today(today, date);
	row.request_id = args[0];
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, request_followup_put(&b, &row));
}

int cmd_request_feedback(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv)
{
	const char *given = NULL, *note = NULL, *satisfied;
	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "satisfied", &given),
		STELE_OPT_STRING(0, "note", &note),
		STELE_OPT_ARGS(1, 1), STELE_OPT_END()
	};
	struct agent_batch b;
	char **args;
	int rc, n;

	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (!given && !note)
		return stele_error(STELE_EUSAGE, "request feedback: nothing to record (--satisfied, "
				   "--note)");
	if ((rc = agent_satisfied_code(&satisfied, given)) < 0)
		return rc;
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, request_feedback_put(&b, args[0], satisfied, note));
}
