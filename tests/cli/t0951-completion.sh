#!/bin/sh
test_description='bash completion: commands, subcommands, options, KIND values, ids from the directory'
. "$(dirname "$0")/test-lib.sh"
test_must_run_on_ci

COMPLETION=$SRC_ROOT/contrib/bash-completion/stele-agent

if ! command -v bash >/dev/null 2>&1; then
	test_skip 'bash completion' 'bash is not installed'
	test_done
fi

# complete WORD...: what completing the last WORD offers, as bash does it: the
# function that `complete -p` names for the program, with COMP_WORDS and
# COMP_CWORD set; one candidate a line, sorted.
cat >complete.bash <<'EOS'
source "$1"
shift
spec=$(complete -p "$1") || exit 1
fn=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}" | sort
EOS
complete() {
	bash complete.bash "$COMPLETION" "$@"
}
# offers WORDS... = EXPECTED...: the candidates are exactly EXPECTED.
offers() {
	args=""
	while [ "$1" != = ]; do
		args="$args '$1'"
		shift
	done
	shift
	eval "complete $args" >actual &&
	printf '%s\n' "$@" | sort >expected &&
	test_cmp expected actual
}

test_expect_success 'setup: a village with two members, a county with a village' '
	new_village v 990101001201 正营村 &&
	stele-agent -C v member add 王建国 >/dev/null &&
	stele-agent -C v member add 李秀英 >/dev/null &&
	stele-agent -C v points add M0001 B01 --date 2026-10-08 >/dev/null &&
	stele-aggregator -C c init --county 990101 --name 示例县 >/dev/null 2>&1 &&
	stele-aggregator -C c village add 990101001201 --name 正营村 --township-name 东关镇 \
		--key "$(stele-agent -C v key)" >/dev/null
'

test_expect_success 'complete -p names a function for both programs' '
	bash -c "source \"$COMPLETION\"; complete -p stele-agent; complete -p stele-aggregator" >out &&
	test_grep "^complete .*-F _stele stele-agent$" out &&
	test_grep "^complete .*-F _stele stele-aggregator$" out
'

test_expect_success 'the commands are those of --help' '
	stele-agent --help | sed -n "/^commands:/,/^\$/s/^  \([^ ]*\).*/\1/p" | sort >expected &&
	complete stele-agent "" >actual &&
	test_cmp expected actual &&
	test_grep "^sync$" actual
'
test_expect_success 'a prefix narrows them; global options' '
	offers stele-agent me = member &&
	offers stele-aggregator ra = rank &&
	offers stele-agent - = -C --version --help
'
test_expect_success 'subcommands' '
	offers stele-agent member "" = add set delete list &&
	offers stele-agent points re = review reverse &&
	offers stele-agent -C v key "" = rotate history &&
	offers stele-aggregator rank "" = villages stars members member-stars income grids
'
test_expect_success 'options of a subcommand (those its usage line names), with --format values' '
	{ stele-agent task list --help | sed -n 1p | grep -o -- "--[a-z-]*" && echo --help; } |
		sort -u >expected &&
	test_grep "^--open$" expected &&
	complete stele-agent task list -- >actual &&
	test_cmp expected actual &&
	offers stele-agent task list --format "" = table csv json &&
	offers stele-agent member add 张三 --gender "" = M F &&
	offers stele-agent request resolve R0001 --satisfied "" = yes no
'
test_expect_success 'KIND values, from the help text' '
	offers stele-agent import "" = members points tasks requests income assessments grids &&
	offers stele-agent export "" = members points tasks requests income assessments grids &&
	offers stele-aggregator rules import "" = point-rules standard-items veto-items config &&
	offers stele-aggregator rules list "" = point-rules standard-items veto-items config
'
test_expect_success 'member ids from the directory given with -C' '
	offers stele-agent -C v member set "" = M0001 M0002 &&
	offers stele-agent -C v points add "" = M0001 M0002 &&
	offers stele-agent -C v points list --member "" = M0001 M0002 &&
	offers stele-agent -C v task add 走访 --assignee M00 = M0001 M0002
'
test_expect_success 'ids from $STELE_DIR, and event ids for points review' '
	STELE_DIR=$TRASH/v complete stele-agent points review "" >actual &&
	echo E000001 >expected &&
	test_cmp expected actual
'
test_expect_success 'rule codes from the village database' '
	complete stele-agent -C v points add M0001 "" >actual &&
	test_grep "^B01$" actual &&
	sqlite3 v/stele.db "SELECT code FROM point_rule WHERE active ORDER BY code" >expected &&
	test_cmp expected actual
'
test_expect_success 'village codes for the county, veto codes from its rules' '
	offers stele-aggregator -C c rank members --year 2026 --village "" = 990101001201 &&
	offers stele-aggregator -C c veto add 9901 = 990101001201 &&
	stele-aggregator -C c rules list veto-items --format csv | sed "1d; s/,.*//" >expected &&
	test -s expected &&
	complete stele-aggregator -C c veto add 990101001201 "" >actual &&
	test_cmp expected actual
'
test_expect_success 'no ids outside a Stele directory, and files where a FILE goes' '
	offers stele-agent member set "" = &&
	mkdir d && : >d/members.csv &&
	offers stele-agent import members d/m = d/members.csv &&
	offers stele-agent -C d = d
'
test_expect_success 'points review stages are the ones its help names' '
	complete stele-agent points review E000001 --stage "" >stages &&
	test_line_count 5 stages &&
	stele-agent points review --help | tr -s " \n" " " >help &&
	while read -r s; do grep -q "$s" help || exit 1; done <stages
'

test_done
