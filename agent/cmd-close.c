/* cmd-close.c: `stele-agent close MONTH [--force]`: declare a month complete
 * (read-only), with every earlier month still open since the village's first record
 * (agent/close.c). */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "batch.h"
#include "close.h"
#include "error.h"
#include "i18n.h"
#include "parse.h"

int cmd_close(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct agent_close c = { 0 };
	struct agent_batch b;
	bool began = false, force = false;
	int32_t month;
	int64_t pending;
	char **pos, name[8];
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_BOOL(0, "force", &force),
		STELE_OPT_ARGS(1, 1),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&pos, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if ((rc = agent_close_check(&month, pos[0], force)) < 0)
		return rc;
	stele_format_month(name, month); /* as domain.md writes it, however it was typed */
	if ((rc = agent_batch_begin(&b, ctx)) < 0)
		goto done;
	began = true;
	if ((rc = agent_close_run(&c, &b, month, force)) < 0)
		goto done;
	if (c.already) {
		fprintf(stderr, _("%s: month %s is already closed; nothing to do\n"), ctx->prog, name);
		goto done;
	}
	began = false;
	if ((rc = agent_batch_commit(&b)) < 0)
		goto done;
	if (c.nearlier)
		fprintf(stderr, P_("%s: closed %s and the earlier open month %s\n",
				   "%s: closed %s and the earlier open months %s\n", c.nearlier),
			ctx->prog, name, c.earlier);
	else
		fprintf(stderr, _("%s: closed %s\n"), ctx->prog, name);
	pending = c.under_review;
	if (pending)
		fprintf(stderr, P_("%s: note: %lld point event of the closed months is still under "
				   "review; it is now frozen\n",
				   "%s: note: %lld point events of the closed months are still under "
				   "review; they are now frozen\n", pending),
			ctx->prog, (long long)pending);
done:
	if (began)
		agent_batch_abort(&b);
	agent_close_release(&c);
	return rc;
}
