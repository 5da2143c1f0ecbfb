#!/bin/sh
test_description='anomalies: damaged git objects in a village remote or in the county mirror,
a damaged mirror ref, and a deleted remote branch are reported naming the village; the
other villages carry on, nothing wrong is applied, and once repaired merging resumes'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/anomaly-lib.sh"

A=990101001201 B=990101001202 C=990101001203 D=990101001204

# newest_pack REPO: the most recently written pack file of a bare repository.
newest_pack() {
	ls -t "$1"/objects/pack/*.pack | head -n 1
}

# smash_pack PACK: 8 bytes of garbage in the middle of a pack (its objects, not its
# header or trailing checksum).
smash_pack() {
	smash "$1" $(($(wc -c <"$1") / 2))
}

# smash_tip_blob REPO: 8 bytes of garbage in the middle of the tip's change set as
# REPO's pack stores it, wherever the pack holds it (a USB stick folds its packs
# together at each push: its newest pack holds old objects too).
smash_tip_blob() {
	stb_id=$(git --git-dir="$1" rev-parse main:changeset) &&
	for stb_idx in "$1"/objects/pack/*.idx; do
		stb_at=$(git verify-pack -v "$stb_idx" |
			awk -v id="$stb_id" '$1 == id { print $5 + int($4 / 2) }')
		[ -z "$stb_at" ] || { smash "${stb_idx%.idx}.pack" "$stb_at"; return; }
	done
	return 1
}

# rows_of CODE DIR: village CODE's synced rows in DIR's database.
rows_of() {
	db_dump "$2" >rows.dump && village_rows rows.dump "$1"
}

# add_and_sync CODE NAME: the clerk of CODE records a member and syncs.
add_and_sync() {
	stele-agent -C v/$1 member add "$2" >/dev/null && stele-agent -C v/$1 sync 2>/dev/null
}

test_expect_success 'a county with three villages merged, and one that has not synced yet' '
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	mkdir v server usb &&
	for code in $A $B $C $D; do
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" >/dev/null 2>&1 &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || exit 1
	done &&
	for code in $A $B $C; do
		add_and_sync $code 甲 && add_and_sync $code 乙 || exit 1
	done &&
	git init -q --bare server/$D.git &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 6 change sets" err &&
	test_line_count 1 err
'

test_expect_success 'remote pack damaged: fetch names the village and the remote; the others merge' '
	anomaly_case remote-pack &&
	rows_of $A county >a.before &&
	add_and_sync $A 丙 && add_and_sync $B 丙 &&
	smash_tip_blob server/$A.git &&
	test_expect_code 1 stele-aggregator -C county sync 2>err &&
	test_grep "^stele-aggregator: village $A: cannot fetch from remote $TRASH/server/$A.git: " err &&
	test_grep "1 of 4 villages could not be fetched" err &&
	test_grep "merged 1 change set (1 row change)" err &&
	rows_of $A county >a.after && test_cmp a.before a.after &&
	rows_of $B county >b.county && rows_of $B v/$B >b.village && test_cmp b.village b.county &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$A,村$A,2,.*,ok,0,.*cannot fetch from remote" status.csv &&
	anomaly_detected remote-pack
'

test_expect_success 'remote pack damaged: a fresh copy on a USB stick merges' '
	stele-agent -C v/$A sync --remote "$TRASH/usb/$A.git" 2>/dev/null &&
	stele-aggregator -C county fetch --from usb 2>err &&
	test_grep "took 1 repository from usb" err &&
	stele-aggregator -C county merge 2>err &&
	test_grep "merged 1 change set" err &&
	rows_of $A county >a.county && rows_of $A v/$A >a.village && test_cmp a.village a.county &&
	test_line_count 3 a.county
'

test_expect_success 'mirror pack damaged: merge names the village and its mirror; the others merge' '
	anomaly_case mirror-pack &&
	rows_of $B county >b.before &&
	add_and_sync $B 丁 && add_and_sync $C 丁 &&
	stele-aggregator -C county fetch 2>/dev/null &&
	smash_pack "$(newest_pack county/villages/$B.git)" &&
	test_expect_code 1 stele-aggregator -C county merge 2>err &&
	test_grep "^stele-aggregator: village $B: its mirror .*county/villages/$B.git cannot be read (commit [0-9a-f]\{40\}: reading" err &&
	test_grep "1 village could not be merged" err &&
	test_grep "merged 1 change set (1 row change)" err &&
	rows_of $B county >b.after && test_cmp b.before b.after &&
	rows_of $C county >c.county && rows_of $C v/$C >c.village && test_cmp c.village c.county &&
	anomaly_detected mirror-pack
'

test_expect_success 'mirror pack damaged: the next fetch rebuilds the mirror and merging resumes' '
	stele-aggregator -C county sync 2>err &&
	test_grep "^stele-aggregator: village $B: its mirror was damaged (commit [0-9a-f]\{40\}: reading" err &&
	test_grep "rebuilt it from the remote, the damaged copy is .*county/villages/$B.git.damaged" err &&
	test_grep "merged 1 change set" err &&
	test -d county/villages/$B.git.damaged && ! test -e county/villages/$B.git.rebuild &&
	rows_of $B county >b.county && rows_of $B v/$B >b.village && test_cmp b.village b.county &&
	test_line_count 4 b.county &&
	stele-aggregator -C county sync 2>err &&
	test_line_count 1 err && test_grep "merged 0 change sets" err
'

test_expect_success 'mirror ref damaged: merge names the village; the next fetch rebuilds the mirror' '
	anomaly_case mirror-ref &&
	add_and_sync $C 戊 &&
	stele-aggregator -C county fetch 2>/dev/null &&
	echo garbage >county/villages/$C.git/refs/stele/incoming &&
	rows_of $C county >c.before &&
	test_expect_code 1 stele-aggregator -C county merge 2>err &&
	test_grep "^stele-aggregator: village $C: cannot read refs/stele/incoming of .*county/villages/$C.git$" err &&
	rows_of $C county >c.after && test_cmp c.before c.after &&
	stele-aggregator -C county sync 2>err &&
	test_grep "^stele-aggregator: village $C: its mirror was damaged (refs/stele/incoming: corrupted loose reference file" err &&
	test_grep "merged 1 change set" err &&
	rows_of $C county >c.county && rows_of $C v/$C >c.village && test_cmp c.village c.county &&
	anomaly_detected mirror-ref
'

test_expect_success 'deleted remote branch: fetch reports it, the county keeps its data, nothing is held' '
	anomaly_case deleted-ref &&
	db_dump county >before.dump &&
	git --git-dir=server/$C.git update-ref -d refs/heads/main &&
	test_expect_code 1 stele-aggregator -C county sync 2>err &&
	test_grep "^stele-aggregator: village $C: remote $TRASH/server/$C.git has no refs/heads/main any more (deleted, or the repository re-created); kept the history fetched before" err &&
	test_grep "merged 0 change sets" err &&
	! grep -q "held" err &&
	db_dump county >after.dump && test_cmp before.dump after.dump &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$C,村$C,4,.*,ok,0,.*has no refs/heads/main any more" status.csv &&
	test "$(git --git-dir=county/villages/$C.git rev-parse refs/stele/incoming)" = \
	     "$(git --git-dir=v/$C/repo.git rev-parse main)" &&
	anomaly_detected deleted-ref
'

test_expect_success 'deleted remote branch: the clerk syncs again, the same history returns' '
	stele-agent -C v/$C sync 2>err &&
	test_grep "pushed to" err &&
	stele-aggregator -C county sync 2>err &&
	test_line_count 1 err && test_grep "merged 0 change sets" err &&
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$C,村$C,4,.*,ok,0,[-0-9: +]*,," status.csv &&
	add_and_sync $C 己 &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set" err
'

test_expect_success 'a registered village that has not synced yet is not an anomaly' '
	stele-aggregator -C county status --format csv >status.csv &&
	test_grep "^$D,村$D,0,,0,,never synced,,[-0-9: +]*,," status.csv
'

anomaly_summary 4

test_done
