/* main.c: stele-aggregator, the county's tool: its command table. */
#include "aggregator.h"
#include "i18n.h"

static const struct stele_cmd commands[] = {
	{ "init", cmd_init, N_("init --county CODE|--township CODE|--city CODE --name NAME "
			       "[--publish URL]"),
	  N_("Creates the county directory (-C DIR, $STELE_DIR or the current directory):\n"
	  "the database, the county's signing key, its repository (repo.git) and the\n"
	  "default rules catalogue, captured as the county stream's first change set.\n"
	  "--township CODE (9 digits) makes a township's directory instead: it registers,\n"
	  "fetches, merges and ranks its own villages as a county does, and writes its\n"
	  "first reviews ('assess review') into its own stream for the county.\n"
	  "--city CODE (4 digits) makes a city's directory: it registers counties\n"
	  "('county add') and fetches, verifies and ranks every village they vouch for."), NULL },
	{ "key", cmd_key, N_("key"),
	  N_("Prints the directory's public key (64 hex digits): a township's, to register\n"
	  "it at the county with 'township add --key'; a county's, for its villages and\n"
	  "its city. 'key rotate' replaces it through the directory's stream; 'key\n"
	  "history' lists every key it has signed with (docs/keys.md)."), key_subcommands },
	{ "village", stele_cli_subcommand, N_("village add|set|import|list|revoke|keys ..."),
	  N_("The registry of villages, their remotes and pinned keys."), village_subcommands },
	{ "township", stele_cli_subcommand, N_("township add|list ..."),
	  N_("The county's townships, whose first reviews it merges like villages' streams."),
	  township_subcommands },
	{ "county", stele_cli_subcommand, N_("county add|list ..."),
	  N_("The city's counties, whose published registries say which villages and\n"
	  "townships the city fetches and with which keys it verifies them."),
	  county_subcommands },
	{ "city", stele_cli_subcommand, N_("city join|show ..."),
	  N_("The city a county belongs to, whose rules catalogue it takes from the city's\n"
	  "stream and publishes on to its villages."), city_subcommands },
	{ "rules", stele_cli_subcommand, N_("rules import|list|publish ..."),
	  N_("The county's rules catalogue, and publishing it to the villages."), rules_subcommands },
	{ "assess", stele_cli_subcommand, N_("assess list|approve|adjust|review ..."),
	  N_("The county's review of the villages' self-assessments (乡镇初审、县级批准)."),
	  assess_subcommands },
	{ "veto", stele_cli_subcommand, N_("veto add|list ..."),
	  N_("Veto events (一票否决)."), veto_subcommands },
	{ "task", stele_cli_subcommand, N_("task issue|progress|overdue ..."),
	  N_("Tasks issued from the county to villages (上级交办), and how they are closed out."),
	  task_subcommands },
	{ "weak", stele_cli_subcommand, N_("weak suggest|add|convert|list ..."),
	  N_("The list of weak village organisations (软弱涣散整顿) and their turnaround."),
	  weak_subcommands },
	{ "requests", stele_cli_subcommand, N_("requests villages|escalations|open ..."),
	  N_("Residents' requests across the county: satisfaction, escalations (吹哨报到),\n"
	  "requests open too long."), requests_subcommands },
	{ "fetch", cmd_fetch, N_("fetch [--from DIR] [--jobs N] [--timeout DURATION]"),
	  N_("Fetches every registered village's repository (in N parallel jobs, default:\n"
	  "the number of processors) into DIR/villages/CODE.git. --from DIR takes them\n"
	  "from a directory of bare repositories named CODE.git or CODE (a USB stick)\n"
	  "instead, ignoring anything else. An unreachable village is reported and the\n"
	  "others carry on; the exit code is then 1. Credentials as for stele-agent:\n"
	  "DIR/credentials ($STELE_GIT_CREDENTIALS), STELE_GIT_USERNAME/PASSWORD; an\n"
	  "https:// server's own CA in $STELE_CA_FILE; an ssh:// key in $STELE_SSH_KEY.\n"
	  "--timeout (30s, 10m, 1h) stops a fetch that a silent server holds (exit 1).\n"
	  "At a city: its counties' streams first (merged at once), then every township\n"
	  "and village their registries vouch for; --from takes each by its code."),
	  NULL },
	{ "merge", cmd_merge, N_("merge [--jobs N]"),
	  N_("Verifies every new change set of every village and applies it exactly once.\n"
	  "A refused change set is quarantined and stops its village's stream; a rewritten\n"
	  "history is held. Exit 5 when any village is held or quarantined. --jobs N reads\n"
	  "and verifies the signatures of villages' change sets on N threads (default: the\n"
	  "number of processors) while one applies them, in the same order and with the\n"
	  "same result as --jobs 1."), NULL },
	{ "gc", cmd_gc, N_("gc"),
	  N_("Repacks every village's mirror (DIR/villages/CODE.git) and the county's own\n"
	  "repository, each into one pack: every object goes into a new pack, and what it\n"
	  "replaces is removed only after it is on disk. fetch does this by itself for a\n"
	  "mirror that holds more than 50 packs or 1,000 loose objects."), NULL },
	{ "sync", cmd_sync, N_("sync [--from DIR] [--jobs N] [--timeout DURATION]"),
	  N_("fetch, then merge (--timeout covers the fetch; --jobs N is both the fetch's\n"
	  "parallel jobs and the merge's verifying threads). At a county, then: the city's\n"
	  "catalogue taken as the county's own ('city join'), the registry refreshed, and\n"
	  "the county's stream pushed to its --publish URL when the server lacks some of it."),
	  NULL },
	{ "log", cmd_log, N_("log [--village CODE] [--format table|csv|json] [--bom]"),
	  N_("The merge runs, numbered (id, finished_at, change_sets, villages, started_at):\n"
	  "any ranking or report takes --as-of ID (or a finished_at time) to print exactly\n"
	  "what it printed right after that run. --village lists the change sets merged\n"
	  "from one village (seq, summary, the run that merged it). Runs before this\n"
	  "version kept them have no number."), NULL },
	{ "status", cmd_status, N_("status [--format table|csv|json] [--bom] [--raw]"),
	  N_("Per village: change sets merged, last merged, months closed, state\n"
	  "(ok, never synced: nothing merged yet, held, quarantined, diverged), change\n"
	  "sets fetched but not merged (behind), the last fetch and its error. Times are\n"
	  "this computer's local time with its offset from UTC."), NULL },
	{ "quarantine", stele_cli_subcommand, N_("quarantine list|show|retry ..."),
	  N_("What merge refused and why."), quarantine_subcommands },
	{ "rank", stele_cli_subcommand, N_("rank villages|stars|members|member-stars|income|grids ..."),
	  N_("The county's rankings: the monthly league table, star ratings, member points."),
	  rank_subcommands },
	{ "report", cmd_report, N_("report --month YYYY-MM --out FILE.html [--as-of RUN|TIME | --draft]"),
	  N_("Writes one self-contained HTML page (Chinese, with an English switch) for the\n"
	  "month: the league table with grades and rank changes, each village's rank over\n"
	  "the last twelve months, star ratings, a summary per township, and what data is\n"
	  "missing (unsynced villages, open months, quarantined change sets, held\n"
	  "streams). The same database always gives the same bytes. It names the merge\n"
	  "run and state it was computed at: --as-of of that state reproduces it byte for\n"
	  "byte. --draft computes it with the draft rules and says so on every page."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-aggregator" };

	stele_i18n_init();
	return stele_cli_main(&ctx, commands, argc, argv);
}
