/* main.c: stele-agent, the village clerk's tool: its command table. */
#include "agent.h"

static const struct stele_cmd commands[] = {
	{ "init", cmd_init,
	  "init --village CODE --name NAME [--remote URL] [--county URL] [--county-key KEY]",
	  "Creates the village directory (-C DIR, $STELE_DIR or the current directory):\n"
	  "the database, the repository, and the village's signing key. Installs the\n"
	  "default rules catalogue; with --county, the county's published rules replace\n"
	  "it at the next sync.", NULL },
	{ "member", cmd_member, "member add|set|list ...", "Party members of the village.",
	  member_subcommands },
	{ "points", cmd_points, "points add|review|list ...",
	  "Party members' point events (积分) and their reviews.", points_subcommands },
	{ "task", cmd_task, "task add|close|list ...", "The village's task ledger (台账).",
	  task_subcommands },
	{ "request", cmd_request, "request add|resolve|list ...", "Residents' requests (诉求).",
	  request_subcommands },
	{ "income", cmd_income, "income add|list ...", "Collective-economy income.",
	  income_subcommands },
	{ "assess", cmd_assess, "assess set|list ...",
	  "The village's yearly self-assessment against the standard items.", assess_subcommands },
	{ "close", cmd_close, "close MONTH",
	  "Declares month MONTH (YYYY-MM) complete: it becomes read-only. Earlier months\n"
	  "still open since the village's first record are closed with it.", NULL },
	{ "import", cmd_import, "import KIND FILE",
	  "Imports a CSV (KIND: members, points, tasks, requests, income, assessments)\n"
	  "with the columns export writes. All rows or none, in one change set. An empty\n"
	  "id assigns one; an existing id updates that row. FILE '-' is stdin.", NULL },
	{ "export", cmd_export, "export KIND [--format csv|json|table] [--bom]",
	  "Writes KIND (members, points, tasks, requests, income, assessments) to stdout,\n"
	  "as CSV by default, with the columns import reads.", NULL },
	{ "status", cmd_status, "status [--format table|csv|json]",
	  "The village, pending change sets, last sync, remote, rules version, closed\n"
	  "months and record counts.", NULL },
	{ "log", cmd_log, "log [-n N] [--format table|csv|json]",
	  "The change-set history, newest first.", NULL },
	{ "key", cmd_key, "key",
	  "Prints the village's public key (64 hex digits), to register at the county.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct stele_ctx ctx = { .prog = "stele-agent" };

	return stele_cli_main(&ctx, commands, argc, argv);
}
