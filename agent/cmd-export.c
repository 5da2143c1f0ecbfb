/* cmd-export.c: `stele-agent export KIND`: a table of the village's records as
 * CSV (default) or JSON, with exactly the columns `import` reads. */
#include <string.h>

#include "agent.h"
#include "records.h"
#include "error.h"

int cmd_export(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const struct agent_export *e;
	char *pos[1];
	int rc, n;
	bool done;

	/* Export feeds import: CSV unless --format says otherwise. */
	ctx->format = STELE_FORMAT_CSV;
	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, NULL, true, NULL, NULL, pos, 1, 1, &n,
				  &done)) < 0 || done)
		return rc;
	if (!(e = agent_export_find(pos[0])))
		return stele_error(STELE_EUSAGE, "unknown kind '%s' (members, points, tasks, "
				   "requests, income or assessments)", pos[0]);
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { agent_village(ctx), NULL };
	return stele_cli_print_query(ctx, e->sql, params, e->number_cols);
}
