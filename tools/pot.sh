#!/bin/sh
# pot.sh: extracts every message a person reads from the sources into a gettext
# template (the Makefile's po/stele.pot, and tests/cli/t0960-catalogue.sh).
# Usage: sh tools/pot.sh OUTPUT.pot [VERSION]   (run from the source root)
# The keywords are the functions whose format or text argument is plain English
# translated inside them (docs/translating.md); c-format marks printf formats,
# so `msgfmt -c` checks that each translation keeps its msgid's conversions.
set -eu
out=$1
version=${2:-0}
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: --sort-by-file \
	--package-name=stele --package-version="$version" --msgid-bugs-address="the Stele project" \
	--keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=C_:1c,2 --keyword=NC_:1c,2 \
	--keyword=stele_error:2 --flag=stele_error:2:c-format \
	--keyword=stele_verror:2 --flag=stele_verror:2:c-format \
	--keyword=stele_error_append:1 --flag=stele_error_append:1:c-format \
	--keyword=stele_error_db:3 --keyword=stele_table_end:7 --keyword=stele_db_run:2 --keyword=stele_db_query_int:3 \
	--keyword=stele_csv_error:4 --flag=stele_csv_error:4:c-format \
	--keyword=agent_refuse:2 --flag=agent_refuse:2:c-format \
	--keyword=agent_cmd_set:9 --flag=agent_cmd_set:9:c-format --keyword=stele_error_text:2 \
	--keyword=verify_fail:3 --flag=verify_fail:3:c-format \
	--keyword=walk_fail:3 --flag=walk_fail:3:c-format \
	--keyword=differ:2 --flag=differ:2:c-format \
	--keyword=stele_cli_progress:2 --keyword=SAY:2 --flag=SAY:2:c-format \
	--keyword=stele_check_text:3 --keyword=stele_check_village_code:3 \
	--keyword=stele_check_county_code:2 --keyword=stele_check_township_code:3 \
	--keyword=stele_parse_date:3 --keyword=stele_file_write:5 --keyword=step_reset:3 \
	--keyword=stele_parse_month:3 --keyword=stele_parse_year:3 --keyword=stele_parse_fixed:4 \
	--keyword=stele_parse_tenths:3 --keyword=stele_parse_fen:3 --keyword=stele_parse_int:5 \
	--keyword=stele_parse_pubkey:3 \
	--keyword=agent_check_field_text:3 --keyword=agent_check_field_date:3 \
	--keyword=agent_check_id:2 \
	--keyword=stele_file_replace:5 --keyword=stele_file_create:5 --keyword=stele_file_rename:3 \
	-o "$out.tmp" lib/*.[ch] agent/*.[ch] aggregator/*.[ch] agent/*.def aggregator/*.def
# The creation date changes every run: keep the old file when nothing else did.
if [ -f "$out" ] && diff -q -I '^"POT-Creation-Date:' "$out" "$out.tmp" >/dev/null 2>&1; then
	rm -f "$out.tmp"
else
	mv "$out.tmp" "$out"
fi
