/* cmd-log.c: `stele-aggregator log [--village CODE]`: the numbered merge runs, or
 * the change sets merged from one village and the run that merged each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "error.h"
#include "parse.h"

enum { OPT_VILLAGE = 1 };

static int on_log_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	*(const char **)data = arg;
	return 0;
}

int cmd_log(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "village", required_argument, NULL, OPT_VILLAGE },
		{ 0 },
	};
	const char *village = NULL;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, true, on_log_opt, &village,
				  NULL, 0, 0, &n, &done)) < 0 || done)
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
