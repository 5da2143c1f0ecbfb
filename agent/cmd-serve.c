/* cmd-serve.c: `stele-agent serve`: the clerk's workbench in the browser (agent/web.c). */
#include <stdlib.h>

#include "agent.h"
#include "error.h"
#include "parse.h"
#include "web.h"

enum { OPT_PORT = 1, OPT_OPEN };

struct serve_opts {
	const char *port;
	bool open;
};

static int on_serve_opt(struct stele_ctx *ctx, int opt, const char *arg, void *data)
{
	struct serve_opts *o = data;

	if (opt == OPT_PORT)
		o->port = arg;
	else if (opt == OPT_OPEN)
		o->open = true;
	return 0;
}

int cmd_serve(struct stele_ctx *ctx, const struct stele_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "open", no_argument, NULL, OPT_OPEN },
		{ 0 },
	};
	struct serve_opts o = { 0 };
	int64_t port = 0;
	int rc, n;
	bool done;

	if ((rc = stele_cli_parse(ctx, cmd, argc, argv, NULL, longopts, false, on_serve_opt, &o,
				  NULL, 0, 0, &n, &done)) < 0 || done)
		return rc;
	if (o.port && stele_parse_int(o.port, 0, 65535, &port, "--port") < 0)
		return stele_error(STELE_EUSAGE, "--port '%s' is not a port number (1-65535, or 0 "
				   "for any free port)", o.port);
	return web_serve(ctx, (unsigned)port, o.open);
}
