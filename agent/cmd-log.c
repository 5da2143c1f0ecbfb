/* cmd-log.c: `stele-agent log [-n N]`: the village's change sets, newest first. */
#include <stdio.h>

#include "agent.h"
#include "error.h"
#include "parse.h"

static int on_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	*(const char **)data = arg;
	return 0;
}

int cmd_log(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-count", required_argument, NULL, 'n' },
		{ 0 },
	};
	const char *count = NULL;
	char limit[24] = "-1";
	int64_t max;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, "n:", longopts, true, on_opt, &count, NULL,
				  0, 0, &n, &done)) < 0 || done)
		return rc;
	if (count) {
		if (stele_parse_int(count, 0, 1000000000, &max, "-n") < 0)
			return stele_error(STELE_EUSAGE, "%s", stele_error_message());
		snprintf(limit, sizeof(limit), "%lld", (long long)max);
	}
	if ((rc = agent_open(ctx)) < 0)
		return rc;
	const char *params[] = { limit, NULL };
	return stele_cli_print_query(ctx,
		"SELECT seq, datetime(created_at, 'unixepoch', 'localtime') AS time, summary "
		"FROM stele_outbox ORDER BY seq DESC LIMIT CAST(?1 AS INTEGER)", params, "seq");
}
