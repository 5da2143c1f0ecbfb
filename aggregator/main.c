/* main.c: stele-aggregator, the county's tool: its command table. */
#include "aggregator.h"

static const struct stele_cmd commands[] = {
	{ "rank", cmd_rank, "rank villages|stars|members ...",
	  "The county's rankings: the monthly league table, star ratings, member points.",
	  rank_subcommands },
	{ "report", cmd_report, "report --month YYYY-MM --out FILE.html",
	  "Writes one self-contained HTML page (Chinese, with an English switch) for the\n"
	  "month: the league table with grades and rank changes, each village's rank over\n"
	  "the last twelve months, star ratings, a summary per township, and what data is\n"
	  "missing (unsynced villages, open months, quarantined change sets, held\n"
	  "streams). The same database always gives the same bytes.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-aggregator" };

	return stele_cli_main(&ctx, commands, argc, argv);
}
