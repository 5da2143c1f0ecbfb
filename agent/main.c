/* main.c: stele-agent, the village clerk's tool: its command table. */
#include "agent.h"
#include "i18n.h"

static const struct stele_cmd commands[] = {
#define STELE_CMDLIST_TABLE
#include "commands.def"
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-agent" };

	stele_i18n_init();
	return stele_cli_main(&ctx, commands, argc, argv);
}
