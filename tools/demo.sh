#!/bin/sh
# demo.sh: `make demo`: a whole county in a box, in demo/: 3 townships of 8 villages
# with ten months of records, synced to the county over a "server" and a USB stick,
# merged, ranked and reported. See docs/demo.md for a walk through what it does.
set -eu

BUILD=${STELE_BUILD:-$(pwd)/build}
PATH=$BUILD:$BUILD/tools:$PATH
export PATH
unset STELE_DIR

DEMO=$(pwd)/demo
DATA=$DEMO/data         # what the simulator wrote: each village's CSVs
SERVER=$DEMO/server     # the county's git server: one bare repository per village
USB=$DEMO/usb           # a USB stick carried from an offline village
COUNTY=$DEMO/county     # the county office's stele-aggregator directory
VILLAGES=$DEMO/villages # one stele-agent directory per village clerk's laptop

COUNTY_CODE=990101
# The county's size (tests/cli/t0955-newcomer.sh runs a smaller one; every
# suggested command below needs township 001, village 001201 and 002205).
TOWNSHIPS=${STELE_DEMO_TOWNSHIPS:-3}
VILLAGES_PER_TOWNSHIP=${STELE_DEMO_VILLAGES:-8}
YEAR=2026
MONTHS=10
MONTH=$YEAR-09          # the last closed month: the league table and report show it
USB_VILLAGE=${COUNTY_CODE}002205

step=""
say() {
	step=$*
	printf '\n==> %s\n' "$*"
}
on_exit() {
	rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '\ndemo: failed (exit %s) at: %s\n' "$rc" "$step" >&2
		printf 'demo: the failing command'"'"'s own message is just above.\n' >&2
	fi
}
trap on_exit EXIT

# quietly CMD...: runs CMD with its output in demo/last.log, shown only if it fails.
quietly() {
	if "$@" >"$DEMO/last.log" 2>&1; then rc=0; else rc=$?; fi
	[ $rc -eq 0 ] || cat "$DEMO/last.log" >&2
	return $rc
}

# short_paths: the demo's absolute paths, shown relative to the source tree.
short_paths() {
	sed "s|$DEMO|demo|g"
}

# shown CMD...: runs CMD and shows its output (stdout and stderr) with short paths;
# fails as CMD fails (a pipe into sed would hide that).
shown() {
	if "$@" >"$DEMO/last.log" 2>&1; then rc=0; else rc=$?; fi
	short_paths <"$DEMO/last.log"
	return $rc
}

# Each village's name and township name, from the simulated registry.
registry() {
	sed 1d "$DATA/villages.csv"
}

say "a fresh demo/ directory"
rm -rf "$DEMO"
mkdir -p "$SERVER" "$USB" "$VILLAGES"

say "simulate a county: $TOWNSHIPS townships x $VILLAGES_PER_TOWNSHIP villages, $MONTHS months of $YEAR"
shown simulate --out "$DATA" --townships $TOWNSHIPS --villages-per-township $VILLAGES_PER_TOWNSHIP \
	--months $MONTHS \
	--year $YEAR --seed 5 --county $COUNTY_CODE

say "the county server: a bare repository per village, and the county's own"
git init -q --bare --initial-branch=main "$SERVER/county.git"
registry | while IFS=, read -r code name township; do
	git init -q --bare --initial-branch=main "$SERVER/$code.git"
done
ls "$SERVER" | head -n 3
echo "... $(ls "$SERVER" | wc -l) repositories in demo/server/"

say "stele-aggregator init: the county office, with its rules catalogue"
shown stele-aggregator -C "$COUNTY" init --county $COUNTY_CODE --name 示范县 \
	--publish "$SERVER/county.git"
for kind in point-rules standard-items veto-items; do
	shown stele-aggregator -C "$COUNTY" rules import $kind "$DATA/rules/$kind.csv"
done
shown stele-aggregator -C "$COUNTY" rules publish

say "every village clerk: stele-agent init (fetching the county rules), key"
registry | while IFS=, read -r code name township; do
	quietly stele-agent -C "$VILLAGES/$code" init --village "$code" --name "$name" \
		--remote "$SERVER/$code.git" --county "$SERVER/county.git"
	printf '%s %s\n' "$code" "$name"
done >"$DEMO/step.log"
paste - - - <"$DEMO/step.log" | sed "s/\t/   /g"

say "the county registers each village with its public key, and publishes the registry"
# The offline village has no remote: its change sets come on the USB stick
# (fetch --from), and a plain `sync` does not look for it on the server.
registry | while IFS=, read -r code name township; do
	key=$(stele-agent -C "$VILLAGES/$code" key)
	if [ "$code" = "$USB_VILLAGE" ]; then
		remote=""
	else
		remote=$SERVER/$code.git
	fi
	stele-aggregator -C "$COUNTY" village add "$code" --name "$name" \
		--township-name "$township" ${remote:+--remote "$remote"} --key "$key" >/dev/null
done
shown stele-aggregator -C "$COUNTY" rules publish
quietly stele-aggregator -C "$COUNTY" village list
head -n 4 "$DEMO/last.log"
echo "... $(registry | wc -l) villages registered"

say "every clerk imports the village's records (members, points, tasks, requests, income, assessments)"
registry | while IFS=, read -r code name township; do
	for kind in members points tasks requests income assessments; do
		quietly stele-agent -C "$VILLAGES/$code" import $kind "$DATA/villages/$code/$kind.csv"
	done
	printf '%s: %s members, %s point events\n' "$code" \
		"$(($(wc -l <"$DATA/villages/$code/members.csv") - 1))" \
		"$(($(wc -l <"$DATA/villages/$code/points.csv") - 1))"
done >"$DEMO/step.log"
paste - - <"$DEMO/step.log" | sed "s/\t/   /g"

say "every clerk closes January to September (October stays open)"
registry | while IFS=, read -r code name township; do
	while read -r month; do
		quietly stele-agent -C "$VILLAGES/$code" close "$month"
	done <"$DATA/villages/$code/closes.txt"
done
stele-agent -C "$VILLAGES/${COUNTY_CODE}001201" status

say "every clerk syncs to the county server; village $USB_VILLAGE has no network and syncs to a USB stick"
registry | while IFS=, read -r code name township; do
	if [ "$code" = "$USB_VILLAGE" ]; then
		quietly stele-agent -C "$VILLAGES/$code" sync --remote "$USB/$code.git"
	else
		quietly stele-agent -C "$VILLAGES/$code" sync
	fi
	grep "pushed to" "$DEMO/last.log" | short_paths || :
done >"$DEMO/step.log"
cat "$DEMO/step.log"
echo "git log of village ${COUNTY_CODE}001201 on the server reads as its ledger:"
git --git-dir="$SERVER/${COUNTY_CODE}001201.git" log --format='  %s' main | head -n 4

say "the county fetches and merges everything on the server"
stele-aggregator -C "$COUNTY" sync

say "the USB stick arrives at the county office: fetch --from it, then merge"
shown stele-aggregator -C "$COUNTY" fetch --from "$USB"
stele-aggregator -C "$COUNTY" merge

say "the county records its veto events"
sed 1d "$DATA/vetoes.csv" | while IFS=, read -r village veto year note; do
	id=$(stele-aggregator -C "$COUNTY" veto add "$village" "$veto" --year "$year" --note "$note")
	echo "$id: village $village, $veto ($note), $year"
done

say "the county reviews the self-assessments: the township's first review, then the county's approval (村街申报、乡镇初审、县级批准)"
sed 1d "$DATA/reviews.csv" | while IFS=, read -r village year item score note; do
	if [ -z "$item" ]; then
		set -- approve "$village" --year "$year"
	else
		set -- adjust "$village" "$item" "$score" --year "$year"
	fi
	if [ -n "$note" ]; then
		set -- "$@" --note "$note"
	fi
	stele-aggregator -C "$COUNTY" assess "$@" 2>/dev/null
	echo "assess $*"
done >"$DEMO/step.log"
head -n 3 "$DEMO/step.log"
echo "... $(wc -l <"$DEMO/step.log") reviews; the rest stay pending:"
stele-aggregator -C "$COUNTY" assess list --year $YEAR --pending | head -n 4
shown stele-aggregator -C "$COUNTY" rules publish

say "stele-aggregator status"
stele-aggregator -C "$COUNTY" status

say "the league table for $MONTH (rank villages --month $MONTH)"
stele-aggregator -C "$COUNTY" rank villages --month $MONTH

say "the report"
shown stele-aggregator -C "$COUNTY" report --month $MONTH --out "$DEMO/report.html"
test -s "$DEMO/report.html"

step="done"
cat <<EOF

The county is in demo/. Open demo/report.html in a browser.
Then try:
  stele-aggregator -C demo/county rank stars --year $YEAR
  stele-aggregator -C demo/county rank villages --month $YEAR-10 --township ${COUNTY_CODE}001
  stele-aggregator -C demo/county rank members --year $YEAR --village ${COUNTY_CODE}001201 --format csv
  stele-agent -C demo/villages/${COUNTY_CODE}001201 points rank --year $YEAR
  stele-agent -C demo/villages/${COUNTY_CODE}001201 log -n 5
  git --git-dir=demo/server/${COUNTY_CODE}001201.git log --oneline | head
  stele-aggregator -C demo/county sync      # again: nothing new is applied twice
EOF
