/* cmd-log.c: `stele-aggregator log [--village CODE]`: the numbered merge runs, or
 * the change sets merged from one village and the run that merged each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "error.h"
#include "parse.h"

int cmd_log(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	const char *village = NULL;
	char **args;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "village", &village),
		STELE_OPT_LISTING(),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (village && stele_check_village_code(village, NULL, "--village") < 0)
		return STELE_EUSAGE;
	if ((rc = rank_open_county(ctx)) < 0)
		return rc;
	if (!village)
		/* The times are local, to the millisecond, in the form --as-of takes. */
		return stele_cli_print_query(ctx,
			"SELECT id, strftime('%Y-%m-%dT%H:%M:%S', finished_at / 1000, 'unixepoch', "
			"'localtime') || printf('.%03d', finished_at % 1000) AS finished_at, "
			"change_sets, villages, strftime('%Y-%m-%dT%H:%M:%S', started_at / 1000, "
			"'unixepoch', 'localtime') || printf('.%03d', started_at % 1000) AS started_at "
			"FROM stele_run ORDER BY id", NULL, "id,change_sets,villages");
	const char *params[] = { village, NULL };
	return stele_cli_print_query(ctx,
		"SELECT seq, summary, run, strftime('%Y-%m-%dT%H:%M:%S', applied_at, 'unixepoch', "
		"'localtime') AS merged_at FROM stele_applied WHERE writer = ?1 ORDER BY seq",
		params, "seq,run");
}
