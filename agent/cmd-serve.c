/* cmd-serve.c: `stele-agent serve`: the clerk's workbench in the browser (agent/web.c). */
#include <stdlib.h>

#include "agent.h"
#include "error.h"
#include "parse.h"
#include "web.h"

struct serve_opts {
	const char *port;
	bool open;
};

int cmd_serve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	struct serve_opts o = { 0 };
	int64_t port = 0;
	char **args;
	int rc, n;

	const struct stele_option options[] = {
		STELE_OPT_STRING(0, "port", &o.port),
		STELE_OPT_BOOL(0, "open", &o.open),
		STELE_OPT_END()
	};
	if ((rc = stele_options_parse(&args, &n, ctx, cmd, options, argc, argv)) != 0)
		return rc;
	if (o.port && stele_parse_int(&port, o.port, 0, 65535, "--port") < 0)
		return stele_error(STELE_EUSAGE, "--port '%s' is not a port number (1-65535, or 0 "
				   "for any free port)", o.port);
	return web_serve(ctx, (unsigned)port, o.open);
}
