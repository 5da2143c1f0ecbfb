/* main.c: stele-agent, the village clerk's tool: its command table. */
#include "agent.h"
#include "i18n.h"

static const struct stele_cmd commands[] = {
	{ "init", cmd_init,
	  N_("init --village CODE --name NAME [--remote URL] [--county URL] [--county-key KEY]"),
	  N_("Creates the village directory (-C DIR, $STELE_DIR or the current directory):\n"
	  "the database, the repository, and the village's signing key. Installs the\n"
	  "default rules catalogue; with --county, the county's published rules replace\n"
	  "it at the next sync."), NULL },
	{ "member", stele_cli_subcommand, N_("member add|set|delete|list ..."),
	  N_("Party members of the village."),
	  member_subcommands },
	{ "points", stele_cli_subcommand, N_("points add|set|review|reverse|delete|list|rank ..."),
	  N_("Party members' point events (积分) and their reviews."), points_subcommands },
	{ "task", stele_cli_subcommand, N_("task add|set|close|delete|list ..."),
	  N_("The village's task ledger (台账)."),
	  task_subcommands },
	{ "request", stele_cli_subcommand, N_("request add|set|resolve|escalate|feedback|delete|list ..."),
	  N_("Residents' requests (诉求)."),
	  request_subcommands },
	{ "income", stele_cli_subcommand, N_("income add|set|delete|list ..."),
	  N_("Collective-economy income."),
	  income_subcommands },
	{ "grid", stele_cli_subcommand, N_("grid add|set|delete|list ..."),
	  N_("The village's grids (网格) and their grid workers (网格员)."), grid_subcommands },
	{ "assess", stele_cli_subcommand, N_("assess set|list ..."),
	  N_("The village's yearly self-assessment against the standard items."), assess_subcommands },
	{ "rank", stele_cli_subcommand, N_("rank member-stars|grids ..."),
	  N_("This village's member stars (积分争星) and grids (网格), as the county computes them."),
	  rank_subcommands },
	{ "rules", stele_cli_subcommand, N_("rules list [KIND] ..."),
	  N_("The county's rules as this village has them: codes, names, points."),
	  rules_subcommands },
	{ "close", cmd_close, N_("close MONTH [--force]"),
	  N_("Declares month MONTH (YYYY-MM) complete: it becomes read-only. Earlier months\n"
	  "still open since the village's first record are closed with it. Refused (exit\n"
	  "3) for a month that has not ended, and while point events of the months it\n"
	  "would close are under review (it lists them); --force closes anyway, freezing\n"
	  "them. A month that has not begun is never closed."), NULL },
	{ "revert", cmd_revert, N_("revert SEQ [--note TEXT]"),
	  N_("Writes a new change set that undoes change set SEQ ('log' lists them) and names\n"
	  "it (summary 'revert of seq SEQ (TEXT): ...'). Refused (exit 3, nothing\n"
	  "written) if a row it would change lies in a closed month, if it would move a\n"
	  "point event's review stage back or remove a reviewed event, if SEQ closed a\n"
	  "month or changed the key, if a later change set changed the same rows (revert\n"
	  "that one first), or if SEQ was reverted already."), NULL },
	{ "clerk", stele_cli_subcommand, N_("clerk show|set NAME|clear"),
	  N_("The clerk (经办人) named in every later change set."), clerk_subcommands },
	{ "import", cmd_import, N_("import KIND FILE [--allow-duplicates]"),
	  N_("Imports a CSV or an Excel workbook (.xlsx, its first sheet) (KIND: members,\n"
	  "points, tasks, requests, income, assessments, grids) with the columns export writes.\n"
	  "All rows or none. An empty id assigns one; an existing id updates that row.\n"
	  "FILE '-' is stdin. CSV may be UTF-8, UTF-16 (with its BOM) or GB18030; dates\n"
	  "may be written 2026/11/3, 2026-11-3 or 2026年11月3日; full-width digits are read\n"
	  "as digits and spaces around a value are dropped. A row with an empty id that\n"
	  "repeats a record already stored (the same sheet imported twice) is refused,\n"
	  "exit 3, naming its line and the record; with --allow-duplicates such rows are\n"
	  "new records."), NULL },
	{ "export", cmd_export, N_("export KIND [--out FILE] [--format csv|json|table] [--bom] [--raw]"),
	  N_("Writes KIND (members, points, tasks, requests, income, assessments, grids) to stdout,\n"
	  "as CSV by default, with the columns import reads. --out FILE writes the file\n"
	  "instead, in the format its name ends in: .csv (with a BOM, so Excel shows\n"
	  "Chinese text), .xlsx (an Excel workbook) or .json."), NULL },
	{ "status", cmd_status, N_("status [--format table|csv|json]"),
	  N_("The village, pending change sets, last sync, remote, rules version, closed\n"
	  "months and record counts."), NULL },
	{ "log", cmd_log, N_("log [-n N] [--format table|csv|json]"),
	  N_("The change-set history, newest first: seq, time, what changed, its commit in\n"
	  "the village repository (or pending), and whether its signature verifies."), NULL },
	{ "key", cmd_key, N_("key"),
	  N_("Prints the village's public key (64 hex digits), to register at the county.\n"
	  "'key rotate' replaces it through the stream; 'key history' lists every key\n"
	  "the village has signed with (docs/keys.md)."), key_subcommands },
	{ "sync", cmd_sync,
	  N_("sync [--remote URL] [--county URL] [--every DURATION] [--timeout DURATION]"),
	  N_("Commits the pending change sets to the village's repository, pushes them to the\n"
	  "remote (fast-forward only: a remote that has diverged is reported, never\n"
	  "overwritten), and pulls the county's rules. --remote URL pushes to URL this\n"
	  "time only (a USB stick): the configured remote changes only with 'remote set'.\n"
	  "--county URL is kept for the next sync; a password in it goes to\n"
	  "DIR/credentials, never to the database.\n"
	  "URLs: a path or file:// (a USB stick; created if missing), https://, http://,\n"
	  "ssh://. Credentials: in the URL, STELE_GIT_USERNAME/STELE_GIT_PASSWORD, or\n"
	  "DIR/credentials ($STELE_GIT_CREDENTIALS); an https:// server's own CA in\n"
	  "$STELE_CA_FILE; an ssh:// key in $STELE_SSH_KEY, its host in ~/.ssh/known_hosts.\n"
	  "Unreachable: exit 1, nothing lost.\n"
	  "--timeout DURATION (30s, 10m, 1h): give up, exit 1, if the sync is not done by\n"
	  "then (a server that accepts and never answers). --every DURATION: sync now and\n"
	  "every DURATION until SIGINT/SIGTERM, each round with --timeout (default 10m);\n"
	  "a failed round is retried after 30s, then twice as long each time, at most\n"
	  "DURATION; a round that finds the directory busy is skipped."), NULL },
	{ "remote", stele_cli_subcommand, N_("remote show|set URL"),
	  N_("The remote every sync pushes to (set by 'init --remote' or 'remote set')."),
	  remote_subcommands },
	{ "county", stele_cli_subcommand, N_("county revoke --from-seq N [--key KEY]"),
	  N_("The county's signing key, when the county says it was stolen or lost."),
	  county_subcommands },
	{ "restore", cmd_restore, N_("restore --remote URL --village CODE [--key FILE] [--county URL]"),
	  N_("Rebuilds the village directory (-C DIR, which must be empty or missing) from its\n"
	  "remote, checking every change set with the key in force for its seq. --key FILE\n"
	  "is the backup of the village's latest signing.key, so the village keeps writing\n"
	  "with the key the county knows; without it a new key is made from the next seq,\n"
	  "and the county must accept it ('village revoke CODE --from-seq N --key KEY', as\n"
	  "restore prints it; docs/keys.md)."), NULL },
	{ "replay", cmd_replay, N_("replay --from URL"),
	  N_("After two computers wrote for this village (a fork the county reports), writes\n"
	  "the records the other one made after they parted as one new change set here.\n"
	  "URL is the other computer's repository or USB stick. Ids taken here get the\n"
	  "next free ones (printed); run it on the computer whose records the county\n"
	  "merged, then sync, and stop using the other (docs/clerk-guide.md)."), NULL },
	{ "serve", cmd_serve, N_("serve [--port N] [--open]"),
	  N_("The clerk's workbench: the village's records in the browser, in Chinese (with an\n"
	  "English switch). Listens on 127.0.0.1 only, on port N (default: any free port),\n"
	  "and prints its address with a fresh access token as the first line; --open\n"
	  "also opens it in the desktop's browser. Holds the directory only while it\n"
	  "answers a request, so other commands and 'sync --every' run beside it.\n"
	  "SIGINT/SIGTERM (Ctrl+C) stop it."), NULL },
	{ "gc", cmd_gc, N_("gc"),
	  N_("Repacks the village's repository (DIR/repo.git) into one pack: every object,\n"
	  "loose or packed, goes into a new pack, and what it replaces is removed only\n"
	  "after it is on disk. sync does this by itself when the repository holds more\n"
	  "than 50 packs or 1,000 loose objects."), NULL },
	{ "verify", cmd_verify, N_("verify"),
	  N_("Checks the database against the repository: every committed change set byte for\n"
	  "byte, the hash chain and signatures, and that replaying every change set gives\n"
	  "the village's rows. Prints each difference; exit 5 if there is one."), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-agent" };

	stele_i18n_init();
	return stele_cli_main(&ctx, commands, argc, argv);
}
