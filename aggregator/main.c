/* main.c: stele-aggregator, the county's tool: its command table. */
#include "aggregator.h"
#include "i18n.h"

static const struct stele_cmd commands[] = {
#define STELE_CMDLIST_TABLE
#include "commands.def"
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-aggregator" };

	stele_i18n_init();
	return stele_cli_main(&ctx, commands, argc, argv);
}
