#!/bin/sh
test_description='a sync with nothing new: streams whose refs show nothing new are
skipped without opening their repositories, yet a new change set is never missed,
whether the refs are loose or packed by stock git, and each merge run counts what it
merged'
. "$(dirname "$0")/test-lib.sh"

A=990101001201 B=990101001202

# runs DIR: each merge run's id, change sets and villages, one line each.
runs() {
	stele-aggregator -C "$1" log --format csv | tail -n +2 | cut -d, -f1,3,4
}

test_expect_success 'a county of two villages, each with a member, merged (run 1)' '
	stele-aggregator -C county init --county 990101 --name 测试县 2>/dev/null &&
	mkdir server &&
	for code in $A $B; do
		git init -q --bare server/$code.git &&
		stele-agent -C v/$code init --village $code --name "村$code" \
			--remote "$TRASH/server/$code.git" >/dev/null 2>&1 &&
		stele-aggregator -C county village add $code --name "村$code" --township-name 镇 \
			--remote "$TRASH/server/$code.git" --key "$(stele-agent -C v/$code key)" \
			>/dev/null &&
		stele-agent -C v/$code member add 甲 >/dev/null &&
		stele-agent -C v/$code sync 2>/dev/null || exit 1
	done &&
	stele-aggregator -C county sync 2>/dev/null &&
	runs county >runs &&
	grep -q "^1,[1-9][0-9]*,2$" runs
'

test_expect_success 'again with nothing new: run 2 merges nothing, the database is as it was' '
	db_dump county >before &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 0 change sets" err &&
	runs county | sed -n 2p >run2 &&
	echo "2,0,0" >expect && test_cmp expect run2 &&
	db_dump county | grep -v "^stele_run|" >after &&
	grep -v "^stele_run|" before >before.kept &&
	test_cmp before.kept after
'

test_expect_success 'one village writes: only its change set is merged (run 3)' '
	stele-agent -C v/$A member add 乙 >/dev/null &&
	stele-agent -C v/$A sync 2>/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set " err &&
	runs county | sed -n 3p >run3 &&
	echo "3,1,1" >expect && test_cmp expect run3 &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$A'\''")" = 2
'

test_expect_success 'a change set behind a ref packed by stock git is still fetched and merged' '
	stele-agent -C v/$B member add 丙 >/dev/null &&
	stele-agent -C v/$B sync 2>/dev/null &&
	git -C server/$B.git pack-refs --all &&
	! test -e server/$B.git/refs/heads/main &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set " err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$B'\''")" = 2
'

test_expect_success 'the mirror'\''s refs packed too: nothing new is nothing, and a new one is merged' '
	git -C county/villages/$B.git pack-refs --all &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 0 change sets" err &&
	stele-agent -C v/$B member add 丁 >/dev/null &&
	stele-agent -C v/$B sync 2>/dev/null &&
	stele-aggregator -C county sync 2>err &&
	test_grep "merged 1 change set " err &&
	test "$(sqlite3 county/stele.db "SELECT count(*) FROM member WHERE village_code = '\''$B'\''")" = 3
'

test_expect_success 'a held stream back at its cursor is looked at, and released, as before' '
	sqlite3 county/stele.db "UPDATE stele_stream SET state = '\''held'\'', state_note = '\''test'\'' WHERE writer = '\''$A'\''" &&
	stele-aggregator -C county sync 2>err &&
	test "$(sqlite3 county/stele.db "SELECT state FROM stele_stream WHERE writer = '\''$A'\''")" = ok
'

test_done
