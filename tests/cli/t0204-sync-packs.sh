#!/bin/sh
test_description='stele-agent sync writes one pack per sync; a USB stick keeps its recent history in one small pack; repositories of loose objects keep working; gc of the agent and the aggregator'
. "$(dirname "$0")/test-lib.sh"

V=990101001201

# packs REPO / loose REPO: how many pack files and loose objects REPO holds.
packs() {
	ls "$1/objects/pack" | grep -c '\.pack$'
}
loose() {
	find "$1/objects" -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l | tr -d ' '
}

test_expect_success 'sync of five change sets writes one pack and no loose object, locally and on the remote' '
	new_village v $V &&
	for name in 张三 李四 王五 赵六 孙七; do
		stele-agent -C v member add $name >/dev/null || exit 1
	done &&
	stele-agent -C v remote set "$TRASH/usb.git" 2>/dev/null &&
	stele-agent -C v sync 2>err &&
	test_grep "committed 5 change sets" err &&
	test "$(packs v/repo.git)" = 1 && test "$(loose v/repo.git)" = 0 &&
	git -C v/repo.git fsck --strict 2>fsck && test ! -s fsck &&
	test "$(stream_seq v/repo.git)" = 5 &&
	test "$(git -C usb.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)" &&
	test "$(packs usb.git)" = 1 && test "$(loose usb.git)" = 0 &&
	git -C usb.git fsck --strict 2>fsck && test ! -s fsck
'

test_expect_success 'a repository of loose objects (an earlier version) takes the next pack beside them' '
	mkdir old &&
	mv v/repo.git/objects/pack/pack-* old/ &&
	p=$(ls old/pack-*.pack) && git -C v/repo.git unpack-objects -q <"$p" &&
	test "$(packs v/repo.git)" = 0 && test "$(loose v/repo.git)" = 4 &&
	stele-agent -C v member add 周八 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-09-01 >/dev/null &&
	stele-agent -C v sync 2>err &&
	test_grep "committed 2 change sets" err &&
	test "$(packs v/repo.git)" = 1 &&
	git -C v/repo.git fsck --strict 2>fsck && test ! -s fsck &&
	test "$(stream_seq usb.git)" = 7 &&
	stele-agent -C v verify >out 2>&1
'

test_expect_success 'gc repacks loose objects and packs into one pack, then has nothing to do' '
	before=$(loose v/repo.git) &&
	stele-agent -C v gc 2>err &&
	test_grep "^stele-agent: repo.git repacked: 1 packs and $before loose objects into one pack$" err &&
	test "$(packs v/repo.git)" = 1 && test "$(loose v/repo.git)" = 0 &&
	git -C v/repo.git fsck --strict 2>fsck && test ! -s fsck &&
	stele-agent -C v verify >out 2>&1 &&
	stele-agent -C v log -n 1 >log && test_grep "E000001" log &&
	stele-agent -C v gc 2>err &&
	test_grep "^stele-agent: repo.git is already one pack$" err
'

test_expect_success 'sync repacks by itself when packs have piled up past 50' '
	pack=$(ls v/repo.git/objects/pack/pack-*.pack) &&
	for i in $(seq 1 51); do
		fake=$(printf "%040d" $i) &&
		cp "$pack" v/repo.git/objects/pack/pack-$fake.pack &&
		cp "${pack%.pack}.idx" v/repo.git/objects/pack/pack-$fake.idx || exit 1
	done &&
	test "$(packs v/repo.git)" = 52 &&
	stele-agent -C v member add 吴九 >/dev/null &&
	stele-agent -C v sync 2>err &&
	test "$(packs v/repo.git)" = 1 && test "$(loose v/repo.git)" = 0 &&
	git -C v/repo.git fsck --strict 2>fsck && test ! -s fsck &&
	test "$(git -C usb.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)"
'

test_expect_success 'each push to a USB stick folds its pack into the small one there: one pack whatever the number of pushes' '
	n=0 &&
	while [ $n -lt 4 ]; do
		n=$((n + 1))
		before=$(du -sb usb.git/objects/pack | cut -f1) &&
		stele-agent -C v member add "推$n" >/dev/null && stele-agent -C v sync 2>/dev/null &&
		test "$(packs usb.git)" = 1 && test "$(loose usb.git)" = 0 || exit 1
		# The stick grows by the push'"'"'s objects, not by a pack index of
		# its own (1,072 bytes whatever it holds).
		test $(( $(du -sb usb.git/objects/pack | cut -f1) - before )) -lt 1072 || exit 1
	done &&
	git -C usb.git fsck --strict 2>fsck && test ! -s fsck &&
	test "$(git -C usb.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)"
'

test_expect_success 'a pack of 1 MiB or more is left as it is; past 8 packs the push repacks the stick whole' '
	head -c 1100000 /dev/urandom | git -C usb.git hash-object -w --stdin >big &&
	git -C usb.git pack-objects -q objects/pack/pack <big >/dev/null &&
	git -C usb.git prune-packed && test "$(loose usb.git)" = 0 &&
	big=$(find usb.git/objects/pack -name "pack-*.pack" -size +1024k) &&
	test -n "$big" && test "$(packs usb.git)" = 2 &&
	stele-agent -C v member add 大包 >/dev/null && stele-agent -C v sync 2>/dev/null &&
	test "$(packs usb.git)" = 2 && test -f "$big" &&
	for i in $(seq 1 6); do
		fake=$(printf "%040d" $i) &&
		cp "$big" usb.git/objects/pack/pack-$fake.pack &&
		cp "${big%.pack}.idx" usb.git/objects/pack/pack-$fake.idx || exit 1
	done &&
	stele-agent -C v member add 八包 >/dev/null && stele-agent -C v sync 2>/dev/null &&
	test "$(packs usb.git)" = 8 &&
	stele-agent -C v member add 九包 >/dev/null &&
	cp "$big" usb.git/objects/pack/pack-$(printf "%040d" 7).pack &&
	cp "${big%.pack}.idx" usb.git/objects/pack/pack-$(printf "%040d" 7).idx &&
	stele-agent -C v sync 2>/dev/null &&
	test "$(packs usb.git)" = 1 && test "$(loose usb.git)" = 0 &&
	git -C usb.git cat-file -e "$(cat big)" &&
	git -C usb.git fsck --strict 2>fsck && test ! -s fsck &&
	test "$(git -C usb.git rev-parse main)" = "$(git -C v/repo.git rev-parse main)"
'

test_expect_success 'stele-aggregator gc repacks every mirror; merge reads them after' '
	stele-aggregator -C c init --county 990101 --name 测试县 >/dev/null 2>&1 &&
	stele-aggregator -C c village add $V --name 正营村 --township-name 镇 \
		--remote "$TRASH/usb.git" --key "$(stele-agent -C v key)" >/dev/null &&
	stele-aggregator -C c fetch --jobs 1 >/dev/null 2>&1 &&
	stele-agent -C v member add 郑十 >/dev/null &&
	stele-agent -C v sync 2>/dev/null &&
	stele-aggregator -C c fetch --jobs 1 >/dev/null 2>&1 &&
	test "$(packs c/villages/$V.git)" = 2 &&
	stele-aggregator -C c gc 2>err &&
	test_grep "^stele-aggregator: repacked 1 of 2 repositories into one pack each$" err &&
	test "$(packs c/villages/$V.git)" = 1 && test "$(loose c/villages/$V.git)" = 0 &&
	git -C c/villages/$V.git fsck --strict >fsck 2>&1 &&
	! grep -v "^notice: HEAD points to an unborn branch" fsck &&
	stele-aggregator -C c merge >/dev/null 2>&1 &&
	test "$(sqlite3 c/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$V'\''")" = \
	     "$(sqlite3 v/stele.db "SELECT count(*) FROM member")"
'

test_expect_success 'gc of a directory another command holds is refused as busy' '
	exec 9>v/lock && flock 9 &&
	test_expect_code 4 stele-agent -C v gc 2>err &&
	exec 9>&-
'

test_done
