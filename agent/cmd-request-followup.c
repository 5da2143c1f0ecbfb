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
#include "words.h"

enum { OPT_TO = 1, OPT_DATE, OPT_SATISFIED, OPT_NOTE };

struct followup_opts {
	const char *to, *date, *satisfied, *note;
};

static int on_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct followup_opts *o = data;

	switch (opt) {
	case OPT_TO: o->to = arg; break;
	case OPT_DATE: o->date = arg; break;
	case OPT_SATISFIED: o->satisfied = arg; break;
	case OPT_NOTE: o->note = arg; break;
	}
	return 0;
}

int cmd_request_escalate(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, OPT_TO },
		{ "date", required_argument, NULL, OPT_DATE },
		{ 0 },
	};
	struct followup_opts o = { 0 };
	struct agent_batch b;
	char *pos[1], today[16];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.to)
		return stele_error(STELE_EUSAGE, "request escalate needs --to TEXT");
	if (!o.date) {
		stele_format_date(today, stele_today());
		o.date = today;
	}
	struct followup_row row = { .request_id = pos[0], .escalated_to = o.to,
				    .escalated_on = o.date };
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, request_followup_put(&b, &row));
}

int cmd_request_feedback(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc,
			 char **argv)
{
	static const struct option longopts[] = {
		{ "satisfied", required_argument, NULL, OPT_SATISFIED },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ 0 },
	};
	struct followup_opts o = { 0 };
	struct agent_batch b;
	const char *satisfied = NULL;
	char *pos[1];
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_opt, &o, pos, 1, 1,
				  &n, &done)) < 0 || done)
		return rc;
	if (!o.satisfied && !o.note)
		return stele_error(STELE_EUSAGE, "request feedback: nothing to record (--satisfied, "
				   "--note)");
	if (o.satisfied) {
		/* As request resolve: yes, no or 是, 否 name the stored 1 or 0. */
		satisfied = stele_word_code("satisfied", o.satisfied);
		if (satisfied == o.satisfied)
			return stele_error(STELE_EUSAGE, "--satisfied '%s' is not yes or no",
					   o.satisfied);
	}
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		return rc;
	return agent_batch_finish(&b, request_feedback_put(&b, pos[0], satisfied, o.note));
}
