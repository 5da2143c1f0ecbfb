#!/bin/sh
test_description='both programs in Chinese: messages, help, tables, Chinese input; what scripts read unchanged'
. "$(dirname "$0")/test-lib.sh"

# zh (test-lib.sh) runs a command in Chinese through C.UTF-8 and LANGUAGE, which
# works on every machine; zh_lang runs it with LANG=zh_CN.UTF-8 alone, which
# works whether or not that locale is generated (stele_i18n_init falls back).
zh_lang() {
	env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=zh_CN.UTF-8 "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

test_expect_success 'setup: a village with members, points, a task, a request, income' '
	new_village v 990101001201 &&
	stele-agent -C v member add 张三 --gender M >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-10-03 >/dev/null &&
	stele-agent -C v task add 修路 --due 2026-10-20 >/dev/null &&
	stele-agent -C v request add --received 2026-10-05 >/dev/null &&
	stele-agent -C v income add 2026-10 1200.50 --source 租金 >/dev/null &&
	stele-agent -C v close 2026-09 2>/dev/null
'

test_expect_success 'an unknown member: one Chinese line, exit 3, nothing written' '
	test_refused v "^stele-agent：积分记录“E000002”：党员“M0099”在村 990101001201 中不存在.*M0001.*$" \
		zh stele-agent -C v points add M0099 B01 &&
	test_refused v "党员“M0099”在村 990101001201 中不存在" \
		zh_lang stele-agent -C v points add M0099 B01 &&
	test_refused v "^stele-agent: point event .E000002.: member .M0099. does not exist in village 990101001201 (did you mean .M0001.?)$" \
		stele-agent -C v points add M0099 B01
'

test_expect_success 'other refusals in Chinese keep their exit code (a malformed --gender is usage, 2) and write nothing' '
	test_usage v "性别“X”不是 M（男）、F（女）或空" zh stele-agent -C v member add 李四 --gender X &&
	test_refused v "不能从 党员大会终审 退回 党小组初审\|已经处于\|只能前进一步" \
		zh stele-agent -C v points review E000001 --stage 党员大会 &&
	test_refused v "2026-09 月已月结" zh stele-agent -C v task add 补记 --due 2026-09-10 &&
	test_refused v "任务“T0099”在村 990101001201 中不存在" zh stele-agent -C v task close T0099 &&
	printf "id,name,gender,born,joined,status,grid\n,王五,男,1970,,失踪,\n" >bad.csv &&
	test_refused v "^stele-agent：bad.csv:2:6：党员“M0002”：状态“失踪”不是" \
		zh stele-agent -C v import members bad.csv
'

test_expect_success 'usage errors in Chinese exit 2' '
	test_expect_code 2 zh stele-agent -C v member add 李四 --frob 2>err &&
	test_grep "^stele-agent：add：未知选项“--frob”（见 --help）$" err &&
	test_expect_code 2 zh stele-agent frob 2>err &&
	test_grep "^stele-agent：未知命令“frob”" err &&
	test_expect_code 2 zh stele-agent -C v request resolve R0001 --satisfied 也许 2>err &&
	test_grep "满意度\|--satisfied“也许”不是 yes（是）或 no（否）" err
'

test_expect_success 'Chinese words for fixed values are stored as the spec says' '
	zh stele-agent -C v member add 李四 --gender 女 --status 流动 >id &&
	test "$(q "SELECT gender || status FROM member WHERE id = '\''M0002'\''")" = Fflowing &&
	stele-agent -C v member add 王五 --gender 男 >/dev/null &&
	test "$(q "SELECT gender FROM member WHERE id = '\''M0003'\''")" = M &&
	stele-agent -C v member set M0003 --status 去世 &&
	test "$(q "SELECT status FROM member WHERE id = '\''M0003'\''")" = deceased &&
	stele-agent -C v points review E000001 --stage 党小组 &&
	stele-agent -C v points review E000001 --stage 支委会复审 &&
	test "$(q "SELECT stage FROM point_event WHERE id = '\''E000001'\''")" = committee &&
	stele-agent -C v request resolve R0001 --date 2026-10-09 --satisfied 是 &&
	test "$(q "SELECT satisfied FROM request")" = 1 &&
	stele-agent -C v member list --status 流动 --format csv >flowing.csv &&
	test_grep "^M0002,李四,F,,,flowing,$" flowing.csv &&
	test_line_count 2 flowing.csv
'

test_expect_success 'imported CSV takes the Chinese words too' '
	cat >members.csv <<-\EOT &&
	id,name,gender,born,joined,status,grid
	,赵六,女,1988,,转出,G2
	EOT
	stele-agent -C v import members members.csv 2>/dev/null &&
	test "$(q "SELECT gender || status FROM member WHERE name = '\''赵六'\''")" = Ftransferred_out &&
	cat >points.csv <<-\EOT &&
	id,member_id,rule_code,occurred_on,points,stage,note
	,M0002,B01,2026-10-04,,党员大会终审,
	,M0002,B01,2026-10-05,,公示,
	EOT
	stele-agent -C v import points points.csv 2>/dev/null &&
	test "$(q "SELECT group_concat(stage) FROM point_event WHERE member_id = '\''M0002'\''")" = assembly,published
'

test_expect_success 'help of every command and subcommand is Chinese, English under LANG=C' '
	for c in init member points task request income assess close import export status log \
		key sync restore verify "member add" "member set" "member list" "points add" \
		"points review" "points list" "points rank" "task add" "task close" "task list" \
		"request add" "request resolve" "request list" "income add" "income list" \
		"assess set" "assess list" "key rotate" "key history"; do
		zh stele-agent $c --help >zh.txt && stele-agent $c --help >en.txt &&
		test_grep "^用法：stele-agent " zh.txt && test_grep "^usage: stele-agent " en.txt &&
		! test_cmp zh.txt en.txt >/dev/null || { echo "help of $c" >&2; return 1; }
	done &&
	zh stele-agent --help >zh.txt && test_grep "^用法：stele-agent \[-C 目录\] 命令" zh.txt &&
	zh_lang stele-agent --help >lang.txt && test_cmp zh.txt lang.txt &&
	LANG=zh_CN.UTF-8 LC_ALL=C stele-agent --help >c.txt && test_grep "^usage:" c.txt
'

test_expect_success 'tables: headers and fixed values in Chinese' '
	zh stele-agent -C v points list >table.txt &&
	test_grep "^编号 .*审核阶段" table.txt &&
	test_grep "^E000001 .*支委会复审" table.txt &&
	zh stele-agent -C v member list >table.txt &&
	test_grep "^M0003 .*王五 .*男 .*去世" table.txt &&
	zh stele-agent -C v request list >table.txt &&
	test_grep "^R0001 .* 是 *$" table.txt &&
	stele-agent -C v points list >table.txt &&
	test_grep "^id .*stage" table.txt && test_grep "^E000001 .*committee" table.txt
'

test_expect_success 'what changed, in Chinese: the write'\''s line, log and status (the stored summary stays)' '
	zh stele-agent -C v task add 修渠 --due 2026-11-20 >/dev/null 2>err &&
	test_grep "^stele-agent：变更集 [0-9]*：新增任务 T0002$" err &&
	zh stele-agent -C v log -n 1 >table.txt &&
	test_grep "新增任务 T0002 " table.txt &&
	zh stele-agent -C v log >table.txt &&
	test_grep " 2026-09 月结 " table.txt &&
	stele-agent -C v log -n 1 >table.txt &&
	test_grep "task T0002 added" table.txt &&
	zh stele-agent -C v status >table.txt &&
	test_grep "^已月结月份 *1（2026-09 至 2026-09）$" table.txt &&
	test_grep "^台账任务 *2（未办结 2）$" table.txt &&
	stele-agent -C v status --format csv >st.csv &&
	test_grep "^tasks,2 (2 open)$" st.csv &&
	test_grep "^months closed,1 (2026-09 to 2026-09)$" st.csv
'

test_expect_success 'every listing gives the same CSV and JSON bytes in both languages' '
	for c in "member list" "points list" "task list" "request list" "income list" \
		"assess list" "log" "status" "key history" "points rank --year 2026" "export members" \
		"export points" "export tasks" "export requests" "export income"; do
		for f in csv json; do
			stele-agent -C v $c --format $f >en.out &&
			zh stele-agent -C v $c --format $f >zh.out &&
			zh_lang stele-agent -C v $c --format $f >lang.out &&
			test_cmp en.out zh.out && test_cmp en.out lang.out ||
				{ echo "$c --format $f" >&2; return 1; }
		done
	done
'

test_expect_success 'the aggregator in Chinese: refusal, help, tables; CSV unchanged' '
	stele-aggregator -C county init --county 990101 --name 参考县 2>/dev/null &&
	stele-aggregator -C county village add 990101001201 --name 正营村 --township-name 东关镇 \
		>/dev/null &&
	test_expect_code 3 zh stele-aggregator -C county veto add 990101009999 V3 --year 2026 2>err &&
	test_grep "^stele-aggregator：一票否决事项：村“990101009999”未登记$" err &&
	test_expect_code 3 zh stele-aggregator -C county veto add 990101001201 V3 --year 26 2>err &&
	test_grep "年份" err &&
	zh stele-aggregator merge --help >zh.txt && test_grep "^用法：stele-aggregator merge" zh.txt &&
	test_grep "校验每个村的每一个新变更集" zh.txt &&
	zh stele-aggregator -C county rules list point-rules >table.txt &&
	test_grep "^代码 .*类别 .*名称 .*积分 .*启用" table.txt &&
	test_grep "^D02 .*反向扣分 .*-3.5 .*是" table.txt &&
	for c in "village list" "rules list point-rules" "rules list standard-items" \
		"rules list config" "veto list" "status" "quarantine list" \
		"rank villages --month 2026-10" "rank members --year 2026"; do
		stele-aggregator -C county $c --format csv >en.out &&
		zh stele-aggregator -C county $c --format csv >zh.out &&
		test_cmp en.out zh.out || { echo "$c" >&2; return 1; }
	done
'

# header_english PROGRAM DIR COMMAND...: the column names a Chinese table header
# leaves in English (none, when every column has its header in the catalogue).
header_english() {
	prog=$1 dir=$2
	shift 2
	zh $prog -C $dir "$@" >hdr.txt 2>/dev/null || { echo "($*: failed)"; return 0; }
	head -n 1 hdr.txt | tr -s " " "\n" | grep -E "^[a-z][a-z_]+$" || :
}

test_expect_success 'every listing'\''s header is Chinese, in both programs' '
	: >left &&
	for c in "member list" "points list" "points rank --year 2026" "task list" \
		"request list" "income list" "grid list" "assess list --year 2026" \
		"rank member-stars --year 2026" "rank grids --month 2026-10" "rules list" "log" \
		"status" "key history"; do
		header_english stele-agent v $c >>left
	done &&
	for c in "village list" "township list" "rules list point-rules" \
		"rules list standard-items" "rules list veto-items" "rules list config" \
		"assess list --year 2026" "veto list" "task progress" "task overdue" \
		"weak suggest --year 2026" "weak list" "requests villages --year 2026" \
		"requests escalations --year 2026" "requests open" "log" "status" \
		"quarantine list" "rank villages --month 2026-10" "rank stars --year 2026" \
		"rank members --year 2026" "rank member-stars --year 2026" \
		"rank income --year 2026" "rank grids --month 2026-10"; do
		header_english stele-aggregator county $c >>left
	done &&
	{ ! test -s left || { cat left >&2; false; }; }
'

# The translations whose text starts with the program's name and an ASCII colon
# ("%s: ..."): a Chinese line has a full-width one, as its errors have.
ascii_colon() {
	msgattrib --no-wrap --no-obsolete "$1" | awk '
		/^msgstr/ { s = 1; t = $0; sub(/^msgstr(\[[0-9]+\])? /, "", t)
			if (t != "\"\"") { check(t); s = 0 }; next }
		/^"/ && s { check($0); s = 0; next }
		{ s = 0 }
		function check(t) { if (t ~ /^"%(1\$)?s: /) print t }'
}

test_expect_success 'every Chinese line after the program'\''s name has a full-width colon' '
	ascii_colon "$SRC_ROOT/po/zh_CN.po" >ascii &&
	{ ! test -s ascii || { cat ascii >&2; false; }; } &&
	printf "msgid \"%%s: x\"\nmsgstr \"%%s: 甲\"\n\nmsgid \"\"\n\"%%s: y\\\\n\"\nmsgstr \"\"\n\"%%s：乙\\\\n\"\n" >t.po &&
	ascii_colon t.po >found &&
	test_line_count 1 found
'

test_expect_success 'rules import takes Chinese categories and active flags' '
	cat >rules.csv <<-\EOT &&
	code,category,name,points,active
	B01,基础积分,参加主题党日活动,2,是
	D01,反向扣分,无故缺席,-1,停用
	EOT
	stele-aggregator -C county rules import point-rules rules.csv 2>/dev/null &&
	stele-aggregator -C county rules list point-rules --draft --format csv >rules.out &&
	test_grep "^B01,base,参加主题党日活动,2.0,1$" rules.out &&
	test_grep "^D01,deduction,无故缺席,-1.0,0$" rules.out
'

# Every command and subcommand of PROG, one "CMD" or "CMD SUB" a line, as --help
# lists them (the programs' own command lists, commands.def).
all_commands() {
	for c in $(LANGUAGE= LC_ALL=C "$1" --help | sed -n '/^commands:/,/^$/p' |
		   awk 'NF && $1 != "commands:" { print $1 }'); do
		echo "$c"
		LANGUAGE= LC_ALL=C "$1" "$c" --help |
			awk -v c="$c" '$1 == "or:" && $3 == c { print c, $4 }'
	done
}

test_expect_success 'every command'\''s and subcommand'\''s help is in Chinese under LANGUAGE=zh_CN' '
	for prog in stele-agent stele-aggregator; do
		all_commands $prog >commands || exit 1
		test "$(wc -l <commands)" -gt 30 || exit 1
		while read -r c s; do
			zh $prog $c $s --help 2>&1 </dev/null | sed 1d >help.zh || exit 1
			LANGUAGE= LC_ALL=C $prog $c $s --help 2>&1 </dev/null | sed 1d >help.en || exit 1
			# Under the usage line: the explanation, which English help also
			# writes with Chinese terms in it, so it is compared, not searched.
			test -s help.en && ! cmp -s help.zh help.en ||
				{ echo "$prog $c $s: help not translated"; exit 1; }
		done <commands
	done
'

test_done
