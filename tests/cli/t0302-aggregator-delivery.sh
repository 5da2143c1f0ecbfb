#!/bin/sh
test_description='stele-aggregator fetch and merge: the same change sets delivered twice, out
of order, through two routes (network and USB stick) give the same county database'
. "$(dirname "$0")/test-lib.sh"

FORGE=$STELE_BUILD/tools/stele-forge
A=990101001201 B=990101001202 C=990101002201

# setup_county DIR: a county with villages A, B, C registered on $TRASH/server.
setup_county() {
	stele-aggregator -C "$1" init --county 990101 --name 参考县 2>/dev/null &&
	for code in $A $B $C; do
		stele-aggregator -C "$1" village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null || return 1
	done
}

# county_dump DIR: the synced rows and every applied change set's identity. The
# county's registry change sets are left out: a sync refreshes the registry (the
# remotes it lists differ by route), a merge alone does not.
county_dump() {
	{ db_dump "$1" | grep -v "^outbox|[0-9]*|.*registered stream"; } &&
	sqlite3 "$1/stele.db" "SELECT writer, seq, hex(hash), rows, summary FROM stele_applied ORDER BY 1, 2"
}

test_expect_success 'three villages record members' '
	mkdir v &&
	for code in $A $B $C; do
		new_village v/$code $code || exit 1
		for i in 1 2 3 4 5 6; do
			stele-agent -C v/$code member add "成员$i" --grid "G$i" >/dev/null || exit 1
		done
		stele-agent -C v/$code member set M0002 --status flowing || exit 1
	done &&
	mkdir server usb &&
	setup_county clean && setup_county twice && setup_county ooo && setup_county two
'

test_expect_success 'one clean delivery: every change set merged once' '
	for code in $A $B $C; do "$FORGE" v/$code server/$code.git || exit 1; done &&
	stele-aggregator -C clean sync 2>err &&
	test_grep "merged 21 change sets (24 row changes) from 3 villages" err &&
	county_dump clean >clean.dump &&
	test "$(sqlite3 clean/stele.db "SELECT count(*) FROM member")" = 18 &&
	test "$(sqlite3 clean/stele.db "SELECT status FROM member WHERE village_code = '\''$B'\'' AND id = '\''M0002'\''")" = flowing
'

test_expect_success 'status shows each village merged, ok and not behind' '
	stele-aggregator -C clean status --format csv >status.csv &&
	test_grep "^$A,村$A,7,[-0-9: +]*,0,,ok,0," status.csv &&
	test_line_count 4 status.csv
'

test_expect_success 'delivered twice: the second sync changes nothing' '
	stele-aggregator -C twice sync 2>/dev/null &&
	stele-aggregator -C twice sync 2>err &&
	test_grep "merged 0 change sets" err &&
	county_dump twice >twice.dump &&
	test_cmp clean.dump twice.dump
'

test_expect_success 'a change set committed twice in a village history is skipped' '
	cp -r server/$A.git dup.git &&
	"$FORGE" v/$A dup.git --again &&
	stele-aggregator -C twice village set $A --remote "$TRASH/dup.git" &&
	stele-aggregator -C twice sync 2>err &&
	county_dump twice >twice.dump &&
	test_cmp clean.dump twice.dump
'

test_expect_success 'out of order: the newer history by USB first, then an older one by network' '
	for code in $A $B $C; do "$FORGE" v/$code usb/$code.git || exit 1; done &&
	stele-aggregator -C ooo fetch --from usb 2>err &&
	test_grep "took 3 repositories from usb, ignored 0" err &&
	stele-aggregator -C ooo merge 2>/dev/null &&
	mkdir old && "$FORGE" v/$A old/$A.git --upto 3 &&
	stele-aggregator -C ooo fetch --from old 2>/dev/null &&
	stele-aggregator -C ooo merge 2>err &&
	test_grep "merged 0 change sets" err &&
	stele-aggregator -C ooo status --format csv >status.csv &&
	test_grep "^$A,村$A,7,.*,ok,0," status.csv &&
	county_dump ooo >ooo.dump &&
	test_cmp clean.dump ooo.dump
'

test_expect_success 'two routes: part by USB stick, the rest by network' '
	mkdir part && "$FORGE" v/$A part/$A.git --upto 4 && "$FORGE" v/$B part/$B --upto 2 &&
	mkdir part/notes part/990101009999.git && echo hi >part/README &&
	stele-aggregator -C two fetch --from part 2>err &&
	test_grep "took 2 repositories from part, ignored 3 other entries" err &&
	stele-aggregator -C two merge 2>err &&
	test_grep "merged 6 change sets" err &&
	stele-aggregator -C two status --format csv >status.csv &&
	test_grep "^$A,村$A,4," status.csv &&
	stele-aggregator -C two sync 2>err &&
	test_grep "merged 15 change sets" err &&
	stele-aggregator -C two fetch --from usb 2>/dev/null && stele-aggregator -C two merge 2>/dev/null &&
	county_dump two >two.dump &&
	test_cmp clean.dump two.dump
'

test_expect_success 'an unreachable village is reported; the others carry on' '
	stele-agent -C v/$B member add 新人 >/dev/null && "$FORGE" v/$B server/$B.git &&
	stele-aggregator -C clean village set $A --remote "$TRASH/gone/$A.git" &&
	test_expect_code 1 stele-aggregator -C clean sync --jobs 2 2>err &&
	test_grep "village $A: remote .*gone/$A.git does not exist" err &&
	test_grep "1 of 3 villages could not be fetched" err &&
	test_grep "merged 1 change set " err &&
	stele-aggregator -C clean status --format csv >status.csv &&
	test_grep "^$A,.*does not exist" status.csv &&
	test_grep "^$B,村$B,8," status.csv
'

test_expect_success 'fetch --jobs refuses nonsense' '
	test_expect_code 2 stele-aggregator -C clean fetch --jobs 0 2>err &&
	test_grep "is not a whole number from 1 to 256" err
'

test_done
