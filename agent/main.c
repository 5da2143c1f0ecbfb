/* main.c: stele-agent, the village clerk's tool: its command table. */
#include "agent.h"

/* Until agent/cmd-points.c lands on main: `points` with only `rank` (rank branch;
 * the lead replaces this with an entry in points_subcommands). */
static const struct stele_cmd points_rank_only[] = {
	{ "rank", points_rank, POINTS_RANK_USAGE, POINTS_RANK_HELP, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct stele_cmd commands[] = {
	{ "init", cmd_init,
	  "init --village CODE --name NAME [--remote URL] [--county URL] [--county-key KEY]",
	  "Creates the village directory (-C DIR, $STELE_DIR or the current directory):\n"
	  "the database, the repository, and the village's signing key. Installs the\n"
	  "default rules catalogue; with --county, the county's published rules replace\n"
	  "it at the next sync.", NULL },
	{ "member", cmd_member, "member add|set|list ...", "Party members of the village.",
	  member_subcommands },
	{ "points", stele_cli_subcommand, "points rank ...", "Party members' points (积分).",
	  points_rank_only },
	{ "key", cmd_key, "key",
	  "Prints the village's public key (64 hex digits), to register at the county.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-agent" };

	return stele_cli_main(&ctx, commands, argc, argv);
}
