/* main.c: stele-aggregator, the county's tool: its command table. */
#include "aggregator.h"

static const struct stele_cmd commands[] = {
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-aggregator" };

	return stele_cli_main(&ctx, commands, argc, argv);
}
